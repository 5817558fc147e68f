// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * DOC: engines and jobs
 *
 * Each engine has a DRM GPU scheduler and an ordered workqueue that stands
 * for the hardware: run_job() hands the job to the workqueue and returns
 * the engine's fence for it, which the workqueue signals (with an error if
 * the job failed) once the command buffer has run. One VM has a scheduler
 * entity on every engine.
 *
 * Job timeout: the timeout handler sets &vsvm_job.cancel and gives the job
 * back to the scheduler; the engine notices between commands, inside long
 * commands and in WAIT loops, and ends the job with -ETIMEDOUT. Other jobs
 * and engines carry on.
 *
 * Jobs take GPU page faults, and resolving a fault allocates memory, so an
 * engine's fence may depend on memory allocation. That is only safe because
 * vsvm never waits for its fences in reclaim (it has no buffer objects and
 * no shrinker); a driver with both would need long-running jobs without
 * dma_fences, as xe does for faulting VMs.
 */

#include <linux/slab.h>
#include <linux/wait_bit.h>

#include <drm/drm_drv.h>
#include <drm/drm_print.h>

#include "vsvm_drv.h"
#include "vsvm_engine.h"
#include "vsvm_vm.h"

static struct vsvm_job *to_vsvm_job(struct drm_sched_job *sched_job)
{
	return container_of(sched_job, struct vsvm_job, base);
}

static const char *vsvm_fence_driver_name(struct dma_fence *fence)
{
	return DRIVER_NAME;
}

static const char *vsvm_fence_timeline_name(struct dma_fence *fence)
{
	struct vsvm_engine *engine =
		container_of(dma_fence_spinlock(fence), struct vsvm_engine,
			     fence_lock);

	return engine->sched.name;
}

static const struct dma_fence_ops vsvm_hw_fence_ops = {
	.get_driver_name = vsvm_fence_driver_name,
	.get_timeline_name = vsvm_fence_timeline_name,
};

/*
 * run_job initialised the engine fence. (Its ops cannot tell: core code
 * clears them once a fence without release or wait ops has signalled.)
 */
static bool vsvm_job_started(struct vsvm_job *job)
{
	return dma_fence_was_initialized(job->hw_fence);
}

static void vsvm_job_work(struct work_struct *work)
{
	struct vsvm_job *job = container_of(work, struct vsvm_job, work);
	struct dma_fence *fence = job->hw_fence;
	struct vsvm_vm *vm = job->vm;
	int ret = -ENODEV, idx;

	/* the engine is hardware: gone once the device is unplugged */
	if (drm_dev_enter(&vm->vdev->drm, &idx)) {
		ret = vsvm_job_execute(job);
		drm_dev_exit(idx);
	}
	if (ret) {
		vsvm_vm_set_error(vm, job->seqno, job->engine->index, ret,
				  job->fault_address, job->fault_access);
		vsvm_vm_stat_add(vm, DRM_VSVM_STAT_JOBS_FAILED, 1);
		dma_fence_set_error(fence, ret);
	}
	vsvm_vm_stat_add(vm, DRM_VSVM_STAT_JOBS, 1);

	/* The job may be freed once the fence signals: touch it no more. */
	dma_fence_signal(fence);
	dma_fence_put(fence);
}

static struct dma_fence *vsvm_run_job(struct drm_sched_job *sched_job)
{
	struct vsvm_job *job = to_vsvm_job(sched_job);
	struct vsvm_engine *engine = job->engine;
	struct dma_fence *fence = job->hw_fence;

	/* A dependency failed or the entity was killed: do not run. */
	if (unlikely(sched_job->s_fence->finished.error))
		return NULL;
	if (unlikely(READ_ONCE(job->vm->closed))) {
		dma_fence_set_error(&sched_job->s_fence->finished,
				    vsvm_vm_closed_errno(job->vm));
		return NULL;
	}

	dma_fence_init(fence, &vsvm_hw_fence_ops, &engine->fence_lock,
		       engine->fence_context, ++engine->fence_seqno);
	/* One reference goes to the scheduler, one to the engine. */
	dma_fence_get(fence);
	queue_work(engine->wq, &job->work);
	return fence;
}

static enum drm_gpu_sched_stat
vsvm_timedout_job(struct drm_sched_job *sched_job)
{
	struct vsvm_job *job = to_vsvm_job(sched_job);
	struct drm_gpu_scheduler *sched = sched_job->sched;

	drm_dbg_driver(&job->vm->vdev->drm,
		       "engine %u: job %llu timed out\n", job->engine->index,
		       job->seqno);
	atomic_set(&job->cancel, 1);

	/*
	 * The scheduler took the job off its pending list. A job the engine
	 * still runs goes back on it (NO_HANG) and is freed once the engine
	 * signals its fence; one that never started or already finished is
	 * freed by the scheduler now.
	 */
	if (vsvm_job_started(job) && !dma_fence_is_signaled(job->hw_fence))
		return DRM_GPU_SCHED_STAT_NO_HANG;
	sched->free_guilty = true;
	return DRM_GPU_SCHED_STAT_RESET;
}

