/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */

#ifndef _VSVM_VRAM_H_
#define _VSVM_VRAM_H_

#include <linux/atomic.h>
#include <linux/gpu_buddy.h>
#include <linux/kref.h>
#include <linux/llist.h>
#include <linux/memremap.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include <drm/drm_pagemap.h>
#include <drm/drm_pagemap_util.h>

struct dma_fence;
struct drm_pagemap_cache;
struct drm_pagemap_shrinker;
struct vsvm_copy;
struct vsvm_device;
struct vsvm_vm;

/*
 * drm_pagemap copies with the CPU when the kernel carries
 * kernel/patches/0100-drm-pagemap-let-the-CPU-copy-device-memory-*.patch
 * (proposed upstream). In tree it is always there; out of tree (dkms) the
 * Makefile finds out from the kernel's headers and sets
 * VSVM_PAGEMAP_CPU_COPY. Without it there is no VRAM.
 */
#ifndef VSVM_PAGEMAP_CPU_COPY
#define VSVM_PAGEMAP_CPU_COPY	1
#endif
#if VSVM_PAGEMAP_CPU_COPY
#define VSVM_VRAM	IS_ENABLED(CONFIG_DEVICE_PRIVATE)
#else
#define VSVM_VRAM	0
/* only to compile: without VRAM no migration ever reaches a copy */
#define DRM_INTERCONNECT_CPU	DRM_INTERCONNECT_DRIVER
#endif

/**
 * struct vsvm_copy_engine - the device's copy engine (vsvm_copy.c)
 * @wq: ordered worker that runs the batches
 * @context: fence context of the engine's timeline
 * @seqno: last fence sequence number given out
 */
struct vsvm_copy_engine {
	struct workqueue_struct *wq;
	u64 context;
	atomic64_t seqno;
};

/**
 * struct vsvm_vram - the device's simulated VRAM, a drm_pagemap
 * @pagemap: MEMORY_DEVICE_PRIVATE pagemap, one struct page per VRAM page,
 *	with drm_pagemap's &dev_pagemap_ops; set up at bind, removed at unbind
 * @dpagemap: the drm_pagemap over @pagemap. Active (referenced) while a VM
 *	of the device exists or a VRAM page is in use; inactive, it sits in
 *	@cache and holds neither the device nor the module.
 * @cache: drm_pagemap cache holding @dpagemap while inactive
 * @shrinker: drm_pagemap shrinker @cache belongs to
 * @res: the physical address range reserved for @pagemap
 * @backing: the memory that holds VRAM contents, owned by the driver
 * @size: VRAM size in bytes
 * @pfn_first: pfn of the first device-private page
 * @lock: protects @mm and @lru
 * @mm: buddy allocator over [0, @size)
 * @lru: &struct vsvm_vram_bo in VRAM, least recently migrated or given a
 *	second chance first: with the allocations' referenced bits, the
 *	evictor's CLOCK approximation of least recently used
 * @bos: the allocation of each VRAM page, by page offset; under @lock
 * @free_list: allocations whose last page was freed, to return to @mm
 * @free_work: returns @free_list to @mm under @lock (folio_free() may run
 *	in atomic context)
 * @copy: the copy engine that migrations copy with
 * @peer: the VRAM's membership of the interconnect group of every vsvm
 *	device (drm_pagemap_acquire_owner()); its owner is @pagemap's
 * @enabled: VRAM is set up
 */
struct vsvm_vram {
	struct dev_pagemap pagemap;
	struct drm_pagemap dpagemap;
	struct drm_pagemap_cache *cache;
	struct drm_pagemap_shrinker *shrinker;
	struct resource *res;
	void *backing;
	u64 size;
	unsigned long pfn_first;
	/* protects mm and lru */
	struct mutex lock;
	struct gpu_buddy mm;
	struct list_head lru;
	struct vsvm_vram_bo **bos;
	struct llist_head free_list;
	struct work_struct free_work;
	struct vsvm_copy_engine copy;
	struct drm_pagemap_peer peer;
	bool enabled;
};

/**
 * struct vsvm_vram_bo - one allocation of VRAM: the device memory of one
 *	migration, a drm_pagemap devmem allocation
 * @devmem: the drm_pagemap allocation; drm_pagemap holds it while any of
 *	its pages is in use and calls devmem_release() after the last
 * @ref: references: one for the pages (dropped by devmem_release()), one
 *	for each evictor or migration looking at the allocation
 * @vdev: the device
 * @block: the buddy block, a power of two from 4 KiB to 2 MiB
 * @lru: link in &vsvm_vram.lru while the pages are in use
 * @free_node: link in &vsvm_vram.free_list
 * @npages: number of pages
 * @populated: drm_pagemap took the pages for a migration
 * @evicting: an eviction or a prefetch of the allocation to system memory
 *	is in progress: its copies to system memory are not CPU faults
 * @referenced: an engine accessed the pages since the evictor last looked
 *	at the allocation: the accessed bit of a CLOCK (vsvm_vram_evict_one())
 */
struct vsvm_vram_bo {
	struct drm_pagemap_devmem devmem;
	struct kref ref;
	struct vsvm_device *vdev;
	struct gpu_buddy_block *block;
	struct list_head lru;
	struct llist_node free_node;
	unsigned long npages;
	bool populated;
	bool evicting;
	bool referenced;
};

int vsvm_vram_init(struct vsvm_device *vdev);
void vsvm_vram_fini(struct vsvm_device *vdev);
struct drm_pagemap *vsvm_vram_pagemap_get(struct vsvm_device *vdev);
bool vsvm_vram_page(struct vsvm_device *vdev, struct page *page);
bool vsvm_vram_peer_page(struct vsvm_device *vdev, struct page *page);
void *vsvm_vram_owner(struct vsvm_device *vdev);
void *vsvm_vram_peer_ptr(phys_addr_t phys);
u64 vsvm_vram_page_offset(struct vsvm_device *vdev, struct page *page);
void *vsvm_vram_ptr(struct vsvm_device *vdev, u64 offset);
void vsvm_vram_accessed(struct vsvm_device *vdev, u64 offset);
struct vsvm_vram_bo *vsvm_vram_bo_get_moving(struct page *page);
bool vsvm_vram_bo_has_page(struct vsvm_vram_bo *bo, struct page *page);
void vsvm_vram_bo_put_moving(struct vsvm_vram_bo *bo);
int vsvm_vram_populate(struct vsvm_vm *vm, struct drm_pagemap *dpagemap,
		       unsigned long start, unsigned long end,
		       unsigned long *copied);

/* vsvm_copy.c */
int vsvm_copy_engine_init(struct vsvm_device *vdev);
void vsvm_copy_engine_fini(struct vsvm_device *vdev);
struct vsvm_copy *vsvm_copy_alloc(struct vsvm_device *vdev, bool to_vram,
				  unsigned int max);
void vsvm_copy_add(struct vsvm_copy *copy, struct page *sys,
		   struct page *vram);
void vsvm_copy_discard(struct vsvm_copy *copy);
struct dma_fence *vsvm_copy_submit(struct vsvm_copy *copy);
void vsvm_copy_wait(struct dma_fence *fence);

/* vsvm_migrate.c */
bool vsvm_region_vram(struct vsvm_device *vdev, u64 region,
		      unsigned int *index);
bool vsvm_region_valid(struct vsvm_device *vdev, u64 region);
long vsvm_migrate_to_vram(struct vsvm_vm *vm, u64 start, u64 end, u64 region,
			  bool bind);
long vsvm_migrate_to_system(struct vsvm_vm *vm, u64 start, u64 end);

#endif /* _VSVM_VRAM_H_ */
