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
#include <linux/wait.h>
#include <linux/xarray.h>

#include <drm/drm_device.h>
#include <drm/drm_file.h>
#include <drm/vsvm_drm.h>

#include "vsvm_vram.h"

#define DRIVER_NAME	"vsvm"
#define DRIVER_DESC	"Virtual SVM compute GPU"
/* The DRM driver version is the uapi version: one source, the uapi header. */
#define DRIVER_MAJOR	VSVM_UAPI_MAJOR
#define DRIVER_MINOR	VSVM_UAPI_MINOR

/* Width of a GPU virtual address: equal to the CPU's user address space. */
#define VSVM_VA_BITS	48

/*
 * Bounds of the state userspace can make the driver allocate: VMs per open
 * file, and jobs submitted and not yet finished per VM.
 */
#define VSVM_MAX_VMS_PER_FILE	256
#define VSVM_MAX_JOBS_PER_VM	1024

/*
 * Counters, indexed as the uapi's DRM_VSVM_STAT_*. The uapi exposes only
 * the behaviour counters through DRM_IOCTL_VSVM_STATS; the implementation
 * counters below, and the device-wide totals of every counter, are shown in
 * debugfs only (vsvm_debugfs.c).
 */
#define VSVM_STAT_FAULTS_DEDUP		1
#define VSVM_STAT_PAGES_4K		2
#define VSVM_STAT_PAGES_2M		3
#define VSVM_STAT_RANGES_64K		4
#define VSVM_STAT_RETRIES		6
#define VSVM_STAT_CPU_FAULTS		11
#define VSVM_STAT_EVICTIONS		12
#define VSVM_STAT_VRAM_PAGES		13
#define VSVM_STAT_COPY_BATCHES		16
/* bytes a device's copy engine moved from its VRAM to a peer's VRAM */
#define VSVM_STAT_BYTES_TO_PEER		DRM_VSVM_STAT_COUNT
/* shader instructions run per wave, and per lane (vsvm_shader.c) */
#define VSVM_STAT_SHADER_WAVE_INSTS	(DRM_VSVM_STAT_COUNT + 1)
#define VSVM_STAT_SHADER_LANE_INSTS	(DRM_VSVM_STAT_COUNT + 2)
#define VSVM_STAT_COUNT			(DRM_VSVM_STAT_COUNT + 3)

/* How many of a VM's counters fdinfo shows (vsvm_show_fdinfo()) */
#define VSVM_FDINFO_STATS		3

struct drm_pagemap;
struct drm_printer;
struct faux_device;
struct vsvm_engine;

/**
 * struct vsvm_device - one vsvm GPU
 * @drm: the DRM device, embedded; allocated by devm_drm_dev_alloc()
 * @fdev: the faux device the GPU is bound to
 * @index: index of the device, from 0 to @num_devices - 1, fixed at probe
 * @num_devices: number of devices of the driver, fixed at load
 * @vram_size: size of the simulated device memory in bytes, fixed at probe
 * @num_engines: number of engines, fixed at probe
 * @job_timeout_ms: job timeout in milliseconds, fixed at probe
 * @engines: the engines, @num_engines of them
 * @stats: device-wide counters, indexed by DRM_VSVM_STAT_* and VSVM_STAT_*;
 *	atomic; shown in debugfs only
 * @vram: the simulated VRAM, device-private memory
 * @vms_lock: protects @vms
 * @vms: every VM of the device, for debugfs and hot-unplug: a VM is on it
 *	from creation until its last reference is dropped
 *	(kref_put_mutex() under @vms_lock)
 * @vms_freeing: VMs taken off @vms whose teardown is in progress; atomic,
 *	vsvm_vm_unplug_all() waits for it to drop to zero
 * @fault_wq: unbound workqueue the VMs' fault handlers run on
 * @ufence_wq: ordered workqueue writing user fence records (vsvm_ufence.c)
 * @ufence_waitq: woken whenever a job of the device has ended and its user
 *	fence record (if any) was written; DRM_IOCTL_VSVM_WAIT_UFENCE sleeps
 *	on it
 *
 * Everything but @stats, @vms and @vms_freeing is set before
 * drm_dev_register() and read-only after, so it needs no lock.
 */
struct vsvm_device {
	struct drm_device drm;
	struct faux_device *fdev;
	u32 index;
	u32 num_devices;
	u64 vram_size;
	u32 num_engines;
	u32 job_timeout_ms;
	struct vsvm_engine *engines;
	atomic64_t stats[VSVM_STAT_COUNT];
	struct vsvm_vram vram;
	/* protects vms */
	struct mutex vms_lock;
	struct list_head vms;
	atomic_t vms_freeing;
	struct workqueue_struct *fault_wq;
	struct workqueue_struct *ufence_wq;
	wait_queue_head_t ufence_waitq;
};

/**
 * struct vsvm_file - per open file state
 * @vdev: the device this file was opened on
 * @vms: the file's VMs by id (from 1); the xarray's lock protects lookups
 *	against removal, and @busy_ns_closed
 * @busy_ns_closed: engine time of the file's VMs that were closed, in ns;
 *	under the lock of @vms, so that fdinfo never sees it counted twice or
 *	not at all
 * @stats_closed: the counters fdinfo shows (vsvm_show_fdinfo()), summed
 *	over the file's VMs that were closed; under the lock of @vms too
 */
struct vsvm_file {
	struct vsvm_device *vdev;
	struct xarray vms;
	u64 busy_ns_closed;
	u64 stats_closed[VSVM_FDINFO_STATS];
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

/* vsvm_drv.c */
struct drm_pagemap *vsvm_device_pagemap_get(unsigned int index);

/* vsvm_debugfs.c */
void vsvm_debugfs_init(struct vsvm_device *vdev);

/* vsvm_vm.c: DRM fdinfo */
void vsvm_show_fdinfo(struct drm_printer *p, struct drm_file *file);

#endif /* _VSVM_DRV_H_ */
