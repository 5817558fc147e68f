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
 * Every VM takes GPU page faults, so its jobs are long-running jobs in the
 * sense of Documentation/driver-api/dma-buf.rst ("Recoverable Hardware Page
 * Faults Implications"): a job's completion is never published as a
 * dma_fence. A job reports its end through a user fence instead
 * (&DRM_VSVM_EXEC_UFENCE, &struct drm_vsvm_ufence), which
 * &DRM_IOCTL_VSVM_WAIT_UFENCE waits for; jobs may still wait for syncobjs
 * of the DRM core (binary and timeline) before they run.
 *
 * ioctls:
 *
 * - &DRM_IOCTL_VSVM_QUERY: query device information (&struct drm_vsvm_query).
 * - &DRM_IOCTL_VSVM_VM_CREATE: create a GPU address space bound to the
 *   caller's CPU address space (&struct drm_vsvm_vm_create).
 * - &DRM_IOCTL_VSVM_VM_DESTROY: destroy one (&struct drm_vsvm_vm_destroy).
 * - &DRM_IOCTL_VSVM_EXEC: run a command buffer on an engine
 *   (&struct drm_vsvm_exec).
 * - &DRM_IOCTL_VSVM_STATS: read the counters of a VM
 *   (&struct drm_vsvm_stats).
 * - &DRM_IOCTL_VSVM_VM_ERROR: read the error record of a VM's last failed
 *   job (&struct drm_vsvm_vm_error).
 * - &DRM_IOCTL_VSVM_PREFETCH: migrate a range to VRAM or to system memory
 *   (&struct drm_vsvm_prefetch).
 * - &DRM_IOCTL_VSVM_RESIDENCY: report where each page of a range lives
 *   (&struct drm_vsvm_residency).
 * - &DRM_IOCTL_VSVM_MADVISE: set an attribute (preferred location, migration
 *   granularity, GPU access, atomic policy) over a range
 *   (&struct drm_vsvm_madvise).
 * - &DRM_IOCTL_VSVM_ATTR_QUERY: read an attribute at an address
 *   (&struct drm_vsvm_attr_query).
 * - &DRM_IOCTL_VSVM_WAIT_UFENCE: wait until a 64-bit value in the caller's
 *   memory meets a condition (&struct drm_vsvm_wait_ufence).
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
 * - 0.2: VMs in SVM mode, engines and command buffers, GPU page faults,
 *   stats and error records; &DRM_VSVM_FEATURE_SVM.
 * - 0.3: VRAM as device-private memory: PREFETCH, RESIDENCY, MADVISE,
 *   ATTR_QUERY, migration counters; &DRM_VSVM_FEATURE_VRAM.
 * - 0.4: GPU atomics on system pages take device-exclusive access;
 *   counters &DRM_VSVM_STAT_EXCLUSIVE_GRANTS,
 *   &DRM_VSVM_STAT_EXCLUSIVE_REVOKES and COPY_BATCHES.
 * - 0.5: isolation and bounds. Every ioctl naming a VM, VM_DESTROY
 *   included, fails with -EACCES for a process other than the VM's own.
 *   STATS reports a VM's behaviour counters only: @vm_id 0 (device-wide
 *   totals) fails with -EINVAL, and the implementation counters
 *   (FAULTS_DEDUP, PAGES_4K, PAGES_2M, RANGES_64K, RETRIES, COPY_BATCHES)
 *   and device-wide ones (CPU_FAULTS, EVICTIONS, VRAM_PAGES) are retired:
 *   their indices read as 0, their values are in debugfs. Bounds with
 *   -ENOSPC: VMs per file, jobs in flight per VM, attribute ranges per VM;
 *   MADVISE over a span too large fails with -E2BIG. EXEC rejects batches
 *   that wrap or reach beyond the user address space; commands with
 *   32-bit operands whose upper 32 bits are set fail the job with
 *   -EINVAL. The DRM driver version (DRM_IOCTL_VERSION) is this uapi
 *   version. Per-client engine time in fdinfo. VRAM through drm_pagemap:
 *   a chunk moves to VRAM all or nothing and back as a whole, pages
 *   outside a PREFETCH range included; 2 MiB THP as one device folio;
 *   &drm_vsvm_residency.flags with DRM_VSVM_RESIDENCY_REPORT_HUGE.
 * - 0.6: long-running jobs. &DRM_VSVM_EXEC_UFENCE: the kernel writes a user
 *   fence record (&struct drm_vsvm_ufence: error, then value) in the VM's
 *   process when the job ends, whatever ended it; &DRM_IOCTL_VSVM_WAIT_UFENCE
 *   waits for a value in user memory. &DRM_VSVM_SYNC_SIGNAL is refused with
 *   -EOPNOTSUPP (every VM takes page faults: its jobs' fences are never
 *   exported); wait syncs are unchanged.
 * - 0.7: several devices: &drm_vsvm_query_device.device_index and
 *   &drm_vsvm_query_device.num_devices. The devices share an interconnect:
 *   a GPU reaches pages in another device's VRAM in place
 *   (DRM_VSVM_RESIDENCY_PEER), and migrations to VRAM move them from
 *   there directly.
 * - 0.8: shader cores: &DRM_VSVM_CMD_DISPATCH runs programs in the vsvm
 *   ISA (vsvm_isa.h) over a grid of work-groups; &DRM_VSVM_FEATURE_DISPATCH,
 *   &drm_vsvm_query_device.isa_version and the dispatch limits.
 */

/**
 * DOC: vsvm fdinfo
 *
 * /proc/<pid>/fdinfo/<fd> of a vsvm file shows, besides the DRM core's
 * keys (Documentation/gpu/drm-usage-stats.rst):
 *
 * - drm-engine-compute: nanoseconds the engines spent running jobs of the
 *   file's VMs, since the file was opened (VMs destroyed since included).
 *   All engines are of the one class "compute".
 * - drm-engine-capacity-compute: the number of engines, when more than one.
 *
 * There are no drm-cycles or drm-maxfreq keys (the engines have no clock
 * of their own), and no memory keys: a VM mirrors its process's memory
 * and owns no buffers.
 */

