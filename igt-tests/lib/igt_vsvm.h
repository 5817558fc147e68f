/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The vsvm authors
 */

#ifndef IGT_VSVM_H
#define IGT_VSVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vsvm_drm.h"

/* Name the vsvm driver reports in DRM_IOCTL_VERSION. */
#define VSVM_DRIVER_NAME "vsvm"

/* Upper bounds of DRM_IOCTL_VSVM_EXEC's inputs. */
#define VSVM_MAX_BATCH_SIZE	(1u << 20)
#define VSVM_MAX_SYNCS		64

/*
 * Default limit for a job to complete: generous, for slow (emulated)
 * machines; a job that hangs fails the test instead of hanging it.
 */
#define VSVM_JOB_WAIT_NS	(60ull * 1000 * 1000 * 1000)

int __drm_open_vsvm_render(void);
int drm_open_vsvm_render(void);
int __drm_open_vsvm_render_index(unsigned int index);
int drm_open_vsvm_render_index(unsigned int index);

int __vsvm_query(int fd, struct drm_vsvm_query *q);
void vsvm_query_device(int fd, struct drm_vsvm_query_device *out);
uint32_t vsvm_num_engines(int fd);
bool vsvm_uapi_at_least(int fd, unsigned int major, unsigned int minor);
unsigned int vsvm_num_devices(int fd);
unsigned int vsvm_device_index(int fd);
unsigned int vsvm_job_timeout_ms(void);

int __vsvm_vm_create(int fd, struct drm_vsvm_vm_create *create);
uint32_t vsvm_vm_create(int fd);
int __vsvm_vm_destroy(int fd, struct drm_vsvm_vm_destroy *destroy);
void vsvm_vm_destroy(int fd, uint32_t vm_id);

int __vsvm_exec(int fd, struct drm_vsvm_exec *exec);
uint64_t vsvm_exec(int fd, struct drm_vsvm_exec *exec);

/*
 * Every counter the tests read, by the index of the uapi's DRM_VSVM_STAT_*:
 * the behaviour counters come from DRM_IOCTL_VSVM_STATS, the implementation
 * counters (retired from the uapi in 0.5) and device-wide totals from the
 * driver's debugfs files, which needs root.
 */
#define VSVM_STAT_FAULTS		DRM_VSVM_STAT_FAULTS
#define VSVM_STAT_FAULTS_DEDUP		1
#define VSVM_STAT_PAGES_4K		2
#define VSVM_STAT_PAGES_2M		3
#define VSVM_STAT_RANGES_64K		4
#define VSVM_STAT_INVALIDATIONS		DRM_VSVM_STAT_INVALIDATIONS
#define VSVM_STAT_RETRIES		6
#define VSVM_STAT_JOBS			DRM_VSVM_STAT_JOBS
#define VSVM_STAT_JOBS_FAILED		DRM_VSVM_STAT_JOBS_FAILED
#define VSVM_STAT_BYTES_TO_VRAM		DRM_VSVM_STAT_BYTES_TO_VRAM
#define VSVM_STAT_BYTES_TO_SYSTEM	DRM_VSVM_STAT_BYTES_TO_SYSTEM
#define VSVM_STAT_CPU_FAULTS		11
#define VSVM_STAT_EVICTIONS		12
#define VSVM_STAT_VRAM_PAGES		13
#define VSVM_STAT_EXCLUSIVE_GRANTS	DRM_VSVM_STAT_EXCLUSIVE_GRANTS
#define VSVM_STAT_EXCLUSIVE_REVOKES	DRM_VSVM_STAT_EXCLUSIVE_REVOKES
#define VSVM_STAT_COPY_BATCHES		16
#define VSVM_STAT_COUNT			17

int __vsvm_stats(int fd, struct drm_vsvm_stats *stats);
void vsvm_stats(int fd, uint32_t vm_id, uint64_t values[VSVM_STAT_COUNT]);
void vsvm_uapi_stats(int fd, uint32_t vm_id,
		     uint64_t values[DRM_VSVM_STAT_COUNT]);
const char *vsvm_stat_name(unsigned int idx);
bool vsvm_stat_is_uapi(unsigned int idx);
FILE *vsvm_debugfs_open(const char *name);
FILE *__vsvm_debugfs_open_fd(int fd, const char *name);
FILE *vsvm_debugfs_open_fd(int fd, const char *name);
uint64_t vsvm_client_id(int fd);

int __vsvm_vm_error(int fd, struct drm_vsvm_vm_error *error);
void vsvm_vm_error(int fd, uint32_t vm_id, struct drm_vsvm_vm_error *error);

/**
 * struct vsvm_cmdbuf - a command buffer in user memory
 * @ptr: the buffer; the GPU fetches it through its MMU, at this address
 * @size: capacity in bytes
 * @len: bytes emitted so far
 * @seqno: sequence number of the last submission of the buffer
 * @owned: @ptr was mapped by vsvm_cmdbuf_create()
 *
 * A job fetches its commands while it runs: a buffer must not be reset or
 * rewritten before the jobs using it have completed.
 */
struct vsvm_cmdbuf {
	void *ptr;
	uint32_t size;
	uint32_t len;
	uint64_t seqno;
	bool owned;
};

