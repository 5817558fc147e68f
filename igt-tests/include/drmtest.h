/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The vsvm authors
 *
 * Declarations mirroring the IGT 1.27.1 API, for building the vsvm tests
 * against Debian's libigt.so.0; see igt_core.h. With -Digt_source the real
 * headers are used instead.
 *
 * The DRIVER_* bits are 1.27.1's (the library's chipset_to_str() and
 * drm_load_module() tables were checked): later IGT releases add bits
 * (DRIVER_XE, DRIVER_VMWGFX) but none for vsvm. An unknown driver such as
 * vsvm is only matched by DRIVER_ANY, which takes the first DRM device of any
 * driver and, when none is found, modprobes every module IGT knows; the vsvm
 * library therefore opens its render node by driver name instead (see
 * lib/igt_vsvm.c). drm_close_driver() does not exist in 1.27.1 (it appeared
 * in 1.28); the tests use close().
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

/* Any driver but vgem. */
#define DRIVER_ANY	~(DRIVER_VGEM)

#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof(arr[0]))
#define ALIGN(v, a) (((v) + (a) - 1) & ~((a) - 1))

void __set_forced_driver(const char *name);
void drm_load_module(unsigned int chipset);

int __drm_open_driver_another(int idx, int chipset);
int __drm_open_driver(int chipset);
int __drm_open_driver_render(int chipset);
int drm_open_driver(int chipset);
int drm_open_driver_master(int chipset);
int drm_open_driver_render(int chipset);

/* Asserts that @x returns 0. */
#define do_or_die(x) igt_assert((x) == 0)

#endif /* DRMTEST_H */
