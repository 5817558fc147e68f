// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * DOC: GPU fault queue
 *
 * A faulting engine stalls: it queues a &struct vsvm_fault on the device's
 * fault queue and waits. The fault handler, one ordered worker per device
 * as hardware has one fault queue, takes faults in order and resolves each
 * with vsvm_svm_fault(); the engine then replays the access. Faults of
 * several engines on one range resolve once: the first resolves the range,
 * the others find it valid (DRM_VSVM_STAT_FAULTS_DEDUP).
 */

#include <linux/completion.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "vsvm_drv.h"
#include "vsvm_svm.h"
#include "vsvm_vm.h"

/**
 * struct vsvm_fault - one GPU page fault waiting for the handler
 * @link: link in &vsvm_device.fault_list
 * @vm: the faulting VM
 * @addr: the faulting address
 * @access: the access kind
 * @result: what vsvm_svm_fault() returned
 * @locked: a page the handler holds for the engine's replay, or NULL
 * @done: completed by the handler
 */
struct vsvm_fault {
	struct list_head link;
	struct vsvm_vm *vm;
	u64 addr;
	enum vsvm_access access;
	int result;
	struct page *locked;
	struct completion done;
};

static void vsvm_fault_work(struct work_struct *work)
{
	struct vsvm_device *vdev = container_of(work, struct vsvm_device,
						fault_work);
	struct vsvm_fault *f;

	for (;;) {
		spin_lock(&vdev->fault_lock);
		f = list_first_entry_or_null(&vdev->fault_list,
					     struct vsvm_fault, link);
		if (f)
			list_del(&f->link);
		spin_unlock(&vdev->fault_lock);
		if (!f)
			break;

		f->result = vsvm_svm_fault(f->vm, f->addr, f->access,
					   &f->locked);
		complete(&f->done);
	}
}

/**
 * vsvm_fault_raise() - raise a GPU page fault and stall until it is handled
 * @vm: the faulting VM; the caller holds a reference
 * @addr: the faulting address
 * @access: the access kind
 * @locked: out: a page held for the replay (vsvm_svm_fault()), which the
 *	caller releases with vsvm_svm_exclusive_release() after the access;
 *	NULL if none
 *
 * Return: as vsvm_svm_fault().
 */
int vsvm_fault_raise(struct vsvm_vm *vm, u64 addr, enum vsvm_access access,
		     struct page **locked)
{
	struct vsvm_device *vdev = vm->vdev;
	struct vsvm_fault f = {
		.vm = vm,
		.addr = addr,
		.access = access,
	};

	init_completion(&f.done);
	spin_lock(&vdev->fault_lock);
	list_add_tail(&f.link, &vdev->fault_list);
	spin_unlock(&vdev->fault_lock);
	queue_work(vdev->fault_wq, &vdev->fault_work);
	wait_for_completion(&f.done);
	*locked = f.locked;
	return f.result;
}

/**
 * vsvm_fault_init() - set up the device's fault queue and handler
 * @vdev: the device
 *
 * Return: 0 or -ENOMEM.
 */
int vsvm_fault_init(struct vsvm_device *vdev)
{
	spin_lock_init(&vdev->fault_lock);
	INIT_LIST_HEAD(&vdev->fault_list);
	INIT_WORK(&vdev->fault_work, vsvm_fault_work);
	vdev->fault_wq = alloc_ordered_workqueue("vsvm-faults", 0);
	return vdev->fault_wq ? 0 : -ENOMEM;
}

/**
 * vsvm_fault_fini() - tear the fault queue down
 * @vdev: the device, with no engine running
 */
void vsvm_fault_fini(struct vsvm_device *vdev)
{
	destroy_workqueue(vdev->fault_wq);
}