struct vsvm_cmdbuf *vsvm_cmdbuf_create(size_t size);
struct vsvm_cmdbuf *vsvm_cmdbuf_wrap(void *ptr, size_t size);
void vsvm_cmdbuf_destroy(struct vsvm_cmdbuf *cb);
void vsvm_cmdbuf_reset(struct vsvm_cmdbuf *cb);
uint64_t vsvm_cmdbuf_address(const struct vsvm_cmdbuf *cb);
void *vsvm_cmdbuf_emit(struct vsvm_cmdbuf *cb, uint32_t size);

uint64_t vsvm_emit_nop(struct vsvm_cmdbuf *cb);
uint64_t vsvm_emit_write32(struct vsvm_cmdbuf *cb, uint64_t address,
			   uint32_t value);
uint64_t vsvm_emit_write64(struct vsvm_cmdbuf *cb, uint64_t address,
			   uint64_t value);
uint64_t vsvm_emit_copy(struct vsvm_cmdbuf *cb, uint64_t dst, uint64_t src,
			uint64_t size);
uint64_t vsvm_emit_fill(struct vsvm_cmdbuf *cb, uint64_t dst, uint64_t size,
			uint32_t value);
uint64_t vsvm_emit_atomic(struct vsvm_cmdbuf *cb, bool is64, uint32_t op,
			  uint64_t address, uint64_t operand,
			  uint64_t compare, uint64_t result);
uint64_t vsvm_emit_checksum(struct vsvm_cmdbuf *cb, uint64_t address,
			    uint64_t size, uint64_t result);
uint64_t vsvm_emit_wait(struct vsvm_cmdbuf *cb, bool is64, uint64_t address,
			uint64_t value, uint64_t mask, uint32_t cond);
uint64_t vsvm_emit_timestamp(struct vsvm_cmdbuf *cb, uint64_t address);
uint64_t vsvm_emit_dispatch(struct vsvm_cmdbuf *cb,
			    const struct drm_vsvm_cmd_dispatch *dispatch);

static inline struct drm_vsvm_sync vsvm_sync_wait(uint32_t handle)
{
	return (struct drm_vsvm_sync){ .handle = handle };
}

static inline struct drm_vsvm_sync vsvm_sync_signal(uint32_t handle)
{
	return (struct drm_vsvm_sync){
		.handle = handle,
		.flags = DRM_VSVM_SYNC_SIGNAL,
	};
}

static inline struct drm_vsvm_sync vsvm_sync_timeline_wait(uint32_t handle,
							   uint64_t point)
{
	return (struct drm_vsvm_sync){
		.handle = handle,
		.flags = DRM_VSVM_SYNC_TIMELINE,
		.point = point,
	};
}

static inline struct drm_vsvm_sync vsvm_sync_timeline_signal(uint32_t handle,
							     uint64_t point)
{
	return (struct drm_vsvm_sync){
		.handle = handle,
		.flags = DRM_VSVM_SYNC_SIGNAL | DRM_VSVM_SYNC_TIMELINE,
		.point = point,
	};
}

int __vsvm_exec_submit(int fd, uint32_t vm_id, uint32_t engine,
		       struct vsvm_cmdbuf *cb, struct drm_vsvm_sync *syncs,
		       uint32_t num_syncs);
uint64_t vsvm_exec_submit(int fd, uint32_t vm_id, uint32_t engine,
			  struct vsvm_cmdbuf *cb, struct drm_vsvm_sync *syncs,
			  uint32_t num_syncs);

/* The value the vsvm_exec_ufence() helpers have a job's record end with. */
#define VSVM_UFENCE_DONE	1

struct drm_vsvm_ufence *vsvm_ufence_create(void);
void vsvm_ufence_destroy(struct drm_vsvm_ufence *uf);
int __vsvm_exec_ufence(int fd, uint32_t vm_id, uint32_t engine,
		       struct vsvm_cmdbuf *cb, struct drm_vsvm_sync *syncs,
		       uint32_t num_syncs, struct drm_vsvm_ufence *uf);
uint64_t vsvm_exec_ufence(int fd, uint32_t vm_id, uint32_t engine,
			  struct vsvm_cmdbuf *cb, struct drm_vsvm_sync *syncs,
			  uint32_t num_syncs, struct drm_vsvm_ufence *uf);
int vsvm_ufence_status(const struct drm_vsvm_ufence *uf);
int __vsvm_wait_ufence(int fd, struct drm_vsvm_wait_ufence *wait);
int vsvm_ufence_wait_status(int fd, struct drm_vsvm_ufence *uf,
			    uint64_t timeout_ns);

int vsvm_sync_file_status(int sync_file);
int vsvm_syncobj_status(int fd, uint32_t syncobj);
int vsvm_syncobj_export(int fd, uint32_t syncobj);
int vsvm_sync_file_wait_status(int sync_file, uint64_t timeout_ns);
int vsvm_exec_wait(int fd, uint32_t vm_id, uint32_t engine,
		   struct vsvm_cmdbuf *cb);

uint32_t vsvm_crc32(uint32_t crc, const void *buf, size_t len);
uint64_t vsvm_gettime_ns(void);

#endif /* IGT_VSVM_H */
