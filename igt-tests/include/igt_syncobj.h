/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The vsvm authors
 *
 * Declarations mirroring the IGT 2.0 API, for building the vsvm tests
 * against Debian's libigt.so.0; see igt_core.h. With -Digt_source the real
 * headers are used instead.
 *
 * Timeouts are absolute CLOCK_MONOTONIC times in nanoseconds. The __ and _err
 * variants return 0 or -errno; the others assert, except that syncobj_wait()
 * and syncobj_timeline_wait() return false on -ETIME.
 */

#ifndef IGT_SYNCOBJ_H
#define IGT_SYNCOBJ_H

#include <stdbool.h>
#include <stdint.h>

#include <drm.h>

uint32_t syncobj_create(int fd, uint32_t flags);
void syncobj_destroy(int fd, uint32_t handle);
int __syncobj_handle_to_fd(int fd, struct drm_syncobj_handle *args);
int __syncobj_fd_to_handle(int fd, struct drm_syncobj_handle *args);
int syncobj_handle_to_fd(int fd, uint32_t handle, uint32_t flags);
uint32_t syncobj_fd_to_handle(int fd, int syncobj_fd, uint32_t flags);
void syncobj_import_sync_file(int fd, uint32_t handle, int sync_file);
int __syncobj_wait(int fd, struct drm_syncobj_wait *args);
int syncobj_wait_err(int fd, uint32_t *handles, uint32_t count,
		     uint64_t abs_timeout_nsec, uint32_t flags);
bool syncobj_wait(int fd, uint32_t *handles, uint32_t count,
		  uint64_t abs_timeout_nsec, uint32_t flags,
		  uint32_t *first_signaled);
int __syncobj_timeline_wait_ioctl(int fd,
				  struct drm_syncobj_timeline_wait *args);
bool syncobj_timeline_wait(int fd, uint32_t *handles, uint64_t *points,
			   unsigned int num_handles,
			   int64_t timeout_nsec, unsigned int flags,
			   uint32_t *first_signaled);
int syncobj_timeline_wait_err(int fd, uint32_t *handles, uint64_t *points,
			      unsigned int num_handles,
			      int64_t timeout_nsec, unsigned int flags);
void syncobj_reset(int fd, uint32_t *handles, uint32_t count);
void syncobj_signal(int fd, uint32_t *handles, uint32_t count);
void syncobj_timeline_query(int fd, uint32_t *handles, uint64_t *points,
			    uint32_t count);
void syncobj_timeline_signal(int fd, uint32_t *handles, uint64_t *points,
			     uint32_t count);
void syncobj_binary_to_timeline(int fd, uint32_t timeline_handle,
				uint64_t point, uint32_t binary_handle);
void syncobj_timeline_to_binary(int fd, uint32_t binary_handle,
				uint32_t timeline_handle,
				uint64_t point, uint32_t flags);

#endif /* IGT_SYNCOBJ_H */
