// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/*
 * Error paths of device opening, runnable without a vsvm device.
 *
 * On a machine without a vsvm render node, vsvm_device_open(NULL) must fail
 * with -ENODEV. If a vsvm node is present (inside the test VM), it must
 * open instead. Either way a missing path gives -ENOENT and a file that is
 * no DRM node gives -ENODEV.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vsvm.h"

#include "check.h"

static void test_search(void)
{
	vsvm_device_handle dev = NULL;
	char path[VSVM_NODE_PATH_MAX];
	int ret;

	ret = vsvm_find_render_node(path, sizeof(path));
	if (ret == -ENODEV) {
		printf("no vsvm render node: checking -ENODEV\n");
		check_eq(vsvm_device_open(NULL, &dev), -ENODEV);
		check(dev == NULL);
		return;
	}

	/* A vsvm node exists: open by search and by path must work. */
	check_eq(ret, 0);
	printf("vsvm render node %s: checking it opens\n", path);
	check_eq(vsvm_device_open(NULL, &dev), 0);
	check(vsvm_device_get_fd(dev) >= 0);
	vsvm_device_close(dev);

	dev = NULL;
	check_eq(vsvm_device_open(path, &dev), 0);
	vsvm_device_close(dev);

	check_eq(vsvm_find_render_node(path, 1), -ERANGE);
}

static void test_paths(void)
{
	vsvm_device_handle dev = NULL;
	int fd;

	check_eq(vsvm_device_open("/nonexistent", &dev), -ENOENT);
	check(dev == NULL);

	/* Opens fine but answers no DRM ioctl. */
	check_eq(vsvm_device_open("/dev/null", &dev), -ENODEV);
	check(dev == NULL);

	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	check(fd >= 0);
	check_eq(vsvm_device_open_fd(fd, &dev), -ENODEV);
	check(dev == NULL);
	/* The caller's fd is left alone. */
	check(fcntl(fd, F_GETFD) >= 0);
	close(fd);
}

static void test_args(void)
{
	vsvm_device_handle dev = NULL;
	uint32_t size = 0;
	char path[VSVM_NODE_PATH_MAX];

	check_eq(vsvm_device_open("/nonexistent", NULL), -EINVAL);
	check_eq(vsvm_device_open(NULL, NULL), -EINVAL);
	check_eq(vsvm_device_open_fd(0, NULL), -EINVAL);
	check_eq(vsvm_device_open_fd(-1, &dev), -EBADF);
	check(dev == NULL);
	check_eq(vsvm_device_get_fd(NULL), -EINVAL);
	check_eq(vsvm_find_render_node(NULL, sizeof(path)), -EINVAL);
	check_eq(vsvm_query(NULL, DRM_VSVM_QUERY_DEVICE, NULL, &size), -EINVAL);
	check_eq(vsvm_query_device(NULL, NULL), -EINVAL);
	vsvm_device_close(NULL);
}

int main(void)
{
	test_search();
	test_paths();
	test_args();

	if (failures) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}

	printf("all checks passed\n");
	return 0;
}
