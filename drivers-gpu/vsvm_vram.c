// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * DOC: VRAM as device-private memory
 *
 * The simulated VRAM is memory the driver allocates at probe (@backing),
 * exposed to core mm as MEMORY_DEVICE_PRIVATE struct pages: a free
 * physical range from request_free_mem_region() and memremap_pages() with
 * vsvm's &dev_pagemap_ops. The device itself is the owner used for the
 * pagemap, for migrate_vma and for hmm_range_fault(), so vsvm's own pages
 * are reported, not faulted back, when vsvm mirrors them.
 *
 * VRAM is allocated with the GPU buddy allocator in power-of-two blocks, one
 * per migrated range (4 KiB to 2 MiB). Every page of a block points to it
 * (zone_device_data); the block returns to the allocator when its last
 * page is freed. folio_free() may run in atomic context, so the return is
 * deferred to a worker.
 *
 * When an allocation fails, least recently migrated blocks are evicted to
 * system memory with migrate_device_range(), which works from physical
 * pages: the process, VMA or VM behind them may be gone already. Device
 * removal evicts everything the same way before memunmap_pages().
 *
 * Without CONFIG_DEVICE_PRIVATE there is no VRAM: the mirror still works
 * and the VRAM ioctls return -ENODEV.
 */

#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/kmemleak.h>

#include <drm/drm_print.h>

#include "vsvm_drv.h"
#include "vsvm_vram.h"

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
	       page_pgmap(page) == &vdev->vram.pgmap;
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

static void vsvm_vram_free_work(struct work_struct *work)
{
	struct vsvm_vram *vram = container_of(work, struct vsvm_vram,
					      free_work);
	struct vsvm_device *vdev = container_of(vram, struct vsvm_device, vram);
	struct vsvm_vram_block *block, *next;
	struct llist_node *list;

	list = llist_del_all(&vram->free_list);
	mutex_lock(&vram->lock);
	llist_for_each_entry_safe(block, next, list, free_node) {
		list_del(&block->lru);
		gpu_buddy_free_block(&vram->mm, block->buddy);
		atomic64_sub(block->npages,
			     &vdev->stats[VSVM_STAT_VRAM_PAGES]);
		kfree(block);
	}
	mutex_unlock(&vram->lock);
}

/**
 * vsvm_vram_block_put() - drop one page (or eviction) reference of a block
 * @block: the block
 *
 * May be called in atomic context.
 */
void vsvm_vram_block_put(struct vsvm_vram_block *block)
{
	struct vsvm_vram *vram = block->vram;

	if (atomic_dec_and_test(&block->refs)) {
		llist_add(&block->free_node, &vram->free_list);
		queue_work(system_unbound_wq, &vram->free_work);
	}
}

static void vsvm_vram_folio_free(struct folio *folio)
{
	vsvm_vram_block_put(folio->page.zone_device_data);
}

/* Evict the least recently used block. Called without vram->lock. */
static bool vsvm_vram_evict_one(struct vsvm_device *vdev)
{
	struct vsvm_vram *vram = &vdev->vram;
	struct vsvm_vram_block *block;

	mutex_lock(&vram->lock);
	list_for_each_entry(block, &vram->lru, lru)
		if (atomic_inc_not_zero(&block->refs))
			break;
	if (list_entry_is_head(block, &vram->lru, lru)) {
		mutex_unlock(&vram->lock);
		return false;
	}
	/* Rotate it: should it stay busy, the next try picks another. */
	list_move_tail(&block->lru, &vram->lru);
	mutex_unlock(&vram->lock);

	vsvm_vram_evict_range(vdev, vram->pfn_first +
			      (gpu_buddy_block_offset(block->buddy) >> PAGE_SHIFT),
			      block->npages);
	atomic64_inc(&vdev->stats[VSVM_STAT_EVICTIONS]);
	vsvm_vram_block_put(block);
	flush_work(&vram->free_work);
	return true;
}

/**
 * vsvm_vram_alloc() - allocate VRAM for a range, evicting if needed
 * @vdev: the device
 * @npages: number of pages, a power of two up to 512
 *
 * The block starts with one reference per page; the caller gives each
 * page to a migration (zone_device_page_init()) or drops the reference of
 * each page it does not use with vsvm_vram_block_put().
 *
 * Return: the block, or NULL when VRAM is full even after evicting.
 */
