// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * DOC: SVM fault path
 *
 * A VM mirrors the CPU address space of its process. Nothing is bound up
 * front: an engine access that misses in the GPU page table raises a GPU
 * page fault, resolved by vsvm_svm_fault():
 *
 * 1. Find or create the &struct vsvm_svm_notifier covering the address (an
 *    mmu_interval_notifier over an aligned 512 MiB) and the
 *    &struct vsvm_svm_range containing it. A new range is the largest
 *    aligned chunk of 2 MiB, 64 KiB or 4 KiB around the address that lies
 *    inside the CPU mapping (VMA) and overlaps no other range.
 * 2. mmu_interval_read_begin(), then hmm_range_fault() under mmap_read_lock
 *    for the whole range; write access is requested only for write and
 *    atomic faults, so GPU reads never break copy-on-write.
 * 3. Map the pages through the DMA API (one mapping for a 2 MiB THP).
 * 4. Take the notifier lock, check mmu_interval_read_retry(): if the CPU
 *    page table changed meanwhile, undo and start again; otherwise write
 *    the GPU entries (one 2 MiB entry for a THP-backed 2 MiB range).
 *
 * Faults are serialised per VM by the fault lock: when several engines
 * fault on one range, the first resolves it and the others find it valid
 * (counted as VSVM_STAT_FAULTS_DEDUP). Retries are bounded by
 * HMM_RANGE_DEFAULT_TIMEOUT.
 *
 * The notifier callback takes the notifier lock for writing, which waits for
 * engine accesses in flight (engines hold it for reading around each
 * access), clears the GPU entries of every range it overlaps, unmaps their
 * pages and marks them invalid. Invalid ranges are freed at the next fault
 * that finds them, under the fault lock, and sized again: the CPU mapping
 * may have changed shape.
 *
 * GPU atomics on system pages take device-exclusive access to the page
 * (vsvm_atomic.c); migrations to and from VRAM are in vsvm_migrate.c.
 *
 * Lock order: fault lock -> mmap_lock -> notifier lock. The notifier lock is
 * taken in reclaim (the callback) and so never held across an allocation.
 */

#include <linux/bitmap.h>
#include <linux/dma-mapping.h>
#include <linux/hmm.h>
#include <linux/jiffies.h>
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

static struct device *vsvm_svm_dev(struct vsvm_vm *vm)
{
	return vm->vdev->drm.dev;
}

static u64 vsvm_range_start(struct vsvm_svm_range *range)
{
	return range->itree.start;
}

static u64 vsvm_range_end(struct vsvm_svm_range *range)
{
	return range->itree.last + 1;
}

/*
 * The GPU shares memory with the CPU coherently: many VMs may map one page
 * at once (DMA_API_DEBUG's cacheline check does not apply), and the engine
 * reaches the pages themselves (see vsvm_svm_range_commit()), never a
 * bounce buffer: no CPU sync is due. Under swiotlb an unmap would otherwise
 * copy the stale bounce buffer back over what the GPU wrote.
 */
#define VSVM_SVM_DMA_ATTRS	(DMA_ATTR_DEBUGGING_IGNORE_CACHELINES | \
				 DMA_ATTR_SKIP_CPU_SYNC)

static void vsvm_svm_unmap_dma(struct vsvm_vm *vm,
			       struct vsvm_svm_range *range,
			       unsigned long npages, dma_addr_t *dma, bool huge);

/* Undo the DMA mappings of a range. Notifier lock held for writing. */
static void vsvm_svm_range_unmap_dma(struct vsvm_vm *vm,
				     struct vsvm_svm_range *range)
{
	vsvm_svm_unmap_dma(vm, range, range->npages, range->dma, range->huge);
}

/*
 * Stop the GPU from using a range: clear its entries and unmap its pages.
 * Notifier lock held for writing.
 */
static void vsvm_svm_range_invalidate(struct vsvm_vm *vm,
				      struct vsvm_svm_range *range)
{
	lockdep_assert_held_write(&vm->svm.notifier_lock);

	if (!range->valid)
		return;
	vsvm_pt_clear(&vm->pt, vsvm_range_start(range), vsvm_range_end(range));
	vsvm_svm_range_unmap_dma(vm, range);
	range->valid = false;
	range->writable = false;
	range->huge = false;
}

static bool vsvm_svm_invalidate(struct mmu_interval_notifier *mni,
				const struct mmu_notifier_range *mrange,
				unsigned long cur_seq)
{
	struct vsvm_svm_notifier *n =
		container_of(mni, struct vsvm_svm_notifier, notifier);
	struct vsvm_vm *vm = n->vm;
	struct interval_tree_node *node;
	u64 hits = 0, revoked = 0;
	unsigned long n_excl;

	/* Our own exclusive grant: the page stays where GPU entries point. */
	if (mrange->event == MMU_NOTIFY_EXCLUSIVE &&
	    mrange->owner == vm->vdev)
		return true;

	if (mmu_notifier_range_blockable(mrange))
		down_write(&vm->svm.notifier_lock);
	else if (!down_write_trylock(&vm->svm.notifier_lock))
		return false;

	mmu_interval_set_seq(mni, cur_seq);

	/* Attributes die with the mapping: collected by vsvm_svm_gc(). */
	if (mrange->event == MMU_NOTIFY_UNMAP) {
		u64 s = max_t(u64, mrange->start, n->start);
		u64 e = min_t(u64, mrange->end, n->end);

		unsigned int k = n->nr_unmapped;

		if (k < VSVM_SVM_MAX_UNMAPPED) {
			n->unmapped[k].start = s;
			n->unmapped[k].end = e;
			n->nr_unmapped++;
		} else {
			n->unmapped[k - 1].start = min(n->unmapped[k - 1].start, s);
			n->unmapped[k - 1].end = max(n->unmapped[k - 1].end, e);
		}
	}

	for (node = interval_tree_iter_first(&n->ranges, mrange->start,
					     mrange->end - 1);
	     node;
	     node = interval_tree_iter_next(node, mrange->start,
					    mrange->end - 1)) {
		struct vsvm_svm_range *range =
			container_of(node, struct vsvm_svm_range, itree);

		/*
		 * Any invalidation ends the GPU's exclusive access to the
		 * pages it covers. It is a revocation when the CPU took the
		 * page back (7.3 restores a device-exclusive entry under
		 * MMU_NOTIFY_CLEAR) or another device asked for it; an unmap,
		 * protection change or fork just drops the grant.
		 */
		n_excl = vsvm_svm_exclusive_revoked(vm, range, mrange->start,
						    mrange->end);
		if (mrange->event == MMU_NOTIFY_CLEAR ||
		    mrange->event == MMU_NOTIFY_EXCLUSIVE)
			revoked += n_excl;
		if (range->valid) {
			vsvm_svm_range_invalidate(vm, range);
			hits++;
		}
	}
	up_write(&vm->svm.notifier_lock);

	if (revoked) {
		vsvm_vm_stat_add(vm, DRM_VSVM_STAT_EXCLUSIVE_REVOKES, revoked);
		trace_vsvm_exclusive_revoke(vm->id, mrange->start, mrange->end,
					    revoked);
	}
	if (hits) {
		vsvm_vm_stat_add(vm, DRM_VSVM_STAT_INVALIDATIONS, 1);
		trace_vsvm_invalidate(vm->id, mrange->start, mrange->end,
				      mrange->event, hits);
	}
	return true;
}

