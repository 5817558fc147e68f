// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * SECTION:igt_vsvm_mem
 * @short_description: memory and a VM for the vsvm tests
 * @title: vsvm test memory
 * @include: igt_vsvm_mem.h
 *
 * What the tests of vsvm's memory handling (VRAM, device-exclusive
 * atomics) share:
 *
 * - regions: mappings that are a VMA of their own, aligned as asked, with
 *   PROT_NONE guards, so that each test knows exactly which memory a GPU
 *   chunk or a CPU fault can cover;
 * - a pattern that is a function of the offset and a seed: any range can
 *   be checked without a copy, and the expected GPU checksum of a range is
 *   computed without touching the memory under test (which could revoke
 *   or migrate it);
 * - struct vsvm_ctx: a VM with a command buffer and a results page,
 *   mirrored up front, and one-job GPU operations that assert success;
 * - CPU threads that race with the GPU: atomic adders
 *   (vsvm_cpu_adders_start()) and readers (vsvm_parallel_read()).
 */

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "drmtest.h"
#include "igt_core.h"
#include "igt_syncobj.h"
#include "ioctl_wrappers.h"
#include "igt_vsvm.h"
#include "igt_vsvm_mem.h"

static size_t mem_page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

/**
 * __vsvm_map_region:
 * @r: the region to fill in
 * @size: bytes to map
 * @align: alignment of the mapping (at least a page)
 * @prot: as for mmap()
 * @flags: as for mmap(); MAP_FIXED is added
 * @fd: as for mmap()
 * @offset: as for mmap()
 *
 * Reserves address space with a guard page on each side and maps @size
 * bytes there, aligned to @align.
 *
 * Returns: the mapping, or MAP_FAILED with errno set (nothing stays mapped).
 */
