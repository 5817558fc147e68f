// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * DOC: migration
 *
 * Pages move between system memory and VRAM with core mm's migrate_vma
 * (by virtual range, for a VM) and migrate_device (by physical range, for
 * eviction), in chunks of at most 2 MiB. Device memory is handed out as
 * order-0 pages, so a 2 MiB chunk moves as 512 pages in one batch. Copies run on the copy
 * engine (vsvm_copy.c), one batch per chunk, and two chunks are in flight:
 *
 * 1. the walk runs migrate_vma_setup() for chunk N, allocates its new
 *    pages, runs migrate_vma_pages() (struct page metadata only) and
 *    submits the chunk's copy batch;
 * 2. meanwhile the engine copies chunk N-1 and then finalizes half of its
 *    pages; the walk finalizes the other half once the copy fence has
 *    signalled: only finalized pages become visible. The walk waits for
 *    chunk N-1 before it reuses its slot.
 *
 * The walk holds mmap_lock until every chunk it started is finalized.
 *
 * Partial migration is normal: pages core mm will not move stay where they
 * are and stay mirrored.
 *
 * Only private anonymous memory moves to VRAM. Page cache, shared, hugetlbfs
 * and DAX mappings are mirrored in place.
 *
 * CPU faults on VRAM pages (migrate_to_ram) take no vsvm lock: they rely
 * on core mm's page locks and migration entries only, so a CPU fault never
 * waits behind GPU work, and many threads faulting the same page cannot
 * livelock on a driver lock. The faulting page always moves; its neighbours
 * in the same 64 KiB move when they are vsvm's VRAM pages too. New system
 * pages come from the VMA-aware allocator, which honours NUMA policy.
 *
 * Our own migrations raise MMU_NOTIFY_MIGRATE invalidations that the
 * mirror does not skip: the GPU entries of the range are cleared, and the
 * next GPU access mirrors the pages at their new place. That costs one GPU
 * fault per migrated range and keeps a single path that writes GPU entries.
 */

#include <linux/completion.h>
#include <linux/dma-fence.h>
#include <linux/highmem.h>
#include <linux/hmm.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_print.h>

#include "vsvm_drv.h"
#include "vsvm_svm.h"
#include "vsvm_trace.h"
#include "vsvm_vm.h"
#include "vsvm_vram.h"

#define VSVM_CPU_FAULT_PAGES	(SZ_64K >> PAGE_SHIFT)
#define VSVM_MIGRATE_PAGES	(SZ_2M >> PAGE_SHIFT)

static unsigned int vram_min_residency_ms = 2;
module_param(vram_min_residency_ms, uint, 0644);
MODULE_PARM_DESC(vram_min_residency_ms,
		 "Time a page stays in VRAM after migrating there before a CPU fault moves it back, ms (ping-pong control, default 2)");

/*
 * Ping-pong control: a CPU fault on a page that has just moved to VRAM
 * waits until the page has been there for the minimum residency. No lock
 * is held: the wait only throttles this fault.
 */
static void vsvm_vram_throttle(struct page *page)
{
	struct vsvm_vram_block *block = page->zone_device_data;
	unsigned long until = block->resident_since +
		msecs_to_jiffies(READ_ONCE(vram_min_residency_ms));

	if (time_before(jiffies, until))
		schedule_timeout_killable(until - jiffies);
}

static struct vsvm_device *vsvm_page_device(struct page *page)
{
	return container_of(page_pgmap(page), struct vsvm_device, vram.pgmap);
}

static bool vsvm_vma_migratable(struct vm_area_struct *vma)
{
	return vma_is_anonymous(vma) && !vma_is_dax(vma) &&
	       !(vma->vm_flags & (VM_SHARED | VM_HUGETLB | VM_IO | VM_PFNMAP |
				  VM_MIXEDMAP));
}

/*
 * The largest aligned chunk of 2M, 64K or 4K at @addr within both limits.
 * A chunk is one migrate_vma batch; the migration granularity sets the
 * VRAM blocks it is made of (vsvm_migrate_alloc_vram()).
 */
static u64 vsvm_chunk_end(u64 addr, u64 lo, u64 hi)
{
	static const u64 sizes[] = { SZ_2M, SZ_64K };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++)
		if (IS_ALIGNED(addr, sizes[i]) && addr >= lo &&
		    addr + sizes[i] <= hi)
			return addr + sizes[i];
	return addr + PAGE_SIZE;
}

/*
 * Pages of the VRAM block for entry @i of a chunk of @npages: the migration
 * granularity at its address (2 MiB when unset), aligned within the chunk.
 */
