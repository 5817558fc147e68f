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
 * - Structures and values of the uapi (vsvm_drm.h) are used as they are:
 *   the library checks its own arguments (NULL pointers, ...) but passes
 *   ids, flags and commands to the kernel unchanged, so the kernel's
 *   checks apply.
 * - A device handle wraps one file descriptor of the vsvm DRM node. The
 *   library keeps no other state in it, so a handle may be used from
 *   several threads at once; vsvm_device_close() must not race with any
 *   other use of the same handle.
 */

#ifndef _VSVM_H_
#define _VSVM_H_

#include <stdbool.h>
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

/*
 * VMs (vsvm_vm.c)
 */

/**
 * Create a VM: a GPU address space bound to the calling process's address
 * space (DRM_IOCTL_VSVM_VM_CREATE).
 *
 * With DRM_VSVM_VM_CREATE_SVM, which this version of the uapi requires, a
 * GPU address is the CPU address: jobs of the VM dereference the process's
 * pointers. The VM lives until vsvm_vm_destroy(), the device is closed, or
 * the process exits.
 *
 * \param [in]  dev     Device handle.
 * \param [in]  flags   DRM_VSVM_VM_CREATE_* flags, passed to the kernel as
 *                      they are: DRM_VSVM_VM_CREATE_SVM.
 * \param [out] vm_id   Id of the new VM, never 0.
 *
 * \return 0 on success, or a negative errno:
 *         -EINVAL if \p dev or \p vm_id is NULL, or if the kernel rejects
 *         \p flags (DRM_VSVM_VM_CREATE_SVM missing, unknown bits);
 *         -ENOMEM if the kernel is out of memory;
 *         other errors of the ioctl.
 */
int vsvm_vm_create(vsvm_device_handle dev, uint32_t flags, uint32_t *vm_id);

/**
 * Destroy a VM (DRM_IOCTL_VSVM_VM_DESTROY).
 *
 * A job already running completes; jobs still queued after a grace period
 * of one second are cancelled and their fences signal -ESRCH.
 *
 * \param [in] dev      Device handle.
 * \param [in] vm_id    The VM, from vsvm_vm_create().
 *
 * \return 0 on success, or a negative errno:
 *         -EINVAL if \p dev is NULL;
 *         -ENOENT if \p vm_id is not a VM of this device file;
 *         other errors of the ioctl.
 */
int vsvm_vm_destroy(vsvm_device_handle dev, uint32_t vm_id);

/**
 * Read the error record of a VM's last failed job
 * (DRM_IOCTL_VSVM_VM_ERROR).
 *
 * Reading does not clear the record. A \p err->seqno of 0 means that no job
 * of the VM has failed.
 *
 * \param [in]  dev     Device handle.
 * \param [in]  vm_id   The VM.
 * \param [out] err     The record, as the kernel wrote it: \p err->vm_id is
 *                      \p vm_id; seqno, address, error (a negative errno),
 *                      access (DRM_VSVM_ACCESS_*, 0 when the failure was no
 *                      memory access) and engine describe the failure.
 *
 * \return 0 on success, or a negative errno:
 *         -EINVAL if \p dev or \p err is NULL;
 *         -ENOENT if \p vm_id is not a VM of this device file;
 *         other errors of the ioctl.
 */
int vsvm_vm_error(vsvm_device_handle dev, uint32_t vm_id,
		  struct drm_vsvm_vm_error *err);

/*
 * Jobs, user fences and syncobjs (vsvm_exec.c)
 */

/** Largest command buffer a job may run, in bytes (the kernel's limit). */
#define VSVM_EXEC_MAX_BATCH_SIZE	(1u << 20)

/** Largest number of syncs a job may have (the kernel's limit). */
#define VSVM_EXEC_MAX_SYNCS		64

/** Opaque handle to a command buffer (vsvm_cmdbuf.c). */
typedef struct vsvm_cmdbuf *vsvm_cmdbuf_handle;

