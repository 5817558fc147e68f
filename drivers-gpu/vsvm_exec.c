// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * DOC: job submission
 *
 * DRM_IOCTL_VSVM_EXEC checks every argument before it takes a reference on
 * anything: unknown flags and non-zero MBZ fields, the user fence address,
 * the engine, a batch that is empty, too large, unaligned, wraps around or
 * reaches beyond the user address space (TASK_SIZE) or the GPU's reach,
 * and each sync. A signal sync fails with -EOPNOTSUPP: the job's fences
 * stay in the driver, and its end is reported through a user fence
 * (vsvm_ufence.c). What the command buffer
 * holds can only be checked by the engine as it fetches it: a malformed
 * command ends the job with -EINVAL (vsvm_cmd.c).
 *
 * Bounds: at most VSVM_EXEC_MAX_SYNCS syncs per job, and at most
 * VSVM_MAX_JOBS_PER_VM jobs of a VM submitted and not yet freed by the
 * scheduler (-ENOSPC beyond). The arrays the ioctl allocates are charged to
 * the caller's memory cgroup.
 */

#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_print.h>

#include "vsvm_drv.h"
#include "vsvm_engine.h"
#include "vsvm_ufence.h"
#include "vsvm_vm.h"

#define VSVM_EXEC_MAX_BATCH	SZ_1M
#define VSVM_EXEC_MAX_SYNCS	64

static int vsvm_exec_check_ufence(const struct drm_vsvm_exec *args)
{
	if (!(args->flags & DRM_VSVM_EXEC_UFENCE))
		return args->ufence_address || args->ufence_value ? -EINVAL : 0;
	/* the whole record inside the user address space */
	if (!args->ufence_address ||
	    !IS_ALIGNED(args->ufence_address, sizeof(u64)) ||
	    args->ufence_address >= TASK_SIZE ||
	    TASK_SIZE - args->ufence_address < sizeof(struct drm_vsvm_ufence))
		return -EINVAL;
	return 0;
}

static int vsvm_exec_check(struct vsvm_device *vdev,
			   const struct drm_vsvm_exec *args)
{
	u64 limit;

	if (args->extensions || args->pad ||
	    args->flags & ~DRM_VSVM_EXEC_UFENCE)
		return -EINVAL;
	if (vsvm_exec_check_ufence(args))
		return -EINVAL;
	if (args->engine >= vdev->num_engines)
		return -EINVAL;
	if (!args->batch_size || args->batch_size > VSVM_EXEC_MAX_BATCH ||
	    !IS_ALIGNED(args->batch_size, 8) ||
	    !IS_ALIGNED(args->batch_address, 8))
		return -EINVAL;
	/*
	 * A batch that wraps or leaves user space, or the GPU's reach (below
	 * TASK_SIZE with 5-level paging), would run nothing.
	 */
	limit = min_t(u64, TASK_SIZE, BIT_ULL(VSVM_VA_BITS - 1));
	if (args->batch_address >= limit ||
	    args->batch_size > limit - args->batch_address)
		return -EINVAL;
	if (args->num_syncs > VSVM_EXEC_MAX_SYNCS)
		return -EINVAL;
	return 0;
}

/*
 * Every VM faults: its jobs' fences must not leave the driver (see the DOC
 * of vsvm_ufence.c), so a signal sync is not supported.
 */
static int vsvm_exec_check_sync(const struct drm_vsvm_sync *sync)
{
	if (sync->flags & ~(DRM_VSVM_SYNC_SIGNAL | DRM_VSVM_SYNC_TIMELINE))
		return -EINVAL;
	if (sync->reserved)
		return -EINVAL;
	if (!(sync->flags & DRM_VSVM_SYNC_TIMELINE) && sync->point)
		return -EINVAL;
	if (sync->flags & DRM_VSVM_SYNC_SIGNAL)
		return -EOPNOTSUPP;
	return 0;
}

