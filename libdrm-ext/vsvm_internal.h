/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The vsvm authors
 */

/*
 * Private declarations of libdrm_vsvm, shared between its source files.
 * Never installed.
 *
 * The library is built with -fvisibility=hidden: only functions marked
 * vsvm_public are exported, and every exported name must also be listed in
 * vsvm-symbols.txt, or the vsvm-symbols-check test fails.
 *
 * One source file per object: vsvm_device.c (open/close/find), vsvm_query.c
 * (DRM_IOCTL_VSVM_QUERY), vsvm_vm.c (VM create/destroy/error record),
 * vsvm_exec.c (jobs, syncobj fence status), vsvm_stats.c (counters),
 * vsvm_cmdbuf.c (command buffer memory and encoder), vsvm_migrate.c
 * (prefetch, residency, memory attributes); later objects get their own
 * vsvm_<object>.c next to them.
 */

#ifndef _VSVM_INTERNAL_H_
#define _VSVM_INTERNAL_H_

#include <stddef.h>
#include <stdint.h>

#include "vsvm.h"

#define vsvm_public __attribute__((visibility("default")))

/* Render nodes searched when no path is given: renderD128 to renderD191. */
#define VSVM_RENDER_MINOR_FIRST	128
#define VSVM_RENDER_MINOR_COUNT	64

/**
 * struct vsvm_device - what a vsvm_device_handle points to
 * @fd: the DRM file descriptor, owned by the handle
 */
struct vsvm_device {
	int fd;
};

/**
 * struct vsvm_cmdbuf - what a vsvm_cmdbuf_handle points to
 * @map: start of the mapping, page aligned; the first command
 * @capacity: bytes commands may use, at most VSVM_CMDBUF_MAX_CAPACITY
 * @map_size: size of the mapping, a multiple of the page size
 * @size: bytes emitted so far, a multiple of 8
 */
struct vsvm_cmdbuf {
	uint8_t *map;
	size_t capacity;
	size_t map_size;
	size_t size;
};

/*
 * vsvm_query_struct() - fill a fixed-size query structure
 *
 * Runs DRM_IOCTL_VSVM_QUERY for @query into the @size bytes at @data, and
 * copes with kernels whose answer has another size than the structure this
 * library was built with: a shorter answer has its tail zeroed, a longer
 * one is truncated to @size. @data is written only on success.
 *
 * Returns 0 or a negative errno.
 */
int vsvm_query_struct(vsvm_device_handle dev, uint32_t query, void *data,
		      uint32_t size);

#endif /* _VSVM_INTERNAL_H_ */
