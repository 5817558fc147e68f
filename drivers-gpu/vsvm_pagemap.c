// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * DOC: VRAM as a drm_pagemap
 *
 * The simulated VRAM is memory the driver allocates at bind (@backing),
 * exposed to core mm as MEMORY_DEVICE_PRIVATE struct pages: a free
 * physical range from request_free_mem_region() and memremap_pages() with
 * drm_pagemap's &dev_pagemap_ops. drm_pagemap (drivers/gpu/drm/drm_pagemap.c)
 * does the rest, as for Xe: migration to VRAM (drm_pagemap_populate_mm() ->
 * our populate_mm op -> drm_pagemap_migrate_to_devmem()), CPU faults on VRAM
 * pages (the whole allocation moves back once its timeslice is over),
 * eviction (drm_pagemap_evict_to_ram()) and THP: a 2 MiB allocation of a
 * THP-backed range becomes one order-9 device folio.
 *
 * vsvm provides the devmem ops: each migration gets a &struct vsvm_vram_bo,
 * one buddy block of VRAM (gpu_buddy, 4 KiB to 2 MiB, naturally aligned);
 * populate_devmem_pfn() hands out its pages; copy_to_devmem() and
 * copy_to_ram() run on the copy engine (vsvm_copy.c). The copy engine is the
 * CPU: allocations are initialised without a DMA device, so drm_pagemap
 * gives the copy ops the physical addresses of the system pages
 * (DRM_INTERCONNECT_CPU, kernel/patches/0100-*), never DMA addresses.
 *
 * Lifetime: drm_pagemap keeps an allocation while any of its pages is in
 * use and calls devmem_release() after the last one; the block goes back to
 * the allocator then, from a worker (folio_free() may run in atomic
 * context). The drm_pagemap is active (referenced, holding the device and
 * the module) while a migration runs or a VRAM page is in use; inactive, it
 * waits in a drm_pagemap cache. So the module cannot be unloaded while pages
 * are in VRAM; unbinding the device evicts them first.
 *
 * Hot-unplug (see vsvm_drv.c): migrations to VRAM run inside
 * drm_dev_enter() and are refused (-ENODEV) once the device is unplugged;
 * copies to system memory (CPU faults, eviction) are not guarded, on
 * purpose: they are what brings the data back, and vsvm_vram_fini() frees
 * the backing store only after the last VRAM page is gone.
 *
 * When an allocation fails, the least recently migrated allocations are
 * evicted with drm_pagemap_evict_to_ram(), which works from the physical
 * pages: the process, VMA or VM behind them may be gone already.
 *
 * Peers: every vsvm device's VRAM joins one interconnect group
 * (drm_pagemap_acquire_owner()), so all share one &dev_pagemap.owner. The
 * mirror (hmm_range_fault() with that owner) thus hands a device the pages
 * in another device's VRAM as they are: its engines reach them in place
 * (the GPU entry names the page, vsvm_vram_peer_ptr()). A migration to a
 * device's VRAM collects the pages in a peer's VRAM too, and drm_pagemap
 * has the peer's copy_to_ram() write them straight into the new VRAM pages,
 * which device_map() names for the peer by their page
 * (%VSVM_INTERCONNECT_PEER). A CPU fault may collect pages of several
 * devices' VRAM at once (the group shares an owner): each page is copied
 * from its own device's backing store.
 *
 * Without CONFIG_DEVICE_PRIVATE (or, out of tree, on a kernel whose
 * drm_pagemap cannot let the CPU copy) there is no VRAM: the mirror still
 * works and the VRAM ioctls return -ENODEV.
 */

#include <linux/dma-fence.h>
#include <linux/highmem.h>
#include <linux/ioport.h>
#include <linux/kmemleak.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <drm/drm_drv.h>
#include <drm/drm_pagemap.h>
#include <drm/drm_pagemap_util.h>
#include <drm/drm_print.h>

#include "vsvm_drv.h"
#include "vsvm_svm.h"
#include "vsvm_trace.h"
#include "vsvm_vm.h"
#include "vsvm_vram.h"

/*
 * The interconnect protocol of a peer's access to VRAM: the address is
 * page_to_phys() of the device-private page, which names the device and
 * the page (its &dev_pagemap), never a CPU physical address.
 */
#define VSVM_INTERCONNECT_PEER	(DRM_INTERCONNECT_DRIVER + 1)

