// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>
#include <xf86drm.h>

#include "vsvm_internal.h"

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

vsvm_public int vsvm_exec(vsvm_device_handle dev, uint32_t vm_id,
			  uint32_t engine, uint64_t batch_address,
			  uint32_t batch_size,
			  const struct drm_vsvm_sync *syncs, uint32_t num_syncs,
			  uint64_t *seqno)
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

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_EXEC, &args))
		return -errno;

	if (seqno)
		*seqno = args.seqno;
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
	struct drm_vsvm_sync sync;
	int64_t deadline;
	uint32_t handle;
	int ret, status;

	if (!dev || !cb || !cb->size || timeout_ns < 0)
		return -EINVAL;

	ret = drmSyncobjCreate(dev->fd, 0, &handle);
	if (ret)
		return vsvm_drm_error(ret);

	memset(&sync, 0, sizeof(sync));
	sync.handle = handle;
	sync.flags = DRM_VSVM_SYNC_SIGNAL;

	ret = vsvm_exec(dev, vm_id, engine, (uintptr_t)cb->map,
			(uint32_t)cb->size, &sync, 1, NULL);
	if (ret)
		goto out;

	ret = vsvm_deadline(timeout_ns, &deadline);
	if (ret)
		goto out;

	/* The fence is in the syncobj since the exec: no WAIT_FOR_SUBMIT. */
	ret = drmSyncobjWait(dev->fd, &handle, 1, deadline, 0, NULL);
	if (ret) {
		ret = vsvm_drm_error(ret);
		goto out;
	}

	ret = vsvm_syncobj_fence_status(dev, handle, &status);
	if (!ret && job_status)
		*job_status = status;

out:
	/* The job keeps its fence; only the syncobj goes. */
	drmSyncobjDestroy(dev->fd, handle);
	return ret;
}
