// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * SECTION:igt_vsvm
 * @short_description: vsvm support library
 * @title: vsvm
 * @include: igt_vsvm.h
 *
 * Helpers for the vsvm tests: opening the vsvm render node, wrapping its
 * ioctls, building command buffers and waiting for jobs. As everywhere in
 * IGT, a __ helper returns 0 or -errno and leaves the checking to the
 * caller, while the plain helper asserts success.
 *
 * Command buffers live in user memory and are fetched by the GPU through its
 * MMU: struct vsvm_cmdbuf holds one, and the vsvm_emit_*() helpers append a
 * command each, returning its GPU address (what DRM_IOCTL_VSVM_VM_ERROR
 * reports for a malformed command).
 *
 * A job's result is its user fence record (struct drm_vsvm_ufence, in the
 * test's memory): every vsvm VM takes page faults, so a job's fence never
 * leaves the kernel (signal syncs fail with -EOPNOTSUPP). vsvm_exec_ufence()
 * submits a buffer with a record for the kernel to write when the job
 * ends, vsvm_ufence_wait_status() waits for it with
 * DRM_IOCTL_VSVM_WAIT_UFENCE and returns 1 when the job succeeded, a
 * negative errno when it failed; vsvm_exec_wait() does both.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>
#include <xf86drm.h>

#include "drmtest.h"
#include "igt_core.h"
#include "igt_syncobj.h"
#include "ioctl_wrappers.h"
#include "igt_vsvm.h"

#define VSVM_DRI_DIR		"/dev/dri"
#define VSVM_RENDER_PREFIX	"renderD"

static bool is_vsvm_fd(int fd)
{
	drmVersionPtr version;
	bool ret;

	version = drmGetVersion(fd);
	if (!version)
		return false;

	ret = version->name && !strcmp(version->name, VSVM_DRIVER_NAME);
	drmFreeVersion(version);

	return ret;
}

/*
 * Returns the minor number in a "renderD<minor>" directory entry name, or -1
 * for any other name.
 */
static long render_minor(const char *name)
{
	const char *digits;
	char *end;
	long minor;

	if (strncmp(name, VSVM_RENDER_PREFIX, strlen(VSVM_RENDER_PREFIX)))
		return -1;

	digits = name + strlen(VSVM_RENDER_PREFIX);
	if (*digits < '0' || *digits > '9')
		return -1;

	errno = 0;
	minor = strtol(digits, &end, 10);
	if (errno || *end)
		return -1;

	return minor;
}

/*
 * The device index DRM_VSVM_QUERY_DEVICE reports for @fd: 0 before uapi
 * 0.7 (the field was reserved, zero, and there was one device), or -errno
 * when the query fails.
 */
static long query_device_index(int fd)
{
	struct drm_vsvm_query_device dev;
	struct drm_vsvm_query q = {
		.query = DRM_VSVM_QUERY_DEVICE,
		.size = sizeof(dev),
		.data = to_user_pointer(&dev),
	};
	int err;

	memset(&dev, 0, sizeof(dev));
	err = __vsvm_query(fd, &q);
	if (err)
		return err;
	if (dev.uapi_major == 0 && dev.uapi_minor < 7)
		return 0;

	return dev.device_index;
}

/*
 * The lowest render minor of a vsvm device, of any device (@index < 0) or
 * of the one whose device_index is @index: -ENODEV when there is none, or
 * -errno when the directory cannot be read.
 */
static long vsvm_render_minor(long index)
{
	char path[PATH_MAX];
	struct dirent *de;
	long best = -ENODEV;
	DIR *dir;
	int fd;

	dir = opendir(VSVM_DRI_DIR);
	if (!dir)
		return -errno;

	while ((de = readdir(dir))) {
		long minor = render_minor(de->d_name);

		if (minor < 0 || (best >= 0 && minor >= best))
			continue;

		snprintf(path, sizeof(path), "%s/%s", VSVM_DRI_DIR, de->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			igt_debug("Cannot open %s: %s\n", path, strerror(errno));
			continue;
		}

		if (is_vsvm_fd(fd) &&
		    (index < 0 || query_device_index(fd) == index))
			best = minor;
		close(fd);
	}
	closedir(dir);

	return best;
}

/*
 * Open render node @minor, or return -errno (a negative @minor, an error of
 * vsvm_render_minor(), is returned as it is).
 */
