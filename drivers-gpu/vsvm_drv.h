/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */

#ifndef _VSVM_DRV_H_
#define _VSVM_DRV_H_

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <drm/vsvm_drm.h>

#include "vsvm_vram.h"

#define DRIVER_NAME	"vsvm"
#define DRIVER_DESC	"Virtual SVM compute GPU"
#define DRIVER_MAJOR	0
#define DRIVER_MINOR	2

/* Width of a GPU virtual address: equal to the CPU's user address space. */
#define VSVM_VA_BITS	48

struct faux_device;
struct vsvm_engine;

/**
 * struct vsvm_device - one vsvm GPU
 * @drm: the DRM device, embedded; allocated by devm_drm_dev_alloc()
 * @fdev: the faux device the GPU is bound to
 * @vram_size: size of the simulated device memory in bytes, fixed at probe
 * @num_engines: number of engines, fixed at probe
 * @job_timeout_ms: job timeout in milliseconds, fixed at probe
 * @engines: the engines, @num_engines of them
 * @stats: device-wide counters, indexed by DRM_VSVM_STAT_*; atomic
 * @vram: the simulated VRAM, device-private memory
 * @vms_lock: protects @vms
 * @vms: every VM of the device, for debugfs
 * @fault_lock: protects @fault_list
 * @fault_list: GPU faults waiting for the handler, oldest first
 * @fault_work: the fault handler
 * @fault_wq: ordered workqueue the handler runs on
 *
 * Everything but @stats is set before drm_dev_register() and read-only
 * after, so it needs no lock.
 */
struct vsvm_device {
	struct drm_device drm;
	struct faux_device *fdev;
	u64 vram_size;
	u32 num_engines;
	u32 job_timeout_ms;
	struct vsvm_engine *engines;
	atomic64_t stats[DRM_VSVM_STAT_COUNT];
	struct vsvm_vram vram;
	/* protects vms */
	struct mutex vms_lock;
	struct list_head vms;
	/* protects fault_list */
	spinlock_t fault_lock;
	struct list_head fault_list;
	struct work_struct fault_work;
	struct workqueue_struct *fault_wq;
};

/**
 * struct vsvm_file - per open file state
 * @vdev: the device this file was opened on
 * @vms: the file's VMs by id (from 1); the xarray's lock protects lookups
 *	against removal
 */
struct vsvm_file {
	struct vsvm_device *vdev;
	struct xarray vms;
};

static inline struct vsvm_device *to_vsvm_device(struct drm_device *drm)
{
	return container_of(drm, struct vsvm_device, drm);
}

/* vsvm_query.c */
int vsvm_query_ioctl(struct drm_device *drm, void *data,
		     struct drm_file *file);

/* vsvm_vm.c */
int vsvm_vm_create_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file);
int vsvm_vm_destroy_ioctl(struct drm_device *drm, void *data,
			  struct drm_file *file);
int vsvm_stats_ioctl(struct drm_device *drm, void *data,
		     struct drm_file *file);
int vsvm_vm_error_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file);

/* vsvm_exec.c */
int vsvm_exec_ioctl(struct drm_device *drm, void *data, struct drm_file *file);

/* vsvm_migrate.c */
int vsvm_prefetch_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file);
int vsvm_residency_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file);
int vsvm_madvise_ioctl(struct drm_device *drm, void *data,
		       struct drm_file *file);
int vsvm_attr_query_ioctl(struct drm_device *drm, void *data,
			  struct drm_file *file);

/* vsvm_fault.c */
int vsvm_fault_init(struct vsvm_device *vdev);
void vsvm_fault_fini(struct vsvm_device *vdev);

/* vsvm_debugfs.c */
void vsvm_debugfs_init(struct vsvm_device *vdev);

#endif /* _VSVM_DRV_H_ */
