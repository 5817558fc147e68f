/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * \file vsvm.h
 *
 * Userspace interface to the vsvm kernel driver, a virtual compute GPU
 * built around shared virtual memory.
 *
 * Conventions shared by every function of this library:
 *
 * - Functions that can fail return 0 on success or a negative errno value;
 *   they never print. The value of errno on return is unspecified.
 * - Output parameters are written only when the function succeeds.
 * - A device handle wraps one file descriptor of the vsvm DRM node. The
 *   library keeps no other state in it, so a handle may be used from
 *   several threads at once; vsvm_device_close() must not race with any
 *   other use of the same handle.
 */

#ifndef _VSVM_H_
#define _VSVM_H_

#include <stddef.h>
#include <stdint.h>

#include "vsvm_drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/** Name the vsvm kernel driver reports through DRM_IOCTL_VERSION. */
#define VSVM_DRIVER_NAME	"vsvm"

/** Size of a buffer large enough for any path vsvm_find_render_node() writes. */
#define VSVM_NODE_PATH_MAX	64

/** Opaque handle to an open vsvm device. */
typedef struct vsvm_device *vsvm_device_handle;

/*
 * Device (vsvm_device.c)
 */

/**
 * Open a vsvm device.
 *
 * With \p path NULL, the render nodes /dev/dri/renderD128 to renderD191 are
 * tried in order and the first one whose DRM driver is "vsvm" is used.
 * Nodes that cannot be opened (missing, no permission, ...) are skipped.
 *
 * With a \p path, that node is opened and its DRM driver must be "vsvm".
 *
 * The node is opened with O_RDWR | O_CLOEXEC.
 *
 * \param [in]  path   Path of the DRM node to open, or NULL to search for
 *                     the vsvm render node.
 * \param [out] dev    Handle of the opened device, to be released with
 *                     vsvm_device_close().
 *
 * \return 0 on success, or a negative errno:
 *         -EINVAL if \p dev is NULL;
 *         -ENODEV if \p path is NULL and no vsvm render node was found, or
 *         if \p path is not a DRM node of the vsvm driver;
 *         -ENOMEM on allocation failure;
 *         the error of open(2) when \p path cannot be opened (for instance
 *         -ENOENT or -EACCES).
 */
int vsvm_device_open(const char *path, vsvm_device_handle *dev);

/**
 * Wrap an already open DRM file descriptor in a device handle.
 *
 * The descriptor is duplicated (with FD_CLOEXEC set on the copy): the
 * caller keeps ownership of \p fd and may close it at any time; the handle
 * owns the copy, which vsvm_device_close() closes.
 *
 * \param [in]  fd     Open file descriptor of a vsvm DRM node.
 * \param [out] dev    Handle of the device, to be released with
 *                     vsvm_device_close().
 *
 * \return 0 on success, or a negative errno:
 *         -EINVAL if \p dev is NULL;
 *         -EBADF if \p fd is negative or not an open file descriptor;
 *         -ENODEV if \p fd is not a DRM node of the vsvm driver;
 *         -EMFILE if no file descriptor is left for the copy;
 *         -ENOMEM on allocation failure.
 */
int vsvm_device_open_fd(int fd, vsvm_device_handle *dev);

/**
 * Close a device handle and free it.
 *
 * \param [in] dev     Handle returned by vsvm_device_open() or
 *                     vsvm_device_open_fd(); NULL is ignored.
 */
void vsvm_device_close(vsvm_device_handle dev);

/**
 * Get the file descriptor a device handle wraps.
 *
 * The descriptor stays owned by the handle: do not close it. It can be
 * passed to libdrm functions such as drmSyncobjCreate().
 *
 * \param [in] dev     Device handle.
 *
 * \return the file descriptor (0 or more), or -EINVAL if \p dev is NULL.
 */
int vsvm_device_get_fd(vsvm_device_handle dev);

/**
 * Find the vsvm render node.
 *
 * Searches /dev/dri/renderD128 to renderD191 as vsvm_device_open() does
 * with a NULL path, and writes the path of the first vsvm node found.
 *
 * \param [out] path   Buffer the NUL-terminated path is written to.
 * \param [in]  len    Size of \p path in bytes; VSVM_NODE_PATH_MAX is
 *                     always enough.
 *
 * \return 0 on success, or a negative errno:
 *         -EINVAL if \p path is NULL;
 *         -ENODEV if no vsvm render node was found;
 *         -ERANGE if \p len is too small for the path;
 *         -ENOMEM on allocation failure.
 */
int vsvm_find_render_node(char *path, size_t len);

/*
 * Queries (vsvm_query.c)
 */

/**
 * Raw query: a thin wrapper around DRM_IOCTL_VSVM_QUERY.
 *
 * With \p *size zero, only the size of the answer is returned in \p *size
 * and \p data is not used. Otherwise \p *size is the size of the buffer at
 * \p data; on success the answer is written there and \p *size is set to
 * the number of bytes written. The kernel rejects a non-zero \p *size
 * smaller than the answer with -EINVAL.
 *
 * \param [in]     dev     Device handle.
 * \param [in]     query   What to query, one of the DRM_VSVM_QUERY_* values.
 * \param [out]    data    Buffer the answer is written to.
 * \param [in,out] size    Size of \p data (in); size of the answer, or
 *                         bytes written (out).
 *
 * \return 0 on success, or a negative errno:
 *         -EINVAL if \p dev or \p size is NULL, if \p data is NULL with a
 *         non-zero \p *size, or if the kernel rejects the query (unknown
 *         \p query, buffer too small);
 *         -EFAULT if \p data is not a valid buffer of \p *size bytes;
 *         other errors of the ioctl.
 */
int vsvm_query(vsvm_device_handle dev, uint32_t query, void *data,
	       uint32_t *size);

/**
 * Query the device information (DRM_VSVM_QUERY_DEVICE).
 *
 * The whole of \p info is written on success: fields an older kernel does
 * not know are zeroed, and fields a newer kernel added beyond this
 * version of struct drm_vsvm_query_device are dropped.
 *
 * \param [in]  dev    Device handle.
 * \param [out] info   Device information.
 *
 * \return 0 on success, or a negative errno:
 *         -EINVAL if \p dev or \p info is NULL or the kernel rejects the
 *         query;
 *         -ENOMEM on allocation failure;
 *         other errors of the ioctl.
 */
int vsvm_query_device(vsvm_device_handle dev,
		      struct drm_vsvm_query_device *info);

#if defined(__cplusplus)
}
#endif

#endif /* _VSVM_H_ */
