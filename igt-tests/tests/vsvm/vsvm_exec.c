// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/*
 * The vsvm command set, one command at a time, with exact results: every
 * byte of the buffers a command works on is checked, including the bytes
 * around the range it must not touch. Then what goes wrong (malformed
 * commands, a job that never ends) and jobs working together: syncobj
 * chains across engines, ordering on an engine, many jobs on all engines.
 *
 * All memory is plain user memory: the GPU reaches it through SVM.
 */

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt.h"
#include "igt_syncobj.h"
#include "igt_vsvm.h"
#include "vsvm_drm.h"

IGT_TEST_DESCRIPTION("Check every vsvm command with exact results, the "
		     "errors of malformed commands and of jobs that time out, "
		     "and jobs waiting for syncobjs, user fences and their wait ioctl.");

/* Fill of bytes the GPU must not write. */
#define POISON		0xa5

/* Pages of the data buffer of each subtest. */
#define DATA_PAGES	8

static int page_size;

/* A VM with a command buffer and a data buffer, for one subtest. */
struct env {
	int fd;
	uint32_t vm;
	uint32_t engines;
	struct vsvm_cmdbuf *cb;
	uint8_t *data;		/* DATA_PAGES pages */
	size_t data_size;
};

static void env_init(struct env *env, int fd)
{
	env->fd = fd;
	env->vm = vsvm_vm_create(fd);
	env->engines = vsvm_num_engines(fd);
	env->cb = vsvm_cmdbuf_create(16 * page_size);
	env->data_size = DATA_PAGES * page_size;
	env->data = mmap(NULL, env->data_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(env->data != MAP_FAILED);
	memset(env->data, POISON, env->data_size);
}

static void env_fini(struct env *env)
{
	vsvm_vm_destroy(env->fd, env->vm);
	vsvm_cmdbuf_destroy(env->cb);
	munmap(env->data, env->data_size);
}

static uint64_t addr(const void *p)
{
	return to_user_pointer(p);
}

/* Runs the commands emitted so far on @engine and empties the buffer. */
static int env_run(struct env *env, uint32_t engine)
{
	int status = vsvm_exec_wait(env->fd, env->vm, engine, env->cb);

	vsvm_cmdbuf_reset(env->cb);

	return status;
}

/* Checks that [p, p + len) holds @byte, reporting the first mismatch. */
static void assert_bytes(const uint8_t *p, uint8_t byte, size_t len,
			 const char *what)
{
	for (size_t i = 0; i < len; i++)
		igt_assert_f(p[i] == byte,
			     "%s: byte %zu is %#x, expected %#x\n",
			     what, i, p[i], byte);
}

static void assert_mem_eq(const uint8_t *got, const uint8_t *expected,
			  size_t len, const char *what)
{
	for (size_t i = 0; i < len; i++)
		igt_assert_f(got[i] == expected[i],
			     "%s: byte %zu is %#x, expected %#x\n",
			     what, i, got[i], expected[i]);
}

static void fill_random(uint8_t *p, size_t len, unsigned int seed)
{
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = x >> 24;
	}
}

/* Checks the error record of the VM after a failed job. */
static void assert_vm_error(struct env *env, uint64_t seqno, int err,
			    uint64_t address, uint32_t access, uint32_t engine)
{
	struct drm_vsvm_vm_error error;

	vsvm_vm_error(env->fd, env->vm, &error);
	igt_assert_eq_u64(error.seqno, seqno);
	igt_assert_eq(error.error, err);
	igt_assert_eq_u64(error.address, address);
	igt_assert_eq_u32(error.access, access);
	igt_assert_eq_u32(error.engine, engine);
}

/* Commands, one by one. */

static void test_nop(int fd)
{
	uint64_t stats[VSVM_STAT_COUNT];
	struct env env;

	env_init(&env, fd);
	for (uint32_t e = 0; e < env.engines; e++) {
		for (int i = 0; i < 16; i++)
			vsvm_emit_nop(env.cb);
		igt_assert_eq(env_run(&env, e), 1);
		igt_assert_eq_u64(env.cb->seqno, e + 1);
	}
	assert_bytes(env.data, POISON, env.data_size, "data");

	vsvm_stats(fd, env.vm, stats);
	igt_assert_eq_u64(stats[VSVM_STAT_JOBS], env.engines);
	igt_assert_eq_u64(stats[VSVM_STAT_JOBS_FAILED], 0);
	assert_vm_error(&env, 0, 0, 0, 0, 0);
	env_fini(&env);
}

static void test_write(int fd, bool is64)
{
	const size_t width = is64 ? 8 : 4;
	static const uint64_t values[] = {
		0, ~0ull, 0xdeadbeefcafef00dull, 0x1122334455667788ull, 1,
	};
	/* Offsets: start, middle, last word of a page, next page. */
	const size_t offsets[] = {
		0, 1000, page_size - 8, page_size, 3 * page_size + 16,
	};
	uint8_t *expected;
	struct env env;
	uint64_t bad;

	env_init(&env, fd);
	expected = malloc(env.data_size);
	igt_assert(expected);
	memset(expected, POISON, env.data_size);

	/*
	 * Each value, then its complement one word further: the word in
	 * between keeps its poison, which checks the width of the writes.
	 */
	for (unsigned int i = 0; i < ARRAY_SIZE(offsets); i++) {
		uint64_t v = values[i % ARRAY_SIZE(values)], nv = ~v;
		uint32_t v32 = v, nv32 = ~v32;
		struct drm_vsvm_cmd_write *w;

		if (is64) {
			vsvm_emit_write64(env.cb, addr(env.data + offsets[i]), v);
			vsvm_emit_write64(env.cb,
					  addr(env.data + offsets[i] + 16), nv);
			memcpy(expected + offsets[i], &v, 8);
			memcpy(expected + offsets[i] + 16, &nv, 8);
		} else {
			/* Upper bits set are malformed (vsvm_bounds). */
			w = from_user_pointer(vsvm_emit_write32(env.cb,
					addr(env.data + offsets[i]), v32));
			igt_assert_eq_u64(w->value, v32);
			vsvm_emit_write32(env.cb,
					  addr(env.data + offsets[i] + 8), nv32);
			memcpy(expected + offsets[i], &v32, 4);
			memcpy(expected + offsets[i] + 8, &nv32, 4);
		}
	}
	igt_assert_eq(env_run(&env, 0), 1);
	assert_mem_eq(env.data, expected, env.data_size, "write");

	/* A later write to the same word replaces it. */
	if (is64)
		vsvm_emit_write64(env.cb, addr(env.data), 42);
	else
		vsvm_emit_write32(env.cb, addr(env.data), 42);
	igt_assert_eq(env_run(&env, env.engines - 1), 1);
	if (is64)
		igt_assert_eq_u64(*(uint64_t *)env.data, 42);
	else
		igt_assert_eq_u32(*(uint32_t *)env.data, 42);

	/* A misaligned address is a malformed command. */
	for (size_t off = 1; off < width; off++) {
		uint64_t before = *(uint64_t *)(env.data + 64);

		bad = is64 ? vsvm_emit_write64(env.cb, addr(env.data + 64 + off), 1)
			   : vsvm_emit_write32(env.cb, addr(env.data + 64 + off), 1);
		igt_debug("misaligned write at %#llx\n",
			  (unsigned long long)bad);
		igt_assert_eq(env_run(&env, 0), -EINVAL);
		assert_vm_error(&env, env.cb->seqno, -EINVAL, 0, 0, 0);
		igt_assert_eq_u64(*(uint64_t *)(env.data + 64), before);
	}

	free(expected);
	env_fini(&env);
}

