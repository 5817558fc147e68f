/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The vsvm authors
 */

#ifndef _UAPI_VSVM_DRM_H_
#define _UAPI_VSVM_DRM_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/**
 * DOC: vsvm uapi overview
 *
 * vsvm is a virtual compute GPU built around shared virtual memory (SVM):
 * its engines dereference plain CPU pointers, and GPU page faults are
 * resolved by mirroring the CPU page tables of the process.
 *
 * The driver registers a render node; every ioctl below is allowed on it.
 * Synchronisation uses the DRM core's syncobj ioctls (binary and timeline).
 *
 * ioctls:
 *
 * - &DRM_IOCTL_VSVM_QUERY: query device information (&struct drm_vsvm_query).
 *
 * Rules that hold for every ioctl:
 *
 * - Fields documented as MBZ (must be zero), reserved fields and unknown
 *   flags are checked; a non-zero value fails the ioctl with -EINVAL.
 * - Value 0 of every enumeration is invalid, to catch uninitialised input.
 * - User pointers are passed as __u64; a bad pointer fails with -EFAULT.
 * - Output is written back only when the ioctl succeeds.
 *
 * Versioning: &VSVM_UAPI_MAJOR changes on incompatible changes (never, once
 * merged); &VSVM_UAPI_MINOR grows whenever an ioctl, query or flag is added.
 *
 * - 0.1: &DRM_IOCTL_VSVM_QUERY with &DRM_VSVM_QUERY_DEVICE.
 */

/** @VSVM_UAPI_MAJOR: major version of this interface */
#define VSVM_UAPI_MAJOR 0
/** @VSVM_UAPI_MINOR: minor version of this interface */
#define VSVM_UAPI_MINOR 1

/*
 * ioctl numbers: compact from DRM_COMMAND_BASE, no holes.
 */
#define DRM_VSVM_QUERY			0x00

#define DRM_IOCTL_VSVM_QUERY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_QUERY, struct drm_vsvm_query)

/** @DRM_VSVM_PAGE_SIZE_4K: the GPU MMU maps 4 KiB pages */
#define DRM_VSVM_PAGE_SIZE_4K		0x1000ull
/** @DRM_VSVM_PAGE_SIZE_64K: faults are resolved in 64 KiB chunks */
#define DRM_VSVM_PAGE_SIZE_64K		0x10000ull
/** @DRM_VSVM_PAGE_SIZE_2M: the GPU MMU maps 2 MiB pages */
#define DRM_VSVM_PAGE_SIZE_2M		0x200000ull

/**
 * struct drm_vsvm_query_device - answer to &DRM_VSVM_QUERY_DEVICE
 *
 * Written by the kernel; every field is output.
 */
struct drm_vsvm_query_device {
	/** @uapi_major: &VSVM_UAPI_MAJOR of the running driver */
	__u16 uapi_major;

	/** @uapi_minor: &VSVM_UAPI_MINOR of the running driver */
	__u16 uapi_minor;

	/** @num_engines: number of engines, numbered 0 to num_engines - 1 */
	__u32 num_engines;

	/** @vram_size: size of the device memory (VRAM) in bytes */
	__u64 vram_size;

	/**
	 * @page_sizes: bit mask of the page sizes the GPU MMU supports,
	 * a combination of the DRM_VSVM_PAGE_SIZE_* values
	 */
	__u64 page_sizes;

	/** @va_bits: width of a GPU virtual address in bits */
	__u32 va_bits;

	/**
	 * @features: bit mask of optional features. No feature is defined
	 * in this version; bits are added with later minor versions.
	 */
	__u32 features;

	/** @reserved: reserved for future use, zero */
	__u64 reserved[4];
};

/** @DRM_VSVM_QUERY_DEVICE: device information, &struct drm_vsvm_query_device */
#define DRM_VSVM_QUERY_DEVICE		1

/**
 * struct drm_vsvm_query - argument of &DRM_IOCTL_VSVM_QUERY
 *
 * Asks the kernel for one block of information, selected by @query.
 *
 * With @size zero the kernel only writes the size the answer needs to @size.
 * Otherwise @size is the size of the buffer at @data: when it is at least
 * what the answer needs, the answer is written there and @size is set to the
 * number of bytes written; a newer userspace with a larger structure thus
 * learns which part an older kernel filled.
 *
 * Errors: -EINVAL for non-zero @extensions, @flags, @pad or @reserved, an unknown
 * @query, or a non-zero @size smaller than the answer; -EFAULT for a bad
 * @data pointer.
 */
struct drm_vsvm_query {
	/** @extensions: pointer to the first extension; none defined, MBZ */
	__u64 extensions;

	/** @query: what to query, one of the DRM_VSVM_QUERY_* values (in) */
	__u32 query;

	/** @size: size of the buffer at @data (in), size written (out) */
	__u32 size;

	/** @data: user pointer to the buffer the answer is written to (in) */
	__u64 data;

	/** @flags: no flag is defined for this ioctl yet, MBZ */
	__u32 flags;

	/** @pad: MBZ */
	__u32 pad;

	/** @reserved: reserved for future use, MBZ */
	__u64 reserved[2];
};

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_VSVM_DRM_H_ */
