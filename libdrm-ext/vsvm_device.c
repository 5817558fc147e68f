// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>

#include "vsvm_internal.h"

/*
 * Returns 0 when @fd is a DRM node of the vsvm driver, -ENODEV when it is
 * not (including when it is no DRM node at all), or -ENOMEM.
 */
static int vsvm_check_driver(int fd)
{
	drmVersionPtr version;
	int ret;

	errno = 0;
	version = drmGetVersion(fd);
	if (!version)
		return errno == ENOMEM ? -ENOMEM : -ENODEV;

	if (version->name && !strcmp(version->name, VSVM_DRIVER_NAME))
		ret = 0;
	else
		ret = -ENODEV;

	drmFreeVersion(version);
	return ret;
}

/* Opens @path and checks it is a vsvm node; returns the fd or -errno. */
static int vsvm_open_node(const char *path)
{
	int fd, ret;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	ret = vsvm_check_driver(fd);
	if (ret) {
		close(fd);
		return ret;
	}

	return fd;
}

/*
 * Searches the render nodes for the first vsvm one. On success returns its
 * open fd and, when @path is not NULL, writes its path there (-ERANGE if
 * @len is too small). Returns -ENODEV when no node qualifies.
 */
static int vsvm_search_render_node(char *path, size_t len)
{
	char node[VSVM_NODE_PATH_MAX];
	size_t n;
	int i, fd;

	for (i = 0; i < VSVM_RENDER_MINOR_COUNT; i++) {
		snprintf(node, sizeof(node), DRM_RENDER_DEV_NAME, DRM_DIR_NAME,
			 VSVM_RENDER_MINOR_FIRST + i);

		fd = vsvm_open_node(node);
		if (fd == -ENOMEM)
			return fd;
		if (fd < 0)
			continue;

		if (path) {
			n = strlen(node) + 1;
			if (n > len) {
				close(fd);
				return -ERANGE;
			}
			memcpy(path, node, n);
		}

		return fd;
	}

	return -ENODEV;
}

/* Takes ownership of @fd: it is closed on failure. */
static int vsvm_device_create(int fd, vsvm_device_handle *dev)
{
	struct vsvm_device *vdev;

	vdev = calloc(1, sizeof(*vdev));
	if (!vdev) {
		close(fd);
		return -ENOMEM;
	}

	vdev->fd = fd;
	*dev = vdev;
	return 0;
}

vsvm_public int vsvm_device_open(const char *path, vsvm_device_handle *dev)
{
	int fd;

	if (!dev)
		return -EINVAL;

	if (path)
		fd = vsvm_open_node(path);
	else
		fd = vsvm_search_render_node(NULL, 0);
	if (fd < 0)
		return fd;

	return vsvm_device_create(fd, dev);
}

vsvm_public int vsvm_device_open_fd(int fd, vsvm_device_handle *dev)
{
	int ret, newfd;

	if (!dev)
		return -EINVAL;
	if (fd < 0)
		return -EBADF;

	newfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (newfd < 0)
		return -errno;

	ret = vsvm_check_driver(newfd);
	if (ret) {
		close(newfd);
		return ret;
	}

	return vsvm_device_create(newfd, dev);
}

vsvm_public void vsvm_device_close(vsvm_device_handle dev)
{
	if (!dev)
		return;

	close(dev->fd);
	free(dev);
}

vsvm_public int vsvm_device_get_fd(vsvm_device_handle dev)
{
	if (!dev)
		return -EINVAL;

	return dev->fd;
}

vsvm_public int vsvm_find_render_node(char *path, size_t len)
{
	int fd;

	if (!path)
		return -EINVAL;

	fd = vsvm_search_render_node(path, len);
	if (fd < 0)
		return fd;

	close(fd);
	return 0;
}
