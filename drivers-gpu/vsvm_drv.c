// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * DOC: vsvm overview
 *
 * vsvm is a virtual compute GPU whose reason to exist is shared virtual
 * memory: its engines dereference plain CPU pointers. Each GPU is bound to
 * a faux device created at module load, as vgem's is, and registers a DRM
 * render node. The module parameter ``num_devices`` (1 to 4) sets how
 * many GPUs there are, each with its own VRAM, engines, fault handlers
 * and render node; their faux devices are named "vsvm" (index 0) and
 * "vsvm.<index>". A process may have VMs on several of them mirroring its
 * one address space.
 *
 * The faux bus has no bind/unbind files in sysfs; writable module
 * parameters take their place: ``bound`` for every device at once (0
 * removes them, 1 creates the missing ones) and ``bound_mask`` for each
 * (bit i set: device i exists).
 *
 * Files, one responsibility each:
 *
 * - vsvm_drv.c: module parameters, device bring-up and the ioctl table.
 * - vsvm_query.c: DRM_IOCTL_VSVM_QUERY.
 * - vsvm_vm.c: VMs, their stats and error records (VM_CREATE, VM_DESTROY,
 *   STATS, VM_ERROR), and the clients' fdinfo.
 * - vsvm_exec.c: DRM_IOCTL_VSVM_EXEC, jobs and their syncobjs.
 * - vsvm_ufence.c: user fences: the records EXEC's jobs write when they
 *   end, and DRM_IOCTL_VSVM_WAIT_UFENCE.
 * - vsvm_engine.c: engines, the DRM scheduler, job fences and timeouts.
 * - vsvm_cmd.c: command execution and the GPU MMU (translation, faults).
 * - vsvm_fault.c: the GPU fault queues, one per VM, and their handlers.
 * - vsvm_pt.c: the GPU page table format.
 * - vsvm_svm.c: the fault path: mirroring the CPU page table with HMM under
 *   mmu_interval_notifiers, and invalidation.
 * - vsvm_pagemap.c: VRAM as a drm_pagemap: devmem ops, allocator, eviction,
 *   the devices' interconnect group (peer access and migration).
 * - vsvm_migrate.c: migration both ways, CPU faults on VRAM pages,
 *   PREFETCH, RESIDENCY and MADVISE.
 * - vsvm_debugfs.c: debugfs files under the DRM minor's directory: the
 *   device-wide counters and the implementation counters, for root only.
 * - vsvm_trace.h: tracepoints (fault, resolve, invalidate).
 */

/**
 * DOC: hot-unplug
 *
 * Removing a device (``bound`` = 0 for all, ``bound_mask`` for one, module
 * unload) is a hot-unplug: it works with files open, and what a process
 * holds stays valid for it. The other devices are not affected: pages in
 * the removed device's VRAM that they reach in place go back to system
 * memory with the rest (the eviction invalidates their mirrors first).
 * vsvm_remove() does, in order:
 *
 * 1. drm_dev_unplug(): the render node goes; it waits for every
 *    drm_dev_enter() section to end. Every vsvm ioctl runs inside one (the
 *    ioctl table's wrappers), so does every job on an engine, every GPU
 *    fault handler and every debugfs read: afterwards each ioctl on an open
 *    file fails with -ENODEV (the DRM core's ioctls too), an engine starts
 *    no job (-ENODEV) and a running job stops at its next command or
 *    memory access with -ENODEV, faults fail unresolved, fdinfo shows
 *    no DRM keys (drm_show_fdinfo() enters the device too).
 * 2. vsvm_vm_unplug_all(): every VM is stopped as VM_DESTROY would stop
 *    it, and the unbind waits until every job is freed. Every job still
 *    queued or running ends with an error on its fence: -ESRCH when
 *    drm_sched kills it in its queue, -ECANCELED when it was on its way
 *    to the engine, -ENODEV when it ran. Then the VM's mirror goes:
 *    exclusive grants are given back, notifiers removed, DMA mappings
 *    undone, the GPU page table freed. The process's CPU mappings are
 *    untouched.
 * 3. vsvm_vram_fini(): every page in VRAM is evicted to system memory,
 *    data intact, and the pagemap removed. The copy engine and the
 *    copy_to_ram() callbacks keep working after step 1, on purpose: they
 *    bring the data back (migrations to VRAM are refused from step 1 on,
 *    under drm_dev_enter()).
 *
 * What is left — the &struct vsvm_device, the schedulers, the fault
 * workqueue, each file's &struct vsvm_file and its VMs without their
 * mirror — is freed when the last file is closed: the VMs at each file's
 * postclose, the rest by drmm actions when the DRM device is released.
 * Each open file holds the module (&file_operations.owner), so rmmod is
 * refused until the last one is closed. vsvm has no mmap: mmap() of the
 * file fails with -ENODEV before and after.
 *
 * Writing 1 to ``bound`` while old files are open creates a new device
 * with a new render node (a new minor while the old one is held); the old
 * files stay unplugged.
 */