/**
 * DOC: vsvm shared virtual memory
 *
 * A VM created with &DRM_VSVM_VM_CREATE_SVM mirrors the CPU address space of
 * the process that created it: a GPU virtual address is the CPU virtual
 * address. Nothing is bound up front. When an engine touches an address the
 * GPU page table does not map, the engine stalls on a GPU page fault; the
 * driver mirrors the CPU page table for a chunk of 2 MiB, 64 KiB or 4 KiB
 * around the address (the largest aligned chunk inside the CPU mapping) and
 * the engine replays the access. Read faults never break copy-on-write:
 * write access is requested from the CPU page table only for writes.
 *
 * CPU-side changes (munmap, mremap, mprotect, madvise, fork/COW, exit) are
 * seen by the GPU at once: the driver zaps the GPU entries, waiting for
 * engine accesses in flight, before the CPU change completes.
 *
 * A job that touches an address without a valid CPU mapping, writes to a
 * read-only mapping, or uses a kernel or non-canonical address fails: its
 * fence signals with an error and the VM keeps an error record
 * (&DRM_IOCTL_VSVM_VM_ERROR). Other jobs, VMs and processes are unaffected.
 */

/** @VSVM_UAPI_MAJOR: major version of this interface */
#define VSVM_UAPI_MAJOR 0
/** @VSVM_UAPI_MINOR: minor version of this interface */
#define VSVM_UAPI_MINOR 8

/*
 * ioctl numbers: compact from DRM_COMMAND_BASE, no holes.
 */
#define DRM_VSVM_QUERY			0x00
#define DRM_VSVM_VM_CREATE		0x01
#define DRM_VSVM_VM_DESTROY		0x02
#define DRM_VSVM_EXEC			0x03
#define DRM_VSVM_STATS			0x04
#define DRM_VSVM_VM_ERROR		0x05
#define DRM_VSVM_PREFETCH		0x06
#define DRM_VSVM_RESIDENCY		0x07
#define DRM_VSVM_MADVISE		0x08
#define DRM_VSVM_ATTR_QUERY		0x09
#define DRM_VSVM_WAIT_UFENCE		0x0a

#define DRM_IOCTL_VSVM_QUERY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_QUERY, struct drm_vsvm_query)
#define DRM_IOCTL_VSVM_VM_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_VM_CREATE, struct drm_vsvm_vm_create)
#define DRM_IOCTL_VSVM_VM_DESTROY \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VSVM_VM_DESTROY, struct drm_vsvm_vm_destroy)
#define DRM_IOCTL_VSVM_EXEC \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_EXEC, struct drm_vsvm_exec)
#define DRM_IOCTL_VSVM_STATS \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_STATS, struct drm_vsvm_stats)
#define DRM_IOCTL_VSVM_VM_ERROR \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_VM_ERROR, struct drm_vsvm_vm_error)
#define DRM_IOCTL_VSVM_PREFETCH \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_PREFETCH, struct drm_vsvm_prefetch)
#define DRM_IOCTL_VSVM_RESIDENCY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_RESIDENCY, struct drm_vsvm_residency)
#define DRM_IOCTL_VSVM_MADVISE \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VSVM_MADVISE, struct drm_vsvm_madvise)
#define DRM_IOCTL_VSVM_ATTR_QUERY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_ATTR_QUERY, struct drm_vsvm_attr_query)
#define DRM_IOCTL_VSVM_WAIT_UFENCE \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VSVM_WAIT_UFENCE, struct drm_vsvm_wait_ufence)

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

	/**
	 * @vram_size: size of the device memory (VRAM) in bytes; 0 without
	 * VRAM (&DRM_VSVM_FEATURE_VRAM clear)
	 */
	__u64 vram_size;

	/**
	 * @page_sizes: bit mask of the page sizes the GPU MMU supports,
	 * a combination of the DRM_VSVM_PAGE_SIZE_* values
	 */
	__u64 page_sizes;

	/** @va_bits: width of a GPU virtual address in bits */
	__u32 va_bits;

	/**
	 * @features: bit mask of optional features, DRM_VSVM_FEATURE_*
	 */
#define DRM_VSVM_FEATURE_SVM		0x1
#define DRM_VSVM_FEATURE_VRAM		0x2
#define DRM_VSVM_FEATURE_DISPATCH	0x4
	__u32 features;

	/**
	 * @device_index: index of this device among the devices of the
	 * driver, from 0 to @num_devices - 1 (uapi 0.7). Each device has its
	 * own VRAM, engines and render node; VMs on several devices may mirror
	 * one process.
	 */
	__u32 device_index;

	/**
	 * @num_devices: number of devices the driver was loaded with (uapi
	 * 0.7), bound or not
	 */
	__u32 num_devices;

	/**
	 * @isa_version: version of the shader cores' ISA (vsvm_isa.h),
	 * DRM_VSVM_ISA_VERSION(major, minor), with
	 * &DRM_VSVM_FEATURE_DISPATCH; 0 without shader cores (uapi 0.8)
	 */
	__u32 isa_version;

	/**
	 * @max_group_size: most work-items in one work-group of
	 * &DRM_VSVM_CMD_DISPATCH (uapi 0.8)
	 */
	__u32 max_group_size;

	/**
	 * @max_shared_size: most bytes of shared memory per work-group
	 * (uapi 0.8)
	 */
	__u32 max_shared_size;

	/**
	 * @max_private_size: most bytes of private memory per work-item
	 * (uapi 0.8)
	 */
	__u32 max_private_size;

	/** @reserved: reserved for future use, zero */
	__u64 reserved;
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

/**
 * struct drm_vsvm_vm_create - argument of &DRM_IOCTL_VSVM_VM_CREATE
 *
 * Creates a VM bound to the calling process's address space. An open file
 * may hold several VMs. A VM lives until &DRM_IOCTL_VSVM_VM_DESTROY, the
 * file is closed, or the process exits (its jobs then fail).
 *
 * Errors: -EINVAL for non-zero @extensions or @reserved, or @flags without
 * &DRM_VSVM_VM_CREATE_SVM or with unknown bits; -ENOSPC when the file
 * holds 256 VMs already; -ENOMEM. What the VM allocates is charged to the
 * memory cgroup of the calling process.
 */
struct drm_vsvm_vm_create {
	/** @extensions: pointer to the first extension; none defined, MBZ */
	__u64 extensions;

