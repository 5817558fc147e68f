// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/*
 * VM, exec, user fence, stats, error record and syncobj paths of
 * libdrm_vsvm against a mock kernel, without a vsvm device.
 *
 * As in vsvm-query-mock.c, definitions in this program take precedence over
 * libdrm's for the calls libdrm_vsvm.so makes: drmGetVersion() makes
 * /dev/null pass for a vsvm node, drmIoctl() answers the vsvm ioctls and
 * SYNC_IOC_FILE_INFO (a job with a user fence "ends" at once unless the
 * test says otherwise: the mock writes its record in EXEC), and drmSyncobjCreate/Destroy/Wait/ExportSyncFile()
 * stand in for the DRM core's syncobjs, with libdrm's return conventions.
 * Every ioctl argument is recorded as it reaches the "kernel" and checked
 * field by field; the mock also applies the uapi's MBZ rules and writes
 * output only on success.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>
#include <xf86drm.h>

#include "vsvm.h"

#include "check.h"

/*
 * The mock kernel.
 */
#define MOCK_VM_ID		7
#define MOCK_SEQNO		0x100000002ull
#define MOCK_SYNCOBJ_FIRST	100
#define MOCK_MAX_SYNCOBJS	8

static struct {
	int error;		/* errno the next vsvm ioctl fails with, or 0 */
	int ioctls;		/* vsvm ioctls seen */

	struct drm_vsvm_vm_create vm_create;
	struct drm_vsvm_vm_destroy vm_destroy;
	struct drm_vsvm_exec exec;
	struct drm_vsvm_sync exec_syncs[VSVM_EXEC_MAX_SYNCS];
	struct drm_vsvm_stats stats;
	struct drm_vsvm_vm_error vm_error;
	uint32_t stat_count;	/* counters the mock kernel knows */

	/* syncobjs */
	bool live[MOCK_MAX_SYNCOBJS];
	int status[MOCK_MAX_SYNCOBJS];	/* fence status: 1, 0 or -errno */
	int creates, destroys, waits, exports, infos;
	uint32_t create_flags, destroy_handle;
	uint32_t wait_handle, wait_count, wait_flags;
	int64_t wait_timeout;
	int wait_error;			/* errno drmSyncobjWait fails with */
	int sync_fd;			/* last sync_file handed out */
	uint32_t sync_handle;		/* the syncobj it was exported from */

	/* user fences */
	bool job_pending;		/* EXEC leaves the record unwritten */
	int job_error;			/* error the job ends with */
	struct drm_vsvm_ufence *last_ufence;	/* record of the last EXEC */
	struct drm_vsvm_wait_ufence wait_ufence;
	int wait_ufences;
} mock;

static void mock_reset(void)
{
	memset(&mock, 0, sizeof(mock));
	mock.stat_count = DRM_VSVM_STAT_COUNT;
	mock.sync_fd = -1;
}

static uint64_t mock_counter(uint32_t vm_id, uint32_t i)
{
	return (uint64_t)vm_id << 32 | (0x1000 + i);
}

static struct drm_vsvm_vm_error mock_record(uint32_t vm_id)
{
	struct drm_vsvm_vm_error r = {
		.vm_id = vm_id, .seqno = 3, .address = 0xdead000ull,
		.error = -EFAULT, .access = DRM_VSVM_ACCESS_WRITE,
		.engine = 1,
	};
	return r;
}

drmVersionPtr drmGetVersion(int fd)
{
	drmVersionPtr version;

	(void)fd;
	version = calloc(1, sizeof(*version));
	if (!version)
		return NULL;
	version->name = strdup("vsvm");
	version->name_len = 4;
	return version;
}

void drmFreeVersion(drmVersionPtr version)
{
	if (!version)
		return;
	free(version->name);
	free(version);
}

static int mock_vm_create(struct drm_vsvm_vm_create *a)
{
	mock.vm_create = *a;
	if (a->extensions || a->reserved[0] || a->reserved[1] ||
	    a->flags != DRM_VSVM_VM_CREATE_SVM)
		return -EINVAL;
	a->vm_id = MOCK_VM_ID;
	return 0;
}

static int mock_vm_destroy(struct drm_vsvm_vm_destroy *a)
{
	mock.vm_destroy = *a;
	if (a->pad || a->reserved[0] || a->reserved[1])
		return -EINVAL;
	return a->vm_id == MOCK_VM_ID ? 0 : -ENOENT;
}