static int vsvm_render_open(long minor, char *path, size_t len)
{
	int fd;

	if (minor < 0)
		return minor;
	snprintf(path, len, "%s/%s%ld", VSVM_DRI_DIR, VSVM_RENDER_PREFIX,
		 minor);
	fd = open(path, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/**
 * __drm_open_vsvm_render:
 *
 * Opens the render node of the first vsvm device, the one with the lowest
 * render minor whose driver reports the name "vsvm".
 *
 * IGT's drm_open_driver_render() cannot be used: IGT knows no vsvm chipset
 * bit, an unknown driver is only matched by DRIVER_ANY, which returns the
 * first render node of any driver (a virtual machine usually has a display
 * driver as well), and when nothing matches, DRIVER_ANY modprobes every
 * driver module IGT knows. Selecting the node by driver name avoids both.
 *
 * Returns: an open file descriptor, or -errno (-ENODEV when no vsvm render
 * node exists).
 */
int __drm_open_vsvm_render(void)
{
	char path[PATH_MAX];
	int fd = vsvm_render_open(vsvm_render_minor(-1), path, sizeof(path));

	if (fd < 0)
		return fd;

	igt_info("Opened device: %s\n", path);

	return fd;
}

/**
 * drm_open_vsvm_render:
 *
 * Like __drm_open_vsvm_render(), but skips the test when no vsvm render node
 * can be opened.
 *
 * Returns: an open file descriptor of a vsvm render node.
 */
int drm_open_vsvm_render(void)
{
	int fd = __drm_open_vsvm_render();

	igt_require_f(fd >= 0,
		      "No vsvm render node found in %s (%s): is the vsvm module loaded?\n",
		      VSVM_DRI_DIR, strerror(-fd));

	return fd;
}

/**
 * __drm_open_vsvm_render_index:
 * @index: a device index, as DRM_VSVM_QUERY_DEVICE reports it
 *
 * Opens the render node of the vsvm device whose DRM_VSVM_QUERY_DEVICE
 * answer has device_index @index (uapi 0.7; before it, the one device has
 * index 0). The render nodes are found by driver name, as
 * __drm_open_vsvm_render() does; should two report the same index, the
 * one with the lower render minor is taken. A device that was removed
 * (module parameter bound_mask) has no render node and is not found.
 *
 * Returns: an open file descriptor, or -errno (-ENODEV when no vsvm device
 * has that index).
 */
int __drm_open_vsvm_render_index(unsigned int index)
{
	char path[PATH_MAX];
	int fd = vsvm_render_open(vsvm_render_minor(index), path,
				  sizeof(path));

	if (fd < 0)
		return fd;
	/* Removed and created again between the scan and the open? */
	if (!is_vsvm_fd(fd) || query_device_index(fd) != (long)index) {
		close(fd);
		return -ENODEV;
	}

	igt_info("Opened device %u: %s\n", index, path);

	return fd;
}

/**
 * drm_open_vsvm_render_index:
 * @index: a device index, as DRM_VSVM_QUERY_DEVICE reports it
 *
 * Like __drm_open_vsvm_render_index(), but skips the test when no vsvm
 * device with index @index can be opened.
 *
 * Returns: an open file descriptor of the render node of vsvm device
 * @index.
 */
int drm_open_vsvm_render_index(unsigned int index)
{
	int fd = __drm_open_vsvm_render_index(index);

	igt_require_f(fd >= 0,
		      "No vsvm device %u found in %s (%s): is the vsvm module loaded with num_devices > %u, and is the device bound?\n",
		      index, VSVM_DRI_DIR, strerror(-fd), index);

	return fd;
}

/**
 * __vsvm_query:
 * @fd: a vsvm DRM file descriptor
 * @q: the query, passed to the kernel as is
 *
 * Issues DRM_IOCTL_VSVM_QUERY.
 *
 * Returns: 0 on success, or -errno.
 */
int __vsvm_query(int fd, struct drm_vsvm_query *q)
{
	int err = 0;

	if (igt_ioctl(fd, DRM_IOCTL_VSVM_QUERY, q)) {
		err = -errno;
		errno = 0;
	}

	return err;
}

/**
 * vsvm_query_device:
 * @fd: a vsvm DRM file descriptor
 * @out: where the answer is written
 *
 * Queries DRM_VSVM_QUERY_DEVICE into @out, asserting that the query succeeds
 * and fills the whole structure.
 */
void vsvm_query_device(int fd, struct drm_vsvm_query_device *out)
{
	struct drm_vsvm_query q = {
		.query = DRM_VSVM_QUERY_DEVICE,
		.size = sizeof(*out),
		.data = to_user_pointer(out),
	};

	igt_assert_eq(__vsvm_query(fd, &q), 0);
	igt_assert_eq_u32(q.size, sizeof(*out));
}

/**
 * vsvm_num_engines:
 * @fd: a vsvm DRM file descriptor
 *
 * Returns: the number of engines of the device, at least 1.
 */
uint32_t vsvm_num_engines(int fd)
{
	struct drm_vsvm_query_device dev;

	vsvm_query_device(fd, &dev);
	igt_assert_lte(1, dev.num_engines);

	return dev.num_engines;
}

/**
 * vsvm_uapi_at_least:
 * @fd: a vsvm DRM file descriptor
 * @major: a VSVM_UAPI_MAJOR
 * @minor: a VSVM_UAPI_MINOR
 *
 * Returns: whether the running driver implements uapi @major.@minor or a
 * later one, so that a test of a newer feature can skip on older kernels.
 */
bool vsvm_uapi_at_least(int fd, unsigned int major, unsigned int minor)
{
	struct drm_vsvm_query_device dev;

	vsvm_query_device(fd, &dev);

	return dev.uapi_major > major ||
	       (dev.uapi_major == major && dev.uapi_minor >= minor);
}

/**
 * vsvm_num_devices:
 * @fd: a vsvm DRM file descriptor
 *
 * Returns: the number of devices the vsvm module was loaded with (its
 * num_devices parameter), bound or not, as DRM_VSVM_QUERY_DEVICE reports
 * it; 1 before uapi 0.7, which had one device.
 */
unsigned int vsvm_num_devices(int fd)
{
	struct drm_vsvm_query_device dev;

	vsvm_query_device(fd, &dev);
	if (dev.uapi_major == 0 && dev.uapi_minor < 7)
		return 1;
	igt_assert_lte(1, dev.num_devices);

	return dev.num_devices;
}

/**
 * vsvm_device_index:
 * @fd: a vsvm DRM file descriptor
 *
 * Returns: the index of the device, from 0 to vsvm_num_devices() - 1, as
 * DRM_VSVM_QUERY_DEVICE reports it; 0 before uapi 0.7.
 */
unsigned int vsvm_device_index(int fd)
{
	struct drm_vsvm_query_device dev;

	vsvm_query_device(fd, &dev);
	if (dev.uapi_major == 0 && dev.uapi_minor < 7)
		return 0;

	return dev.device_index;
}

/**
 * vsvm_job_timeout_ms:
 *
 * Returns: the job timeout of the loaded vsvm module in milliseconds (its
 * job_timeout_ms parameter), or the default of 2000 when it cannot be read.
 */
unsigned int vsvm_job_timeout_ms(void)
{
	unsigned int ms = 2000;
	FILE *f;

	f = fopen("/sys/module/vsvm/parameters/job_timeout_ms", "r");
	if (f) {
		if (fscanf(f, "%u", &ms) != 1)
			ms = 2000;
		fclose(f);
	}

	return ms;
}

/**
 * __vsvm_vm_create:
 * @fd: a vsvm DRM file descriptor
 * @create: the request, passed to the kernel as is
 *
 * Issues DRM_IOCTL_VSVM_VM_CREATE.
 *
 * Returns: 0 on success, or -errno.
 */
int __vsvm_vm_create(int fd, struct drm_vsvm_vm_create *create)
{
	int err = 0;

	if (igt_ioctl(fd, DRM_IOCTL_VSVM_VM_CREATE, create)) {
		err = -errno;
		errno = 0;
	}

	return err;
}

/**
 * vsvm_vm_create:
 * @fd: a vsvm DRM file descriptor
 *
 * Creates an SVM VM mirroring the calling process, asserting success.
 *
 * Returns: the id of the new VM, never 0.
 */
uint32_t vsvm_vm_create(int fd)
{
	struct drm_vsvm_vm_create create = {
		.flags = DRM_VSVM_VM_CREATE_SVM,
	};

	igt_assert_eq(__vsvm_vm_create(fd, &create), 0);
	igt_assert_neq_u32(create.vm_id, 0);

	return create.vm_id;
}

/**
 * __vsvm_vm_destroy:
 * @fd: a vsvm DRM file descriptor
 * @destroy: the request, passed to the kernel as is
 *
 * Issues DRM_IOCTL_VSVM_VM_DESTROY.
 *
 * Returns: 0 on success, or -errno.
 */
int __vsvm_vm_destroy(int fd, struct drm_vsvm_vm_destroy *destroy)
{
	int err = 0;

	if (igt_ioctl(fd, DRM_IOCTL_VSVM_VM_DESTROY, destroy)) {
		err = -errno;
		errno = 0;
	}

	return err;
}

/**
 * vsvm_vm_destroy:
 * @fd: a vsvm DRM file descriptor
 * @vm_id: the VM
 *
 * Destroys a VM, asserting success.
 */
void vsvm_vm_destroy(int fd, uint32_t vm_id)
{
	struct drm_vsvm_vm_destroy destroy = { .vm_id = vm_id };

	igt_assert_eq(__vsvm_vm_destroy(fd, &destroy), 0);
}

/**
 * __vsvm_exec:
 * @fd: a vsvm DRM file descriptor
 * @exec: the request, passed to the kernel as is
 *
 * Issues DRM_IOCTL_VSVM_EXEC.
 *
 * Returns: 0 on success, or -errno.
 */
int __vsvm_exec(int fd, struct drm_vsvm_exec *exec)
{
	int err = 0;

	if (igt_ioctl(fd, DRM_IOCTL_VSVM_EXEC, exec)) {
		err = -errno;
		errno = 0;
	}

	return err;
}

/**
 * vsvm_exec:
 * @fd: a vsvm DRM file descriptor
 * @exec: the request
 *
 * Issues DRM_IOCTL_VSVM_EXEC, asserting success.
 *
 * Returns: the sequence number of the job, never 0.
 */
uint64_t vsvm_exec(int fd, struct drm_vsvm_exec *exec)
{
	igt_assert_eq(__vsvm_exec(fd, exec), 0);
	igt_assert_neq_u64(exec->seqno, 0);

	return exec->seqno;
}

/**
 * __vsvm_stats:
 * @fd: a vsvm DRM file descriptor
 * @stats: the request, passed to the kernel as is
 *
 * Issues DRM_IOCTL_VSVM_STATS.
 *
 * Returns: 0 on success, or -errno.
 */
int __vsvm_stats(int fd, struct drm_vsvm_stats *stats)
{
	int err = 0;

	if (igt_ioctl(fd, DRM_IOCTL_VSVM_STATS, stats)) {
		err = -errno;
		errno = 0;
	}

	return err;
}

/**
 * vsvm_uapi_stats:
 * @fd: a vsvm DRM file descriptor
 * @vm_id: the VM
 * @values: where the DRM_VSVM_STAT_COUNT counters are written
 *
 * Reads the counters of a VM with DRM_IOCTL_VSVM_STATS, asserting that all
 * of them are returned.
 */
void vsvm_uapi_stats(int fd, uint32_t vm_id,
		     uint64_t values[DRM_VSVM_STAT_COUNT])
{
	struct drm_vsvm_stats stats = {
		.vm_id = vm_id,
		.count = DRM_VSVM_STAT_COUNT,
		.data = to_user_pointer(values),
	};

	igt_assert_eq(__vsvm_stats(fd, &stats), 0);
	igt_assert_eq_u32(stats.count, DRM_VSVM_STAT_COUNT);
}

/**
 * vsvm_stat_is_uapi:
 * @idx: a VSVM_STAT_* index
 *
 * Returns: whether DRM_IOCTL_VSVM_STATS reports the counter (0.5 retired
 * the others from the uapi: they read as 0 there).
 */
bool vsvm_stat_is_uapi(unsigned int idx)
{
	switch (idx) {
	case VSVM_STAT_FAULTS:
	case VSVM_STAT_INVALIDATIONS:
	case VSVM_STAT_JOBS:
	case VSVM_STAT_JOBS_FAILED:
	case VSVM_STAT_BYTES_TO_VRAM:
	case VSVM_STAT_BYTES_TO_SYSTEM:
	case VSVM_STAT_EXCLUSIVE_GRANTS:
	case VSVM_STAT_EXCLUSIVE_REVOKES:
		return true;
	default:
		return false;
	}
}

/**
 * vsvm_debugfs_open:
 * @name: a file of the vsvm device's debugfs directory
 *
 * Opens /sys/kernel/debug/dri/N/@name of the (one) vsvm device, which
 * needs root; the test skips otherwise. With several devices this is the
 * file of whichever device is found first: vsvm_debugfs_open_fd() opens
 * that of a given device.
 *
 * Returns: the file, open for reading.
 */
FILE *vsvm_debugfs_open(const char *name)
{
	char path[PATH_MAX];
	struct dirent *de;
	FILE *f = NULL;
	DIR *dir;

	dir = opendir("/sys/kernel/debug/dri");
	igt_require_f(dir, "debugfs is not mounted or not readable\n");
	while (!f && (de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%s/%s",
			 de->d_name, name);
		f = fopen(path, "r");
	}
	closedir(dir);
	igt_require_f(f, "no vsvm debugfs file %s\n", name);

	return f;
}

/**
 * __vsvm_debugfs_open_fd:
 * @fd: a vsvm DRM file descriptor
 * @name: a file of the device's debugfs directory
 *
 * Opens @name in the debugfs directory of the device @fd is open on:
 * /sys/kernel/debug/dri/M/@name, with M the minor of @fd's node (the DRM
 * core links each minor's number to its device's directory). Needs root.
 *
 * Returns: the file, open for reading, or NULL with errno set.
 */
FILE *__vsvm_debugfs_open_fd(int fd, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	if (fstat(fd, &st))
		return NULL;
	if (!S_ISCHR(st.st_mode)) {
		errno = ENOTTY;
		return NULL;
	}
	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%u/%s",
		 minor(st.st_rdev), name);

	return fopen(path, "r");
}

/**
 * vsvm_debugfs_open_fd:
 * @fd: a vsvm DRM file descriptor
 * @name: a file of the device's debugfs directory
 *
 * Like __vsvm_debugfs_open_fd(), but skips the test when the file cannot
 * be opened (debugfs needs root).
 *
 * Returns: the file, open for reading.
 */
FILE *vsvm_debugfs_open_fd(int fd, const char *name)
{
	FILE *f = __vsvm_debugfs_open_fd(fd, name);

	igt_require_f(f, "cannot open the debugfs file %s of the device: %s\n",
		      name, strerror(errno));

	return f;
}

/*
 * The debugfs file @name of @fd's device; before the directory could be
 * found from the file descriptor, that of the first device with the file
 * (there was one device).
 */
static FILE *vsvm_debugfs_open_dev(int fd, const char *name)
{
	FILE *f = __vsvm_debugfs_open_fd(fd, name);

	return f ?: vsvm_debugfs_open(name);
}

/**
 * vsvm_client_id:
 * @fd: a DRM file descriptor
 *
 * Returns: the drm-client-id of @fd, from /proc/self/fdinfo.
 */
uint64_t vsvm_client_id(int fd)
{
	unsigned long long id = 0;
	char path[64], line[256];
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	igt_assert(f);
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "drm-client-id: %llu", &id) == 1;
	fclose(f);
	igt_assert_f(found, "no drm-client-id in %s\n", path);

	return id;
}