/* The interconnect group of every vsvm device's VRAM. */
static DRM_PAGEMAP_OWNER_LIST_DEFINE(vsvm_vram_owners);

static unsigned int vram_min_residency_ms = 2;
module_param(vram_min_residency_ms, uint, 0644);
MODULE_PARM_DESC(vram_min_residency_ms,
		 "Time pages stay in VRAM after migrating there before a CPU fault moves them back, ms (drm_pagemap's timeslice; ping-pong control, default 2)");

static struct vsvm_vram_bo *to_vsvm_bo(struct drm_pagemap_devmem *devmem)
{
	return container_of(devmem, struct vsvm_vram_bo, devmem);
}

static struct vsvm_device *vsvm_vram_device(struct vsvm_vram *vram)
{
	return container_of(vram, struct vsvm_device, vram);
}

/**
 * vsvm_vram_page() - whether a page is one of the device's VRAM pages
 * @vdev: the device
 * @page: the page
 *
 * Return: true for a device-private page of @vdev.
 */
bool vsvm_vram_page(struct vsvm_device *vdev, struct page *page)
{
	return vdev->vram.enabled && is_device_private_page(page) &&
	       page_pgmap(page) == &vdev->vram.pagemap;
}

/**
 * vsvm_vram_owner() - the device-private owner of the device's VRAM
 * @vdev: the device
 *
 * Every vsvm device with VRAM has the same owner: the mirror and
 * migrations given it take the pages of any vsvm device's VRAM as they are.
 *
 * Return: the owner to give hmm_range_fault() and drm_gpusvm.
 */
void *vsvm_vram_owner(struct vsvm_device *vdev)
{
	return vdev->vram.enabled ? vdev->vram.pagemap.owner : vdev;
}

/*
 * The VRAM of the vsvm device a device-private page of the interconnect
 * group belongs to.
 */
static struct vsvm_vram *vsvm_vram_of(struct page *page)
{
	return container_of(page_pgmap(page), struct vsvm_vram, pagemap);
}

/**
 * vsvm_vram_peer_page() - whether a page is in another device's VRAM
 * @vdev: the device
 * @page: a page the mirror obtained with vsvm_vram_owner(@vdev)
 *
 * Return: true for a VRAM page of another vsvm device.
 */
bool vsvm_vram_peer_page(struct vsvm_device *vdev, struct page *page)
{
	return vdev->vram.enabled && is_device_private_page(page) &&
	       page_pgmap(page)->owner == vdev->vram.pagemap.owner &&
	       page_pgmap(page) != &vdev->vram.pagemap;
}

/*
 * The page of the backing store that holds a VRAM page's contents, for
 * the VRAM page of any vsvm device.
 */
static struct page *vsvm_vram_backing_page(struct page *page)
{
	struct vsvm_vram *vram = vsvm_vram_of(page);

	return vmalloc_to_page(vram->backing +
			       ((page_to_pfn(page) - vram->pfn_first) <<
				PAGE_SHIFT));
}

/**
 * vsvm_vram_peer_ptr() - kernel address of a byte in a peer's VRAM
 * @phys: what a GPU entry of a peer page holds: page_to_phys() of the
 *	peer's device-private page, plus the offset of the byte. The caller
 *	holds the notifier lock of the VM that maps it (the page stays in
 *	use, its device's VRAM set up).
 *
 * Sets the referenced bit of the page's allocation, as vsvm_vram_accessed().
 *
 * Return: the kernel address of that byte in the peer's backing store.
 */
void *vsvm_vram_peer_ptr(phys_addr_t phys)
{
	struct page *page = pfn_to_page(PHYS_PFN(phys));
	struct vsvm_vram *vram = vsvm_vram_of(page);
	u64 offset = (u64)(page_to_pfn(page) - vram->pfn_first) << PAGE_SHIFT;

	vsvm_vram_accessed(vsvm_vram_device(vram), offset);
	return vram->backing + offset + offset_in_page(phys);
}

/**
 * vsvm_vram_page_offset() - offset in VRAM of a device-private page
 * @vdev: the device
 * @page: one of its VRAM pages
 *
 * Return: the byte offset of the page in VRAM.
 */
u64 vsvm_vram_page_offset(struct vsvm_device *vdev, struct page *page)
{
	return (u64)(page_to_pfn(page) - vdev->vram.pfn_first) << PAGE_SHIFT;
}