static bool mock_syncobj_ok(uint32_t handle)
{
	uint32_t i = handle - MOCK_SYNCOBJ_FIRST;

	return handle >= MOCK_SYNCOBJ_FIRST && i < MOCK_MAX_SYNCOBJS &&
	       mock.live[i];
}

static int mock_exec(struct drm_vsvm_exec *a)
{
	const struct drm_vsvm_sync *syncs;
	uint32_t i;

	mock.exec = *a;
	memset(mock.exec_syncs, 0, sizeof(mock.exec_syncs));
	if (a->extensions || a->flags & ~DRM_VSVM_EXEC_UFENCE || a->pad ||
	    a->seqno)
		return -EINVAL;
	if (!(a->flags & DRM_VSVM_EXEC_UFENCE) &&
	    (a->ufence_address || a->ufence_value))
		return -EINVAL;
	if (a->flags & DRM_VSVM_EXEC_UFENCE && a->ufence_address % 8)
		return -EINVAL;
	if (a->num_syncs > VSVM_EXEC_MAX_SYNCS)
		return -EINVAL;
	if (a->num_syncs && !a->syncs)
		return -EFAULT;

	/* copy_from_user() */
	syncs = (const struct drm_vsvm_sync *)(uintptr_t)a->syncs;
	for (i = 0; i < a->num_syncs; i++)
		mock.exec_syncs[i] = syncs[i];

	if (a->vm_id != MOCK_VM_ID)
		return -ENOENT;
	if (!a->batch_size || a->batch_size > VSVM_EXEC_MAX_BATCH_SIZE ||
	    a->batch_size % 8 || a->batch_address % 8)
		return -EINVAL;
	for (i = 0; i < a->num_syncs; i++) {
		if (mock.exec_syncs[i].reserved)
			return -EINVAL;
		/* 0.6: every VM faults, no job fence leaves the kernel */
		if (mock.exec_syncs[i].flags & DRM_VSVM_SYNC_SIGNAL)
			return -EOPNOTSUPP;
		/* Only our own syncobjs are known; others are the test's. */
		if (mock.exec_syncs[i].handle >= MOCK_SYNCOBJ_FIRST &&
		    !mock_syncobj_ok(mock.exec_syncs[i].handle))
			return -ENOENT;
	}

	a->seqno = MOCK_SEQNO;
	mock.last_ufence = NULL;
	if (a->flags & DRM_VSVM_EXEC_UFENCE) {
		struct drm_vsvm_ufence *rec =
			(struct drm_vsvm_ufence *)(uintptr_t)a->ufence_address;

		mock.last_ufence = rec;
		if (!mock.job_pending) {
			rec->error = mock.job_error;
			rec->value = a->ufence_value;
		}
	}
	return 0;
}

static int mock_wait_ufence(struct drm_vsvm_wait_ufence *a)
{
	const uint64_t *p = (const uint64_t *)(uintptr_t)a->address;
	uint64_t v, ref;
	bool ok;

	mock.wait_ufence = *a;
	mock.wait_ufences++;
	if (a->flags || a->pad || a->reserved[0] || a->reserved[1] ||
	    !a->mask || a->timeout < 0 || a->address % 8)
		return -EINVAL;
	if (!p)
		return -EFAULT;
	v = *p & a->mask;
	ref = a->value & a->mask;
	switch (a->op) {
	case DRM_VSVM_UFENCE_OP_EQ:
		ok = v == ref;
		break;
	case DRM_VSVM_UFENCE_OP_NEQ:
		ok = v != ref;
		break;
	case DRM_VSVM_UFENCE_OP_GT:
		ok = v > ref;
		break;
	case DRM_VSVM_UFENCE_OP_GTE:
		ok = v >= ref;
		break;
	case DRM_VSVM_UFENCE_OP_LT:
		ok = v < ref;
		break;
	case DRM_VSVM_UFENCE_OP_LTE:
		ok = v <= ref;
		break;
	default:
		return -EINVAL;
	}
	/* nothing else will write it: the deadline passes */
	return ok ? 0 : -ETIME;
}

static int mock_stats(struct drm_vsvm_stats *a)
{
	uint64_t *data = (uint64_t *)(uintptr_t)a->data;
	uint32_t i, n;

	mock.stats = *a;
	if (a->pad || a->reserved[0] || a->reserved[1])
		return -EINVAL;
	if (a->vm_id && a->vm_id != MOCK_VM_ID)
		return -ENOENT;

	if (!a->count) {
		a->count = mock.stat_count;
		return 0;
	}
	/* 0.5: no device-wide counters for clients */
	if (!a->vm_id)
		return -EINVAL;
	if (!data)
		return -EFAULT;

	n = a->count < mock.stat_count ? a->count : mock.stat_count;
	for (i = 0; i < n; i++)
		data[i] = mock_counter(a->vm_id, i);
	a->count = n;
	return 0;
}