/* Debugfs name of each counter, as vsvm_debugfs.c prints it. */
static const char *const vsvm_debugfs_names[VSVM_STAT_COUNT] = {
	[VSVM_STAT_FAULTS] = "faults",
	[VSVM_STAT_FAULTS_DEDUP] = "faults_dedup",
	[VSVM_STAT_PAGES_4K] = "pages_4k",
	[VSVM_STAT_PAGES_2M] = "pages_2m",
	[VSVM_STAT_RANGES_64K] = "ranges_64k",
	[VSVM_STAT_INVALIDATIONS] = "invalidations",
	[VSVM_STAT_RETRIES] = "retries",
	[VSVM_STAT_JOBS] = "jobs",
	[VSVM_STAT_JOBS_FAILED] = "jobs_failed",
	[VSVM_STAT_BYTES_TO_VRAM] = "bytes_to_vram",
	[VSVM_STAT_BYTES_TO_SYSTEM] = "bytes_to_system",
	[VSVM_STAT_CPU_FAULTS] = "cpu_faults",
	[VSVM_STAT_EVICTIONS] = "evictions",
	[VSVM_STAT_VRAM_PAGES] = "vram_pages",
	[VSVM_STAT_EXCLUSIVE_GRANTS] = "exclusive_grants",
	[VSVM_STAT_EXCLUSIVE_REVOKES] = "exclusive_revokes",
	[VSVM_STAT_COPY_BATCHES] = "copy_batches",
};

