// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * DOC: GPU atomics on system memory
 *
 * GPU entries of system pages carry no atomic permission when they are
 * mirrored. A GPU atomic on such a page (atomic policy in place, the
 * default) faults, and the handler asks core mm for exclusive device access
 * to that one page with make_device_exclusive(): the CPU page table
 * entry becomes a device-exclusive entry, and the page's GPU entry gets the
 * atomic bit. The CPU's next access to the page restores its entry and
 * raises an MMU_NOTIFY_EXCLUSIVE invalidation, which zaps the GPU entries
 * of the range and counts a revocation. vsvm's own grants raise the same
 * event with vsvm as its owner; the mirror skips those, as the page stays
 * where the GPU entry points.
 *
 * Forward progress: make_device_exclusive() hands the page back
 * locked, and the CPU needs the page lock to revoke. A first grant unlocks
 * the page at once. When a page is granted again soon after (its number is
 * among the last few granted), the CPU is fighting the GPU for it: then
 * the page stays locked until the faulting engine has replayed its access
 * (the engine unlocks it in vsvm_svm_exclusive_release()), so the GPU
 * completes at least one atomic per grant however hard CPU threads hammer
 * the page. The hold is kept that short because fork() fails with -EBUSY
 * while it cannot lock a device-exclusive page. The lock order is page
 * lock -> notifier lock, as on the CPU's revocation path.
 *
 * Where core mm refuses (tail pages of a transparent huge page, file-backed
 * or shared memory, hugetlbfs), the chunk moves to VRAM when it can, as
 * under the VRAM atomic policy; memory that cannot move either runs the
 * atomic in place, which this GPU keeps coherent with CPU atomics.
 */

#include <linux/bitmap.h>
#include <linux/hmm.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/rmap.h>
#include <linux/sched/mm.h>

#include "vsvm_drv.h"
#include "vsvm_pt.h"
#include "vsvm_svm.h"
#include "vsvm_trace.h"
#include "vsvm_vm.h"
#include "vsvm_vram.h"

/* Attempts to grant before falling back: each one follows a CPU change. */
#define VSVM_EXCLUSIVE_TRIES	3

/* The GPU entry at @addr, read under the notifier lock. */
static u64 vsvm_svm_pte(struct vsvm_vm *vm, u64 addr)
{
	unsigned int shift;
	u64 pte;

	down_read(vsvm_svm_notifier_lock(vm));
	pte = vsvm_pt_lookup(&vm->pt, addr, &shift);
	up_read(vsvm_svm_notifier_lock(vm));
	return pte;
}

/**
 * vsvm_svm_pte_atomic() - whether the GPU entry at @addr allows atomics
 * @vm: the VM
 * @addr: the address
 *
 * Return: true when a valid entry maps @addr with atomic permission.
 */
bool vsvm_svm_pte_atomic(struct vsvm_vm *vm, u64 addr)
{
	u64 pte = vsvm_svm_pte(vm, addr);

	return (pte & VSVM_PTE_VALID) && (pte & VSVM_PTE_ATOMIC);
}

/**
 * vsvm_svm_exclusive_page() - whether the GPU holds exclusive access at @addr
 * @vm: the VM
 * @addr: the address
 *
 * A page the GPU has exclusive access to has a device-exclusive entry in
 * the CPU page table, which hmm_range_fault() reports as not present
 * unless it faults (and so revokes) it. The GPU mirror knows better.
 *
 * Return: true when a valid GPU entry maps a system page at @addr with
 * atomic permission.
 */
bool vsvm_svm_exclusive_page(struct vsvm_vm *vm, u64 addr)
{
	u64 pte = vsvm_svm_pte(vm, addr);

	return (pte & VSVM_PTE_VALID) && (pte & VSVM_PTE_ATOMIC) &&
	       !(pte & VSVM_PTE_VRAM);
}

/*
 * Add the atomic bit to the GPU entry of @va if the range still mirrors
 * @page there. Fault lock held; takes the notifier lock.
 */