static int mock_vm_error(struct drm_vsvm_vm_error *a)
{
	mock.vm_error = *a;
	if (a->pad || a->pad2 || a->reserved[0] || a->reserved[1] ||
	    a->seqno || a->address || a->error || a->access || a->engine)
		return -EINVAL;
	if (a->vm_id != MOCK_VM_ID)
		return -ENOENT;
	*a = mock_record(a->vm_id);
	return 0;
}

static int mock_file_info(int fd, struct sync_file_info *info)
{
	static const struct sync_file_info zero;

	mock.infos++;
	if (fd != mock.sync_fd)
		return -EBADF;
	/* The library asks for the status only. */
	if (memcmp(info, &zero, sizeof(zero)))
		return -EINVAL;
	strcpy(info->name, "mock");
	info->num_fences = 1;
	info->status = mock.status[mock.sync_handle - MOCK_SYNCOBJ_FIRST];
	return 0;
}

int drmIoctl(int fd, unsigned long request, void *arg)
{
	int ret;

	if (request == SYNC_IOC_FILE_INFO) {
		ret = mock_file_info(fd, arg);
	} else {
		mock.ioctls++;
		if (mock.error)
			ret = -mock.error;
		else if (request == DRM_IOCTL_VSVM_VM_CREATE)
			ret = mock_vm_create(arg);
		else if (request == DRM_IOCTL_VSVM_VM_DESTROY)
			ret = mock_vm_destroy(arg);
		else if (request == DRM_IOCTL_VSVM_EXEC)
			ret = mock_exec(arg);
		else if (request == DRM_IOCTL_VSVM_STATS)
			ret = mock_stats(arg);
		else if (request == DRM_IOCTL_VSVM_VM_ERROR)
			ret = mock_vm_error(arg);
		else if (request == DRM_IOCTL_VSVM_WAIT_UFENCE)
			ret = mock_wait_ufence(arg);
		else
			ret = -ENOTTY;
	}

	if (ret) {
		errno = -ret;
		return -1;
	}
	return 0;
}

/* libdrm: returns drmIoctl()'s -1 with errno set on failure. */
int drmSyncobjCreate(int fd, uint32_t flags, uint32_t *handle)
{
	uint32_t i;

	(void)fd;
	mock.creates++;
	mock.create_flags = flags;
	for (i = 0; i < MOCK_MAX_SYNCOBJS; i++) {
		if (!mock.live[i]) {
			mock.live[i] = true;
			*handle = MOCK_SYNCOBJ_FIRST + i;
			return 0;
		}
	}
	errno = ENOMEM;
	return -1;
}

/* libdrm: returns drmIoctl()'s -1 with errno set on failure. */
int drmSyncobjDestroy(int fd, uint32_t handle)
{
	(void)fd;
	mock.destroys++;
	mock.destroy_handle = handle;
	if (!mock_syncobj_ok(handle)) {
		errno = EINVAL;
		return -1;
	}
	mock.live[handle - MOCK_SYNCOBJ_FIRST] = false;
	return 0;
}

/* libdrm: returns -errno on failure. */
int drmSyncobjWait(int fd, uint32_t *handles, unsigned num_handles,
		   int64_t timeout_nsec, unsigned flags,
		   uint32_t *first_signaled)
{
	(void)fd;
	(void)first_signaled;
	mock.waits++;
	mock.wait_handle = num_handles ? handles[0] : 0;
	mock.wait_count = num_handles;
	mock.wait_flags = flags;
	mock.wait_timeout = timeout_nsec;
	if (num_handles != 1 || !mock_syncobj_ok(handles[0])) {
		errno = EINVAL;
		return -EINVAL;
	}
	if (mock.wait_error) {
		errno = mock.wait_error;
		return -mock.wait_error;
	}
	return 0;
}

/*
 * libdrm: returns drmIoctl()'s -1 with errno set on failure. The sync_file
 * is an fd of /dev/null, recorded so that SYNC_IOC_FILE_INFO knows its
 * fence and the test sees whether it was closed.
 */
int drmSyncobjExportSyncFile(int fd, uint32_t handle, int *sync_file_fd)
{
	int sfd;

	(void)fd;
	mock.exports++;
	if (!mock_syncobj_ok(handle)) {
		errno = ENOENT;
		return -1;
	}
	sfd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (sfd < 0)
		return -1;
	mock.sync_fd = sfd;
	mock.sync_handle = handle;
	*sync_file_fd = sfd;
	return 0;
}