/**
 * vsvm_vram_ptr() - kernel address of VRAM contents
 * @vdev: the device
 * @offset: byte offset in VRAM
 *
 * Return: where the backing store keeps that byte.
 */
void *vsvm_vram_ptr(struct vsvm_device *vdev, u64 offset)
{
	return vdev->vram.backing + offset;
}

/**
 * vsvm_vram_accessed() - note an engine access to a VRAM page
 * @vdev: the device
 * @offset: the page's VRAM offset, from a valid GPU entry: the caller holds
 *	the notifier lock of the VM that maps it, so the page stays in use
 *	and its allocation stays allocated
 *
 * Sets the allocation's referenced bit, which the evictor reads.
 */
void vsvm_vram_accessed(struct vsvm_device *vdev, u64 offset)
{
	struct vsvm_vram_bo *bo = READ_ONCE(vdev->vram.bos[offset >>
							  PAGE_SHIFT]);

	if (bo && !READ_ONCE(bo->referenced))
		WRITE_ONCE(bo->referenced, true);
}

static void vsvm_vram_free_work(struct work_struct *work)
{
	struct vsvm_vram *vram = container_of(work, struct vsvm_vram,
					      free_work);
	struct vsvm_device *vdev = vsvm_vram_device(vram);
	struct vsvm_vram_bo *bo, *next;
	struct llist_node *list;

	list = llist_del_all(&vram->free_list);
	mutex_lock(&vram->lock);
	llist_for_each_entry_safe(bo, next, list, free_node) {
		unsigned long i, first = gpu_buddy_block_offset(bo->block) >>
					 PAGE_SHIFT;

		for (i = 0; i < bo->npages; i++)
			WRITE_ONCE(vram->bos[first + i], NULL);
		list_del(&bo->lru);
		gpu_buddy_free_block(&vram->mm, bo->block);
		atomic64_sub(bo->npages,
			     &vdev->stats[VSVM_STAT_VRAM_PAGES]);
		kfree(bo);
	}
	mutex_unlock(&vram->lock);
}

static void vsvm_vram_bo_release(struct kref *ref)
{
	struct vsvm_vram_bo *bo = container_of(ref, struct vsvm_vram_bo, ref);
	struct vsvm_vram *vram = &bo->vdev->vram;

	llist_add(&bo->free_node, &vram->free_list);
	queue_work(system_dfl_wq, &vram->free_work);
}

/* May be called in atomic context. */
static void vsvm_vram_bo_put(struct vsvm_vram_bo *bo)
{
	kref_put(&bo->ref, vsvm_vram_bo_release);
}

/* devmem_release: the last page of the allocation was freed. */
static void vsvm_vram_devmem_release(struct drm_pagemap_devmem *devmem)
{
	vsvm_vram_bo_put(to_vsvm_bo(devmem));
}

static int vsvm_vram_populate_devmem_pfn(struct drm_pagemap_devmem *devmem,
					 unsigned long npages,
					 unsigned long *pfn)
{
	struct vsvm_vram_bo *bo = to_vsvm_bo(devmem);
	unsigned long first = bo->vdev->vram.pfn_first +
		(gpu_buddy_block_offset(bo->block) >> PAGE_SHIFT);
	unsigned long i;

	if (WARN_ON_ONCE(npages > bo->npages))
		return -EINVAL;
	for (i = 0; i < npages; i++)
		pfn[i] = first + i;
	bo->populated = true;
	return 0;
}

/*
 * Queue the copies of one drm_pagemap_addr entry (2^order pages) between
 * @dev_page's folio (in the VRAM of any device of the group: a CPU fault
 * collects them all) and the other side at @addr: system pages by their
 * physical address (DRM_INTERCONNECT_CPU, not a DMA address), or a peer's
 * VRAM pages (%VSVM_INTERCONNECT_PEER, a migration to the peer). Returns
 * the pages queued.
 */
