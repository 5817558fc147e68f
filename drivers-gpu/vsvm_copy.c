// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * DOC: copy engine
 *
 * Migration copies between system memory and VRAM, and from VRAM to a peer
 * device's VRAM, run on the device's copy engine, one batch (the pages of
 * one drm_pagemap copy callback) at a time, in submission order. Each
 * batch signals a &dma_fence when its last page is copied; drm_pagemap's
 * copy callbacks are synchronous, so the callback (vsvm_pagemap.c) waits
 * for it.
 *
 * On this virtual GPU the engine is an ordered kernel worker copying
 * between system pages and the VRAM backing store (the device's own, and a
 * peer's as destination) with the CPU. It takes no lock, allocates nothing
 * and cannot fault, so a fence always signals: the worker is created with
 * WQ_MEM_RECLAIM and eviction may wait for it under memory pressure. The
 * fence never leaves the driver.
 */

#include <linux/dma-fence.h>
#include <linux/highmem.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "vsvm_drv.h"
#include "vsvm_trace.h"
#include "vsvm_vram.h"

/**
 * struct vsvm_copy_page - one page of a copy batch
 * @sys: the system page, or the backing page of a peer's VRAM page; NULL
 *	when copying to VRAM means zero-fill
 * @vram: the page of the VRAM backing store that holds the device page
 */
struct vsvm_copy_page {
	struct page *sys;
	struct page *vram;
};

/**
 * struct vsvm_copy - a batch of page copies for the copy engine
 * @fence: signalled when every page is copied; first member, as
 *	dma_fence_free() frees the batch through it
 * @lock: the fence's lock
 * @work: runs the batch on the engine's worker
 * @vdev: the device
 * @to_vram: direction: system to VRAM, or VRAM to system
 * @count: pages added
 * @max: room in @pages
 * @pages: the copies
 */
struct vsvm_copy {
	struct dma_fence fence;
	/* the fence lock */
	spinlock_t lock;
	struct work_struct work;
	struct vsvm_device *vdev;
	bool to_vram;
	unsigned int count;
	unsigned int max;
	struct vsvm_copy_page pages[] __counted_by(max);
};

/* Copy one page; a NULL @sys with @to_vram zero-fills the VRAM page. */
static void vsvm_copy_page(bool to_vram, struct page *sys, struct page *vram)
{
	if (!to_vram)
		copy_highpage(sys, vram);
	else if (sys)
		copy_highpage(vram, sys);
	else
		clear_highpage(vram);
}

static const char *vsvm_copy_driver_name(struct dma_fence *fence)
{
	return DRIVER_NAME;
}

static const char *vsvm_copy_timeline_name(struct dma_fence *fence)
{
	return "copy";
}

static const struct dma_fence_ops vsvm_copy_fence_ops = {
	.get_driver_name = vsvm_copy_driver_name,
	.get_timeline_name = vsvm_copy_timeline_name,
};

static void vsvm_copy_work(struct work_struct *work)
{
	struct vsvm_copy *copy = container_of(work, struct vsvm_copy, work);
	bool cookie = dma_fence_begin_signalling();
	unsigned int i;

	for (i = 0; i < copy->count; i++)
		vsvm_copy_page(copy->to_vram, copy->pages[i].sys,
			       copy->pages[i].vram);
	trace_vsvm_copy(copy->fence.seqno, copy->to_vram, copy->count);
	dma_fence_signal(&copy->fence);
	dma_fence_end_signalling(cookie);
	dma_fence_put(&copy->fence);
}

/**
 * vsvm_copy_alloc() - start a copy batch
 * @vdev: the device
 * @to_vram: direction
 * @max: most pages the batch will hold
 *
 * Return: the batch, to fill with vsvm_copy_add() and hand to
 * vsvm_copy_submit() (or free with vsvm_copy_discard()), or NULL.
 */
struct vsvm_copy *vsvm_copy_alloc(struct vsvm_device *vdev, bool to_vram,
				  unsigned int max)
{
	struct vsvm_copy *copy;

	copy = kzalloc(struct_size(copy, pages, max), GFP_KERNEL);
	if (!copy)
		return NULL;
	copy->max = max;
	copy->vdev = vdev;
	copy->to_vram = to_vram;
	spin_lock_init(&copy->lock);
	INIT_WORK(&copy->work, vsvm_copy_work);
	return copy;
}

/**
 * vsvm_copy_add() - add a page to a batch not yet submitted
 * @copy: the batch
 * @sys: the system page (source or destination) or a peer's VRAM backing
 *	page (destination), or NULL to zero-fill
 * @vram: the VRAM backing page of the device page (vsvm_vram_backing_page())
 */
void vsvm_copy_add(struct vsvm_copy *copy, struct page *sys,
		   struct page *vram)
{
	if (WARN_ON(copy->count >= copy->max))
		return;
	copy->pages[copy->count].sys = sys;
	copy->pages[copy->count].vram = vram;
	copy->count++;
}

/**
 * vsvm_copy_discard() - free a batch that was never submitted
 * @copy: the batch
 */
void vsvm_copy_discard(struct vsvm_copy *copy)
{
	kfree(copy);
}

/**
 * vsvm_copy_submit() - queue a batch on the copy engine
 * @copy: the batch; owned by the engine from now on
 *
 * Every page of the batch must stay allocated until the fence signals.
 *
 * Return: the batch's fence, with a reference for the caller: wait for it
 * with vsvm_copy_wait(). An empty batch returns NULL.
 */
struct dma_fence *vsvm_copy_submit(struct vsvm_copy *copy)
{
	struct vsvm_copy_engine *engine = &copy->vdev->vram.copy;

	if (!copy->count) {
		kfree(copy);
		return NULL;
	}
	dma_fence_init(&copy->fence, &vsvm_copy_fence_ops, &copy->lock,
		       engine->context, atomic64_inc_return(&engine->seqno));
	/* one reference for the caller, one for the worker */
	dma_fence_get(&copy->fence);
	atomic64_inc(&copy->vdev->stats[VSVM_STAT_COPY_BATCHES]);
	queue_work(engine->wq, &copy->work);
	return &copy->fence;
}

/**
 * vsvm_copy_wait() - wait for a batch and drop the reference to its fence
 * @fence: what vsvm_copy_submit() returned; NULL is ignored
 *
 * The wait is not interruptible: pages under migration cannot be given
 * back before their contents are in place.
 */
void vsvm_copy_wait(struct dma_fence *fence)
{
	if (!fence)
		return;
	dma_fence_wait(fence, false);
	dma_fence_put(fence);
}

/**
 * vsvm_copy_engine_init() - set up the device's copy engine
 * @vdev: the device
 *
 * Return: 0 or -ENOMEM.
 */
int vsvm_copy_engine_init(struct vsvm_device *vdev)
{
	struct vsvm_copy_engine *engine = &vdev->vram.copy;

	engine->context = dma_fence_context_alloc(1);
	atomic64_set(&engine->seqno, 0);
	engine->wq = alloc_ordered_workqueue("vsvm-copy", WQ_MEM_RECLAIM);
	return engine->wq ? 0 : -ENOMEM;
}

/**
 * vsvm_copy_engine_fini() - tear the copy engine down
 * @vdev: the device; every batch has been waited for
 */
void vsvm_copy_engine_fini(struct vsvm_device *vdev)
{
	destroy_workqueue(vdev->vram.copy.wq);
}