	/**
	 * @flags: &DRM_VSVM_VM_CREATE_SVM (required in this version): the
	 * GPU virtual address of every access is the CPU virtual address, and
	 * the GPU page table is filled on GPU page faults.
	 */
#define DRM_VSVM_VM_CREATE_SVM		0x1
	__u32 flags;

	/** @vm_id: id of the new VM, never 0 (out) */
	__u32 vm_id;

	/** @reserved: reserved for future use, MBZ */
	__u64 reserved[2];
};

/**
 * struct drm_vsvm_vm_destroy - argument of &DRM_IOCTL_VSVM_VM_DESTROY
 *
 * The VM's jobs are cancelled and the call does not wait for them: jobs
 * still queued signal -ESRCH (once the fences they wait for have
 * signalled), or -ECANCELED if the engine had already taken them; a job
 * that is running stops at its next command or memory access and signals
 * -ECANCELED. Closing the file does the same for all its
 * VMs.
 *
 * Errors: -EINVAL for non-zero @pad or @reserved; -ENOENT for an unknown
 * @vm_id; -EACCES when the caller is not the process the VM mirrors (the
 * VM is left as it is).
 */
struct drm_vsvm_vm_destroy {
	/** @vm_id: the VM to destroy (in) */
	__u32 vm_id;

	/** @pad: MBZ */
	__u32 pad;

	/** @reserved: reserved for future use, MBZ */
	__u64 reserved[2];
};

/**
 * struct drm_vsvm_sync - one synchronisation object of a job
 *
 * Without &DRM_VSVM_SYNC_SIGNAL the job waits for the syncobj's fence
 * before it runs. &DRM_VSVM_SYNC_SIGNAL (install the job's fence in the
 * syncobj) is refused with -EOPNOTSUPP since 0.6: every VM takes GPU page
 * faults, and a job that can fault must not publish a dma_fence (memory
 * reclaim may wait for one, and the fault needs memory). A job reports its
 * end through a user fence (&DRM_VSVM_EXEC_UFENCE) instead.
 */
struct drm_vsvm_sync {
	/** @handle: drm_syncobj handle (in) */
	__u32 handle;

	/**
	 * @flags: &DRM_VSVM_SYNC_SIGNAL: signal rather than wait (refused
	 * with -EOPNOTSUPP, see above); &DRM_VSVM_SYNC_TIMELINE: @handle is
	 * a timeline syncobj and @point the point to wait for.
	 */
#define DRM_VSVM_SYNC_SIGNAL		0x1
#define DRM_VSVM_SYNC_TIMELINE		0x2
	__u32 flags;

	/** @point: timeline point; MBZ without &DRM_VSVM_SYNC_TIMELINE */
	__u64 point;

	/** @reserved: MBZ */
	__u64 reserved;
};

/*
 * Command buffer format.
 *
 * A command buffer is an array of commands in the VM's address space (user
 * memory, fetched through the GPU MMU like every other access). Each
 * command starts with &struct drm_vsvm_cmd_header; its size is fixed by
 * its opcode. All addresses are GPU (= CPU) virtual addresses.
 */

/** @DRM_VSVM_CMD_NOP: &struct drm_vsvm_cmd_header only; does nothing */
#define DRM_VSVM_CMD_NOP		1
/** @DRM_VSVM_CMD_WRITE: &struct drm_vsvm_cmd_write */
#define DRM_VSVM_CMD_WRITE		2
/** @DRM_VSVM_CMD_COPY: &struct drm_vsvm_cmd_copy */
#define DRM_VSVM_CMD_COPY		3
/** @DRM_VSVM_CMD_FILL: &struct drm_vsvm_cmd_fill */
#define DRM_VSVM_CMD_FILL		4
/** @DRM_VSVM_CMD_ATOMIC: &struct drm_vsvm_cmd_atomic */
#define DRM_VSVM_CMD_ATOMIC		5
/** @DRM_VSVM_CMD_CHECKSUM: &struct drm_vsvm_cmd_checksum */
#define DRM_VSVM_CMD_CHECKSUM		6
/** @DRM_VSVM_CMD_WAIT: &struct drm_vsvm_cmd_wait */
#define DRM_VSVM_CMD_WAIT		7
/** @DRM_VSVM_CMD_TIMESTAMP: &struct drm_vsvm_cmd_timestamp */
#define DRM_VSVM_CMD_TIMESTAMP		8
/** @DRM_VSVM_CMD_DISPATCH: &struct drm_vsvm_cmd_dispatch (uapi 0.8) */
#define DRM_VSVM_CMD_DISPATCH		9

/**
 * struct drm_vsvm_cmd_header - first 8 bytes of every command
 */
struct drm_vsvm_cmd_header {
	/** @op: one of the DRM_VSVM_CMD_* opcodes */
	__u32 op;

	/**
	 * @flags: opcode specific. &DRM_VSVM_CMD_64BIT selects 64-bit
	 * operands for WRITE, ATOMIC and WAIT (32-bit otherwise: the upper
	 * 32 bits of each operand field must then be zero, or the job fails
	 * with -EINVAL); other bits are described with each command; unknown
	 * bits fail the job.
	 */
#define DRM_VSVM_CMD_64BIT		0x1
	__u32 flags;
};

/**
 * struct drm_vsvm_cmd_write - write an immediate value
 *
 * The address must be aligned to the operand size.
 */
struct drm_vsvm_cmd_write {
	/** @hdr: op &DRM_VSVM_CMD_WRITE */
	struct drm_vsvm_cmd_header hdr;
	/** @address: where to write */
	__u64 address;
	/**
	 * @value: the value; without &DRM_VSVM_CMD_64BIT a 32-bit value, the
	 * upper 32 bits MBZ
	 */
	__u64 value;
};

/**
 * struct drm_vsvm_cmd_copy - copy @size bytes from @src to @dst
 *
 * Any alignment; overlapping ranges give an unspecified result.
 */
struct drm_vsvm_cmd_copy {
	/** @hdr: op &DRM_VSVM_CMD_COPY */
	struct drm_vsvm_cmd_header hdr;
	/** @dst: destination */
	__u64 dst;
	/** @src: source */
	__u64 src;
	/** @size: bytes to copy */
	__u64 size;
};

/**
 * struct drm_vsvm_cmd_fill - fill @size bytes at @dst with a 32-bit pattern
 *
 * Byte i of the range gets byte (i % 4) of @value (little endian).
 */