static int vsvm_debugfs_index(const char *name, size_t len)
{
	for (int i = 0; i < VSVM_STAT_COUNT; i++)
		if (strlen(vsvm_debugfs_names[i]) == len &&
		    !strncmp(vsvm_debugfs_names[i], name, len))
			return i;

	return -1;
}

/* Parses "name: value" lines of vsvm_stats of @fd's device into @values. */
static void vsvm_debugfs_device_stats(int fd, uint64_t values[VSVM_STAT_COUNT])
{
	FILE *f = vsvm_debugfs_open_dev(fd, "vsvm_stats");
	unsigned long long v;
	char line[128];

	memset(values, 0, VSVM_STAT_COUNT * sizeof(values[0]));
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');
		int i;

		if (!colon || sscanf(colon + 1, "%llu", &v) != 1)
			continue;
		i = vsvm_debugfs_index(line, colon - line);
		if (i >= 0)
			values[i] = v;
	}
	fclose(f);
}

/* Parses the vsvm_vms line of (@client, @vm_id) of @fd's device into @values. */
static void vsvm_debugfs_vm_stats(int fd, uint64_t client, uint32_t vm_id,
				  uint64_t values[VSVM_STAT_COUNT])
{
	FILE *f = vsvm_debugfs_open_dev(fd, "vsvm_vms");
	unsigned long long c, v;
	bool found = false;
	char line[2048];
	unsigned int id;
	int pid;

	while (!found && fgets(line, sizeof(line), f)) {
		char *tok, *save = NULL;

		if (sscanf(line, "vm %u pid %d client %llu:", &id, &pid, &c) != 3 ||
		    id != vm_id || c != client)
			continue;
		found = true;
		for (tok = strtok_r(strchr(line, ':') + 1, " \n", &save); tok;
		     tok = strtok_r(NULL, " \n", &save)) {
			char *eq = strchr(tok, '=');
			int i;

			if (!eq || sscanf(eq + 1, "%llu", &v) != 1)
				continue;
			i = vsvm_debugfs_index(tok, eq - tok);
			if (i >= 0 && !vsvm_stat_is_uapi(i))
				values[i] = v;
		}
	}
	fclose(f);
	igt_assert_f(found, "VM %u of client %llu not in vsvm_vms\n", vm_id,
		     (unsigned long long)client);
}

/**
 * vsvm_stats:
 * @fd: a vsvm DRM file descriptor
 * @vm_id: the VM, or 0 for the device-wide counters
 * @values: where the VSVM_STAT_COUNT counters are written
 *
 * Reads every counter of a VM: the uapi ones with DRM_IOCTL_VSVM_STATS,
 * the implementation counters from debugfs. With @vm_id 0, reads the
 * device-wide totals from debugfs (DRM_IOCTL_VSVM_STATS refuses them).
 * The debugfs files are those of @fd's device (vsvm_debugfs_open_fd()).
 * debugfs needs root: the test skips without it.
 */
void vsvm_stats(int fd, uint32_t vm_id, uint64_t values[VSVM_STAT_COUNT])
{
	if (!vm_id) {
		vsvm_debugfs_device_stats(fd, values);
		return;
	}
	vsvm_uapi_stats(fd, vm_id, values);
	vsvm_debugfs_vm_stats(fd, vsvm_client_id(fd), vm_id, values);
}

/**
 * vsvm_stat_name:
 * @idx: a DRM_VSVM_STAT_* index
 *
 * Returns: the name of the counter, for messages.
 */
