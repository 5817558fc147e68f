// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vsvm_internal.h"

/* Every command is a whole number of 8-byte words, as the kernel expects. */
#define VSVM_CMD_SIZE_OK(type) (sizeof(type) % 8 == 0)
_Static_assert(VSVM_CMD_SIZE_OK(struct drm_vsvm_cmd_header), "cmd size");
_Static_assert(VSVM_CMD_SIZE_OK(struct drm_vsvm_cmd_write), "cmd size");
_Static_assert(VSVM_CMD_SIZE_OK(struct drm_vsvm_cmd_copy), "cmd size");
_Static_assert(VSVM_CMD_SIZE_OK(struct drm_vsvm_cmd_fill), "cmd size");
_Static_assert(VSVM_CMD_SIZE_OK(struct drm_vsvm_cmd_atomic), "cmd size");
_Static_assert(VSVM_CMD_SIZE_OK(struct drm_vsvm_cmd_checksum), "cmd size");
_Static_assert(VSVM_CMD_SIZE_OK(struct drm_vsvm_cmd_wait), "cmd size");
_Static_assert(VSVM_CMD_SIZE_OK(struct drm_vsvm_cmd_timestamp), "cmd size");
_Static_assert(VSVM_CMD_SIZE_OK(struct drm_vsvm_cmd_dispatch), "cmd size");

vsvm_public int vsvm_cmdbuf_create(size_t capacity, vsvm_cmdbuf_handle *cb)
{
	struct vsvm_cmdbuf *buf;
	long page_size;
	size_t map_size;
	void *map;

	if (!cb || !capacity || capacity > VSVM_CMDBUF_MAX_CAPACITY)
		return -EINVAL;

	page_size = sysconf(_SC_PAGESIZE);
	if (page_size <= 0)
		page_size = 4096;
	map_size = (capacity + (size_t)page_size - 1) &
		   ~((size_t)page_size - 1);

	buf = calloc(1, sizeof(*buf));
	if (!buf)
		return -ENOMEM;

	map = mmap(NULL, map_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED) {
		free(buf);
		return -ENOMEM;
	}

	buf->map = map;
	buf->map_size = map_size;
	/* Pages larger than 4 KiB could round past the kernel's limit. */
	buf->capacity = map_size < VSVM_CMDBUF_MAX_CAPACITY ?
			map_size : VSVM_CMDBUF_MAX_CAPACITY;
	buf->size = 0;

	*cb = buf;
	return 0;
}

vsvm_public void vsvm_cmdbuf_destroy(vsvm_cmdbuf_handle cb)
{
	if (!cb)
		return;

	munmap(cb->map, cb->map_size);
	free(cb);
}

vsvm_public void vsvm_cmdbuf_reset(vsvm_cmdbuf_handle cb)
{
	if (cb)
		cb->size = 0;
}

vsvm_public uint64_t vsvm_cmdbuf_address(vsvm_cmdbuf_handle cb)
{
	return cb ? (uintptr_t)cb->map : 0;
}

vsvm_public uint32_t vsvm_cmdbuf_size(vsvm_cmdbuf_handle cb)
{
	return cb ? (uint32_t)cb->size : 0;
}

/*
 * Appends the @size bytes of the command at @cmd, whose unused fields and
 * padding the caller has zeroed.
 */
static int vsvm_cmdbuf_emit(vsvm_cmdbuf_handle cb, const void *cmd,
			    size_t size)
{
	if (!cb)
		return -EINVAL;
	if (size > cb->capacity - cb->size)
		return -ENOSPC;

	memcpy(cb->map + cb->size, cmd, size);
	cb->size += size;
	return 0;
}

vsvm_public int vsvm_cmdbuf_nop(vsvm_cmdbuf_handle cb)
{
	struct drm_vsvm_cmd_header cmd;

	memset(&cmd, 0, sizeof(cmd));
	cmd.op = DRM_VSVM_CMD_NOP;

	return vsvm_cmdbuf_emit(cb, &cmd, sizeof(cmd));
}

static int vsvm_cmdbuf_write(vsvm_cmdbuf_handle cb, bool is64, uint64_t addr,
			     uint64_t value)
{
	struct drm_vsvm_cmd_write cmd;

	memset(&cmd, 0, sizeof(cmd));
	cmd.hdr.op = DRM_VSVM_CMD_WRITE;
	cmd.hdr.flags = is64 ? DRM_VSVM_CMD_64BIT : 0;
	cmd.address = addr;
	cmd.value = value;

	return vsvm_cmdbuf_emit(cb, &cmd, sizeof(cmd));
}

