// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xf86drm.h>

#include "vsvm_internal.h"

vsvm_public int vsvm_query(vsvm_device_handle dev, uint32_t query, void *data,
			   uint32_t *size)
{
	struct drm_vsvm_query args;

	if (!dev || !size)
		return -EINVAL;
	if (*size && !data)
		return -EINVAL;

	memset(&args, 0, sizeof(args));
	args.query = query;
	args.size = *size;
	args.data = (uintptr_t)data;

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_QUERY, &args))
		return -errno;

	*size = args.size;
	return 0;
}

/*
 * The kernel fails a buffer smaller than its answer with -EINVAL. A newer
 * kernel may have appended fields to the structure: ask for the size of its
 * answer and keep the prefix this library knows.
 */
static int vsvm_query_struct_larger(vsvm_device_handle dev, uint32_t query,
				    void *data, uint32_t size)
{
	uint32_t needed = 0;
	void *buf;
	int ret;

	ret = vsvm_query(dev, query, NULL, &needed);
	if (ret)
		return ret;
	if (needed <= size)
		return -EINVAL;	/* the buffer size was not the problem */

	buf = calloc(1, needed);
	if (!buf)
		return -ENOMEM;

	ret = vsvm_query(dev, query, buf, &needed);
	if (!ret) {
		if (needed < size)
			memset((char *)data + needed, 0, size - needed);
		else
			needed = size;
		memcpy(data, buf, needed);
	}

	free(buf);
	return ret;
}

int vsvm_query_struct(vsvm_device_handle dev, uint32_t query, void *data,
		      uint32_t size)
{
	uint32_t written = size;
	int ret;

	if (!dev || !data || !size)
		return -EINVAL;

	/* The kernel writes to @data only on success. */
	ret = vsvm_query(dev, query, data, &written);
	if (ret == -EINVAL)
		return vsvm_query_struct_larger(dev, query, data, size);
	if (ret)
		return ret;

	/* An older kernel with a shorter structure: zero what it lacks. */
	if (written < size)
		memset((char *)data + written, 0, size - written);

	return 0;
}

vsvm_public int vsvm_query_device(vsvm_device_handle dev,
				  struct drm_vsvm_query_device *info)
{
	if (!dev || !info)
		return -EINVAL;

	return vsvm_query_struct(dev, DRM_VSVM_QUERY_DEVICE, info,
				 sizeof(*info));
}