/**
 * Queue a command buffer on an engine of a VM (DRM_IOCTL_VSVM_EXEC), with
 * a user fence.
 *
 * The commands are read by the GPU at \p batch_address, a GPU address that
 * is the CPU address of the buffer (see vsvm_cmdbuf_address()); the memory
 * must stay mapped and unchanged until the job has completed. The job runs
 * once every wait sync has signalled. Every VM takes GPU page faults, so
 * a job's fence never leaves the kernel: signal syncs (DRM_VSVM_SYNC_SIGNAL)
 * are refused with -EOPNOTSUPP. When the job ends, successfully or not
 * (also when its VM is destroyed first), the kernel writes the record at
 * \p ufence: its error field (0 or the job's negative errno: -EFAULT,
 * -EACCES, -EINVAL, -ETIMEDOUT, -ESRCH, -ECANCELED as documented with
 * DRM_IOCTL_VSVM_EXEC), then, ordered after it, its value field
 * (\p ufence_value). Wait for it with vsvm_wait_ufence(). A job that fails
 * also leaves an error record (vsvm_vm_error()).
 *
 * The record is memory of the calling process (malloc() memory is fine:
 * the VM mirrors the process) and must stay allocated and mapped until
 * the value has been written; the kernel does not write it once the
 * process has exited.
 *
 * \param [in]  dev            Device handle.
 * \param [in]  vm_id          The VM the job runs in.
 * \param [in]  engine         Engine index, below the num_engines of
 *                             vsvm_query_device().
 * \param [in]  batch_address  GPU (= CPU) address of the first command,
 *                             8-byte aligned.
 * \param [in]  batch_size     Size of the commands in bytes: a multiple of
 *                             8, from 8 to VSVM_EXEC_MAX_BATCH_SIZE.
 * \param [in]  syncs          Array of \p num_syncs syncobjs to wait for;
 *                             may be NULL when \p num_syncs is 0.
 * \param [in]  num_syncs      Number of entries of \p syncs, at most
 *                             VSVM_EXEC_MAX_SYNCS.
 * \param [in]  ufence         The user fence record, 8-byte aligned, or
 *                             NULL for none.
 * \param [in]  ufence_value   Value written to \p ufence->value when the
 *                             job ends; ignored without \p ufence.
 * \param [out] seqno          Sequence number of the job on its VM, from 1;
 *                             may be NULL.
 *
 * \return 0 on success, or a negative errno:
 *         -EINVAL if \p dev is NULL, if \p syncs is NULL with a non-zero
 *         \p num_syncs, or if the kernel rejects the job (engine out of
 *         range, bad batch size or alignment, a misaligned \p ufence,
 *         too many syncs, bad sync flags, a wait syncobj without a fence);
 *         -EOPNOTSUPP for a sync with DRM_VSVM_SYNC_SIGNAL;
 *         -ENOENT for an unknown VM or syncobj;
 *         -EACCES when the calling process is not the one whose address
 *         space the VM mirrors (a child after fork());
 *         -EFAULT for a bad \p syncs array;
 *         other errors of the ioctl.
 */
int vsvm_exec_ufence(vsvm_device_handle dev, uint32_t vm_id, uint32_t engine,
		     uint64_t batch_address, uint32_t batch_size,
		     const struct drm_vsvm_sync *syncs, uint32_t num_syncs,
		     struct drm_vsvm_ufence *ufence, uint64_t ufence_value,
		     uint64_t *seqno);

/**
 * Queue a command buffer on an engine of a VM, without a user fence: as
 * vsvm_exec_ufence() with a NULL \p ufence. Nothing tells when such a job
 * has ended but its effects (or a later job's user fence on the same
 * engine and VM, as the engine runs a VM's jobs in order).
 *
 * \return as vsvm_exec_ufence().
 */
int vsvm_exec(vsvm_device_handle dev, uint32_t vm_id, uint32_t engine,
	      uint64_t batch_address, uint32_t batch_size,
	      const struct drm_vsvm_sync *syncs, uint32_t num_syncs,
	      uint64_t *seqno);