static void check_copy(struct env *env, uint8_t *dst, const uint8_t *src,
		       size_t size, uint8_t *dst_region, size_t region_size)
{
	uint8_t *expected = malloc(region_size);

	igt_assert(expected);
	igt_assert(dst >= dst_region && dst + size <= dst_region + region_size);
	memcpy(expected, dst_region, region_size);
	memcpy(expected + (dst - dst_region), src, size);

	vsvm_emit_copy(env->cb, addr(dst), addr(src), size);
	igt_assert_eq(env_run(env, 0), 1);
	assert_mem_eq(dst_region, expected, region_size, "copy");
	free(expected);
}

static void test_copy(int fd)
{
	struct env env;
	uint8_t *src;

	env_init(&env, fd);
	src = malloc(4 * page_size);
	igt_assert(src);
	fill_random(src, 4 * page_size, 1);

	/* A page, a word, a byte, from malloc()ed to mmap()ed memory. */
	check_copy(&env, env.data, src, page_size, env.data, env.data_size);
	check_copy(&env, env.data + 2 * page_size, src + 8, 8, env.data,
		   env.data_size);
	check_copy(&env, env.data + 3 * page_size, src + 100, 1, env.data,
		   env.data_size);

	/* Size 0 copies nothing, even from address 0. */
	vsvm_emit_copy(env.cb, addr(env.data), 0, 0);
	vsvm_emit_copy(env.cb, 0, addr(src), 0);
	igt_assert_eq(env_run(&env, 0), 1);
	assert_mem_eq(env.data, src, page_size, "copy");

	free(src);
	env_fini(&env);
}

static void test_copy_unaligned(int fd)
{
	static const struct { size_t dst, src, size; } cases[] = {
		{ 5, 3, 1001 }, { 1, 0, 7 }, { 0, 7, 4095 }, { 6, 2, 2 },
		{ 3, 3, 333 }, { 4093, 1, 3 },
	};
	struct env env;
	uint8_t *src;

	env_init(&env, fd);
	src = malloc(2 * page_size);
	igt_assert(src);
	fill_random(src, 2 * page_size, 2);

	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++)
		check_copy(&env, env.data + cases[i].dst, src + cases[i].src,
			   cases[i].size, env.data, 2 * page_size);

	free(src);
	env_fini(&env);
}

static void test_copy_page_crossing(int fd)
{
	struct env env;
	uint8_t *src;

	env_init(&env, fd);
	src = mmap(NULL, 4 * page_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(src != MAP_FAILED);
	fill_random(src, 4 * page_size, 3);

	/* Source and destination cross pages at different offsets. */
	check_copy(&env, env.data + page_size - 5, src + page_size - 17,
		   2 * page_size + 100, env.data, env.data_size);
	check_copy(&env, env.data + 4 * page_size - 1, src + 1,
		   3 * page_size + 2, env.data, env.data_size);
	/* Two bytes, one on each side of a page boundary. */
	check_copy(&env, env.data + 2 * page_size - 1, src + 3 * page_size - 1,
		   2, env.data, env.data_size);

	munmap(src, 4 * page_size);
	env_fini(&env);
}

static void check_fill(struct env *env, size_t offset, size_t size,
		       uint32_t value)
{
	uint8_t *expected = malloc(env->data_size);
	uint8_t pattern[4];

	igt_assert(expected);
	memcpy(pattern, &value, 4);	/* little endian */
	memcpy(expected, env->data, env->data_size);
	/* Byte i of the range gets byte i % 4 of the pattern. */
	for (size_t i = 0; i < size; i++)
		expected[offset + i] = pattern[i % 4];

	vsvm_emit_fill(env->cb, addr(env->data + offset), size, value);
	igt_assert_eq(env_run(env, 0), 1);
	assert_mem_eq(env->data, expected, env->data_size, "fill");
	free(expected);
}

static void test_fill(int fd)
{
	struct env env;

	env_init(&env, fd);
	check_fill(&env, 0, page_size, 0x11223344);
	check_fill(&env, page_size, 4, 0);
	check_fill(&env, 2 * page_size, 2 * page_size, 0xffffffff);
	/* A fill crossing pages, from a page boundary. */
	check_fill(&env, 5 * page_size - 8, page_size + 16, 0xa1b2c3d4);
	env_fini(&env);
}

static void test_fill_unaligned(int fd)
{
	static const struct { size_t offset, size; } cases[] = {
		{ 1, 1 }, { 1, 2 }, { 1, 3 }, { 1, 4 }, { 1, 9 },
		{ 2, 7 }, { 3, 5 }, { 5, 1000 }, { 4095, 3 }, { 6, 8190 },
	};
	uint32_t value = 0x04030201;
	struct env env;
	uint64_t bad;

	env_init(&env, fd);
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		check_fill(&env, cases[i].offset + i * 16 % 64, cases[i].size,
			   value);
		value = value * 0x01010101 + 0x10203040;
	}

	/* A fill with size 0 does nothing. */
	check_fill(&env, 7, 0, 0x55555555);

	/* Non-zero padding is a malformed command. */
	vsvm_emit_fill(env.cb, addr(env.data), 16, 0);
	bad = vsvm_emit_fill(env.cb, addr(env.data + 100), 16, 0);
	((struct drm_vsvm_cmd_fill *)from_user_pointer(bad))->pad = 1;
	igt_assert_eq(env_run(&env, 0), -EINVAL);
	assert_vm_error(&env, env.cb->seqno, -EINVAL, 0, 0, 0);
	assert_bytes(env.data, 0, 16, "fill");
	igt_assert_neq(env.data[100], 0);

	env_fini(&env);
}

enum atomic_case { ATOMIC_ADD, ATOMIC_XCHG, ATOMIC_CMPXCHG };

static const char * const atomic_names[] = {
	[ATOMIC_ADD] = "add",
	[ATOMIC_XCHG] = "xchg",
	[ATOMIC_CMPXCHG] = "cmpxchg",
};

/* Reads/writes a 32- or 64-bit operand. */
static uint64_t get_op(const void *p, bool is64)
{
	return is64 ? *(const uint64_t *)p : *(const uint32_t *)p;
}

static void set_op(void *p, bool is64, uint64_t v)
{
	if (is64)
		*(uint64_t *)p = v;
	else
		*(uint32_t *)p = v;
}

/*
 * One atomic on a word initialised to @initial; checks the word, the old
 * value in the result and the words around both.
 */
static void check_atomic(struct env *env, bool is64, uint32_t op,
			 uint64_t initial, uint64_t operand, uint64_t compare,
			 uint64_t expected_value)
{
	const uint64_t mask = is64 ? ~0ull : 0xffffffffull;
	uint8_t *word = env->data + 256;
	uint8_t *result = env->data + page_size + 512;
	uint8_t before[64], after[64];

	memset(env->data, POISON, 2 * page_size);
	set_op(word, is64, initial);
	memcpy(before, word - 16, sizeof(before));

	vsvm_emit_atomic(env->cb, is64, op, addr(word), operand, compare,
			 addr(result));
	igt_assert_eq(env_run(env, env->cb->seqno % env->engines), 1);

	igt_assert_eq_u64(get_op(word, is64), expected_value & mask);
	igt_assert_eq_u64(get_op(result, is64), initial & mask);
	/* Nothing else changed. */
	set_op(word, is64, initial);
	memcpy(after, word - 16, sizeof(after));
	assert_mem_eq(after, before, sizeof(after), "around the operand");
	assert_bytes(result - 64, POISON, 64, "before the result");
	assert_bytes(result + (is64 ? 8 : 4), POISON, 64, "after the result");
}

