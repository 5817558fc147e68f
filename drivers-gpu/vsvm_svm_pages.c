// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * DOC: The pages of a range (drm_gpusvm_get_pages())
 *
 * A GPU fault mirrors a range (vsvm_svm.c) by getting its pages: the CPU
 * page table walked with hmm_range_fault() under the range's notifier, CPU
 * pages faulted in as the access needs, and the pages mapped for the device
 * through the DMA API under the notifier lock. The engine is the CPU: it
 * reaches the pages by the pfns hmm_range_fault() returned, never by their
 * DMA addresses (turning those back is wrong under swiotlb or an IOMMU);
 * the DMA mappings are the device's view, kept as a real device keeps them.
 *
 * Where drm_gpusvm hands the pfns out (kernel/patches/0101-0104, proposed
 * upstream: DMA attributes, the pfns, mappings no larger than the DMA layer
 * takes, fsdax pages), this is drm_gpusvm_get_pages(): the range's pages
 * are a &struct drm_gpusvm_pages and drm_gpusvm_pages_valid() says whether
 * they are current. Without those patches (Debian's stock kernel) the same
 * steps are vsvm's own: hmm_range_fault_unlocked_timeout(), the notifier
 * sequence checked under the notifier lock, and one DMA mapping per page.
 *
 * Either way the system pages are mapped with
 * DMA_ATTR_DEBUGGING_IGNORE_CACHELINES (many VMs mirror one page, the
 * shared zero page above all) and DMA_ATTR_SKIP_CPU_SYNC (the device is
 * coherent and never reads a bounce buffer: a swiotlb unmap would copy a
 * stale bounce buffer over what the engine wrote to the page). A range is
 * mapped DMA_BIDIRECTIONAL after a write fault and DMA_TO_DEVICE after a
 * read fault, which asks for no write access so that GPU reads never break
 * copy-on-write; the GPU entries still follow the CPU's permission for
 * each page (vsvm_svm_range_commit()): with coherent access and no CPU
 * syncs the direction decides nothing about the data. VRAM pages are the
 * device's own: drm_gpusvm maps them by their VRAM offset (the drm_pagemap
 * device_map op, vsvm_pagemap.c), the fallback does not map them at all.
 */

#include <linux/dma-mapping.h>
#include <linux/hmm.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "vsvm_drv.h"
#include "vsvm_svm.h"
#include "vsvm_vm.h"
#include "vsvm_vram.h"

/**
 * vsvm_svm_pages_init() - allocate what a range's pages are kept in
 * @vm: the VM, with its fault lock held
 * @range: a range without pages yet, @range->npages set
 *
 * Return: 0 or -ENOMEM. What was allocated is freed by
 * vsvm_svm_pages_fini() either way.
 */
int vsvm_svm_pages_init(struct vsvm_vm *vm, struct vsvm_svm_range *range)
{
	lockdep_assert_held(&vm->svm.lock);

	range->pfns = kvcalloc(range->npages, sizeof(*range->pfns),
			       GFP_KERNEL_ACCOUNT);
	if (!range->pfns)
		return -ENOMEM;
#if VSVM_GPUSVM_PFNS
	drm_gpusvm_init_pages(&range->pages, &vm->vdev->drm);
#else
	range->dma = kvcalloc(range->npages, sizeof(*range->dma),
			      GFP_KERNEL_ACCOUNT);
	if (!range->dma)
		return -ENOMEM;
#endif
	return 0;
}

/**
 * vsvm_svm_pages_fini() - free a range's pages
 * @vm: the VM
 * @range: the range, being freed; its pages unmapped (invalidated)
 *
 * Called from drm_gpusvm's range_free op, without the notifier lock.
 */
void vsvm_svm_pages_fini(struct vsvm_vm *vm, struct vsvm_svm_range *range)
{
#if VSVM_GPUSVM_PFNS
	if (range->pfns)
		drm_gpusvm_free_pages(&vm->svm.gpusvm, &range->pages,
				      range->npages);
#else
	kvfree(range->dma);
#endif
	kvfree(range->pfns);
}

#if VSVM_GPUSVM_PFNS

static int __vsvm_svm_pages_get(struct vsvm_vm *vm,
				struct vsvm_svm_range *range, bool write,
				void *owner)
{
	struct drm_gpusvm_ctx ctx = {
		.device_private_page_owner = owner,
		.read_only = !write,
		/* system pages beside VRAM pages of this device */
		.allow_mixed = true,
		.hmm_pfns = range->pfns,
	};
	unsigned long timeout = jiffies +
				msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);
	int ret;

	for (;;) {
		ret = drm_gpusvm_get_pages(&vm->svm.gpusvm, &range->pages,
					   vm->mm, vsvm_range_notifier(range),
					   vsvm_range_start(range),
					   vsvm_range_end(range), &ctx);
		if (ret)
			return ret;
		down_write(vsvm_svm_notifier_lock(vm));
		if (drm_gpusvm_pages_valid(&vm->svm.gpusvm, &range->pages))
			return 0;
		/* invalidated since: get them again */
		up_write(vsvm_svm_notifier_lock(vm));
		vsvm_vm_stat_add(vm, VSVM_STAT_RETRIES, 1);
		if (time_after(jiffies, timeout))
			return -EBUSY;
	}
}

#else /* !VSVM_GPUSVM_PFNS: vsvm's own steps, as drm_gpusvm_get_pages() */

static struct device *vsvm_svm_pages_dev(struct vsvm_vm *vm)
{
	return vm->vdev->drm.dev;
}