struct drm_vsvm_cmd_fill {
	/** @hdr: op &DRM_VSVM_CMD_FILL */
	struct drm_vsvm_cmd_header hdr;
	/** @dst: destination */
	__u64 dst;
	/** @size: bytes to fill */
	__u64 size;
	/** @value: the pattern */
	__u32 value;
	/** @pad: MBZ */
	__u32 pad;
};

/**
 * struct drm_vsvm_cmd_atomic - atomic read-modify-write
 *
 * Atomic with respect to the CPU and to other engines. The address must be
 * aligned to the operand size. The old value is written to @result when
 * @result is not 0.
 */
struct drm_vsvm_cmd_atomic {
	/** @hdr: op &DRM_VSVM_CMD_ATOMIC, flags &DRM_VSVM_CMD_64BIT */
	struct drm_vsvm_cmd_header hdr;
	/** @address: the operand in memory */
	__u64 address;
	/**
	 * @operand: value to add, or the new value for XCHG and CMPXCHG;
	 * upper 32 bits MBZ without &DRM_VSVM_CMD_64BIT
	 */
	__u64 operand;
	/**
	 * @compare: expected value for CMPXCHG, MBZ otherwise; upper 32 bits
	 * MBZ without &DRM_VSVM_CMD_64BIT
	 */
	__u64 compare;
	/** @result: where to store the old value (same width), or 0 */
	__u64 result;
	/** @atomic_op: DRM_VSVM_ATOMIC_* */
#define DRM_VSVM_ATOMIC_ADD		1
#define DRM_VSVM_ATOMIC_XCHG		2
#define DRM_VSVM_ATOMIC_CMPXCHG		3
	__u32 atomic_op;
	/** @pad: MBZ */
	__u32 pad;
};

/**
 * struct drm_vsvm_cmd_checksum - CRC-32 of a range
 *
 * Computes the CRC-32 of @size bytes at @address (IEEE 802.3, as zlib's
 * crc32() with an initial value of 0) and writes it as a __u32 to @result.
 */
struct drm_vsvm_cmd_checksum {
	/** @hdr: op &DRM_VSVM_CMD_CHECKSUM */
	struct drm_vsvm_cmd_header hdr;
	/** @address: start of the range */
	__u64 address;
	/** @size: length of the range in bytes */
	__u64 size;
	/** @result: where to write the checksum, 4-byte aligned */
	__u64 result;
};

/**
 * struct drm_vsvm_cmd_wait - wait until a memory word meets a condition
 *
 * Polls (@address & @mask) against @value until the condition holds. A job
 * whose condition never holds is ended by the job timeout.
 */
struct drm_vsvm_cmd_wait {
	/** @hdr: op &DRM_VSVM_CMD_WAIT, flags &DRM_VSVM_CMD_64BIT */
	struct drm_vsvm_cmd_header hdr;
	/** @address: the word to poll, aligned to its size */
	__u64 address;
	/**
	 * @value: the value to compare with; upper 32 bits MBZ without
	 * &DRM_VSVM_CMD_64BIT
	 */
	__u64 value;
	/**
	 * @mask: applied to the memory word before comparing; upper 32 bits
	 * MBZ without &DRM_VSVM_CMD_64BIT
	 */
	__u64 mask;
	/** @cond: DRM_VSVM_WAIT_* (unsigned comparison, memory op value) */
#define DRM_VSVM_WAIT_EQ		1
#define DRM_VSVM_WAIT_NEQ		2
#define DRM_VSVM_WAIT_GTE		3
#define DRM_VSVM_WAIT_LT		4
	__u32 cond;
	/** @pad: MBZ */
	__u32 pad;
};

/**
 * struct drm_vsvm_cmd_timestamp - write the GPU clock (CLOCK_MONOTONIC, ns)
 */
struct drm_vsvm_cmd_timestamp {
	/** @hdr: op &DRM_VSVM_CMD_TIMESTAMP */
	struct drm_vsvm_cmd_header hdr;
	/** @address: where to write the __u64 timestamp, 8-byte aligned */
	__u64 address;
};

/**
 * struct drm_vsvm_cmd_dispatch - run a program over a grid of work-groups
 *
 * Runs the program at @program (vsvm ISA, vsvm_isa.h; fetched through the
 * GPU MMU like the command buffer, and checked as a whole first) for every
 * work-item of the work-groups @group_first to @group_first + @group_count
 * - 1, in linear group order (x fastest) over a grid of @grid work-groups
 * of @group_size work-items each. The command ends when every work-item
 * has ended; the first error ends the job. No flags.
 *
 * Invalid fields fail the job with -EINVAL: a grid or group dimension of
 * 0, more than &drm_vsvm_query_device.max_group_size work-items per group,
 * more shared or private memory than the limits, a group range outside
 * the grid, a program address not 16-byte aligned, a program size of 0,
 * not a multiple of 16 or above &DRM_VSVM_ISA_MAX_PROGRAM, a non-zero
 * @pad.
 */
struct drm_vsvm_cmd_dispatch {
	/** @hdr: op &DRM_VSVM_CMD_DISPATCH */
	struct drm_vsvm_cmd_header hdr;
	/** @program: address of the first instruction, 16-byte aligned */
	__u64 program;
	/** @program_size: size of the program in bytes */
	__u32 program_size;
	/** @shared_size: bytes of shared memory per work-group */
	__u32 shared_size;
	/** @args: any 64-bit value, read by SREG ARGS (an argument buffer) */
	__u64 args;
	/** @grid: number of work-groups in x, y and z */
	__u32 grid[3];
	/** @group_size: work-items per work-group in x, y and z */
	__u32 group_size[3];
	/** @group_first: linear index of the first work-group to run */
	__u32 group_first;
	/** @group_count: number of work-groups to run, at least 1 */
	__u32 group_count;
	/** @private_size: bytes of private memory per work-item */
	__u32 private_size;
	/** @pad: MBZ */
	__u32 pad;
	/** @global_offset: added to the global id in x, y and z */
	__u64 global_offset[3];
};