static const struct mmu_interval_notifier_ops vsvm_svm_notifier_ops = {
	.invalidate = vsvm_svm_invalidate,
};

/* A snapshot's temporary notifier only needs its sequence to move. */
static bool vsvm_svm_snapshot_invalidate(struct mmu_interval_notifier *mni,
					 const struct mmu_notifier_range *range,
					 unsigned long cur_seq)
{
	mmu_interval_set_seq(mni, cur_seq);
	return true;
}

static const struct mmu_interval_notifier_ops vsvm_svm_snapshot_ops = {
	.invalidate = vsvm_svm_snapshot_invalidate,
};

static struct vsvm_svm_notifier *
vsvm_svm_notifier_get(struct vsvm_vm *vm, u64 addr)
{
	unsigned long index = addr >> VSVM_SVM_NOTIFIER_SHIFT;
	struct vsvm_svm_notifier *n;
	int ret;

	lockdep_assert_held(&vm->svm.lock);

	n = xa_load(&vm->svm.notifiers, index);
	if (n)
		return n;

	n = kzalloc_obj(*n, GFP_KERNEL_ACCOUNT);
	if (!n)
		return ERR_PTR(-ENOMEM);
	n->vm = vm;
	n->ranges = RB_ROOT_CACHED;
	n->start = (u64)index << VSVM_SVM_NOTIFIER_SHIFT;
	n->end = n->start + BIT_ULL(VSVM_SVM_NOTIFIER_SHIFT);

	ret = xa_err(xa_store(&vm->svm.notifiers, index, n,
			      GFP_KERNEL_ACCOUNT));
	if (ret)
		goto err_free;

	ret = mmu_interval_notifier_insert(&n->notifier, vm->mm, n->start,
					   n->end - n->start,
					   &vsvm_svm_notifier_ops);
	if (ret)
		goto err_erase;
	return n;

err_erase:
	xa_erase(&vm->svm.notifiers, index);
err_free:
	kfree(n);
	return ERR_PTR(ret);
}

static bool vsvm_svm_chunk_free(struct vsvm_svm_notifier *n, u64 start,
				u64 end)
{
	return !interval_tree_iter_first(&n->ranges, start, end - 1);
}

/*
 * Size a new range around @addr: the largest aligned chunk of 2 MiB, 64 KiB
 * or 4 KiB inside the VMA and the notifier that overlaps no other range.
 */
static int vsvm_svm_range_size(struct vsvm_vm *vm, struct vsvm_svm_notifier *n,
			       u64 addr, u64 max_size, u64 *start, u64 *end)
{
	static const u64 sizes[] = { SZ_2M, SZ_64K, SZ_4K };
	struct vm_area_struct *vma;
	unsigned int i;
	int ret = -EFAULT;

	mmap_read_lock(vm->mm);
	vma = vma_lookup(vm->mm, addr);
	if (!vma)
		goto out_unlock;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		u64 s = ALIGN_DOWN(addr, sizes[i]);
		u64 e = s + sizes[i];

		if (sizes[i] > max_size || s < vma->vm_start ||
		    e > vma->vm_end || s < n->start || e > n->end ||
		    !vsvm_svm_chunk_free(n, s, e))
			continue;
		*start = s;
		*end = e;
		ret = 0;
		break;
	}
out_unlock:
	mmap_read_unlock(vm->mm);
	return ret;
}

static void vsvm_svm_range_remove(struct vsvm_vm *vm,
				  struct vsvm_svm_range *range)
{
	down_write(&vm->svm.notifier_lock);
	vsvm_svm_range_invalidate(vm, range);
	interval_tree_remove(&range->itree, &range->notifier->ranges);
	up_write(&vm->svm.notifier_lock);
	bitmap_free(range->exclusive);
	bitmap_free(range->dma_write);
	kvfree(range->dma);
	kfree(range);
}

