/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The vsvm authors
 *
 * Declarations mirroring the IGT 2.0 API, for building the vsvm tests
 * against Debian's libigt.so.0; see igt_core.h. With -Digt_source the real
 * headers are used instead.
 *
 * The DRIVER_* bits are 2.0's, checked against the library's module table
 * (the one drm_load_module() walks: amdgpu 1 << 3, i915 1 << 0, msm 1 << 6,
 * panfrost 1 << 5, v3d 1 << 4, vc4 1 << 1, vgem 1 << 2, vmwgfx 1 << 8,
 * xe 1 << 7) and against drm_load_module()'s test for DRIVER_ANY, which is
 * ~DRIVER_VGEM (0xfffffffb). Later IGT releases add bits (DRIVER_VKMS, ...)
 * but none for vsvm. An unknown driver such as vsvm is only matched by
 * DRIVER_ANY, which takes the first DRM device of any driver and, when none
 * is found, modprobes every module in that table; the vsvm library therefore
 * opens its render node by driver name instead (see lib/igt_vsvm.c).
 *
 * As in IGT, do_ioctl() and do_ioctl_err() are defined here but use
 * igt_ioctl, which ioctl_wrappers.h declares.
 */

#ifndef DRMTEST_H
#define DRMTEST_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt_core.h"

#define DRIVER_INTEL	(1 << 0)
#define DRIVER_VC4	(1 << 1)
#define DRIVER_VGEM	(1 << 2)
#define DRIVER_AMDGPU	(1 << 3)
#define DRIVER_V3D	(1 << 4)
#define DRIVER_PANFROST	(1 << 5)
#define DRIVER_MSM	(1 << 6)
#define DRIVER_XE	(1 << 7)
#define DRIVER_VMWGFX	(1 << 8)

/* Any driver but vgem. */
#define DRIVER_ANY	~(DRIVER_VGEM)

#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof(arr[0]))

/* The alignment is converted to the type of @v before the mask is made. */
#define ALIGN(v, a) ALIGN_MASK(v, (typeof(v))(a) - 1)
#define ALIGN_MASK(v, mask) (((v) + (mask)) & ~(mask))

void __set_forced_driver(const char *name);
void drm_load_module(unsigned int chipset);

int __drm_open_driver_another(int idx, int chipset);
int __drm_open_driver(int chipset);
int __drm_open_driver_render(int chipset);
int drm_open_driver(int chipset);
int drm_open_driver_master(int chipset);
int drm_open_driver_render(int chipset);
/* Closes an fd of drm_open_driver*() (new in IGT 1.28). */
int drm_close_driver(int fd);

/* Asserts that @x returns 0. */
#define do_or_die(x) igt_assert((x) == 0)

/* Asserts that the ioctl succeeds. */
#define do_ioctl(fd, ioc, ioc_data) \
	do { \
		igt_assert_eq(igt_ioctl((fd), (ioc), (ioc_data)), 0); \
		errno = 0; \
	} while (0)

/* Asserts that the ioctl fails with errno @err. */
#define do_ioctl_err(fd, ioc, ioc_data, err) \
	do { \
		igt_assert_eq(igt_ioctl((fd), (ioc), (ioc_data)), -1); \
		igt_assert_eq(errno, err); \
		errno = 0; \
	} while (0)

#endif /* DRMTEST_H */
