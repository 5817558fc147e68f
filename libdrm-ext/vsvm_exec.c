// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>
#include <xf86drm.h>

#include "vsvm_internal.h"

/* The value vsvm_exec_wait() has the kernel write when its job ends. */
#define VSVM_UFENCE_SIGNALLED	1

/*
 * libdrm's syncobj functions fail with -1 and errno set (drmSyncobjCreate,
 * drmSyncobjDestroy, drmSyncobjExportSyncFile return what drmIoctl()
 * returns) or with -errno (drmSyncobjWait): errno holds the error in both
 * cases. Returns it as a negative errno.
 */
static int vsvm_drm_error(int ret)
{
	if (errno > 0)
		return -errno;
	return ret < -1 ? ret : -EIO;
}

vsvm_public int vsvm_exec_ufence(vsvm_device_handle dev, uint32_t vm_id,
				 uint32_t engine, uint64_t batch_address,
				 uint32_t batch_size,
				 const struct drm_vsvm_sync *syncs,
				 uint32_t num_syncs,
				 struct drm_vsvm_ufence *ufence,
				 uint64_t ufence_value, uint64_t *seqno)
{
	struct drm_vsvm_exec args;

	if (!dev)
		return -EINVAL;
	if (num_syncs && !syncs)
		return -EINVAL;

	memset(&args, 0, sizeof(args));
	args.vm_id = vm_id;
	args.engine = engine;
	args.batch_address = batch_address;
	args.batch_size = batch_size;
	args.num_syncs = num_syncs;
	args.syncs = (uintptr_t)syncs;
	if (ufence) {
		args.flags = DRM_VSVM_EXEC_UFENCE;
		args.ufence_address = (uintptr_t)ufence;
		args.ufence_value = ufence_value;
	}

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_EXEC, &args))
		return -errno;

	if (seqno)
		*seqno = args.seqno;
	return 0;
}

vsvm_public int vsvm_exec(vsvm_device_handle dev, uint32_t vm_id,
			  uint32_t engine, uint64_t batch_address,
			  uint32_t batch_size,
			  const struct drm_vsvm_sync *syncs, uint32_t num_syncs,
			  uint64_t *seqno)
{
	return vsvm_exec_ufence(dev, vm_id, engine, batch_address, batch_size,
				syncs, num_syncs, NULL, 0, seqno);
}

vsvm_public int vsvm_wait_ufence(vsvm_device_handle dev,
				 const void *address, uint64_t value,
				 uint64_t mask, uint16_t op,
				 int64_t deadline_ns)
{
	struct drm_vsvm_wait_ufence args;

	if (!dev || !address || deadline_ns < 0)
		return -EINVAL;

	memset(&args, 0, sizeof(args));
	args.address = (uintptr_t)address;
	args.value = value;
	args.mask = mask;
	args.op = op;
	args.timeout = deadline_ns;

	/* drmIoctl() restarts on EINTR: the deadline is absolute. */
	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_WAIT_UFENCE, &args))
		return -errno;
	return 0;
}

vsvm_public int vsvm_syncobj_fence_status(vsvm_device_handle dev,
					  uint32_t syncobj, int *status)
{
	struct sync_file_info info;
	int sync_fd = -1;
	int ret;

	if (!dev || !status)
		return -EINVAL;

	/* The sync_file holds a reference to the fence the syncobj has now. */
	ret = drmSyncobjExportSyncFile(dev->fd, syncobj, &sync_fd);
	if (ret)
		return vsvm_drm_error(ret);

	/* With num_fences 0 the kernel reports the status and fence count only. */
	memset(&info, 0, sizeof(info));
	if (drmIoctl(sync_fd, SYNC_IOC_FILE_INFO, &info))
		ret = -errno;
	else
		*status = info.status;

	close(sync_fd);
	return ret;
}

/* Absolute CLOCK_MONOTONIC time @timeout_ns from now, saturated. */
static int vsvm_deadline(int64_t timeout_ns, int64_t *deadline)
{
	struct timespec now;
	int64_t now_ns;

	if (clock_gettime(CLOCK_MONOTONIC, &now))
		return errno > 0 ? -errno : -EINVAL;

	now_ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
	if (timeout_ns > INT64_MAX - now_ns)
		*deadline = INT64_MAX;
	else
		*deadline = now_ns + timeout_ns;
	return 0;
}

vsvm_public int vsvm_exec_wait(vsvm_device_handle dev, uint32_t vm_id,
			       uint32_t engine, vsvm_cmdbuf_handle cb,
			       int64_t timeout_ns, int *job_status)
{
	struct drm_vsvm_ufence *rec;
	int64_t deadline;
	int ret;

	if (!dev || !cb || !cb->size || timeout_ns < 0)
		return -EINVAL;

	ret = vsvm_deadline(timeout_ns, &deadline);
	if (ret)
		return ret;

	/* malloc() memory of the process: the VM mirrors it. */
	rec = calloc(1, sizeof(*rec));
	if (!rec)
		return -ENOMEM;

	ret = vsvm_exec_ufence(dev, vm_id, engine, (uintptr_t)cb->map,
			       (uint32_t)cb->size, NULL, 0, rec,
			       VSVM_UFENCE_SIGNALLED, NULL);
	if (ret)
		goto out_free;

	ret = vsvm_wait_ufence(dev, &rec->value, VSVM_UFENCE_SIGNALLED,
			       UINT64_MAX, DRM_VSVM_UFENCE_OP_EQ, deadline);
	if (ret == -ETIME) {
		/*
		 * The kernel writes the record when the job ends, later: it
		 * must stay allocated (16 bytes left behind for good).
		 */
		return ret;
	}
	if (ret)
		goto out_free;

	/* The kernel wrote the error before the value. */
	if (job_status)
		*job_status = rec->error ? rec->error : 1;

out_free:
	free(rec);
	return ret;
}