static unsigned long vsvm_vram_copy_entry(struct vsvm_copy *copy,
					  struct page *dev_page,
					  const struct drm_pagemap_addr *addr)
{
	unsigned long j, n = 1UL << addr->order;
	struct page *other = NULL;

	if (addr->proto != DRM_INTERCONNECT_CPU &&
	    addr->proto != VSVM_INTERCONNECT_PEER && addr->addr)
		return 0;	/* not ours to copy: never handed out */
	if (addr->proto == DRM_INTERCONNECT_CPU ||
	    addr->proto == VSVM_INTERCONNECT_PEER)
		other = pfn_to_page(PHYS_PFN(addr->addr));
	else	/* never touched: clear the whole (maybe 2 MiB) device folio */
		n = folio_nr_pages(page_folio(dev_page));
	for (j = 0; j < n; j++) {
		struct page *sys = other ? other + j : NULL;

		if (addr->proto == VSVM_INTERCONNECT_PEER)
			sys = vsvm_vram_backing_page(sys);
		vsvm_copy_add(copy, sys, vsvm_vram_backing_page(dev_page + j));
	}
	return n;
}

/* The allocation a VRAM page belongs to; the page is in use. */
static struct vsvm_vram_bo *vsvm_vram_page_bo(struct vsvm_device *vdev,
					      struct page *page)
{
	return READ_ONCE(vdev->vram.bos[vsvm_vram_page_offset(vdev, page) >>
					PAGE_SHIFT]);
}

/**
 * vsvm_vram_bo_has_page() - whether a VRAM page belongs to an allocation
 * @bo: the allocation, referenced
 * @page: a VRAM page of any vsvm device
 *
 * Return: true when @page is one of @bo's pages.
 */
bool vsvm_vram_bo_has_page(struct vsvm_vram_bo *bo, struct page *page)
{
	struct vsvm_vram *vram = &bo->vdev->vram;
	unsigned long first = vram->pfn_first +
		(gpu_buddy_block_offset(bo->block) >> PAGE_SHIFT);

	return vsvm_vram_of(page) == vram && page_to_pfn(page) >= first &&
	       page_to_pfn(page) < first + bo->npages;
}

/**
 * vsvm_vram_bo_get_moving() - hold a VRAM page's allocation for a move back
 * @page: a VRAM page of any vsvm device, in use
 *
 * Marks the allocation: its copies to system memory until
 * vsvm_vram_bo_put_moving() are the driver's (a prefetch), not CPU faults.
 *
 * Return: the allocation, with a reference, or NULL when it is going away.
 */
struct vsvm_vram_bo *vsvm_vram_bo_get_moving(struct page *page)
{
	struct vsvm_vram_bo *bo =
		vsvm_vram_page_bo(vsvm_vram_device(vsvm_vram_of(page)), page);

	if (!bo || !kref_get_unless_zero(&bo->ref))
		return NULL;
	WRITE_ONCE(bo->evicting, true);
	return bo;
}

/**
 * vsvm_vram_bo_put_moving() - undo vsvm_vram_bo_get_moving()
 * @bo: the allocation
 */
void vsvm_vram_bo_put_moving(struct vsvm_vram_bo *bo)
{
	WRITE_ONCE(bo->evicting, false);
	vsvm_vram_bo_put(bo);
}

/*
 * Copy @npages entries on the copy engine and wait. @pages are VRAM pages
 * (NULL entries are skipped), @addr the system side, or a peer's VRAM; a
 * VRAM page without an address is cleared (to VRAM only: a page never
 * touched). The engine is that of the first page's device.
 */
static int vsvm_vram_copy(struct page **pages, struct drm_pagemap_addr *addr,
			  unsigned long npages, bool to_vram,
			  struct dma_fence *pre_migrate_fence)
{
	struct vsvm_device *vdev = NULL;
	struct vsvm_vram_bo *bo = NULL;
	unsigned long i, n = 0, peer = 0;
	struct vsvm_copy *copy;

	for (i = 0; i < npages && !vdev; i++)
		if (pages[i])
			vdev = to_vsvm_device(drm_pagemap_page_to_dpagemap(pages[i])->drm);
	if (!vdev)
		return 0;
	bo = vsvm_vram_page_bo(vdev, pages[i - 1]);
	if (pre_migrate_fence)
		dma_fence_wait(pre_migrate_fence, false);

	copy = vsvm_copy_alloc(vdev, to_vram, npages);
	if (!copy)
		return -ENOMEM;
	for (i = 0; i < npages; i++) {
		if (!pages[i])
			continue;
		if (to_vram || addr[i].proto == DRM_INTERCONNECT_CPU ||
		    addr[i].proto == VSVM_INTERCONNECT_PEER) {
			unsigned long k = vsvm_vram_copy_entry(copy, pages[i],
							       &addr[i]);

			if (addr[i].proto == VSVM_INTERCONNECT_PEER)
				peer += k;
			else
				n += k;
			i += k ? k - 1 : 0;
		}
	}
	vsvm_copy_wait(vsvm_copy_submit(copy));