#include <linux/debugfs.h>
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/device/faux.h>
#include <linux/sizes.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>
#include <drm/vsvm_drm.h>

#include "vsvm_drv.h"
#include "vsvm_engine.h"
#include "vsvm_ufence.h"
#include "vsvm_vm.h"

static unsigned int vram_size_mb = 256;
module_param(vram_size_mb, uint, 0444);
MODULE_PARM_DESC(vram_size_mb,
		 "Size of the simulated VRAM in MiB, a multiple of 2 from 2 to 16384 (default 256)");

static unsigned int num_engines = 4;
module_param(num_engines, uint, 0444);
MODULE_PARM_DESC(num_engines, "Number of engines, 1 to 16 (default 4)");

static unsigned int job_timeout_ms = 2000;
module_param(job_timeout_ms, uint, 0444);
MODULE_PARM_DESC(job_timeout_ms,
		 "Job timeout in milliseconds, 10 to 600000 (default 2000)");

static unsigned int num_devices = 1;
module_param(num_devices, uint, 0444);
MODULE_PARM_DESC(num_devices,
		 "Number of vsvm devices, 1 to 4 (default 1), each with its own VRAM, engines and render node");

#define VSVM_MAX_VRAM_MB	16384
#define VSVM_MAX_ENGINES	16
#define VSVM_MAX_DEVICES	4

/*
 * Protects vsvm_faux, vsvm_loaded, vsvm_bind_at_load and vsvm_probe_index;
 * held across faux_device_create() and faux_device_destroy(), hence across
 * vsvm_probe() and vsvm_remove().
 */
static DEFINE_MUTEX(vsvm_faux_lock);
static struct faux_device *vsvm_faux[VSVM_MAX_DEVICES];
static bool vsvm_loaded;
/* every device, whatever num_devices is: ``bound`` = 1 */
#define VSVM_ALL_DEVICES	ULONG_MAX
/* the devices to bind at load, a mask of indices (``bound_mask``) */
static unsigned long vsvm_bind_at_load = VSVM_ALL_DEVICES;
/* the index of the device faux_device_create() is probing */
static unsigned int vsvm_probe_index;

/*
 * The devices by index, from their registration to the start of their
 * removal, for VMs of other devices that name their VRAM
 * (vsvm_device_pagemap_get()).
 */
static DEFINE_SPINLOCK(vsvm_devices_lock);
static struct vsvm_device *vsvm_devices[VSVM_MAX_DEVICES];

