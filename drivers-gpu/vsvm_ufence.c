// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * DOC: user fences
 *
 * Every vsvm VM takes GPU page faults, and resolving a fault allocates
 * memory. A job of such a VM must not publish a dma_fence outside the
 * driver: memory reclaim may wait for a dma_fence, and the fault the job
 * waits on needs memory (Documentation/driver-api/dma-buf.rst,
 * "Recoverable Hardware Page Faults Implications"). As xe's long-running
 * mode does, EXEC reports a job's end through a user fence instead: with
 * DRM_VSVM_EXEC_UFENCE the kernel writes a &struct drm_vsvm_ufence record
 * (error, then value) into the memory of the VM's process when the job
 * ends, and DRM_IOCTL_VSVM_WAIT_UFENCE waits for a value in the caller's
 * memory.
 *
 * When the job ends: a &struct vsvm_ufence hangs on the job's scheduler
 * fence (&drm_sched_fence.finished) from the moment EXEC arms the job. That
 * fence signals for every job EXEC accepted, whether the job ran, failed,
 * timed out, had a failed dependency or was killed with its entity when
 * the VM was closed; its error is the job's. The fence stays inside the
 * driver (no syncobj, sync_file or dma_resv ever sees it).
 *
 * Writing the record: the fence callback runs in the signalling context
 * (under the fence's spinlock, maybe from an interrupt-like context), where
 * user memory cannot be touched. It hands the write to an ordered
 * workqueue, whose worker adopts the process's address space
 * (kthread_use_mm()) and writes with put_user(), taking and resolving CPU
 * page faults as the process itself would (a record in VRAM moves back to
 * system memory first). The worker holds no lock: in particular none the
 * GPU fault path takes. The user fence holds its own reference to the
 * mm_struct (mmgrab()), so it does not depend on the VM, which may have
 * been destroyed meanwhile; if the address space is gone (mm_users is 0:
 * the process exited), there is nothing to write to and nothing is
 * written. A record that is no longer mapped writable is not written
 * either. The workqueue is ordered so that records of jobs that end one
 * after the other are written in that order (a record shared by the jobs
 * of an engine ends with the last job's value). The price: a write whose
 * page fault blocks (a FUSE mapping, a userfaultfd region of a process
 * allowed kernel-mode userfaults) delays the device's later records until
 * it is resolved; unprivileged userfaultfd handles user-mode faults only,
 * so such a write fails and is skipped.
 *
 * Waiting: after each record (written or not) the worker wakes the
 * device's waitqueue; DRM_IOCTL_VSVM_WAIT_UFENCE re-reads the value with
 * get_user() in the caller's context each time it is woken. It queues
 * itself on the waitqueue before the first read and sleeps with
 * wait_woken(), so a write between a read and the sleep is never lost.
 */

#include <linux/dma-fence.h>
#include <linux/kthread.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>

#include "vsvm_drv.h"
#include "vsvm_ufence.h"

/**
 * struct vsvm_ufence - a user fence record to write when a job ends
 * @cb: callback on the job's scheduler fence
 * @work: writes the record, on &vsvm_device.ufence_wq
 * @vdev: the device, whose waiters are woken
 * @mm: the address space of the VM's process, mmgrab()'d
 * @address: user address of the &struct drm_vsvm_ufence record
 * @value: value for &drm_vsvm_ufence.value
 * @error: the job's error, from its fence, for &drm_vsvm_ufence.error
 */
struct vsvm_ufence {
	struct dma_fence_cb cb;
	struct work_struct work;
	struct vsvm_device *vdev;
	struct mm_struct *mm;
	u64 address;
	u64 value;
	int error;
};

static void vsvm_ufence_work(struct work_struct *work)
{
	struct vsvm_ufence *uf = container_of(work, struct vsvm_ufence, work);
	struct drm_vsvm_ufence __user *rec = u64_to_user_ptr(uf->address);
	struct vsvm_device *vdev = uf->vdev;
	int ret = -ESRCH;

	/* An address space that is gone has nobody left to read the record. */
	if (mmget_not_zero(uf->mm)) {
		kthread_use_mm(uf->mm);
		ret = put_user(uf->error, &rec->error);
		if (!ret) {
			/* whoever sees the value sees the error */
			smp_wmb();
			ret = put_user(uf->value, &rec->value);
		}
		kthread_unuse_mm(uf->mm);
		/* the last user's teardown is not this worker's business */
		mmput_async(uf->mm);
	}
	if (ret)
		drm_dbg_driver(&vdev->drm, "user fence at %#llx not written: %d\n",
			       uf->address, ret);

	wake_up_all(&vdev->ufence_waitq);
	mmdrop(uf->mm);
	kfree(uf);
}

static void vsvm_ufence_cb(struct dma_fence *fence, struct dma_fence_cb *cb)
{
	struct vsvm_ufence *uf = container_of(cb, struct vsvm_ufence, cb);

	/* signalled: the error is final */
	uf->error = fence->error;
	queue_work(uf->vdev->ufence_wq, &uf->work);
}

/**
 * vsvm_ufence_create() - prepare a user fence for a job
 * @vdev: the device
 * @mm: the address space of the VM's process; a reference is taken
 * @address: user address of the record, checked by the caller
 * @value: the value to write
 *
 * Return: the user fence, or NULL when out of memory.
 */
struct vsvm_ufence *vsvm_ufence_create(struct vsvm_device *vdev,
				       struct mm_struct *mm, u64 address,
				       u64 value)
{
	struct vsvm_ufence *uf;

	uf = kzalloc_obj(*uf, GFP_KERNEL_ACCOUNT);
	if (!uf)
		return NULL;
	uf->vdev = vdev;
	mmgrab(mm);
	uf->mm = mm;
	uf->address = address;
	uf->value = value;
	INIT_WORK(&uf->work, vsvm_ufence_work);
	return uf;
}

/**
 * vsvm_ufence_free() - free a user fence that was never attached
 * @uf: the user fence, or NULL
 */
void vsvm_ufence_free(struct vsvm_ufence *uf)
{
	if (!uf)
		return;
	mmdrop(uf->mm);
	kfree(uf);
}

/**
 * vsvm_ufence_attach() - write the user fence when a fence signals
 * @uf: the user fence; it frees itself once written
 * @fence: the job's scheduler fence (finished), armed
 *
 * Must not fail: EXEC calls it once the job is armed, when the job can no
 * longer be given up.
 */
void vsvm_ufence_attach(struct vsvm_ufence *uf, struct dma_fence *fence)
{
	if (dma_fence_add_callback(fence, &uf->cb, vsvm_ufence_cb)) {
		/* signalled already */
		uf->error = fence->error;
		queue_work(uf->vdev->ufence_wq, &uf->work);
	}
}

static bool vsvm_ufence_compare(u64 v, const struct drm_vsvm_wait_ufence *args)
{
	u64 ref = args->value & args->mask;

	v &= args->mask;
	switch (args->op) {
	case DRM_VSVM_UFENCE_OP_EQ:
		return v == ref;
	case DRM_VSVM_UFENCE_OP_NEQ:
		return v != ref;
	case DRM_VSVM_UFENCE_OP_GT:
		return v > ref;
	case DRM_VSVM_UFENCE_OP_GTE:
		return v >= ref;
	case DRM_VSVM_UFENCE_OP_LT:
		return v < ref;
	case DRM_VSVM_UFENCE_OP_LTE:
		return v <= ref;
	}
	return false;
}

static int vsvm_wait_ufence_check(const struct drm_vsvm_wait_ufence *args)
{
	if (args->flags || args->pad || args->reserved[0] || args->reserved[1])
		return -EINVAL;
	if (args->op < DRM_VSVM_UFENCE_OP_EQ ||
	    args->op > DRM_VSVM_UFENCE_OP_LTE)
		return -EINVAL;
	if (!args->mask || args->timeout < 0)
		return -EINVAL;
	if (!IS_ALIGNED(args->address, sizeof(u64)))
		return -EINVAL;
	return 0;
}

/**
 * vsvm_wait_ufence_ioctl() - DRM_IOCTL_VSVM_WAIT_UFENCE
 * @drm: the DRM device
 * @data: &struct drm_vsvm_wait_ufence
 * @file: the caller's DRM file
 *
 * Waits, interruptibly, until the value at the caller's address meets the
 * condition, re-reading it each time a job of the device ends (see the DOC
 * above). The argument is not written: restarted after a signal, the wait
 * keeps its absolute deadline.
 *
 * Return: 0 once the condition holds; -ETIME at the deadline;
 * -ERESTARTSYS on a signal; -EINVAL for invalid arguments (see &struct
 * drm_vsvm_wait_ufence); -EFAULT when the value cannot be read.
 */
int vsvm_wait_ufence_ioctl(struct drm_device *drm, void *data,
			   struct drm_file *file)
{
	struct vsvm_device *vdev = to_vsvm_device(drm);
	struct drm_vsvm_wait_ufence *args = data;
	u64 __user *ptr = u64_to_user_ptr(args->address);
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	ktime_t deadline = ns_to_ktime(args->timeout);
	int ret;

	ret = vsvm_wait_ufence_check(args);
	if (ret) {
		drm_dbg_driver(drm, "wait_ufence: invalid argument\n");
		return ret;
	}

	/* queued before the first read: no write goes unnoticed */
	add_wait_queue(&vdev->ufence_waitq, &wait);
	for (;;) {
		s64 left;
		u64 v;

		if (get_user(v, ptr)) {
			ret = -EFAULT;
			break;
		}
		if (vsvm_ufence_compare(v, args)) {
			ret = 0;
			break;
		}
		/* no job ends any more: vsvm_remove() wakes the waiters */
		if (drm_dev_is_unplugged(drm)) {
			ret = -ENODEV;
			break;
		}
		if (signal_pending(current)) {
			ret = -ERESTARTSYS;
			break;
		}
		left = ktime_to_ns(ktime_sub(deadline, ktime_get()));
		if (left <= 0) {
			ret = -ETIME;
			break;
		}
		/* rounded up: never wake before the deadline for good */
		wait_woken(&wait, TASK_INTERRUPTIBLE,
			   min_t(u64, nsecs_to_jiffies(left) + 1,
				 MAX_SCHEDULE_TIMEOUT - 1));
	}
	remove_wait_queue(&vdev->ufence_waitq, &wait);
	return ret;
}

/**
 * vsvm_ufence_init() - set up the user fence writer of a device
 * @vdev: the device
 *
 * Return: 0 or -ENOMEM.
 */
int vsvm_ufence_init(struct vsvm_device *vdev)
{
	init_waitqueue_head(&vdev->ufence_waitq);
	vdev->ufence_wq = alloc_ordered_workqueue("vsvm-ufence", 0);
	return vdev->ufence_wq ? 0 : -ENOMEM;
}

/**
 * vsvm_ufence_fini() - write the pending user fences and stop the writer
 * @vdev: the device; its engines are gone, so no fence is left to signal
 */
void vsvm_ufence_fini(struct vsvm_device *vdev)
{
	destroy_workqueue(vdev->ufence_wq);
	vdev->ufence_wq = NULL;
}
