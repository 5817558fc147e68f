// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * DOC: SVM fault path
 *
 * A VM mirrors the CPU address space of its process through drm_gpusvm.
 * Nothing is bound up front: an engine access that misses in the GPU page
 * table raises a GPU page fault, resolved by vsvm_svm_fault():
 *
 * 1. Collect the ranges munmap() left behind (vsvm_svm_ranges_gc()).
 * 2. drm_gpusvm_range_find_or_insert() finds the range containing the
 *    address, or creates the notifier (an aligned 512 MiB) and a range: the
 *    largest aligned chunk of 2 MiB, 64 KiB or 4 KiB around the address
 *    that lies inside the CPU mapping (VMA) and overlaps no other range.
 * 3. Get the range's pages (vsvm_svm_pages.c: drm_gpusvm_get_pages(),
 *    which runs hmm_range_fault() under the range's notifier and maps the
 *    pages for DMA under the notifier lock). Write access is requested
 *    only for write and atomic faults, so GPU reads never break
 *    copy-on-write.
 * 4. Take the notifier lock for writing; if drm_gpusvm_pages_valid() says
 *    an invalidation came in between, start again; otherwise write the GPU
 *    entries from the pages' pfns (one 2 MiB entry for a THP-backed 2 MiB
 *    range).
 *
 * Faults are serialised per VM by the fault lock, drm_gpusvm's driver lock:
 * when several engines fault on one range, the first resolves it and the
 * others find it valid (counted as VSVM_STAT_FAULTS_DEDUP). Retries are
 * bounded by HMM_RANGE_DEFAULT_TIMEOUT.
 *
 * drm_gpusvm's notifier takes the notifier lock for writing, which waits
 * for engine accesses in flight (engines hold it for reading around each
 * access), moves the notifier's sequence and calls vsvm_svm_invalidate():
 * it clears the GPU entries of every range the event overlaps, unmaps
 * their pages and marks them invalid; the next fault mirrors them again.
 * Ranges munmap() took (part of) are marked unmapped and queued; the next
 * fault removes them under the fault lock (drm_gpusvm_range_remove()).
 *
 * drm_gpusvm moves the sequence before the driver sees the event, so a
 * driver cannot skip its own events: vsvm's exclusive grants
 * (MMU_NOTIFY_EXCLUSIVE with vsvm as owner) leave the GPU entries alone,
 * and the grant's commit checks the GPU entry itself instead of the
 * sequence (vsvm_atomic.c).
 *
 * Attributes (MADVISE) apply to addresses, not to ranges; notifiers of
 * their own record what munmap() takes from them (struct
 * vsvm_svm_attr_notifier). Migrations to and from VRAM are in
 * vsvm_migrate.c, on drm_pagemap.
 *
 * Lock order: fault lock -> mmap_lock -> notifier lock. The notifier lock is
 * taken in reclaim (the callback) and so never held across an allocation.
 */

#include <linux/bitmap.h>
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

static struct vsvm_vm *vsvm_gpusvm_to_vm(struct drm_gpusvm *gpusvm)
{
	return container_of(gpusvm, struct vsvm_vm, svm.gpusvm);
}

/*
 * Stop the GPU from using a range: clear its entries and unmap its pages.
 * Notifier lock held for writing.
 */
static void vsvm_svm_range_invalidate(struct vsvm_vm *vm,
				      struct vsvm_svm_range *range)
{
	lockdep_assert_held_write(vsvm_svm_notifier_lock(vm));

	/*
	 * The pages first, GPU entries or not: a fault that got them and
	 * has not written its entries yet must find them invalid
	 * (drm_gpusvm_pages_valid()) and get them again.
	 */
	vsvm_svm_pages_unmap(vm, range);
	if (!range->valid)
		return;
	vsvm_pt_clear(&vm->pt, vsvm_range_start(range), vsvm_range_end(range));
	range->valid = false;
	range->writable = false;
	range->huge = false;
}

/*
 * drm_gpusvm's invalidate op: called with the notifier lock held for
 * writing, the notifier's sequence already moved.
 */