const char *vsvm_stat_name(unsigned int idx)
{
	static const char * const names[VSVM_STAT_COUNT] = {
		[VSVM_STAT_FAULTS] = "faults",
		[VSVM_STAT_FAULTS_DEDUP] = "faults-dedup",
		[VSVM_STAT_PAGES_4K] = "pages-4k",
		[VSVM_STAT_PAGES_2M] = "pages-2m",
		[VSVM_STAT_RANGES_64K] = "ranges-64k",
		[VSVM_STAT_INVALIDATIONS] = "invalidations",
		[VSVM_STAT_RETRIES] = "retries",
		[VSVM_STAT_JOBS] = "jobs",
		[VSVM_STAT_JOBS_FAILED] = "jobs-failed",
		[VSVM_STAT_BYTES_TO_VRAM] = "bytes-to-vram",
		[VSVM_STAT_BYTES_TO_SYSTEM] = "bytes-to-system",
		[VSVM_STAT_CPU_FAULTS] = "cpu-faults",
		[VSVM_STAT_EVICTIONS] = "evictions",
		[VSVM_STAT_VRAM_PAGES] = "vram-pages",
		[VSVM_STAT_EXCLUSIVE_GRANTS] = "exclusive-grants",
		[VSVM_STAT_EXCLUSIVE_REVOKES] = "exclusive-revokes",
		[VSVM_STAT_COPY_BATCHES] = "copy-batches",
};

	return idx < VSVM_STAT_COUNT && names[idx] ? names[idx] :
							  "unknown";
}

/**
 * __vsvm_vm_error:
 * @fd: a vsvm DRM file descriptor
 * @error: the request, passed to the kernel as is
 *
 * Issues DRM_IOCTL_VSVM_VM_ERROR.
 *
 * Returns: 0 on success, or -errno.
 */
int __vsvm_vm_error(int fd, struct drm_vsvm_vm_error *error)
{
	int err = 0;

	if (igt_ioctl(fd, DRM_IOCTL_VSVM_VM_ERROR, error)) {
		err = -errno;
		errno = 0;
	}

	return err;
}

/**
 * vsvm_vm_error:
 * @fd: a vsvm DRM file descriptor
 * @vm_id: the VM
 * @error: where the record is written
 *
 * Reads the error record of a VM, asserting success.
 */
void vsvm_vm_error(int fd, uint32_t vm_id, struct drm_vsvm_vm_error *error)
{
	memset(error, 0, sizeof(*error));
	error->vm_id = vm_id;
	igt_assert_eq(__vsvm_vm_error(fd, error), 0);
	igt_assert_eq_u32(error->vm_id, vm_id);
	igt_assert_eq_u32(error->pad, 0);
	igt_assert_eq_u32(error->pad2, 0);
}

static void cmdbuf_init(struct vsvm_cmdbuf *cb, void *ptr, size_t size)
{
	igt_assert((uintptr_t)ptr % 8 == 0);
	igt_assert(size >= 8 && size <= UINT32_MAX);

	cb->ptr = ptr;
	cb->size = size & ~7ul;
	cb->len = 0;
	cb->seqno = 0;
}

/**
 * vsvm_cmdbuf_create:
 * @size: capacity in bytes
 *
 * Creates a command buffer in anonymous private memory of its own.
 *
 * Returns: the command buffer, for vsvm_cmdbuf_destroy().
 */
struct vsvm_cmdbuf *vsvm_cmdbuf_create(size_t size)
{
	struct vsvm_cmdbuf *cb = calloc(1, sizeof(*cb));
	void *ptr;

	igt_assert(cb);
	size = ALIGN(size, (size_t)sysconf(_SC_PAGESIZE));
	ptr = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(ptr != MAP_FAILED);
	cmdbuf_init(cb, ptr, size);
	cb->owned = true;

	return cb;
}

/**
 * vsvm_cmdbuf_wrap:
 * @ptr: 8-byte aligned memory for the commands, owned by the caller
 * @size: its size in bytes
 *
 * Creates a command buffer in memory the caller provides: malloc()ed, a
 * file mapping, anything the GPU can fetch from.
 *
 * Returns: the command buffer, for vsvm_cmdbuf_destroy().
 */
struct vsvm_cmdbuf *vsvm_cmdbuf_wrap(void *ptr, size_t size)
{
	struct vsvm_cmdbuf *cb = calloc(1, sizeof(*cb));

	igt_assert(cb);
	cmdbuf_init(cb, ptr, size);

	return cb;
}

/**
 * vsvm_cmdbuf_destroy:
 * @cb: the command buffer
 *
 * Frees @cb, and its memory when vsvm_cmdbuf_create() mapped it. No job
 * may be using it any more.
 */
void vsvm_cmdbuf_destroy(struct vsvm_cmdbuf *cb)
{
	if (!cb)
		return;
	if (cb->owned)
		munmap(cb->ptr, ALIGN((size_t)cb->size,
				      (size_t)sysconf(_SC_PAGESIZE)));
	free(cb);
}

/**
 * vsvm_cmdbuf_reset:
 * @cb: the command buffer
 *
 * Empties @cb, to emit new commands. No job may be using it any more.
 */
void vsvm_cmdbuf_reset(struct vsvm_cmdbuf *cb)
{
	cb->len = 0;
}

/**
 * vsvm_cmdbuf_address:
 * @cb: the command buffer
 *
 * Returns: the GPU address of the first command of @cb.
 */
uint64_t vsvm_cmdbuf_address(const struct vsvm_cmdbuf *cb)
{
	return to_user_pointer(cb->ptr);
}

/**
 * vsvm_cmdbuf_emit:
 * @cb: the command buffer
 * @size: bytes to reserve, a multiple of 8
 *
 * Reserves room for a command at the end of @cb, zeroed.
 *
 * Returns: a pointer to it.
 */
void *vsvm_cmdbuf_emit(struct vsvm_cmdbuf *cb, uint32_t size)
{
	void *p;

	igt_assert_eq_u32(size % 8, 0);
	igt_assert_f(size <= cb->size - cb->len,
		     "command buffer full: %u + %u > %u bytes\n",
		     cb->len, size, cb->size);

	p = (char *)cb->ptr + cb->len;
	memset(p, 0, size);
	cb->len += size;

	return p;
}

static uint64_t cmd_address(const struct vsvm_cmdbuf *cb, const void *cmd)
{
	igt_assert((const char *)cmd >= (const char *)cb->ptr);

	return to_user_pointer(cmd);
}

/**
 * vsvm_emit_nop:
 * @cb: the command buffer
 *
 * Emits DRM_VSVM_CMD_NOP.
 *
 * Returns: the GPU address of the command.
 */
uint64_t vsvm_emit_nop(struct vsvm_cmdbuf *cb)
{
	struct drm_vsvm_cmd_header *cmd = vsvm_cmdbuf_emit(cb, sizeof(*cmd));

	cmd->op = DRM_VSVM_CMD_NOP;

	return cmd_address(cb, cmd);
}

