// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * DOC: migration
 *
 * Pages move between system memory and VRAM through drm_pagemap
 * (vsvm_pagemap.c), by virtual range, in chunks: the largest naturally
 * aligned 2 MiB, 64 KiB or 4 KiB, up to the migration granularity (2 MiB
 * unless the VM's attribute says less), that fits the range and its VMA. Each chunk is
 * one drm_pagemap allocation, and drm_pagemap migrates it all or nothing.
 *
 * To VRAM: vsvm_vram_populate() per chunk, with the mmap lock held for that
 * chunk only, so a long prefetch neither starves mmap writers nor outlives
 * a fatal signal. A chunk drm_pagemap refuses (-EBUSY: part of it is in
 * VRAM already, or pages raced) is pulled back to system memory and tried
 * once more; after that it stays where it is (partial migration is normal).
 *
 * To system memory: hmm_range_fault() without a device-private owner
 * faults vsvm's VRAM pages of the chunk like a CPU access would, and
 * drm_pagemap's CPU-fault handler moves their whole allocation back once
 * its timeslice (vram_min_residency_ms) is over.
 *
 * Only private anonymous memory moves to VRAM. Page cache, shared,
 * hugetlbfs and DAX mappings are mirrored in place.
 *
 * Our own migrations raise MMU_NOTIFY_MIGRATE invalidations that the
 * mirror does not skip: the GPU entries of the range are cleared, and the
 * next GPU access mirrors the pages at their new place.
 */

#include <linux/hmm.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include "vsvm_drv.h"
#include "vsvm_svm.h"
#include "vsvm_trace.h"
#include "vsvm_vm.h"
#include "vsvm_vram.h"

#define VSVM_MIGRATE_PAGES	(SZ_2M >> PAGE_SHIFT)

static bool vsvm_vma_migratable(struct vm_area_struct *vma)
{
	return vma_is_anonymous(vma) && !vma_is_dax(vma) &&
	       !(vma->vm_flags & (VM_SHARED | VM_HUGETLB | VM_IO | VM_PFNMAP |
				  VM_MIXEDMAP));
}

/*
 * End of the chunk at @addr: the largest of 2 MiB, 64 KiB and 4 KiB, at most
 * @max, naturally aligned at @addr, that fits in [@lo, @hi).
 */
static u64 vsvm_chunk_end(u64 addr, u64 lo, u64 hi, u64 max)
{
	static const u64 sizes[] = { SZ_2M, SZ_64K };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		if (sizes[i] <= max && IS_ALIGNED(addr, sizes[i]) &&
		    addr >= lo && addr + sizes[i] <= hi)
			return addr + sizes[i];
	return addr + PAGE_SIZE;
}

/*
 * The next migratable piece of [*addr, end) with its VMA found under the
 * mmap lock: [*addr, *hi) is in one migratable VMA. False when none is left.
 */
static bool vsvm_migrate_next_vma(struct mm_struct *mm, u64 *addr, u64 end,
				  u64 *lo, u64 *hi)
{
	struct vm_area_struct *vma;

	for (vma = find_vma(mm, *addr); vma && vma->vm_start < end;
	     vma = find_vma(mm, vma->vm_end)) {
		if (!vsvm_vma_migratable(vma))
			continue;
		*addr = max_t(u64, *addr, vma->vm_start);
		*lo = vma->vm_start;
		*hi = min_t(u64, end, vma->vm_end);
		return true;
	}
	return false;
}

/*
 * Fault the VRAM pages of [start, end) (at most 2 MiB, one VMA) back to
 * system memory. Their allocations move as a whole, pages outside the
 * range included: return the pages of those allocations. The mmap lock is
 * not held. @pfns and @bos have room for 2 MiB of pages.
 */
static long vsvm_migrate_chunk_to_system(struct vsvm_vm *vm, u64 start,
					 u64 end, unsigned long *pfns,
					 struct vsvm_vram_bo **bos)
{
	unsigned long i, nbos = 0, n = (end - start) >> PAGE_SHIFT;
	long vram = 0;
	int ret;

	ret = vsvm_svm_hmm_range(vm, start, end, pfns, false);
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		struct page *page;
		struct vsvm_vram_bo *bo;

		if (!(pfns[i] & HMM_PFN_VALID))
			continue;
		page = hmm_pfn_to_page(pfns[i]);
		/* in this device's VRAM, or in a peer's */
		if (!vsvm_vram_page(vm->vdev, page) &&
		    !vsvm_vram_peer_page(vm->vdev, page))
			continue;
		vram++;
		if (nbos && vsvm_vram_bo_has_page(bos[nbos - 1], page))
			continue;	/* the same allocation as the last page */
		bo = vsvm_vram_bo_get_moving(page);
		if (bo)
			bos[nbos++] = bo;
	}
	if (!vram)
		return 0;
	vram = 0;
	ret = vsvm_svm_hmm_range(vm, start, end, pfns, true);
	while (nbos) {
		struct vsvm_vram_bo *bo = bos[--nbos];

		vram += bo->npages;
		vsvm_vram_bo_put_moving(bo);
	}
	return ret ? ret : vram;
}

