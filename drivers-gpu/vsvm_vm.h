/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */

#ifndef _VSVM_VM_H_
#define _VSVM_VM_H_

#include <linux/atomic.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include <drm/vsvm_drm.h>

#include "vsvm_pt.h"
#include "vsvm_svm.h"

struct drm_sched_entity;
struct mem_cgroup;
struct mm_struct;
struct vsvm_device;
struct vsvm_file;

/**
 * struct vsvm_vm - a GPU address space mirroring one process
 * @ref: reference count; the file's table and every job hold one
 * @vdev: the device
 * @mm: the mirrored address space (mmgrab()'d: the struct stays, the
 *	address space may be torn down before the VM)
 * @id: id in the file's VM table
 * @pt: the GPU page table
 * @svm: mirror state: notifiers, ranges and their locks
 * @entities: one scheduler entity per engine
 * @seqno: last job sequence number handed out
 * @memcg: memory cgroup of the process, with a reference (NULL without
 *	memcg): allocations the fault handler makes for the VM are charged
 *	to it, as the ioctls' own allocations are charged to the caller
 * @stats: counters, indexed by DRM_VSVM_STAT_* and VSVM_STAT_*
 * @busy_ns: time the engines spent on the VM's jobs, in ns; atomic
 * @jobs_in_flight: jobs submitted and not yet freed, at most
 *	VSVM_MAX_JOBS_PER_VM; atomic
 * @error_lock: protects @error
 * @error: record of the last failed job
 * @submit_lock: serialises job submission (EXEC) with closing the VM, so
 *	that no job is pushed to an entity that is being torn down
 * @closed: the VM was destroyed, its file closed or its device unplugged:
 *	its jobs stop, EXEC refuses new ones, and its scheduler entities are
 *	finished (by whoever set it); set under @submit_lock
 * @unplugged: the device was unplugged and vsvm_vm_unplug_all() tore the
 *	mirror and the page table down already; set under &vsvm_device.vms_lock
 * @pid: thread group of the process that created the VM
 * @client_id: &drm_file.client_id of the file holding the VM, as fdinfo
 *	shows it (for debugfs)
 * @link: link in &vsvm_device.vms
 * @fault_lock: protects @fault_list
 * @fault_list: GPU faults of the VM's engines waiting for the handler,
 *	oldest first
 * @fault_work: the VM's fault handler, on &vsvm_device.fault_wq: faults of
 *	one VM are handled one at a time, those of different VMs in parallel
 */
struct vsvm_vm {
	struct kref ref;
	struct vsvm_device *vdev;
	struct mm_struct *mm;
	u32 id;
	struct vsvm_pt pt;
	struct vsvm_svm svm;
	struct drm_sched_entity *entities;
	atomic64_t seqno;
	struct mem_cgroup *memcg;
	atomic64_t stats[VSVM_STAT_COUNT];
	atomic64_t busy_ns;
	atomic_t jobs_in_flight;
	/* protects @error */
	spinlock_t error_lock;
	struct drm_vsvm_vm_error error;
	/* serialises EXEC with vsvm_vm_close() */
	struct mutex submit_lock;
	bool closed;
	bool unplugged;
	pid_t pid;
	u64 client_id;
	struct list_head link;
	/* protects @fault_list */
	spinlock_t fault_lock;
	struct list_head fault_list;
	struct work_struct fault_work;
};

struct vsvm_vm *vsvm_vm_lookup(struct vsvm_file *vfile, u32 id);
int vsvm_vm_lookup_owned(struct vsvm_file *vfile, u32 id, struct vsvm_vm **out);
void vsvm_vm_put(struct vsvm_vm *vm);
void vsvm_vm_close_all(struct vsvm_file *vfile);
void vsvm_vm_stat_add(struct vsvm_vm *vm, unsigned int idx, u64 n);
void vsvm_vm_set_error(struct vsvm_vm *vm, u64 seqno, u32 engine, int error,
		       u64 address, u32 access);
int vsvm_vm_closed_errno(struct vsvm_vm *vm);
void vsvm_vm_unplug_all(struct vsvm_device *vdev);

/* vsvm_fault.c */
void vsvm_fault_vm_init(struct vsvm_vm *vm);
void vsvm_fault_vm_fini(struct vsvm_vm *vm);

#endif /* _VSVM_VM_H_ */