/* Check every sync before anything is looked up. */
static int vsvm_exec_check_syncs(const struct drm_vsvm_sync *syncs,
				 u32 num_syncs)
{
	u32 i;
	int ret;

	for (i = 0; i < num_syncs; i++) {
		ret = vsvm_exec_check_sync(&syncs[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/* Add the wait syncs as job dependencies. */
static int vsvm_exec_syncs(struct drm_file *file, struct vsvm_job *job,
			   const struct drm_vsvm_sync *syncs, u32 num_syncs)
{
	u32 i;
	int ret;

	for (i = 0; i < num_syncs; i++) {
		ret = drm_sched_job_add_syncobj_dependency(&job->base, file,
							   syncs[i].handle,
							   syncs[i].point);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * vsvm_exec_ioctl() - DRM_IOCTL_VSVM_EXEC
 * @drm: the DRM device
 * @data: &struct drm_vsvm_exec
 * @file: the caller's DRM file
 *
 * Queues a command buffer on an engine of a VM, with syncobjs to wait for,
 * and a user fence record to write when the job ends.
 *
 * Return: 0; -EINVAL for invalid arguments (see &struct drm_vsvm_exec);
 * -EOPNOTSUPP for a signal sync; -ENOENT for an unknown VM or syncobj, or
 * a VM destroyed meanwhile by another thread (a job EXEC accepted always
 * completes, if need be with an error, and writes its user fence); -EINTR
 * when a signal came first; -EACCES when the caller is not the process the
 * VM mirrors; -ENOSPC when the VM has VSVM_MAX_JOBS_PER_VM jobs in flight;
 * -EFAULT for a bad syncs pointer; -ENOMEM.
 */
int vsvm_exec_ioctl(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct vsvm_device *vdev = to_vsvm_device(drm);
	struct drm_vsvm_exec *args = data;
	struct drm_vsvm_sync *syncs = NULL;
	struct vsvm_ufence *uf = NULL;
	struct vsvm_job *job;
	struct vsvm_vm *vm;
	int ret;

	ret = vsvm_exec_check(vdev, args);
	if (ret) {
		drm_dbg_driver(drm, "exec: invalid argument\n");
		return ret;
	}

	if (args->num_syncs) {
		syncs = kvmalloc_array(args->num_syncs, sizeof(*syncs),
				       GFP_KERNEL_ACCOUNT);
		if (!syncs)
			return -ENOMEM;
		if (copy_from_user(syncs, u64_to_user_ptr(args->syncs),
				   args->num_syncs * sizeof(*syncs))) {
			ret = -EFAULT;
			goto out_free;
		}
		ret = vsvm_exec_check_syncs(syncs, args->num_syncs);
		if (ret) {
			drm_dbg_driver(drm, "exec: invalid sync\n");
			goto out_free;
		}
	}

	/* A VM runs jobs for the process it mirrors only (not a fork child). */
	ret = vsvm_vm_lookup_owned(file->driver_priv, args->vm_id, &vm);
	if (ret)
		goto out_free;

	if (args->flags & DRM_VSVM_EXEC_UFENCE) {
		uf = vsvm_ufence_create(vdev, vm->mm, args->ufence_address,
					args->ufence_value);
		if (!uf) {
			ret = -ENOMEM;
			goto out_put_vm;
		}
	}

	/* Given back by vsvm_job_free(). */
	if (atomic_inc_return(&vm->jobs_in_flight) > VSVM_MAX_JOBS_PER_VM) {
		ret = -ENOSPC;
		goto out_dec_jobs;
	}
	job = vsvm_job_alloc(vm, args->engine);
	if (!job) {
		ret = -ENOMEM;
		goto out_dec_jobs;
	}
	job->batch_address = args->batch_address;
	job->batch_size = args->batch_size;

	/* the VM may be closing on another thread: see vsvm_vm_close() */
	ret = mutex_lock_interruptible(&vm->submit_lock);
	if (ret)
		goto out_free_job;
	if (READ_ONCE(vm->closed)) {
		ret = -ENOENT;
		goto out_unlock;
	}
	ret = drm_sched_job_init(&job->base, &vm->entities[args->engine], 1,
				 vm, file->client_id);
	if (ret)
		goto out_unlock;

	ret = vsvm_exec_syncs(file, job, syncs, args->num_syncs);
	if (ret)
		goto out_cleanup_job;

	drm_sched_job_arm(&job->base);
	job->seqno = atomic64_inc_return(&vm->seqno);
	/* From here on the job completes: its fence signals, even if killed. */
	if (uf)
		vsvm_ufence_attach(uf, &job->base.s_fence->finished);
	args->seqno = job->seqno;
	drm_sched_entity_push_job(&job->base);
	mutex_unlock(&vm->submit_lock);
	goto out_put_vm;

out_cleanup_job:
	drm_sched_job_cleanup(&job->base);
out_unlock:
	mutex_unlock(&vm->submit_lock);
out_free_job:
	vsvm_job_free(job);
	vsvm_ufence_free(uf);
	goto out_put_vm;
out_dec_jobs:
	atomic_dec(&vm->jobs_in_flight);
	vsvm_ufence_free(uf);
out_put_vm:
	vsvm_vm_put(vm);
out_free:
	kvfree(syncs);
	return ret;
}