	atomic64_add(n << PAGE_SHIFT, &vdev->stats[to_vram ?
		     DRM_VSVM_STAT_BYTES_TO_VRAM : DRM_VSVM_STAT_BYTES_TO_SYSTEM]);
	atomic64_add(peer << PAGE_SHIFT, &vdev->stats[VSVM_STAT_BYTES_TO_PEER]);
	if (!to_vram && n && bo && !READ_ONCE(bo->evicting))
		atomic64_inc(&vdev->stats[VSVM_STAT_CPU_FAULTS]);
	return 0;
}

static int vsvm_vram_copy_to_devmem(struct page **pages,
				    struct drm_pagemap_addr *addr,
				    unsigned long npages,
				    struct dma_fence *pre_migrate_fence)
{
	return vsvm_vram_copy(pages, addr, npages, true, pre_migrate_fence);
}

static int vsvm_vram_copy_to_ram(struct page **pages,
				 struct drm_pagemap_addr *addr,
				 unsigned long npages,
				 struct dma_fence *pre_migrate_fence)
{
	return vsvm_vram_copy(pages, addr, npages, false, pre_migrate_fence);
}

static const struct drm_pagemap_devmem_ops vsvm_vram_devmem_ops = {
	.devmem_release = vsvm_vram_devmem_release,
	.populate_devmem_pfn = vsvm_vram_populate_devmem_pfn,
	.copy_to_devmem = vsvm_vram_copy_to_devmem,
	.copy_to_ram = vsvm_vram_copy_to_ram,
};

/* Evict @bo, which the caller holds a reference to. */
static int vsvm_vram_evict_bo(struct vsvm_device *vdev, struct vsvm_vram_bo *bo)
{
	int ret;

	WRITE_ONCE(bo->evicting, true);
	ret = drm_pagemap_evict_to_ram(&bo->devmem);
	WRITE_ONCE(bo->evicting, false);
	trace_vsvm_evict(vdev->vram.pfn_first +
			 (gpu_buddy_block_offset(bo->block) >> PAGE_SHIFT),
			 bo->npages, ret ? 0 : bo->npages);
	if (!ret)
		atomic64_inc(&vdev->stats[VSVM_STAT_EVICTIONS]);
	return ret;
}

/*
 * The allocation to evict, with a reference: the least recently used, as a
 * CLOCK finds it. The engines set an allocation's referenced bit when they
 * access it (vsvm_vram_accessed()); the evictor takes the first allocation
 * in @lru without it, and clears it on the way, moving the allocations it
 * passes to the tail (their second chance). If every one was referenced,
 * the first is taken. vram->lock held.
 */
static struct vsvm_vram_bo *vsvm_vram_evict_pick(struct vsvm_vram *vram)
{
	struct vsvm_vram_bo *bo, *next;

	lockdep_assert_held(&vram->lock);

	list_for_each_entry_safe(bo, next, &vram->lru, lru) {
		if (READ_ONCE(bo->referenced)) {
			WRITE_ONCE(bo->referenced, false);
			list_move_tail(&bo->lru, &vram->lru);
			continue;
		}
		if (kref_get_unless_zero(&bo->ref))
			return bo;
	}
	list_for_each_entry(bo, &vram->lru, lru)
		if (kref_get_unless_zero(&bo->ref))
			return bo;
	return NULL;
}

/* Evict the least recently used allocation. Called without vram->lock. */
static bool vsvm_vram_evict_one(struct vsvm_device *vdev)
{
	struct vsvm_vram *vram = &vdev->vram;
	struct vsvm_vram_bo *bo;

	mutex_lock(&vram->lock);
	bo = vsvm_vram_evict_pick(vram);
	if (!bo) {
		mutex_unlock(&vram->lock);
		return false;
	}
	/* Rotate it: should it stay busy, the next try picks another. */
	list_move_tail(&bo->lru, &vram->lru);
	mutex_unlock(&vram->lock);

	vsvm_vram_evict_bo(vdev, bo);
	vsvm_vram_bo_put(bo);
	flush_work(&vram->free_work);
	return true;
}

/*
 * Allocate @npages (a power of two up to 512) of VRAM, evicting if needed.
 * The allocation starts with one reference, for its pages.
 */
