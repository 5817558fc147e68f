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
 * engine's fence depends on memory allocation: every vsvm job is a
 * long-running job in the sense of dma-buf.rst ("Recoverable Hardware Page
 * Faults Implications"). vsvm takes xe's long-running mode: the job's
 * fences (the engine's hardware fence and drm_sched's scheduled and
 * finished fences) never leave the driver. EXEC refuses signal syncs, no
 * dma_resv or sync_file sees them, and vsvm itself never waits for them
 * in reclaim (it has no buffer objects and no shrinker). The job's end
 * reaches user space as a user fence (vsvm_ufence.c), hung on the finished
 * fence as a callback.
 *
 * dma_fence signalling annotations: a dma_fence signalling critical
 * section (dma_fence_begin_signalling()) says "the fence signals without
 * waiting for memory or for anything that may wait for a fence"; lockdep
 * then checks it. A job's execution cannot keep that promise, it faults,
 * which is acceptable only because its fences are not exported. So, as xe
 * does not annotate its long-running jobs, vsvm does not put the execution
 * (vsvm_job_execute(): command fetch, GPU page faults, waits for the fault
 * handler, which calls hmm_range_fault() and allocates) in a signalling
 * section. What is annotated is what vsvm does on the way to signalling
 * that never needs memory: run_job() (initialising and handing out the
 * hardware fence) and, in the engine's worker, the end of a job from the
 * moment its result is known: the error record, the counters and
 * dma_fence_signal(), which runs drm_sched's callbacks and the user
 * fence's (a queue_work()). Were a fault or an allocation to slip into
 * those, lockdep would report it. The fault path itself (vsvm_svm.c,
 * vsvm_fault.c) runs on the fault workqueue, outside any signalling
 * section, and the engine's worker waits for it outside too.
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
	bool cookie;

	/*
	 * Faults: no signalling section (see the DOC above). The engine is
	 * hardware: gone once the device is unplugged.
	 */
	if (drm_dev_enter(&vm->vdev->drm, &idx)) {
		ret = vsvm_job_execute(job);
		drm_dev_exit(idx);
	}

	cookie = dma_fence_begin_signalling();
	if (ret) {
		vsvm_vm_set_error(vm, job->seqno, job->engine->index, ret,
				  job->fault_address, job->fault_access);
		vsvm_vm_stat_add(vm, DRM_VSVM_STAT_JOBS_FAILED, 1);
		dma_fence_set_error(fence, ret);
	}
	vsvm_vm_stat_add(vm, DRM_VSVM_STAT_JOBS, 1);

	/* The job may be freed once the fence signals: touch it no more. */
	dma_fence_signal(fence);
	dma_fence_end_signalling(cookie);
	dma_fence_put(fence);
}

static struct dma_fence *vsvm_run_job(struct drm_sched_job *sched_job)
{
	struct vsvm_job *job = to_vsvm_job(sched_job);
	struct vsvm_engine *engine = job->engine;
	struct dma_fence *fence = job->hw_fence;
	bool cookie;

	/* A dependency failed or the entity was killed: do not run. */
	if (unlikely(sched_job->s_fence->finished.error))
		return NULL;

	cookie = dma_fence_begin_signalling();
	if (unlikely(READ_ONCE(job->vm->closed))) {
		dma_fence_set_error(&sched_job->s_fence->finished,
				    vsvm_vm_closed_errno(job->vm));
		fence = NULL;
		goto out;
	}

	dma_fence_init(fence, &vsvm_hw_fence_ops, &engine->fence_lock,
		       engine->fence_context, ++engine->fence_seqno);
	/* One reference goes to the scheduler, one to the engine. */
	dma_fence_get(fence);
	queue_work(engine->wq, &job->work);
out:
	dma_fence_end_signalling(cookie);
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
 * vsvm_engine_entity_fini() - tear down a VM's entity on an engine
 * @engine: the engine
 * @entity: the VM's entity on @engine
 *
 * drm_sched_entity_fini() kills the entity's queued jobs and removes it
 * from its run queue, then waits until the scheduler's run_job work is
 * done with it. In 7.3 that is not enough: a run_job work that selected
 * the entity before it was removed pops a job and, when more jobs are
 * queued, drm_sched_rq_pop_entity() inserts the entity into the run
 * queue's tree again, without looking at &drm_sched_entity.stopped. Once
 * the VM frees the entity, the tree holds freed memory (the RCU stall in
 * drm_sched_rq_add_entity() after EXEC racing VM_DESTROY). So the
 * scheduler's submission is stopped around the teardown: with no run_job
 * work running or queued, drm_sched_entity_fini() removes the entity for
 * good, and no work can put it back.
 *
 * Context: process context; may sleep (it waits for the engine's current
 * run_job and free_job works). Takes &vsvm_engine.entity_fini_lock, so
 * that two teardowns on one engine never restart it under each other.
 */
void vsvm_engine_entity_fini(struct vsvm_engine *engine,
			     struct drm_sched_entity *entity)
{
	mutex_lock(&engine->entity_fini_lock);
	drm_sched_wqueue_stop(&engine->sched);
	drm_sched_entity_fini(entity);
	drm_sched_wqueue_start(&engine->sched);
	mutex_unlock(&engine->entity_fini_lock);
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
		mutex_init(&engine->entity_fini_lock);
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