/**
 * Wait until a 64-bit value in the calling process's memory meets a
 * condition (DRM_IOCTL_VSVM_WAIT_UFENCE):
 * (*\p address & \p mask) OP (\p value & \p mask), unsigned.
 *
 * The kernel checks the value at once and again whenever a job of the
 * device ends, so a user fence written by a job (vsvm_exec_ufence()) ends
 * the wait; a value written by the CPU is seen at the next job end or at
 * the deadline. A signal restarts the wait with the same deadline.
 *
 * \param [in]  dev          Device handle.
 * \param [in]  address      The value, 8-byte aligned (the value field of
 *                           a struct drm_vsvm_ufence, for instance).
 * \param [in]  value        The value to compare with.
 * \param [in]  mask         Bits that count; not 0.
 * \param [in]  op           DRM_VSVM_UFENCE_OP_EQ, _NEQ, _GT, _GTE, _LT
 *                           or _LTE.
 * \param [in]  deadline_ns  Absolute CLOCK_MONOTONIC time in nanoseconds;
 *                           a time in the past checks once; INT64_MAX waits
 *                           for ever.
 *
 * \return 0 once the condition holds, or a negative errno:
 *         -ETIME if the deadline passed first;
 *         -EINVAL if \p dev or \p address is NULL, \p deadline_ns is
 *         negative, or the kernel rejects the arguments (unknown \p op,
 *         \p mask 0, misaligned \p address);
 *         -EFAULT if \p address cannot be read;
 *         other errors of the ioctl.
 */
int vsvm_wait_ufence(vsvm_device_handle dev, const void *address,
		     uint64_t value, uint64_t mask, uint16_t op,
		     int64_t deadline_ns);

/**
 * Get the status of the fence a syncobj holds (a fence a job may wait
 * for: vsvm jobs never install theirs): whether it has signalled, and
 * with which error.
 *
 * The fence is exported as a sync_file, whose status SYNC_IOC_FILE_INFO
 * reads; the sync_file is closed again. Meant for binary syncobjs; for a
 * timeline syncobj the status is that of the fence chain of its last point,
 * which does not carry the error of a job.
 *
 * \param [in]  dev       Device handle.
 * \param [in]  syncobj   Syncobj handle of the device file.
 * \param [out] status    1 if the fence has signalled without error, 0 if
 *                        it has not signalled yet, or the fence's error, a
 *                        negative errno (for a failed job: -EFAULT,
 *                        -EACCES, -EINVAL, -ETIMEDOUT or -ESRCH as
 *                        documented with DRM_IOCTL_VSVM_EXEC).
 *
 * \return 0 on success, or a negative errno:
 *         -EINVAL if \p dev or \p status is NULL, or if the syncobj holds
 *         no fence;
 *         -ENOENT if \p syncobj is not a syncobj of the device file;
 *         -EMFILE if no file descriptor is left for the sync_file;
 *         other errors of the ioctls.
 */
int vsvm_syncobj_fence_status(vsvm_device_handle dev, uint32_t syncobj,
			      int *status);

/**
 * Run a command buffer and wait for it to complete.
 *
 * Allocates a user fence record (malloc()), queues \p cb on \p engine of
 * VM \p vm_id with it (vsvm_exec_ufence()), waits for the kernel to write
 * it (vsvm_wait_ufence()) and reads the job's error from it.
 *
 * When the wait times out (-ETIME), the job may still be queued or
 * running: \p cb must then stay untouched until the job is known to have
 * completed, which is the case once vsvm_vm_destroy() has returned, and
 * the 16-byte record stays allocated for good (the kernel writes it when
 * the job ends).
 *
 * \param [in]  dev          Device handle.
 * \param [in]  vm_id        The VM the job runs in.
 * \param [in]  engine       Engine index.
 * \param [in]  cb           The command buffer, with at least one command.
 * \param [in]  timeout_ns   How long to wait, in nanoseconds from now: 0
 *                           only checks; INT64_MAX waits for ever.
 * \param [out] job_status   1 if the job succeeded, or the negative errno
 *                           it failed with (see vsvm_exec_ufence()). May
 *                           be NULL.
 *
 * \return 0 when the job has completed, successfully or not (see
 *         \p job_status), or a negative errno:
 *         -EINVAL if \p dev or \p cb is NULL, \p cb is empty, or
 *         \p timeout_ns is negative;
 *         -ETIME if the job did not complete within \p timeout_ns;
 *         -ENOMEM if the record cannot be allocated;
 *         the errors of vsvm_exec_ufence() if the job could not be queued;
 *         other errors of vsvm_wait_ufence().
 */