void *__vsvm_map_region(struct vsvm_region *r, size_t size, size_t align,
			int prot, int flags, int fd, off_t offset)
{
	size_t page = mem_page_size();
	uintptr_t start;
	void *p;

	if (align < page)
		align = page;
	r->len = size + align + 2 * page;
	r->base = mmap(NULL, r->len, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	igt_assert(r->base != MAP_FAILED);
	start = ALIGN((uintptr_t)r->base + page, align);
	r->ptr = (uint8_t *)start;
	r->size = size;

	p = mmap(r->ptr, size, prot, flags | MAP_FIXED, fd, offset);
	if (p == MAP_FAILED) {
		int err = errno;

		munmap(r->base, r->len);
		r->base = NULL;
		errno = err;
		return MAP_FAILED;
	}
	igt_assert(p == r->ptr);

	return p;
}

/**
 * vsvm_map_region:
 * @r: the region to fill in
 * @size: bytes to map
 * @align: alignment of the mapping
 * @prot: as for mmap()
 * @flags: as for mmap()
 * @fd: as for mmap()
 * @offset: as for mmap()
 *
 * Like __vsvm_map_region(), asserting success.
 */
void vsvm_map_region(struct vsvm_region *r, size_t size, size_t align,
		     int prot, int flags, int fd, off_t offset)
{
	igt_assert_f(__vsvm_map_region(r, size, align, prot, flags, fd,
				       offset) != MAP_FAILED,
		     "mmap of %zu bytes: %s\n", size, strerror(errno));
}

/**
 * vsvm_map_anon:
 * @r: the region to fill in
 * @size: bytes to map
 * @align: alignment of the mapping
 *
 * Maps private anonymous memory, not touched yet.
 */
void vsvm_map_anon(struct vsvm_region *r, size_t size, size_t align)
{
	vsvm_map_region(r, size, align, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

/**
 * vsvm_unmap_region:
 * @r: a region, or one already unmapped
 *
 * Unmaps the region and its guards.
 */
void vsvm_unmap_region(struct vsvm_region *r)
{
	if (r->base)
		munmap(r->base, r->len);
	r->base = NULL;
}

/**
 * vsvm_thp_enabled:
 *
 * Returns: whether transparent hugepages are enabled for anonymous memory,
 * always or on MADV_HUGEPAGE.
 */
bool vsvm_thp_enabled(void)
{
	char buf[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");

	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);

	return strstr(buf, "[always]") || strstr(buf, "[madvise]");
}

/**
 * vsvm_anon_huge_kb:
 * @p: the start of a VMA
 *
 * Returns: kB of transparent hugepages backing the VMA that starts at @p,
 * as /proc/self/smaps reports them.
 */
unsigned long vsvm_anon_huge_kb(const void *p)
{
	unsigned long start, kb = 0;
	bool in = false;
	char line[256];
	FILE *f = fopen("/proc/self/smaps", "r");

	igt_assert(f);
	while (fgets(line, sizeof(line), f)) {
		/* VMA lines start with a lower-case hex address. */
		if (isxdigit((unsigned char)line[0]) &&
		    !isupper((unsigned char)line[0]) &&
		    sscanf(line, "%lx-", &start) == 1) {
			in = start == (uintptr_t)p;
			continue;
		}
		if (in && sscanf(line, "AnonHugePages: %lu kB", &kb) == 1)
			break;
	}
	fclose(f);

	return kb;
}

/**
 * vsvm_pattern_word:
 * @seed: the seed of the pattern
 * @i: index of a 64-bit word
 *
 * The pattern: word i (8 bytes) of a buffer written with @seed holds
 * vsvm_pattern_word(@seed, i). Offsets are relative to the buffer, so a
 * copy of the pattern can be generated anywhere.
 *
 * Returns: the word.
 */
uint64_t vsvm_pattern_word(uint64_t seed, uint64_t i)
{
	uint64_t x = (seed << 40) ^ i ^ 0x9e3779b97f4a7c15ull;

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 29;

	return x;
}

/**
 * vsvm_fill_pattern_at:
 * @p: the memory
 * @size: its length, a multiple of 8
 * @seed: the seed
 * @first: index of the pattern word that goes to @p
 *
 * Writes words [@first, @first + @size / 8) of the pattern to @p.
 */
void vsvm_fill_pattern_at(void *p, size_t size, uint64_t seed,
			  uint64_t first)
{
	uint64_t *w = p;

	for (size_t i = 0; i < size / 8; i++)
		w[i] = vsvm_pattern_word(seed, first + i);
}

/**
 * vsvm_fill_pattern:
 * @p: the memory
 * @size: its length, a multiple of 8
 * @seed: the seed
 *
 * Writes the pattern to @p, from its first word.
 */
void vsvm_fill_pattern(void *p, size_t size, uint64_t seed)
{
	vsvm_fill_pattern_at(p, size, seed, 0);
}

/**
 * vsvm_pattern_mismatch:
 * @p: the memory
 * @size: its length, a multiple of 8
 * @seed: the seed
 * @first: index of the pattern word expected at @p
 *
 * Returns: the index (from @p) of the first word of [@p, @p + @size) that
 * differs from the pattern, or -1.
 */
int64_t vsvm_pattern_mismatch(const void *p, size_t size, uint64_t seed,
			      uint64_t first)
{
	const uint64_t *w = p;

	for (size_t i = 0; i < size / 8; i++)
		if (w[i] != vsvm_pattern_word(seed, first + i))
			return i;

	return -1;
}

/**
 * __vsvm_check_pattern:
 * @p: the memory
 * @size: its length, a multiple of 8
 * @seed: the seed
 * @first: index of the pattern word expected at @p
 * @what: what is checked, for the message
 *
 * Asserts that @p holds the pattern, reporting the first wrong word.
 */
void __vsvm_check_pattern(const void *p, size_t size, uint64_t seed,
			  uint64_t first, const char *what)
{
	int64_t i = vsvm_pattern_mismatch(p, size, seed, first);

	igt_assert_f(i < 0,
		     "%s: word %" PRId64 " (at %p) is %#" PRIx64
		     ", expected %#" PRIx64 "\n", what, i,
		     (const uint64_t *)p + i, ((const uint64_t *)p)[i],
		     vsvm_pattern_word(seed, first + i));
}

/**
 * vsvm_check_pattern:
 * @p: the memory
 * @size: its length, a multiple of 8
 * @seed: the seed
 * @what: what is checked, for the message
 *
 * Asserts that @p holds the pattern from its first word.
 */
void vsvm_check_pattern(const void *p, size_t size, uint64_t seed,
			const char *what)
{
	__vsvm_check_pattern(p, size, seed, 0, what);
}

/**
 * vsvm_pattern_crc:
 * @size: length in bytes, a multiple of 8
 * @seed: the seed
 * @first: index of the first pattern word
 *
 * Returns: the CRC-32 of that piece of the pattern, computed in a buffer
 * of its own.
 */
uint32_t vsvm_pattern_crc(size_t size, uint64_t seed, uint64_t first)
{
	size_t chunk = 1ul << 20;
	uint8_t *buf = malloc(chunk);
	uint32_t crc = 0;

	igt_assert(buf);
	for (size_t off = 0; off < size; off += chunk) {
		size_t n = size - off < chunk ? size - off : chunk;

		vsvm_fill_pattern_at(buf, n, seed, first + off / 8);
		crc = vsvm_crc32(crc, buf, n);
	}
	free(buf);

	return crc;
}

/**
 * vsvm_words_crc:
 * @size: length in bytes, a multiple of 4
 * @word: a 32-bit word
 *
 * Returns: the CRC-32 of @size bytes all made of @word.
 */
uint32_t vsvm_words_crc(size_t size, uint32_t word)
{
	uint32_t *buf = malloc(size);
	uint32_t crc;

	igt_assert(buf);
	for (size_t i = 0; i < size / 4; i++)
		buf[i] = word;
	crc = vsvm_crc32(0, buf, size);
	free(buf);

	return crc;
}

/**
 * vsvm_check_words:
 * @p: the memory
 * @size: its length, a multiple of 4
 * @word: the 32-bit word every word of @p must hold
 * @what: what is checked, for the message
 */
void vsvm_check_words(const void *p, size_t size, uint32_t word,
		      const char *what)
{
	const uint32_t *w = p;

	for (size_t i = 0; i < size / 4; i++)
		igt_assert_f(w[i] == word,
			     "%s: word %zu (at %p) is %#x, expected %#x\n",
			     what, i, &w[i], w[i], word);
}

/**
 * vsvm_touch_read:
 * @p: the memory
 * @size: its length
 *
 * Reads one byte of every page, to fault it in (and back from VRAM).
 */
void vsvm_touch_read(const void *p, size_t size)
{
	const volatile uint8_t *b = p;
	size_t page = mem_page_size();

	for (size_t off = 0; off < size; off += page)
		(void)b[off];
}

/**
 * vsvm_file_dir:
 *
 * Returns: the directory for test files: $VSVM_FILE_DIR, else $TMPDIR,
 * else /tmp.
 */
const char *vsvm_file_dir(void)
{
	const char *dir = getenv("VSVM_FILE_DIR");

	if (!dir)
		dir = getenv("TMPDIR");

	return dir ?: "/tmp";
}

/**
 * vsvm_create_tmpfile:
 * @dir: where to create it
 *
 * Returns: a new empty file in @dir, already unlinked, open read-write.
 */
int vsvm_create_tmpfile(const char *dir)
{
	char path[4096];
	int ffd;

	snprintf(path, sizeof(path), "%s/vsvm-XXXXXX", dir);
	ffd = mkstemp(path);
	igt_assert_f(ffd >= 0, "cannot create a file in %s: %s\n", dir,
		     strerror(errno));
	unlink(path);

	return ffd;
}

/**
 * vsvm_create_file:
 * @dir: where to create it
 * @size: its size, a multiple of 8
 * @seed: the seed of the pattern it holds
 *
 * Returns: an unlinked file of @size bytes of the pattern, open read-write.
 */
int vsvm_create_file(const char *dir, size_t size, uint64_t seed)
{
	int ffd = vsvm_create_tmpfile(dir);
	uint8_t *buf;

	buf = malloc(size);
	igt_assert(buf);
	vsvm_fill_pattern(buf, size, seed);
	igt_assert_eq(pwrite(ffd, buf, size, 0), size);
	free(buf);

	return ffd;
}

/**
 * vsvm_ctx_run:
 * @c: the context
 *
 * Runs the commands emitted in @c->cb as one job, on the next engine, and
 * empties the buffer.
 *
 * Returns: 1 when the job succeeded, or the negative errno it failed with.
 */
int vsvm_ctx_run(struct vsvm_ctx *c)
{
	int status;

	status = vsvm_exec_wait(c->fd, c->vm, c->engine, c->cb);
	vsvm_cmdbuf_reset(c->cb);
	c->engine = (c->engine + 1) % c->engines;

	return status;
}

/**
 * vsvm_ctx_init:
 * @c: the context
 * @fd: a vsvm DRM file descriptor
 *
 * Creates a VM with a command buffer and a results page, and runs a job
 * that mirrors both.
 */
void vsvm_ctx_init(struct vsvm_ctx *c, int fd)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->vm = vsvm_vm_create(fd);
	c->engines = vsvm_num_engines(fd);
	c->cb = vsvm_cmdbuf_create(VSVM_CTX_CMDBUF_SIZE);
	vsvm_map_anon(&c->res, mem_page_size(), 0);
	c->results = (volatile uint32_t *)c->res.ptr;

	vsvm_emit_write32(c->cb, to_user_pointer((void *)c->results), 0);
	igt_assert_eq(vsvm_ctx_run(c), 1);
}

/**
 * vsvm_ctx_fini:
 * @c: the context
 *
 * Destroys the VM and frees the rest.
 */
void vsvm_ctx_fini(struct vsvm_ctx *c)
{
	vsvm_vm_destroy(c->fd, c->vm);
	vsvm_cmdbuf_destroy(c->cb);
	vsvm_unmap_region(&c->res);
}

/**
 * vsvm_ctx_crc:
 * @c: the context
 * @p: the memory
 * @size: its length
 *
 * Returns: the CRC-32 of [@p, @p + @size) as a GPU CHECKSUM job computes
 * it; the job must succeed.
 */
uint32_t vsvm_ctx_crc(struct vsvm_ctx *c, const void *p, size_t size)
{
	c->results[0] = 0;
	vsvm_emit_checksum(c->cb, to_user_pointer(p), size,
			   to_user_pointer((void *)c->results));
	igt_assert_eq(vsvm_ctx_run(c), 1);

	return c->results[0];
}

/**
 * vsvm_ctx_fill:
 * @c: the context
 * @p: the memory
 * @size: its length
 * @word: the 32-bit pattern
 *
 * Fills [@p, @p + @size) with @word in a GPU FILL job that must succeed.
 */
void vsvm_ctx_fill(struct vsvm_ctx *c, void *p, size_t size, uint32_t word)
{
	vsvm_emit_fill(c->cb, to_user_pointer(p), size, word);
	igt_assert_eq(vsvm_ctx_run(c), 1);
}

/**
 * vsvm_ctx_assert_crc:
 * @c: the context
 * @p: the memory
 * @size: its length
 * @expected: the CRC-32 it must have
 * @what: what is checked, for the message
 *
 * Asserts that the GPU reads @expected's data at @p.
 */
void vsvm_ctx_assert_crc(struct vsvm_ctx *c, const void *p, size_t size,
			 uint32_t expected, const char *what)
{
	uint32_t crc = vsvm_ctx_crc(c, p, size);

	igt_assert_f(crc == expected,
		     "%s: GPU checksum of %zu bytes at %p is %#x, expected %#x\n",
		     what, size, p, crc, expected);
}

static void sync_write(int pipe_fd[2])
{
	igt_assert_eq(write(pipe_fd[1], "x", 1), 1);
}

static void sync_read(int pipe_fd[2])
{
	char b;

	igt_assert_eq(read(pipe_fd[0], &b, 1), 1);
}

/**
 * vsvm_fork_sync_init:
 * @f: the pipes
 *
 * Opens the pipes, before igt_fork().
 */
void vsvm_fork_sync_init(struct vsvm_fork_sync *f)
{
	igt_assert_eq(pipe(f->to_child), 0);
	igt_assert_eq(pipe(f->to_parent), 0);
}

/**
 * vsvm_fork_sync_fini:
 * @f: the pipes
 *
 * Closes the pipes.
 */
void vsvm_fork_sync_fini(struct vsvm_fork_sync *f)
{
	close(f->to_child[0]);
	close(f->to_child[1]);
	close(f->to_parent[0]);
	close(f->to_parent[1]);
}

/**
 * vsvm_fork_tell_child:
 * @f: the pipes
 *
 * In the parent: lets the child's next vsvm_fork_wait_parent() return.
 */
void vsvm_fork_tell_child(struct vsvm_fork_sync *f)
{
	sync_write(f->to_child);
}

/**
 * vsvm_fork_wait_child:
 * @f: the pipes
 *
 * In the parent: waits for the child's next vsvm_fork_tell_parent().
 */
void vsvm_fork_wait_child(struct vsvm_fork_sync *f)
{
	sync_read(f->to_parent);
}

/**
 * vsvm_fork_tell_parent:
 * @f: the pipes
 *
 * In the child: lets the parent's next vsvm_fork_wait_child() return.
 */
void vsvm_fork_tell_parent(struct vsvm_fork_sync *f)
{
	sync_write(f->to_parent);
}

/**
 * vsvm_fork_wait_parent:
 * @f: the pipes
 *
 * In the child: waits for the parent's next vsvm_fork_tell_child().
 */
void vsvm_fork_wait_parent(struct vsvm_fork_sync *f)
{
	sync_read(f->to_child);
}

/**
 * vsvm_engine_adds_init:
 * @j: the jobs
 * @fd: a vsvm DRM file descriptor
 * @counters: the 64-bit counters
 * @ncounters: how many
 * @nadds: 64-bit atomic adds of 1 in each engine's job
 * @expected: one value per counter, to which the adds of @runs runs of
 *	      every job are added
 * @runs: how many times the caller means to run the jobs
 *
 * Builds one command buffer per engine of the device; the job of engine e
 * adds to counter (i * 5 + e) % @ncounters with its i-th command.
 */
void vsvm_engine_adds_init(struct vsvm_engine_adds *j, int fd,
			   uint64_t **counters, unsigned int ncounters,
			   unsigned int nadds, uint64_t *expected,
			   unsigned int runs)
{
	j->engines = vsvm_num_engines(fd);
	j->cbs = calloc(j->engines, sizeof(*j->cbs));
	j->ufences = calloc(j->engines, sizeof(*j->ufences));
	igt_assert(j->cbs && j->ufences);
	for (uint32_t e = 0; e < j->engines; e++) {
		j->cbs[e] = vsvm_cmdbuf_create(nadds *
					       sizeof(struct drm_vsvm_cmd_atomic));
		for (unsigned int i = 0; i < nadds; i++) {
			unsigned int k = (i * 5 + e) % ncounters;

			vsvm_emit_atomic(j->cbs[e], true, DRM_VSVM_ATOMIC_ADD,
					 to_user_pointer(counters[k]), 1, 0, 0);
			expected[k] += runs;
		}
		j->ufences[e] = vsvm_ufence_create();
	}
}

/**
 * vsvm_engine_adds_run:
 * @j: the jobs
 * @fd: a vsvm DRM file descriptor
 * @vm_id: the VM to run them in
 *
 * Submits every engine's job at once and asserts that all succeed (none
 * ends with the job timeout, for instance).
 *
 * Returns: how long they took, in nanoseconds.
 */
uint64_t vsvm_engine_adds_run(struct vsvm_engine_adds *j, int fd,
			      uint32_t vm_id)
{
	uint64_t t0 = vsvm_gettime_ns();

	for (uint32_t e = 0; e < j->engines; e++)
		vsvm_exec_ufence(fd, vm_id, e, j->cbs[e], NULL, 0,
				 j->ufences[e]);
	for (uint32_t e = 0; e < j->engines; e++) {
		int status = vsvm_ufence_wait_status(fd, j->ufences[e],
						      VSVM_JOB_WAIT_NS);

		igt_assert_f(status == 1, "the job of engine %u failed: %d\n",
			     e, status);
	}

	return vsvm_gettime_ns() - t0;
}

/**
 * vsvm_engine_adds_fini:
 * @j: the jobs, none running
 * @fd: a vsvm DRM file descriptor
 */
void vsvm_engine_adds_fini(struct vsvm_engine_adds *j, int fd)
{
	for (uint32_t e = 0; e < j->engines; e++) {
		vsvm_ufence_destroy(j->ufences[e]);
		vsvm_cmdbuf_destroy(j->cbs[e]);
	}
	free(j->cbs);
	free(j->ufences);
}

/*
 * CPU threads adding 1 to shared counters with atomics, each counting
 * its own increments per counter.
 */
struct cpu_adder {
	pthread_t thread;
	struct vsvm_cpu_adders *all;
	unsigned int id;
	uint64_t *counts;
	uint64_t total;		/* read by the main thread */
};

struct vsvm_cpu_adders {
	pthread_barrier_t barrier;
	uint64_t **counters;
	unsigned int ncounters;
	unsigned int nthreads;
	bool stop;
	struct cpu_adder *t;
};

static void *cpu_adder_thread(void *arg)
{
	struct cpu_adder *a = arg;
	struct vsvm_cpu_adders *all = a->all;
	unsigned int n = 0;

	pthread_barrier_wait(&all->barrier);
	while (!__atomic_load_n(&all->stop, __ATOMIC_ACQUIRE)) {
		unsigned int k = (n * 7 + a->id) % all->ncounters;

		__atomic_fetch_add(all->counters[k], 1, __ATOMIC_SEQ_CST);
		a->counts[k]++;
		__atomic_store_n(&a->total, a->total + 1, __ATOMIC_RELEASE);
		if (++n % 64 == 0)
			sched_yield();
	}

	return NULL;
}

/**
 * vsvm_cpu_adders_start:
 * @counters: the 64-bit counters, naturally aligned
 * @ncounters: how many
 * @nthreads: number of threads
 *
 * Starts @nthreads threads that each add 1 to the counters in turn with
 * __atomic_fetch_add(), until vsvm_cpu_adders_stop(). Returns once every
 * thread has touched every counter.
 *
 * Returns: the threads, for vsvm_cpu_adders_stop().
 */
struct vsvm_cpu_adders *vsvm_cpu_adders_start(uint64_t **counters,
					      unsigned int ncounters,
					      unsigned int nthreads)
{
	struct vsvm_cpu_adders *all = calloc(1, sizeof(*all));

	igt_assert(all && ncounters && nthreads);
	all->counters = counters;
	all->ncounters = ncounters;
	all->nthreads = nthreads;
	all->t = calloc(nthreads, sizeof(*all->t));
	igt_assert(all->t);
	pthread_barrier_init(&all->barrier, NULL, nthreads + 1);
	for (unsigned int i = 0; i < nthreads; i++) {
		struct cpu_adder *a = &all->t[i];

		a->all = all;
		a->id = i;
		a->counts = calloc(ncounters, sizeof(*a->counts));
		igt_assert(a->counts);
		igt_assert_eq(pthread_create(&a->thread, NULL,
					     cpu_adder_thread, a), 0);
	}
	pthread_barrier_wait(&all->barrier);
	for (unsigned int i = 0; i < nthreads; i++)
		while (__atomic_load_n(&all->t[i].total, __ATOMIC_ACQUIRE) <
		       ncounters)
			sched_yield();

	return all;
}

/**
 * vsvm_cpu_adders_stop:
 * @a: the threads
 * @expected: one value per counter, to which each counter's CPU
 *	      increments are added
 *
 * Stops and joins the threads, and frees @a.
 *
 * Returns: the number of CPU increments, all counters and threads together.
 */
uint64_t vsvm_cpu_adders_stop(struct vsvm_cpu_adders *a, uint64_t *expected)
{
	uint64_t total = 0;

	__atomic_store_n(&a->stop, true, __ATOMIC_RELEASE);
	for (unsigned int i = 0; i < a->nthreads; i++) {
		struct cpu_adder *t = &a->t[i];

		pthread_join(t->thread, NULL);
		for (unsigned int k = 0; k < a->ncounters; k++)
			expected[k] += t->counts[k];
		total += t->total;
		free(t->counts);
	}
	pthread_barrier_destroy(&a->barrier);
	free(a->t);
	free(a);

	return total;
}

/* CPU threads reading the same memory at once, each in its own order. */
struct reader {
	pthread_t thread;
	pthread_barrier_t *barrier;
	const uint64_t *words;
	const uint64_t *expect;
	size_t nwords;
	unsigned int order;
	int64_t bad;		/* first wrong word, or -1 */
	uint64_t got;
};

static void *reader_thread(void *arg)
{
	struct reader *r = arg;
	size_t n = r->nwords, per_page = mem_page_size() / 8;

	r->bad = -1;
	pthread_barrier_wait(r->barrier);
	for (size_t k = 0; k < n; k++) {
		size_t i;
		uint64_t v;

		switch (r->order % 4) {
		case 0:	/* forwards */
			i = k;
			break;
		case 1:	/* backwards */
			i = n - 1 - k;
			break;
		case 2:	/* one word per page, then the next word */
			i = (k % (n / per_page)) * per_page +
			    k / (n / per_page);
			break;
		default: /* from the middle, wrapping */
			i = (k + n / 2 + r->order * 509) % n;
			break;
		}
		v = READ_ONCE(r->words[i]);
		if (v != r->expect[i] && r->bad < 0) {
			r->bad = i;
			r->got = v;
		}
	}

	return NULL;
}

/**
 * vsvm_parallel_read:
 * @p: the memory, page aligned
 * @expect: what it must hold
 * @size: its length, a multiple of the page size
 * @nthreads: number of threads, at most 64
 * @order: where the read orders of the threads start (thread i reads in
 *	   order @order + i: forwards, backwards, page by page, or from the
 *	   middle)
 *
 * Reads every word of @p from @nthreads threads released at once, and
 * asserts that each thread read @expect everywhere.
 */
void vsvm_parallel_read(const void *p, const void *expect, size_t size,
			unsigned int nthreads, unsigned int order)
{
	pthread_barrier_t barrier;
	struct reader r[64];

	igt_assert(nthreads && nthreads <= ARRAY_SIZE(r));
	igt_assert(size && size % mem_page_size() == 0);
	pthread_barrier_init(&barrier, NULL, nthreads);
	for (unsigned int i = 0; i < nthreads; i++) {
		r[i] = (struct reader){
			.barrier = &barrier,
			.words = p,
			.expect = expect,
			.nwords = size / 8,
			.order = order + i,
		};
		igt_assert_eq(pthread_create(&r[i].thread, NULL,
					     reader_thread, &r[i]), 0);
	}
	for (unsigned int i = 0; i < nthreads; i++)
		pthread_join(r[i].thread, NULL);
	pthread_barrier_destroy(&barrier);

	for (unsigned int i = 0; i < nthreads; i++)
		igt_assert_f(r[i].bad < 0,
			     "thread %u: word %" PRId64 " is %#" PRIx64
			     ", expected %#" PRIx64 "\n", i, r[i].bad,
			     r[i].got, r[i].expect[r[i].bad]);
}