struct vsvm_vram_block *vsvm_vram_alloc(struct vsvm_device *vdev,
					unsigned long npages)
{
	struct vsvm_vram *vram = &vdev->vram;
	u64 size = (u64)npages << PAGE_SHIFT;
	struct vsvm_vram_block *block;
	unsigned int tries = 0;
	LIST_HEAD(blocks);
	int ret;

	block = kzalloc_obj(*block, GFP_KERNEL);
	if (!block)
		return NULL;

	for (;;) {
		mutex_lock(&vram->lock);
		ret = gpu_buddy_alloc_blocks(&vram->mm, 0, vram->size, size,
					     size, &blocks, 0);
		if (!ret) {
			block->buddy = list_first_entry(&blocks,
							struct gpu_buddy_block,
							link);
			list_add_tail(&block->lru, &vram->lru);
			mutex_unlock(&vram->lock);
			break;
		}
		mutex_unlock(&vram->lock);
		/* Each resident block is tried once at most. */
		if (ret != -ENOSPC ||
		    ++tries > (vram->size >> PAGE_SHIFT) / npages ||
		    !vsvm_vram_evict_one(vdev)) {
			kfree(block);
			return NULL;
		}
	}

	block->vram = vram;
	block->npages = npages;
	block->resident_since = jiffies;
	atomic_set(&block->refs, npages);
	atomic64_add(npages, &vdev->stats[VSVM_STAT_VRAM_PAGES]);
	return block;
}

static const struct dev_pagemap_ops vsvm_vram_pagemap_ops = {
	.folio_free = vsvm_vram_folio_free,
	.migrate_to_ram = vsvm_vram_migrate_to_ram,
};

/**
 * vsvm_vram_init() - set up the device's VRAM
 * @vdev: the device; vram_size is set
 *
 * Without CONFIG_DEVICE_PRIVATE, leaves VRAM disabled and succeeds.
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

	if (!IS_ENABLED(CONFIG_DEVICE_PRIVATE))
		return 0;

	ret = vsvm_copy_engine_init(vdev);
	if (ret)
		return ret;

	vram->backing = vzalloc(vram->size);
	if (!vram->backing) {
		ret = -ENOMEM;
		goto err_copy_fini;
	}
	/* VRAM contents hold no kernel pointers: keep kmemleak out of it. */
	kmemleak_not_leak(vram->backing);
	kmemleak_no_scan(vram->backing);

	ret = gpu_buddy_init(&vram->mm, vram->size, PAGE_SIZE);
	if (ret)
		goto err_free_backing;

	vram->res = request_free_mem_region(&iomem_resource, vram->size,
					    "vsvm-vram");
	if (IS_ERR(vram->res)) {
		ret = PTR_ERR(vram->res);
		goto err_buddy_fini;
	}

	vram->pgmap.type = MEMORY_DEVICE_PRIVATE;
	vram->pgmap.range.start = vram->res->start;
	vram->pgmap.range.end = vram->res->end;
	vram->pgmap.nr_range = 1;
	vram->pgmap.ops = &vsvm_vram_pagemap_ops;
	vram->pgmap.owner = vdev;
	addr = memremap_pages(&vram->pgmap, numa_node_id());
	if (IS_ERR(addr)) {
		ret = PTR_ERR(addr);
		goto err_release_region;
	}
	vram->pfn_first = PHYS_PFN(vram->res->start);
	vram->enabled = true;
	return 0;

err_release_region:
	release_mem_region(vram->res->start, resource_size(vram->res));
err_buddy_fini:
	gpu_buddy_fini(&vram->mm);
err_free_backing:
	vfree(vram->backing);
err_copy_fini:
	vsvm_copy_engine_fini(vdev);
	return ret;
}

/**
 * vsvm_vram_fini() - evict everything from VRAM and tear it down
 * @vdev: the device, unregistered: no new migration can start
 */
void vsvm_vram_fini(struct vsvm_device *vdev)
{
	struct vsvm_vram *vram = &vdev->vram;
	unsigned long npages = vram->size >> PAGE_SHIFT;
	unsigned long pfn;

	if (!vram->enabled)
		return;

	for (pfn = 0; pfn < npages; pfn += SZ_2M >> PAGE_SHIFT)
		vsvm_vram_evict_range(vdev, vram->pfn_first + pfn,
				      min_t(unsigned long, SZ_2M >> PAGE_SHIFT,
					    npages - pfn));
	/* Waits for every page to be freed. */
	memunmap_pages(&vram->pgmap);
	flush_work(&vram->free_work);
	release_mem_region(vram->res->start, resource_size(vram->res));
	gpu_buddy_fini(&vram->mm);
	vfree(vram->backing);
	vsvm_copy_engine_fini(vdev);
	vram->enabled = false;
}