int vsvm_exec_wait(vsvm_device_handle dev, uint32_t vm_id, uint32_t engine,
		   vsvm_cmdbuf_handle cb, int64_t timeout_ns, int *job_status);

/*
 * Stats (vsvm_stats.c)
 */

/**
 * Read the counters of a VM (DRM_IOCTL_VSVM_STATS).
 *
 * Counter i is the DRM_VSVM_STAT_* value i. A kernel knows at most as many
 * counters as its uapi version defines: \p *count on return says how many
 * it wrote, counters beyond are left alone. With \p *count 0 on entry,
 * only the number of counters the kernel knows is returned in \p *count.
 *
 * \param [in]     dev        Device handle.
 * \param [in]     vm_id      The VM. Since uapi 0.5, 0 (the device-wide
 *                            totals before) is refused with -EINVAL when
 *                            \p *count is not 0: they are in debugfs.
 * \param [out]    counters   Array of \p *count counters; may be NULL when
 *                            \p *count is 0.
 * \param [in,out] count      Capacity of \p counters in counters (in);
 *                            counters written, or known by the kernel when
 *                            \p *count was 0 (out).
 *
 * \return 0 on success, or a negative errno:
 *         -EINVAL if \p dev or \p count is NULL, or if \p counters is NULL
 *         with a non-zero \p *count;
 *         -EINVAL from the kernel for \p vm_id 0 and a non-zero
 *         \p *count (uapi 0.5 and later);
 *         -ENOENT if \p vm_id is not a VM of this device file;
 *         -EACCES if the VM mirrors another process;
 *         -EFAULT if \p counters is not a valid array of \p *count counters;
 *         other errors of the ioctl.
 */
int vsvm_stats(vsvm_device_handle dev, uint32_t vm_id, uint64_t *counters,
	       uint32_t *count);

/*
 * Migration between system memory and VRAM (vsvm_migrate.c)
 *
 * A VM's memory lives in system memory or in the device's VRAM
 * (DRM_VSVM_FEATURE_VRAM in vsvm_query_device()), page by page. Only
 * private anonymous memory moves to VRAM; page-cache files, shared
 * mappings, hugetlbfs and DAX stay in system memory and are used there by
 * the GPU. A CPU access to a page in VRAM brings it (and its VRAM
 * neighbours within the same 64 KiB) back to system memory. Addresses and
 * lengths are in bytes; pages are 4 KiB.
 */

/**
 * Migrate a range of a VM's address space to a memory region
 * (DRM_IOCTL_VSVM_PREFETCH).
 *
 * Pages that cannot move (other kinds of memory than private anonymous
 * memory, pages core mm refuses to migrate) stay where they are, which is
 * not an error; holes are skipped. When VRAM is full, the least recently
 * used VRAM is evicted to system memory first.
 *
 * \param [in]  dev           Device handle.
 * \param [in]  vm_id         The VM; the calling process must be the one
 *                            whose address space it mirrors.
 * \param [in]  start         First address, 4 KiB aligned.
 * \param [in]  length        Length in bytes, 4 KiB aligned, non-zero.
 * \param [in]  region        DRM_VSVM_REGION_VRAM or
 *                            DRM_VSVM_REGION_SYSTEM, passed to the kernel
 *                            as it is.
 * \param [out] pages_moved   Number of 4 KiB pages that actually moved;
 *                            may be NULL.
 *
 * \return 0 on success, or a negative errno:
 *         -EINVAL if \p dev is NULL, or if the kernel rejects the range
 *         (unaligned, empty, beyond the user address space) or \p region;
 *         -ENOENT if \p vm_id is not a VM of this device file;
 *         -EACCES if the calling process is not the one the VM mirrors;
 *         -ENODEV if the kernel has no device-private memory support;
 *         -ESRCH if the VM's process has exited;
 *         -ENOMEM if the kernel is out of memory;
 *         other errors of the ioctl.
 */
