// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/*
 * Migration between system memory and VRAM: DRM_IOCTL_VSVM_PREFETCH,
 * DRM_IOCTL_VSVM_RESIDENCY, DRM_IOCTL_VSVM_MADVISE and
 * DRM_IOCTL_VSVM_ATTR_QUERY. The functions are documented in vsvm.h.
 */

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <xf86drm.h>

#include "vsvm_internal.h"

vsvm_public int vsvm_prefetch(vsvm_device_handle dev, uint32_t vm_id,
			      uint64_t start, uint64_t length,
			      uint32_t region, uint64_t *pages_moved)
{
	struct drm_vsvm_prefetch args;

	if (!dev)
		return -EINVAL;

	memset(&args, 0, sizeof(args));
	args.vm_id = vm_id;
	args.region = region;
	args.start = start;
	args.length = length;

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_PREFETCH, &args))
		return -errno;

	if (pages_moved)
		*pages_moved = args.pages_moved;
	return 0;
}

vsvm_public int vsvm_residency(vsvm_device_handle dev, uint32_t vm_id,
			       uint64_t start, uint64_t npages, uint8_t *out)
{
	struct drm_vsvm_residency args;

	if (!dev || !out)
		return -EINVAL;

	memset(&args, 0, sizeof(args));
	args.vm_id = vm_id;
	args.start = start;
	args.npages = npages;
	args.data = (uintptr_t)out;

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_RESIDENCY, &args))
		return -errno;

	return 0;
}

vsvm_public int vsvm_madvise(vsvm_device_handle dev, uint32_t vm_id,
			     uint64_t start, uint64_t length, uint32_t attr,
			     uint64_t value)
{
	struct drm_vsvm_madvise args;

	if (!dev)
		return -EINVAL;

	memset(&args, 0, sizeof(args));
	args.vm_id = vm_id;
	args.attr = attr;
	args.start = start;
	args.length = length;
	args.value = value;

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_MADVISE, &args))
		return -errno;

	return 0;
}

vsvm_public int vsvm_attr_query(vsvm_device_handle dev, uint32_t vm_id,
				uint32_t attr, uint64_t addr, uint64_t *value,
				uint64_t *start, uint64_t *end)
{
	struct drm_vsvm_attr_query args;

	if (!dev || !value)
		return -EINVAL;

	memset(&args, 0, sizeof(args));
	args.vm_id = vm_id;
	args.attr = attr;
	args.addr = addr;

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_ATTR_QUERY, &args))
		return -errno;

	*value = args.value;
	if (start)
		*start = args.start;
	if (end)
		*end = args.end;
	return 0;
}