static uint64_t emit_write(struct vsvm_cmdbuf *cb, uint32_t flags,
			   uint64_t address, uint64_t value)
{
	struct drm_vsvm_cmd_write *cmd = vsvm_cmdbuf_emit(cb, sizeof(*cmd));

	cmd->hdr.op = DRM_VSVM_CMD_WRITE;
	cmd->hdr.flags = flags;
	cmd->address = address;
	cmd->value = value;

	return cmd_address(cb, cmd);
}

/**
 * vsvm_emit_write32:
 * @cb: the command buffer
 * @address: where to write, 4-byte aligned
 * @value: the value
 *
 * Emits a 32-bit DRM_VSVM_CMD_WRITE.
 *
 * Returns: the GPU address of the command.
 */
uint64_t vsvm_emit_write32(struct vsvm_cmdbuf *cb, uint64_t address,
			   uint32_t value)
{
	return emit_write(cb, 0, address, value);
}

/**
 * vsvm_emit_write64:
 * @cb: the command buffer
 * @address: where to write, 8-byte aligned
 * @value: the value
 *
 * Emits a 64-bit DRM_VSVM_CMD_WRITE.
 *
 * Returns: the GPU address of the command.
 */
uint64_t vsvm_emit_write64(struct vsvm_cmdbuf *cb, uint64_t address,
			   uint64_t value)
{
	return emit_write(cb, DRM_VSVM_CMD_64BIT, address, value);
}

/**
 * vsvm_emit_copy:
 * @cb: the command buffer
 * @dst: destination
 * @src: source
 * @size: bytes to copy
 *
 * Emits DRM_VSVM_CMD_COPY.
 *
 * Returns: the GPU address of the command.
 */
uint64_t vsvm_emit_copy(struct vsvm_cmdbuf *cb, uint64_t dst, uint64_t src,
			uint64_t size)
{
	struct drm_vsvm_cmd_copy *cmd = vsvm_cmdbuf_emit(cb, sizeof(*cmd));

	cmd->hdr.op = DRM_VSVM_CMD_COPY;
	cmd->dst = dst;
	cmd->src = src;
	cmd->size = size;

	return cmd_address(cb, cmd);
}

/**
 * vsvm_emit_fill:
 * @cb: the command buffer
 * @dst: destination
 * @size: bytes to fill
 * @value: the 32-bit pattern; byte i of the range gets byte i % 4 of it
 *
 * Emits DRM_VSVM_CMD_FILL.
 *
 * Returns: the GPU address of the command.
 */
uint64_t vsvm_emit_fill(struct vsvm_cmdbuf *cb, uint64_t dst, uint64_t size,
			uint32_t value)
{
	struct drm_vsvm_cmd_fill *cmd = vsvm_cmdbuf_emit(cb, sizeof(*cmd));

	cmd->hdr.op = DRM_VSVM_CMD_FILL;
	cmd->dst = dst;
	cmd->size = size;
	cmd->value = value;

	return cmd_address(cb, cmd);
}

/**
 * vsvm_emit_atomic:
 * @cb: the command buffer
 * @is64: 64-bit operands rather than 32-bit
 * @op: DRM_VSVM_ATOMIC_*
 * @address: the operand in memory
 * @operand: value to add, or the new value
 * @compare: expected value for DRM_VSVM_ATOMIC_CMPXCHG, else 0
 * @result: where the old value goes, or 0
 *
 * Emits DRM_VSVM_CMD_ATOMIC.
 *
 * Returns: the GPU address of the command.
 */
uint64_t vsvm_emit_atomic(struct vsvm_cmdbuf *cb, bool is64, uint32_t op,
			  uint64_t address, uint64_t operand,
			  uint64_t compare, uint64_t result)
{
	struct drm_vsvm_cmd_atomic *cmd = vsvm_cmdbuf_emit(cb, sizeof(*cmd));

	cmd->hdr.op = DRM_VSVM_CMD_ATOMIC;
	cmd->hdr.flags = is64 ? DRM_VSVM_CMD_64BIT : 0;
	cmd->address = address;
	/* 32-bit operands leave the upper halves zero (the engine checks). */
	cmd->operand = is64 ? operand : (uint32_t)operand;
	cmd->compare = is64 ? compare : (uint32_t)compare;
	cmd->result = result;
	cmd->atomic_op = op;

	return cmd_address(cb, cmd);
}

/**
 * vsvm_emit_checksum:
 * @cb: the command buffer
 * @address: start of the range
 * @size: its length
 * @result: where the __u32 CRC-32 goes, 4-byte aligned
 *
 * Emits DRM_VSVM_CMD_CHECKSUM.
 *
 * Returns: the GPU address of the command.
 */
uint64_t vsvm_emit_checksum(struct vsvm_cmdbuf *cb, uint64_t address,
			    uint64_t size, uint64_t result)
{
	struct drm_vsvm_cmd_checksum *cmd = vsvm_cmdbuf_emit(cb, sizeof(*cmd));

	cmd->hdr.op = DRM_VSVM_CMD_CHECKSUM;
	cmd->address = address;
	cmd->size = size;
	cmd->result = result;

	return cmd_address(cb, cmd);
}

/**
 * vsvm_emit_wait:
 * @cb: the command buffer
 * @is64: poll a 64-bit word rather than a 32-bit one
 * @address: the word
 * @value: the value to compare with
 * @mask: applied to the word first
 * @cond: DRM_VSVM_WAIT_*
 *
 * Emits DRM_VSVM_CMD_WAIT.
 *
 * Returns: the GPU address of the command.
 */
uint64_t vsvm_emit_wait(struct vsvm_cmdbuf *cb, bool is64, uint64_t address,
			uint64_t value, uint64_t mask, uint32_t cond)
{
	struct drm_vsvm_cmd_wait *cmd = vsvm_cmdbuf_emit(cb, sizeof(*cmd));

	cmd->hdr.op = DRM_VSVM_CMD_WAIT;
	cmd->hdr.flags = is64 ? DRM_VSVM_CMD_64BIT : 0;
	cmd->address = address;
	/* 32-bit operands leave the upper halves zero (the engine checks). */
	cmd->value = is64 ? value : (uint32_t)value;
	cmd->mask = is64 ? mask : (uint32_t)mask;
	cmd->cond = cond;

	return cmd_address(cb, cmd);
}