static void vsvm_free_job(struct drm_sched_job *sched_job)
{
	struct vsvm_job *job = to_vsvm_job(sched_job);

	drm_sched_job_cleanup(sched_job);
	vsvm_job_free(job);
}

static const struct drm_sched_backend_ops vsvm_sched_ops = {
	.run_job = vsvm_run_job,
	.timedout_job = vsvm_timedout_job,
	.free_job = vsvm_free_job,
};

/**
 * vsvm_job_alloc() - allocate a job for a VM's engine
 * @vm: the VM; the job takes a reference
 * @engine: engine index, already checked
 *
 * Return: the job, or NULL when out of memory.
 */
struct vsvm_job *vsvm_job_alloc(struct vsvm_vm *vm, u32 engine)
{
	struct vsvm_job *job;

	job = kzalloc_obj(*job, GFP_KERNEL_ACCOUNT);
	if (!job)
		return NULL;
	job->hw_fence = kzalloc_obj(*job->hw_fence, GFP_KERNEL_ACCOUNT);
	if (!job->hw_fence) {
		kfree(job);
		return NULL;
	}
	kref_get(&vm->ref);
	job->vm = vm;
	job->engine = &vm->vdev->engines[engine];
	INIT_WORK(&job->work, vsvm_job_work);
	return job;
}

/**
 * vsvm_job_free() - free a job the scheduler is done with, or never had
 * @job: the job
 *
 * Once run, the engine fence lives on by its own reference count.
 */
void vsvm_job_free(struct vsvm_job *job)
{
	if (!vsvm_job_started(job))
		kfree(job->hw_fence);
	/* vsvm_vm_unplug_all() waits for the last one */
	if (atomic_dec_and_test(&job->vm->jobs_in_flight))
		wake_up_var(&job->vm->jobs_in_flight);
	vsvm_vm_put(job->vm);
	kfree(job);
}

/**
 * vsvm_engines_init() - create the engines of a device
 * @vdev: the device; num_engines and job_timeout_ms are set
 *
 * Return: 0 or a negative errno; nothing is left allocated on failure.
 */
int vsvm_engines_init(struct vsvm_device *vdev)
{
	u32 i;
	int ret;

	vdev->engines = kcalloc(vdev->num_engines, sizeof(*vdev->engines),
				GFP_KERNEL);
	if (!vdev->engines)
		return -ENOMEM;

	for (i = 0; i < vdev->num_engines; i++) {
		struct vsvm_engine *engine = &vdev->engines[i];
		struct drm_sched_init_args args = {
			.ops = &vsvm_sched_ops,
			.num_rqs = DRM_SCHED_PRIORITY_COUNT,
			.credit_limit = 64,
			.timeout = msecs_to_jiffies(vdev->job_timeout_ms),
			.dev = vdev->drm.dev,
		};

		engine->vdev = vdev;
		engine->index = i;
		spin_lock_init(&engine->fence_lock);
		engine->fence_context = dma_fence_context_alloc(1);
		args.name = kasprintf(GFP_KERNEL, "vsvm-engine%u", i);
		if (!args.name) {
			ret = -ENOMEM;
			goto err_fini;
		}
		engine->wq = alloc_ordered_workqueue("%s", 0, args.name);
		if (!engine->wq) {
			kfree(args.name);
			ret = -ENOMEM;
			goto err_fini;
		}
		ret = drm_sched_init(&engine->sched, &args);
		if (ret) {
			destroy_workqueue(engine->wq);
			kfree(args.name);
			goto err_fini;
		}
	}
	return 0;

err_fini:
	while (i--) {
		drm_sched_fini(&vdev->engines[i].sched);
		destroy_workqueue(vdev->engines[i].wq);
		kfree(vdev->engines[i].sched.name);
	}
	kfree(vdev->engines);
	vdev->engines = NULL;
	return ret;
}

/**
 * vsvm_engines_fini() - destroy the engines of a device
 * @vdev: the device; every VM, and so every entity, is gone
 */
void vsvm_engines_fini(struct vsvm_device *vdev)
{
	u32 i;

	for (i = 0; i < vdev->num_engines; i++) {
		struct vsvm_engine *engine = &vdev->engines[i];
		const char *name = engine->sched.name;

		drm_sched_fini(&engine->sched);
		destroy_workqueue(engine->wq);
		kfree(name);
	}
	kfree(vdev->engines);
	vdev->engines = NULL;
}