/**
 * struct drm_vsvm_ufence - user fence record a job's end is written to
 *
 * With &DRM_VSVM_EXEC_UFENCE, &drm_vsvm_exec.ufence_address points to one
 * of these in the memory of the VM's process (8-byte aligned). When the
 * job ends, whatever ended it, the kernel writes @error, then, ordered
 * after it, @value: a thread that sees @value (through
 * &DRM_IOCTL_VSVM_WAIT_UFENCE or by reading memory) sees the job's
 * @error. The kernel does not touch @pad.
 *
 * The record is written from a kernel worker with the process's address
 * space, also when the VM was destroyed meanwhile. When the process has
 * exited, or the record is no longer mapped writable, nothing is written.
 */
struct drm_vsvm_ufence {
	/** @value: &drm_vsvm_exec.ufence_value once the job has ended */
	__u64 value;

	/**
	 * @error: 0 when the job succeeded, else the negative errno it
	 * failed with (see &struct drm_vsvm_exec)
	 */
	__s32 error;

	/** @pad: not written by the kernel */
	__u32 pad;
};

/**
 * struct drm_vsvm_exec - argument of &DRM_IOCTL_VSVM_EXEC
 *
 * Queues the command buffer at @batch_address on engine @engine of VM
 * @vm_id. The job runs once every wait sync has signalled. With
 * &DRM_VSVM_EXEC_UFENCE its end is reported in the user fence record at
 * @ufence_address (&struct drm_vsvm_ufence). A job that fails reports an
 * error: -EFAULT (no valid CPU mapping, kernel or non-canonical
 * address), -EACCES (write to a read-only mapping), -EINVAL (malformed
 * command: unknown opcode or flag, a command cut by the end of the buffer,
 * non-zero pad, a 32-bit operand with upper bits set, a misaligned
 * address), -ETIMEDOUT
 * (job timeout), -ESRCH (the process has exited, or
 * the job was still queued when its VM was destroyed), -ECANCELED (the
 * job was running when its VM was destroyed), or the error of a wait
 * sync's fence.
 *
 * Errors of the ioctl itself: -EINVAL for non-zero @extensions or @pad,
 * unknown @flags, non-zero @ufence_address or @ufence_value without
 * &DRM_VSVM_EXEC_UFENCE, an @ufence_address that is 0, not 8-byte aligned
 * or whose record does not end inside the user address space, an engine out
 * of range, a @batch_size of zero, above
 * 1 MiB or not a multiple of 8, a @batch_address not 8-byte aligned, a
 * batch that wraps around or does not end inside both the user address
 * space (TASK_SIZE) and the GPU's reach (2^47), more than 64 syncs, or a sync with
 * unknown flags, non-zero reserved, or a point without
 * &DRM_VSVM_SYNC_TIMELINE, or a wait syncobj that has no
 * fence (at that point); -EOPNOTSUPP for a sync with
 * &DRM_VSVM_SYNC_SIGNAL; -ENOENT for an unknown VM or syncobj, or a VM
 * another thread destroyed meanwhile (a job EXEC accepted always
 * completes: it runs, or ends with an error when its VM goes away, and
 * its user fence is written either way); -EACCES when the caller's
 * address space is not the one the VM
 * mirrors (a child after fork(), for instance: it inherits the file but
 * not the VM's memory); -ENOSPC when 1024 jobs of the VM are in flight
 * (submitted and not yet completed): retry once one has completed;
 * -EFAULT for a bad @syncs pointer; -EINTR (restart) on a signal.
 */
struct drm_vsvm_exec {
	/** @extensions: pointer to the first extension; none defined, MBZ */
	__u64 extensions;

	/** @vm_id: the VM whose address space the job runs in (in) */
	__u32 vm_id;

	/** @engine: engine index, below &drm_vsvm_query_device.num_engines */
	__u32 engine;

	/** @batch_address: GPU address of the first command (in) */
	__u64 batch_address;

	/** @batch_size: size of the command buffer in bytes (in) */
	__u32 batch_size;

	/** @num_syncs: number of entries at @syncs, at most 64 (in) */
	__u32 num_syncs;

	/** @syncs: user pointer to an array of &struct drm_vsvm_sync (in) */
	__u64 syncs;

	/**
	 * @flags: &DRM_VSVM_EXEC_UFENCE: write the user fence record at
	 * @ufence_address when the job ends (in)
	 */
#define DRM_VSVM_EXEC_UFENCE		0x1
	__u32 flags;

	/** @pad: MBZ */
	__u32 pad;

	/** @seqno: sequence number of the job on its VM, from 1 (out) */
	__u64 seqno;

	/**
	 * @ufence_address: address of a &struct drm_vsvm_ufence in the
	 * memory of the VM's process, 8-byte aligned, not 0; MBZ without
	 * &DRM_VSVM_EXEC_UFENCE (in)
	 */
	__u64 ufence_address;

	/**
	 * @ufence_value: written to &drm_vsvm_ufence.value when the job ends;
	 * MBZ without &DRM_VSVM_EXEC_UFENCE (in)
	 */
	__u64 ufence_value;
};

/*
 * Counters of &DRM_IOCTL_VSVM_STATS: indices into the counter array.
 * New counters are only ever appended. The counters describe what the
 * VM's jobs did; how the driver went about it is no uapi.
 */
/** @DRM_VSVM_STAT_FAULTS: GPU page faults raised by engines */
#define DRM_VSVM_STAT_FAULTS			0
/*
 * Indices 1 to 4 (FAULTS_DEDUP, PAGES_4K, PAGES_2M, RANGES_64K): retired
 * in 0.5, read as 0.
 */
/** @DRM_VSVM_STAT_INVALIDATIONS: notifier invalidations that hit GPU entries */
#define DRM_VSVM_STAT_INVALIDATIONS		5
/* Index 6 (RETRIES): retired in 0.5, reads as 0. */
/** @DRM_VSVM_STAT_JOBS: jobs completed */
#define DRM_VSVM_STAT_JOBS			7
/** @DRM_VSVM_STAT_JOBS_FAILED: jobs that signalled an error */
#define DRM_VSVM_STAT_JOBS_FAILED		8
/** @DRM_VSVM_STAT_BYTES_TO_VRAM: bytes migrated from system memory to VRAM */
#define DRM_VSVM_STAT_BYTES_TO_VRAM		9
/*
 * DRM_VSVM_STAT_BYTES_TO_SYSTEM: bytes migrated from VRAM to system memory
 * by &DRM_IOCTL_VSVM_PREFETCH
 */
