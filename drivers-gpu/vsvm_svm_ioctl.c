// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * DOC: SVM ioctls
 *
 * The uapi entry points of the mirror: PREFETCH (migration both ways,
 * vsvm_migrate.c), RESIDENCY (a snapshot of where pages are), MADVISE and
 * ATTR_QUERY (memory attributes, vsvm_svm.c). Each validates its arguments
 * first, then checks that the VM it names mirrors the caller's address
 * space.
 */

#include <linux/hmm.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vsvm_drv.h"
#include "vsvm_svm.h"
#include "vsvm_vm.h"
#include "vsvm_vram.h"

static bool vsvm_user_range_ok(u64 start, u64 length)
{
	return length && PAGE_ALIGNED(start) && PAGE_ALIGNED(length) &&
	       start < TASK_SIZE && length <= TASK_SIZE - start;
}

/**
 * vsvm_prefetch_ioctl() - DRM_IOCTL_VSVM_PREFETCH
 * @drm: the DRM device
 * @data: &struct drm_vsvm_prefetch
 * @file: the caller's DRM file
 *
 * Return: 0; -EINVAL, -ENOENT, -EACCES, -ENODEV, -ESRCH or -ENOMEM as
 * &struct drm_vsvm_prefetch describes.
 */
int vsvm_prefetch_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	struct vsvm_device *vdev = to_vsvm_device(drm);
	struct drm_vsvm_prefetch *args = data;
	struct vsvm_vm *vm;
	long moved;
	int ret;

	if (args->flags || args->pad || args->reserved[0] ||
	    args->reserved[1] || !vsvm_user_range_ok(args->start, args->length) ||
	    !vsvm_region_valid(vdev, args->region))
		return -EINVAL;
	if (!vdev->vram.enabled)
		return -ENODEV;

	ret = vsvm_vm_lookup_owned(file->driver_priv, args->vm_id, &vm);
	if (ret)
		return ret;

	mutex_lock(&vm->svm.lock);
	vsvm_svm_gc(vm);
	if (args->region != DRM_VSVM_REGION_SYSTEM)
		moved = vsvm_migrate_to_vram(vm, args->start,
					     args->start + args->length,
					     args->region, true);
	else
		moved = vsvm_migrate_to_system(vm, args->start,
					       args->start + args->length);
	mutex_unlock(&vm->svm.lock);
	vsvm_vm_put(vm);
	if (moved < 0)
		return moved;
	args->pages_moved = moved;
	return 0;
}

#define VSVM_RESIDENCY_MAX_PAGES	BIT_ULL(20)

/**
 * vsvm_residency_ioctl() - DRM_IOCTL_VSVM_RESIDENCY
 * @drm: the DRM device
 * @data: &struct drm_vsvm_residency
 * @file: the caller's DRM file
 *
 * Takes a snapshot of the CPU page table with hmm_range_fault() asking for
 * no fault: nothing moves, nothing is populated. Pages the GPU holds
 * exclusive access to (vsvm_atomic.c) are in system memory.
 *
 * Return: 0; -EINVAL, -ENOENT, -EACCES or -EFAULT as
 * &struct drm_vsvm_residency describes; -ESRCH or -ENOMEM.
 */