int vsvm_prefetch(vsvm_device_handle dev, uint32_t vm_id, uint64_t start,
		  uint64_t length, uint32_t region, uint64_t *pages_moved);

/**
 * Report where each page of a range lives (DRM_IOCTL_VSVM_RESIDENCY),
 * without faulting anything in or moving anything.
 *
 * \param [in]  dev      Device handle.
 * \param [in]  vm_id    The VM; the calling process must be the one whose
 *                       address space it mirrors.
 * \param [in]  start    First address, 4 KiB aligned.
 * \param [in]  npages   Number of 4 KiB pages, from 1 to 1 << 20; passed
 *                       to the kernel as it is.
 * \param [out] out      Array of \p npages bytes: byte i is the
 *                       DRM_VSVM_RESIDENCY_* value of page i
 *                       (DRM_VSVM_RESIDENCY_NONE where no page is present,
 *                       DRM_VSVM_RESIDENCY_SYSTEM or
 *                       DRM_VSVM_RESIDENCY_VRAM).
 *
 * \return 0 on success, or a negative errno:
 *         -EINVAL if \p dev or \p out is NULL, or if the kernel rejects
 *         \p start or \p npages;
 *         -ENOENT if \p vm_id is not a VM of this device file;
 *         -EACCES if the calling process is not the one the VM mirrors;
 *         -EFAULT if \p out is not a valid array of \p npages bytes;
 *         -ESRCH if the VM's process has exited;
 *         -ENOMEM if the kernel is out of memory;
 *         other errors of the ioctl.
 */
int vsvm_residency(vsvm_device_handle dev, uint32_t vm_id, uint64_t start,
		   uint64_t npages, uint8_t *out);

/**
 * Set a memory attribute over a range of a VM (DRM_IOCTL_VSVM_MADVISE).
 *
 * Attributes apply per address: setting one over part of an earlier range
 * splits it, and value 0 restores the default. They survive changes of the
 * CPU mapping (mprotect, partial munmap) and are dropped where the memory
 * is unmapped.
 *
 * - DRM_VSVM_ATTR_PREFERRED_LOC: DRM_VSVM_REGION_VRAM makes GPU faults in
 *   the range migrate the faulting chunk to VRAM before the GPU maps it;
 *   DRM_VSVM_REGION_SYSTEM or 0: no migration on faults.
 * - DRM_VSVM_ATTR_GRANULARITY: largest chunk prefetch and fault-driven
 *   migration move at once, 4096, 65536 or 2097152 bytes, or 0 for the
 *   default (2 MiB).
 * - DRM_VSVM_ATTR_GPU_ACCESS: DRM_VSVM_GPU_ACCESS_READ makes the range
 *   read-only for the GPU (its writes and atomics fail with -EACCES);
 *   DRM_VSVM_GPU_ACCESS_RW or 0: what the CPU mapping allows.
 * - DRM_VSVM_ATTR_ATOMIC: DRM_VSVM_ATOMIC_VRAM makes the first GPU atomic
 *   on a page in system memory migrate its chunk to VRAM;
 *   DRM_VSVM_ATOMIC_SYSTEM or 0: GPU atomics run where the page is.
 *
 * The GPU mirror of the range is dropped, so that new attributes apply
 * from the next GPU access on.
 *
 * \param [in] dev      Device handle.
 * \param [in] vm_id    The VM.
 * \param [in] start    First address, 4 KiB aligned.
 * \param [in] length   Length in bytes, 4 KiB aligned, non-zero.
 * \param [in] attr     DRM_VSVM_ATTR_*, passed to the kernel as it is.
 * \param [in] value    The attribute's value, passed as it is.
 *
 * \return 0 on success, or a negative errno:
 *         -EINVAL if \p dev is NULL, or if the kernel rejects \p attr,
 *         \p value or the range;
 *         -ENOENT if \p vm_id is not a VM of this device file;
 *         -ENOMEM if the kernel is out of memory;
 *         other errors of the ioctl.
 */
