// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * DOC: debugfs
 *
 * Files in the DRM minor's debugfs directory, readable by root only (as
 * debugfs is): they show every process's activity, which the uapi shows
 * to nobody but the VM's own process.
 *
 * - vsvm_info: the device's parameters.
 * - vsvm_stats: device-wide totals of every counter since the device was
 *   created, the implementation counters (VSVM_STAT_*) included.
 * - vsvm_vms: one line per VM: "vm ID pid PID client CLIENT:" then
 *   name=value for every counter, the VM's busy time and jobs in flight.
 *   CLIENT is the drm-client-id of the file holding the VM.
 *
 * The files go with the device at unplug (drm_dev_unplug() removes the
 * minor's directory); a read that raced with it gets -ENODEV.
 */

#include <linux/seq_file.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>

#include "vsvm_drv.h"
#include "vsvm_vm.h"

static int vsvm_debugfs_info_show(struct seq_file *m, void *unused)
{
	struct drm_debugfs_entry *entry = m->private;
	struct vsvm_device *vdev = to_vsvm_device(entry->dev);
	int idx;

	if (!drm_dev_enter(&vdev->drm, &idx))
		return -ENODEV;
	seq_printf(m, "engines: %u\n", vdev->num_engines);
	seq_printf(m, "vram_size: %llu\n", vdev->vram_size);
	seq_printf(m, "va_bits: %u\n", VSVM_VA_BITS);
	seq_printf(m, "job_timeout_ms: %u\n", vdev->job_timeout_ms);
	drm_dev_exit(idx);
	return 0;
}

static const char *const vsvm_stat_names[VSVM_STAT_COUNT] = {
	[DRM_VSVM_STAT_FAULTS] = "faults",
	[VSVM_STAT_FAULTS_DEDUP] = "faults_dedup",
	[VSVM_STAT_PAGES_4K] = "pages_4k",
	[VSVM_STAT_PAGES_2M] = "pages_2m",
	[VSVM_STAT_RANGES_64K] = "ranges_64k",
	[DRM_VSVM_STAT_INVALIDATIONS] = "invalidations",
	[VSVM_STAT_RETRIES] = "retries",
	[DRM_VSVM_STAT_JOBS] = "jobs",
	[DRM_VSVM_STAT_JOBS_FAILED] = "jobs_failed",
	[DRM_VSVM_STAT_BYTES_TO_VRAM] = "bytes_to_vram",
	[DRM_VSVM_STAT_BYTES_TO_SYSTEM] = "bytes_to_system",
	[VSVM_STAT_CPU_FAULTS] = "cpu_faults",
	[VSVM_STAT_EVICTIONS] = "evictions",
	[VSVM_STAT_VRAM_PAGES] = "vram_pages",
	[DRM_VSVM_STAT_EXCLUSIVE_GRANTS] = "exclusive_grants",
	[DRM_VSVM_STAT_EXCLUSIVE_REVOKES] = "exclusive_revokes",
	[VSVM_STAT_COPY_BATCHES] = "copy_batches",
	[VSVM_STAT_BYTES_TO_PEER] = "bytes_to_peer",
	[VSVM_STAT_SHADER_WAVE_INSTS] = "shader_wave_insts",
	[VSVM_STAT_SHADER_LANE_INSTS] = "shader_lane_insts",
};

static int vsvm_debugfs_stats_show(struct seq_file *m, void *unused)
{
	struct drm_debugfs_entry *entry = m->private;
	struct vsvm_device *vdev = to_vsvm_device(entry->dev);
	unsigned int i;
	int idx;

	if (!drm_dev_enter(&vdev->drm, &idx))
		return -ENODEV;
	for (i = 0; i < VSVM_STAT_COUNT; i++)
		seq_printf(m, "%s: %lld\n", vsvm_stat_names[i],
			   atomic64_read(&vdev->stats[i]));
	drm_dev_exit(idx);
	return 0;
}

static int vsvm_debugfs_vms_show(struct seq_file *m, void *unused)
{
	struct drm_debugfs_entry *entry = m->private;
	struct vsvm_device *vdev = to_vsvm_device(entry->dev);
	struct vsvm_vm *vm;
	unsigned int i;
	int idx;

	if (!drm_dev_enter(&vdev->drm, &idx))
		return -ENODEV;
	mutex_lock(&vdev->vms_lock);
	list_for_each_entry(vm, &vdev->vms, link) {
		seq_printf(m, "vm %u pid %d client %llu:", vm->id, vm->pid,
			   vm->client_id);
		for (i = 0; i < VSVM_STAT_COUNT; i++)
			seq_printf(m, " %s=%lld", vsvm_stat_names[i],
				   atomic64_read(&vm->stats[i]));
		seq_printf(m, " busy_ns=%lld jobs_in_flight=%d",
			   atomic64_read(&vm->busy_ns),
			   atomic_read(&vm->jobs_in_flight));
		seq_putc(m, '\n');
	}
	mutex_unlock(&vdev->vms_lock);
	drm_dev_exit(idx);
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
	drm_debugfs_add_file(&vdev->drm, "vsvm_stats",
			     vsvm_debugfs_stats_show, NULL);
	drm_debugfs_add_file(&vdev->drm, "vsvm_vms",
			     vsvm_debugfs_vms_show, NULL);
}
