/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The vsvm authors
 *
 * Declarations mirroring the IGT 1.27.1 API, for building the vsvm tests
 * against Debian's libigt.so.0; see igt_core.h. With -Digt_source the real
 * headers are used instead.
 */

#ifndef IOCTL_WRAPPERS_H
#define IOCTL_WRAPPERS_H

#include <stdint.h>

#include "igt_core.h"

/*
 * igt_ioctl is a function pointer in the library's data (drmIoctl() by
 * default, which restarts on EINTR and EAGAIN); it returns 0, or -1 with
 * errno set.
 */
extern int (*igt_ioctl)(int fd, unsigned long request, void *arg);

/* Conversions between pointers and the __u64 fields of DRM structures. */
static inline uint64_t to_user_pointer(const void *ptr)
{
	return (uintptr_t)ptr;
}

static inline void *from_user_pointer(uint64_t u64)
{
	return (void *)(uintptr_t)u64;
}

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

#endif /* IOCTL_WRAPPERS_H */