#define DRM_VSVM_STAT_BYTES_TO_SYSTEM		10
/*
 * Indices 11 to 13 (CPU_FAULTS, EVICTIONS, VRAM_PAGES, device-wide):
 * retired in 0.5, read as 0.
 */
/*
 * DRM_VSVM_STAT_EXCLUSIVE_GRANTS: system pages given to the GPU for
 * exclusive (atomic) access
 */
#define DRM_VSVM_STAT_EXCLUSIVE_GRANTS		14
/*
 * DRM_VSVM_STAT_EXCLUSIVE_REVOKES: exclusive accesses revoked because the
 * CPU touched the page
 */
#define DRM_VSVM_STAT_EXCLUSIVE_REVOKES		15
/* Index 16 (COPY_BATCHES): retired in 0.5, reads as 0. */
/** @DRM_VSVM_STAT_COUNT: number of counter indices in this version */
#define DRM_VSVM_STAT_COUNT			17

/**
 * struct drm_vsvm_stats - argument of &DRM_IOCTL_VSVM_STATS
 *
 * Copies the counters of VM @vm_id, each a __u64 indexed by
 * DRM_VSVM_STAT_*, to @data (retired indices read as 0). @count is the
 * number of counters the buffer holds (in) and the number written (out):
 * at most what the running driver knows; @count 0 only reports that
 * number. Device-wide totals are not reported to clients (since 0.5):
 * they are in debugfs, for the administrator.
 *
 * Errors: -EINVAL for non-zero @pad or @reserved, or @vm_id 0 with a
 * non-zero @count; -ENOENT for an unknown @vm_id; -EACCES when the caller
 * is not the process the VM mirrors; -EFAULT for a bad @data pointer.
 */
struct drm_vsvm_stats {
	/** @vm_id: the VM (in); 0 only with @count 0 */
	__u32 vm_id;

	/** @count: counters in the buffer (in), counters written (out) */
	__u32 count;

	/** @data: user pointer to an array of @count __u64 (in) */
	__u64 data;

	/** @pad: MBZ */
	__u64 pad;

	/** @reserved: reserved for future use, MBZ */
	__u64 reserved[2];
};

/**
 * struct drm_vsvm_vm_error - argument of &DRM_IOCTL_VSVM_VM_ERROR
 *
 * Reports the last failed job of VM @vm_id. @seqno 0 means no job of the VM
 * has failed. Reading does not clear the record.
 *
 * Errors: -EINVAL for non-zero @pad or @reserved; -ENOENT for an unknown
 * @vm_id; -EACCES when the caller is not the process the VM mirrors.
 */
struct drm_vsvm_vm_error {
	/** @vm_id: the VM (in) */
	__u32 vm_id;

	/** @pad: MBZ */
	__u32 pad;

	/** @seqno: sequence number of the failed job, 0 if none (out) */
	__u64 seqno;

	/** @address: GPU address whose access failed, if any (out) */
	__u64 address;

	/** @error: the job's error, a negative errno (out) */
	__s32 error;

	/**
	 * @access: DRM_VSVM_ACCESS_* kind of the failed access (out), 0 when
	 * the failure was not a memory access (e.g. a timeout). From uapi
	 * 0.8, -EINVAL with DRM_VSVM_ACCESS_FETCH names an instruction of a
	 * DISPATCH program that is malformed or cannot execute (a BARRIER
	 * reached by part of a wave, a shared or private access out of
	 * bounds) at @address.
	 */
#define DRM_VSVM_ACCESS_READ		1
#define DRM_VSVM_ACCESS_WRITE		2
#define DRM_VSVM_ACCESS_ATOMIC		3
#define DRM_VSVM_ACCESS_FETCH		4
	__u32 access;

	/** @engine: engine the job ran on (out) */
	__u32 engine;

	/** @pad2: MBZ on input, zero on output */
	__u32 pad2;

	/** @reserved: reserved for future use, MBZ */
	__u64 reserved[2];
};

/** @DRM_VSVM_REGION_SYSTEM: system memory */
#define DRM_VSVM_REGION_SYSTEM		1
/** @DRM_VSVM_REGION_VRAM: the device's VRAM */
#define DRM_VSVM_REGION_VRAM		2
/*
 * DRM_VSVM_REGION_VRAM_OF(index): the VRAM of the vsvm device whose
 * &drm_vsvm_query_device.device_index is @index, below
 * &drm_vsvm_query_device.num_devices (uapi 0.7). For a preferred location
 * or a PREFETCH on another device (a peer): the pages move there, and this
 * device's engines reach them in place over the interconnect. The VM's
 * own device index is the same as &DRM_VSVM_REGION_VRAM.
 */
#define DRM_VSVM_REGION_VRAM_OF(index)	(0x100 + (index))

/**
 * struct drm_vsvm_prefetch - argument of &DRM_IOCTL_VSVM_PREFETCH
 *
 * Migrates the pages of [@start, @start + @length) of the VM's address
 * space to @region. Only private anonymous memory moves to VRAM; pages of
 * other mappings (page cache, shared, hugetlbfs, DAX) and pages core mm
 * refuses to migrate stay where they are and stay mirrored, which is not
 * an error. When VRAM is full, the least recently used VRAM is evicted
 * first (engine accesses count, a peer's in place included). Holes in the range are skipped.
 *
 * Memory moves in chunks (2 MiB, 64 KiB or 4 KiB, naturally aligned, at
 * most the granularity attribute), each one VRAM allocation: a chunk moves
 * to VRAM all or nothing, and back to system memory as a whole, pages
 * outside the range included (uapi 0.5). A signal that kills the caller
 * ends the walk between two chunks. A chunk in VRAM at the end (moved, or
 * there already) is also mapped for the VM's GPU, as a read fault would
 * map it with the CPU's permissions: the next job that reaches it takes
 * no GPU fault. Moving to system memory only unmaps.
 *
 * Errors: -EINVAL for non-zero @flags, @pad or @reserved, an unknown
 * @region, an unaligned or empty range, or a range beyond the user address
 * space; -ENOENT for an unknown VM; -EACCES when the caller is not the
 * process the VM mirrors; -ENODEV for VRAM without device-private memory
 * support in the kernel, or a &DRM_VSVM_REGION_VRAM_OF device that is not
 * bound or has no VRAM.
 */