static struct vsvm_svm_range *
vsvm_svm_range_create(struct vsvm_vm *vm, struct vsvm_svm_notifier *n,
		      u64 addr, u64 max_size)
{
	struct vsvm_svm_range *range;
	u64 start, end;
	int ret;

	ret = vsvm_svm_range_size(vm, n, addr, max_size, &start, &end);
	if (ret)
		return ERR_PTR(ret);

	ret = vsvm_pt_prepare(&vm->pt, start, end);
	if (ret)
		return ERR_PTR(ret);

	range = kzalloc_obj(*range, GFP_KERNEL);
	if (!range)
		return ERR_PTR(-ENOMEM);
	range->npages = (end - start) >> PAGE_SHIFT;
	range->dma = kvcalloc(range->npages, sizeof(*range->dma), GFP_KERNEL);
	range->dma_write = bitmap_zalloc(range->npages, GFP_KERNEL);
	if (!range->dma || !range->dma_write) {
		bitmap_free(range->dma_write);
		kvfree(range->dma);
		kfree(range);
		return ERR_PTR(-ENOMEM);
	}
	range->notifier = n;
	range->itree.start = start;
	range->itree.last = end - 1;

	down_write(&vm->svm.notifier_lock);
	interval_tree_insert(&range->itree, &n->ranges);
	up_write(&vm->svm.notifier_lock);
	return range;
}

/* Whether no range of attribute @attr starts or ends inside (start, end). */
static bool vsvm_svm_attr_uniform(struct vsvm_vm *vm, u32 attr, u64 start,
				  u64 end)
{
	struct vsvm_svm_attr *a;

	list_for_each_entry(a, &vm->svm.attrs[attr - 1], link)
		if ((a->start > start && a->start < end) ||
		    (a->end > start && a->end < end))
			return false;
	return true;
}

/* A THP mapped whole by the range can take one 2 MiB GPU entry. */
static bool vsvm_svm_pfns_huge(struct vsvm_svm_range *range,
			       const unsigned long *pfns)
{
	unsigned long i, first;

	if (range->npages != SZ_2M >> PAGE_SHIFT ||
	    hmm_pfn_to_map_order(pfns[0]) < VSVM_PT_HUGE_SHIFT - PAGE_SHIFT)
		return false;
	first = page_to_pfn(hmm_pfn_to_page(pfns[0]));
	if (!IS_ALIGNED(first, range->npages))
		return false;
	for (i = 1; i < range->npages; i++)
		if (page_to_pfn(hmm_pfn_to_page(pfns[i])) != first + i ||
		    (pfns[i] & HMM_PFN_WRITE) != (pfns[0] & HMM_PFN_WRITE))
			return false;
	return true;
}

/*
 * The direction of a page's mapping: the GPU writes only pages the CPU page
 * table lets it write; the others (the shared zero page, read-only or COW
 * pages) are mapped to the device only, so that an unmap under swiotlb
 * never bounces data back into them. Recorded in @range->dma_write.
 */
static enum dma_data_direction vsvm_svm_dma_dir(struct vsvm_svm_range *range,
						unsigned long i,
						unsigned long pfn)
{
	if (pfn & HMM_PFN_WRITE) {
		__set_bit(i, range->dma_write);
		return DMA_BIDIRECTIONAL;
	}
	__clear_bit(i, range->dma_write);
	return DMA_TO_DEVICE;
}

static enum dma_data_direction
vsvm_svm_dma_dir_of(struct vsvm_svm_range *range, unsigned long i)
{
	return test_bit(i, range->dma_write) ? DMA_BIDIRECTIONAL :
					       DMA_TO_DEVICE;
}

/*
 * Map the pages of a range for the device. Notifier lock held for writing,
 * the range's old mappings undone: the new ones are committed at once.
 */
static int vsvm_svm_map_dma(struct vsvm_vm *vm, struct vsvm_svm_range *range,
			    const unsigned long *pfns, dma_addr_t *dma,
			    bool huge)
{
	struct device *dev = vsvm_svm_dev(vm);
	unsigned long i;

	/*
	 * Pages are mapped by physical address: fsdax (DAX) pages are
	 * ZONE_DEVICE pages, which 7.3's dma_map_page() refuses.
	 */
	if (huge) {
		struct page *page = hmm_pfn_to_page(pfns[0]);

		/* a 2 MiB device folio in VRAM */
		if (vsvm_vram_page(vm->vdev, page)) {
			dma[0] = DMA_MAPPING_ERROR;
			return 0;
		}
		dma[0] = dma_map_phys(dev, page_to_phys(page), SZ_2M,
				      vsvm_svm_dma_dir(range, 0, pfns[0]),
				      VSVM_SVM_DMA_ATTRS);
		return dma_mapping_error(dev, dma[0]) ? -EFAULT : 0;
	}
	for (i = 0; i < range->npages; i++) {
		struct page *page = hmm_pfn_to_page(pfns[i]);

		/* VRAM is the GPU's own memory: nothing to map. */
		if (vsvm_vram_page(vm->vdev, page)) {
			dma[i] = DMA_MAPPING_ERROR;
			continue;
		}
		dma[i] = dma_map_phys(dev, page_to_phys(page), PAGE_SIZE,
				      vsvm_svm_dma_dir(range, i, pfns[i]),
				      VSVM_SVM_DMA_ATTRS);
		if (dma_mapping_error(dev, dma[i]))
			goto err_unmap;
	}
	return 0;

err_unmap:
	vsvm_svm_unmap_dma(vm, range, i, dma, false);
	return -EFAULT;
}

static void vsvm_svm_unmap_dma(struct vsvm_vm *vm,
			       struct vsvm_svm_range *range,
			       unsigned long npages, dma_addr_t *dma, bool huge)
{
	struct device *dev = vsvm_svm_dev(vm);
	unsigned long i;

	if (huge) {
		if (dma[0] != DMA_MAPPING_ERROR)
			dma_unmap_phys(dev, dma[0], SZ_2M,
				       vsvm_svm_dma_dir_of(range, 0),
				       VSVM_SVM_DMA_ATTRS);
		return;
	}
	for (i = 0; i < npages; i++)
		if (dma[i] != DMA_MAPPING_ERROR)
			dma_unmap_phys(dev, dma[i], PAGE_SIZE,
				       vsvm_svm_dma_dir_of(range, i),
				       VSVM_SVM_DMA_ATTRS);
}

