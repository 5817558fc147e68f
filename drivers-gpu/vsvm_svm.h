/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */

#ifndef _VSVM_SVM_H_
#define _VSVM_SVM_H_

#include <linux/dma-mapping.h>
#include <linux/list.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include <drm/drm_gpusvm.h>

struct page;
struct vsvm_vm;

/*
 * drm_gpusvm_get_pages() hands out the pfns it mapped, and takes DMA
 * attributes, with kernel/patches/0101-0104 (proposed upstream). In tree it
 * is always there; out of tree (dkms) the Makefile finds out from the
 * kernel's headers. Without it vsvm gets the pages itself
 * (vsvm_svm_pages.c).
 */
#ifndef VSVM_GPUSVM_PFNS
#define VSVM_GPUSVM_PFNS	1
#endif

/*
 * System pages are mapped for a coherent device that never reads a bounce
 * buffer and shares pages between many VMs (vsvm_svm_pages.c).
 */
#define VSVM_SVM_DMA_ATTRS	(DMA_ATTR_DEBUGGING_IGNORE_CACHELINES | \
				 DMA_ATTR_SKIP_CPU_SYNC)

/* Unmapped spans an attribute notifier remembers between two collections. */
#define VSVM_SVM_MAX_UNMAPPED	16

/* One notifier covers an aligned 512 MiB of the address space. */
#define VSVM_SVM_NOTIFIER_SHIFT	29

/**
 * struct vsvm_svm_attr_notifier - watches munmap() under MADVISE attributes
 * @notifier: the interval notifier over [@start, @end)
 * @vm: the VM it belongs to
 * @start: first address covered
 * @end: end address (exclusive)
 * @unmapped: spans munmap()ed since the last garbage collection, protected
 *	by &vsvm_svm.unmapped_lock; when all are in use, the last one grows
 * @nr_unmapped: entries used in @unmapped
 *
 * Attributes apply to addresses, not to mirrored ranges: drm_gpusvm only
 * has notifiers where the GPU faulted, so the span of an attribute gets a
 * notifier of its own that only records what munmap() took away.
 */