static void test_atomic(int fd, enum atomic_case c, bool is64)
{
	const uint64_t big = is64 ? 0xfffffffffffffff0ull : 0xfffffff0ull;
	uint32_t op = c == ATOMIC_ADD ? DRM_VSVM_ATOMIC_ADD :
		      c == ATOMIC_XCHG ? DRM_VSVM_ATOMIC_XCHG :
					 DRM_VSVM_ATOMIC_CMPXCHG;
	uint8_t *word;
	struct env env;

	env_init(&env, fd);
	word = env.data + 256;

	switch (c) {
	case ATOMIC_ADD:
		check_atomic(&env, is64, op, 5, 7, 0, 12);
		/* Wraps around at the operand width. */
		check_atomic(&env, is64, op, big, 0x20, 0, big + 0x20);
		/* The emitter passes a 32-bit add the low half only. */
		if (!is64)
			check_atomic(&env, is64, op, 1,
				     0x100000002ull, 0, 3);
		/* Adding -1. */
		check_atomic(&env, is64, op, 10, is64 ? ~0ull : 0xffffffffull,
			     0, 9);
		break;
	case ATOMIC_XCHG:
		check_atomic(&env, is64, op, 0x1234, big, 0, big);
		check_atomic(&env, is64, op, big, 0, 0, 0);
		break;
	case ATOMIC_CMPXCHG:
		/* Matching: swapped. */
		check_atomic(&env, is64, op, 77, 88, 77, 88);
		check_atomic(&env, is64, op, big, 1, big, 1);
		/* Not matching: unchanged, the old value still reported. */
		check_atomic(&env, is64, op, 77, 88, 78, 77);
		check_atomic(&env, is64, op, big, 1, big - 1, big);
		break;
	}

	/* Without a result address, only the operand changes. */
	memset(env.data, POISON, env.data_size);
	set_op(word, is64, 40);
	vsvm_emit_atomic(env.cb, is64, op, addr(word), 2,
			 c == ATOMIC_CMPXCHG ? 40 : 0, 0);
	igt_assert_eq(env_run(&env, 0), 1);
	igt_assert_eq_u64(get_op(word, is64), c == ATOMIC_ADD ? 42 : 2);
	memset(word, POISON, is64 ? 8 : 4);
	assert_bytes(env.data, POISON, env.data_size, "data");

	/* A misaligned operand is a malformed command, and nothing changes. */
	set_op(word, is64, 40);
	vsvm_emit_atomic(env.cb, is64, op, addr(word + 4 - (is64 ? 0 : 2)),
			 1, c == ATOMIC_CMPXCHG ? 40 : 0,
			 addr(env.data + 2048));
	igt_assert_eq(env_run(&env, 0), -EINVAL);
	assert_vm_error(&env, env.cb->seqno, -EINVAL, 0, 0, 0);
	igt_assert_eq_u64(get_op(word, is64), 40);

	/* A compare value for anything but CMPXCHG is malformed too. */
	if (c != ATOMIC_CMPXCHG) {
		vsvm_emit_atomic(env.cb, is64, op, addr(word), 1, 40, 0);
		igt_assert_eq(env_run(&env, 0), -EINVAL);
		igt_assert_eq_u64(get_op(word, is64), 40);
	}

	env_fini(&env);
}

/*
 * Atomic adds from every engine and from the CPU at once: none is lost.
 */
#define ADDS_PER_JOB	128

struct cpu_adder {
	uint64_t *counter;
	volatile bool *stop;
	uint64_t count;
};

static void *cpu_adder_thread(void *arg)
{
	struct cpu_adder *a = arg;

	while (!READ_ONCE(*a->stop)) {
		__atomic_fetch_add(a->counter, 1, __ATOMIC_SEQ_CST);
		a->count++;
	}

	return NULL;
}

static void test_atomic_concurrent(int fd)
{
	struct vsvm_cmdbuf **cbs;
	struct drm_vsvm_ufence **ufences;
	struct cpu_adder adder;
	volatile bool stop = false;
	uint64_t *counter;
	uint32_t *counter32;
	pthread_t thread;
	struct env env;

	env_init(&env, fd);
	counter = (uint64_t *)env.data;
	counter32 = (uint32_t *)(env.data + 64);
	*counter = 0;
	*counter32 = 0;
	cbs = calloc(env.engines, sizeof(*cbs));
	ufences = calloc(env.engines, sizeof(*ufences));
	igt_assert(cbs && ufences);

	for (uint32_t e = 0; e < env.engines; e++) {
		cbs[e] = vsvm_cmdbuf_create(ADDS_PER_JOB * 2 *
					    sizeof(struct drm_vsvm_cmd_atomic));
		for (int i = 0; i < ADDS_PER_JOB; i++) {
			vsvm_emit_atomic(cbs[e], true, DRM_VSVM_ATOMIC_ADD,
					 addr(counter), 1, 0, 0);
			vsvm_emit_atomic(cbs[e], false, DRM_VSVM_ATOMIC_ADD,
					 addr(counter32), 3, 0, 0);
		}
		ufences[e] = vsvm_ufence_create();
	}

	adder.counter = counter;
	adder.stop = &stop;
	adder.count = 0;
	igt_assert_eq(pthread_create(&thread, NULL, cpu_adder_thread, &adder),
		      0);

	for (uint32_t e = 0; e < env.engines; e++)
		vsvm_exec_ufence(fd, env.vm, e, cbs[e], NULL, 0, ufences[e]);
	for (uint32_t e = 0; e < env.engines; e++)
		igt_assert_eq(vsvm_ufence_wait_status(fd, ufences[e],
						       VSVM_JOB_WAIT_NS), 1);

	stop = true;
	pthread_join(thread, NULL);
	igt_info("%llu CPU adds alongside %u GPU adds\n",
		 (unsigned long long)adder.count,
		 env.engines * ADDS_PER_JOB);

	igt_assert_eq_u64(*counter,
			  adder.count + env.engines * ADDS_PER_JOB);
	igt_assert_eq_u32(*counter32, 3 * env.engines * ADDS_PER_JOB);

	for (uint32_t e = 0; e < env.engines; e++) {
		vsvm_ufence_destroy(ufences[e]);
		vsvm_cmdbuf_destroy(cbs[e]);
	}
	free(cbs);
	free(ufences);
	env_fini(&env);
}

