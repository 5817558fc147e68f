// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/*
 * The command buffer encoder of libdrm_vsvm, without a vsvm device.
 *
 * Every emitter is checked twice against the uapi: its bytes must equal
 * the struct drm_vsvm_cmd_* built here field by field, and the fields must
 * sit at the fixed offsets of the command format (little endian), so that
 * a layout change of vsvm_drm.h is noticed too. Then -ENOSPC when full,
 * reset, the 1 MiB limit and NULL handles.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vsvm.h"

#include "check.h"

/* Distinct, recognisable values for every field. */
#define ADDR	0x00007f1234567008ull
#define ADDR2	0x00007f89abcdef10ull
#define ADDR3	0x00005555deadbee8ull
#define VAL64	0x0123456789abcdefull
#define SIZE	0x0000000100000234ull

static const uint8_t *cmd_ptr(vsvm_cmdbuf_handle cb, uint32_t offset)
{
	return (const uint8_t *)(uintptr_t)vsvm_cmdbuf_address(cb) + offset;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Bytes [from, to) of the command at @p are zero (padding, unused). */
static bool zero(const uint8_t *p, size_t from, size_t to)
{
	for (; from < to; from++)
		if (p[from])
			return false;
	return true;
}

/*
 * Emits one of each command into @cb and checks them; @cb must be empty
 * and hold them all.
 */
static void test_encoding(vsvm_cmdbuf_handle cb)
{
	uint32_t off = 0;
	const uint8_t *p;

	/* NOP */
	{
		struct drm_vsvm_cmd_header want = { .op = DRM_VSVM_CMD_NOP };

		check_eq(vsvm_cmdbuf_nop(cb), 0);
		check_eq(vsvm_cmdbuf_size(cb), off + 8);
		p = cmd_ptr(cb, off);
		check_bytes(p, &want, sizeof(want));
		check_eq(le32(p), DRM_VSVM_CMD_NOP);
		check_eq(le32(p + 4), 0);
		off += 8;
	}

	/* WRITE, 32 bit: value zero-extended, no 64BIT flag. */
	{
		struct drm_vsvm_cmd_write want = {
			.hdr = { .op = DRM_VSVM_CMD_WRITE },
			.address = ADDR, .value = 0xfedcba98u,
		};

		check_eq(sizeof(want), 24);
		check_eq(vsvm_cmdbuf_write32(cb, ADDR, 0xfedcba98u), 0);
		check_eq(vsvm_cmdbuf_size(cb), off + 24);
		p = cmd_ptr(cb, off);
		check_bytes(p, &want, sizeof(want));
		check_eq(le32(p), DRM_VSVM_CMD_WRITE);
		check_eq(le32(p + 4), 0);
		check_eq(le64(p + 8), ADDR);
		check_eq(le64(p + 16), 0xfedcba98u);
		off += 24;
	}

	/* WRITE, 64 bit. */
	{
		struct drm_vsvm_cmd_write want = {
			.hdr = { .op = DRM_VSVM_CMD_WRITE,
				 .flags = DRM_VSVM_CMD_64BIT },
			.address = ADDR, .value = VAL64,
		};

		check_eq(vsvm_cmdbuf_write64(cb, ADDR, VAL64), 0);
		check_eq(vsvm_cmdbuf_size(cb), off + 24);
		p = cmd_ptr(cb, off);
		check_bytes(p, &want, sizeof(want));
		check_eq(le32(p), DRM_VSVM_CMD_WRITE);
		check_eq(le32(p + 4), DRM_VSVM_CMD_64BIT);
		check_eq(le64(p + 8), ADDR);
		check_eq(le64(p + 16), VAL64);
		off += 24;
	}

	/* COPY */
	{
		struct drm_vsvm_cmd_copy want = {
			.hdr = { .op = DRM_VSVM_CMD_COPY },
			.dst = ADDR, .src = ADDR2, .size = SIZE,
		};

		check_eq(sizeof(want), 32);
		check_eq(vsvm_cmdbuf_copy(cb, ADDR, ADDR2, SIZE), 0);
		check_eq(vsvm_cmdbuf_size(cb), off + 32);
		p = cmd_ptr(cb, off);
		check_bytes(p, &want, sizeof(want));
		check_eq(le32(p), DRM_VSVM_CMD_COPY);
		check_eq(le32(p + 4), 0);
		check_eq(le64(p + 8), ADDR);
		check_eq(le64(p + 16), ADDR2);
		check_eq(le64(p + 24), SIZE);
		off += 32;
	}

	/* FILL: pad zero. */
	{
		struct drm_vsvm_cmd_fill want = {
			.hdr = { .op = DRM_VSVM_CMD_FILL },
			.dst = ADDR, .size = SIZE, .value = 0xa1b2c3d4u,
		};

		check_eq(sizeof(want), 32);
		check_eq(vsvm_cmdbuf_fill(cb, ADDR, SIZE, 0xa1b2c3d4u), 0);
		check_eq(vsvm_cmdbuf_size(cb), off + 32);
		p = cmd_ptr(cb, off);
		check_bytes(p, &want, sizeof(want));
		check_eq(le32(p), DRM_VSVM_CMD_FILL);
		check_eq(le32(p + 4), 0);
		check_eq(le64(p + 8), ADDR);
		check_eq(le64(p + 16), SIZE);
		check_eq(le32(p + 24), 0xa1b2c3d4u);
		check_eq(zero(p, 28, 32), true);
		off += 32;
	}

	/* ATOMIC, 32 bit: operands as given, pad zero. */
	{
		struct drm_vsvm_cmd_atomic want = {
			.hdr = { .op = DRM_VSVM_CMD_ATOMIC },
			.address = ADDR, .operand = 5, .compare = 0,
			.result = ADDR2, .atomic_op = DRM_VSVM_ATOMIC_ADD,
		};

		check_eq(sizeof(want), 48);
		check_eq(vsvm_cmdbuf_atomic(cb, false, DRM_VSVM_ATOMIC_ADD,
					    ADDR, 5, 0, ADDR2), 0);
		check_eq(vsvm_cmdbuf_size(cb), off + 48);
		p = cmd_ptr(cb, off);
		check_bytes(p, &want, sizeof(want));
		check_eq(le32(p), DRM_VSVM_CMD_ATOMIC);
		check_eq(le32(p + 4), 0);
		check_eq(le64(p + 8), ADDR);
		check_eq(le64(p + 16), 5);
		check_eq(le64(p + 24), 0);
		check_eq(le64(p + 32), ADDR2);
		check_eq(le32(p + 40), DRM_VSVM_ATOMIC_ADD);
		check_eq(zero(p, 44, 48), true);
		off += 48;
	}

	/* ATOMIC, 64 bit CMPXCHG without result. */
	{
		struct drm_vsvm_cmd_atomic want = {
			.hdr = { .op = DRM_VSVM_CMD_ATOMIC,
				 .flags = DRM_VSVM_CMD_64BIT },
			.address = ADDR3, .operand = VAL64, .compare = ~VAL64,
			.result = 0, .atomic_op = DRM_VSVM_ATOMIC_CMPXCHG,
		};

		check_eq(vsvm_cmdbuf_atomic(cb, true, DRM_VSVM_ATOMIC_CMPXCHG,
					    ADDR3, VAL64, ~VAL64, 0), 0);
		check_eq(vsvm_cmdbuf_size(cb), off + 48);
		p = cmd_ptr(cb, off);
		check_bytes(p, &want, sizeof(want));
		check_eq(le32(p), DRM_VSVM_CMD_ATOMIC);
		check_eq(le32(p + 4), DRM_VSVM_CMD_64BIT);
		check_eq(le64(p + 8), ADDR3);
		check_eq(le64(p + 16), VAL64);
		check_eq(le64(p + 24), ~VAL64);
		check_eq(le64(p + 32), 0);
		check_eq(le32(p + 40), DRM_VSVM_ATOMIC_CMPXCHG);
		check_eq(zero(p, 44, 48), true);
		off += 48;
	}

	/* CHECKSUM */
	{
		struct drm_vsvm_cmd_checksum want = {
			.hdr = { .op = DRM_VSVM_CMD_CHECKSUM },
			.address = ADDR, .size = SIZE, .result = ADDR3,
		};

		check_eq(sizeof(want), 32);
		check_eq(vsvm_cmdbuf_checksum(cb, ADDR, SIZE, ADDR3), 0);
		check_eq(vsvm_cmdbuf_size(cb), off + 32);
		p = cmd_ptr(cb, off);
		check_bytes(p, &want, sizeof(want));
		check_eq(le32(p), DRM_VSVM_CMD_CHECKSUM);
		check_eq(le32(p + 4), 0);
		check_eq(le64(p + 8), ADDR);
		check_eq(le64(p + 16), SIZE);
		check_eq(le64(p + 24), ADDR3);
		off += 32;
	}

	/* WAIT, 32 bit. */
	{
		struct drm_vsvm_cmd_wait want = {
			.hdr = { .op = DRM_VSVM_CMD_WAIT },
			.address = ADDR, .value = 0x80000001u,
			.mask = 0xffff0001u, .cond = DRM_VSVM_WAIT_GTE,
		};

		check_eq(sizeof(want), 40);
		check_eq(vsvm_cmdbuf_wait(cb, false, DRM_VSVM_WAIT_GTE, ADDR,
					  0x80000001u, 0xffff0001u), 0);
		check_eq(vsvm_cmdbuf_size(cb), off + 40);
		p = cmd_ptr(cb, off);
		check_bytes(p, &want, sizeof(want));
		check_eq(le32(p), DRM_VSVM_CMD_WAIT);
		check_eq(le32(p + 4), 0);
		check_eq(le64(p + 8), ADDR);
		check_eq(le64(p + 16), 0x80000001u);
		check_eq(le64(p + 24), 0xffff0001u);
		check_eq(le32(p + 32), DRM_VSVM_WAIT_GTE);
		check_eq(zero(p, 36, 40), true);
		off += 40;
	}

	/* WAIT, 64 bit. */
	{
		struct drm_vsvm_cmd_wait want = {
			.hdr = { .op = DRM_VSVM_CMD_WAIT,
				 .flags = DRM_VSVM_CMD_64BIT },
			.address = ADDR2, .value = VAL64, .mask = ~0ull,
			.cond = DRM_VSVM_WAIT_NEQ,
		};

		check_eq(vsvm_cmdbuf_wait(cb, true, DRM_VSVM_WAIT_NEQ, ADDR2,
					  VAL64, ~0ull), 0);
		check_eq(vsvm_cmdbuf_size(cb), off + 40);
		p = cmd_ptr(cb, off);
		check_bytes(p, &want, sizeof(want));
		check_eq(le32(p), DRM_VSVM_CMD_WAIT);
		check_eq(le32(p + 4), DRM_VSVM_CMD_64BIT);
		check_eq(le64(p + 8), ADDR2);
		check_eq(le64(p + 16), VAL64);
		check_eq(le64(p + 24), ~0ull);
		check_eq(le32(p + 32), DRM_VSVM_WAIT_NEQ);
		check_eq(zero(p, 36, 40), true);
		off += 40;
	}

	/* TIMESTAMP */
	{
		struct drm_vsvm_cmd_timestamp want = {
			.hdr = { .op = DRM_VSVM_CMD_TIMESTAMP },
			.address = ADDR3,
		};

		check_eq(sizeof(want), 16);
		check_eq(vsvm_cmdbuf_timestamp(cb, ADDR3), 0);
		check_eq(vsvm_cmdbuf_size(cb), off + 16);
		p = cmd_ptr(cb, off);
		check_bytes(p, &want, sizeof(want));
		check_eq(le32(p), DRM_VSVM_CMD_TIMESTAMP);
		check_eq(le32(p + 4), 0);
		check_eq(le64(p + 8), ADDR3);
		off += 16;
	}

	/* DISPATCH: the fields as given, the header set */
	{
		struct drm_vsvm_cmd_dispatch in = {
			.hdr = { .op = 0x77, .flags = 5 },
			.program = ADDR, .program_size = 64,
			.shared_size = 256, .args = ADDR2,
			.grid = { 4, 2, 1 }, .group_size = { 64, 1, 1 },
			.group_first = 1, .group_count = 7,
			.private_size = 16, .global_offset = { 1, 2, 3 },
		};

		check_eq(sizeof(in), 96);
		check_eq(vsvm_cmdbuf_dispatch(cb, &in), 0);
		check_eq(vsvm_cmdbuf_size(cb), off + 96);
		p = cmd_ptr(cb, off);
		check_eq(le32(p), DRM_VSVM_CMD_DISPATCH);
		check_eq(le32(p + 4), 0);
		check_eq(le64(p + 8), ADDR);
		check_eq(le32(p + 16), 64);
		check_eq(le32(p + 20), 256);
		check_eq(le64(p + 24), ADDR2);
		check_eq(le32(p + 32), 4);
		check_eq(le32(p + 36), 2);
		check_eq(le32(p + 40), 1);
		check_eq(le32(p + 44), 64);
		check_eq(le32(p + 56), 1);
		check_eq(le32(p + 60), 7);
		check_eq(le32(p + 64), 16);
		check_eq(le32(p + 68), 0);
		check_eq(le64(p + 72), 1);
		check_eq(le64(p + 88), 3);
		off += 96;
	}

	check_eq(off, 8 + 2 * 24 + 2 * 32 + 2 * 48 + 32 + 2 * 40 + 16 + 96);
	check_eq(vsvm_cmdbuf_size(cb), off);
}

static void test_create(void)
{
	const long page = sysconf(_SC_PAGESIZE);
	vsvm_cmdbuf_handle cb = NULL;
	uint64_t addr;

	check_eq(vsvm_cmdbuf_create(4096, NULL), -EINVAL);
	check_eq(vsvm_cmdbuf_create(0, &cb), -EINVAL);
	check_eq(vsvm_cmdbuf_create(VSVM_CMDBUF_MAX_CAPACITY + 1, &cb),
		 -EINVAL);
	check_eq(cb == NULL, 1);

	/* Page aligned, empty; the encoding starts at the address. */
	check_eq(vsvm_cmdbuf_create(1, &cb), 0);
	if (!cb)
		return;
	addr = vsvm_cmdbuf_address(cb);
	check_eq(addr != 0, 1);
	check_eq(addr % (uint64_t)page, 0);
	check_eq(vsvm_cmdbuf_size(cb), 0);
	test_encoding(cb);

	/* Reset: empty again, same memory, next command at the start. */
	vsvm_cmdbuf_reset(cb);
	check_eq(vsvm_cmdbuf_size(cb), 0);
	check_eq(vsvm_cmdbuf_address(cb), addr);
	check_eq(vsvm_cmdbuf_timestamp(cb, ADDR), 0);
	check_eq(vsvm_cmdbuf_size(cb), 16);
	check_eq(le32(cmd_ptr(cb, 0)), DRM_VSVM_CMD_TIMESTAMP);
	check_eq(le64(cmd_ptr(cb, 8)), ADDR);
	vsvm_cmdbuf_reset(cb);
	test_encoding(cb);

	vsvm_cmdbuf_destroy(cb);
}

/* A one-page buffer: the page is all there is, and -ENOSPC leaves it. */
static void test_full(void)
{
	const long page = sysconf(_SC_PAGESIZE);
	static uint8_t before[1 << 16];
	vsvm_cmdbuf_handle cb = NULL;
	uint32_t n, used;
	const uint8_t *p;

	if (page > (long)sizeof(before)) {
		fprintf(stderr, "page size %ld: -ENOSPC checks skipped\n",
			page);
		return;
	}

	check_eq(vsvm_cmdbuf_create((size_t)page - 100, &cb), 0);
	if (!cb)
		return;

	/* 24-byte writes until the next one does not fit. */
	for (n = 0; (n + 1) * 24 <= (uint32_t)page; n++)
		check_eq(vsvm_cmdbuf_write64(cb, ADDR + 8 * n, n), 0);
	used = n * 24;
	check_eq(vsvm_cmdbuf_size(cb), used);

	p = cmd_ptr(cb, 0);
	memcpy(before, p, (size_t)page);
	check_eq(vsvm_cmdbuf_write64(cb, ADDR, VAL64), -ENOSPC);
	check_eq(vsvm_cmdbuf_atomic(cb, true, DRM_VSVM_ATOMIC_ADD, ADDR, 1, 0,
				    0), -ENOSPC);
	check_eq(vsvm_cmdbuf_size(cb), used);
	check_bytes(p, before, (size_t)page);

	/* 4096 % 24 == 16: two NOPs still fit exactly, a third does not. */
	while (vsvm_cmdbuf_size(cb) + 8 <= (uint32_t)page)
		check_eq(vsvm_cmdbuf_nop(cb), 0);
	check_eq(vsvm_cmdbuf_size(cb), (uint32_t)page);
	check_eq(le32(cmd_ptr(cb, used)), DRM_VSVM_CMD_NOP);
	check_eq(vsvm_cmdbuf_nop(cb), -ENOSPC);
	check_eq(vsvm_cmdbuf_timestamp(cb, ADDR), -ENOSPC);
	check_eq(vsvm_cmdbuf_size(cb), (uint32_t)page);

	/* Emptied, it fills again. */
	vsvm_cmdbuf_reset(cb);
	check_eq(vsvm_cmdbuf_size(cb), 0);
	check_eq(vsvm_cmdbuf_write64(cb, ADDR, VAL64), 0);
	check_eq(vsvm_cmdbuf_size(cb), 24);

	vsvm_cmdbuf_destroy(cb);
}

/* The largest buffer holds exactly the kernel's 1 MiB batch limit. */
static void test_max(void)
{
	vsvm_cmdbuf_handle cb = NULL;
	uint32_t i;

	check_eq(vsvm_cmdbuf_create(VSVM_CMDBUF_MAX_CAPACITY, &cb), 0);
	if (!cb)
		return;

	for (i = 0; i < VSVM_EXEC_MAX_BATCH_SIZE / 8; i++)
		if (vsvm_cmdbuf_nop(cb))
			break;
	check_eq(i, VSVM_EXEC_MAX_BATCH_SIZE / 8);
	check_eq(vsvm_cmdbuf_size(cb), VSVM_EXEC_MAX_BATCH_SIZE);
	check_eq(vsvm_cmdbuf_nop(cb), -ENOSPC);
	check_eq(vsvm_cmdbuf_size(cb), VSVM_EXEC_MAX_BATCH_SIZE);

	vsvm_cmdbuf_destroy(cb);
}

static void test_null(void)
{
	check_eq(vsvm_cmdbuf_address(NULL), 0);
	check_eq(vsvm_cmdbuf_size(NULL), 0);
	check_eq(vsvm_cmdbuf_nop(NULL), -EINVAL);
	check_eq(vsvm_cmdbuf_write32(NULL, ADDR, 1), -EINVAL);
	check_eq(vsvm_cmdbuf_write64(NULL, ADDR, 1), -EINVAL);
	check_eq(vsvm_cmdbuf_copy(NULL, ADDR, ADDR2, 8), -EINVAL);
	check_eq(vsvm_cmdbuf_fill(NULL, ADDR, 8, 0), -EINVAL);
	check_eq(vsvm_cmdbuf_atomic(NULL, true, DRM_VSVM_ATOMIC_ADD, ADDR, 1,
				    0, 0), -EINVAL);
	check_eq(vsvm_cmdbuf_checksum(NULL, ADDR, 8, ADDR2), -EINVAL);
	check_eq(vsvm_cmdbuf_wait(NULL, false, DRM_VSVM_WAIT_EQ, ADDR, 0, 0),
		 -EINVAL);
	check_eq(vsvm_cmdbuf_timestamp(NULL, ADDR), -EINVAL);
	check_eq(vsvm_cmdbuf_dispatch(NULL, &(struct drm_vsvm_cmd_dispatch){}),
		 -EINVAL);
	vsvm_cmdbuf_reset(NULL);
	vsvm_cmdbuf_destroy(NULL);
}

int main(void)
{
	test_create();
	test_full();
	test_max();
	test_null();

	if (failures) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}

	printf("all checks passed\n");
	return 0;
}