struct vsvm_svm_attr_notifier {
	struct mmu_interval_notifier notifier;
	struct vsvm_vm *vm;
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
 * @base: drm_gpusvm's range: interval, notifier, unmapped flags
 * @gc_link: link in &vsvm_svm.gc_list once munmap() took (part of) the
 *	range; empty otherwise. Under the notifier lock.
 * @pfns: the HMM pfns of the mirrored pages, what the engine reaches them
 *	by; current while @valid
 * @pages: drm_gpusvm's pages of the range: their DMA mappings
 *	(vsvm_svm_pages.c)
 * @dma: without drm_gpusvm's pfns (!VSVM_GPUSVM_PFNS): the DMA address of
 *	each page, DMA_MAPPING_ERROR for VRAM pages
 * @dma_dir: the direction of @dma's mappings
 * @dma_mapped: @dma holds mappings
 * @npages: number of 4 KiB pages in the range
 * @valid: the GPU page table maps the range; cleared by invalidation
 * @writable: every page of the range is mapped writable
 * @huge: mapped with one 2 MiB entry
 * @removing: being given back to drm_gpusvm: not to be queued for
 *	collection again
 * @exclusive: bitmap of the pages the GPU has exclusive (atomic) access to,
 *	allocated at the first grant (vsvm_atomic.c); kept across
 *	invalidations so that the CPU's revocations are counted
 *
 * @pfns, @pages and @dma are allocated by the first fault on the range
 * (fault lock held). Their contents, @valid, @writable, @huge and the bits
 * of @exclusive are protected by the notifier lock
 * (vsvm_svm_notifier_lock()).
 */
struct vsvm_svm_range {
	struct drm_gpusvm_range base;
	struct list_head gc_link;
	unsigned long *pfns;
#if VSVM_GPUSVM_PFNS
	struct drm_gpusvm_pages pages;
#else
	dma_addr_t *dma;
	enum dma_data_direction dma_dir;
	bool dma_mapped;
#endif
	unsigned long *exclusive;
	unsigned long npages;
	bool valid;
	bool writable;
	bool huge;
	bool removing;
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
 * @gpusvm: drm_gpusvm's mirror: notifiers (512 MiB each), ranges
 *	(&struct vsvm_svm_range) and the notifier lock
 *	(vsvm_svm_notifier_lock()): the lock protects GPU page-table leaves
 *	and range state. drm_gpusvm's notifier takes it for writing (possibly
 *	in reclaim: no allocation under it) before calling
 *	vsvm_svm_invalidate(); fault commit takes it for writing too; engines
 *	hold it for reading for every memory access, so invalidation waits
 *	for accesses in flight.
 * @lock: the fault lock, drm_gpusvm's driver lock: serialises fault
 *	resolution (so faults of several engines on one range resolve once),
 *	range creation and removal, and page-table growth. Never taken by
 *	a notifier callback.
 * @gc_list: ranges munmap() took (part of), to remove under @lock;
 *	protected by the notifier lock
 * @unmapped_lock: protects the unmapped spans of @attr_notifiers
 * @attr_notifiers: &struct vsvm_svm_attr_notifier indexed by address >>
 *	VSVM_SVM_NOTIFIER_SHIFT; changed under @lock
 * @attrs: per attribute, &struct vsvm_svm_attr ranges, non-overlapping;
 *	under @lock. An address outside every range has the default value 0.
 * @excl_recent: pages granted exclusive access lately, a ring; under @lock
 * @excl_next: next slot of @excl_recent to fill; under @lock
 */
struct vsvm_svm {
	struct drm_gpusvm gpusvm;
	/* the fault lock, see above */
	struct mutex lock;
	struct list_head gc_list;
	spinlock_t unmapped_lock; /* see above */
	struct xarray attr_notifiers;
	struct list_head attrs[VSVM_SVM_NUM_ATTRS];
	u64 excl_recent[VSVM_SVM_EXCL_RECENT];
	unsigned int excl_next;
};

/* The notifier lock: drm_gpusvm's, see &struct vsvm_svm. */
#define vsvm_svm_notifier_lock(vm)	(&(vm)->svm.gpusvm.notifier_lock)

static inline struct vsvm_svm_range *
to_vsvm_range(struct drm_gpusvm_range *r)
{
	return container_of(r, struct vsvm_svm_range, base);
}

static inline u64 vsvm_range_start(struct vsvm_svm_range *range)
{
	return drm_gpusvm_range_start(&range->base);
}

static inline u64 vsvm_range_end(struct vsvm_svm_range *range)
{
	return drm_gpusvm_range_end(&range->base);
}

static inline struct mmu_interval_notifier *
vsvm_range_notifier(struct vsvm_svm_range *range)
{
	return &range->base.notifier->notifier;
}

/* The kind of access behind a GPU fault. */
enum vsvm_access {
	VSVM_ACCESS_READ = 1,
	VSVM_ACCESS_WRITE,
	VSVM_ACCESS_ATOMIC,
	VSVM_ACCESS_FETCH,
};

int vsvm_svm_init(struct vsvm_vm *vm);
void vsvm_svm_fini(struct vsvm_vm *vm);
int vsvm_svm_fault(struct vsvm_vm *vm, u64 addr, enum vsvm_access access,
		   struct page **locked);
int vsvm_fault_raise(struct vsvm_vm *vm, u64 addr, enum vsvm_access access,
		     struct page **locked);
int vsvm_svm_pages_init(struct vsvm_vm *vm, struct vsvm_svm_range *range);
void vsvm_svm_pages_fini(struct vsvm_vm *vm, struct vsvm_svm_range *range);
int vsvm_svm_pages_get(struct vsvm_vm *vm, struct vsvm_svm_range *range,
		       bool write, void *owner);
void vsvm_svm_pages_unmap(struct vsvm_vm *vm, struct vsvm_svm_range *range);
int vsvm_svm_range_populate(struct vsvm_vm *vm, struct vsvm_svm_range *range,
			    bool write, void *owner, bool force_atomic);
void vsvm_svm_fault_migrate(struct vsvm_vm *vm, struct vsvm_svm_range *range,
			    u64 addr, u64 region);
void vsvm_svm_map(struct vsvm_vm *vm, u64 start, u64 end);

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