/*
 * Permission bits of the GPU entry for the page at @addr: what the CPU
 * page table allows, narrowed by the range's attributes. Atomics on system
 * pages fault until they get exclusive access (vsvm_atomic.c) or until
 * @force_atomic (exclusive access and migration were tried). Fault lock
 * held.
 */
static u64 vsvm_svm_pte_perm(struct vsvm_vm *vm, u64 addr, unsigned long pfn,
			     bool vram, bool force_atomic)
{
	u64 perm = 0;

	if (!(pfn & HMM_PFN_WRITE) ||
	    vsvm_svm_attr_get(vm, DRM_VSVM_ATTR_GPU_ACCESS, addr) ==
	    DRM_VSVM_GPU_ACCESS_READ)
		return 0;
	perm = VSVM_PTE_WRITE;
	if (vram || force_atomic)
		perm |= VSVM_PTE_ATOMIC;
	return perm;
}

/*
 * Write the GPU entries of a range. Fault lock held, and the notifier lock
 * held for writing. An entry holds what the engine reaches the page by: the
 * physical address of the system page hmm_range_fault() handed us (never
 * the DMA address: the engine is the CPU, and turning DMA addresses back
 * is wrong under swiotlb or an IOMMU), or the offset of a VRAM page. The
 * DMA mappings are the device's view of the pages, kept in the range.
 */
static void vsvm_svm_range_commit(struct vsvm_vm *vm,
				  struct vsvm_svm_range *range,
				  const unsigned long *pfns, dma_addr_t *dma,
				  bool huge, bool force_atomic)
{
	u64 start = vsvm_range_start(range);
	bool writable = true;
	unsigned long i;
	u64 perm;

	lockdep_assert_held(&vm->svm.lock);
	lockdep_assert_held_write(&vm->svm.notifier_lock);

	if (huge) {
		struct page *page = hmm_pfn_to_page(pfns[0]);
		bool vram = dma[0] == DMA_MAPPING_ERROR;
		u64 pte = page_to_phys(page) | VSVM_PTE_VALID;

		if (vram)
			pte = vsvm_vram_page_offset(vm->vdev, page) |
			      VSVM_PTE_VALID | VSVM_PTE_VRAM;
		perm = vsvm_svm_pte_perm(vm, start, pfns[0], vram,
					 force_atomic);
		writable = perm & VSVM_PTE_WRITE;
		range->dma[0] = dma[0];
		vsvm_pt_map(&vm->pt, start, pte | perm, true);
		vsvm_vm_stat_add(vm, VSVM_STAT_PAGES_2M, 1);
	} else {
		for (i = 0; i < range->npages; i++) {
			struct page *page = hmm_pfn_to_page(pfns[i]);
			u64 addr = start + (i << PAGE_SHIFT);
			bool vram = dma[i] == DMA_MAPPING_ERROR;
			u64 pte = page_to_phys(page) | VSVM_PTE_VALID;

			if (vram)
				pte = vsvm_vram_page_offset(vm->vdev, page) |
				      VSVM_PTE_VALID | VSVM_PTE_VRAM;
			perm = vsvm_svm_pte_perm(vm, addr, pfns[i], vram,
						 force_atomic);
			writable &= !!(perm & VSVM_PTE_WRITE);
			range->dma[i] = dma[i];
			vsvm_pt_map(&vm->pt, addr, pte | perm, false);
		}
		vsvm_vm_stat_add(vm, VSVM_STAT_PAGES_4K, range->npages);
	}
	range->huge = huge;
	range->writable = writable;
	range->valid = true;
}

/**
 * vsvm_svm_range_populate() - mirror the CPU page table for a range
 * @vm: the VM, with its fault lock held and a reference on its address
 *	space (mmget)
 * @range: the range
 * @write: ask the CPU page table for write access
 * @owner: device-private owner whose pages are mirrored as they are (vsvm's
 *	own VRAM), or NULL to fault every device-private page back
 * @force_atomic: give system pages atomic permission in place
 *
 * The hmm_range_fault() loop of Documentation/mm/hmm.rst, retried while the
 * CPU page table changes, up to HMM_RANGE_DEFAULT_TIMEOUT.
 *
 * Return: 0 or the negative errno of hmm_range_fault(), -ENOMEM.
 */
int vsvm_svm_range_populate(struct vsvm_vm *vm, struct vsvm_svm_range *range,
			    bool write, void *owner, bool force_atomic)
{
	unsigned long timeout = jiffies +
				msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);
	unsigned long hmm_timeout = msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);
	struct hmm_range hrange = {
		.notifier = &range->notifier->notifier,
		.start = vsvm_range_start(range),
		.end = vsvm_range_end(range),
		.default_flags = HMM_PFN_REQ_FAULT |
				 (write ? HMM_PFN_REQ_WRITE : 0),
		.dev_private_owner = owner,
	};
	unsigned long *pfns;
	dma_addr_t *dma;
	bool huge;
	int ret;

	lockdep_assert_held(&vm->svm.lock);

	pfns = kvcalloc(range->npages, sizeof(*pfns), GFP_KERNEL);
	dma = kvcalloc(range->npages, sizeof(*dma), GFP_KERNEL);
	if (!pfns || !dma) {
		ret = -ENOMEM;
		goto out_free;
	}
	hrange.hmm_pfns = pfns;

	/* A write fault on a read-only mirror: drop the old mapping first. */
	if (range->valid) {
		down_write(&vm->svm.notifier_lock);
		vsvm_svm_range_invalidate(vm, range);
		up_write(&vm->svm.notifier_lock);
	}

	for (;;) {
		/*
		 * The mmap lock may be dropped while a fault waits (a
		 * userfaultfd handler, for one): only this VM's handler waits.
		 */
		ret = hmm_range_fault_unlocked_timeout(&hrange, hmm_timeout);
		if (ret == -EBUSY && !time_after(jiffies, timeout)) {
			vsvm_vm_stat_add(vm, VSVM_STAT_RETRIES, 1);
			continue;
		}
		if (ret)
			break;

		/*
		 * One entry carries one set of permissions, and one 2 MiB DMA
		 * mapping (not with swiotlb's smaller bounce buffers).
		 */
		huge = vsvm_svm_pfns_huge(range, pfns) &&
		       dma_max_mapping_size(vsvm_svm_dev(vm)) >= SZ_2M &&
		       vsvm_svm_attr_uniform(vm, DRM_VSVM_ATTR_GPU_ACCESS,
					     hrange.start, hrange.end) &&
		       vsvm_svm_attr_uniform(vm, DRM_VSVM_ATTR_ATOMIC,
					     hrange.start, hrange.end);
		/*
		 * DMA mappings are made under the notifier lock, once the
		 * pages are known to be current: a mapping never races an
		 * invalidation, and the window an invalidation must miss is
		 * hmm_range_fault() alone.
		 */
		down_write(&vm->svm.notifier_lock);
		if (!mmu_interval_read_retry(hrange.notifier,
					     hrange.notifier_seq)) {
			ret = vsvm_svm_map_dma(vm, range, pfns, dma, huge);
			if (!ret)
				vsvm_svm_range_commit(vm, range, pfns, dma,
						      huge, force_atomic);
			up_write(&vm->svm.notifier_lock);
			break;
		}
		up_write(&vm->svm.notifier_lock);
		vsvm_vm_stat_add(vm, VSVM_STAT_RETRIES, 1);
		if (time_after(jiffies, timeout)) {
			ret = -EBUSY;
			break;
		}
	}