static bool vsvm_svm_exclusive_commit(struct vsvm_vm *vm,
				      struct vsvm_svm_range *range, u64 va,
				      struct page *page)
{
	unsigned long index = (va - vsvm_range_start(range)) >> PAGE_SHIFT;
	bool ok = false;
	unsigned int shift;
	u64 pte;

	down_write(vsvm_svm_notifier_lock(vm));
	pte = vsvm_pt_lookup(&vm->pt, va, &shift);
	/*
	 * Not the notifier's sequence: drm_gpusvm moves it for the grant's own
	 * MMU_NOTIFY_EXCLUSIVE too. Every other event clears the range's GPU
	 * entries, and only this fault (fault lock held) fills them again: an
	 * entry still mapping @page means nothing took it meanwhile.
	 */
	if (!range->valid || range->huge || shift != PAGE_SHIFT ||
	    !(pte & VSVM_PTE_VALID) || !(pte & VSVM_PTE_WRITE) ||
	    (pte & VSVM_PTE_VRAM) ||
	    PHYS_PFN(pte & VSVM_PTE_ADDR_MASK) != page_to_pfn(page))
		goto out_unlock;

	vsvm_pt_map(&vm->pt, va, pte | VSVM_PTE_ATOMIC, false);
	__set_bit(index, range->exclusive);
	ok = true;
out_unlock:
	up_write(vsvm_svm_notifier_lock(vm));
	return ok;
}

/*
 * Mappings core mm can give exclusive access in: private (COW) mappings
 * that are not hugetlbfs or DAX. The GUP inside
 * make_device_exclusive() works on anonymous, non-hugetlb folios only,
 * and fork() only expects device-exclusive entries in COW mappings.
 * mmap_lock held.
 */
static bool vsvm_svm_exclusive_vma(struct vm_area_struct *vma)
{
	return vma && vma_is_cow_mapping(vma) &&
	       !is_vm_hugetlb_page(vma) && !vma_is_dax(vma) &&
	       !(vma->vm_flags & (VM_IO | VM_PFNMAP | VM_MIXEDMAP));
}

/*
 * Why core mm refused: core mm only grants exclusive access to small
 * anonymous folios (-EOPNOTSUPP for others, which move to VRAM instead);
 * anything else, such as a page lock held by a racing CPU fault, is worth
 * another try (-EBUSY). The mirrored page is stable while its GPU entry is
 * valid under the notifier lock.
 */
static int vsvm_svm_exclusive_refusal(struct vsvm_vm *vm, u64 va)
{
	int ret = -EBUSY;
	unsigned int shift;
	u64 pte;

	down_read(vsvm_svm_notifier_lock(vm));
	pte = vsvm_pt_lookup(&vm->pt, va, &shift);
	if (pte & VSVM_PTE_VALID && !(pte & VSVM_PTE_VRAM)) {
		phys_addr_t phys = (pte & VSVM_PTE_ADDR_MASK) +
				   (va & (BIT_ULL(shift) - 1));
		struct folio *folio = page_folio(pfn_to_page(PHYS_PFN(phys)));

		if (folio_test_large(folio) || !folio_test_anon(folio))
			ret = -EOPNOTSUPP;
	}
	up_read(vsvm_svm_notifier_lock(vm));
	return ret;
}

/*
 * Whether @va was granted lately: a page the CPU took back from the GPU
 * and the GPU asks for again. Remembers @va otherwise. Fault lock held.
 */
static bool vsvm_svm_exclusive_contended(struct vsvm_vm *vm, u64 va)
{
	struct vsvm_svm *svm = &vm->svm;
	unsigned int i;

	lockdep_assert_held(&svm->lock);

	for (i = 0; i < VSVM_SVM_EXCL_RECENT; i++)
		if (svm->excl_recent[i] == va)
			return true;
	svm->excl_recent[svm->excl_next] = va;
	svm->excl_next = (svm->excl_next + 1) % VSVM_SVM_EXCL_RECENT;
	return false;
}