static void vsvm_svm_invalidate(struct drm_gpusvm *gpusvm,
				struct drm_gpusvm_notifier *notifier,
				const struct mmu_notifier_range *mrange)
{
	struct vsvm_vm *vm = vsvm_gpusvm_to_vm(gpusvm);
	struct drm_gpusvm_range *r = NULL;
	u64 hits = 0, revoked = 0;
	unsigned long n_excl;

	lockdep_assert_held_write(vsvm_svm_notifier_lock(vm));

	/* Our own exclusive grant: the page stays where GPU entries point. */
	if (mrange->event == MMU_NOTIFY_EXCLUSIVE &&
	    mrange->owner == vm->vdev)
		return;

	drm_gpusvm_for_each_range(r, notifier, mrange->start, mrange->end) {
		struct vsvm_svm_range *range = to_vsvm_range(r);

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
		hits += range->valid;
		vsvm_svm_range_invalidate(vm, range);
		if (mrange->event == MMU_NOTIFY_UNMAP) {
			drm_gpusvm_range_set_unmapped(r, NULL, 0, mrange);
			if (list_empty(&range->gc_link) && !range->removing)
				list_add_tail(&range->gc_link,
					      &vm->svm.gc_list);
		}
	}

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
}

static struct drm_gpusvm_range *vsvm_svm_range_alloc(struct drm_gpusvm *gpusvm)
{
	struct vsvm_svm_range *range;

	range = kzalloc_obj(*range, GFP_KERNEL_ACCOUNT);
	if (!range)
		return NULL;
	INIT_LIST_HEAD(&range->gc_link);
	return &range->base;
}

static void vsvm_svm_range_free(struct drm_gpusvm_range *r)
{
	struct vsvm_svm_range *range = to_vsvm_range(r);

	vsvm_svm_pages_fini(vsvm_gpusvm_to_vm(r->gpusvm), range);
	bitmap_free(range->exclusive);
	kfree(range);
}

/*
 * A notifier is made by a GPU fault: charged, as the ranges are, to the
 * VM's process (the fault handler runs with its memcg active).
 */
static struct drm_gpusvm_notifier *vsvm_svm_notifier_alloc(void)
{
	return kzalloc_obj(struct drm_gpusvm_notifier, GFP_KERNEL_ACCOUNT);
}

static void vsvm_svm_notifier_free(struct drm_gpusvm_notifier *notifier)
{
	kfree(notifier);
}

static const struct drm_gpusvm_ops vsvm_gpusvm_ops = {
	.notifier_alloc = vsvm_svm_notifier_alloc,
	.notifier_free = vsvm_svm_notifier_free,
	.range_alloc = vsvm_svm_range_alloc,
	.range_free = vsvm_svm_range_free,
	.invalidate = vsvm_svm_invalidate,
};

/* Chunk sizes of new ranges, largest first. */
static const unsigned long vsvm_svm_chunk_sizes[] = { SZ_2M, SZ_64K, SZ_4K };

/* Record what munmap() takes from under attributes. */
static bool vsvm_svm_attr_invalidate(struct mmu_interval_notifier *mni,
				     const struct mmu_notifier_range *mrange,
				     unsigned long cur_seq)
{
	struct vsvm_svm_attr_notifier *n =
		container_of(mni, struct vsvm_svm_attr_notifier, notifier);
	struct vsvm_vm *vm = n->vm;
	u64 s, e;
	unsigned int k;

	spin_lock(&vm->svm.unmapped_lock);
	mmu_interval_set_seq(mni, cur_seq);
	if (mrange->event == MMU_NOTIFY_UNMAP) {
		s = max_t(u64, mrange->start, n->start);
		e = min_t(u64, mrange->end, n->end);
		k = n->nr_unmapped;
		if (k < VSVM_SVM_MAX_UNMAPPED) {
			n->unmapped[k].start = s;
			n->unmapped[k].end = e;
			n->nr_unmapped++;
		} else {
			n->unmapped[k - 1].start = min(n->unmapped[k - 1].start, s);
			n->unmapped[k - 1].end = max(n->unmapped[k - 1].end, e);
		}
	}
	spin_unlock(&vm->svm.unmapped_lock);
	return true;
}

