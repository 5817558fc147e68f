// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

#include <errno.h>
#include <string.h>

#include <xf86drm.h>

#include "vsvm_internal.h"

vsvm_public int vsvm_vm_create(vsvm_device_handle dev, uint32_t flags,
			       uint32_t *vm_id)
{
	struct drm_vsvm_vm_create args;

	if (!dev || !vm_id)
		return -EINVAL;

	memset(&args, 0, sizeof(args));
	args.flags = flags;

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_VM_CREATE, &args))
		return -errno;

	*vm_id = args.vm_id;
	return 0;
}

vsvm_public int vsvm_vm_destroy(vsvm_device_handle dev, uint32_t vm_id)
{
	struct drm_vsvm_vm_destroy args;

	if (!dev)
		return -EINVAL;

	memset(&args, 0, sizeof(args));
	args.vm_id = vm_id;

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_VM_DESTROY, &args))
		return -errno;

	return 0;
}

vsvm_public int vsvm_vm_error(vsvm_device_handle dev, uint32_t vm_id,
			      struct drm_vsvm_vm_error *err)
{
	struct drm_vsvm_vm_error args;

	if (!dev || !err)
		return -EINVAL;

	memset(&args, 0, sizeof(args));
	args.vm_id = vm_id;

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_VM_ERROR, &args))
		return -errno;

	*err = args;
	return 0;
}