static int vsvm_params_check(void)
{
	if (!vram_size_mb || vram_size_mb % 2 ||
	    vram_size_mb > VSVM_MAX_VRAM_MB) {
		pr_err("vsvm: vram_size_mb=%u: must be a multiple of 2 from 2 to %u\n",
		       vram_size_mb, VSVM_MAX_VRAM_MB);
		return -EINVAL;
	}
	if (!num_engines || num_engines > VSVM_MAX_ENGINES) {
		pr_err("vsvm: num_engines=%u: must be from 1 to %u\n",
		       num_engines, VSVM_MAX_ENGINES);
		return -EINVAL;
	}
	if (job_timeout_ms < 10 || job_timeout_ms > 600000) {
		pr_err("vsvm: job_timeout_ms=%u: must be from 10 to 600000\n",
		       job_timeout_ms);
		return -EINVAL;
	}
	if (!num_devices || num_devices > VSVM_MAX_DEVICES) {
		pr_err("vsvm: num_devices=%u: must be from 1 to %u\n",
		       num_devices, VSVM_MAX_DEVICES);
		return -EINVAL;
	}
	return 0;
}

static int vsvm_open(struct drm_device *drm, struct drm_file *file)
{
	struct vsvm_file *vfile;

	vfile = kzalloc_obj(*vfile, GFP_KERNEL_ACCOUNT);
	if (!vfile)
		return -ENOMEM;

	vfile->vdev = to_vsvm_device(drm);
	xa_init_flags(&vfile->vms, XA_FLAGS_ALLOC1);
	file->driver_priv = vfile;
	return 0;
}

static void vsvm_postclose(struct drm_device *drm, struct drm_file *file)
{
	vsvm_vm_close_all(file->driver_priv);
	kfree(file->driver_priv);
	file->driver_priv = NULL;
}

/*
 * vsvm has no GEM objects, hence no PRIME buffers. Without these hooks the
 * DRM core (7.3) falls back to its GEM helpers for PRIME_HANDLE_TO_FD and
 * PRIME_FD_TO_HANDLE, which take the file's GEM handle table and the
 * device's object_name_lock, never initialised without DRIVER_GEM. The
 * hooks keep both ioctls away from them on any kernel; the core fix is
 * kernel/patches/0002 ("drm/prime: Refuse PRIME ioctls on devices without
 * GEM"). DRM_CAP_PRIME still reads import and export without it.
 */
static int vsvm_prime_handle_to_fd(struct drm_device *drm,
				   struct drm_file *file, u32 handle,
				   u32 flags, int *prime_fd)
{
	return -EOPNOTSUPP;
}

static int vsvm_prime_fd_to_handle(struct drm_device *drm,
				   struct drm_file *file, int prime_fd,
				   u32 *handle)
{
	return -EOPNOTSUPP;
}

/*
 * Every vsvm ioctl runs inside drm_dev_enter(): drm_dev_unplug() waits for
 * the ones in flight, and later calls fail with -ENODEV. (drm_ioctl()
 * refuses calls on an unplugged device too, but without a critical
 * section: an ioctl may have passed its check as the device goes.)
 */
static int vsvm_ioctl_enter(drm_ioctl_t *func, struct drm_device *drm,
			    void *data, struct drm_file *file)
{
	int idx, ret;

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;
	ret = func(drm, data, file);
	drm_dev_exit(idx);
	return ret;
}

#define VSVM_IOCTL_ENTER(func)						\
static int func##_enter(struct drm_device *drm, void *data,		\
			struct drm_file *file)				\
{									\
	return vsvm_ioctl_enter(func, drm, data, file);			\
}

VSVM_IOCTL_ENTER(vsvm_query_ioctl)
VSVM_IOCTL_ENTER(vsvm_vm_create_ioctl)
VSVM_IOCTL_ENTER(vsvm_vm_destroy_ioctl)
VSVM_IOCTL_ENTER(vsvm_exec_ioctl)
VSVM_IOCTL_ENTER(vsvm_stats_ioctl)
VSVM_IOCTL_ENTER(vsvm_vm_error_ioctl)
VSVM_IOCTL_ENTER(vsvm_prefetch_ioctl)
VSVM_IOCTL_ENTER(vsvm_residency_ioctl)
VSVM_IOCTL_ENTER(vsvm_madvise_ioctl)
VSVM_IOCTL_ENTER(vsvm_attr_query_ioctl)