int vsvm_madvise(vsvm_device_handle dev, uint32_t vm_id, uint64_t start,
		 uint64_t length, uint32_t attr, uint64_t value);

/**
 * Read a memory attribute at an address of a VM
 * (DRM_IOCTL_VSVM_ATTR_QUERY), with the largest span around the address
 * over which it has that value.
 *
 * \param [in]  dev     Device handle.
 * \param [in]  vm_id   The VM.
 * \param [in]  attr    DRM_VSVM_ATTR_*, passed to the kernel as it is.
 * \param [in]  addr    The address, below the end of the user address
 *                      space.
 * \param [out] value   The attribute's value at \p addr, 0 where it was
 *                      never set (the default).
 * \param [out] start   First address of the span with that value; may be
 *                      NULL.
 * \param [out] end     End (exclusive) of the span; may be NULL.
 *
 * \return 0 on success, or a negative errno:
 *         -EINVAL if \p dev or \p value is NULL, or if the kernel rejects
 *         \p attr or \p addr;
 *         -ENOENT if \p vm_id is not a VM of this device file;
 *         other errors of the ioctl.
 */
int vsvm_attr_query(vsvm_device_handle dev, uint32_t vm_id, uint32_t attr,
		    uint64_t addr, uint64_t *value, uint64_t *start,
		    uint64_t *end);

/*
 * Command buffers (vsvm_cmdbuf.c)
 *
 * A command buffer is memory of the library, mapped with mmap (page
 * aligned, MAP_PRIVATE | MAP_ANONYMOUS), that commands are appended to in
 * the format of vsvm_drm.h (struct drm_vsvm_cmd_*). The GPU fetches it
 * through the VM's SVM mapping, so vsvm_cmdbuf_address() is passed to
 * vsvm_exec() as it is.
 *
 * The emitters encode their arguments as given, without checking them
 * (alignment, opcodes, conditions): the kernel checks commands when it runs
 * them and fails a job with a malformed one. A command buffer is not
 * thread-safe, and must not be changed, reset or destroyed while a job
 * that runs it may still be queued or running.
 */

/** Largest capacity of a command buffer, in bytes. */
#define VSVM_CMDBUF_MAX_CAPACITY	VSVM_EXEC_MAX_BATCH_SIZE

/**
 * Create an empty command buffer.
 *
 * \param [in]  capacity   Size in bytes, from 1 to VSVM_CMDBUF_MAX_CAPACITY;
 *                         rounded up to a multiple of the page size (but
 *                         never above VSVM_CMDBUF_MAX_CAPACITY).
 * \param [out] cb         The command buffer, to be released with
 *                         vsvm_cmdbuf_destroy().
 *
 * \return 0 on success, or a negative errno:
 *         -EINVAL if \p cb is NULL, \p capacity is 0 or above
 *         VSVM_CMDBUF_MAX_CAPACITY;
 *         -ENOMEM on allocation failure.
 */
int vsvm_cmdbuf_create(size_t capacity, vsvm_cmdbuf_handle *cb);

/**
 * Destroy a command buffer and unmap its memory.
 *
 * \param [in] cb   The command buffer; NULL is ignored.
 */
void vsvm_cmdbuf_destroy(vsvm_cmdbuf_handle cb);

/**
 * Empty a command buffer: the next command is written at its start.
 *
 * \param [in] cb   The command buffer; NULL is ignored.
 */
void vsvm_cmdbuf_reset(vsvm_cmdbuf_handle cb);

/**
 * Get the address of a command buffer's first command.
 *
 * \param [in] cb   The command buffer.
 *
 * \return its CPU address, which is its GPU address in an SVM VM (page
 *         aligned), or 0 if \p cb is NULL.
 */
uint64_t vsvm_cmdbuf_address(vsvm_cmdbuf_handle cb);