static unsigned long vsvm_block_pages(struct vsvm_vm *vm, u64 addr,
				      unsigned long i, unsigned long npages)
{
	u64 gran = vsvm_svm_attr_get(vm, DRM_VSVM_ATTR_GRANULARITY, addr);
	unsigned long n = (gran ? gran : SZ_2M) >> PAGE_SHIFT;

	while (n > 1 && (!IS_ALIGNED(i, n) || i + n > npages))
		n >>= 1;
	return n;
}

/**
 * struct vsvm_migrate_chunk - one chunk of a migration walk in flight
 * @mig: the chunk's migrate_vma
 * @vm: the VM migrating
 * @done: completed once the engine has finalized its part of the chunk
 * @moved: pages moved
 * @active: set up and not yet waited for
 * @queued: the copy engine finishes the chunk (completes @done)
 * @moving: migrate_vma_pages() was called: the entries of @dst that kept
 *	MIGRATE_PFN_MIGRATE in @src moved
 * @fence: the copy engine's fence for the chunk's copies
 * @split: the engine finalizes entries [0, @split), the walk the others
 * @src: source pfns of @mig
 * @dst: destination pfns of @mig
 * @pages: new system pages, while they are allocated
 */
struct vsvm_migrate_chunk {
	struct migrate_vma mig;
	struct vsvm_vm *vm;
	struct completion done;
	long moved;
	bool active;
	bool queued;
	bool moving;
	struct dma_fence *fence;
	unsigned long split;
	unsigned long src[VSVM_MIGRATE_PAGES];
	unsigned long dst[VSVM_MIGRATE_PAGES];
	struct page *pages[VSVM_MIGRATE_PAGES];
};

/*
 * Give each collected page of a chunk a VRAM page and queue the copies.
 * The chunk is made of blocks of the migration granularity: the unit of
 * VRAM allocation, LRU and eviction. Holes (never touched pages) are
 * zero-filled here: migrate_vma_pages() maps them at once, while copied
 * pages stay behind migration entries until migrate_vma_finalize().
 */
static void vsvm_migrate_alloc_vram(struct vsvm_vm *vm,
				    struct vsvm_migrate_chunk *ch,
				    struct vsvm_copy *copy)
{
	unsigned long npages = (ch->mig.end - ch->mig.start) >> PAGE_SHIFT;
	struct vsvm_device *vdev = vm->vdev;
	unsigned long i, j, n;

	for (i = 0; i < npages; i += n) {
		struct vsvm_vram_block *block;
		bool wanted = false;

		n = vsvm_block_pages(vm, ch->mig.start + (i << PAGE_SHIFT), i,
				     npages);
		for (j = i; j < i + n; j++)
			wanted |= ch->src[j] & MIGRATE_PFN_MIGRATE;
		if (!wanted)
			continue;
		block = vsvm_vram_alloc(vdev, n);
		if (!block)
			return;	/* VRAM full: the rest stays put */

		for (j = i; j < i + n; j++) {
			struct page *spage = migrate_pfn_to_page(ch->src[j]);
			struct page *dpage = pfn_to_page(vdev->vram.pfn_first +
				(gpu_buddy_block_offset(block->buddy) >>
				 PAGE_SHIFT) + j - i);
			u64 off = vsvm_vram_page_offset(vdev, dpage);

			if (!(ch->src[j] & MIGRATE_PFN_MIGRATE)) {
				vsvm_vram_block_put(block);
				continue;
			}
			dpage->zone_device_data = block;
			zone_device_page_init(dpage, &vdev->vram.pgmap, 0);
			if (spage)
				vsvm_copy_add(copy, spage, off);
			else
				vsvm_copy_page(vdev, true, NULL, off);
			ch->dst[j] = migrate_pfn(page_to_pfn(dpage));
			if (ch->src[j] & MIGRATE_PFN_WRITE)
				ch->dst[j] |= MIGRATE_PFN_WRITE;
		}
	}
}

/*
 * Give each collected VRAM page in @src a locked system page in @dst and
 * queue its copy in @copy (or copy it at once without a batch). @pages is
 * room for @npages page pointers. With a @vma (a VM's migration), the
 * first page comes from the VMA-aware allocator, which honours the NUMA
 * policy, and the others are bulk-allocated on its node; a page that
 * cannot be had leaves its entry in VRAM. Without one (eviction, by
 * physical range), all come in bulk from this node and allocation does
 * not fail.
 */
