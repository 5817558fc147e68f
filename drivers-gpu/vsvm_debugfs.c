// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/seq_file.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_file.h>

#include "vsvm_drv.h"

static int vsvm_debugfs_info_show(struct seq_file *m, void *unused)
{
	struct drm_debugfs_entry *entry = m->private;
	struct vsvm_device *vdev = to_vsvm_device(entry->dev);

	seq_printf(m, "engines: %u\n", vdev->num_engines);
	seq_printf(m, "vram_size: %llu\n", vdev->vram_size);
	seq_printf(m, "va_bits: %u\n", VSVM_VA_BITS);
	return 0;
}

/**
 * vsvm_debugfs_init() - register vsvm's debugfs files
 * @vdev: the device, not yet registered
 *
 * The files appear in the DRM minor's debugfs directory
 * (/sys/kernel/debug/dri/N/) once the device is registered.
 */
void vsvm_debugfs_init(struct vsvm_device *vdev)
{
	drm_debugfs_add_file(&vdev->drm, "vsvm_info",
			     vsvm_debugfs_info_show, NULL);
}