/**
 * Get the number of bytes emitted into a command buffer: the batch_size of
 * vsvm_exec(). Every command is a multiple of 8 bytes long.
 *
 * \param [in] cb   The command buffer.
 *
 * \return the size of the commands emitted since creation or the last
 *         reset, or 0 if \p cb is NULL.
 */
uint32_t vsvm_cmdbuf_size(vsvm_cmdbuf_handle cb);

/**
 * Append a DRM_VSVM_CMD_NOP command (struct drm_vsvm_cmd_header).
 *
 * \param [in] cb   The command buffer.
 *
 * \return 0 on success, or a negative errno:
 *         -EINVAL if \p cb is NULL;
 *         -ENOSPC if the command does not fit; the buffer is unchanged.
 */
int vsvm_cmdbuf_nop(vsvm_cmdbuf_handle cb);

/**
 * Append a 32-bit DRM_VSVM_CMD_WRITE command (struct drm_vsvm_cmd_write
 * without DRM_VSVM_CMD_64BIT).
 *
 * \param [in] cb      The command buffer.
 * \param [in] addr    Where the GPU writes, 4-byte aligned.
 * \param [in] value   The value written.
 *
 * \return 0 on success, or a negative errno:
 *         -EINVAL if \p cb is NULL;
 *         -ENOSPC if the command does not fit; the buffer is unchanged.
 */
int vsvm_cmdbuf_write32(vsvm_cmdbuf_handle cb, uint64_t addr, uint32_t value);

/**
 * Append a 64-bit DRM_VSVM_CMD_WRITE command (struct drm_vsvm_cmd_write
 * with DRM_VSVM_CMD_64BIT).
 *
 * \param [in] cb      The command buffer.
 * \param [in] addr    Where the GPU writes, 8-byte aligned.
 * \param [in] value   The value written.
 *
 * \return 0 on success, or a negative errno:
 *         -EINVAL if \p cb is NULL;
 *         -ENOSPC if the command does not fit; the buffer is unchanged.
 */
int vsvm_cmdbuf_write64(vsvm_cmdbuf_handle cb, uint64_t addr, uint64_t value);

/**
 * Append a DRM_VSVM_CMD_COPY command (struct drm_vsvm_cmd_copy).
 *
 * \param [in] cb     The command buffer.
 * \param [in] dst    Destination address, any alignment.
 * \param [in] src    Source address, any alignment; the ranges must not
 *                    overlap.
 * \param [in] size   Bytes to copy.
 *
 * \return 0 on success, or a negative errno:
 *         -EINVAL if \p cb is NULL;
 *         -ENOSPC if the command does not fit; the buffer is unchanged.
 */
int vsvm_cmdbuf_copy(vsvm_cmdbuf_handle cb, uint64_t dst, uint64_t src,
		     uint64_t size);

/**
 * Append a DRM_VSVM_CMD_FILL command (struct drm_vsvm_cmd_fill).
 *
 * \param [in] cb        The command buffer.
 * \param [in] dst       Destination address, any alignment.
 * \param [in] size      Bytes to fill.
 * \param [in] pattern   Byte i of the range gets byte (i % 4) of
 *                       \p pattern, in little-endian order.
 *
 * \return 0 on success, or a negative errno:
 *         -EINVAL if \p cb is NULL;
 *         -ENOSPC if the command does not fit; the buffer is unchanged.
 */
int vsvm_cmdbuf_fill(vsvm_cmdbuf_handle cb, uint64_t dst, uint64_t size,
		     uint32_t pattern);

/**
 * Append a DRM_VSVM_CMD_ATOMIC command (struct drm_vsvm_cmd_atomic).
 *
 * \param [in] cb            The command buffer.
 * \param [in] is64          true for 64-bit operands (DRM_VSVM_CMD_64BIT),
 *                           false for 32-bit ones (the low 32 bits of
 *                           \p operand and \p compare are used).
 * \param [in] atomic_op     DRM_VSVM_ATOMIC_ADD, _XCHG or _CMPXCHG.
 * \param [in] addr          The operand in memory, aligned to its size.
 * \param [in] operand       Value to add, or the new value for XCHG and
 *                           CMPXCHG.
 * \param [in] compare       Expected value for CMPXCHG; must be 0 for the
 *                           other operations.
 * \param [in] result_addr   Where the old value is written (same width), or
 *                           0 not to write it.
 *
 * \return 0 on success, or a negative errno:
 *         -EINVAL if \p cb is NULL;
 *         -ENOSPC if the command does not fit; the buffer is unchanged.
 */
