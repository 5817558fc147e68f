/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */

#ifndef _VSVM_ENGINE_H_
#define _VSVM_ENGINE_H_

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/dma-fence.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include <drm/gpu_scheduler.h>

#include "vsvm_svm.h"

struct page;
struct vsvm_device;
struct vsvm_vm;

/*
 * GPU addresses at or above this limit (kernel or non-canonical) fault at
 * once; VSVM_VA_BITS is in vsvm_drv.h.
 */
#define VSVM_VA_LIMIT	BIT_ULL(VSVM_VA_BITS - 1)

/**
 * struct vsvm_engine - one engine and its scheduler
 * @vdev: the device
 * @index: engine number
 * @sched: DRM GPU scheduler feeding the engine
 * @wq: ordered workqueue on which the engine executes jobs one at a time
 * @fence_context: dma_fence context of the engine's hardware fences
 * @fence_seqno: last hardware fence seqno; only run_job touches it
 * @fence_lock: lock of the engine's hardware fences
 * @entity_fini_lock: serialises vsvm_engine_entity_fini() calls, each of
 *	which stops and restarts the scheduler's submission
 */
struct vsvm_engine {
	struct vsvm_device *vdev;
	u32 index;
	struct drm_gpu_scheduler sched;
	struct workqueue_struct *wq;
	u64 fence_context;
	u64 fence_seqno;
	/* lock of the engine's hardware fences */
	spinlock_t fence_lock;
	/* serialises stopping and restarting @sched around entity_fini */
	struct mutex entity_fini_lock;
};

/**
 * struct vsvm_job - one command buffer submitted to an engine
 * @base: scheduler job
 * @vm: the VM the job runs in; a reference is held
 * @engine: the engine
 * @hw_fence: the engine's fence for the job, allocated at submit and
 *	initialised by run_job; signalled by the engine when the job ends
 * @work: executes the job on the engine's workqueue
 * @batch_address: GPU address of the command buffer
 * @batch_size: size of the command buffer in bytes
 * @seqno: the job's sequence number on its VM
 * @cancel: set by the timeout handler: the engine stops the job
 * @fault_address: address of the failed access, for the error record
 * @fault_access: DRM_VSVM_ACCESS_* of the failed access
 * @held_page: page held locked for the access in progress, granted for
 *	exclusive access by the fault handler (vsvm_atomic.c), or NULL
 */
struct vsvm_job {
	struct drm_sched_job base;
	struct vsvm_vm *vm;
	struct vsvm_engine *engine;
	struct dma_fence *hw_fence;
	struct work_struct work;
	u64 batch_address;
	u32 batch_size;
	u64 seqno;
	atomic_t cancel;
	u64 fault_address;
	u32 fault_access;
	struct page *held_page;
};

int vsvm_engines_init(struct vsvm_device *vdev);
void vsvm_engines_fini(struct vsvm_device *vdev);
struct vsvm_job *vsvm_job_alloc(struct vsvm_vm *vm, u32 engine);
void vsvm_job_free(struct vsvm_job *job);
void vsvm_engine_entity_fini(struct vsvm_engine *engine,
			     struct drm_sched_entity *entity);

/* vsvm_cmd.c */
int vsvm_job_execute(struct vsvm_job *job);
int vsvm_job_cancelled(struct vsvm_job *job);
int vsvm_job_mem_fail(struct vsvm_job *job, u64 va, enum vsvm_access access,
		      int err);
struct page *vsvm_mem_translate(struct vsvm_vm *vm, u64 va,
				enum vsvm_access access);
void *vsvm_mem_map(struct vsvm_job *job, u64 va, enum vsvm_access access,
		   int *err);
void vsvm_mem_unmap(struct vsvm_job *job, void *ptr);
int vsvm_mem_read(struct vsvm_job *job, u64 va, void *buf, u64 len,
		  enum vsvm_access access);

#endif /* _VSVM_ENGINE_H_ */