static void vsvm_svm_dma_unmap(struct vsvm_vm *vm,
			       struct vsvm_svm_range *range,
			       unsigned long npages)
{
	unsigned long i;

	for (i = 0; i < npages; i++)
		if (range->dma[i] != DMA_MAPPING_ERROR)
			dma_unmap_phys(vsvm_svm_pages_dev(vm), range->dma[i],
				       PAGE_SIZE, range->dma_dir,
				       VSVM_SVM_DMA_ATTRS);
}

/*
 * Map the pages, one mapping each (swiotlb takes no more than 256 KiB at
 * once). Pages are mapped by physical address: fsdax (DAX) pages are
 * ZONE_DEVICE pages, which dma_map_page() refuses. Notifier lock held
 * for writing, the pages current.
 */
static int vsvm_svm_dma_map(struct vsvm_vm *vm, struct vsvm_svm_range *range,
			    enum dma_data_direction dir)
{
	struct device *dev = vsvm_svm_pages_dev(vm);
	unsigned long i;

	range->dma_dir = dir;
	for (i = 0; i < range->npages; i++) {
		struct page *page = hmm_pfn_to_page(range->pfns[i]);

		/* VRAM, the GPU's own or a peer's: nothing to map. */
		if (vsvm_vram_page(vm->vdev, page) ||
		    vsvm_vram_peer_page(vm->vdev, page)) {
			range->dma[i] = DMA_MAPPING_ERROR;
			continue;
		}
		range->dma[i] = dma_map_phys(dev, page_to_phys(page), PAGE_SIZE,
					     dir, VSVM_SVM_DMA_ATTRS);
		if (dma_mapping_error(dev, range->dma[i])) {
			vsvm_svm_dma_unmap(vm, range, i);
			return -EFAULT;
		}
	}
	range->dma_mapped = true;
	return 0;
}

static int __vsvm_svm_pages_get(struct vsvm_vm *vm,
				struct vsvm_svm_range *range, bool write,
				void *owner)
{
	unsigned long hmm_timeout = msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);
	unsigned long timeout = jiffies + hmm_timeout;
	struct hmm_range hrange = {
		.notifier = vsvm_range_notifier(range),
		.start = vsvm_range_start(range),
		.end = vsvm_range_end(range),
		.hmm_pfns = range->pfns,
		.default_flags = HMM_PFN_REQ_FAULT |
				 (write ? HMM_PFN_REQ_WRITE : 0),
		.dev_private_owner = owner,
	};
	int ret;

	for (;;) {
		/*
		 * The mmap lock may be dropped while a fault waits (a
		 * userfaultfd handler, for one): only this VM's handler waits.
		 */
		ret = hmm_range_fault_unlocked_timeout(&hrange, hmm_timeout);
		if (ret != -EBUSY) {
			if (ret)
				return ret;
			/*
			 * DMA mappings are made under the notifier lock,
			 * once the pages are known to be current: a mapping
			 * never races an invalidation.
			 */
			down_write(vsvm_svm_notifier_lock(vm));
			if (!mmu_interval_read_retry(hrange.notifier,
						     hrange.notifier_seq)) {
				ret = vsvm_svm_dma_map(vm, range, write ?
						       DMA_BIDIRECTIONAL :
						       DMA_TO_DEVICE);
				if (ret)
					up_write(vsvm_svm_notifier_lock(vm));
				return ret;
			}
			up_write(vsvm_svm_notifier_lock(vm));
		}
		vsvm_vm_stat_add(vm, VSVM_STAT_RETRIES, 1);
		if (time_after(jiffies, timeout))
			return -EBUSY;
	}
}

#endif /* VSVM_GPUSVM_PFNS */

/**
 * vsvm_svm_pages_unmap() - undo the DMA mappings of a range's pages
 * @vm: the VM, with its notifier lock held for writing
 * @range: the range, its GPU entries cleared
 */
void vsvm_svm_pages_unmap(struct vsvm_vm *vm, struct vsvm_svm_range *range)
{
#if VSVM_GPUSVM_PFNS
	struct drm_gpusvm_ctx ctx = { .in_notifier = true };

	drm_gpusvm_unmap_pages(&vm->svm.gpusvm, &range->pages, range->npages,
			       &ctx);
#else
	lockdep_assert_held_write(vsvm_svm_notifier_lock(vm));

	if (!range->dma_mapped)
		return;
	vsvm_svm_dma_unmap(vm, range, range->npages);
	range->dma_mapped = false;
#endif
}

/**
 * vsvm_svm_pages_get() - get the current pages of a range
 * @vm: the VM, with its fault lock held and a reference on its address
 *	space (mmget)
 * @range: the range, its old pages unmapped (invalidated)
 * @write: ask the CPU page table for write access
 * @owner: device-private owner whose pages are taken as they are (vsvm's
 *	own VRAM), or NULL to fault every device-private page back
 *
 * Retries while the CPU page table changes, up to
 * HMM_RANGE_DEFAULT_TIMEOUT. On success @range->pfns holds the pages, and
 * they stay current until the notifier lock is dropped.
 *
 * Return: 0 with the notifier lock held for writing, or the negative errno
 * of hmm_range_fault() (-EFAULT, -EPERM, -EBUSY), -ENOMEM, -EFAULT for a
 * page that cannot be mapped, without it.
 */
int vsvm_svm_pages_get(struct vsvm_vm *vm, struct vsvm_svm_range *range,
		       bool write, void *owner)
{
	lockdep_assert_held(&vm->svm.lock);

	return __vsvm_svm_pages_get(vm, range, write, owner);
}