vsvm_public int vsvm_cmdbuf_write32(vsvm_cmdbuf_handle cb, uint64_t addr,
				    uint32_t value)
{
	return vsvm_cmdbuf_write(cb, false, addr, value);
}

vsvm_public int vsvm_cmdbuf_write64(vsvm_cmdbuf_handle cb, uint64_t addr,
				    uint64_t value)
{
	return vsvm_cmdbuf_write(cb, true, addr, value);
}

vsvm_public int vsvm_cmdbuf_copy(vsvm_cmdbuf_handle cb, uint64_t dst,
				 uint64_t src, uint64_t size)
{
	struct drm_vsvm_cmd_copy cmd;

	memset(&cmd, 0, sizeof(cmd));
	cmd.hdr.op = DRM_VSVM_CMD_COPY;
	cmd.dst = dst;
	cmd.src = src;
	cmd.size = size;

	return vsvm_cmdbuf_emit(cb, &cmd, sizeof(cmd));
}

vsvm_public int vsvm_cmdbuf_fill(vsvm_cmdbuf_handle cb, uint64_t dst,
				 uint64_t size, uint32_t pattern)
{
	struct drm_vsvm_cmd_fill cmd;

	memset(&cmd, 0, sizeof(cmd));
	cmd.hdr.op = DRM_VSVM_CMD_FILL;
	cmd.dst = dst;
	cmd.size = size;
	cmd.value = pattern;

	return vsvm_cmdbuf_emit(cb, &cmd, sizeof(cmd));
}

vsvm_public int vsvm_cmdbuf_atomic(vsvm_cmdbuf_handle cb, bool is64,
				   uint32_t atomic_op, uint64_t addr,
				   uint64_t operand, uint64_t compare,
				   uint64_t result_addr)
{
	struct drm_vsvm_cmd_atomic cmd;

	memset(&cmd, 0, sizeof(cmd));
	cmd.hdr.op = DRM_VSVM_CMD_ATOMIC;
	cmd.hdr.flags = is64 ? DRM_VSVM_CMD_64BIT : 0;
	cmd.address = addr;
	cmd.operand = operand;
	cmd.compare = compare;
	cmd.result = result_addr;
	cmd.atomic_op = atomic_op;

	return vsvm_cmdbuf_emit(cb, &cmd, sizeof(cmd));
}

vsvm_public int vsvm_cmdbuf_checksum(vsvm_cmdbuf_handle cb, uint64_t addr,
				     uint64_t size, uint64_t result_addr)
{
	struct drm_vsvm_cmd_checksum cmd;

	memset(&cmd, 0, sizeof(cmd));
	cmd.hdr.op = DRM_VSVM_CMD_CHECKSUM;
	cmd.address = addr;
	cmd.size = size;
	cmd.result = result_addr;

	return vsvm_cmdbuf_emit(cb, &cmd, sizeof(cmd));
}

vsvm_public int vsvm_cmdbuf_wait(vsvm_cmdbuf_handle cb, bool is64,
				 uint32_t cond, uint64_t addr, uint64_t value,
				 uint64_t mask)
{
	struct drm_vsvm_cmd_wait cmd;

	memset(&cmd, 0, sizeof(cmd));
	cmd.hdr.op = DRM_VSVM_CMD_WAIT;
	cmd.hdr.flags = is64 ? DRM_VSVM_CMD_64BIT : 0;
	cmd.address = addr;
	cmd.value = value;
	cmd.mask = mask;
	cmd.cond = cond;

	return vsvm_cmdbuf_emit(cb, &cmd, sizeof(cmd));
}

vsvm_public int vsvm_cmdbuf_timestamp(vsvm_cmdbuf_handle cb, uint64_t addr)
{
	struct drm_vsvm_cmd_timestamp cmd;

	memset(&cmd, 0, sizeof(cmd));
	cmd.hdr.op = DRM_VSVM_CMD_TIMESTAMP;
	cmd.address = addr;

	return vsvm_cmdbuf_emit(cb, &cmd, sizeof(cmd));
}

vsvm_public int vsvm_cmdbuf_dispatch(vsvm_cmdbuf_handle cb,
				     const struct drm_vsvm_cmd_dispatch *dispatch)
{
	struct drm_vsvm_cmd_dispatch cmd;

	if (!dispatch)
		return -EINVAL;
	cmd = *dispatch;
	cmd.hdr.op = DRM_VSVM_CMD_DISPATCH;
	cmd.hdr.flags = 0;

	return vsvm_cmdbuf_emit(cb, &cmd, sizeof(cmd));
}
