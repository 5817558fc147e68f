// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/uaccess.h>

#include <drm/drm_print.h>
#include <drm/vsvm_drm.h>

#include "vsvm_drv.h"
#include "vsvm_shader.h"

static void vsvm_query_device_fill(struct vsvm_device *vdev,
				   struct drm_vsvm_query_device *info)
{
	memset(info, 0, sizeof(*info));
	info->uapi_major = VSVM_UAPI_MAJOR;
	info->uapi_minor = VSVM_UAPI_MINOR;
	info->num_engines = vdev->num_engines;
	/* no device-private memory, no VRAM: say so (&DRM_VSVM_FEATURE_VRAM) */
	info->vram_size = vdev->vram.enabled ? vdev->vram_size : 0;
	info->page_sizes = DRM_VSVM_PAGE_SIZE_4K | DRM_VSVM_PAGE_SIZE_64K |
			   DRM_VSVM_PAGE_SIZE_2M;
	info->va_bits = VSVM_VA_BITS;
	info->features = DRM_VSVM_FEATURE_SVM;
	if (vdev->vram.enabled)
		info->features |= DRM_VSVM_FEATURE_VRAM;
	info->features |= DRM_VSVM_FEATURE_DISPATCH;
	info->isa_version = VSVM_ISA_VERSION;
	info->max_group_size = VSVM_SHADER_MAX_GROUP;
	info->max_shared_size = VSVM_SHADER_MAX_SHARED;
	info->max_private_size = VSVM_SHADER_MAX_PRIVATE;
	info->device_index = vdev->index;
	info->num_devices = vdev->num_devices;
}

/*
 * Copy an answer of @len bytes out following the size protocol of
 * &struct drm_vsvm_query: size 0 asks for the size only.
 */
static int vsvm_query_copy_out(struct drm_vsvm_query *args,
			       const void *answer, u32 len)
{
	if (!args->size) {
		args->size = len;
		return 0;
	}
	if (args->size < len)
		return -EINVAL;
	if (copy_to_user(u64_to_user_ptr(args->data), answer, len))
		return -EFAULT;
	args->size = len;
	return 0;
}

/**
 * vsvm_query_ioctl() - DRM_IOCTL_VSVM_QUERY
 * @drm: the DRM device
 * @data: the ioctl argument, &struct drm_vsvm_query
 * @file: the DRM file of the caller
 *
 * Return: 0 on success; -EINVAL for non-zero extensions, flags, pad or
 * reserved fields, an unknown query or a too small buffer; -EFAULT when the
 * answer cannot be written to the user pointer.
 */
int vsvm_query_ioctl(struct drm_device *drm, void *data,
		     struct drm_file *file)
{
	struct vsvm_device *vdev = to_vsvm_device(drm);
	struct drm_vsvm_query *args = data;
	struct drm_vsvm_query_device info;

	if (args->extensions || args->flags || args->pad ||
	    args->reserved[0] || args->reserved[1]) {
		drm_dbg_driver(drm, "query: non-zero MBZ field\n");
		return -EINVAL;
	}

	switch (args->query) {
	case DRM_VSVM_QUERY_DEVICE:
		vsvm_query_device_fill(vdev, &info);
		return vsvm_query_copy_out(args, &info, sizeof(info));
	default:
		drm_dbg_driver(drm, "query: unknown query %u\n", args->query);
		return -EINVAL;
	}
}