out_free:
	kvfree(dma);
	kvfree(pfns);
	return ret;
}

/**
 * vsvm_svm_attr_get() - the value of an attribute at an address
 * @vm: the VM, with its fault lock held
 * @attr: DRM_VSVM_ATTR_*
 * @addr: the address
 *
 * Return: the value, 0 where none was set.
 */
u64 vsvm_svm_attr_get(struct vsvm_vm *vm, u32 attr, u64 addr)
{
	struct vsvm_svm_attr *a;

	lockdep_assert_held(&vm->svm.lock);
	list_for_each_entry(a, &vm->svm.attrs[attr - 1], link)
		if (addr >= a->start && addr < a->end)
			return a->value;
	return 0;
}

/**
 * vsvm_svm_attr_span() - an attribute's value at an address and its extent
 * @vm: the VM
 * @attr: DRM_VSVM_ATTR_*, already checked
 * @addr: the address
 * @start: first address of the span with the same value (out)
 * @end: end (exclusive) of that span (out)
 *
 * Return: the value, 0 where unset.
 */
u64 vsvm_svm_attr_span(struct vsvm_vm *vm, u32 attr, u64 addr, u64 *start,
		       u64 *end)
{
	struct vsvm_svm_attr *a;
	u64 value = 0;

	*start = 0;
	*end = TASK_SIZE;
	mutex_lock(&vm->svm.lock);
	vsvm_svm_gc(vm);
	list_for_each_entry(a, &vm->svm.attrs[attr - 1], link) {
		if (addr >= a->start && addr < a->end) {
			*start = a->start;
			*end = a->end;
			value = a->value;
			break;
		}
		if (a->end <= addr)
			*start = max(*start, a->end);
		else
			*end = min(*end, a->start);
	}
	mutex_unlock(&vm->svm.lock);
	return value;
}

/*
 * Set one attribute over [start, end) with the fault lock held. *tail and
 * *new are preallocated; the ones used are set to NULL.
 */
static void __vsvm_svm_attr_set(struct vsvm_vm *vm, u32 attr, u64 start,
				u64 end, u64 value,
				struct vsvm_svm_attr **tail,
				struct vsvm_svm_attr **new)
{
	struct list_head *attrs = &vm->svm.attrs[attr - 1];
	struct vsvm_svm_attr *a, *next;

	lockdep_assert_held(&vm->svm.lock);

	list_for_each_entry_safe(a, next, attrs, link) {
		if (a->end <= start || a->start >= end)
			continue;
		if (a->start < start && a->end > end) {
			(*tail)->start = end;
			(*tail)->end = a->end;
			(*tail)->value = a->value;
			list_add(&(*tail)->link, &a->link);
			*tail = NULL;
			a->end = start;
		} else if (a->start < start) {
			a->end = start;
		} else if (a->end > end) {
			a->start = end;
		} else {
			list_del(&a->link);
			kfree(a);
		}
	}
	if (value) {
		(*new)->start = start;
		(*new)->end = end;
		(*new)->value = value;
		list_add(&(*new)->link, attrs);
		*new = NULL;
	}
}

/* Drop the GPU mirror of [start, end) so new attributes apply. */
static void vsvm_svm_zap(struct vsvm_vm *vm, u64 start, u64 end)
{
	unsigned long index = start >> VSVM_SVM_NOTIFIER_SHIFT;
	unsigned long last = (end - 1) >> VSVM_SVM_NOTIFIER_SHIFT;
	struct vsvm_svm_notifier *n;

	lockdep_assert_held(&vm->svm.lock);

	down_write(&vm->svm.notifier_lock);
	xa_for_each_range(&vm->svm.notifiers, index, n, index, last) {
		struct interval_tree_node *node;

		for (node = interval_tree_iter_first(&n->ranges, start, end - 1);
		     node;
		     node = interval_tree_iter_next(node, start, end - 1)) {
			struct vsvm_svm_range *range =
				container_of(node, struct vsvm_svm_range, itree);

			vsvm_svm_range_invalidate(vm, range);
		}
	}
	up_write(&vm->svm.notifier_lock);
}

/**
 * vsvm_svm_gc() - drop what munmap() left behind
 * @vm: the VM, with its fault lock held
 *
 * The notifier callback cannot allocate, so it only records the span that
 * was unmapped; here, in process context, the attributes over that span
 * are dropped. Called before attributes are read or written.
 */