struct drm_vsvm_prefetch {
	/** @vm_id: the VM (in) */
	__u32 vm_id;

	/**
	 * @region: DRM_VSVM_REGION_SYSTEM, DRM_VSVM_REGION_VRAM or
	 * DRM_VSVM_REGION_VRAM_OF() to move the pages to (in)
	 */
	__u32 region;

	/** @start: first address, page aligned (in) */
	__u64 start;

	/** @length: length in bytes, page aligned, non-zero (in) */
	__u64 length;

	/** @flags: no flag is defined yet, MBZ */
	__u32 flags;

	/** @pad: MBZ */
	__u32 pad;

	/**
	 * @pages_moved: number of 4 KiB pages that actually moved, those of
	 * whole chunks moved back to system memory included (out)
	 */
	__u64 pages_moved;

	/** @reserved: reserved for future use, MBZ */
	__u64 reserved[2];
};

/** @DRM_VSVM_RESIDENCY_NONE: no page is present at that address */
#define DRM_VSVM_RESIDENCY_NONE		1
/** @DRM_VSVM_RESIDENCY_SYSTEM: the page is in system memory */
#define DRM_VSVM_RESIDENCY_SYSTEM	2
/** @DRM_VSVM_RESIDENCY_VRAM: the page is in this device's VRAM */
#define DRM_VSVM_RESIDENCY_VRAM		3
/*
 * DRM_VSVM_RESIDENCY_PEER: the page is in the VRAM of another vsvm device
 * (uapi 0.7); this device's engines reach it there, over the devices'
 * interconnect
 */
#define DRM_VSVM_RESIDENCY_PEER		4
/*
 * DRM_VSVM_RESIDENCY_HUGE: with DRM_VSVM_RESIDENCY_REPORT_HUGE, or'ed
 * into DRM_VSVM_RESIDENCY_SYSTEM, DRM_VSVM_RESIDENCY_VRAM or
 * DRM_VSVM_RESIDENCY_PEER: the page is
 * part of a 2 MiB folio mapped as one (a transparent huge page, or a
 * 2 MiB device folio in VRAM)
 */
#define DRM_VSVM_RESIDENCY_HUGE		0x80

/*
 * DRM_VSVM_RESIDENCY_REPORT_HUGE: in &drm_vsvm_residency.flags, tell pages
 * of 2 MiB folios apart with DRM_VSVM_RESIDENCY_HUGE (uapi 0.5)
 */
#define DRM_VSVM_RESIDENCY_REPORT_HUGE	(1 << 0)

/**
 * struct drm_vsvm_residency - argument of &DRM_IOCTL_VSVM_RESIDENCY
 *
 * Writes one __u8 DRM_VSVM_RESIDENCY_* per 4 KiB page of
 * [@start, @start + @npages * 4096) to @data, without faulting anything
 * in or moving anything, nor revoking exclusive access. Addresses without
 * a mapping read as &DRM_VSVM_RESIDENCY_NONE; pages this VM's GPU holds
 * exclusive (atomic) access to are in system memory.
 *
 * The snapshot is exact for pages at rest. A page that is migrating at that
 * moment (between its old and its new place, behind a migration entry)
 * reads as &DRM_VSVM_RESIDENCY_NONE, or as either place.
 *
 * Errors: -EINVAL for unknown @flags, non-zero @reserved, an unaligned
 * @start, or @npages zero or above 1 << 20; -ENOENT for an unknown VM; -EACCES when
 * the caller is not the process the VM mirrors; -EFAULT for a bad @data.
 */
struct drm_vsvm_residency {
	/** @vm_id: the VM (in) */
	__u32 vm_id;

	/**
	 * @flags: &DRM_VSVM_RESIDENCY_REPORT_HUGE, or 0 (in); other bits
	 * are rejected
	 */
	__u32 flags;

	/** @start: first address, page aligned (in) */
	__u64 start;

	/** @npages: number of pages (in) */
	__u64 npages;

	/** @data: user pointer to @npages bytes (in) */
	__u64 data;

	/** @reserved: reserved for future use, MBZ */
	__u64 reserved[2];
};

/*
 * DRM_VSVM_ATTR_PREFERRED_LOC: value is DRM_VSVM_REGION_SYSTEM,
 * DRM_VSVM_REGION_VRAM, DRM_VSVM_REGION_VRAM_OF() or 0 (none)
 */
#define DRM_VSVM_ATTR_PREFERRED_LOC	1
/*
 * DRM_VSVM_ATTR_GRANULARITY: migration unit in bytes: 4096, 65536 or
 * 2097152, or 0 for the default (2 MiB). A GPU fault migrates the unit
 * around it; VRAM is allocated and evicted in such units.
 */
#define DRM_VSVM_ATTR_GRANULARITY	2
/*
 * DRM_VSVM_ATTR_GPU_ACCESS: DRM_VSVM_GPU_ACCESS_READ makes the range
 * read-only for the GPU (writes and atomics fail with -EACCES);
 * DRM_VSVM_GPU_ACCESS_RW or 0 gives the access the CPU mapping allows
 */
#define DRM_VSVM_ATTR_GPU_ACCESS	3
/*
 * DRM_VSVM_ATTR_ATOMIC: where GPU atomics run. DRM_VSVM_ATOMIC_SYSTEM or
 * 0: in place. A GPU atomic on a system page of a private anonymous
 * mapping takes exclusive device access to that page: the CPU page table
 * entry is replaced by a device-exclusive entry, and the CPU's next access
 * to the page revokes it (&DRM_VSVM_STAT_EXCLUSIVE_GRANTS,
 * &DRM_VSVM_STAT_EXCLUSIVE_REVOKES). Where the kernel refuses exclusive
 * access (e.g. a transparent huge page), the chunk moves to VRAM instead;
 * where memory cannot move either (file-backed or shared mappings), the
 * atomic runs in place, coherent with CPU atomics. Atomics on VRAM pages
 * always run in place.
 * DRM_VSVM_ATOMIC_VRAM: the first GPU atomic on a system page migrates its
 * chunk to VRAM (pages that cannot move keep atomics in place).
 */
#define DRM_VSVM_ATTR_ATOMIC		4

