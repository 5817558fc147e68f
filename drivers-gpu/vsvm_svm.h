/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */

#ifndef _VSVM_SVM_H_
#define _VSVM_SVM_H_

#include <linux/interval_tree.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/types.h>
#include <linux/xarray.h>

struct page;
struct vsvm_vm;

/* Unmapped spans a notifier remembers between two garbage collections. */
#define VSVM_SVM_MAX_UNMAPPED	16

/* One notifier covers an aligned 512 MiB of the address space. */
#define VSVM_SVM_NOTIFIER_SHIFT	29

/**
 * struct vsvm_svm_notifier - an mmu_interval_notifier and its ranges
 * @notifier: the interval notifier over [@start, @end)
 * @vm: the VM it belongs to
 * @ranges: interval tree of &struct vsvm_svm_range; changed with both the
 *	VM's fault lock and its notifier lock (write) held, so holding either
 *	one is enough to walk it
 * @start: first address covered
 * @end: end address (exclusive)
 * @unmapped: spans munmap()ed since the last garbage collection, protected
 *	by the notifier lock; when all are in use, the last one grows
 * @nr_unmapped: entries used in @unmapped
 */
struct vsvm_svm_notifier {
	struct mmu_interval_notifier notifier;
	struct vsvm_vm *vm;
	struct rb_root_cached ranges;
	u64 start;
	u64 end;
	struct {
		u64 start;
		u64 end;
	} unmapped[VSVM_SVM_MAX_UNMAPPED];
	unsigned int nr_unmapped;
};

/**
 * struct vsvm_svm_range - a chunk of the address space mirrored as a unit
 * @itree: node in the notifier's range tree; start and last (inclusive)
 * @notifier: the notifier covering the range
 * @dma: DMA addresses of the mirrored pages, one per 4 KiB page, or one for
 *	the whole range when @huge; valid while @valid
 * @dma_write: bitmap of the pages mapped DMA_BIDIRECTIONAL (the GPU may
 *	write them); the others are mapped DMA_TO_DEVICE. Set with @dma.
 * @npages: number of 4 KiB pages in the range
 * @valid: the GPU page table maps the range; cleared by invalidation
 * @writable: every page of the range is mapped writable
 * @huge: mapped with one 2 MiB entry
 * @exclusive: bitmap of the pages the GPU has exclusive (atomic) access to,
 *	allocated at the first grant (vsvm_atomic.c); kept across
 *	invalidations so that the CPU's revocations are counted
 *
 * @dma, @dma_write, @valid, @writable, @huge and the bits of @exclusive
 * are protected by the VM's notifier lock.
 */
struct vsvm_svm_range {
	struct interval_tree_node itree;
	struct vsvm_svm_notifier *notifier;
	dma_addr_t *dma;
	unsigned long *dma_write;
	unsigned long *exclusive;
	unsigned long npages;
	bool valid;
	bool writable;
	bool huge;
};

/* Exclusive grants remembered to tell a contended page (vsvm_atomic.c). */
#define VSVM_SVM_EXCL_RECENT	16

/* Attributes of &DRM_IOCTL_VSVM_MADVISE: DRM_VSVM_ATTR_* - 1 indexes them. */
#define VSVM_SVM_NUM_ATTRS	4

/**
 * struct vsvm_svm_attr - the value of one attribute over an address range
 * @link: link in one of &vsvm_svm.attrs
 * @start: first address
 * @end: end address (exclusive)
 * @value: the attribute's value
 */
struct vsvm_svm_attr {
	struct list_head link;
	u64 start;
	u64 end;
	u64 value;
};

/**
 * struct vsvm_svm - the mirror of one VM's CPU address space
 * @lock: the fault lock: serialises fault resolution (so faults of several
 *	engines on one range resolve once), notifier and range creation and
 *	page-table growth. Never taken by the notifier callback.
 * @notifier_lock: protects GPU page-table leaves and range state. Taken for
 *	writing by the notifier callback (possibly in reclaim: no allocation
 *	under it) and by fault commit; held for reading by engines for every
 *	memory access, so invalidation waits for accesses in flight.
 * @notifiers: &struct vsvm_svm_notifier indexed by address >>
 *	VSVM_SVM_NOTIFIER_SHIFT; changed under @lock
 * @attrs: per attribute, &struct vsvm_svm_attr ranges, non-overlapping;
 *	under @lock. An address outside every range has the default value 0.
 * @excl_recent: pages granted exclusive access lately, a ring; under @lock
 * @excl_next: next slot of @excl_recent to fill; under @lock
 */
struct vsvm_svm {
	/* the fault lock, see above */
	struct mutex lock;
	struct rw_semaphore notifier_lock;
	struct xarray notifiers;
	struct list_head attrs[VSVM_SVM_NUM_ATTRS];
	u64 excl_recent[VSVM_SVM_EXCL_RECENT];
	unsigned int excl_next;
};

/* The kind of access behind a GPU fault. */
enum vsvm_access {
	VSVM_ACCESS_READ = 1,
	VSVM_ACCESS_WRITE,
	VSVM_ACCESS_ATOMIC,
	VSVM_ACCESS_FETCH,
};

void vsvm_svm_init(struct vsvm_vm *vm);
void vsvm_svm_fini(struct vsvm_vm *vm);
int vsvm_svm_fault(struct vsvm_vm *vm, u64 addr, enum vsvm_access access,
		   struct page **locked);
int vsvm_fault_raise(struct vsvm_vm *vm, u64 addr, enum vsvm_access access,
		     struct page **locked);
int vsvm_svm_range_populate(struct vsvm_vm *vm, struct vsvm_svm_range *range,
			    bool write, void *owner, bool force_atomic);
void vsvm_svm_fault_migrate(struct vsvm_vm *vm, struct vsvm_svm_range *range,
			    u64 addr);

/* vsvm_atomic.c */
bool vsvm_svm_pte_atomic(struct vsvm_vm *vm, u64 addr);
bool vsvm_svm_exclusive_page(struct vsvm_vm *vm, u64 addr);
int vsvm_svm_fault_atomic(struct vsvm_vm *vm, struct vsvm_svm_range *range,
			  u64 addr, struct page **locked);
unsigned long vsvm_svm_exclusive_revoked(struct vsvm_vm *vm,
					 struct vsvm_svm_range *range,
					 u64 start, u64 end);
void vsvm_svm_exclusive_release(struct page *page);
void vsvm_svm_exclusive_revoke_all(struct vsvm_vm *vm);
int vsvm_svm_snapshot(struct vsvm_vm *vm, u64 start, u64 end,
		      unsigned long *pfns);
int vsvm_svm_hmm_range(struct vsvm_vm *vm, u64 start, u64 end,
		       unsigned long *pfns, bool fault);
int vsvm_svm_attr_set(struct vsvm_vm *vm, u32 attr, u64 start, u64 end,
		      u64 value);
u64 vsvm_svm_attr_get(struct vsvm_vm *vm, u32 attr, u64 addr);
void vsvm_svm_gc(struct vsvm_vm *vm);
u64 vsvm_svm_attr_span(struct vsvm_vm *vm, u32 attr, u64 addr, u64 *start,
		       u64 *end);

#endif /* _VSVM_SVM_H_ */