/**
 * vsvm_region_vram() - whether a region names VRAM, and whose
 * @vdev: the VM's device
 * @region: a DRM_VSVM_REGION_* value, checked by vsvm_region_valid()
 * @index: out: the index of the device whose VRAM it is
 *
 * Return: true for DRM_VSVM_REGION_VRAM and DRM_VSVM_REGION_VRAM_OF().
 */
bool vsvm_region_vram(struct vsvm_device *vdev, u64 region,
		      unsigned int *index)
{
	if (region == DRM_VSVM_REGION_VRAM) {
		*index = vdev->index;
		return true;
	}
	if (region < DRM_VSVM_REGION_VRAM_OF(0) ||
	    region >= DRM_VSVM_REGION_VRAM_OF(vdev->num_devices))
		return false;
	*index = region - DRM_VSVM_REGION_VRAM_OF(0);
	return true;
}

/**
 * vsvm_region_valid() - whether userspace may name a region
 * @vdev: the VM's device
 * @region: DRM_VSVM_REGION_SYSTEM, DRM_VSVM_REGION_VRAM or
 *	DRM_VSVM_REGION_VRAM_OF() of a device index below num_devices
 *
 * Return: true when @region is one of those.
 */
bool vsvm_region_valid(struct vsvm_device *vdev, u64 region)
{
	unsigned int index;

	return region == DRM_VSVM_REGION_SYSTEM ||
	       vsvm_region_vram(vdev, region, &index);
}

/* The drm_pagemap of the VRAM of device @index, seen from @vdev. */
static struct drm_pagemap *vsvm_region_pagemap_get(struct vsvm_device *vdev,
						   unsigned int index)
{
	if (index == vdev->index)
		return vsvm_vram_pagemap_get(vdev);
	return vsvm_device_pagemap_get(index);
}

/*
 * Walk [start, end) of the VM's address space chunk by chunk, to the VRAM
 * of device @index, or to system memory with @to_vram false. The VM's
 * fault lock is held: attributes are stable and faults wait.
 */