static struct vsvm_vram_bo *vsvm_vram_bo_alloc(struct vsvm_device *vdev,
					       unsigned long npages)
{
	struct vsvm_vram *vram = &vdev->vram;
	u64 size = (u64)npages << PAGE_SHIFT;
	struct vsvm_vram_bo *bo;
	unsigned int tries = 0;
	unsigned long i, first;
	LIST_HEAD(blocks);
	int ret;

	bo = kzalloc_obj(*bo, GFP_KERNEL_ACCOUNT);
	if (!bo)
		return ERR_PTR(-ENOMEM);

	for (;;) {
		mutex_lock(&vram->lock);
		ret = gpu_buddy_alloc_blocks(&vram->mm, 0, vram->size, size,
					     size, &blocks, 0);
		if (!ret)
			break;
		mutex_unlock(&vram->lock);
		/* Each resident allocation is tried once at most. */
		if (ret != -ENOSPC ||
		    ++tries > (vram->size >> PAGE_SHIFT) / npages ||
		    !vsvm_vram_evict_one(vdev)) {
			kfree(bo);
			return ERR_PTR(-ENOSPC);
		}
		if (fatal_signal_pending(current)) {
			kfree(bo);
			return ERR_PTR(-EINTR);
		}
	}
	bo->block = list_first_entry(&blocks, struct gpu_buddy_block, link);
	first = gpu_buddy_block_offset(bo->block) >> PAGE_SHIFT;
	for (i = 0; i < npages; i++)
		WRITE_ONCE(vram->bos[first + i], bo);
	list_add_tail(&bo->lru, &vram->lru);
	mutex_unlock(&vram->lock);

	kref_init(&bo->ref);
	bo->vdev = vdev;
	bo->npages = npages;
	atomic64_add(npages, &vdev->stats[VSVM_STAT_VRAM_PAGES]);
	return bo;
}

/*
 * Migrate [start, end) of @mm, one chunk (a power of two of pages up to
 * 2 MiB, naturally aligned, within one VMA), to a new VRAM allocation.
 * mmap_lock is held for reading. All or nothing: -EBUSY when some pages
 * cannot move (drm_pagemap_migrate_to_devmem()). @copied: pages moved.
 */
static int __vsvm_vram_populate(struct drm_pagemap *dpagemap,
				unsigned long start, unsigned long end,
				struct mm_struct *mm,
				unsigned long timeslice_ms,
				unsigned long *copied)
{
	struct vsvm_device *vdev = to_vsvm_device(dpagemap->drm);
	struct drm_pagemap_migrate_details mdetails = {
		.timeslice_ms = timeslice_ms,
	};
	struct vsvm_vram_bo *bo;
	int ret, idx;

	*copied = 0;
	if (!drm_dev_enter(&vdev->drm, &idx))
		return -ENODEV;

	bo = vsvm_vram_bo_alloc(vdev, (end - start) >> PAGE_SHIFT);
	if (IS_ERR(bo)) {
		ret = PTR_ERR(bo);
		goto out;
	}
	/* No DMA device: drm_pagemap lets the CPU copy (DRM_INTERCONNECT_CPU). */
	drm_pagemap_devmem_init(&bo->devmem, NULL, mm, &vsvm_vram_devmem_ops,
				dpagemap, end - start, NULL);
	kref_get(&bo->ref);
	/* consumes the pages' reference, even on error */
	ret = drm_pagemap_migrate_to_devmem(&bo->devmem, mm, start, end,
					    &mdetails);
	if (!ret && bo->populated)
		*copied = bo->npages;
	vsvm_vram_bo_put(bo);
out:
	drm_dev_exit(idx);
	return ret;
}

/* populate_mm, for drm_pagemap_populate_mm() callers */
static int vsvm_vram_populate_mm(struct drm_pagemap *dpagemap,
				 unsigned long start, unsigned long end,
				 struct mm_struct *mm,
				 unsigned long timeslice_ms)
{
	unsigned long copied;

	return __vsvm_vram_populate(dpagemap, start, end, mm, timeslice_ms,
				    &copied);
}

static struct drm_pagemap_addr
vsvm_vram_device_map(struct drm_pagemap *dpagemap, struct device *dev,
		     struct page *page, unsigned int order,
		     enum dma_data_direction dir)
{
	struct vsvm_device *vdev = to_vsvm_device(dpagemap->drm);