#define VSVM_IOCTL(name, func)						\
	DRM_IOCTL_DEF_DRV(name, func##_enter, DRM_RENDER_ALLOW)

static const struct drm_ioctl_desc vsvm_ioctls[] = {
	VSVM_IOCTL(VSVM_QUERY, vsvm_query_ioctl),
	VSVM_IOCTL(VSVM_VM_CREATE, vsvm_vm_create_ioctl),
	VSVM_IOCTL(VSVM_VM_DESTROY, vsvm_vm_destroy_ioctl),
	VSVM_IOCTL(VSVM_EXEC, vsvm_exec_ioctl),
	VSVM_IOCTL(VSVM_STATS, vsvm_stats_ioctl),
	VSVM_IOCTL(VSVM_VM_ERROR, vsvm_vm_error_ioctl),
	VSVM_IOCTL(VSVM_PREFETCH, vsvm_prefetch_ioctl),
	VSVM_IOCTL(VSVM_RESIDENCY, vsvm_residency_ioctl),
	VSVM_IOCTL(VSVM_MADVISE, vsvm_madvise_ioctl),
	VSVM_IOCTL(VSVM_ATTR_QUERY, vsvm_attr_query_ioctl),
	/*
	 * Not inside drm_dev_enter(): a wait may last, and drm_dev_unplug()
	 * would wait for it; it fails with -ENODEV once unplugged instead.
	 */
	DRM_IOCTL_DEF_DRV(VSVM_WAIT_UFENCE, vsvm_wait_ufence_ioctl,
			  DRM_RENDER_ALLOW),
};

static const struct file_operations vsvm_fops = {
	.owner = THIS_MODULE,
	.open = drm_open,
	.release = drm_release,
	.unlocked_ioctl = drm_ioctl,
	.compat_ioctl = drm_compat_ioctl,
	.poll = drm_poll,
	.read = drm_read,
	.llseek = noop_llseek,
	.fop_flags = FOP_UNSIGNED_OFFSET,
	.show_fdinfo = drm_show_fdinfo,
};

static const struct drm_driver vsvm_driver = {
	.driver_features = DRIVER_RENDER | DRIVER_SYNCOBJ |
			   DRIVER_SYNCOBJ_TIMELINE,
	.open = vsvm_open,
	.postclose = vsvm_postclose,
	.show_fdinfo = vsvm_show_fdinfo,
	.prime_handle_to_fd = vsvm_prime_handle_to_fd,
	.prime_fd_to_handle = vsvm_prime_fd_to_handle,
	.ioctls = vsvm_ioctls,
	.num_ioctls = ARRAY_SIZE(vsvm_ioctls),
	.fops = &vsvm_fops,
	.name = DRIVER_NAME,
	.desc = DRIVER_DESC,
	.major = DRIVER_MAJOR,
	.minor = DRIVER_MINOR,
};

/*
 * Released with the DRM device, after its last file: the schedulers may
 * still be needed by a file's VMs after unplug (drm_sched_entity_fini() at
 * close touches the scheduler), and outlive every job (vsvm_remove()).
 */
static void vsvm_engines_release(struct drm_device *drm, void *unused)
{
	vsvm_engines_fini(to_vsvm_device(drm));
}

/*
 * Released with the DRM device, after the engines: jobs that ended at
 * unplug or close still write their user fences.
 */
static void vsvm_ufence_release(struct drm_device *drm, void *unused)
{
	vsvm_ufence_fini(to_vsvm_device(drm));
}

/* Released with the DRM device: a VM freed at close flushes its handler. */
static void vsvm_fault_release(struct drm_device *drm, void *unused)
{
	vsvm_fault_fini(to_vsvm_device(drm));
}

static int vsvm_probe(struct faux_device *fdev)
{
	struct vsvm_device *vdev;
	int ret;

	/* called by faux_device_create() in vsvm_bind() */
	lockdep_assert_held(&vsvm_faux_lock);

	vdev = devm_drm_dev_alloc(&fdev->dev, &vsvm_driver,
				  struct vsvm_device, drm);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);

	vdev->fdev = fdev;
	vdev->index = vsvm_probe_index;
	vdev->num_devices = num_devices;
	vdev->vram_size = (u64)vram_size_mb * SZ_1M;
	vdev->num_engines = num_engines;
	vdev->job_timeout_ms = job_timeout_ms;
	ret = drmm_mutex_init(&vdev->drm, &vdev->vms_lock);
	if (ret)
		return ret;
	INIT_LIST_HEAD(&vdev->vms);
	faux_device_set_drvdata(fdev, vdev);

	ret = dma_coerce_mask_and_coherent(&fdev->dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;

	ret = vsvm_vram_init(vdev);
	if (ret)
		return ret;

	/* each released by the DRM core from here on, even on failure */
	ret = vsvm_fault_init(vdev);
	if (ret)
		goto err_vram_fini;
	ret = drmm_add_action_or_reset(&vdev->drm, vsvm_fault_release, NULL);
	if (ret)
		goto err_vram_fini;

	ret = vsvm_ufence_init(vdev);
	if (ret)
		goto err_vram_fini;
	ret = drmm_add_action_or_reset(&vdev->drm, vsvm_ufence_release, NULL);
	if (ret)
		goto err_vram_fini;

	ret = vsvm_engines_init(vdev);
	if (ret)
		goto err_vram_fini;
	ret = drmm_add_action_or_reset(&vdev->drm, vsvm_engines_release, NULL);
	if (ret)
		goto err_vram_fini;

	vsvm_debugfs_init(vdev);

	ret = drm_dev_register(&vdev->drm, 0);
	if (ret)
		goto err_vram_fini;

	spin_lock(&vsvm_devices_lock);
	vsvm_devices[vdev->index] = vdev;
	spin_unlock(&vsvm_devices_lock);

	/*
	 * The DRM core creates gem_names for every device, although its
	 * table says DRIVER_GEM only, and reading it takes the uninitialised
	 * object_name_lock of a device without GEM. Remove it until the core
	 * honours the table: kernel/patches/0001 ("drm/debugfs: Create only
	 * the core files the driver supports").
	 */
	debugfs_lookup_and_remove("gem_names", vdev->drm.debugfs_root);

	drm_dbg_driver(&vdev->drm, "device %u: %u engines, %llu MiB VRAM\n",
		       vdev->index, vdev->num_engines, vdev->vram_size >> 20);
	return 0;

err_vram_fini:
	vsvm_vram_fini(vdev);
	return ret;
}

/*
 * Hot-unplug, with or without open files (see "DOC: vsvm overview"): no
 * ioctl, job, fault or debugfs read runs once drm_dev_unplug() returns;
 * every VM loses its jobs and its mirror, then VRAM goes back to system
 * memory. What files still hold is released with the DRM device.
 */
static void vsvm_remove(struct faux_device *fdev)
{
	struct vsvm_device *vdev = faux_device_get_drvdata(fdev);

	spin_lock(&vsvm_devices_lock);
	vsvm_devices[vdev->index] = NULL;
	spin_unlock(&vsvm_devices_lock);
	drm_dev_unplug(&vdev->drm);
	/* user fence waits end with -ENODEV */
	wake_up_all(&vdev->ufence_waitq);
	vsvm_vm_unplug_all(vdev);
	/* every page still in VRAM goes back to system memory first */
	vsvm_vram_fini(vdev);
	drm_dbg_driver(&vdev->drm, "unplugged, %d files open\n",
		       atomic_read(&vdev->drm.open_count));
}

/**
 * vsvm_device_pagemap_get() - the drm_pagemap of a device's VRAM, by index
 * @index: the device's index (&drm_vsvm_query_device.device_index)
 *
 * For a VM of another device that names this one's VRAM
 * (DRM_VSVM_REGION_VRAM_OF()). The drm_pagemap, active, holds its device
 * while referenced; the device may be unplugged meanwhile, and then
 * refuses migrations with -ENODEV.
 *
 * Return: the drm_pagemap with a reference (drm_pagemap_put() it), or
 * ERR_PTR(-ENODEV) when the device is not bound or has no VRAM.
 */
struct drm_pagemap *vsvm_device_pagemap_get(unsigned int index)
{
	struct drm_pagemap *dpagemap = ERR_PTR(-ENODEV);
	struct vsvm_device *vdev;
	int idx;

	spin_lock(&vsvm_devices_lock);
	vdev = index < VSVM_MAX_DEVICES ? vsvm_devices[index] : NULL;
	if (vdev)
		drm_dev_get(&vdev->drm);
	spin_unlock(&vsvm_devices_lock);
	if (!vdev)
		return dpagemap;
	if (drm_dev_enter(&vdev->drm, &idx)) {
		if (vdev->vram.enabled)
			dpagemap = vsvm_vram_pagemap_get(vdev);
		drm_dev_exit(idx);
	}
	drm_dev_put(&vdev->drm);
	return dpagemap;
}

static const struct faux_device_ops vsvm_faux_ops = {
	.probe = vsvm_probe,
	.remove = vsvm_remove,
};

/* Create device @index and bind vsvm to it. vsvm_faux_lock held. */
static int vsvm_bind(unsigned int index)
{
	char name[16];

	lockdep_assert_held(&vsvm_faux_lock);

	if (vsvm_faux[index])
		return 0;
	if (index)
		snprintf(name, sizeof(name), DRIVER_NAME ".%u", index);
	else
		strscpy(name, DRIVER_NAME);
	vsvm_probe_index = index;
	/* NULL when the probe failed: its error is in the kernel log */
	vsvm_faux[index] = faux_device_create(name, NULL, &vsvm_faux_ops);
	return vsvm_faux[index] ? 0 : -ENODEV;
}

/* Unbind vsvm from device @index and remove it. vsvm_faux_lock held. */
static void vsvm_unbind(unsigned int index)
{
	lockdep_assert_held(&vsvm_faux_lock);

	if (!vsvm_faux[index])
		return;
	faux_device_destroy(vsvm_faux[index]);
	vsvm_faux[index] = NULL;
}

/*
 * Make the devices in @mask exist and remove the others. Devices are
 * removed first, then created in index order; the first failure to create
 * one stops there and is returned. vsvm_faux_lock held.
 */
static int vsvm_bind_mask(unsigned long mask)
{
	unsigned int i;
	int ret;

	lockdep_assert_held(&vsvm_faux_lock);

	for (i = 0; i < num_devices; i++)
		if (!(mask & BIT(i)))
			vsvm_unbind(i);
	for (i = 0; i < num_devices; i++) {
		if (!(mask & BIT(i)))
			continue;
		ret = vsvm_bind(i);
		if (ret)
			return ret;
	}
	return 0;
}

/* The mask of the devices that exist (or are to be created at load). */
static unsigned long vsvm_bound_mask(void)
{
	unsigned long mask = 0;
	unsigned int i;

	lockdep_assert_held(&vsvm_faux_lock);

	if (!vsvm_loaded)
		return vsvm_bind_at_load & GENMASK(num_devices - 1, 0);
	for (i = 0; i < num_devices; i++)
		if (vsvm_faux[i])
			mask |= BIT(i);
	return mask;
}

static int vsvm_set_bound(unsigned long mask)
{
	int ret = 0;

	mutex_lock(&vsvm_faux_lock);
	if (!vsvm_loaded)
		vsvm_bind_at_load = mask;	/* given to modprobe */
	else
		ret = vsvm_bind_mask(mask);
	mutex_unlock(&vsvm_faux_lock);
	return ret;
}

static int vsvm_bound_set(const char *val, const struct kernel_param *kp)
{
	bool bind;
	int ret;

	ret = kstrtobool(val, &bind);
	if (ret)
		return ret;
	return vsvm_set_bound(bind ? VSVM_ALL_DEVICES : 0);
}

static int vsvm_bound_get(char *buf, const struct kernel_param *kp)
{
	bool bound;

	mutex_lock(&vsvm_faux_lock);
	bound = vsvm_bound_mask() == GENMASK(num_devices - 1, 0);
	mutex_unlock(&vsvm_faux_lock);
	return sysfs_emit(buf, "%c\n", bound ? 'Y' : 'N');
}

static const struct kernel_param_ops vsvm_bound_ops = {
	.set = vsvm_bound_set,
	.get = vsvm_bound_get,
};
module_param_cb(bound, &vsvm_bound_ops, NULL, 0644);
MODULE_PARM_DESC(bound,
		 "Whether every vsvm device exists (default Y): write 0 to unbind and remove them all (hot-unplug: open files get -ENODEV), 1 to create and bind the missing ones");

static int vsvm_bound_mask_set(const char *val, const struct kernel_param *kp)
{
	unsigned long mask;
	int ret;

	ret = kstrtoul(val, 0, &mask);
	if (ret)
		return ret;
	if (mask & ~GENMASK(VSVM_MAX_DEVICES - 1, 0))
		return -EINVAL;
	/* at load num_devices may not be parsed yet: checked in vsvm_init() */
	if (READ_ONCE(vsvm_loaded) && (mask & ~GENMASK(num_devices - 1, 0)))
		return -EINVAL;
	return vsvm_set_bound(mask);
}

static int vsvm_bound_mask_get(char *buf, const struct kernel_param *kp)
{
	unsigned long mask;

	mutex_lock(&vsvm_faux_lock);
	mask = vsvm_bound_mask();
	mutex_unlock(&vsvm_faux_lock);
	return sysfs_emit(buf, "%#lx\n", mask);
}

static const struct kernel_param_ops vsvm_bound_mask_ops = {
	.set = vsvm_bound_mask_set,
	.get = vsvm_bound_mask_get,
};
module_param_cb(bound_mask, &vsvm_bound_mask_ops, NULL, 0644);
MODULE_PARM_DESC(bound_mask,
		 "Which vsvm devices exist, bit i for device i (default all): writing a mask removes the devices whose bit is clear (hot-unplug) and creates those whose bit is set; bits at or above num_devices are refused");

static int __init vsvm_init(void)
{
	int ret;

	ret = vsvm_params_check();
	if (ret)
		return ret;

	mutex_lock(&vsvm_faux_lock);
	if (vsvm_bind_at_load != VSVM_ALL_DEVICES &&
	    (vsvm_bind_at_load & ~GENMASK(num_devices - 1, 0))) {
		pr_err("vsvm: bound_mask=%#lx: no bit at or above num_devices=%u\n",
		       vsvm_bind_at_load, num_devices);
		ret = -EINVAL;
	} else {
		ret = vsvm_bind_mask(vsvm_bind_at_load);
	}
	if (!ret)
		WRITE_ONCE(vsvm_loaded, true);
	else
		vsvm_bind_mask(0);
	mutex_unlock(&vsvm_faux_lock);
	return ret;
}

static void __exit vsvm_exit(void)
{
	mutex_lock(&vsvm_faux_lock);
	vsvm_bind_mask(0);
	WRITE_ONCE(vsvm_loaded, false);
	mutex_unlock(&vsvm_faux_lock);
}

module_init(vsvm_init);
module_exit(vsvm_exit);

MODULE_AUTHOR("The vsvm authors");
MODULE_DESCRIPTION(DRIVER_DESC);
MODULE_LICENSE("GPL");
