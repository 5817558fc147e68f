/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The vsvm authors
 *
 * Declarations mirroring the IGT 2.0 API, for building the vsvm tests
 * against Debian's libigt.so.0; see igt_core.h. With -Digt_source the real
 * headers are used instead.
 */

#ifndef IOCTL_WRAPPERS_H
#define IOCTL_WRAPPERS_H

#include <stdint.h>

#include "igt_core.h"

/*
 * igt_ioctl is a function pointer in the library (drmIoctl() by default,
 * which restarts on EINTR and EAGAIN); it returns 0, or -1 with errno set.
 * In IGT 2.0 (unlike 1.27.1) it is thread-local: libigt.so.0 exports it as
 * a TLS symbol, and a non-TLS declaration does not link.
 */
extern __thread int (*igt_ioctl)(int fd, unsigned long request, void *arg);

/* Conversions between pointers and the __u64 fields of DRM structures. */
static inline uint64_t to_user_pointer(const void *ptr)
{
	return (uintptr_t)ptr;
}

static inline void *from_user_pointer(uint64_t u64)
{
	return (void *)(uintptr_t)u64;
}

#endif /* IOCTL_WRAPPERS_H */