	/* a peer reaches the page through the interconnect, by its page */
	if (dev != vdev->drm.dev)
		return drm_pagemap_addr_encode(page_to_phys(page),
					       VSVM_INTERCONNECT_PEER, order,
					       dir);
	/* the device itself by its offset in VRAM */
	return drm_pagemap_addr_encode(vsvm_vram_page_offset(vdev, page),
				       DRM_INTERCONNECT_DRIVER, order, dir);
}

static void vsvm_vram_device_unmap(struct drm_pagemap *dpagemap,
				   struct device *dev,
				   const struct drm_pagemap_addr *addr)
{
}

/* The drm_pagemap is embedded in the device: nothing to free. */
static void vsvm_vram_destroy(struct drm_pagemap *dpagemap,
			      bool is_atomic_or_reclaim)
{
}

static const struct drm_pagemap_ops vsvm_vram_dpagemap_ops = {
	.device_map = vsvm_vram_device_map,
	.device_unmap = vsvm_vram_device_unmap,
	.populate_mm = vsvm_vram_populate_mm,
	.destroy = vsvm_vram_destroy,
};

/**
 * vsvm_vram_pagemap_get() - the device's drm_pagemap, active
 * @vdev: the device, with VRAM
 *
 * Makes the drm_pagemap active if it was not (it then holds the device and
 * the module until its last reference goes).
 *
 * Return: the drm_pagemap with a reference (drm_pagemap_put() it), or an
 * ERR_PTR (-EINTR when a signal interrupted the wait for the cache).
 */
struct drm_pagemap *vsvm_vram_pagemap_get(struct vsvm_device *vdev)
{
	struct vsvm_vram *vram = &vdev->vram;
	struct drm_pagemap *dpagemap;
	int ret;

	dpagemap = drm_pagemap_get_from_cache_if_active(vram->cache);
	if (dpagemap)
		return dpagemap;

	ret = drm_pagemap_cache_lock_lookup(vram->cache);
	if (ret)
		return ERR_PTR(ret);
	dpagemap = drm_pagemap_get_from_cache(vram->cache);
	if (!dpagemap) {
		ret = drm_pagemap_init(&vram->dpagemap, &vram->pagemap,
				       &vdev->drm, &vsvm_vram_dpagemap_ops);
		if (ret) {
			dpagemap = ERR_PTR(ret);
		} else {
			dpagemap = &vram->dpagemap;
			drm_pagemap_cache_set_pagemap(vram->cache, dpagemap);
		}
	}
	drm_pagemap_cache_unlock_lookup(vram->cache);
	return dpagemap;
}

/**
 * vsvm_vram_populate() - migrate one chunk of a VM's address space to VRAM
 * @vm: the VM
 * @dpagemap: the device's drm_pagemap, from vsvm_vram_pagemap_get()
 * @start: first address, aligned to the chunk size
 * @end: end address: a power of two of pages up to 2 MiB after @start,
 *	within one private anonymous VMA
 * @copied: pages moved, on success
 *
 * What drm_pagemap_populate_mm() does, telling what moved. The caller
 * holds the mmap lock (for reading) and a reference to the address space.
 *
 * Return: 0 (also when the chunk was in VRAM already); -EBUSY when some
 * pages would not move (nothing moved then); -ENOSPC when VRAM is full of
 * pages that cannot be evicted; -ENODEV after unbind; -EINTR.
 */
int vsvm_vram_populate(struct vsvm_vm *vm, struct drm_pagemap *dpagemap,
		       unsigned long start, unsigned long end,
		       unsigned long *copied)
{
	mmap_assert_locked(vm->mm);
	return __vsvm_vram_populate(dpagemap, start, end, vm->mm,
				    READ_ONCE(vram_min_residency_ms), copied);
}

/* Every vsvm device reaches every other's VRAM: one interconnect group. */
static bool vsvm_vram_has_interconnect(struct drm_pagemap_peer *peer1,
				       struct drm_pagemap_peer *peer2)
{
	return true;
}

/**
 * vsvm_vram_init() - set up the device's VRAM
 * @vdev: the device; vram_size is set
 *
 * Without VRAM support (see %VSVM_VRAM), leaves VRAM disabled and succeeds.
 *
 * Return: 0 or a negative errno.
 */