/*
 * One attempt at exclusive access to the page at @va.
 * Return: 0, with the page in *@locked when it is contended, -EAGAIN when
 * the CPU page table
 * changed meanwhile, -EBUSY when core mm refused this time, -EOPNOTSUPP
 * when it never grants this page, -ENOMEM.
 */
static int vsvm_svm_exclusive(struct vsvm_vm *vm,
			      struct vsvm_svm_range *range, u64 va,
			      struct page **locked)
{
	struct folio *folio;
	struct page *page;

	lockdep_assert_held(&vm->svm.lock);

	/* core mm grants exclusive access with device-private entries only */
	if (!IS_ENABLED(CONFIG_DEVICE_PRIVATE))
		return -EBUSY;
	if (!range->exclusive) {
		range->exclusive = bitmap_zalloc(range->npages, GFP_KERNEL);
		if (!range->exclusive)
			return -ENOMEM;
	}

	mmap_read_lock(vm->mm);
	if (!vsvm_svm_exclusive_vma(vma_lookup(vm->mm, va))) {
		mmap_read_unlock(vm->mm);
		trace_vsvm_exclusive(vm->id, va, false);
		return -EOPNOTSUPP;
	}
	page = make_device_exclusive(vm->mm, va, vm->vdev, &folio);
	mmap_read_unlock(vm->mm);
	if (IS_ERR(page)) {
		trace_vsvm_exclusive(vm->id, va, false);
		return vsvm_svm_exclusive_refusal(vm, va);
	}

	if (!vsvm_svm_exclusive_commit(vm, range, va, page)) {
		folio_unlock(folio);
		folio_put(folio);
		return -EAGAIN;
	}
	vsvm_vm_stat_add(vm, DRM_VSVM_STAT_EXCLUSIVE_GRANTS, 1);
	trace_vsvm_exclusive(vm->id, va, true);
	if (vsvm_svm_exclusive_contended(vm, va))
		*locked = page;	/* released after the engine's access */
	else
		vsvm_svm_exclusive_release(page);
	return 0;
}

/**
 * vsvm_svm_fault_atomic() - give a GPU atomic on a system page what it needs
 * @vm: the VM, with its fault lock held and a reference on its address space
 * @range: the range mirroring @addr, valid and writable
 * @addr: the faulting address
 * @locked: set to the granted page, locked and referenced, when the CPU
 *	is fighting the GPU for it; the engine releases it after its access
 *
 * Tries exclusive access to the page; where core mm never grants it, moves
 * the chunk to VRAM when VRAM is there; then mirrors what is left with
 * atomic permission in place.
 *
 * Return: 0 or a negative errno as vsvm_svm_range_populate() returns.
 */
int vsvm_svm_fault_atomic(struct vsvm_vm *vm, struct vsvm_svm_range *range,
			  u64 addr, struct page **locked)
{
	u64 va = ALIGN_DOWN(addr, PAGE_SIZE);
	unsigned int tries;
	int ret = -EOPNOTSUPP;

	/*
	 * A THP: core mm only grants small folios, and splitting the PMD
	 * for the grant would leave a PTE-mapped large folio that can
	 * neither be granted nor migrated. Migration splits it cleanly.
	 */
	tries = range->huge ? VSVM_EXCLUSIVE_TRIES : 0;
	for (; tries < VSVM_EXCLUSIVE_TRIES; tries++) {
		if (!range->valid) {
			/* the CPU changed the range: mirror it again */
			ret = vsvm_svm_range_populate(vm, range, true,
						      vsvm_vram_owner(vm->vdev),
						      false);
			if (ret)
				return ret;
			if (vsvm_svm_pte_atomic(vm, va))
				return 0;	/* it is in VRAM now */
		}
		ret = vsvm_svm_exclusive(vm, range, va, locked);
		if (ret != -EAGAIN && ret != -EBUSY)
			break;
	}
	if (!ret || ret == -ENOMEM)
		return ret;

	if (ret == -EOPNOTSUPP && vm->vdev->vram.enabled)
		vsvm_svm_fault_migrate(vm, range, addr, DRM_VSVM_REGION_VRAM);
	return vsvm_svm_range_populate(vm, range, true,
				       vsvm_vram_owner(vm->vdev), true);
}