void vsvm_svm_gc(struct vsvm_vm *vm)
{
	struct vsvm_svm_notifier *n;
	unsigned long index;
	unsigned int i;

	lockdep_assert_held(&vm->svm.lock);

	xa_for_each(&vm->svm.notifiers, index, n) {
		u64 start[VSVM_SVM_MAX_UNMAPPED], end[VSVM_SVM_MAX_UNMAPPED];
		unsigned int k, nr;

		down_write(&vm->svm.notifier_lock);
		nr = n->nr_unmapped;
		for (k = 0; k < nr; k++) {
			start[k] = n->unmapped[k].start;
			end[k] = n->unmapped[k].end;
		}
		n->nr_unmapped = 0;
		up_write(&vm->svm.notifier_lock);

		for (k = 0; k < nr; k++) {
			for (i = 0; i < VSVM_SVM_NUM_ATTRS; i++) {
				struct vsvm_svm_attr *tail, *unused = NULL;

				tail = kzalloc_obj(*tail,
						   GFP_KERNEL | __GFP_NOFAIL);
				__vsvm_svm_attr_set(vm, i + 1, start[k], end[k],
						    0, &tail, &unused);
				kfree(tail);
			}
		}
	}
}

/* Bounds of MADVISE: ranges per attribute, notifiers per VM. */
#define VSVM_SVM_MAX_ATTR_RANGES	1024
#define VSVM_SVM_MAX_NOTIFIERS		1024

/* Number of ranges of @attr once [start, end) is set to @value. */
static unsigned int vsvm_svm_attr_count_after(struct vsvm_vm *vm, u32 attr,
					      u64 start, u64 end, u64 value)
{
	struct vsvm_svm_attr *a;
	unsigned int n = value ? 1 : 0;

	lockdep_assert_held(&vm->svm.lock);
	list_for_each_entry(a, &vm->svm.attrs[attr - 1], link) {
		if (a->end <= start || a->start >= end)
			n++;
		else if (a->start < start && a->end > end)
			n += 2;
		else if (a->start < start || a->end > end)
			n++;
	}
	return n;
}

/*
 * Whether the notifiers over [start, end) can be created within
 * VSVM_SVM_MAX_NOTIFIERS: 0, -E2BIG for a span that needs more on its own,
 * -ENOSPC when those the VM has leave too few.
 */
static int vsvm_svm_notifiers_check(struct vsvm_vm *vm, u64 start, u64 end)
{
	unsigned long first = start >> VSVM_SVM_NOTIFIER_SHIFT;
	unsigned long last = (end - 1) >> VSVM_SVM_NOTIFIER_SHIFT;
	unsigned long index, have = 0, missing = 0;
	struct vsvm_svm_notifier *n;

	lockdep_assert_held(&vm->svm.lock);
	if (last - first >= VSVM_SVM_MAX_NOTIFIERS)
		return -E2BIG;
	xa_for_each(&vm->svm.notifiers, index, n)
		have++;
	for (index = first; index <= last; index++)
		if (!xa_load(&vm->svm.notifiers, index))
			missing++;
	return have + missing > VSVM_SVM_MAX_NOTIFIERS ? -ENOSPC : 0;
}

/**
 * vsvm_svm_attr_set() - set an attribute over a range
 * @vm: the VM
 * @attr: DRM_VSVM_ATTR_*, already checked
 * @start: first address
 * @end: end address (exclusive)
 * @value: the value, 0 for the default
 *
 * Ranges already set that overlap are trimmed or split: the attribute
 * applies per address. What userspace makes the driver keep is bounded:
 * VSVM_SVM_MAX_ATTR_RANGES ranges per attribute, VSVM_SVM_MAX_NOTIFIERS
 * notifiers per VM; the memory is charged to the caller's memory cgroup.
 *
 * Return: 0; -E2BIG or -ENOSPC past the bounds, in which case nothing
 * changed; -EINTR on a fatal signal; -ENOMEM.
 */
int vsvm_svm_attr_set(struct vsvm_vm *vm, u32 attr, u64 start, u64 end,
		      u64 value)
{
	struct vsvm_svm_attr *tail, *new;
	int ret = 0;

	/* At most one split and one insertion: allocate both up front. */
	tail = kzalloc_obj(*tail, GFP_KERNEL_ACCOUNT);
	new = kzalloc_obj(*new, GFP_KERNEL_ACCOUNT);
	if (!tail || !new) {
		ret = -ENOMEM;
		goto out_free;
	}

	ret = mutex_lock_killable(&vm->svm.lock);
	if (ret)
		goto out_free;
	vsvm_svm_gc(vm);
	if (vsvm_svm_attr_count_after(vm, attr, start, end, value) >
	    VSVM_SVM_MAX_ATTR_RANGES) {
		ret = -ENOSPC;
		goto out_unlock;
	}
	/* Notifiers over the range: munmap() there must drop attributes. */
	if (value && mmget_not_zero(vm->mm)) {
		u64 a;

		ret = vsvm_svm_notifiers_check(vm, start, end);
		for (a = ALIGN_DOWN(start, BIT_ULL(VSVM_SVM_NOTIFIER_SHIFT));
		     !ret && a < end; a += BIT_ULL(VSVM_SVM_NOTIFIER_SHIFT))
			ret = PTR_ERR_OR_ZERO(vsvm_svm_notifier_get(vm, a));
		mmput(vm->mm);
		if (ret)
			goto out_unlock;
	}
	__vsvm_svm_attr_set(vm, attr, start, end, value, &tail, &new);
	vsvm_svm_zap(vm, start, end);
out_unlock:
	mutex_unlock(&vm->svm.lock);
out_free:
	kfree(tail);
	kfree(new);
	return ret;
}