static void test_checksum(int fd)
{
	const size_t sizes[] = {
		1, 3, 4, 9, 100, 4095, 4096, 4097, 3 * 4096 + 123,
	};
	static const char check[] = "123456789";
	uint32_t *results;
	struct env env;
	uint8_t *buf;
	uint64_t bad;

	env_init(&env, fd);
	buf = malloc(5 * page_size);
	igt_assert(buf);
	fill_random(buf, 5 * page_size, 4);
	results = (uint32_t *)(env.data + 7 * page_size);

	/* The standard check value of CRC-32. */
	igt_assert_eq_u32(vsvm_crc32(0, check, 9), 0xcbf43926);
	memcpy(env.data, check, 9);
	vsvm_emit_checksum(env.cb, addr(env.data), 9, addr(&results[0]));
	/* An empty range has CRC 0. */
	vsvm_emit_checksum(env.cb, addr(env.data), 0, addr(&results[1]));
	igt_assert_eq(env_run(&env, 0), 1);
	igt_assert_eq_u32(results[0], 0xcbf43926);
	igt_assert_eq_u32(results[1], 0);
	assert_bytes((uint8_t *)&results[2], POISON, 64, "after the results");

	/* Sizes around page boundaries, at odd offsets. */
	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		const uint8_t *p = buf + (i * 37) % page_size;

		vsvm_emit_checksum(env.cb, addr(p), sizes[i],
				   addr(&results[i]));
	}
	igt_assert_eq(env_run(&env, env.engines - 1), 1);
	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		const uint8_t *p = buf + (i * 37) % page_size;

		igt_assert_f(results[i] == vsvm_crc32(0, p, sizes[i]),
			     "size %zu: CRC %#x, expected %#x\n", sizes[i],
			     results[i], vsvm_crc32(0, p, sizes[i]));
	}

	/* The GPU checksum of what the GPU wrote. */
	vsvm_emit_fill(env.cb, addr(env.data + page_size), 2 * page_size,
		       0x89abcdef);
	vsvm_emit_checksum(env.cb, addr(env.data + page_size), 2 * page_size,
			   addr(&results[0]));
	igt_assert_eq(env_run(&env, 0), 1);
	igt_assert_eq_u32(results[0], vsvm_crc32(0, env.data + page_size,
						  2 * page_size));

	/* A misaligned result address is a malformed command. */
	results[0] = 0;
	bad = vsvm_emit_checksum(env.cb, addr(env.data), 9,
				 addr((uint8_t *)results + 2));
	igt_debug("checksum at %#llx\n", (unsigned long long)bad);
	igt_assert_eq(env_run(&env, 0), -EINVAL);
	assert_vm_error(&env, env.cb->seqno, -EINVAL, 0, 0, 0);
	igt_assert_eq_u32(results[0], 0);

	free(buf);
	env_fini(&env);
}

/* WAIT: a job waits for a word the CPU writes later, then answers. */

struct wait_case {
	const char *name;
	bool is64;
	uint32_t cond;
	uint64_t mask;
	uint64_t value;
	uint64_t initial;	/* does not meet the condition */
	uint64_t unmet;		/* written first, still does not */
	uint64_t met;		/* written last, meets it */
};

static const struct wait_case wait_cases[] = {
	{ "eq32", false, DRM_VSVM_WAIT_EQ, 0xffffffff, 7, 0, 6, 7 },
	{ "eq32-masked", false, DRM_VSVM_WAIT_EQ, 0xff00, 0x1200, 0,
	  0x13ff, 0xab12cd },
	{ "neq32", false, DRM_VSVM_WAIT_NEQ, 0xffffffff, 5, 5, 5, 6 },
	{ "gte32", false, DRM_VSVM_WAIT_GTE, 0xffffffff, 100, 0, 99,
	  0xffffffff },
	{ "lt32", false, DRM_VSVM_WAIT_LT, 0xffffffff, 10, 0xffffffff, 10, 9 },
	{ "eq64", true, DRM_VSVM_WAIT_EQ, ~0ull, 0x100000000ull, 0, 1,
	  0x100000000ull },
	{ "gte64-masked", true, DRM_VSVM_WAIT_GTE, 0xffff00000000ull,
	  0x500000000ull, 0xffffffffull, 0x4ffffffffull, 0x500000000ull },
	{ "lt64", true, DRM_VSVM_WAIT_LT, ~0ull, 0x100000000ull, ~0ull,
	  0x100000000ull, 0xffffffffull },
};

static void test_wait_handshake(int fd, const struct wait_case *c)
{
	uint8_t *word, *answer;
	struct env env;
	struct drm_vsvm_ufence *ufence;

	env_init(&env, fd);
	word = env.data + page_size + 64;
	answer = env.data + 3 * page_size;
	memset(answer, 0, 16);
	set_op(word, c->is64, c->initial);

	vsvm_emit_wait(env.cb, c->is64, addr(word), c->value, c->mask, c->cond);
	vsvm_emit_copy(env.cb, addr(answer), addr(word), c->is64 ? 8 : 4);
	vsvm_emit_write32(env.cb, addr(answer + 8), 0xacced);
	ufence = vsvm_ufence_create();
	vsvm_exec_ufence(fd, env.vm, env.engines - 1, env.cb, NULL, 0, ufence);

	/* The job waits... */
	usleep(50 * 1000);
	igt_assert_eq(vsvm_ufence_status(ufence), 0);
	igt_assert_eq_u32(*(uint32_t *)(answer + 8), 0);

	/* ... through a value that does not meet the condition... */
	if (c->is64)
		__atomic_store_n((uint64_t *)word, c->unmet, __ATOMIC_SEQ_CST);
	else
		__atomic_store_n((uint32_t *)word, c->unmet, __ATOMIC_SEQ_CST);
	usleep(50 * 1000);
	igt_assert_eq(vsvm_ufence_status(ufence), 0);
	igt_assert_eq_u32(*(uint32_t *)(answer + 8), 0);

	/* ... until one does. */
	if (c->is64)
		__atomic_store_n((uint64_t *)word, c->met, __ATOMIC_SEQ_CST);
	else
		__atomic_store_n((uint32_t *)word, c->met, __ATOMIC_SEQ_CST);
	igt_assert_eq(vsvm_ufence_wait_status(fd, ufence, VSVM_JOB_WAIT_NS),
		      1);
	igt_assert_eq_u32(*(uint32_t *)(answer + 8), 0xacced);
	igt_assert_eq_u64(get_op(answer, c->is64), c->met);

	/* A condition already met does not wait. */
	vsvm_cmdbuf_reset(env.cb);
	vsvm_emit_wait(env.cb, c->is64, addr(word), c->value, c->mask, c->cond);
	vsvm_emit_write32(env.cb, addr(answer + 8), 0xd0e);
	igt_assert_eq(env_run(&env, 0), 1);
	igt_assert_eq_u32(*(uint32_t *)(answer + 8), 0xd0e);

	vsvm_ufence_destroy(ufence);
	env_fini(&env);
}

static void test_wait_malformed(int fd)
{
	struct drm_vsvm_cmd_wait *w;
	uint32_t *word;
	struct env env;
	uint64_t a;

	env_init(&env, fd);
	word = (uint32_t *)(env.data + 128);
	*word = 1;

	/* cond 0 and 5 do not exist; pad must be 0; address aligned. */
	for (int i = 0; i < 5; i++) {
		a = vsvm_emit_wait(env.cb, i == 4, addr(word), 1, ~0ull,
				   DRM_VSVM_WAIT_EQ);
		w = from_user_pointer(a);
		switch (i) {
		case 0:
			w->cond = 0;
			break;
		case 1:
			w->cond = DRM_VSVM_WAIT_LT + 1;
			break;
		case 2:
			w->pad = 1;
			break;
		case 3:
			w->address += 2;
			break;
		case 4:
			w->address += 4;
			break;
		}
		igt_assert_eq(env_run(&env, 0), -EINVAL);
		assert_vm_error(&env, env.cb->seqno, -EINVAL, 0, 0, 0);
	}
	env_fini(&env);
}