static bool fd_closed(int fd)
{
	return fd >= 0 && fcntl(fd, F_GETFD) < 0 && errno == EBADF;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * Tests.
 */

static void test_vm(vsvm_device_handle dev)
{
	struct drm_vsvm_vm_error err;
	uint32_t id;

	mock_reset();
	id = 0;
	check_eq(vsvm_vm_create(dev, DRM_VSVM_VM_CREATE_SVM, &id), 0);
	check_eq(id, MOCK_VM_ID);
	check_eq(mock.vm_create.flags, DRM_VSVM_VM_CREATE_SVM);
	check_eq(mock.vm_create.extensions, 0);
	check_eq(mock.vm_create.vm_id, 0);
	check_eq(mock.vm_create.reserved[0] | mock.vm_create.reserved[1], 0);

	/* Flags go to the kernel as they are; output only on success. */
	id = 0xa5a5;
	check_eq(vsvm_vm_create(dev, DRM_VSVM_VM_CREATE_SVM | 0x80, &id),
		 -EINVAL);
	check_eq(mock.vm_create.flags, DRM_VSVM_VM_CREATE_SVM | 0x80);
	check_eq(vsvm_vm_create(dev, 0, &id), -EINVAL);
	check_eq(mock.vm_create.flags, 0);
	check_eq(id, 0xa5a5);
	mock.error = ENOMEM;
	check_eq(vsvm_vm_create(dev, DRM_VSVM_VM_CREATE_SVM, &id), -ENOMEM);
	check_eq(id, 0xa5a5);
	mock.error = 0;

	mock.ioctls = 0;
	check_eq(vsvm_vm_create(NULL, DRM_VSVM_VM_CREATE_SVM, &id), -EINVAL);
	check_eq(vsvm_vm_create(dev, DRM_VSVM_VM_CREATE_SVM, NULL), -EINVAL);
	check_eq(mock.ioctls, 0);

	/* Destroy */
	check_eq(vsvm_vm_destroy(dev, MOCK_VM_ID), 0);
	check_eq(mock.vm_destroy.vm_id, MOCK_VM_ID);
	check_eq(mock.vm_destroy.pad, 0);
	check_eq(mock.vm_destroy.reserved[0] | mock.vm_destroy.reserved[1], 0);
	check_eq(vsvm_vm_destroy(dev, 8), -ENOENT);
	check_eq(mock.vm_destroy.vm_id, 8);
	mock.ioctls = 0;
	check_eq(vsvm_vm_destroy(NULL, MOCK_VM_ID), -EINVAL);
	check_eq(mock.ioctls, 0);

	/* Error record: input zero but vm_id, output copied whole. */
	memset(&err, 0xa5, sizeof(err));
	check_eq(vsvm_vm_error(dev, MOCK_VM_ID, &err), 0);
	check_eq(mock.vm_error.vm_id, MOCK_VM_ID);
	{
		struct drm_vsvm_vm_error want = mock_record(MOCK_VM_ID);

		check(!memcmp(&err, &want, sizeof(err)));
		check_eq(err.seqno, 3);
		check_eq(err.error, -EFAULT);
		check_eq(err.access, DRM_VSVM_ACCESS_WRITE);
	}
	memset(&err, 0xa5, sizeof(err));
	check_eq(vsvm_vm_error(dev, 9, &err), -ENOENT);
	check_eq(mock.vm_error.vm_id, 9);
	check_eq(err.seqno, 0xa5a5a5a5a5a5a5a5ull);
	mock.ioctls = 0;
	check_eq(vsvm_vm_error(dev, MOCK_VM_ID, NULL), -EINVAL);
	check_eq(vsvm_vm_error(NULL, MOCK_VM_ID, &err), -EINVAL);
	check_eq(mock.ioctls, 0);
}

static void test_exec(vsvm_device_handle dev)
{
	struct drm_vsvm_sync syncs[2] = {
		{ .handle = 3 },
		{ .handle = 4,
		  .flags = DRM_VSVM_SYNC_TIMELINE,
		  .point = 0x500000001ull },
	};
	struct drm_vsvm_sync signal = {
		.handle = 5, .flags = DRM_VSVM_SYNC_SIGNAL,
	};
	const uint64_t batch = 0x00007f0012345000ull;
	uint64_t seqno;

	mock_reset();
	seqno = 0;
	check_eq(vsvm_exec(dev, MOCK_VM_ID, 2, batch, 4096, syncs, 2, &seqno),
		 0);
	check_eq(seqno, MOCK_SEQNO);
	check_eq(mock.exec.extensions, 0);
	check_eq(mock.exec.vm_id, MOCK_VM_ID);
	check_eq(mock.exec.engine, 2);
	check_eq(mock.exec.batch_address, batch);
	check_eq(mock.exec.batch_size, 4096);
	check_eq(mock.exec.num_syncs, 2);
	check_eq(mock.exec.syncs, (uintptr_t)syncs);
	check_eq(mock.exec.flags, 0);
	check_eq(mock.exec.pad, 0);
	check_eq(mock.exec.seqno, 0);
	check_eq(mock.exec.ufence_address | mock.exec.ufence_value, 0);
	check(!memcmp(mock.exec_syncs, syncs, sizeof(syncs)));

	/* A signal sync is passed on, and the kernel's -EOPNOTSUPP back. */
	check_eq(vsvm_exec(dev, MOCK_VM_ID, 0, batch, 8, &signal, 1, NULL),
		 -EOPNOTSUPP);
	check_eq(mock.exec_syncs[0].flags, DRM_VSVM_SYNC_SIGNAL);

	/* No syncs, no seqno wanted. */
	check_eq(vsvm_exec(dev, MOCK_VM_ID, 0, batch, 8, NULL, 0, NULL), 0);
	check_eq(mock.exec.num_syncs, 0);
	check_eq(mock.exec.syncs, 0);
	check_eq(mock.exec.batch_size, 8);

	/* Kernel errors come back, seqno untouched; values unchanged. */
	seqno = 42;
	check_eq(vsvm_exec(dev, MOCK_VM_ID, 0, batch + 4, 8, NULL, 0, &seqno),
		 -EINVAL);
	check_eq(mock.exec.batch_address, batch + 4);
	check_eq(vsvm_exec(dev, MOCK_VM_ID, 0, batch, 12, NULL, 0, &seqno),
		 -EINVAL);
	check_eq(mock.exec.batch_size, 12);
	check_eq(vsvm_exec(dev, 8, 0, batch, 8, NULL, 0, &seqno), -ENOENT);
	mock.error = EACCES;
	check_eq(vsvm_exec(dev, MOCK_VM_ID, 0, batch, 8, NULL, 0, &seqno),
		 -EACCES);
	mock.error = 0;
	check_eq(seqno, 42);

	mock.ioctls = 0;
	check_eq(vsvm_exec(dev, MOCK_VM_ID, 0, batch, 8, NULL, 1, &seqno),
		 -EINVAL);
	check_eq(vsvm_exec(NULL, MOCK_VM_ID, 0, batch, 8, NULL, 0, &seqno),
		 -EINVAL);
	check_eq(mock.ioctls, 0);
}

static void test_stats(vsvm_device_handle dev)
{
	uint64_t c[DRM_VSVM_STAT_COUNT + 4];
	uint32_t count, i;

	mock_reset();

	/* Count probe: no buffer needed. */
	count = 0;
	check_eq(vsvm_stats(dev, MOCK_VM_ID, NULL, &count), 0);
	check_eq(count, DRM_VSVM_STAT_COUNT);
	check_eq(mock.stats.count, 0);
	check_eq(mock.stats.data, 0);
	check_eq(mock.stats.vm_id, MOCK_VM_ID);

	/* Smaller buffer: the first counters only. */
	memset(c, 0xa5, sizeof(c));
	count = 4;
	check_eq(vsvm_stats(dev, MOCK_VM_ID, c, &count), 0);
	check_eq(count, 4);
	check_eq(mock.stats.count, 4);
	check_eq(mock.stats.data, (uintptr_t)c);
	check_eq(mock.stats.pad, 0);
	check_eq(mock.stats.reserved[0] | mock.stats.reserved[1], 0);
	for (i = 0; i < 4; i++)
		check_eq(c[i], mock_counter(MOCK_VM_ID, i));
	check_eq(c[4], 0xa5a5a5a5a5a5a5a5ull);

	/* Larger buffer: as many as the kernel knows, the rest untouched. */
	memset(c, 0xa5, sizeof(c));
	count = DRM_VSVM_STAT_COUNT + 4;
	check_eq(vsvm_stats(dev, MOCK_VM_ID, c, &count), 0);
	check_eq(count, DRM_VSVM_STAT_COUNT);
	check_eq(mock.stats.vm_id, MOCK_VM_ID);
	check_eq(mock.stats.count, DRM_VSVM_STAT_COUNT + 4);
	for (i = 0; i < DRM_VSVM_STAT_COUNT; i++)
		check_eq(c[i], mock_counter(MOCK_VM_ID, i));
	check_eq(c[DRM_VSVM_STAT_COUNT], 0xa5a5a5a5a5a5a5a5ull);

	/* An older kernel with fewer counters. */
	mock.stat_count = 5;
	count = DRM_VSVM_STAT_COUNT;
	check_eq(vsvm_stats(dev, MOCK_VM_ID, c, &count), 0);
	check_eq(count, 5);
	mock.stat_count = DRM_VSVM_STAT_COUNT;

	/* vm_id 0 (device-wide, before 0.5) is refused, nothing written. */
	memset(c, 0xa5, sizeof(c));
	count = 3;
	check_eq(vsvm_stats(dev, 0, c, &count), -EINVAL);
	check_eq(count, 3);
	check_eq(c[0], 0xa5a5a5a5a5a5a5a5ull);

	/* Errors: count and counters untouched. */
	memset(c, 0xa5, sizeof(c));
	count = 3;
	check_eq(vsvm_stats(dev, 8, c, &count), -ENOENT);
	check_eq(count, 3);
	check_eq(c[0], 0xa5a5a5a5a5a5a5a5ull);

	mock.ioctls = 0;
	check_eq(vsvm_stats(dev, 0, NULL, &count), -EINVAL);
	check_eq(vsvm_stats(dev, 0, c, NULL), -EINVAL);
	check_eq(vsvm_stats(NULL, 0, c, &count), -EINVAL);
	check_eq(mock.ioctls, 0);
}

static void test_fence_status(vsvm_device_handle dev)
{
	uint32_t h;
	int status, fd;

	mock_reset();
	check_eq(drmSyncobjCreate(vsvm_device_get_fd(dev), 0, &h), 0);

	mock.status[h - MOCK_SYNCOBJ_FIRST] = 1;
	status = 42;
	check_eq(vsvm_syncobj_fence_status(dev, h, &status), 0);
	check_eq(status, 1);
	check_eq(mock.exports, 1);
	check_eq(mock.infos, 1);
	fd = mock.sync_fd;
	check(fd_closed(fd));

	mock.status[h - MOCK_SYNCOBJ_FIRST] = 0;
	check_eq(vsvm_syncobj_fence_status(dev, h, &status), 0);
	check_eq(status, 0);
	check(fd_closed(mock.sync_fd));

	mock.status[h - MOCK_SYNCOBJ_FIRST] = -EFAULT;
	check_eq(vsvm_syncobj_fence_status(dev, h, &status), 0);
	check_eq(status, -EFAULT);
	check(fd_closed(mock.sync_fd));

	/* Export failing (libdrm's -1 and errno): -errno, status untouched. */
	status = 42;
	check_eq(vsvm_syncobj_fence_status(dev, h + 1, &status), -ENOENT);
	check_eq(status, 42);

	check_eq(vsvm_syncobj_fence_status(dev, h, NULL), -EINVAL);
	check_eq(vsvm_syncobj_fence_status(NULL, h, &status), -EINVAL);

	drmSyncobjDestroy(vsvm_device_get_fd(dev), h);
}

static void test_exec_ufence(vsvm_device_handle dev)
{
	struct drm_vsvm_sync wait = { .handle = 3 };
	const uint64_t batch = 0x00007f0012345000ull;
	struct drm_vsvm_ufence rec = { .value = 5, .error = 7 };
	uint64_t seqno = 0;

	/* Fields as the uapi says; the "kernel" writes error and value. */
	mock_reset();
	mock.job_error = -EFAULT;
	check_eq(vsvm_exec_ufence(dev, MOCK_VM_ID, 1, batch, 16, &wait, 1,
				  &rec, 0x1234567890ull, &seqno), 0);
	check_eq(seqno, MOCK_SEQNO);
	check_eq(mock.exec.flags, DRM_VSVM_EXEC_UFENCE);
	check_eq(mock.exec.ufence_address, (uintptr_t)&rec);
	check_eq(mock.exec.ufence_value, 0x1234567890ull);
	check_eq(mock.exec.engine, 1);
	check_eq(mock.exec.batch_address, batch);
	check_eq(mock.exec.batch_size, 16);
	check_eq(mock.exec.num_syncs, 1);
	check_eq(mock.exec.pad, 0);
	check_eq(mock.exec.extensions, 0);
	check_eq(rec.value, 0x1234567890ull);
	check_eq(rec.error, -EFAULT);

	/* No record: no flag, both fields 0, as vsvm_exec(). */
	mock_reset();
	check_eq(vsvm_exec_ufence(dev, MOCK_VM_ID, 0, batch, 8, NULL, 0,
				  NULL, 99, NULL), 0);
	check_eq(mock.exec.flags, 0);
	check_eq(mock.exec.ufence_address | mock.exec.ufence_value, 0);

	/* A misaligned record: the kernel's -EINVAL. */
	check_eq(vsvm_exec_ufence(dev, MOCK_VM_ID, 0, batch, 8, NULL, 0,
				  (struct drm_vsvm_ufence *)((char *)&rec + 4),
				  1, NULL), -EINVAL);

	mock.ioctls = 0;
	check_eq(vsvm_exec_ufence(NULL, MOCK_VM_ID, 0, batch, 8, NULL, 0,
				  &rec, 1, NULL), -EINVAL);
	check_eq(vsvm_exec_ufence(dev, MOCK_VM_ID, 0, batch, 8, NULL, 1,
				  &rec, 1, NULL), -EINVAL);
	check_eq(mock.ioctls, 0);
}

static void test_wait_ufence(vsvm_device_handle dev)
{
	uint64_t v = 0x50000000aull;

	mock_reset();
	check_eq(vsvm_wait_ufence(dev, &v, 0xa, 0xff, DRM_VSVM_UFENCE_OP_EQ,
				  123456789), 0);
	check_eq(mock.wait_ufences, 1);
	check_eq(mock.wait_ufence.address, (uintptr_t)&v);
	check_eq(mock.wait_ufence.value, 0xa);
	check_eq(mock.wait_ufence.mask, 0xff);
	check_eq(mock.wait_ufence.op, DRM_VSVM_UFENCE_OP_EQ);
	check_eq(mock.wait_ufence.timeout, 123456789);
	check_eq(mock.wait_ufence.flags, 0);
	check_eq(mock.wait_ufence.pad, 0);
	check_eq(mock.wait_ufence.reserved[0] | mock.wait_ufence.reserved[1],
		 0);

	check_eq(vsvm_wait_ufence(dev, &v, 0x50000000bull, UINT64_MAX,
				  DRM_VSVM_UFENCE_OP_LT, INT64_MAX), 0);
	check_eq(mock.wait_ufence.timeout, INT64_MAX);
	check_eq(vsvm_wait_ufence(dev, &v, 0xa, UINT64_MAX,
				  DRM_VSVM_UFENCE_OP_EQ, 0), -ETIME);
	check_eq(vsvm_wait_ufence(dev, &v, 0xa, UINT64_MAX, 0, 0), -EINVAL);
	check_eq(vsvm_wait_ufence(dev, &v, 0xa, 0, DRM_VSVM_UFENCE_OP_EQ, 0),
		 -EINVAL);

	mock.ioctls = 0;
	check_eq(vsvm_wait_ufence(NULL, &v, 0, 1, DRM_VSVM_UFENCE_OP_EQ, 0),
		 -EINVAL);
	check_eq(vsvm_wait_ufence(dev, NULL, 0, 1, DRM_VSVM_UFENCE_OP_EQ, 0),
		 -EINVAL);
	check_eq(vsvm_wait_ufence(dev, &v, 0, 1, DRM_VSVM_UFENCE_OP_EQ, -1),
		 -EINVAL);
	check_eq(mock.ioctls, 0);
}

static void test_exec_wait(vsvm_device_handle dev)
{
	const int64_t timeout = 2000000000;	/* 2 s */
	vsvm_cmdbuf_handle cb = NULL, empty = NULL;
	int64_t before, after;
	struct drm_vsvm_ufence *rec;
	int status;

	check_eq(vsvm_cmdbuf_create(4096, &cb), 0);
	check_eq(vsvm_cmdbuf_create(4096, &empty), 0);
	if (!cb || !empty)
		return;
	check_eq(vsvm_cmdbuf_write32(cb, 0x1000, 1), 0);
	check_eq(vsvm_cmdbuf_timestamp(cb, 0x2000), 0);

	/* The job completes without error: status 1, one wait on its value. */
	mock_reset();
	status = 42;
	before = now_ns();
	check_eq(vsvm_exec_wait(dev, MOCK_VM_ID, 1, cb, timeout, &status), 0);
	after = now_ns();
	check_eq(status, 1);
	check_eq(mock.exec.vm_id, MOCK_VM_ID);
	check_eq(mock.exec.engine, 1);
	check_eq(mock.exec.batch_address, vsvm_cmdbuf_address(cb));
	check_eq(mock.exec.batch_size, vsvm_cmdbuf_size(cb));
	check_eq(mock.exec.batch_size, 24 + 16);
	check_eq(mock.exec.num_syncs, 0);
	check_eq(mock.exec.flags, DRM_VSVM_EXEC_UFENCE);
	check(mock.exec.ufence_address != 0);
	check_eq(mock.exec.ufence_address % 8, 0);
	check(mock.exec.ufence_value != 0);
	check_eq(mock.wait_ufences, 1);
	check_eq(mock.wait_ufence.address, mock.exec.ufence_address);
	check_eq(mock.wait_ufence.value, mock.exec.ufence_value);
	check_eq(mock.wait_ufence.mask, UINT64_MAX);
	check_eq(mock.wait_ufence.op, DRM_VSVM_UFENCE_OP_EQ);
	check(mock.wait_ufence.timeout >= before + timeout);
	check(mock.wait_ufence.timeout <= after + timeout);
	check_eq(mock.creates, 0);

	/* The job failed: still 0, the record's error in job_status. */
	mock_reset();
	mock.job_error = -EFAULT;
	check_eq(vsvm_exec_wait(dev, MOCK_VM_ID, 0, cb, timeout, &status), 0);
	check_eq(status, -EFAULT);
	mock.job_error = -ESRCH;
	check_eq(vsvm_exec_wait(dev, MOCK_VM_ID, 0, cb, timeout, &status), 0);
	check_eq(status, -ESRCH);

	/* job_status may be NULL. */
	mock_reset();
	check_eq(vsvm_exec_wait(dev, MOCK_VM_ID, 0, cb, timeout, NULL), 0);
	check_eq(mock.wait_ufences, 1);

	/* Timeout: -ETIME, status untouched, the record left allocated. */
	mock_reset();
	mock.job_pending = true;
	status = 42;
	before = now_ns();
	check_eq(vsvm_exec_wait(dev, MOCK_VM_ID, 0, cb, 0, &status), -ETIME);
	after = now_ns();
	check_eq(status, 42);
	check(mock.wait_ufence.timeout >= before &&
	      mock.wait_ufence.timeout <= after);
	/* the "kernel" may still write it: it must be valid memory */
	rec = mock.last_ufence;
	check(rec != NULL);
	if (rec) {
		rec->error = 0;
		rec->value = mock.exec.ufence_value;
		free(rec);	/* only the test may: it knows the job ended */
	}

	/* INT64_MAX waits for ever: the deadline saturates. */
	mock_reset();
	check_eq(vsvm_exec_wait(dev, MOCK_VM_ID, 0, cb, INT64_MAX, &status),
		 0);
	check_eq(mock.wait_ufence.timeout, INT64_MAX);

	/* The exec fails: its error, no wait. */
	mock_reset();
	status = 42;
	check_eq(vsvm_exec_wait(dev, 8, 0, cb, timeout, &status), -ENOENT);
	check_eq(status, 42);
	check_eq(mock.wait_ufences, 0);

	/* Argument errors: nothing reaches the kernel. */
	mock_reset();
	check_eq(vsvm_exec_wait(dev, MOCK_VM_ID, 0, empty, timeout, &status),
		 -EINVAL);
	check_eq(vsvm_exec_wait(dev, MOCK_VM_ID, 0, cb, -1, &status), -EINVAL);
	check_eq(vsvm_exec_wait(dev, MOCK_VM_ID, 0, NULL, timeout, &status),
		 -EINVAL);
	check_eq(vsvm_exec_wait(NULL, MOCK_VM_ID, 0, cb, timeout, &status),
		 -EINVAL);
	check_eq(mock.ioctls, 0);
	check_eq(status, 42);

	vsvm_cmdbuf_destroy(empty);
	vsvm_cmdbuf_destroy(cb);
}

int main(void)
{
	vsvm_device_handle dev = NULL;

	check_eq(vsvm_device_open("/dev/null", &dev), 0);
	if (!dev) {
		fprintf(stderr, "cannot open the mock device\n");
		return 1;
	}

	test_vm(dev);
	test_exec(dev);
	test_stats(dev);
	test_fence_status(dev);
	test_exec_ufence(dev);
	test_wait_ufence(dev);
	test_exec_wait(dev);

	vsvm_device_close(dev);

	if (failures) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}

	printf("all checks passed\n");
	return 0;
}
