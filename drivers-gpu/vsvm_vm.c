// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * DOC: VMs
 *
 * A VM is a GPU address space that mirrors the CPU address space of the
 * process that created it (DRM_VSVM_VM_CREATE_SVM). An open file holds its
 * VMs in an xarray; the file's entry and every job hold a reference.
 *
 * Closing a VM (destroy ioctl or file close) removes it from the file and
 * cancels its jobs without waiting: see vsvm_vm_close(). The mirror
 * itself (notifiers, ranges, page table) is freed with the last reference,
 * from whatever context drops it, and works whether or not the process's
 * address space still exists.
 *
 * Isolation: a VM serves the process whose address space it mirrors. Every
 * ioctl that names a VM looks it up with vsvm_vm_lookup_owned() (or checks
 * the same under the table's lock, for VM_DESTROY): another process holding
 * the file, a fork child for instance, gets -EACCES and changes nothing.
 *
 * Bounds: a file holds at most VSVM_MAX_VMS_PER_FILE VMs (-ENOSPC beyond),
 * and what a VM allocates is charged to the memory cgroup of its process.
 *
 * Hot-unplug: vsvm_vm_unplug_all() stops every VM of the device and tears
 * its mirror down while files may still hold it; see vsvm_drv.c.
 */

#include <linux/memcontrol.h>

#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait_bit.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>
#include <drm/gpu_scheduler.h>

#include "vsvm_drv.h"
#include "vsvm_engine.h"
#include "vsvm_vm.h"

/*
 * Free a VM whose last reference is gone. After a hot-unplug its mirror and
 * page table are gone already (vsvm_vm_unplug()).
 */
static void vsvm_vm_free(struct vsvm_vm *vm)
{
	vsvm_fault_vm_fini(vm);
	if (!vm->unplugged) {
		vsvm_svm_fini(vm);
		vsvm_pt_fini(&vm->pt);
	}
	mem_cgroup_put(vm->memcg);
	mmdrop(vm->mm);
	kfree(vm->entities);
	kfree(vm);
}

/*
 * The last reference went, under &vsvm_device.vms_lock (kref_put_mutex()):
 * a VM on the device's list always has a reference, and one that is being
 * freed counts in &vsvm_device.vms_freeing instead.
 */
static void vsvm_vm_release(struct kref *ref)
{
	struct vsvm_vm *vm = container_of(ref, struct vsvm_vm, ref);
	struct vsvm_device *vdev = vm->vdev;

	lockdep_assert_held(&vdev->vms_lock);
	list_del(&vm->link);
	atomic_inc(&vdev->vms_freeing);
	mutex_unlock(&vdev->vms_lock);

	vsvm_vm_free(vm);
	if (atomic_dec_and_test(&vdev->vms_freeing))
		wake_up_var(&vdev->vms_freeing);
}

/**
 * vsvm_vm_put() - drop a reference to a VM
 * @vm: the VM
 *
 * The last reference frees the VM; it takes &vsvm_device.vms_lock to do so.
 */
void vsvm_vm_put(struct vsvm_vm *vm)
{
	kref_put_mutex(&vm->ref, vsvm_vm_release, &vm->vdev->vms_lock);
}

/**
 * vsvm_vm_lookup() - find a VM of a file and take a reference
 * @vfile: the file
 * @id: the VM id
 *
 * Return: the VM, or NULL when @id names none.
 */
struct vsvm_vm *vsvm_vm_lookup(struct vsvm_file *vfile, u32 id)
{
	struct vsvm_vm *vm;

	xa_lock(&vfile->vms);
	vm = xa_load(&vfile->vms, id);
	if (vm)
		kref_get(&vm->ref);
	xa_unlock(&vfile->vms);
	return vm;
}

/**
 * vsvm_vm_lookup_owned() - find a VM of a file that mirrors the caller
 * @vfile: the file
 * @id: the VM id
 * @out: the VM, with a reference, on success
 *
 * A VM serves the process whose address space it mirrors only: another
 * process holding the file (a fork child, or one it was passed to) gets
 * -EACCES for every ioctl that names the VM.
 *
 * Return: 0; -ENOENT when @id names no VM of @vfile; -EACCES when the VM
 * mirrors another process.
 */
int vsvm_vm_lookup_owned(struct vsvm_file *vfile, u32 id, struct vsvm_vm **out)
{
	struct vsvm_vm *vm = vsvm_vm_lookup(vfile, id);

	if (!vm)
		return -ENOENT;
	if (vm->mm != current->mm) {
		vsvm_vm_put(vm);
		return -EACCES;
	}
	*out = vm;
	return 0;
}

/**
 * vsvm_vm_stat_add() - count an event for a VM and for its device
 *
 * The VM's behaviour counters are read with DRM_IOCTL_VSVM_STATS by its
 * process; the device-wide totals and the implementation counters
 * (VSVM_STAT_*) are in debugfs only.
 * @vm: the VM
 * @idx: DRM_VSVM_STAT_* index
 * @n: amount to add
 */
void vsvm_vm_stat_add(struct vsvm_vm *vm, unsigned int idx, u64 n)
{
	atomic64_add(n, &vm->stats[idx]);
	atomic64_add(n, &vm->vdev->stats[idx]);
}

/**
 * vsvm_vm_set_error() - record a failed job
 * @vm: the VM
 * @seqno: the job's sequence number
 * @engine: the engine it ran on
 * @error: its negative errno
 * @address: address of the failed access, if any
 * @access: DRM_VSVM_ACCESS_* of the failed access, or 0
 */
void vsvm_vm_set_error(struct vsvm_vm *vm, u64 seqno, u32 engine, int error,
		       u64 address, u32 access)
{
	spin_lock(&vm->error_lock);
	vm->error.seqno = seqno;
	vm->error.engine = engine;
	vm->error.error = error;
	vm->error.address = access ? address : 0;
	vm->error.access = access;
	spin_unlock(&vm->error_lock);
}

/*
 * Closing a VM cancels its jobs without waiting for them: queued jobs are
 * killed by their entity (-ESRCH, once their dependencies signal), a job
 * that is running stops at its next command or memory access
 * (-ECANCELED).
 */
/**
 * vsvm_vm_closed_errno() - why the jobs of a closed VM end
 * @vm: the VM
 *
 * A process that exits loses its address space before its files are
 * closed: its jobs end with -ESRCH whichever of the two the engine sees
 * first. A VM closed by a live process cancels its jobs.
 *
 * Return: -ESRCH when the VM's process has exited, -ECANCELED otherwise.
 */
int vsvm_vm_closed_errno(struct vsvm_vm *vm)
{
	return atomic_read(&vm->mm->mm_users) ? -ECANCELED : -ESRCH;
}

/*
 * Stop a VM: no EXEC pushes a job after this (they serialise on
 * submit_lock and see @closed), and drm_sched_entity_fini() ends the jobs
 * already accepted, which then complete with an error or run. The first of
 * VM_DESTROY, file close and hot-unplug does it; the others find it done.
 */
static void vsvm_vm_stop(struct vsvm_vm *vm)
{
	bool stopped;
	u32 i;

	mutex_lock(&vm->submit_lock);
	stopped = vm->closed;
	WRITE_ONCE(vm->closed, true);
	mutex_unlock(&vm->submit_lock);
	if (stopped)
		return;
	for (i = 0; i < vm->vdev->num_engines; i++)
		vsvm_engine_entity_fini(&vm->vdev->engines[i],
					&vm->entities[i]);
}

/* Close a VM: stop it and drop the reference of the file's table. */
static void vsvm_vm_close(struct vsvm_vm *vm)
{
	vsvm_vm_stop(vm);
	vsvm_vm_put(vm);
}

/*
 * The VM counters a client's fdinfo shows, as driver-specific keys
 * (Documentation/gpu/drm-usage-stats.rst: prefixed with the driver's name):
 * generic tools and tests of userspace drivers (Mesa's, which own the VMs
 * of a process) read there that GPU work went through the GPU MMU.
 */
static const struct {
	const char *key;
	unsigned int idx;
} vsvm_fdinfo_stats[VSVM_FDINFO_STATS] = {
	{ "vsvm-gpu-faults", DRM_VSVM_STAT_FAULTS },
	{ "vsvm-bytes-to-vram", DRM_VSVM_STAT_BYTES_TO_VRAM },
	{ "vsvm-bytes-to-system", DRM_VSVM_STAT_BYTES_TO_SYSTEM },
};

/*
 * Fold the fdinfo counters of a VM that leaves its file's table into the
 * file's sums. Called with the lock of @vfile->vms held, in the same
 * section that erases the VM, so fdinfo counts it exactly once.
 */
static void vsvm_file_retire_vm(struct vsvm_file *vfile, struct vsvm_vm *vm)
{
	unsigned int i;

	lockdep_assert_held(&vfile->vms.xa_lock);
	vfile->busy_ns_closed += atomic64_read(&vm->busy_ns);
	for (i = 0; i < VSVM_FDINFO_STATS; i++)
		vfile->stats_closed[i] +=
			atomic64_read(&vm->stats[vsvm_fdinfo_stats[i].idx]);
}

/**
 * vsvm_vm_close_all() - close every VM of a file that is going away
 * @vfile: the file
 */
void vsvm_vm_close_all(struct vsvm_file *vfile)
{
	struct vsvm_vm *vm;
	unsigned long id;

	xa_for_each(&vfile->vms, id, vm) {
		xa_lock(&vfile->vms);
		__xa_erase(&vfile->vms, id);
		vsvm_file_retire_vm(vfile, vm);
		xa_unlock(&vfile->vms);
		vsvm_vm_close(vm);
	}
	xa_destroy(&vfile->vms);
}

/*
 * Take the GPU away from a VM of an unplugged device: stop it, wait until
 * its jobs are freed (killed ones are freed by drm_sched's workers, see
 * vsvm_job_free()) and its fault handler is idle, then remove its
 * notifiers, unmap its pages and free its page table. The VM itself stays
 * for its file, whose ioctls fail with -ENODEV, until its last reference.
 */
static void vsvm_vm_unplug(struct vsvm_vm *vm)
{
	struct vsvm_device *vdev = vm->vdev;

	vsvm_vm_stop(vm);
	wait_var_event(&vm->jobs_in_flight, !atomic_read(&vm->jobs_in_flight));
	flush_work(&vm->fault_work);
	vsvm_svm_fini(vm);
	vsvm_pt_fini(&vm->pt);

	mutex_lock(&vdev->vms_lock);
	vm->unplugged = true;
	mutex_unlock(&vdev->vms_lock);
}

/* The first VM of @vdev not unplugged yet, with a reference; or NULL. */
static struct vsvm_vm *vsvm_vm_next_plugged(struct vsvm_device *vdev)
{
	struct vsvm_vm *vm;

	mutex_lock(&vdev->vms_lock);
	list_for_each_entry(vm, &vdev->vms, link) {
		if (!vm->unplugged) {
			/* on the list: the reference count is not zero */
			kref_get(&vm->ref);
			mutex_unlock(&vdev->vms_lock);
			return vm;
		}
	}
	mutex_unlock(&vdev->vms_lock);
	return NULL;
}

/**
 * vsvm_vm_unplug_all() - take the GPU away from every VM of a device
 * @vdev: the device, unplugged (drm_dev_unplug()): no ioctl runs, no VM
 *	is created, and every job that starts fails with -ENODEV
 *
 * Called at unbind, with or without open files. On return no job of the
 * device exists any more (queued ones were killed, -ESRCH; running ones
 * ended with -ENODEV), and no VM has a notifier, a DMA mapping, an
 * exclusive grant or a page table: all that is left of a VM is the
 * structure its file holds, freed when the file is closed. A job waiting
 * for a fence from outside the device (a sync_file, another driver) keeps
 * the unbind waiting until that fence signals: drm_sched frees a killed
 * job only after its dependencies.
 */
void vsvm_vm_unplug_all(struct vsvm_device *vdev)
{
	struct vsvm_vm *vm;

	while ((vm = vsvm_vm_next_plugged(vdev))) {
		vsvm_vm_unplug(vm);
		vsvm_vm_put(vm);
	}
	/* VMs whose last reference went meanwhile tear themselves down. */
	wait_var_event(&vdev->vms_freeing, !atomic_read(&vdev->vms_freeing));
}

static struct vsvm_vm *vsvm_vm_create(struct vsvm_device *vdev, u64 client_id)
{
	struct drm_gpu_scheduler *sched;
	struct vsvm_vm *vm;
	u32 i;
	int ret;

	vm = kzalloc_obj(*vm, GFP_KERNEL_ACCOUNT);
	if (!vm)
		return ERR_PTR(-ENOMEM);
	kref_init(&vm->ref);
	vm->vdev = vdev;
	spin_lock_init(&vm->error_lock);
	mutex_init(&vm->submit_lock);
	vsvm_fault_vm_init(vm);

	vm->entities = kcalloc(vdev->num_engines, sizeof(*vm->entities),
			       GFP_KERNEL_ACCOUNT);
	if (!vm->entities) {
		ret = -ENOMEM;
		goto err_free_vm;
	}

	ret = vsvm_pt_init(&vm->pt);
	if (ret)
		goto err_free_entities;

	for (i = 0; i < vdev->num_engines; i++) {
		sched = &vdev->engines[i].sched;
		ret = drm_sched_entity_init(&vm->entities[i],
					    DRM_SCHED_PRIORITY_NORMAL,
					    &sched, 1, NULL);
		if (ret)
			goto err_fini_entities;
	}

	vm->memcg = get_mem_cgroup_from_mm(current->mm);
	mmgrab(current->mm);
	vm->mm = current->mm;
	ret = vsvm_svm_init(vm);
	if (ret)
		goto err_drop_mm;
	vm->pid = task_tgid_nr(current);
	vm->client_id = client_id;
	mutex_lock(&vdev->vms_lock);
	list_add_tail(&vm->link, &vdev->vms);
	mutex_unlock(&vdev->vms_lock);
	return vm;

err_drop_mm:
	mmdrop(vm->mm);
	mem_cgroup_put(vm->memcg);
err_fini_entities:
	while (i--)
		drm_sched_entity_destroy(&vm->entities[i]);
	vsvm_pt_fini(&vm->pt);
err_free_entities:
	kfree(vm->entities);
err_free_vm:
	kfree(vm);
	return ERR_PTR(ret);
}

/**
 * vsvm_vm_create_ioctl() - DRM_IOCTL_VSVM_VM_CREATE
 * @drm: the DRM device
 * @data: &struct drm_vsvm_vm_create
 * @file: the caller's DRM file
 *
 * Return: 0; -EINVAL for non-zero extensions or reserved fields, or flags
 * other than DRM_VSVM_VM_CREATE_SVM; -ENOSPC when the file holds
 * VSVM_MAX_VMS_PER_FILE VMs already; -ENOMEM.
 */
int vsvm_vm_create_ioctl(struct drm_device *drm, void *data,
			 struct drm_file *file)
{
	struct vsvm_file *vfile = file->driver_priv;
	struct drm_vsvm_vm_create *args = data;
	struct vsvm_vm *vm;
	u32 id;
	int ret;

	if (args->extensions || args->reserved[0] || args->reserved[1] ||
	    args->flags != DRM_VSVM_VM_CREATE_SVM) {
		drm_dbg_driver(drm, "vm_create: invalid argument\n");
		return -EINVAL;
	}
	if (!current->mm)
		return -EINVAL;

	vm = vsvm_vm_create(to_vsvm_device(drm), file->client_id);
	if (IS_ERR(vm))
		return PTR_ERR(vm);

	ret = xa_alloc(&vfile->vms, &id, vm,
		       XA_LIMIT(1, VSVM_MAX_VMS_PER_FILE), GFP_KERNEL_ACCOUNT);
	if (ret) {
		vsvm_vm_close(vm);
		return ret == -EBUSY ? -ENOSPC : ret;
	}
	vm->id = id;
	args->vm_id = id;
	return 0;
}

/**
 * vsvm_vm_destroy_ioctl() - DRM_IOCTL_VSVM_VM_DESTROY
 * @drm: the DRM device
 * @data: &struct drm_vsvm_vm_destroy
 * @file: the caller's DRM file
 *
 * The VM is checked and removed under the lock of the file's table, so that
 * only its own process can destroy it.
 *
 * Return: 0; -EINVAL for non-zero pad or reserved fields; -ENOENT for an
 * unknown VM; -EACCES for a VM of another process.
 */
int vsvm_vm_destroy_ioctl(struct drm_device *drm, void *data,
			  struct drm_file *file)
{
	struct vsvm_file *vfile = file->driver_priv;
	struct drm_vsvm_vm_destroy *args = data;
	struct vsvm_vm *vm;
	int ret = 0;

	if (args->pad || args->reserved[0] || args->reserved[1])
		return -EINVAL;

	xa_lock(&vfile->vms);
	vm = xa_load(&vfile->vms, args->vm_id);
	if (!vm) {
		ret = -ENOENT;
	} else if (vm->mm != current->mm) {
		ret = -EACCES;
	} else {
		__xa_erase(&vfile->vms, args->vm_id);
		vsvm_file_retire_vm(vfile, vm);
	}
	xa_unlock(&vfile->vms);
	if (!ret)
		vsvm_vm_close(vm);
	return ret;
}

/* Counters of the stable uapi: the others read as 0 (see vsvm_drv.h). */
static bool vsvm_stat_is_uapi(unsigned int idx)
{
	switch (idx) {
	case DRM_VSVM_STAT_FAULTS:
	case DRM_VSVM_STAT_INVALIDATIONS:
	case DRM_VSVM_STAT_JOBS:
	case DRM_VSVM_STAT_JOBS_FAILED:
	case DRM_VSVM_STAT_BYTES_TO_VRAM:
	case DRM_VSVM_STAT_BYTES_TO_SYSTEM:
	case DRM_VSVM_STAT_EXCLUSIVE_GRANTS:
	case DRM_VSVM_STAT_EXCLUSIVE_REVOKES:
		return true;
	default:
		return false;
	}
}

/**
 * vsvm_stats_ioctl() - DRM_IOCTL_VSVM_STATS
 * @drm: the DRM device
 * @data: &struct drm_vsvm_stats
 * @file: the caller's DRM file
 *
 * Only the VM's own behaviour counters are reported: device-wide totals
 * would show every process's activity to every client, and implementation
 * counters are no uapi; both are in debugfs.
 *
 * Return: 0; -EINVAL for non-zero pad or reserved fields, or @vm_id 0 with
 * a non-zero count; -ENOENT for an unknown VM; -EACCES for a VM of another
 * process; -EFAULT for a bad data pointer.
 */
int vsvm_stats_ioctl(struct drm_device *drm, void *data,
		     struct drm_file *file)
{
	struct drm_vsvm_stats *args = data;
	u64 values[DRM_VSVM_STAT_COUNT];
	struct vsvm_vm *vm;
	u32 i, count;
	int ret = 0;

	if (args->pad || args->reserved[0] || args->reserved[1])
		return -EINVAL;

	if (!args->count) {
		args->count = DRM_VSVM_STAT_COUNT;
		return 0;
	}
	if (!args->vm_id)
		return -EINVAL;
	ret = vsvm_vm_lookup_owned(file->driver_priv, args->vm_id, &vm);
	if (ret)
		return ret;

	count = min_t(u32, args->count, DRM_VSVM_STAT_COUNT);
	for (i = 0; i < count; i++)
		values[i] = vsvm_stat_is_uapi(i) ?
			    atomic64_read(&vm->stats[i]) : 0;
	if (copy_to_user(u64_to_user_ptr(args->data), values,
			 count * sizeof(u64)))
		ret = -EFAULT;
	else
		args->count = count;

	vsvm_vm_put(vm);
	return ret;
}

/**
 * vsvm_vm_error_ioctl() - DRM_IOCTL_VSVM_VM_ERROR
 * @drm: the DRM device
 * @data: &struct drm_vsvm_vm_error
 * @file: the caller's DRM file
 *
 * Return: 0; -EINVAL for non-zero pad or reserved fields; -ENOENT for an
 * unknown VM; -EACCES for a VM of another process.
 */
int vsvm_vm_error_ioctl(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	struct drm_vsvm_vm_error *args = data;
	struct vsvm_vm *vm;
	u32 id = args->vm_id;
	int ret;

	if (args->pad || args->pad2 || args->reserved[0] || args->reserved[1])
		return -EINVAL;

	ret = vsvm_vm_lookup_owned(file->driver_priv, id, &vm);
	if (ret)
		return ret;

	spin_lock(&vm->error_lock);
	*args = vm->error;
	spin_unlock(&vm->error_lock);
	args->vm_id = id;
	vsvm_vm_put(vm);
	return 0;
}

/**
 * vsvm_show_fdinfo() - &drm_driver.show_fdinfo: a client's GPU usage
 * @p: printer of the fdinfo file
 * @file: the DRM file
 *
 * Prints, as Documentation/gpu/drm-usage-stats.rst describes:
 *
 * - drm-engine-compute: time in ns the engines spent running jobs of the
 *   file's VMs, those closed included; all engines are of one class, and
 *   drm-engine-capacity-compute is their number.
 * - vsvm-gpu-faults, vsvm-bytes-to-vram, vsvm-bytes-to-system: the VM
 *   counters of the same name (DRM_VSVM_STAT_FAULTS, _BYTES_TO_VRAM,
 *   _BYTES_TO_SYSTEM) summed over the file's VMs, those closed included.
 *   They are the file's own, as the VMs are: no other client's work shows.
 *
 * drm-cycles and drm-maxfreq are left out: the engines are emulated by the
 * CPU and have no clock of their own. No memory keys are printed: a VM
 * mirrors its process's memory rather than owning buffers, and the
 * process's memory is accounted to it by core mm already.
 *
 * Locking: takes the lock of the file's VM table, which makes the sum of
 * open and closed VMs consistent. After a hot-unplug nothing is printed
 * (drm_dev_enter()).
 */
void vsvm_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	struct vsvm_file *vfile = file->driver_priv;
	u64 stats[VSVM_FDINFO_STATS];
	struct vsvm_vm *vm;
	unsigned long id;
	unsigned int i;
	u64 busy;
	int idx;

	/* drm_show_fdinfo() is guarded too: nothing after a hot-unplug */
	if (!drm_dev_enter(file->minor->dev, &idx))
		return;
	xa_lock(&vfile->vms);
	busy = vfile->busy_ns_closed;
	memcpy(stats, vfile->stats_closed, sizeof(stats));
	xa_for_each(&vfile->vms, id, vm) {
		busy += atomic64_read(&vm->busy_ns);
		for (i = 0; i < VSVM_FDINFO_STATS; i++)
			stats[i] += atomic64_read(&vm->stats[vsvm_fdinfo_stats[i].idx]);
	}
	xa_unlock(&vfile->vms);

	drm_printf(p, "drm-engine-compute:\t%llu ns\n", busy);
	if (vfile->vdev->num_engines > 1)
		drm_printf(p, "drm-engine-capacity-compute:\t%u\n",
			   vfile->vdev->num_engines);
	for (i = 0; i < VSVM_FDINFO_STATS; i++)
		drm_printf(p, "%s:\t%llu\n", vsvm_fdinfo_stats[i].key, stats[i]);
	drm_dev_exit(idx);
}