/**
 * vsvm_svm_snapshot() - read the CPU page table without faulting
 * @vm: the VM
 * @start: first address, page aligned
 * @end: end address (exclusive), in the same 2 MiB as @start
 * @pfns: HMM pfns out, one per page
 *
 * vsvm's own VRAM pages are reported as they are, others as hmm reports
 * them; holes read as 0. A snapshot leaves no state behind: where the VM
 * has no notifier, a temporary one watches the range for the time of the
 * walk (as test_hmm's snapshot does).
 *
 * Return: 0, -ESRCH when the process has exited, -EINTR on a fatal signal,
 * or a negative errno.
 */
int vsvm_svm_snapshot(struct vsvm_vm *vm, u64 start, u64 end,
		      unsigned long *pfns)
{
	int ret;

	if (!mmget_not_zero(vm->mm))
		return -ESRCH;
	ret = mutex_lock_killable(&vm->svm.lock);
	if (!ret) {
		ret = vsvm_svm_hmm_range(vm, start, end, pfns, false);
		mutex_unlock(&vm->svm.lock);
	}
	mmput(vm->mm);
	return ret;
}

/**
 * vsvm_svm_hmm_range() - hmm_range_fault() over a piece of a VM's space
 * @vm: the VM, with its fault lock held (not the mmap lock: it is taken
 *	here), and a reference to the address space
 * @start: first address, page aligned
 * @end: end address (exclusive), in the same 2 MiB as @start
 * @pfns: HMM pfns out, one per page
 * @fault: fault every page in (for reading), vsvm's VRAM pages included:
 *	they move back to system memory through drm_pagemap's CPU-fault
 *	handler. Otherwise a snapshot: nothing is faulted, vsvm's own VRAM
 *	pages are reported as they are, holes read as 0.
 *
 * Uses the VM's notifier when it has one there, a temporary one otherwise:
 * nothing is left behind.
 *
 * Return: 0, -EINTR on a fatal signal, or a negative errno from
 * hmm_range_fault() or mmu_interval_notifier_insert().
 */
int vsvm_svm_hmm_range(struct vsvm_vm *vm, u64 start, u64 end,
		       unsigned long *pfns, bool fault)
{
	struct hmm_range hrange = {
		.start = start,
		.end = end,
		.hmm_pfns = pfns,
		.default_flags = fault ? HMM_PFN_REQ_FAULT : 0,
		.dev_private_owner = fault ? NULL : vm->vdev,
	};
	struct mmu_interval_notifier tmp;
	struct vsvm_svm_notifier *n;
	int ret;

	lockdep_assert_held(&vm->svm.lock);

	n = xa_load(&vm->svm.notifiers, start >> VSVM_SVM_NOTIFIER_SHIFT);
	if (n) {
		hrange.notifier = &n->notifier;
	} else {
		ret = mmu_interval_notifier_insert(&tmp, vm->mm, start,
						   end - start,
						   &vsvm_svm_snapshot_ops);
		if (ret)
			return ret;
		hrange.notifier = &tmp;
	}
	do {
		hrange.notifier_seq = mmu_interval_read_begin(hrange.notifier);
		if (mmap_read_lock_killable(vm->mm)) {
			ret = -EINTR;
			break;
		}
		ret = hmm_range_fault(&hrange);
		mmap_read_unlock(vm->mm);
	} while (ret == -EBUSY && !fatal_signal_pending(current));
	if (ret == -EBUSY)
		ret = -EINTR;
	if (!n)
		mmu_interval_notifier_remove(&tmp);
	return ret;
}

/**
 * vsvm_svm_fault_migrate() - move the chunk of a GPU fault to VRAM
 * @vm: the VM, with its fault lock held
 * @range: the range of the fault
 * @addr: the faulting address
 *
 * Moves the range, bounded by the migration granularity attribute at
 * @addr, before it is mirrored. Pages that cannot move stay.
 */
void vsvm_svm_fault_migrate(struct vsvm_vm *vm, struct vsvm_svm_range *range,
			    u64 addr)
{
	u64 gran = vsvm_svm_attr_get(vm, DRM_VSVM_ATTR_GRANULARITY, addr);
	u64 start = vsvm_range_start(range), end = vsvm_range_end(range);

	if (gran && gran < end - start) {
		start = ALIGN_DOWN(addr, gran);
		end = start + gran;
	}
	vsvm_migrate_to_vram(vm, start, end);
}

/**
 * vsvm_svm_fault() - resolve a GPU page fault
 * @vm: the faulting VM
 * @addr: the faulting GPU (= CPU) address, canonical user address
 * @access: what the engine tried to do
 * @locked: out: a page held for the engine's replay, or left untouched
 *
 * Mirrors the CPU page table for the range around @addr into the GPU page
 * table, faulting CPU pages in as the CPU would. Takes the VM's fault lock;
 * the caller holds no vsvm lock.
 *
 * An atomic on a system page may be granted exclusive access to the page:
 * then *@locked is set to the page, locked and referenced, and the engine
 * releases it with vsvm_svm_exclusive_release() once it has replayed the
 * access, so that the CPU cannot revoke the grant before the GPU used it.
 *
 * Return: 0 when the engine can replay the access; -EFAULT when @addr has no
 * CPU mapping that allows the access kind (PROT_NONE included), -EACCES for
 * a write to a read-only mapping, -ESRCH when the process has exited,
 * -EBUSY when the CPU page table kept changing for too long, -ENOMEM.
 */
int vsvm_svm_fault(struct vsvm_vm *vm, u64 addr, enum vsvm_access access,
		   struct page **locked)
{
	bool write = access == VSVM_ACCESS_WRITE ||
		     access == VSVM_ACCESS_ATOMIC;
	u64 max_size = SZ_2M;
	struct vsvm_svm_notifier *n;
	bool atomic_vram;
	struct vsvm_svm_range *range;
	struct interval_tree_node *node;
	int ret;

	vsvm_vm_stat_add(vm, DRM_VSVM_STAT_FAULTS, 1);
	trace_vsvm_fault(vm->id, addr, access);