int vsvm_cmdbuf_atomic(vsvm_cmdbuf_handle cb, bool is64, uint32_t atomic_op,
		       uint64_t addr, uint64_t operand, uint64_t compare,
		       uint64_t result_addr);

/**
 * Append a DRM_VSVM_CMD_CHECKSUM command (struct drm_vsvm_cmd_checksum):
 * the CRC-32 of a range (IEEE 802.3, as zlib's crc32() from 0).
 *
 * \param [in] cb            The command buffer.
 * \param [in] addr          Start of the range.
 * \param [in] size          Length of the range in bytes.
 * \param [in] result_addr   Where the __u32 checksum is written, 4-byte
 *                           aligned.
 *
 * \return 0 on success, or a negative errno:
 *         -EINVAL if \p cb is NULL;
 *         -ENOSPC if the command does not fit; the buffer is unchanged.
 */
int vsvm_cmdbuf_checksum(vsvm_cmdbuf_handle cb, uint64_t addr, uint64_t size,
			 uint64_t result_addr);

/**
 * Append a DRM_VSVM_CMD_WAIT command (struct drm_vsvm_cmd_wait): the job
 * polls the word at \p addr until (word & \p mask) \p cond \p value holds.
 *
 * \param [in] cb      The command buffer.
 * \param [in] is64    true to poll a 64-bit word (DRM_VSVM_CMD_64BIT),
 *                     false for a 32-bit one, which the kernel compares
 *                     zero-extended: \p value should then fit in 32 bits.
 * \param [in] cond    DRM_VSVM_WAIT_EQ, _NEQ, _GTE or _LT (unsigned).
 * \param [in] addr    The word to poll, aligned to its size.
 * \param [in] value   The value to compare with.
 * \param [in] mask    Applied to the word before comparing.
 *
 * \return 0 on success, or a negative errno:
 *         -EINVAL if \p cb is NULL;
 *         -ENOSPC if the command does not fit; the buffer is unchanged.
 */
int vsvm_cmdbuf_wait(vsvm_cmdbuf_handle cb, bool is64, uint32_t cond,
		     uint64_t addr, uint64_t value, uint64_t mask);

/**
 * Append a DRM_VSVM_CMD_TIMESTAMP command (struct drm_vsvm_cmd_timestamp):
 * the GPU writes its clock (CLOCK_MONOTONIC, in ns) as a __u64.
 *
 * \param [in] cb     The command buffer.
 * \param [in] addr   Where the timestamp is written, 8-byte aligned.
 *
 * \return 0 on success, or a negative errno:
 *         -EINVAL if \p cb is NULL;
 *         -ENOSPC if the command does not fit; the buffer is unchanged.
 */
int vsvm_cmdbuf_timestamp(vsvm_cmdbuf_handle cb, uint64_t addr);

/**
 * Append a DRM_VSVM_CMD_DISPATCH command (struct drm_vsvm_cmd_dispatch):
 * the shader cores run a vsvm ISA program (vsvm_isa.h) over the work-groups
 * \p dispatch names. The kernel checks the fields and the program when the
 * job runs (a bad one fails the job with -EINVAL).
 *
 * \param [in] cb        The command buffer.
 * \param [in] dispatch  The command; its header is set by this function.
 *
 * \return 0 on success, or a negative errno:
 *         -EINVAL if \p cb or \p dispatch is NULL;
 *         -ENOSPC if the command does not fit; the buffer is unchanged.
 */
int vsvm_cmdbuf_dispatch(vsvm_cmdbuf_handle cb,
			 const struct drm_vsvm_cmd_dispatch *dispatch);

#if defined(__cplusplus)
}
#endif

#endif /* _VSVM_H_ */
