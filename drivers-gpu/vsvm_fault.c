// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * DOC: GPU fault queue
 *
 * A faulting engine stalls: it queues a &struct vsvm_fault on its VM's
 * fault queue and waits. Each VM has its own fault handler, a work item on
 * the device's unbound fault workqueue: it takes the VM's faults in order
 * and resolves each with vsvm_svm_fault(); the engine then replays the
 * access. A fault that takes long to resolve (a userfaultfd-registered
 * range whose handler is slow, say) stalls the jobs of its own VM only:
 * the handlers of other VMs, and so other processes, run in parallel.
 *
 * Faults of several engines on one range resolve once: the VM's handler
 * takes one fault at a time, the first resolves the range and the others
 * find it valid (VSVM_STAT_FAULTS_DEDUP).
 *
 * The handler charges what it allocates to the memory cgroup of the VM's
 * process (set_active_memcg()), as the ioctls charge the caller.
 *
 * Once the device is unplugged, faults fail with -ENODEV unresolved.
 *
 * Locking: &vsvm_vm.fault_lock protects the VM's fault list only; it is
 * never held while a fault is resolved.
 */

#include <linux/completion.h>
#include <linux/list.h>
#include <linux/memcontrol.h>
#include <linux/sched/mm.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include <drm/drm_drv.h>

#include "vsvm_drv.h"
#include "vsvm_svm.h"
#include "vsvm_vm.h"

/**
 * struct vsvm_fault - one GPU page fault waiting for the handler
 * @link: link in &vsvm_vm.fault_list
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

static struct vsvm_fault *vsvm_fault_next(struct vsvm_vm *vm)
{
	struct vsvm_fault *f;

	spin_lock(&vm->fault_lock);
	f = list_first_entry_or_null(&vm->fault_list, struct vsvm_fault, link);
	if (f)
		list_del(&f->link);
	spin_unlock(&vm->fault_lock);
	return f;
}

static void vsvm_fault_work(struct work_struct *work)
{
	struct vsvm_vm *vm = container_of(work, struct vsvm_vm, fault_work);
	struct mem_cgroup *old_memcg;
	struct vsvm_fault *f;
	int idx;

	old_memcg = set_active_memcg(vm->memcg);
	while ((f = vsvm_fault_next(vm))) {
		f->result = -ENODEV;
		if (drm_dev_enter(&vm->vdev->drm, &idx)) {
			f->result = vsvm_svm_fault(f->vm, f->addr, f->access,
						   &f->locked);
			drm_dev_exit(idx);
		}
		complete(&f->done);
	}
	set_active_memcg(old_memcg);
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
 * Called by engines (not in a user task's context): the wait ends when the
 * VM's handler is done with the fault, which a job timeout does not
 * shorten; a handler stuck on its process's memory only stalls that VM.
 *
 * Return: as vsvm_svm_fault(); -ENODEV after a hot-unplug.
 */
int vsvm_fault_raise(struct vsvm_vm *vm, u64 addr, enum vsvm_access access,
		     struct page **locked)
{
	struct vsvm_fault f = {
		.vm = vm,
		.addr = addr,
		.access = access,
	};

	init_completion(&f.done);
	spin_lock(&vm->fault_lock);
	list_add_tail(&f.link, &vm->fault_list);
	spin_unlock(&vm->fault_lock);
	queue_work(vm->vdev->fault_wq, &vm->fault_work);
	wait_for_completion(&f.done);
	*locked = f.locked;
	return f.result;
}

/**
 * vsvm_fault_vm_init() - set up the fault queue of a new VM
 * @vm: the VM
 */
void vsvm_fault_vm_init(struct vsvm_vm *vm)
{
	spin_lock_init(&vm->fault_lock);
	INIT_LIST_HEAD(&vm->fault_list);
	INIT_WORK(&vm->fault_work, vsvm_fault_work);
}

/**
 * vsvm_fault_vm_fini() - wait for the fault handler of a VM going away
 * @vm: the VM, whose last reference is gone: no engine raises a fault
 *
 * The handler may still be running after completing the VM's last fault.
 */
void vsvm_fault_vm_fini(struct vsvm_vm *vm)
{
	flush_work(&vm->fault_work);
	WARN_ON(!list_empty(&vm->fault_list));
}

/**
 * vsvm_fault_init() - set up the device's fault workqueue
 * @vdev: the device
 *
 * Return: 0 or -ENOMEM.
 */
int vsvm_fault_init(struct vsvm_device *vdev)
{
	/*
	 * WQ_MEM_RECLAIM: the scheduler's reclaim-safe workers may drop the
	 * last reference to a VM (drm_sched free_job), which flushes the
	 * VM's fault work (vsvm_fault_vm_fini()).
	 */
	vdev->fault_wq = alloc_workqueue("vsvm-faults",
					 WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	return vdev->fault_wq ? 0 : -ENOMEM;
}

/**
 * vsvm_fault_fini() - tear the fault workqueue down
 * @vdev: the device, with no engine running
 */
void vsvm_fault_fini(struct vsvm_device *vdev)
{
	destroy_workqueue(vdev->fault_wq);
}