static void test_timestamp(int fd)
{
	uint64_t *ts, cpu[3];
	struct env env;

	env_init(&env, fd);
	ts = (uint64_t *)(env.data + page_size);

	cpu[0] = vsvm_gettime_ns();
	vsvm_emit_timestamp(env.cb, addr(&ts[0]));
	for (int i = 0; i < 8; i++)
		vsvm_emit_fill(env.cb, addr(env.data + 2 * page_size),
			       page_size, i);
	vsvm_emit_timestamp(env.cb, addr(&ts[1]));
	igt_assert_eq(env_run(&env, 0), 1);
	cpu[1] = vsvm_gettime_ns();

	/* Another job on another engine, later. */
	vsvm_emit_timestamp(env.cb, addr(&ts[2]));
	igt_assert_eq(env_run(&env, env.engines - 1), 1);
	cpu[2] = vsvm_gettime_ns();

	igt_debug("cpu %llu, gpu %llu %llu, cpu %llu, gpu %llu, cpu %llu\n",
		  (unsigned long long)cpu[0], (unsigned long long)ts[0],
		  (unsigned long long)ts[1], (unsigned long long)cpu[1],
		  (unsigned long long)ts[2], (unsigned long long)cpu[2]);
	/* The GPU clock is CLOCK_MONOTONIC. */
	igt_assert_lte_u64(cpu[0], ts[0]);
	igt_assert_lte_u64(ts[0], ts[1]);
	igt_assert_lte_u64(ts[1], cpu[1]);
	igt_assert_lte_u64(cpu[1], ts[2]);
	igt_assert_lte_u64(ts[2], cpu[2]);
	assert_bytes((uint8_t *)&ts[3], POISON, 64, "after the timestamps");

	/* A misaligned address is a malformed command. */
	vsvm_emit_timestamp(env.cb, addr(env.data + 4));
	igt_assert_eq(env_run(&env, 0), -EINVAL);
	assert_vm_error(&env, env.cb->seqno, -EINVAL, 0, 0, 0);
	assert_bytes(env.data, POISON, 16, "misaligned timestamp");

	env_fini(&env);
}

/* Malformed commands. */

struct malformed_case {
	const char *name;
	/* Emits the malformed command. */
	void (*emit)(struct env *env);
};

static void emit_op_zero(struct env *env)
{
	vsvm_cmdbuf_emit(env->cb, 8);
}

static void emit_op_unknown(struct env *env)
{
	struct drm_vsvm_cmd_header *h = vsvm_cmdbuf_emit(env->cb, 8);

	h->op = DRM_VSVM_CMD_TIMESTAMP + 1;
}

static void emit_op_huge(struct env *env)
{
	struct drm_vsvm_cmd_header *h = vsvm_cmdbuf_emit(env->cb, 8);

	h->op = ~0u;
}

static void emit_nop_flags(struct env *env)
{
	struct drm_vsvm_cmd_header *h;

	h = from_user_pointer(vsvm_emit_nop(env->cb));
	h->flags = 1;
}

static void emit_copy_64bit(struct env *env)
{
	struct drm_vsvm_cmd_copy *c;

	c = from_user_pointer(vsvm_emit_copy(env->cb, addr(env->data),
					     addr(env->data + 64), 8));
	c->hdr.flags = DRM_VSVM_CMD_64BIT;
}

static void emit_write_flags(struct env *env)
{
	struct drm_vsvm_cmd_write *w;

	w = from_user_pointer(vsvm_emit_write32(env->cb, addr(env->data), 1));
	w->hdr.flags = 0x2;
}

static void emit_atomic_op_zero(struct env *env)
{
	vsvm_emit_atomic(env->cb, false, 0, addr(env->data), 1, 0, 0);
}

static void emit_atomic_op_unknown(struct env *env)
{
	vsvm_emit_atomic(env->cb, false, DRM_VSVM_ATOMIC_CMPXCHG + 1,
			 addr(env->data), 1, 0, 0);
}

static void emit_atomic_pad(struct env *env)
{
	struct drm_vsvm_cmd_atomic *a;

	a = from_user_pointer(vsvm_emit_atomic(env->cb, true,
					       DRM_VSVM_ATOMIC_ADD,
					       addr(env->data), 1, 0, 0));
	a->pad = 1;
}

/* The last command is cut by the end of the batch. */
static void emit_truncated(struct env *env)
{
	vsvm_emit_write64(env->cb, addr(env->data), 1);
	env->cb->len -= 8;
}

static void emit_truncated_header_only(struct env *env)
{
	struct drm_vsvm_cmd_header *h = vsvm_cmdbuf_emit(env->cb, 8);

	h->op = DRM_VSVM_CMD_CHECKSUM;
}

static const struct malformed_case malformed_cases[] = {
	{ "op-zero", emit_op_zero },
	{ "op-unknown", emit_op_unknown },
	{ "op-huge", emit_op_huge },
	{ "nop-flags", emit_nop_flags },
	{ "copy-64bit", emit_copy_64bit },
	{ "write-flags", emit_write_flags },
	{ "atomic-op-zero", emit_atomic_op_zero },
	{ "atomic-op-unknown", emit_atomic_op_unknown },
	{ "atomic-pad", emit_atomic_pad },
	{ "truncated", emit_truncated },
	{ "truncated-header-only", emit_truncated_header_only },
};

/*
 * A malformed command between two writes: the first is done, the job fails
 * with -EINVAL at the malformed command, the second is not done, and the
 * VM's error record tells.
 */
static void test_malformed(int fd, const struct malformed_case *c,
			   uint32_t engine)
{
	uint64_t stats[VSVM_STAT_COUNT];
	uint32_t *before, *after;
	struct env env;
	uint64_t bad_address;

	env_init(&env, fd);
	before = (uint32_t *)(env.data + 3 * page_size);
	after = before + 1;
	*before = 0;
	*after = 0;

	/* A first, good job. */
	vsvm_emit_nop(env.cb);
	igt_assert_eq(env_run(&env, 0), 1);

	vsvm_emit_write32(env.cb, addr(before), 1);
	bad_address = vsvm_cmdbuf_address(env.cb) + env.cb->len;
	c->emit(&env);
	igt_debug("%s at %#llx\n", c->name, (unsigned long long)bad_address);
	if (c->emit != emit_truncated && c->emit != emit_truncated_header_only)
		vsvm_emit_write32(env.cb, addr(after), 1);
	igt_assert_eq(env_run(&env, engine), -EINVAL);
	igt_assert_eq_u64(env.cb->seqno, 2);

	igt_assert_eq_u32(*before, 1);
	igt_assert_eq_u32(*after, 0);
	assert_vm_error(&env, 2, -EINVAL, 0, 0, engine);

	/* The VM carries on. */
	vsvm_emit_write32(env.cb, addr(after), 2);
	igt_assert_eq(env_run(&env, engine), 1);
	igt_assert_eq_u32(*after, 2);
	assert_vm_error(&env, 2, -EINVAL, 0, 0, engine);

	vsvm_stats(fd, env.vm, stats);
	igt_assert_eq_u64(stats[VSVM_STAT_JOBS], 3);
	igt_assert_eq_u64(stats[VSVM_STAT_JOBS_FAILED], 1);
	env_fini(&env);
}