int vsvm_vram_init(struct vsvm_device *vdev)
{
	struct vsvm_vram *vram = &vdev->vram;
	void *addr;
	int ret;

	mutex_init(&vram->lock);
	INIT_LIST_HEAD(&vram->lru);
	init_llist_head(&vram->free_list);
	INIT_WORK(&vram->free_work, vsvm_vram_free_work);
	vram->size = vdev->vram_size;

	if (!VSVM_VRAM)
		return 0;

	ret = vsvm_copy_engine_init(vdev);
	if (ret)
		return ret;

	vram->backing = vzalloc(vram->size);
	vram->bos = kvcalloc(vram->size >> PAGE_SHIFT, sizeof(*vram->bos),
			     GFP_KERNEL);
	if (!vram->backing || !vram->bos) {
		ret = -ENOMEM;
		goto err_free_backing;
	}
	/* VRAM contents hold no kernel pointers: keep kmemleak out of it. */
	kmemleak_not_leak(vram->backing);
	kmemleak_no_scan(vram->backing);

	ret = gpu_buddy_init(&vram->mm, vram->size, PAGE_SIZE);
	if (ret)
		goto err_free_backing;

	/* both device-managed: they go after vsvm_vram_fini() at unbind */
	vram->shrinker = drm_pagemap_shrinker_create_devm(&vdev->drm);
	if (IS_ERR(vram->shrinker)) {
		ret = PTR_ERR(vram->shrinker);
		goto err_buddy_fini;
	}
	vram->cache = drm_pagemap_cache_create_devm(vram->shrinker);
	if (IS_ERR(vram->cache)) {
		ret = PTR_ERR(vram->cache);
		goto err_buddy_fini;
	}

	vram->res = request_free_mem_region(&iomem_resource, vram->size,
					    "vsvm-vram");
	if (IS_ERR(vram->res)) {
		ret = PTR_ERR(vram->res);
		goto err_buddy_fini;
	}

	vram->pagemap.type = MEMORY_DEVICE_PRIVATE;
	vram->pagemap.range.start = vram->res->start;
	vram->pagemap.range.end = vram->res->end;
	vram->pagemap.nr_range = 1;
	vram->pagemap.ops = drm_pagemap_pagemap_ops_get();
	ret = drm_pagemap_acquire_owner(&vram->peer, &vsvm_vram_owners,
					vsvm_vram_has_interconnect);
	if (ret)
		goto err_release_region;
	vram->pagemap.owner = vram->peer.owner;
	addr = memremap_pages(&vram->pagemap, numa_node_id());
	if (IS_ERR(addr)) {
		ret = PTR_ERR(addr);
		goto err_release_owner;
	}
	vram->pfn_first = PHYS_PFN(vram->res->start);
	vram->enabled = true;
	return 0;

err_release_owner:
	drm_pagemap_release_owner(&vram->peer);
err_release_region:
	release_mem_region(vram->res->start, resource_size(vram->res));
err_buddy_fini:
	gpu_buddy_fini(&vram->mm);
err_free_backing:
	kvfree(vram->bos);
	vfree(vram->backing);
	vsvm_copy_engine_fini(vdev);
	return ret;
}

/* Evict every allocation (a few passes: some may be busy migrating). */
static void vsvm_vram_evict_all(struct vsvm_device *vdev)
{
	struct vsvm_vram *vram = &vdev->vram;
	unsigned long tries = 3 * (vram->size >> PAGE_SHIFT);

	while (tries-- && vsvm_vram_evict_one(vdev))
		cond_resched();
}

/**
 * vsvm_vram_fini() - evict everything from VRAM and tear it down
 * @vdev: the device, unplugged: no new migration can start
 *
 * Pages of processes that are exiting cannot be evicted (drm_pagemap needs
 * the address space): memunmap_pages() waits for their exit to free them.
 */
void vsvm_vram_fini(struct vsvm_device *vdev)
{
	struct vsvm_vram *vram = &vdev->vram;

	if (!vram->enabled)
		return;

	vsvm_vram_evict_all(vdev);
	/* Waits for every page to be freed. */
	memunmap_pages(&vram->pagemap);
	drm_pagemap_release_owner(&vram->peer);
	flush_work(&vram->free_work);
	release_mem_region(vram->res->start, resource_size(vram->res));
	gpu_buddy_fini(&vram->mm);
	kvfree(vram->bos);
	vfree(vram->backing);
	vsvm_copy_engine_fini(vdev);
	vram->enabled = false;
}
