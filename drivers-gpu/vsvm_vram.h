/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */

#ifndef _VSVM_VRAM_H_
#define _VSVM_VRAM_H_

#include <linux/atomic.h>
#include <linux/gpu_buddy.h>
#include <linux/llist.h>
#include <linux/memremap.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct dma_fence;
struct vsvm_copy;
struct vsvm_device;
struct vsvm_vm;

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
 * struct vsvm_vram - the device's simulated VRAM
 * @pgmap: MEMORY_DEVICE_PRIVATE pagemap: one struct page per VRAM page
 * @res: the physical address range reserved for @pgmap
 * @backing: the memory that holds VRAM contents, owned by the driver
 * @size: VRAM size in bytes
 * @pfn_first: pfn of the first device-private page
 * @lock: protects @mm and @lru
 * @mm: buddy allocator over [0, @size)
 * @lru: resident &struct vsvm_vram_block, least recently used first
 * @free_list: blocks whose last page was freed, to be returned to @mm
 * @free_work: returns @free_list to @mm under @lock (folio_free() may run
 *	in atomic context)
 * @copy: the copy engine that migrations copy with
 * @enabled: device-private memory is set up
 */
struct vsvm_vram {
	struct dev_pagemap pgmap;
	struct resource *res;
	void *backing;
	u64 size;
	unsigned long pfn_first;
	/* protects mm and lru */
	struct mutex lock;
	struct gpu_buddy mm;
	struct list_head lru;
	struct llist_head free_list;
	struct work_struct free_work;
	struct vsvm_copy_engine copy;
	bool enabled;
};

/**
 * struct vsvm_vram_block - one allocation of VRAM, backing one range
 * @buddy: the buddy block
 * @lru: link in &vsvm_vram.lru while resident
 * @vram: the VRAM it belongs to
 * @npages: number of pages
 * @refs: pages of the block in use, plus one while being evicted
 * @resident_since: jiffies when the block was allocated for a migration
 * @free_node: link in &vsvm_vram.free_list
 */
struct vsvm_vram_block {
	struct gpu_buddy_block *buddy;
	struct list_head lru;
	struct vsvm_vram *vram;
	unsigned long npages;
	atomic_t refs;
	unsigned long resident_since;
	struct llist_node free_node;
};

int vsvm_vram_init(struct vsvm_device *vdev);
void vsvm_vram_fini(struct vsvm_device *vdev);
bool vsvm_vram_page(struct vsvm_device *vdev, struct page *page);
u64 vsvm_vram_page_offset(struct vsvm_device *vdev, struct page *page);
void *vsvm_vram_ptr(struct vsvm_device *vdev, u64 offset);

/* vsvm_copy.c */
int vsvm_copy_engine_init(struct vsvm_device *vdev);
void vsvm_copy_engine_fini(struct vsvm_device *vdev);
void vsvm_copy_page(struct vsvm_device *vdev, bool to_vram, struct page *sys,
		    u64 vram);
struct vsvm_copy *vsvm_copy_alloc(struct vsvm_device *vdev, bool to_vram,
				  unsigned int max);
void vsvm_copy_add(struct vsvm_copy *copy, struct page *sys, u64 vram);
void vsvm_copy_set_complete(struct vsvm_copy *copy, void (*complete)(void *),
			    void *data);
void vsvm_copy_discard(struct vsvm_copy *copy);
struct dma_fence *vsvm_copy_submit(struct vsvm_copy *copy);
void vsvm_copy_wait(struct dma_fence *fence);

/* vsvm_migrate.c */
long vsvm_migrate_to_vram(struct vsvm_vm *vm, u64 start, u64 end);
long vsvm_migrate_to_system(struct vsvm_vm *vm, u64 start, u64 end);
vm_fault_t vsvm_vram_migrate_to_ram(struct vm_fault *vmf);
void vsvm_vram_evict_range(struct vsvm_device *vdev, unsigned long pfn,
			   unsigned long npages);
struct vsvm_vram_block *vsvm_vram_alloc(struct vsvm_device *vdev,
					unsigned long npages);
void vsvm_vram_block_put(struct vsvm_vram_block *block);

#endif /* _VSVM_VRAM_H_ */