static long vsvm_migrate_walk(struct vsvm_vm *vm, u64 start, u64 end,
			      bool to_vram, unsigned int index, bool bind)
{
	struct drm_pagemap *dpagemap = NULL;
	struct mm_struct *mm = vm->mm;
	struct vsvm_vram_bo **bos;
	unsigned long *pfns;
	long moved = 0;
	u64 addr = start;
	int ret = 0;

	lockdep_assert_held(&vm->svm.lock);

	pfns = kvcalloc(VSVM_MIGRATE_PAGES, sizeof(*pfns) + sizeof(*bos),
			GFP_KERNEL_ACCOUNT);
	if (!pfns)
		return -ENOMEM;
	bos = (struct vsvm_vram_bo **)(pfns + VSVM_MIGRATE_PAGES);
	if (!mmget_not_zero(mm)) {
		kvfree(pfns);
		return -ESRCH;
	}
	if (to_vram) {
		dpagemap = vsvm_region_pagemap_get(vm->vdev, index);
		if (IS_ERR(dpagemap)) {
			ret = PTR_ERR(dpagemap);
			goto out;
		}
	}

	while (addr < end) {
		u64 lo, hi, next, gran = SZ_2M;
		unsigned long copied = 0;
		long n;

		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		if (mmap_read_lock_killable(mm)) {
			ret = -EINTR;
			break;
		}
		if (!vsvm_migrate_next_vma(mm, &addr, end, &lo, &hi)) {
			mmap_read_unlock(mm);
			break;
		}
		if (to_vram)
			gran = vsvm_svm_attr_get(vm, DRM_VSVM_ATTR_GRANULARITY,
						 addr) ?: SZ_2M;
		next = vsvm_chunk_end(addr, max(lo, start), hi, gran);
		if (to_vram) {
			n = vsvm_vram_populate(vm, dpagemap, addr, next,
					       &copied);
			mmap_read_unlock(mm);
			if (n == -EBUSY &&
			    vsvm_migrate_chunk_to_system(vm, addr, next, pfns,
							 bos) >= 0 &&
			    !mmap_read_lock_killable(mm)) {
				/* the VMA may have changed: populate checks */
				n = vsvm_vram_populate(vm, dpagemap, addr, next,
						       &copied);
				mmap_read_unlock(mm);
			}
			n = n ? n : copied;
			/* moved, or there already: bind it (vsvm_svm_map()) */
			if (bind && n >= 0)
				vsvm_svm_map(vm, addr, next);
		} else {
			mmap_read_unlock(mm);
			n = vsvm_migrate_chunk_to_system(vm, addr, next, pfns,
							 bos);
		}
		/* VRAM full, a race, pages core mm will not move: they stay */
		if (n == -EINTR || n == -ENODEV || n == -ENOMEM) {
			ret = n;
			break;
		}
		if (n > 0) {
			moved += n;
			/* the copies count them device-wide (vsvm_pagemap.c) */
			atomic64_add((u64)n << PAGE_SHIFT, &vm->stats[to_vram ?
				     DRM_VSVM_STAT_BYTES_TO_VRAM :
				     DRM_VSVM_STAT_BYTES_TO_SYSTEM]);
		}
		trace_vsvm_migrate(vm->id, addr, next, to_vram, n > 0 ? n : 0);
		addr = next;
		cond_resched();
	}
	if (dpagemap)
		drm_pagemap_put(dpagemap);
out:
	mmput(mm);
	kvfree(pfns);
	return moved ? moved : ret;
}

/**
 * vsvm_migrate_to_vram() - migrate a range of a VM's address space to VRAM
 * @vm: the VM, with its fault lock held
 * @start: first address, page aligned
 * @end: end address (exclusive), page aligned
 * @region: DRM_VSVM_REGION_VRAM (the VM's device) or
 *	DRM_VSVM_REGION_VRAM_OF() (any device's), checked
 * @bind: also mirror each chunk in VRAM for the GPU (vsvm_svm_map()), as
 *	PREFETCH does; a fault's migration mirrors its range itself
 *
 * Return: number of pages moved, or a negative errno (-ESRCH when the
 * process has exited, -EINTR on a fatal signal, -ENODEV after unbind of
 * the device whose VRAM it is, -ENOMEM) when none moved.
 */
long vsvm_migrate_to_vram(struct vsvm_vm *vm, u64 start, u64 end, u64 region,
			  bool bind)
{
	unsigned int index;

	if (WARN_ON_ONCE(!vsvm_region_vram(vm->vdev, region, &index)))
		return -EINVAL;
	return vsvm_migrate_walk(vm, start, end, true, index, bind);
}

/**
 * vsvm_migrate_to_system() - migrate VRAM pages of a range back
 * @vm: the VM, with its fault lock held
 * @start: first address, page aligned
 * @end: end address (exclusive), page aligned
 *
 * Return: number of pages moved, or a negative errno when none moved.
 */
long vsvm_migrate_to_system(struct vsvm_vm *vm, u64 start, u64 end)
{
	return vsvm_migrate_walk(vm, start, end, false, 0, false);
}
