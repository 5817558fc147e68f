// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/*
 * Query paths of libdrm_vsvm against a mock kernel, without a vsvm device.
 *
 * This program defines drmGetVersion(), drmFreeVersion() and drmIoctl():
 * definitions in the executable take precedence over libdrm's for the
 * calls libdrm_vsvm.so makes, so /dev/null passes for a vsvm node whose
 * DRM_IOCTL_VSVM_QUERY is answered by mock_query() below. The mock follows
 * the uapi rules: MBZ fields checked, -EINVAL for a buffer smaller than the
 * answer, output written only on success.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>

#include "vsvm.h"

#include "check.h"

/* The mock kernel. */
static const char *mock_driver = "vsvm";
static uint32_t mock_answer_size = sizeof(struct drm_vsvm_query_device);
static int mock_error;		/* errno every query fails with, or 0 */
static int mock_queries;	/* DRM_IOCTL_VSVM_QUERY calls seen */

/* Byte i of the answer is mock_byte(i), whatever its size. */
static uint8_t mock_byte(uint32_t i)
{
	return (uint8_t)(0x40 + i);
}

drmVersionPtr drmGetVersion(int fd)
{
	drmVersionPtr version;

	(void)fd;
	version = calloc(1, sizeof(*version));
	if (!version)
		return NULL;
	version->name = strdup(mock_driver);
	version->name_len = (int)strlen(mock_driver);
	return version;
}

void drmFreeVersion(drmVersionPtr version)
{
	if (!version)
		return;
	free(version->name);
	free(version);
}

static int mock_query(struct drm_vsvm_query *q)
{
	uint8_t *out;
	uint32_t i;

	mock_queries++;

	if (mock_error)
		return -mock_error;
	if (q->extensions || q->flags || q->pad ||
	    q->reserved[0] || q->reserved[1])
		return -EINVAL;
	if (q->query != DRM_VSVM_QUERY_DEVICE)
		return -EINVAL;

	if (!q->size) {
		q->size = mock_answer_size;
		return 0;
	}
	if (q->size < mock_answer_size)
		return -EINVAL;

	out = (uint8_t *)(uintptr_t)q->data;
	for (i = 0; i < mock_answer_size; i++)
		out[i] = mock_byte(i);
	q->size = mock_answer_size;
	return 0;
}

int drmIoctl(int fd, unsigned long request, void *arg)
{
	int ret;

	(void)fd;
	if (request != DRM_IOCTL_VSVM_QUERY) {
		errno = ENOTTY;
		return -1;
	}

	ret = mock_query(arg);
	if (ret) {
		errno = -ret;
		return -1;
	}
	return 0;
}

static void fill(void *p, size_t size)
{
	memset(p, 0xa5, size);
}

/* True when the first @size bytes at @p hold the mock's answer. */
static int is_answer(const void *p, size_t size)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < size; i++)
		if (b[i] != mock_byte((uint32_t)i))
			return 0;
	return 1;
}

static int is_byte(const void *p, size_t size, uint8_t value)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < size; i++)
		if (b[i] != value)
			return 0;
	return 1;
}

static void test_raw(vsvm_device_handle dev)
{
	struct drm_vsvm_query_device info;
	uint32_t size;

	/* Size probe. */
	size = 0;
	check_eq(vsvm_query(dev, DRM_VSVM_QUERY_DEVICE, NULL, &size), 0);
	check_eq(size, sizeof(info));

	size = sizeof(info);
	fill(&info, sizeof(info));
	check_eq(vsvm_query(dev, DRM_VSVM_QUERY_DEVICE, &info, &size), 0);
	check_eq(size, sizeof(info));
	check_eq(is_answer(&info, sizeof(info)), 1);

	/* Too small a buffer, unknown query, missing buffer. */
	size = 8;
	check_eq(vsvm_query(dev, DRM_VSVM_QUERY_DEVICE, &info, &size), -EINVAL);
	check_eq(size, 8);
	size = sizeof(info);
	check_eq(vsvm_query(dev, 0, &info, &size), -EINVAL);
	check_eq(vsvm_query(dev, DRM_VSVM_QUERY_DEVICE, NULL, &size), -EINVAL);
	check_eq(vsvm_query(dev, DRM_VSVM_QUERY_DEVICE, &info, NULL), -EINVAL);
}

static void test_device(vsvm_device_handle dev)
{
	struct drm_vsvm_query_device info;
	const uint32_t full = sizeof(info);

	/* Same structure size: one ioctl. */
	mock_answer_size = full;
	mock_queries = 0;
	fill(&info, sizeof(info));
	check_eq(vsvm_query_device(dev, &info), 0);
	check_eq(mock_queries, 1);
	check_eq(is_answer(&info, sizeof(info)), 1);

	/* Older kernel, shorter answer: the tail is zeroed. */
	mock_answer_size = 16;
	mock_queries = 0;
	fill(&info, sizeof(info));
	check_eq(vsvm_query_device(dev, &info), 0);
	check_eq(mock_queries, 1);
	check_eq(is_answer(&info, 16), 1);
	check_eq(is_byte((uint8_t *)&info + 16, full - 16, 0), 1);

	/* Newer kernel, longer answer: the known prefix is kept. */
	mock_answer_size = full + 24;
	mock_queries = 0;
	fill(&info, sizeof(info));
	check_eq(vsvm_query_device(dev, &info), 0);
	check_eq(mock_queries, 3);
	check_eq(is_answer(&info, sizeof(info)), 1);

	/* A failing ioctl returns -errno and leaves @info alone. */
	mock_answer_size = full;
	mock_error = EIO;
	fill(&info, sizeof(info));
	check_eq(vsvm_query_device(dev, &info), -EIO);
	check_eq(is_byte(&info, sizeof(info), 0xa5), 1);

	/* -EINVAL not caused by the size is passed on. */
	mock_error = EINVAL;
	mock_queries = 0;
	check_eq(vsvm_query_device(dev, &info), -EINVAL);
	check_eq(is_byte(&info, sizeof(info), 0xa5), 1);
	mock_error = 0;

	check_eq(vsvm_query_device(dev, NULL), -EINVAL);
}

static void test_open(void)
{
	vsvm_device_handle dev = NULL;
	int fd;

	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror("/dev/null");
		failures++;
		return;
	}

	/* Another driver is refused. */
	mock_driver = "i915";
	check_eq(vsvm_device_open_fd(fd, &dev), -ENODEV);
	check_eq(dev == NULL, 1);
	check_eq(vsvm_device_open("/dev/null", &dev), -ENODEV);
	mock_driver = "vsvm";

	/* The handle owns a copy of the fd, close-on-exec. */
	check_eq(vsvm_device_open_fd(fd, &dev), 0);
	check_eq(vsvm_device_get_fd(dev) != fd, 1);
	check_eq(fcntl(vsvm_device_get_fd(dev), F_GETFD) & FD_CLOEXEC,
		 FD_CLOEXEC);
	close(fd);

	test_raw(dev);
	test_device(dev);

	vsvm_device_close(dev);
}

int main(void)
{
	test_open();

	if (failures) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}

	printf("all checks passed\n");
	return 0;
}
