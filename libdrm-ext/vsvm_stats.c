// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <xf86drm.h>

#include "vsvm_internal.h"

vsvm_public int vsvm_stats(vsvm_device_handle dev, uint32_t vm_id,
			   uint64_t *counters, uint32_t *count)
{
	struct drm_vsvm_stats args;

	if (!dev || !count)
		return -EINVAL;
	if (*count && !counters)
		return -EINVAL;

	memset(&args, 0, sizeof(args));
	args.vm_id = vm_id;
	args.count = *count;
	args.data = (uintptr_t)counters;

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_STATS, &args))
		return -errno;

	*count = args.count;
	return 0;
}