	/* The process may be gone: its VM then only fails jobs. */
	if (!mmget_not_zero(vm->mm))
		return -ESRCH;

	mutex_lock(&vm->svm.lock);
	n = vsvm_svm_notifier_get(vm, addr);
	if (IS_ERR(n)) {
		ret = PTR_ERR(n);
		goto out_unlock;
	}

again:
	node = interval_tree_iter_first(&n->ranges, addr, addr);
	range = node ? container_of(node, struct vsvm_svm_range, itree) : NULL;
	if (range && range->valid && (!write || range->writable) &&
	    (access != VSVM_ACCESS_ATOMIC || vsvm_svm_pte_atomic(vm, addr))) {
		/* Another engine's fault resolved it: nothing to do. */
		vsvm_vm_stat_add(vm, VSVM_STAT_FAULTS_DEDUP, 1);
		ret = 0;
		goto out_unlock;
	}
	if (range && !range->valid) {
		/* Invalidated: the CPU mapping may have changed shape. */
		vsvm_svm_range_remove(vm, range);
		range = NULL;
	}
	if (!range) {
		range = vsvm_svm_range_create(vm, n, addr, max_size);
		if (IS_ERR(range)) {
			ret = PTR_ERR(range);
			goto out_unlock;
		}
		if (range->npages == SZ_64K >> PAGE_SHIFT)
			vsvm_vm_stat_add(vm, VSVM_STAT_RANGES_64K, 1);
	}

	vsvm_svm_gc(vm);
	if (write && vsvm_svm_attr_get(vm, DRM_VSVM_ATTR_GPU_ACCESS, addr) ==
	    DRM_VSVM_GPU_ACCESS_READ) {
		ret = -EACCES;
		goto out_unlock;
	}
	atomic_vram = access == VSVM_ACCESS_ATOMIC &&
		      vsvm_svm_attr_get(vm, DRM_VSVM_ATTR_ATOMIC, addr) ==
		      DRM_VSVM_ATOMIC_VRAM;
	if (vm->vdev->vram.enabled &&
	    ((!range->valid &&
	      vsvm_svm_attr_get(vm, DRM_VSVM_ATTR_PREFERRED_LOC, addr) ==
	      DRM_VSVM_REGION_VRAM) || atomic_vram))
		vsvm_svm_fault_migrate(vm, range, addr);

	ret = 0;
	if (!range->valid || !range->writable || atomic_vram)
		ret = vsvm_svm_range_populate(vm, range, write, vm->vdev,
					      atomic_vram);
	if (!ret && write && !range->writable)
		/*
		 * Read-only VRAM pages (shared after fork): bring them back
		 * to system memory so that the write breaks COW as on the CPU.
		 */
		ret = vsvm_svm_range_populate(vm, range, write, NULL,
					      atomic_vram);
	if (!ret && access == VSVM_ACCESS_ATOMIC && !atomic_vram &&
	    !vsvm_svm_pte_atomic(vm, addr))
		ret = vsvm_svm_fault_atomic(vm, range, addr, locked);
	if ((ret == -EFAULT || ret == -EPERM) && range->npages > 1) {
		/*
		 * Part of the chunk may have changed protection since it was
		 * sized: retry with the faulting page alone.
		 */
		vsvm_svm_range_remove(vm, range);
		max_size = PAGE_SIZE;
		goto again;
	}
	if (ret == -EPERM)
		ret = -EACCES;
	else if (ret && ret != -ESRCH && ret != -ENOMEM && ret != -EBUSY)
		ret = -EFAULT;
	if (!ret)
		trace_vsvm_resolve(vm->id, vsvm_range_start(range),
				   vsvm_range_end(range), range->huge,
				   range->writable);

out_unlock:
	mutex_unlock(&vm->svm.lock);
	mmput(vm->mm);
	return ret;
}

/**
 * vsvm_svm_init() - set up the mirror of a VM
 * @vm: the VM being created
 */
void vsvm_svm_init(struct vsvm_vm *vm)
{
	unsigned int i;

	mutex_init(&vm->svm.lock);
	init_rwsem(&vm->svm.notifier_lock);
	xa_init(&vm->svm.notifiers);
	for (i = 0; i < VSVM_SVM_NUM_ATTRS; i++)
		INIT_LIST_HEAD(&vm->svm.attrs[i]);

	/* The notifier lock is taken in reclaim: teach lockdep at once. */
	if (IS_ENABLED(CONFIG_LOCKDEP)) {
		fs_reclaim_acquire(GFP_KERNEL);
		might_lock(&vm->svm.notifier_lock);
		fs_reclaim_release(GFP_KERNEL);
	}
}

/**
 * vsvm_svm_fini() - tear the mirror of a VM down
 * @vm: the VM, with no job left
 *
 * Gives back the pages the GPU holds exclusive access to, removes every
 * notifier (waiting for callbacks in flight) and frees every range. Works
 * whether or not the process's address space still exists.
 */
void vsvm_svm_fini(struct vsvm_vm *vm)
{
	struct vsvm_svm_attr *a, *next;
	struct vsvm_svm_notifier *n;
	unsigned int i;
	unsigned long index;

	vsvm_svm_exclusive_revoke_all(vm);
	xa_for_each(&vm->svm.notifiers, index, n) {
		struct interval_tree_node *node;

		mmu_interval_notifier_remove(&n->notifier);
		while ((node = interval_tree_iter_first(&n->ranges, 0,
							ULONG_MAX))) {
			struct vsvm_svm_range *range =
				container_of(node, struct vsvm_svm_range, itree);

			vsvm_svm_range_remove(vm, range);
		}
		kfree(n);
	}
	xa_destroy(&vm->svm.notifiers);
	for (i = 0; i < VSVM_SVM_NUM_ATTRS; i++)
		list_for_each_entry_safe(a, next, &vm->svm.attrs[i], link)
			kfree(a);
	mutex_destroy(&vm->svm.lock);
}