static void vsvm_alloc_system_pages(struct vsvm_device *vdev,
				    const unsigned long *src, unsigned long *dst,
				    unsigned long npages, struct page **pages,
				    struct vsvm_copy *copy,
				    struct vm_area_struct *vma, u64 start)
{
	gfp_t gfp = GFP_HIGHUSER_MOVABLE | (vma ? 0 : __GFP_NOFAIL);
	unsigned long i, n = 0, k = 0;
	int nid = numa_mem_id();

	for (i = 0; i < npages; i++)
		if (migrate_pfn_to_page(src[i]) && (src[i] & MIGRATE_PFN_MIGRATE))
			n++;
	if (!n)
		return;
	memset(pages, 0, n * sizeof(*pages));
	for (i = 0; vma && i < npages; i++) {
		if (!migrate_pfn_to_page(src[i]) ||
		    !(src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		pages[0] = alloc_page_vma(gfp, vma, start + (i << PAGE_SHIFT));
		if (pages[0])
			nid = page_to_nid(pages[0]);
		break;
	}
	alloc_pages_bulk_node(GFP_HIGHUSER_MOVABLE, nid, n, pages);

	for (i = 0; i < npages; i++) {
		struct page *spage = migrate_pfn_to_page(src[i]);
		u64 off;
		struct page *dpage;

		if (!spage || !(src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		dpage = pages[k++];
		if (!dpage)
			dpage = vma ? alloc_page_vma(gfp, vma,
						     start + (i << PAGE_SHIFT)) :
				      alloc_page(gfp);
		if (!dpage)
			continue;
		lock_page(dpage);
		off = vsvm_vram_page_offset(vdev, spage);
		if (copy)
			vsvm_copy_add(copy, dpage, off);
		else
			vsvm_copy_page(vdev, false, dpage, off);
		dst[i] = migrate_pfn(page_to_pfn(dpage));
		if (src[i] & MIGRATE_PFN_WRITE)
			dst[i] |= MIGRATE_PFN_WRITE;
	}
}

/*
 * Make the new pages of entries [first, last) of a chunk visible. The
 * engine (after the copies) and the walk each finalize a part of a chunk:
 * migrate_device_finalize() treats every entry on its own.
 */
static void vsvm_migrate_chunk_finalize(struct vsvm_migrate_chunk *ch,
					unsigned long first, unsigned long last)
{
	if (last > first)
		migrate_device_finalize(ch->src + first, ch->dst + first,
					last - first);
}

/* The copy engine's completion: finalize the engine's part. */
static void vsvm_migrate_chunk_engine_done(void *data)
{
	struct vsvm_migrate_chunk *ch = data;

	vsvm_migrate_chunk_finalize(ch, 0, ch->split);
	complete(&ch->done);
}

/*
 * Start moving one chunk (a power of two of pages, at most 2 MiB, aligned,
 * inside @vma): collect its pages, give them new pages, migrate the struct
 * page metadata and queue the copies on the copy engine, which then
 * finalizes part of the chunk. vsvm_migrate_chunk_end() finishes it.
 * mmap_lock held until then.
 */
static int vsvm_migrate_chunk_begin(struct vsvm_vm *vm,
				    struct vsvm_migrate_chunk *ch,
				    struct vm_area_struct *vma, u64 start,
				    u64 end, bool to_vram)
{
	struct vsvm_device *vdev = vm->vdev;
	unsigned long npages = (end - start) >> PAGE_SHIFT;
	struct vsvm_copy *copy;
	int ret;

	memset(ch->dst, 0, npages * sizeof(*ch->dst));
	ch->mig = (struct migrate_vma) {
		.vma = vma,
		.start = start,
		.end = end,
		.src = ch->src,
		.dst = ch->dst,
		.pgmap_owner = vdev,
		.flags = to_vram ? MIGRATE_VMA_SELECT_SYSTEM :
				   MIGRATE_VMA_SELECT_DEVICE_PRIVATE,
	};
	ch->vm = vm;
	ch->queued = false;
	ch->moving = false;
	init_completion(&ch->done);
	ret = migrate_vma_setup(&ch->mig);
	if (ret)
		return ret;
	ch->active = true;
	if (!ch->mig.cpages)
		return 0;

	copy = vsvm_copy_alloc(vdev, to_vram, npages);
	if (!copy)
		return 0;	/* nothing moves */
	if (to_vram)
		vsvm_migrate_alloc_vram(vm, ch, copy);
	else
		vsvm_alloc_system_pages(vdev, ch->src, ch->dst, npages,
					ch->pages, copy, vma, start);
	migrate_vma_pages(&ch->mig);
	ch->moving = true;
	/* about the share of the walk, which also sets up the next chunk */
	ch->split = npages / 2;
	vsvm_copy_set_complete(copy, vsvm_migrate_chunk_engine_done, ch);
	ch->queued = true;
	ch->fence = vsvm_copy_submit(copy);
	return 0;
}

/*
 * Finish a chunk: once its copies are done, finalize the walk's part, wait
 * for the engine's and account for the chunk.
 * Return: the number of pages moved.
 */
static long vsvm_migrate_chunk_end(struct vsvm_migrate_chunk *ch)
{
	bool to_vram = ch->mig.flags & MIGRATE_VMA_SELECT_SYSTEM;
	unsigned long npages = (ch->mig.end - ch->mig.start) >> PAGE_SHIFT, i;
	long moved = 0;

	if (!ch->active)
		return 0;
	for (i = 0; ch->moving && i < npages; i++)
		if (ch->dst[i] && (ch->src[i] & MIGRATE_PFN_MIGRATE))
			moved++;
	if (ch->queued) {
		vsvm_copy_wait(ch->fence);
		ch->fence = NULL;
		vsvm_migrate_chunk_finalize(ch, ch->split, npages);
		wait_for_completion(&ch->done);
	} else {
		migrate_vma_finalize(&ch->mig);
	}
	ch->active = false;

	vsvm_vm_stat_add(ch->vm, to_vram ? DRM_VSVM_STAT_BYTES_TO_VRAM :
					   DRM_VSVM_STAT_BYTES_TO_SYSTEM,
			 moved << PAGE_SHIFT);
	trace_vsvm_migrate(ch->vm->id, ch->mig.start, ch->mig.end, to_vram,
			   moved);
	return moved;
}

/*
 * Walk [start, end) of the VM's address space chunk by chunk, two chunks in
 * flight: the copy engine copies one while the next is set up. The VM's
 * fault lock is held: attributes are stable and faults wait.
 */
static long vsvm_migrate_walk(struct vsvm_vm *vm, u64 start, u64 end,
			      bool to_vram)
{
	struct vsvm_migrate_chunk *chunks;
	struct mm_struct *mm = vm->mm;
	unsigned int cur = 0;
	long moved = 0;
	u64 addr = start;
	int ret = 0;

	lockdep_assert_held(&vm->svm.lock);

	chunks = kvcalloc(2, sizeof(*chunks), GFP_KERNEL);
	if (!chunks)
		return -ENOMEM;
	if (!mmget_not_zero(mm)) {
		kvfree(chunks);
		return -ESRCH;
	}
	mmap_read_lock(mm);
	while (addr < end) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		u64 lo, hi, next;

		if (!vma || vma->vm_start >= end)
			break;
		addr = max_t(u64, addr, vma->vm_start);
		lo = max_t(u64, start, vma->vm_start);
		hi = min_t(u64, end, vma->vm_end);
		/* VRAM pages only ever live in migratable mappings */
		if (!vsvm_vma_migratable(vma)) {
			addr = hi;
			continue;
		}
		next = vsvm_chunk_end(addr, lo, hi);
		ret = vsvm_migrate_chunk_begin(vm, &chunks[cur], vma, addr,
					       next, to_vram);
		/* the engine finished the previous chunk meanwhile */
		moved += vsvm_migrate_chunk_end(&chunks[cur ^ 1]);
		if (ret)
			break;
		cur ^= 1;
		addr = next;
	}
	moved += vsvm_migrate_chunk_end(&chunks[cur ^ 1]);
	moved += vsvm_migrate_chunk_end(&chunks[cur]);
	mmap_read_unlock(mm);
	mmput(mm);
	kvfree(chunks);
	return ret ? ret : moved;
}

/**
 * vsvm_migrate_to_vram() - migrate a range of a VM's address space to VRAM
 * @vm: the VM, with its fault lock held
 * @start: first address, page aligned
 * @end: end address (exclusive), page aligned
 *
 * Return: number of pages moved, or a negative errno (-ESRCH when the
 * process has exited, -ENOMEM).
 */
long vsvm_migrate_to_vram(struct vsvm_vm *vm, u64 start, u64 end)
{
	return vsvm_migrate_walk(vm, start, end, true);
}

/**
 * vsvm_migrate_to_system() - migrate VRAM pages of a range back
 * @vm: the VM, with its fault lock held
 * @start: first address, page aligned
 * @end: end address (exclusive), page aligned
 *
 * Return: number of pages moved, or a negative errno.
 */
long vsvm_migrate_to_system(struct vsvm_vm *vm, u64 start, u64 end)
{
	return vsvm_migrate_walk(vm, start, end, false);
}

/**
 * vsvm_vram_migrate_to_ram() - &dev_pagemap_ops.migrate_to_ram
 * @vmf: the CPU fault on one of vsvm's VRAM pages
 *
 * Return: 0, VM_FAULT_SIGBUS or VM_FAULT_OOM.
 */
vm_fault_t vsvm_vram_migrate_to_ram(struct vm_fault *vmf)
{
	struct vsvm_device *vdev = vsvm_page_device(vmf->page);
	struct vm_area_struct *vma = vmf->vma;
	unsigned long src[VSVM_CPU_FAULT_PAGES] = { 0 };
	unsigned long dst[VSVM_CPU_FAULT_PAGES] = { 0 };
	u64 start = max_t(u64, ALIGN_DOWN(vmf->address, SZ_64K),
			  vma->vm_start);
	u64 end = min_t(u64, ALIGN_DOWN(vmf->address, SZ_64K) + SZ_64K,
			vma->vm_end);
	struct migrate_vma mig = {
		.vma = vma,
		.start = start,
		.end = end,
		.src = src,
		.dst = dst,
		.pgmap_owner = vdev,
		.flags = MIGRATE_VMA_SELECT_DEVICE_PRIVATE,
		.fault_page = vmf->page,
	};
	unsigned long i, moved = 0;
	vm_fault_t ret = 0;

	vsvm_vram_throttle(vmf->page);
	if (migrate_vma_setup(&mig))
		return VM_FAULT_SIGBUS;

	for (i = 0; i < (end - start) >> PAGE_SHIFT; i++) {
		struct page *spage = migrate_pfn_to_page(src[i]);
		u64 addr = start + (i << PAGE_SHIFT);
		struct page *dpage;

		if (!spage || !(src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		dpage = alloc_page_vma(GFP_HIGHUSER_MOVABLE, vma, addr);
		if (!dpage) {
			if (spage == vmf->page)
				ret = VM_FAULT_OOM;
			continue;
		}
		lock_page(dpage);
		vsvm_copy_page(vdev, false, dpage,
			       vsvm_vram_page_offset(vdev, spage));
		dst[i] = migrate_pfn(page_to_pfn(dpage));
		if (src[i] & MIGRATE_PFN_WRITE)
			dst[i] |= MIGRATE_PFN_WRITE;
	}
	migrate_vma_pages(&mig);
	/* count what really moved: a racing fault may hold a page */
	for (i = 0; i < (end - start) >> PAGE_SHIFT; i++)
		if (dst[i] && (src[i] & MIGRATE_PFN_MIGRATE))
			moved++;
	migrate_vma_finalize(&mig);

	atomic64_inc(&vdev->stats[VSVM_STAT_CPU_FAULTS]);
	atomic64_add(moved << PAGE_SHIFT,
		     &vdev->stats[DRM_VSVM_STAT_BYTES_TO_SYSTEM]);
	trace_vsvm_cpu_fault(vmf->address, moved);
	return ret;
}

/**
 * vsvm_vram_evict_range() - move VRAM pages back to system memory
 * @vdev: the device
 * @pfn: first device-private pfn
 * @npages: number of pages, at most 512
 *
 * Works from physical pages: whatever process maps them, if any. Pages
 * that are free or busy (being migrated) are left alone.
 */
void vsvm_vram_evict_range(struct vsvm_device *vdev, unsigned long pfn,
			   unsigned long npages)
{
	unsigned long *src, *dst, i, moved = 0;
	struct dma_fence *fence = NULL;
	struct vsvm_copy *copy;
	struct page **pages;

	src = kcalloc(npages, sizeof(*src), GFP_KERNEL | __GFP_NOFAIL);
	dst = kcalloc(npages, sizeof(*dst), GFP_KERNEL | __GFP_NOFAIL);
	pages = kcalloc(npages, sizeof(*pages), GFP_KERNEL | __GFP_NOFAIL);
	copy = vsvm_copy_alloc(vdev, false, npages);

	migrate_device_range(src, pfn, npages);
	vsvm_alloc_system_pages(vdev, src, dst, npages, pages, copy, NULL, 0);
	if (copy)
		fence = vsvm_copy_submit(copy);
	migrate_device_pages(src, dst, npages);
	vsvm_copy_wait(fence);
	for (i = 0; i < npages; i++)
		if (dst[i] && (src[i] & MIGRATE_PFN_MIGRATE))
			moved++;
	migrate_device_finalize(src, dst, npages);
	atomic64_add(moved << PAGE_SHIFT,
		     &vdev->stats[DRM_VSVM_STAT_BYTES_TO_SYSTEM]);
	trace_vsvm_evict(pfn, npages, moved);
	kfree(pages);
	kfree(dst);
	kfree(src);
}