/**
 * vsvm_emit_timestamp:
 * @cb: the command buffer
 * @address: where the __u64 timestamp goes, 8-byte aligned
 *
 * Emits DRM_VSVM_CMD_TIMESTAMP.
 *
 * Returns: the GPU address of the command.
 */
uint64_t vsvm_emit_timestamp(struct vsvm_cmdbuf *cb, uint64_t address)
{
	struct drm_vsvm_cmd_timestamp *cmd = vsvm_cmdbuf_emit(cb, sizeof(*cmd));

	cmd->hdr.op = DRM_VSVM_CMD_TIMESTAMP;
	cmd->address = address;

	return cmd_address(cb, cmd);
}

/**
 * vsvm_emit_dispatch:
 * @cb: the command buffer
 * @dispatch: the command, its header included (as given: malformed ones
 *	too)
 *
 * Emits DRM_VSVM_CMD_DISPATCH.
 *
 * Returns: the GPU address of the command.
 */
uint64_t vsvm_emit_dispatch(struct vsvm_cmdbuf *cb,
			    const struct drm_vsvm_cmd_dispatch *dispatch)
{
	struct drm_vsvm_cmd_dispatch *cmd = vsvm_cmdbuf_emit(cb, sizeof(*cmd));

	*cmd = *dispatch;

	return cmd_address(cb, cmd);
}

/**
 * __vsvm_exec_submit:
 * @fd: a vsvm DRM file descriptor
 * @vm_id: the VM
 * @engine: the engine
 * @cb: the command buffer, with at least one command
 * @syncs: syncobjs to wait for and to signal
 * @num_syncs: number of entries in @syncs
 *
 * Submits the commands of @cb; on success @cb->seqno is the job's sequence
 * number.
 *
 * Returns: 0 on success, or -errno.
 */
int __vsvm_exec_submit(int fd, uint32_t vm_id, uint32_t engine,
		       struct vsvm_cmdbuf *cb, struct drm_vsvm_sync *syncs,
		       uint32_t num_syncs)
{
	return __vsvm_exec_ufence(fd, vm_id, engine, cb, syncs, num_syncs,
				  NULL);
}

/**
 * vsvm_exec_submit:
 * @fd: a vsvm DRM file descriptor
 * @vm_id: the VM
 * @engine: the engine
 * @cb: the command buffer, with at least one command
 * @syncs: syncobjs to wait for and to signal
 * @num_syncs: number of entries in @syncs
 *
 * Like __vsvm_exec_submit(), asserting success.
 *
 * Returns: the job's sequence number.
 */
uint64_t vsvm_exec_submit(int fd, uint32_t vm_id, uint32_t engine,
			  struct vsvm_cmdbuf *cb, struct drm_vsvm_sync *syncs,
			  uint32_t num_syncs)
{
	return vsvm_exec_ufence(fd, vm_id, engine, cb, syncs, num_syncs, NULL);
}

/**
 * vsvm_ufence_create:
 *
 * Returns: a zeroed user fence record in the test's (malloc) memory. It must
 * stay allocated until every job given it has written it.
 */
struct drm_vsvm_ufence *vsvm_ufence_create(void)
{
	struct drm_vsvm_ufence *uf = calloc(1, sizeof(*uf));

	igt_assert(uf);
	return uf;
}

/**
 * vsvm_ufence_destroy:
 * @uf: a record no pending job will write, or NULL
 */
void vsvm_ufence_destroy(struct drm_vsvm_ufence *uf)
{
	free(uf);
}

/**
 * __vsvm_exec_ufence:
 * @fd: a vsvm DRM file descriptor
 * @vm_id: the VM
 * @engine: the engine
 * @cb: the command buffer, with at least one command
 * @syncs: syncobjs to wait for, or NULL
 * @num_syncs: number of entries in @syncs
 * @uf: the user fence record the job writes when it ends, zeroed here;
 *	or NULL for a job nothing tells the end of
 *
 * Submits the commands of @cb with @uf (value VSVM_UFENCE_DONE); on
 * success @cb->seqno is the job's sequence number.
 *
 * Returns: 0 on success, or -errno.
 */
int __vsvm_exec_ufence(int fd, uint32_t vm_id, uint32_t engine,
		       struct vsvm_cmdbuf *cb, struct drm_vsvm_sync *syncs,
		       uint32_t num_syncs, struct drm_vsvm_ufence *uf)
{
	struct drm_vsvm_exec exec = {
		.vm_id = vm_id,
		.engine = engine,
		.batch_address = vsvm_cmdbuf_address(cb),
		.batch_size = cb->len,
		.num_syncs = num_syncs,
		.syncs = to_user_pointer(syncs),
	};
	int err;

	if (uf) {
		memset(uf, 0, sizeof(*uf));
		exec.flags = DRM_VSVM_EXEC_UFENCE;
		exec.ufence_address = to_user_pointer(uf);
		exec.ufence_value = VSVM_UFENCE_DONE;
	}
	err = __vsvm_exec(fd, &exec);
	if (!err)
		cb->seqno = exec.seqno;

	return err;
}

/**
 * vsvm_exec_ufence:
 * @fd: a vsvm DRM file descriptor
 * @vm_id: the VM
 * @engine: the engine
 * @cb: the command buffer
 * @syncs: syncobjs to wait for, or NULL
 * @num_syncs: number of entries in @syncs
 * @uf: the user fence record the job writes when it ends, or NULL
 *
 * Like __vsvm_exec_ufence(), asserting success.
 *
 * Returns: the job's sequence number.
 */
uint64_t vsvm_exec_ufence(int fd, uint32_t vm_id, uint32_t engine,
			  struct vsvm_cmdbuf *cb, struct drm_vsvm_sync *syncs,
			  uint32_t num_syncs, struct drm_vsvm_ufence *uf)
{
	igt_assert_eq(__vsvm_exec_ufence(fd, vm_id, engine, cb, syncs,
					 num_syncs, uf), 0);
	igt_assert_neq_u64(cb->seqno, 0);

	return cb->seqno;
}

/**
 * vsvm_ufence_status:
 * @uf: a user fence record given to a job
 *
 * Returns: 0 while the job has not ended, 1 once it ended without error,
 * or the negative errno it failed with (written before the value).
 */
int vsvm_ufence_status(const struct drm_vsvm_ufence *uf)
{
	if (__atomic_load_n(&uf->value, __ATOMIC_ACQUIRE) != VSVM_UFENCE_DONE)
		return 0;
	return uf->error ? uf->error : 1;
}