#define DRM_VSVM_GPU_ACCESS_RW		1
#define DRM_VSVM_GPU_ACCESS_READ	2
#define DRM_VSVM_ATOMIC_SYSTEM		1
#define DRM_VSVM_ATOMIC_VRAM		2

/**
 * struct drm_vsvm_madvise - argument of &DRM_IOCTL_VSVM_MADVISE
 *
 * Sets attribute @attr to @value over [@start, @start + @length) of the VM.
 * With a preferred location of &DRM_VSVM_REGION_VRAM (or
 * DRM_VSVM_REGION_VRAM_OF() a device), GPU faults in the range migrate the
 * faulting chunk there before mirroring it, from system memory or
 * directly from another vsvm device's VRAM. Where the chunk cannot move
 * at that moment (its pages are migrating, another device is taking it),
 * the GPU reaches the pages where they are until the CPU or a migration
 * changes them: two devices that both prefer their own VRAM both make
 * progress. Without a preferred location, pages in another device's VRAM
 * stay there and the GPU reaches them in place
 * (&DRM_VSVM_RESIDENCY_PEER). The
 * migration granularity is the unit of VRAM allocation and eviction and
 * bounds the chunk a GPU fault migrates; prefetch moves up to 2 MiB of
 * such units in one batch. The GPU mirror of the range is dropped, so new
 * attributes apply from the next GPU access on. A later call over part of
 * a range splits it;
 * attributes apply per address and value 0 restores the default. They
 * survive splits of the CPU mapping (mprotect, partial munmap) and are
 * dropped where the memory is unmapped.
 *
 * Bounds: a VM holds at most 1024 ranges per attribute; a call whose
 * result would exceed that fails with -ENOSPC. A range with a non-zero
 * value is watched for munmap() by the driver in 512 MiB units, at most
 * 1024 of them per VM (512 GiB of address space): a call spanning more
 * fails with -E2BIG, one that would need more units than remain with
 * -ENOSPC. Setting value 0 (the default) is never bounded.
 *
 * Errors: -EINVAL for non-zero @reserved, an unknown @attr or @value, an
 * unaligned or empty range; -ENOENT for an unknown VM; -EACCES when the
 * caller is not the process the VM mirrors; -E2BIG and -ENOSPC as above;
 * -EINTR when a fatal signal interrupted the wait for the VM's lock;
 * -ENOMEM.
 */
struct drm_vsvm_madvise {
	/** @vm_id: the VM (in) */
	__u32 vm_id;

	/** @attr: DRM_VSVM_ATTR_* (in) */
	__u32 attr;

	/** @start: first address, page aligned (in) */
	__u64 start;

	/** @length: length in bytes, page aligned, non-zero (in) */
	__u64 length;

	/** @value: the attribute's value (in) */
	__u64 value;

	/** @reserved: reserved for future use, MBZ */
	__u64 reserved[2];
};

/**
 * struct drm_vsvm_attr_query - argument of &DRM_IOCTL_VSVM_ATTR_QUERY
 *
 * Reads attribute @attr at @addr, and the largest span around @addr over
 * which it has that value (an unset span has value 0).
 *
 * Errors: -EINVAL for non-zero @pad or @reserved, an unknown @attr, or an
 * address beyond the user address space; -ENOENT for an unknown VM;
 * -EACCES when the caller is not the process the VM mirrors.
 */
struct drm_vsvm_attr_query {
	/** @vm_id: the VM (in) */
	__u32 vm_id;

	/** @attr: DRM_VSVM_ATTR_* (in) */
	__u32 attr;

	/** @addr: the address (in) */
	__u64 addr;

	/** @value: the attribute's value at @addr, 0 if unset (out) */
	__u64 value;

	/** @start: first address of the span with that value (out) */
	__u64 start;

	/** @end: end (exclusive) of the span with that value (out) */
	__u64 end;

	/** @pad: MBZ */
	__u64 pad;

	/** @reserved: reserved for future use, MBZ */
	__u64 reserved[2];
};

/**
 * struct drm_vsvm_wait_ufence - argument of &DRM_IOCTL_VSVM_WAIT_UFENCE
 *
 * Waits until the 64-bit value at @address in the caller's memory,
 * masked with @mask, compares with (@value & @mask) as @op says:
 * (*@address & @mask) OP (@value & @mask), unsigned. The value is read
 * when the ioctl starts and again each time a job of the device ends, so
 * a user fence written by a job (&DRM_VSVM_EXEC_UFENCE) wakes the wait; a
 * value the CPU writes is seen at the next job end or at the timeout.
 *
 * @timeout is an absolute CLOCK_MONOTONIC time, so that a wait restarted
 * after a signal (the ioctl is restarted with the same argument) keeps its
 * deadline. A @timeout in the past checks the value once.
 *
 * Return: 0 once the condition holds; -ETIME when @timeout passed first;
 * -EINTR (restart) on a signal; -EINVAL for non-zero @flags, @pad or
 * @reserved, an unknown @op, a @mask of zero, a negative @timeout, or an
 * @address that is not 8-byte aligned; -EFAULT when @address cannot be
 * read.
 */
struct drm_vsvm_wait_ufence {
	/** @address: user address of the 64-bit value, 8-byte aligned */
	__u64 address;

	/** @value: the value to compare with (in) */
	__u64 value;

	/** @mask: bits of the value that count; not zero (in) */
	__u64 mask;

	/**
	 * @timeout: absolute CLOCK_MONOTONIC deadline in ns, not negative;
	 * INT64_MAX waits for ever (in)
	 */
	__s64 timeout;

	/** @op: DRM_VSVM_UFENCE_OP_*, the comparison (in) */
#define DRM_VSVM_UFENCE_OP_EQ		1
#define DRM_VSVM_UFENCE_OP_NEQ		2
#define DRM_VSVM_UFENCE_OP_GT		3
#define DRM_VSVM_UFENCE_OP_GTE		4
#define DRM_VSVM_UFENCE_OP_LT		5
#define DRM_VSVM_UFENCE_OP_LTE		6
	__u16 op;

	/** @flags: none defined, MBZ */
	__u16 flags;

	/** @pad: MBZ */
	__u32 pad;

	/** @reserved: reserved for future use, MBZ */
	__u64 reserved[2];
};

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_VSVM_DRM_H_ */