int vsvm_residency_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	struct vsvm_device *vdev = to_vsvm_device(drm);
	struct drm_vsvm_residency *args = data;
	unsigned long *pfns = NULL;
	struct vsvm_vm *vm;
	u8 *res = NULL;
	u64 done = 0;
	int ret;

	if ((args->flags & ~DRM_VSVM_RESIDENCY_REPORT_HUGE) ||
	    args->reserved[0] || args->reserved[1] ||
	    !args->npages || args->npages > VSVM_RESIDENCY_MAX_PAGES ||
	    !vsvm_user_range_ok(args->start, args->npages << PAGE_SHIFT))
		return -EINVAL;

	ret = vsvm_vm_lookup_owned(file->driver_priv, args->vm_id, &vm);
	if (ret)
		return ret;

	res = kvmalloc(args->npages, GFP_KERNEL);
	pfns = kvcalloc(SZ_2M >> PAGE_SHIFT, sizeof(*pfns), GFP_KERNEL);
	if (!res || !pfns) {
		ret = -ENOMEM;
		goto out;
	}

	while (done < args->npages) {
		u64 start = args->start + (done << PAGE_SHIFT);
		u64 end = min(ALIGN_DOWN(start, SZ_2M) + SZ_2M,
			      args->start + (args->npages << PAGE_SHIFT));
		unsigned long i, n = (end - start) >> PAGE_SHIFT;

		ret = vsvm_svm_snapshot(vm, start, end, pfns);
		if (ret)
			goto out;
		for (i = 0; i < n; i++) {
			u8 r = DRM_VSVM_RESIDENCY_NONE;

			if (pfns[i] & HMM_PFN_VALID) {
				struct page *page = hmm_pfn_to_page(pfns[i]);

				r = DRM_VSVM_RESIDENCY_SYSTEM;
				if (vsvm_vram_page(vdev, page))
					r = DRM_VSVM_RESIDENCY_VRAM;
				else if (vsvm_vram_peer_page(vdev, page))
					r = DRM_VSVM_RESIDENCY_PEER;
				if ((args->flags &
				     DRM_VSVM_RESIDENCY_REPORT_HUGE) &&
				    hmm_pfn_to_map_order(pfns[i]) ==
				    PMD_SHIFT - PAGE_SHIFT)
					r |= DRM_VSVM_RESIDENCY_HUGE;
			} else if (vsvm_svm_exclusive_page(vm, start +
							   (i << PAGE_SHIFT))) {
				r = DRM_VSVM_RESIDENCY_SYSTEM;
			}
			res[done + i] = r;
		}
		done += n;
	}
	if (copy_to_user(u64_to_user_ptr(args->data), res, args->npages))
		ret = -EFAULT;
out:
	kvfree(pfns);
	kvfree(res);
	vsvm_vm_put(vm);
	return ret;
}

/**
 * vsvm_madvise_ioctl() - DRM_IOCTL_VSVM_MADVISE
 * @drm: the DRM device
 * @data: &struct drm_vsvm_madvise
 * @file: the caller's DRM file
 *
 * Return: 0; -EINVAL, -ENOENT, -EACCES or -ENOMEM as &struct
 * drm_vsvm_madvise describes.
 */
int vsvm_madvise_ioctl(struct drm_device *drm, void *data,
		       struct drm_file *file)
{
	struct drm_vsvm_madvise *args = data;
	struct vsvm_vm *vm;
	int ret;

	if (args->reserved[0] || args->reserved[1] ||
	    !vsvm_user_range_ok(args->start, args->length))
		return -EINVAL;
	switch (args->attr) {
	case DRM_VSVM_ATTR_PREFERRED_LOC:
		if (args->value &&
		    !vsvm_region_valid(to_vsvm_device(drm), args->value))
			return -EINVAL;
		break;
	case DRM_VSVM_ATTR_GRANULARITY:
		if (args->value && args->value != SZ_4K &&
		    args->value != SZ_64K && args->value != SZ_2M)
			return -EINVAL;
		break;
	case DRM_VSVM_ATTR_GPU_ACCESS:
		if (args->value > DRM_VSVM_GPU_ACCESS_READ)
			return -EINVAL;
		break;
	case DRM_VSVM_ATTR_ATOMIC:
		if (args->value > DRM_VSVM_ATOMIC_VRAM)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}

	ret = vsvm_vm_lookup_owned(file->driver_priv, args->vm_id, &vm);
	if (ret)
		return ret;
	ret = vsvm_svm_attr_set(vm, args->attr, args->start,
				args->start + args->length, args->value);
	vsvm_vm_put(vm);
	return ret;
}

/**
 * vsvm_attr_query_ioctl() - DRM_IOCTL_VSVM_ATTR_QUERY
 * @drm: the DRM device
 * @data: &struct drm_vsvm_attr_query
 * @file: the caller's DRM file
 *
 * Return: 0; -EINVAL, -ENOENT or -EACCES as &struct drm_vsvm_attr_query
 * describes.
 */
int vsvm_attr_query_ioctl(struct drm_device *drm, void *data,
			  struct drm_file *file)
{
	struct drm_vsvm_attr_query *args = data;
	struct vsvm_vm *vm;
	u64 start, end;
	int ret;

	if (args->pad || args->reserved[0] || args->reserved[1] ||
	    args->addr >= TASK_SIZE || !args->attr ||
	    args->attr > VSVM_SVM_NUM_ATTRS)
		return -EINVAL;

	ret = vsvm_vm_lookup_owned(file->driver_priv, args->vm_id, &vm);
	if (ret)
		return ret;
	args->value = vsvm_svm_attr_span(vm, args->attr, args->addr, &start,
					 &end);
	args->start = start;
	args->end = end;
	vsvm_vm_put(vm);
	return 0;
}