static const struct mmu_interval_notifier_ops vsvm_svm_attr_notifier_ops = {
	.invalidate = vsvm_svm_attr_invalidate,
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

static struct vsvm_svm_attr_notifier *
vsvm_svm_attr_notifier_get(struct vsvm_vm *vm, u64 addr)
{
	unsigned long index = addr >> VSVM_SVM_NOTIFIER_SHIFT;
	struct vsvm_svm_attr_notifier *n;
	int ret;

	lockdep_assert_held(&vm->svm.lock);

	n = xa_load(&vm->svm.attr_notifiers, index);
	if (n)
		return n;

	n = kzalloc_obj(*n, GFP_KERNEL_ACCOUNT);
	if (!n)
		return ERR_PTR(-ENOMEM);
	n->vm = vm;
	n->start = (u64)index << VSVM_SVM_NOTIFIER_SHIFT;
	n->end = n->start + BIT_ULL(VSVM_SVM_NOTIFIER_SHIFT);

	ret = xa_err(xa_store(&vm->svm.attr_notifiers, index, n,
			      GFP_KERNEL_ACCOUNT));
	if (ret)
		goto err_free;

	ret = mmu_interval_notifier_insert(&n->notifier, vm->mm, n->start,
					   n->end - n->start,
					   &vsvm_svm_attr_notifier_ops);
	if (ret)
		goto err_erase;
	return n;

err_erase:
	xa_erase(&vm->svm.attr_notifiers, index);
err_free:
	kfree(n);
	return ERR_PTR(ret);
}

/* Invalidate a range and give it back to drm_gpusvm. Fault lock held. */
static void vsvm_svm_range_remove(struct vsvm_vm *vm,
				  struct vsvm_svm_range *range)
{
	lockdep_assert_held(&vm->svm.lock);

	down_write(vsvm_svm_notifier_lock(vm));
	vsvm_svm_range_invalidate(vm, range);
	list_del_init(&range->gc_link);
	range->removing = true;
	up_write(vsvm_svm_notifier_lock(vm));
	drm_gpusvm_range_remove(&vm->svm.gpusvm, &range->base);
}

/*
 * vsvm_svm_ranges_gc() - remove the ranges munmap() took (part of)
 * @vm: the VM, with its fault lock held
 */
static void vsvm_svm_ranges_gc(struct vsvm_vm *vm)
{
	struct vsvm_svm_range *range;

	lockdep_assert_held(&vm->svm.lock);

	for (;;) {
		down_read(vsvm_svm_notifier_lock(vm));
		range = list_first_entry_or_null(&vm->svm.gc_list,
						 struct vsvm_svm_range, gc_link);
		up_read(vsvm_svm_notifier_lock(vm));
		if (!range)
			break;
		vsvm_svm_range_remove(vm, range);
	}
}

/* Whether munmap() took (part of) the range. */
static bool vsvm_svm_range_unmapped(struct vsvm_vm *vm,
				    struct vsvm_svm_range *range)
{
	bool unmapped;

	down_read(vsvm_svm_notifier_lock(vm));
	unmapped = range->base.flags.unmapped;
	up_read(vsvm_svm_notifier_lock(vm));
	return unmapped;
}

/*
 * Whether the range still lies inside one CPU mapping: mprotect() and
 * mremap() split or shrink VMAs without unmapping, and a range straddling
 * two VMAs can neither migrate (one VMA per migration) nor take one set of
 * permissions.
 */
static bool vsvm_svm_range_fits_vma(struct vsvm_vm *vm,
				    struct vsvm_svm_range *range)
{
	struct vm_area_struct *vma;
	bool fits;

	mmap_read_lock(vm->mm);
	vma = vma_lookup(vm->mm, vsvm_range_start(range));
	fits = vma && vma->vm_end >= vsvm_range_end(range);
	mmap_read_unlock(vm->mm);
	return fits;
}

/*
 * The range of drm_gpusvm around @addr, at most @max_size (a chunk size),
 * with what vsvm keeps per range allocated. Fault lock held, and a
 * reference to the address space.
 */
static struct vsvm_svm_range *
vsvm_svm_range_get(struct vsvm_vm *vm, u64 addr, u64 max_size)
{
	/*
	 * read_only: the access is checked by hmm_range_fault() (-EFAULT for
	 * PROT_NONE, -EPERM for a write to a read-only mapping), not by the
	 * lookup, which would refuse both alike.
	 */
	struct drm_gpusvm_ctx ctx = {
		.read_only = true,
		.device_private_page_owner = vsvm_vram_owner(vm->vdev),
		.devmem_possible = vm->vdev->vram.enabled,
	};
	u64 lo = ALIGN_DOWN(addr, max_size);
	struct drm_gpusvm_range *r;
	struct vsvm_svm_range *range;
	int ret;

	lockdep_assert_held(&vm->svm.lock);

	r = drm_gpusvm_range_find_or_insert(&vm->svm.gpusvm, addr, lo,
					    lo + max_size, &ctx);
	if (IS_ERR(r)) {
		ret = PTR_ERR(r);
		/* no VMA, VM_IO/VM_PFNMAP, nothing fits: no mapping to mirror */
		if (ret == -ENOENT || ret == -EIO || ret == -EINVAL)
			ret = -EFAULT;
		return ERR_PTR(ret);
	}
	range = to_vsvm_range(r);
	if (range->pfns)
		return range;

	ret = vsvm_pt_prepare(&vm->pt, vsvm_range_start(range),
			      vsvm_range_end(range));
	if (ret)
		goto err_remove;
	range->npages = drm_gpusvm_range_size(r) >> PAGE_SHIFT;
	ret = vsvm_svm_pages_init(vm, range);
	if (ret)
		goto err_remove;
	if (range->npages == SZ_64K >> PAGE_SHIFT)
		vsvm_vm_stat_add(vm, VSVM_STAT_RANGES_64K, 1);
	return range;

err_remove:
	/* range_free frees what was allocated */
	vsvm_svm_range_remove(vm, range);
	return ERR_PTR(ret);
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
static bool vsvm_svm_pfns_huge(struct vsvm_svm_range *range)
{
	const unsigned long *pfns = range->pfns;
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
 * The GPU entry of the page at @pfn, mirrored at @addr: what the engine
 * reaches the page by, the physical address of the system page
 * hmm_range_fault() handed out (never the DMA address: the engine is the
 * CPU, and turning DMA addresses back is wrong under swiotlb or an IOMMU),
 * the offset of a VRAM page, or the device-private page of a peer's VRAM
 * (reached over the interconnect); and the permission bits.
 */
static u64 vsvm_svm_pte(struct vsvm_vm *vm, u64 addr, unsigned long pfn,
			bool force_atomic)
{
	struct page *page = hmm_pfn_to_page(pfn);
	bool vram = vsvm_vram_page(vm->vdev, page);
	u64 pte = page_to_phys(page) | VSVM_PTE_VALID;

	if (vram)
		pte = vsvm_vram_page_offset(vm->vdev, page) |
		      VSVM_PTE_VALID | VSVM_PTE_VRAM;
	else if (vsvm_vram_peer_page(vm->vdev, page))
		pte |= VSVM_PTE_VRAM | VSVM_PTE_PEER;
	return pte | vsvm_svm_pte_perm(vm, addr, pfn, pte & VSVM_PTE_VRAM,
				       force_atomic);
}

/*
 * Write the GPU entries of a range from its current pages (@range->pfns).
 * Fault lock held, and the notifier lock held for writing.
 */
static void vsvm_svm_range_commit(struct vsvm_vm *vm,
				  struct vsvm_svm_range *range, bool huge,
				  bool force_atomic)
{
	u64 start = vsvm_range_start(range);
	bool writable = true;
	unsigned long i;
	u64 pte;

	lockdep_assert_held(&vm->svm.lock);
	lockdep_assert_held_write(vsvm_svm_notifier_lock(vm));

	if (huge) {
		pte = vsvm_svm_pte(vm, start, range->pfns[0], force_atomic);
		writable = pte & VSVM_PTE_WRITE;
		vsvm_pt_map(&vm->pt, start, pte, true);
		vsvm_vm_stat_add(vm, VSVM_STAT_PAGES_2M, 1);
	} else {
		for (i = 0; i < range->npages; i++) {
			u64 addr = start + (i << PAGE_SHIFT);

			pte = vsvm_svm_pte(vm, addr, range->pfns[i],
					   force_atomic);
			writable &= !!(pte & VSVM_PTE_WRITE);
			vsvm_pt_map(&vm->pt, addr, pte, false);
		}
		vsvm_vm_stat_add(vm, VSVM_STAT_PAGES_4K, range->npages);
	}
	range->huge = huge;
	range->writable = writable;
	range->valid = true;
}

/*
 * Get the pages of an invalid range (vsvm_svm_pages_get()) and write its
 * GPU entries while they are current. A THP mapped whole by a 2 MiB range,
 * with uniform attributes, gets one 2 MiB entry. Fault lock held.
 */
static int vsvm_svm_range_mirror(struct vsvm_vm *vm,
				 struct vsvm_svm_range *range, bool write,
				 void *owner, bool force_atomic)
{
	u64 start = vsvm_range_start(range), end = vsvm_range_end(range);
	bool huge;
	int ret;

	ret = vsvm_svm_pages_get(vm, range, write, owner);
	if (ret)
		return ret;
	/* One entry carries one set of permissions. */
	huge = vsvm_svm_pfns_huge(range) &&
	       vsvm_svm_attr_uniform(vm, DRM_VSVM_ATTR_GPU_ACCESS, start, end) &&
	       vsvm_svm_attr_uniform(vm, DRM_VSVM_ATTR_ATOMIC, start, end);
	vsvm_svm_range_commit(vm, range, huge, force_atomic);
	up_write(vsvm_svm_notifier_lock(vm));
	return 0;
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
 * Gets the range's pages (vsvm_svm_pages_get(): the hmm_range_fault() loop
 * of Documentation/mm/hmm.rst) and writes the GPU entries while they are
 * current. A THP mapped whole by a 2 MiB range, with uniform attributes,
 * gets one 2 MiB entry.
 *
 * Return: 0 or the negative errno of vsvm_svm_pages_get().
 */
int vsvm_svm_range_populate(struct vsvm_vm *vm, struct vsvm_svm_range *range,
			    bool write, void *owner, bool force_atomic)
{
	int ret;

	lockdep_assert_held(&vm->svm.lock);

	/* A write fault on a read-only mirror: drop the old mapping first. */
	if (range->valid) {
		down_write(vsvm_svm_notifier_lock(vm));
		vsvm_svm_range_invalidate(vm, range);
		up_write(vsvm_svm_notifier_lock(vm));
	}

	ret = vsvm_svm_range_mirror(vm, range, write, owner, force_atomic);
	if (ret == -EOPNOTSUPP && owner)
		/*
		 * Device pages of several devices in one range, which
		 * drm_gpusvm does not mirror: bring them to system memory.
		 */
		ret = vsvm_svm_range_mirror(vm, range, write, NULL,
					    force_atomic);
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
	struct drm_gpusvm_notifier *n;

	lockdep_assert_held(&vm->svm.lock);

	down_write(vsvm_svm_notifier_lock(vm));
	drm_gpusvm_for_each_notifier(n, &vm->svm.gpusvm, start, end) {
		struct drm_gpusvm_range *r = NULL;

		drm_gpusvm_for_each_range(r, n, start, end)
			vsvm_svm_range_invalidate(vm, to_vsvm_range(r));
	}
	up_write(vsvm_svm_notifier_lock(vm));
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
	struct vsvm_svm_attr_notifier *n;
	unsigned long index;
	unsigned int i;

	lockdep_assert_held(&vm->svm.lock);

	xa_for_each(&vm->svm.attr_notifiers, index, n) {
		u64 start[VSVM_SVM_MAX_UNMAPPED], end[VSVM_SVM_MAX_UNMAPPED];
		unsigned int k, nr;

		spin_lock(&vm->svm.unmapped_lock);
		nr = n->nr_unmapped;
		for (k = 0; k < nr; k++) {
			start[k] = n->unmapped[k].start;
			end[k] = n->unmapped[k].end;
		}
		n->nr_unmapped = 0;
		spin_unlock(&vm->svm.unmapped_lock);

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
	struct vsvm_svm_attr_notifier *n;

	lockdep_assert_held(&vm->svm.lock);
	if (last - first >= VSVM_SVM_MAX_NOTIFIERS)
		return -E2BIG;
	xa_for_each(&vm->svm.attr_notifiers, index, n)
		have++;
	for (index = first; index <= last; index++)
		if (!xa_load(&vm->svm.attr_notifiers, index))
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
			ret = PTR_ERR_OR_ZERO(vsvm_svm_attr_notifier_get(vm, a));
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
 * Uses drm_gpusvm's notifier when the VM has one there, a temporary one
 * otherwise:
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
		.dev_private_owner = fault ? NULL : vsvm_vram_owner(vm->vdev),
	};
	struct mmu_interval_notifier tmp;
	struct drm_gpusvm_notifier *n;
	int ret;

	lockdep_assert_held(&vm->svm.lock);

	n = drm_gpusvm_notifier_find(&vm->svm.gpusvm, start, end);
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
 * vsvm_svm_map() - mirror a chunk for the GPU without waiting for a fault
 * @vm: the VM, with its fault lock held and a reference on its address
 *	space (mmget); the mmap lock not held
 * @start: the chunk's first address, aligned to its size
 * @end: its end (exclusive): 2 MiB, 64 KiB or 4 KiB after @start, in one
 *	VMA
 *
 * PREFETCH to VRAM binds what it moved, as Xe's prefetch does, so that the
 * next job on the chunk finds it mapped and takes no GPU fault. It does
 * what a GPU read fault would, minus the migration: the range of
 * drm_gpusvm for the chunk, its pages got (VRAM pages as they are, with
 * the CPU's write permission, no copy-on-write broken) and the GPU entries
 * written. A range that already exists around the chunk (an earlier
 * fault's, which the migration invalidated) is mirrored whole, its pages
 * outside the chunk where they are. A range that no longer fits its VMA,
 * or pages that cannot be mirrored now, are left to a fault; nothing
 * fails.
 */
void vsvm_svm_map(struct vsvm_vm *vm, u64 start, u64 end)
{
	struct vsvm_svm_range *range;

	lockdep_assert_held(&vm->svm.lock);

	vsvm_svm_ranges_gc(vm);
	range = vsvm_svm_range_get(vm, start, end - start);
	if (IS_ERR(range) || range->valid ||
	    vsvm_svm_range_unmapped(vm, range) ||
	    (range->npages > 1 && !vsvm_svm_range_fits_vma(vm, range)))
		return;
	/* an error leaves the range invalid: the next fault retries */
	vsvm_svm_range_mirror(vm, range, false, vsvm_vram_owner(vm->vdev),
			      false);
}

/**
 * vsvm_svm_fault_migrate() - move the chunk of a GPU fault to VRAM
 * @vm: the VM, with its fault lock held
 * @range: the range of the fault
 * @addr: the faulting address
 * @region: DRM_VSVM_REGION_VRAM or DRM_VSVM_REGION_VRAM_OF() a peer's
 *
 * Moves the range, bounded by the migration granularity attribute at
 * @addr, before it is mirrored. Pages that cannot move stay.
 */
void vsvm_svm_fault_migrate(struct vsvm_vm *vm, struct vsvm_svm_range *range,
			    u64 addr, u64 region)
{
	u64 gran = vsvm_svm_attr_get(vm, DRM_VSVM_ATTR_GRANULARITY, addr);
	u64 start = vsvm_range_start(range), end = vsvm_range_end(range);

	if (gran && gran < end - start) {
		start = ALIGN_DOWN(addr, gran);
		end = start + gran;
	}
	vsvm_migrate_to_vram(vm, start, end, region, false);
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
	unsigned int unmapped_retries = 0, loc_index;
	u64 max_size = SZ_2M, loc;
	bool atomic_vram;
	struct vsvm_svm_range *range;
	int ret;

	vsvm_vm_stat_add(vm, DRM_VSVM_STAT_FAULTS, 1);
	trace_vsvm_fault(vm->id, addr, access);

	/* The process may be gone: its VM then only fails jobs. */
	if (!mmget_not_zero(vm->mm))
		return -ESRCH;

	mutex_lock(&vm->svm.lock);
again:
	vsvm_svm_ranges_gc(vm);
	range = vsvm_svm_range_get(vm, addr, max_size);
	if (IS_ERR(range)) {
		ret = PTR_ERR(range);
		goto out_unlock;
	}
	if (vsvm_svm_range_unmapped(vm, range)) {
		/* munmap() raced the lookup: collect it, size again. */
		if (++unmapped_retries > 16) {
			ret = -EFAULT;
			goto out_unlock;
		}
		goto again;
	}
	if (range->valid && (!write || range->writable) &&
	    (access != VSVM_ACCESS_ATOMIC || vsvm_svm_pte_atomic(vm, addr))) {
		/* Another engine's fault resolved it: nothing to do. */
		vsvm_vm_stat_add(vm, VSVM_STAT_FAULTS_DEDUP, 1);
		ret = 0;
		goto out_unlock;
	}
	if (!range->valid && range->npages > 1 &&
	    !vsvm_svm_range_fits_vma(vm, range)) {
		/* Invalidated, and the CPU mapping changed shape: size again. */
		vsvm_svm_range_remove(vm, range);
		goto again;
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
	loc = vsvm_svm_attr_get(vm, DRM_VSVM_ATTR_PREFERRED_LOC, addr);
	if (atomic_vram)
		loc = DRM_VSVM_REGION_VRAM;
	if (vm->vdev->vram.enabled && (!range->valid || atomic_vram) &&
	    vsvm_region_vram(vm->vdev, loc, &loc_index))
		vsvm_svm_fault_migrate(vm, range, addr, loc);

	ret = 0;
	if (!range->valid || !range->writable || atomic_vram)
		ret = vsvm_svm_range_populate(vm, range, write,
					      vsvm_vram_owner(vm->vdev),
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
 * @vm: the VM being created, with its address space (&vsvm_vm.mm) set
 *
 * Return: 0 or the negative errno of drm_gpusvm_init().
 */
int vsvm_svm_init(struct vsvm_vm *vm)
{
	u64 limit = min_t(u64, TASK_SIZE, BIT_ULL(VSVM_VA_BITS - 1));
	unsigned int i;
	int ret;

	ret = drm_gpusvm_init(&vm->svm.gpusvm, "vsvm", vm->mm, 0, limit,
			      BIT_ULL(VSVM_SVM_NOTIFIER_SHIFT),
			      &vsvm_gpusvm_ops, vsvm_svm_chunk_sizes,
			      ARRAY_SIZE(vsvm_svm_chunk_sizes));
	if (ret)
		return ret;
#if VSVM_GPUSVM_PFNS
	vm->svm.gpusvm.dma_attrs = VSVM_SVM_DMA_ATTRS;
#endif
	mutex_init(&vm->svm.lock);
	drm_gpusvm_driver_set_lock(&vm->svm.gpusvm, &vm->svm.lock);
	INIT_LIST_HEAD(&vm->svm.gc_list);
	spin_lock_init(&vm->svm.unmapped_lock);
	xa_init(&vm->svm.attr_notifiers);
	for (i = 0; i < VSVM_SVM_NUM_ATTRS; i++)
		INIT_LIST_HEAD(&vm->svm.attrs[i]);
	return 0;
}

/**
 * vsvm_svm_fini() - tear the mirror of a VM down
 * @vm: the VM, with no job left
 *
 * Gives back the pages the GPU holds exclusive access to, invalidates and
 * removes every range, then lets drm_gpusvm remove its notifiers (waiting
 * for callbacks in flight). Works whether or not the process's address
 * space still exists.
 */
void vsvm_svm_fini(struct vsvm_vm *vm)
{
	struct drm_gpusvm_notifier *n, *next;
	struct vsvm_svm_attr_notifier *an;
	struct vsvm_svm_attr *a, *anext;
	unsigned long index;
	unsigned int i;

	vsvm_svm_exclusive_revoke_all(vm);

	mutex_lock(&vm->svm.lock);
	drm_gpusvm_for_each_notifier_safe(n, next, &vm->svm.gpusvm, 0,
					  ULONG_MAX) {
		struct drm_gpusvm_range *r, *rnext;

		/* the last range of a notifier takes the notifier with it */
		drm_gpusvm_for_each_range_safe(r, rnext, n, 0, ULONG_MAX)
			vsvm_svm_range_remove(vm, to_vsvm_range(r));
	}
	mutex_unlock(&vm->svm.lock);
	drm_gpusvm_fini(&vm->svm.gpusvm);

	xa_for_each(&vm->svm.attr_notifiers, index, an) {
		mmu_interval_notifier_remove(&an->notifier);
		kfree(an);
	}
	xa_destroy(&vm->svm.attr_notifiers);
	for (i = 0; i < VSVM_SVM_NUM_ATTRS; i++)
		list_for_each_entry_safe(a, anext, &vm->svm.attrs[i], link)
			kfree(a);
	mutex_destroy(&vm->svm.lock);
}