/**
 * vsvm_svm_exclusive_revoked() - count grants the CPU revoked in a range
 * @vm: the VM, with its notifier lock held for writing
 * @range: a range overlapping an MMU_NOTIFY_EXCLUSIVE invalidation
 * @start: first address of the invalidation
 * @end: its end (exclusive)
 *
 * Return: the number of pages of @range in [@start, @end) the GPU had
 * exclusive access to; they are forgotten.
 */
unsigned long vsvm_svm_exclusive_revoked(struct vsvm_vm *vm,
					 struct vsvm_svm_range *range,
					 u64 start, u64 end)
{
	u64 first = max_t(u64, start, vsvm_range_start(range));
	u64 last = min_t(u64, end, vsvm_range_end(range));
	unsigned long i, n = 0;

	lockdep_assert_held_write(vsvm_svm_notifier_lock(vm));

	if (!range->exclusive || first >= last)
		return 0;
	for (i = (first - vsvm_range_start(range)) >> PAGE_SHIFT;
	     i < (last - vsvm_range_start(range)) >> PAGE_SHIFT; i++)
		if (__test_and_clear_bit(i, range->exclusive))
			n++;
	return n;
}

/**
 * vsvm_svm_exclusive_release() - end an engine's hold on a granted page
 * @page: what vsvm_fault_raise() handed over, or NULL
 *
 * From here on the CPU may revoke the exclusive access.
 */
void vsvm_svm_exclusive_release(struct page *page)
{
	if (!page)
		return;
	unlock_page(page);
	put_page(page);
}

/* Fault the CPU entry of @va back in, which revokes the GPU's exclusive access. */
static void vsvm_svm_exclusive_give_back(struct vsvm_vm *vm,
					 struct mmu_interval_notifier *mni,
					 u64 va)
{
	unsigned long timeout = jiffies +
				msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);
	unsigned long pfn = 0;
	struct hmm_range hrange = {
		.notifier = mni,
		.start = va,
		.end = va + PAGE_SIZE,
		.hmm_pfns = &pfn,
		.default_flags = HMM_PFN_REQ_FAULT,
		.dev_private_owner = vsvm_vram_owner(vm->vdev),
	};
	int ret;

	do {
		hrange.notifier_seq = mmu_interval_read_begin(mni);
		mmap_read_lock(vm->mm);
		ret = hmm_range_fault(&hrange);
		mmap_read_unlock(vm->mm);
	} while (ret == -EBUSY && !time_after(jiffies, timeout));
}

/**
 * vsvm_svm_exclusive_revoke_all() - give back every page a VM holds
 * @vm: the VM being torn down, with no job left
 *
 * Pages under exclusive device access cannot be reclaimed or migrated by
 * core mm until the CPU touches them: a VM that goes away gives
 * them back at once by faulting their CPU entries in, as the CPU would.
 * Nothing to do when the address space is gone.
 */
void vsvm_svm_exclusive_revoke_all(struct vsvm_vm *vm)
{
	struct drm_gpusvm_notifier *n;

	if (!mmget_not_zero(vm->mm))
		return;
	mutex_lock(&vm->svm.lock);
	drm_gpusvm_for_each_notifier(n, &vm->svm.gpusvm, 0, ULONG_MAX) {
		struct drm_gpusvm_range *r = NULL;

		drm_gpusvm_for_each_range(r, n, 0, ULONG_MAX) {
			struct vsvm_svm_range *range = to_vsvm_range(r);
			unsigned long i;

			if (!range->exclusive)
				continue;
			/* the revocation clears the bits it finds */
			for_each_set_bit(i, range->exclusive, range->npages)
				vsvm_svm_exclusive_give_back(vm, &n->notifier,
							     vsvm_range_start(range) +
							     (i << PAGE_SHIFT));
		}
	}
	mutex_unlock(&vm->svm.lock);
	mmput(vm->mm);
}