/*
 * The batch itself: at an unmapped address, or running into one. The
 * fetch fails with -EFAULT.
 */
static void test_batch_fault(int fd)
{
	struct vsvm_cmdbuf *cb;
	uint32_t *word;
	struct env env;
	uint8_t *pages;

	env_init(&env, fd);
	word = (uint32_t *)env.data;
	*word = 0;

	pages = mmap(NULL, 2 * page_size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(pages != MAP_FAILED);
	igt_assert_eq(munmap(pages + page_size, page_size), 0);

	/* Commands up to the end of the page, the batch goes on beyond. */
	cb = vsvm_cmdbuf_wrap(pages, page_size);
	while (cb->len + 24 <= cb->size - 24)
		vsvm_emit_nop(cb);
	vsvm_emit_write32(cb, addr(word), 1);
	while (cb->len < cb->size)
		vsvm_emit_nop(cb);
	cb->len += 64;
	igt_assert_eq(vsvm_exec_wait(fd, env.vm, 0, cb), -EFAULT);
	igt_assert_eq_u32(*word, 1);
	assert_vm_error(&env, cb->seqno, -EFAULT, addr(pages + page_size),
			DRM_VSVM_ACCESS_FETCH, 0);

	/* A batch at an unmapped address. */
	cb->ptr = pages + page_size;
	cb->len = 8;
	igt_assert_eq(vsvm_exec_wait(fd, env.vm, env.engines - 1, cb),
		      -EFAULT);
	assert_vm_error(&env, cb->seqno, -EFAULT, addr(pages + page_size),
			DRM_VSVM_ACCESS_FETCH, env.engines - 1);

	vsvm_cmdbuf_destroy(cb);
	munmap(pages, page_size);
	env_fini(&env);
}

/*
 * A job whose WAIT never ends is stopped by the job timeout with
 * -ETIMEDOUT; meanwhile a job on another engine completes, and the job
 * queued behind it on its engine runs once it is gone.
 */
static void test_job_timeout(int fd)
{
	unsigned int timeout_ms = vsvm_job_timeout_ms();
	struct vsvm_cmdbuf *hang, *other, *behind;
	struct drm_vsvm_ufence *hang_uf, *other_uf, *behind_uf;
	uint64_t stats[VSVM_STAT_COUNT];
	uint64_t start, elapsed;
	uint32_t *never, *results;
	struct env env;
	int status;

	env_init(&env, fd);
	never = (uint32_t *)env.data;
	results = (uint32_t *)(env.data + page_size);
	*never = 0;
	memset(results, 0, 16);

	hang = vsvm_cmdbuf_create(page_size);
	vsvm_emit_write32(hang, addr(&results[2]), 1);
	vsvm_emit_wait(hang, false, addr(never), 1, ~0ull, DRM_VSVM_WAIT_EQ);
	vsvm_emit_write32(hang, addr(&results[3]), 1);
	other = vsvm_cmdbuf_create(page_size);
	vsvm_emit_write32(other, addr(&results[0]), 0x07e7);
	behind = vsvm_cmdbuf_create(page_size);
	vsvm_emit_write32(behind, addr(&results[1]), 0xbe71d);

	hang_uf = vsvm_ufence_create();
	other_uf = vsvm_ufence_create();
	behind_uf = vsvm_ufence_create();

	start = vsvm_gettime_ns();
	vsvm_exec_ufence(fd, env.vm, 0, hang, NULL, 0, hang_uf);
	vsvm_exec_ufence(fd, env.vm, 0, behind, NULL, 0, behind_uf);
	igt_assert_eq_u64(hang->seqno, 1);

	if (env.engines > 1) {
		/* Another engine is not held up. */
		vsvm_exec_ufence(fd, env.vm, 1, other, NULL, 0, other_uf);
		igt_assert_eq(vsvm_ufence_wait_status(fd, other_uf,
						       VSVM_JOB_WAIT_NS), 1);
		igt_assert_eq_u32(results[0], 0x07e7);
		igt_assert_eq(vsvm_ufence_status(hang_uf), 0);
		igt_assert_f(vsvm_gettime_ns() - start <
			     timeout_ms * 1000000ull,
			     "the other engine's job was held up by the hang\n");
	}

	status = vsvm_ufence_wait_status(fd, hang_uf, VSVM_JOB_WAIT_NS);
	elapsed = vsvm_gettime_ns() - start;
	igt_info("the job ended after %.3f s with %d (timeout %u ms)\n",
		 elapsed / 1e9, status, timeout_ms);
	igt_assert_eq(status, -ETIMEDOUT);
	igt_assert_eq_u32(results[2], 1);
	igt_assert_eq_u32(results[3], 0);
	/* Not before the timeout (less a jiffy), not long after. */
	igt_assert_lte_u64((timeout_ms - 20) * 1000000ull, elapsed);
	igt_assert_lte_u64(elapsed, (timeout_ms + 10000) * 1000000ull);
	assert_vm_error(&env, 1, -ETIMEDOUT, 0, 0, 0);

	/* The engine carries on with the next job. */
	igt_assert_eq(vsvm_ufence_wait_status(fd, behind_uf,
					       VSVM_JOB_WAIT_NS), 1);
	igt_assert_eq_u32(results[1], 0xbe71d);

	vsvm_stats(fd, env.vm, stats);
	igt_assert_eq_u64(stats[VSVM_STAT_JOBS], env.engines > 1 ? 3 : 2);
	igt_assert_eq_u64(stats[VSVM_STAT_JOBS_FAILED], 1);

	vsvm_ufence_destroy(hang_uf);
	vsvm_ufence_destroy(other_uf);
	vsvm_ufence_destroy(behind_uf);
	vsvm_cmdbuf_destroy(hang);
	vsvm_cmdbuf_destroy(other);
	vsvm_cmdbuf_destroy(behind);
	env_fini(&env);
}

/*
 * Jobs wait for syncobjs (in-fences) the CPU signalled: job A on engine 0
 * for syncobj SA (timeline: point 1), job B on another engine for SA and
 * SB (point 2), job C on a third engine for SC (point 3), which is refused
 * with -EINVAL until the CPU has signalled it. Every job runs and reports
 * success through its user fence; no job's fence lands in a syncobj.
 */
static void test_syncobj_wait(int fd, bool timeline)
{
	struct drm_vsvm_ufence *ua, *ub, *uc;
	struct vsvm_cmdbuf *a, *b, *c;
	struct drm_vsvm_sync syncs[2];
	uint32_t sa, sb = 0, sc = 0, eb, ec;
	uint32_t *x, *y, *z;
	uint64_t p1 = 1, p2 = 2, p3 = 3;
	struct env env;

	env_init(&env, fd);
	eb = 1 % env.engines;
	ec = 2 % env.engines;
	x = (uint32_t *)env.data;
	y = (uint32_t *)(env.data + page_size);
	z = (uint32_t *)(env.data + 2 * page_size);
	*x = *y = *z = 0;
	ua = vsvm_ufence_create();
	ub = vsvm_ufence_create();
	uc = vsvm_ufence_create();

	a = vsvm_cmdbuf_create(page_size);
	vsvm_emit_write32(a, addr(x), 1);
	b = vsvm_cmdbuf_create(page_size);
	vsvm_emit_write32(b, addr(y), 2);
	c = vsvm_cmdbuf_create(page_size);
	vsvm_emit_write32(c, addr(z), 3);

	if (timeline) {
		/* One timeline: points 1 and 2 exist before C waits for 3. */
		sa = syncobj_create(fd, 0);
		syncobj_timeline_signal(fd, &sa, &p1, 1);
		syncobj_timeline_signal(fd, &sa, &p2, 1);
		syncs[0] = vsvm_sync_timeline_wait(sa, 1);
		vsvm_exec_ufence(fd, env.vm, 0, a, syncs, 1, ua);
		syncs[0] = vsvm_sync_timeline_wait(sa, 2);
		vsvm_exec_ufence(fd, env.vm, eb, b, syncs, 1, ub);
		igt_assert_eq(vsvm_ufence_wait_status(fd, ua,
						      VSVM_JOB_WAIT_NS), 1);
		igt_assert_eq(vsvm_ufence_wait_status(fd, ub,
						      VSVM_JOB_WAIT_NS), 1);
		/* A point without a fence yet is refused. */
		syncs[0] = vsvm_sync_timeline_wait(sa, 3);
		igt_assert_eq(__vsvm_exec_ufence(fd, env.vm, ec, c, syncs, 1,
						 uc), -EINVAL);
		syncobj_timeline_signal(fd, &sa, &p3, 1);
		vsvm_exec_ufence(fd, env.vm, ec, c, syncs, 1, uc);
		igt_assert_eq(vsvm_ufence_wait_status(fd, uc,
						      VSVM_JOB_WAIT_NS), 1);
		syncobj_destroy(fd, sa);
	} else {
		/* The CPU signals each syncobj before the job is submitted. */
		sa = syncobj_create(fd, DRM_SYNCOBJ_CREATE_SIGNALED);
		sb = syncobj_create(fd, 0);
		sc = syncobj_create(fd, 0);
		syncobj_signal(fd, &sb, 1);
		syncs[0] = vsvm_sync_wait(sa);
		vsvm_exec_ufence(fd, env.vm, 0, a, syncs, 1, ua);
		syncs[1] = vsvm_sync_wait(sb);
		vsvm_exec_ufence(fd, env.vm, eb, b, syncs, 2, ub);
		/* Without a fence, a wait sync is refused. */
		syncs[0] = vsvm_sync_wait(sc);
		igt_assert_eq(__vsvm_exec_ufence(fd, env.vm, ec, c, syncs, 1,
						 uc), -EINVAL);
		syncobj_signal(fd, &sc, 1);
		vsvm_exec_ufence(fd, env.vm, ec, c, syncs, 1, uc);
		igt_assert_eq(vsvm_ufence_wait_status(fd, ua,
						      VSVM_JOB_WAIT_NS), 1);
		igt_assert_eq(vsvm_ufence_wait_status(fd, ub,
						      VSVM_JOB_WAIT_NS), 1);
		igt_assert_eq(vsvm_ufence_wait_status(fd, uc,
						      VSVM_JOB_WAIT_NS), 1);
		/* No job installed its fence: sb still holds the CPU's. */
		igt_assert_eq(vsvm_syncobj_status(fd, sb), 1);
		syncobj_destroy(fd, sa);
		syncobj_destroy(fd, sb);
		syncobj_destroy(fd, sc);
	}

	igt_assert_eq_u32(*x, 1);
	igt_assert_eq_u32(*y, 2);
	igt_assert_eq_u32(*z, 3);

	vsvm_ufence_destroy(ua);
	vsvm_ufence_destroy(ub);
	vsvm_ufence_destroy(uc);
	vsvm_cmdbuf_destroy(a);
	vsvm_cmdbuf_destroy(b);
	vsvm_cmdbuf_destroy(c);
	env_fini(&env);
}

/*
 * Many jobs on every engine. Each job checks that the previous job of its
 * engine ran (jobs of an engine run in submission order), counts itself in
 * a counter shared by all engines, and stamps its own slot.
 */
#define JOBS_PER_ENGINE	48

struct destroy_race {
	int fd;
	uint32_t vm;
	uint64_t delay_us;
};

static void *destroy_race_thread(void *arg)
{
	struct destroy_race *r = arg;

	usleep(r->delay_us);
	vsvm_vm_destroy(r->fd, r->vm);
	return NULL;
}

/*
 * EXEC racing VM_DESTROY from another thread: every job EXEC accepted
 * completes (runs, or fails with an error) and writes its user fence
 * record, value and error, though its VM is gone; none hangs, and EXEC
 * after the destroy returns -ENOENT. The kernel must log nothing (a job
 * pushed to a dead scheduler entity would never signal; an entity left in
 * its run queue would stall a later EXEC).
 */
static void test_exec_race_vm_destroy(int fd)
{
	const int rounds = 40, max_jobs = 64;
	struct vsvm_cmdbuf *cb = vsvm_cmdbuf_create(page_size);
	struct drm_vsvm_ufence **ufences = calloc(max_jobs, sizeof(*ufences));
	uint64_t *word = aligned_alloc(page_size, page_size);
	int accepted = 0, refused = 0, failed = 0;

	igt_assert(ufences && word);
	vsvm_emit_write64(cb, addr(word), 0x1234);
	for (int i = 0; i < max_jobs; i++)
		ufences[i] = vsvm_ufence_create();

	for (int round = 0; round < rounds; round++) {
		struct destroy_race r = {
			.fd = fd,
			.vm = vsvm_vm_create(fd),
			.delay_us = (round * 37) % 500,
		};
		pthread_t thread;
		int n = 0, err = 0;

		igt_assert_eq(pthread_create(&thread, NULL,
					     destroy_race_thread, &r), 0);
		while (n < max_jobs) {
			err = __vsvm_exec_ufence(fd, r.vm, n % 2, cb, NULL, 0,
						 ufences[n]);
			if (err)
				break;
			n++;
		}
		pthread_join(thread, NULL);
		if (n == max_jobs)
			err = __vsvm_exec_submit(fd, r.vm, 0, cb, NULL, 0);
		igt_assert_eq(err, -ENOENT);
		refused++;
		for (int i = 0; i < n; i++) {
			int status = vsvm_ufence_wait_status(fd, ufences[i],
							      VSVM_JOB_WAIT_NS);

			igt_assert_f(status == 1 || status < 0,
				     "job %d of round %d: status %d\n", i,
				     round, status);
			igt_assert_eq_u64(ufences[i]->value, VSVM_UFENCE_DONE);
			failed += status < 0;
		}
		accepted += n;
	}
	igt_info("%d jobs accepted (%d ended with an error), %d EXECs refused "
		 "after the destroy\n", accepted, failed, refused);
	for (int i = 0; i < max_jobs; i++)
		vsvm_ufence_destroy(ufences[i]);
	vsvm_cmdbuf_destroy(cb);
	free(word);
	free(ufences);
}

static void test_many_jobs(int fd)
{
	const int total_per = JOBS_PER_ENGINE;
	uint64_t stats0[VSVM_STAT_COUNT], stats1[VSVM_STAT_COUNT];
	struct vsvm_cmdbuf **cbs;
	struct drm_vsvm_ufence **ufences;
	uint32_t *order, *slots;
	uint64_t *counter, *seqnos;
	struct env env;
	int n;

	env_init(&env, fd);
	n = env.engines * total_per;
	counter = (uint64_t *)env.data;
	order = (uint32_t *)(env.data + 64);
	slots = (uint32_t *)(env.data + page_size);
	igt_assert(n * sizeof(*slots) <= 4 * page_size);
	memset(env.data, 0, env.data_size);

	cbs = calloc(n, sizeof(*cbs));
	ufences = calloc(n, sizeof(*ufences));
	seqnos = calloc(n, sizeof(*seqnos));
	igt_assert(cbs && ufences && seqnos);

	vsvm_stats(fd, env.vm, stats0);

	/* Interleave the engines. */
	for (int i = 0; i < n; i++) {
		uint32_t e = i % env.engines;
		uint32_t k = i / env.engines;

		cbs[i] = vsvm_cmdbuf_create(page_size);
		vsvm_emit_wait(cbs[i], false, addr(&order[e]), k, ~0ull,
			       DRM_VSVM_WAIT_EQ);
		vsvm_emit_atomic(cbs[i], true, DRM_VSVM_ATOMIC_ADD,
				 addr(counter), 1, 0, 0);
		vsvm_emit_write32(cbs[i], addr(&slots[i]), 0x5000 + i);
		vsvm_emit_write32(cbs[i], addr(&order[e]), k + 1);
		ufences[i] = vsvm_ufence_create();
		seqnos[i] = vsvm_exec_ufence(fd, env.vm, e, cbs[i], NULL, 0,
					     ufences[i]);
		igt_assert_eq_u64(seqnos[i], i + 1);
	}

	for (int i = 0; i < n; i++)
		igt_assert_f(vsvm_ufence_wait_status(fd, ufences[i],
						      VSVM_JOB_WAIT_NS) == 1,
			     "job %d failed\n", i);

	igt_assert_eq_u64(*counter, n);
	for (uint32_t e = 0; e < env.engines; e++)
		igt_assert_eq_u32(order[e], total_per);
	for (int i = 0; i < n; i++)
		igt_assert_eq_u32(slots[i], 0x5000 + i);

	vsvm_stats(fd, env.vm, stats1);
	igt_assert_eq_u64(stats1[VSVM_STAT_JOBS] - stats0[VSVM_STAT_JOBS],
			  n);
	igt_assert_eq_u64(stats1[VSVM_STAT_JOBS_FAILED], 0);
	assert_vm_error(&env, 0, 0, 0, 0, 0);

	for (int i = 0; i < n; i++) {
		vsvm_ufence_destroy(ufences[i]);
		vsvm_cmdbuf_destroy(cbs[i]);
	}
	free(cbs);
	free(ufences);
	free(seqnos);
	env_fini(&env);
}

igt_main
{
	int fd = -1;

	igt_fixture {
		page_size = sysconf(_SC_PAGESIZE);
		fd = drm_open_vsvm_render();
	}

	igt_describe("A batch of NOPs runs on every engine and writes "
		     "nothing.");
	igt_subtest("nop")
		test_nop(fd);

	igt_describe("32-bit WRITE writes exactly its 4 bytes; a misaligned "
		     "address is malformed.");
	igt_subtest("write32")
		test_write(fd, false);

	igt_describe("64-bit WRITE writes exactly its 8 bytes; a misaligned "
		     "address is malformed.");
	igt_subtest("write64")
		test_write(fd, true);

	igt_describe("COPY of a page, a word and a byte between malloc()ed "
		     "and mmap()ed memory, exactly; size 0 copies nothing.");
	igt_subtest("copy")
		test_copy(fd);

	igt_describe("COPY between unaligned addresses and of odd sizes.");
	igt_subtest("copy-unaligned")
		test_copy_unaligned(fd);

	igt_describe("COPY of ranges crossing pages at different offsets in "
		     "source and destination.");
	igt_subtest("copy-page-crossing")
		test_copy_page_crossing(fd);

	igt_describe("FILL of aligned ranges with a 32-bit pattern.");
	igt_subtest("fill")
		test_fill(fd);

	igt_describe("FILL from unaligned addresses and of odd sizes: byte i "
		     "of the range gets byte i % 4 of the pattern; non-zero "
		     "padding is malformed.");
	igt_subtest("fill-unaligned")
		test_fill_unaligned(fd);

	for (int c = ATOMIC_ADD; c <= ATOMIC_CMPXCHG; c++) {
		for (int is64 = 0; is64 <= 1; is64++) {
			igt_describe("ATOMIC: the new value, the old value in "
				     "the result, nothing else written; "
				     "misaligned operands are malformed.");
			igt_subtest_f("atomic-%s%d", atomic_names[c],
				      is64 ? 64 : 32)
				test_atomic(fd, c, is64);
		}
	}

	igt_describe("ATOMIC adds from every engine and the CPU at once: "
		     "none is lost.");
	igt_subtest("atomic-concurrent")
		test_atomic_concurrent(fd);

	igt_describe("CHECKSUM matches a reference CRC-32 for sizes around "
		     "page boundaries at odd offsets, and 0 for no data.");
	igt_subtest("checksum")
		test_checksum(fd);

	for (unsigned int i = 0; i < ARRAY_SIZE(wait_cases); i++) {
		igt_describe("WAIT blocks the job through values that do not "
			     "meet the condition, until the CPU writes one "
			     "that does; then the job answers.");
		igt_subtest_f("wait-%s", wait_cases[i].name)
			test_wait_handshake(fd, &wait_cases[i]);
	}

	igt_describe("WAIT with an unknown condition, non-zero padding or a "
		     "misaligned address is malformed.");
	igt_subtest("wait-malformed")
		test_wait_malformed(fd);

	igt_describe("TIMESTAMP writes CLOCK_MONOTONIC: between the CPU's "
		     "readings around the job, increasing.");
	igt_subtest("timestamp")
		test_timestamp(fd);

	igt_describe("A malformed command fails its job with EINVAL after "
		     "the commands before it ran, and is recorded in "
		     "VM_ERROR.");
	igt_subtest_with_dynamic("malformed") {
		for (unsigned int i = 0; i < ARRAY_SIZE(malformed_cases); i++) {
			igt_dynamic(malformed_cases[i].name)
				test_malformed(fd, &malformed_cases[i],
					       i % vsvm_num_engines(fd));
		}
	}

	igt_describe("A batch at an unmapped address, or running into one, "
		     "fails with EFAULT on the fetch.");
	igt_subtest("batch-fault")
		test_batch_fault(fd);

	igt_describe("A job that never ends is stopped by the job timeout "
		     "with ETIMEDOUT; other engines are not held up, its own "
		     "carries on.");
	igt_subtest("job-timeout")
		test_job_timeout(fd);

	igt_describe("Jobs on several engines wait for binary syncobjs the "
		     "CPU signalled; one without a fence is refused.");
	igt_subtest("syncobj-wait-binary")
		test_syncobj_wait(fd, false);

	igt_describe("Jobs on several engines wait for timeline points the "
		     "CPU signalled; a point not yet there is refused.");
	igt_subtest("syncobj-wait-timeline")
		test_syncobj_wait(fd, true);

	igt_describe("EXEC racing VM_DESTROY from another thread: every "
		     "accepted job completes or fails and writes its user "
		     "fence, none hangs, and EXEC after the destroy returns "
		     "ENOENT.");
	igt_subtest("exec-race-vm-destroy")
		test_exec_race_vm_destroy(fd);

	igt_describe("Many jobs on all engines: each engine runs its jobs in "
		     "order, all run exactly once.");
	igt_subtest("many-jobs")
		test_many_jobs(fd);

	igt_fixture
		close(fd);
}