/**
 * __vsvm_wait_ufence:
 * @fd: a vsvm DRM file descriptor
 * @wait: the request, passed to the kernel as is
 *
 * Issues DRM_IOCTL_VSVM_WAIT_UFENCE once (igt_ioctl() restarts it on a
 * signal with the same absolute deadline).
 *
 * Returns: 0 on success, or -errno.
 */
int __vsvm_wait_ufence(int fd, struct drm_vsvm_wait_ufence *wait)
{
	int err = 0;

	if (igt_ioctl(fd, DRM_IOCTL_VSVM_WAIT_UFENCE, wait)) {
		err = -errno;
		errno = 0;
	}

	return err;
}

/**
 * vsvm_ufence_wait_status:
 * @fd: a vsvm DRM file descriptor
 * @uf: a user fence record given to a job
 * @timeout_ns: how long to wait, relative
 *
 * Waits for the job to end, asserting that it does in time.
 *
 * Returns: its status, 1 or a negative errno.
 */
int vsvm_ufence_wait_status(int fd, struct drm_vsvm_ufence *uf,
			    uint64_t timeout_ns)
{
	struct drm_vsvm_wait_ufence wait = {
		.address = to_user_pointer(&uf->value),
		.value = VSVM_UFENCE_DONE,
		.mask = ~0ull,
		.op = DRM_VSVM_UFENCE_OP_EQ,
		.timeout = vsvm_gettime_ns() + timeout_ns,
	};
	int err = __vsvm_wait_ufence(fd, &wait);

	igt_assert_f(err == 0, "job did not complete within %.1f s: %d\n",
		     timeout_ns / 1e9, err);
	err = vsvm_ufence_status(uf);
	igt_assert_neq(err, 0);

	return err;
}

/**
 * vsvm_sync_file_status:
 * @sync_file: a sync_file descriptor
 *
 * Returns: the status of the fence as SYNC_IOC_FILE_INFO reports it: 0 while
 * it is pending, 1 once it signalled without error, or the negative errno it
 * signalled with.
 */
int vsvm_sync_file_status(int sync_file)
{
	struct sync_file_info info;

	memset(&info, 0, sizeof(info));
	do_ioctl(sync_file, SYNC_IOC_FILE_INFO, &info);

	return info.status;
}

/**
 * vsvm_syncobj_export:
 * @fd: a vsvm DRM file descriptor
 * @syncobj: a syncobj holding a fence
 *
 * Returns: a sync_file holding the syncobj's current fence.
 */
int vsvm_syncobj_export(int fd, uint32_t syncobj)
{
	return syncobj_handle_to_fd(fd, syncobj,
				    DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE);
}

/**
 * vsvm_syncobj_status:
 * @fd: a vsvm DRM file descriptor
 * @syncobj: a syncobj holding a fence
 *
 * Exports the syncobj's fence as a sync_file and reads its status.
 *
 * Returns: as vsvm_sync_file_status().
 */
int vsvm_syncobj_status(int fd, uint32_t syncobj)
{
	int sync_file = vsvm_syncobj_export(fd, syncobj);
	int status;

	status = vsvm_sync_file_status(sync_file);
	close(sync_file);

	return status;
}

/**
 * vsvm_gettime_ns:
 *
 * Returns: CLOCK_MONOTONIC in nanoseconds.
 */
uint64_t vsvm_gettime_ns(void)
{
	struct timespec ts;

	igt_assert_eq(clock_gettime(CLOCK_MONOTONIC, &ts), 0);

	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/**
 * vsvm_sync_file_wait_status:
 * @sync_file: a sync_file descriptor
 * @timeout_ns: how long to wait, relative
 *
 * Waits for the fence, asserting that it signals in time.
 *
 * Returns: its status, 1 or a negative errno.
 */
int vsvm_sync_file_wait_status(int sync_file, uint64_t timeout_ns)
{
	uint64_t end = vsvm_gettime_ns() + timeout_ns;
	struct pollfd pfd = { .fd = sync_file, .events = POLLIN };
	int status;

	for (;;) {
		uint64_t now = vsvm_gettime_ns();
		int ret;

		igt_assert_f(now < end, "fence did not signal within %.1f s\n",
			     timeout_ns / 1e9);
		ret = poll(&pfd, 1, (end - now) / 1000000 + 1);
		if (ret == 1)
			break;
		igt_assert(ret == 0 || errno == EINTR);
	}

	status = vsvm_sync_file_status(sync_file);
	igt_assert_neq(status, 0);

	return status;
}

/**
 * vsvm_exec_wait:
 * @fd: a vsvm DRM file descriptor
 * @vm_id: the VM
 * @engine: the engine
 * @cb: the command buffer
 *
 * Submits @cb with a user fence record, waits for the job (failing the
 * test if it does not complete within VSVM_JOB_WAIT_NS) and reads its
 * status from the record. The submission must succeed; @cb->seqno is the
 * job's sequence number.
 *
 * Returns: 1 when the job succeeded, or the negative errno it failed with.
 */
int vsvm_exec_wait(int fd, uint32_t vm_id, uint32_t engine,
		   struct vsvm_cmdbuf *cb)
{
	struct drm_vsvm_ufence *uf = vsvm_ufence_create();
	int status;

	vsvm_exec_ufence(fd, vm_id, engine, cb, NULL, 0, uf);
	status = vsvm_ufence_wait_status(fd, uf, VSVM_JOB_WAIT_NS);
	vsvm_ufence_destroy(uf);

	return status;
}

/**
 * vsvm_crc32:
 * @crc: the CRC-32 so far, 0 to start
 * @buf: the data
 * @len: its length in bytes
 *
 * A reference CRC-32 (IEEE 802.3, reflected, as zlib's crc32()), computed
 * bit by bit, independently of any kernel code.
 *
 * Returns: the CRC-32 of the data so far.
 */
uint32_t vsvm_crc32(uint32_t crc, const void *buf, size_t len)
{
	static uint32_t table[256];
	static bool ready;
	const uint8_t *p = buf;

	/* Threads may fill the table at once: they write the same values. */
	if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE)) {
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t c = i;

			for (int k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			__atomic_store_n(&table[i], c, __ATOMIC_RELAXED);
		}
		__atomic_store_n(&ready, true, __ATOMIC_RELEASE);
	}

	crc = ~crc;
	while (len--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);

	return ~crc;
}
