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
 * Helpers for the vsvm tests: opening the vsvm render node and wrapping its
 * ioctls. As everywhere in IGT, a __ helper returns 0 or -errno and leaves
 * the checking to the caller, while the plain helper asserts success.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>

#include "drmtest.h"
#include "igt_core.h"
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
	struct dirent *de;
	long best = -1;
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

		if (is_vsvm_fd(fd))
			best = minor;
		close(fd);
	}
	closedir(dir);

	if (best < 0)
		return -ENODEV;

	snprintf(path, sizeof(path), "%s/%s%ld",
		 VSVM_DRI_DIR, VSVM_RENDER_PREFIX, best);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;

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
