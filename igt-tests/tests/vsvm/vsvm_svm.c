// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/*
 * Shared virtual memory: the GPU dereferences plain CPU pointers and its
 * page table mirrors the CPU's. Modelled on the kernel's hmm-tests and on
 * IGT's xe_exec_system_allocator:
 *
 * - every kind of memory a process has (malloc, anonymous private and
 *   shared, THP, hugetlbfs, page-cache files, memfd, DAX) is read and
 *   written by the GPU, exactly;
 * - what the CPU mapping forbids fails with the documented error and an
 *   exact error record (read-only, PROT_NONE, unmapped, kernel and
 *   non-canonical addresses);
 * - every CPU-side change (munmap, mremap, mprotect, madvise, fork and
 *   copy-on-write) is seen by the GPU at once: never stale data;
 * - races between those changes and running jobs end in correct data or a
 *   documented error, never wrong data or a hang;
 * - processes are isolated from each other;
 * - the fault statistics count what the fault path did, exactly.
 *
 * Regions whose fault statistics are checked are mapped as VMAs of their
 * own (PROT_NONE guards on both sides), so that the fault chunk size (the
 * largest aligned 2 MiB, 64 KiB or 4 KiB chunk inside the VMA) is known,
 * and are touched by the CPU first where the test needs pages that are
 * already present.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "igt.h"
#include "igt_sizes.h"
#include "igt_syncobj.h"
#include "igt_thread.h"
#include "igt_vsvm.h"
#include "igt_vsvm_mem.h"
#include "vsvm_drm.h"

IGT_TEST_DESCRIPTION("Check vsvm's shared virtual memory: GPU access to "
		     "every kind of process memory, errors for forbidden "
		     "accesses, coherence with munmap, mremap, mprotect, "
		     "madvise and fork, races with running jobs, process "
		     "isolation and the fault statistics.");

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE	0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC		0x80000
#endif
#ifndef MFD_HUGETLB
#define MFD_HUGETLB		0x0004U
#endif

/* Size of the copy buffer GPU reads are checked through. */
#define COPYBUF_SIZE	(4ul << 20)
/* Size of the command buffer region. */
#define CMDBUF_SIZE	(64ul << 10)

/* Addresses the GPU must refuse: kernel and non-canonical ones. */
#define KERNEL_ADDRESS	0xffff800000000000ull

static int page_size;

/* Anonymous private memory, touched by the CPU (pages present). */
static void map_anon(struct vsvm_region *r, size_t size, size_t align)
{
	vsvm_map_region(r, size, align, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(r->ptr, 0, size);
}

static uint64_t addr(const void *p)
{
	return to_user_pointer(p);
}

static void fill_random(void *buf, size_t len, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 0x9e3779b9u;
	uint8_t *p = buf;

	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = x >> 24;
	}
}

static void fill_words(void *buf, size_t len, uint32_t word)
{
	uint32_t *w = buf;

	for (size_t i = 0; i < len / 4; i++)
		w[i] = word;
}

static void assert_mem_eq(const void *got, const void *expected, size_t len,
			  const char *what)
{
	const uint8_t *g = got, *e = expected;

	if (!memcmp(got, expected, len))
		return;
	for (size_t i = 0; i < len; i++)
		igt_assert_f(g[i] == e[i], "%s: byte %zu is %#x, expected %#x\n",
			     what, i, g[i], e[i]);
}

static void assert_words(const void *buf, size_t len, uint32_t word,
			 const char *what)
{
	const uint32_t *w = buf;

	for (size_t i = 0; i < len / 4; i++)
		igt_assert_f(w[i] == word, "%s: word %zu is %#x, expected %#x\n",
			     what, i, w[i], word);
}

/*
 * One VM of the test process, with a command buffer, a page of results
 * and a copy buffer, each a VMA of its own, touched and mirrored by the
 * GPU up front (svm_warm()) so that later statistics only count the
 * memory under test.
 */
struct svm {
	int fd;
	uint32_t vm;
	bool own_vm;
	uint32_t engines;
	uint32_t engine;	/* of the last job */
	struct vsvm_region cmd, res, copy;
	struct vsvm_cmdbuf *cb;
	uint32_t *results;	/* a page */
	uint8_t *copybuf;	/* COPYBUF_SIZE bytes */
};

/* @vm: a VM to share, or 0 for a new one. */
static void svm_init_vm(struct svm *s, int fd, uint32_t vm)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->own_vm = !vm;
	s->vm = vm ?: vsvm_vm_create(fd);
	s->engines = vsvm_num_engines(fd);
	map_anon(&s->cmd, CMDBUF_SIZE, SZ_64K);
	map_anon(&s->res, page_size, 0);
	map_anon(&s->copy, COPYBUF_SIZE, SZ_2M);
	s->cb = vsvm_cmdbuf_wrap(s->cmd.ptr, CMDBUF_SIZE);
	s->results = (uint32_t *)s->res.ptr;
	s->copybuf = s->copy.ptr;
}

static int svm_run(struct svm *s, uint32_t engine)
{
	int status;

	s->engine = engine % s->engines;
	status = vsvm_exec_wait(s->fd, s->vm, s->engine, s->cb);
	vsvm_cmdbuf_reset(s->cb);

	return status;
}

/* Mirror the command buffer, results page and copy buffer. */
static void svm_warm(struct svm *s)
{
	vsvm_emit_checksum(s->cb, addr(s->cmd.ptr), CMDBUF_SIZE,
			   addr(&s->results[0]));
	vsvm_emit_fill(s->cb, addr(s->copybuf), COPYBUF_SIZE, 0);
	vsvm_emit_fill(s->cb, addr(s->results), page_size, 0);
	igt_assert_eq(svm_run(s, 0), 1);
}

static void svm_init(struct svm *s, int fd)
{
	svm_init_vm(s, fd, 0);
	svm_warm(s);
}

static void svm_fini(struct svm *s)
{
	if (s->own_vm)
		vsvm_vm_destroy(s->fd, s->vm);
	vsvm_cmdbuf_destroy(s->cb);
	vsvm_unmap_region(&s->cmd);
	vsvm_unmap_region(&s->res);
	vsvm_unmap_region(&s->copy);
}

static void svm_stats(struct svm *s, uint64_t st[VSVM_STAT_COUNT])
{
	vsvm_stats(s->fd, s->vm, st);
}

static void log_stats(const char *what, const uint64_t *a, const uint64_t *b)
{
	char buf[512];
	int n = 0;

	for (int i = 0; i < VSVM_STAT_COUNT; i++)
		n += snprintf(buf + n, sizeof(buf) - n, " %s=%" PRIu64,
			      vsvm_stat_name(i), b[i] - a[i]);
	igt_info("%s:%s\n", what, buf);
}

#define DELTA(a, b, idx) ((b)[VSVM_STAT_##idx] - (a)[VSVM_STAT_##idx])

/*
 * Consistency of the fault counters over any stretch of work: a fault is
 * found already resolved (dedup), or resolves a range, mapping at least one
 * entry, or fails its job.
 */
static void assert_stats_consistent(const uint64_t *a, const uint64_t *b)
{
	igt_assert_lte_u64(DELTA(a, b, FAULTS_DEDUP), DELTA(a, b, FAULTS));
	igt_assert_lte_u64(DELTA(a, b, FAULTS) - DELTA(a, b, FAULTS_DEDUP),
			   DELTA(a, b, PAGES_4K) + DELTA(a, b, PAGES_2M) +
			   DELTA(a, b, JOBS_FAILED));
	igt_assert_lte_u64(DELTA(a, b, JOBS_FAILED), DELTA(a, b, JOBS));
	igt_assert_lte_u64(DELTA(a, b, RANGES_64K) * 16,
			   DELTA(a, b, PAGES_4K));
}

/* GPU operations: one job each, returning the job's status. */

static int gpu_checksum(struct svm *s, const void *p, size_t size,
			uint32_t *crc, uint32_t engine)
{
	int status;

	s->results[0] = 0;
	vsvm_emit_checksum(s->cb, addr(p), size, addr(&s->results[0]));
	status = svm_run(s, engine);
	if (status == 1)
		*crc = s->results[0];

	return status;
}

static int gpu_copy(struct svm *s, void *dst, const void *src, size_t size,
		    uint32_t engine)
{
	vsvm_emit_copy(s->cb, addr(dst), addr(src), size);

	return svm_run(s, engine);
}

static int gpu_read32(struct svm *s, const void *p, uint32_t *v)
{
	int status;

	s->results[1] = 0xdeadbeef;
	vsvm_emit_copy(s->cb, addr(&s->results[1]), addr(p), 4);
	status = svm_run(s, s->engine + 1);
	if (status == 1)
		*v = s->results[1];

	return status;
}

static int gpu_write32(struct svm *s, void *p, uint32_t v)
{
	vsvm_emit_write32(s->cb, addr(p), v);

	return svm_run(s, s->engine + 1);
}

/*
 * The GPU reads [p, p + size) as the CPU sees it: its checksum, and a copy
 * of it (when it fits the copy buffer).
 */
static void assert_gpu_reads(struct svm *s, const void *p, size_t size)
{
	uint32_t crc = 0;

	igt_assert_eq(gpu_checksum(s, p, size, &crc, s->engine + 1), 1);
	igt_assert_f(crc == vsvm_crc32(0, p, size),
		     "GPU checksum %#x of %zu bytes at %p, CPU's %#x\n",
		     crc, size, p, vsvm_crc32(0, p, size));
	if (size <= COPYBUF_SIZE) {
		memset(s->copybuf, 0x5a, size);
		igt_assert_eq(gpu_copy(s, s->copybuf, p, size, s->engine + 1),
			      1);
		assert_mem_eq(s->copybuf, p, size, "GPU read");
	}
}

/*
 * The GPU writes random data from the copy buffer to [p, p + size); the
 * CPU sees exactly that.
 */
static void assert_gpu_writes(struct svm *s, void *p, size_t size,
			      uint32_t seed)
{
	igt_assert(size <= COPYBUF_SIZE);
	fill_random(s->copybuf, size, seed);
	igt_assert_eq(gpu_copy(s, p, s->copybuf, size, s->engine + 1), 1);
	assert_mem_eq(p, s->copybuf, size, "GPU write");
}

/* The job failed with @err, recorded with @address and @access. */
static void assert_gpu_fault(struct svm *s, int status, int err,
			     uint64_t address, uint32_t access)
{
	struct drm_vsvm_vm_error error;

	igt_assert_eq(status, err);
	vsvm_vm_error(s->fd, s->vm, &error);
	igt_assert_eq_u64(error.seqno, s->cb->seqno);
	igt_assert_eq(error.error, err);
	igt_assert_f(error.address == address,
		     "error address %#llx, expected %#llx\n",
		     (unsigned long long)error.address,
		     (unsigned long long)address);
	igt_assert_eq_u32(error.access, access);
	igt_assert_eq_u32(error.engine, s->engine);
}

/*
 * Reads of @p fail with @err_read (or succeed, for 1), writes and atomics
 * with @err_write.
 */
static void assert_gpu_no_access(struct svm *s, void *p, int err_read,
				 int err_write)
{
	uint32_t v;

	if (err_read == 1) {
		igt_assert_eq(gpu_read32(s, p, &v), 1);
		igt_assert_eq_u32(v, *(uint32_t *)p);
	} else {
		assert_gpu_fault(s, gpu_read32(s, p, &v), err_read, addr(p),
				 DRM_VSVM_ACCESS_READ);
	}
	assert_gpu_fault(s, gpu_write32(s, p, 1), err_write, addr(p),
			 DRM_VSVM_ACCESS_WRITE);
	vsvm_emit_atomic(s->cb, false, DRM_VSVM_ATOMIC_ADD, addr(p), 1, 0, 0);
	assert_gpu_fault(s, svm_run(s, s->engine + 1), err_write, addr(p),
			 DRM_VSVM_ACCESS_ATOMIC);
}

/* Memory types. */

static void check_rw(struct svm *s, uint8_t *p, size_t size, uint32_t seed)
{
	fill_random(p, size, seed);
	assert_gpu_reads(s, p, size);
	assert_gpu_writes(s, p, size, seed + 1);
	assert_gpu_reads(s, p, size);
}

static void test_malloc_small(int fd)
{
	static const size_t sizes[] = { 1, 2, 3, 7, 8, 24, 100, 1000 };
	uint8_t *ptrs[ARRAY_SIZE(sizes)];
	struct svm s;

	svm_init(&s, fd);
	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		ptrs[i] = malloc(sizes[i]);
		igt_assert(ptrs[i]);
		check_rw(&s, ptrs[i], sizes[i], i);
	}
	/* Still intact after the others were written. */
	for (unsigned int i = 0; i < ARRAY_SIZE(sizes); i++) {
		assert_gpu_reads(&s, ptrs[i], sizes[i]);
		free(ptrs[i]);
	}
	svm_fini(&s);
}

static void test_malloc_unaligned(int fd)
{
	static const struct { size_t offset, size; } cases[] = {
		{ 1, 1 }, { 3, 5 }, { 5, 11 }, { 7, 4093 }, { 4095, 2 },
		{ 6, 8190 },
	};
	struct svm s;
	uint8_t *buf;

	svm_init(&s, fd);
	buf = malloc(3 * page_size);
	igt_assert(buf);
	fill_random(buf, 3 * page_size, 1);
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
		uint8_t *before = malloc(3 * page_size);

		igt_assert(before);
		memcpy(before, buf, 3 * page_size);
		check_rw(&s, buf + cases[i].offset, cases[i].size, 10 + i);
		/* Nothing around the range changed. */
		assert_mem_eq(buf, before, cases[i].offset, "before the range");
		assert_mem_eq(buf + cases[i].offset + cases[i].size,
			      before + cases[i].offset + cases[i].size,
			      3 * page_size - cases[i].offset - cases[i].size,
			      "after the range");
		free(before);
	}
	free(buf);
	svm_fini(&s);
}

static void test_malloc_page_crossing(int fd)
{
	struct svm s;
	uint8_t *buf;

	svm_init(&s, fd);
	buf = malloc(16 * page_size);
	igt_assert(buf);
	check_rw(&s, buf + page_size - 3, 3 * page_size + 7, 1);
	check_rw(&s, buf + 4 * page_size - 1, 2, 2);
	check_rw(&s, buf, 16 * page_size, 3);
	free(buf);
	svm_fini(&s);
}

static void test_malloc_large(int fd)
{
	const size_t size = 3 * SZ_2M + 5 * page_size + 17;
	struct svm s;
	uint8_t *buf;
	uint32_t crc;

	svm_init(&s, fd);
	buf = malloc(size);
	igt_assert(buf);
	fill_random(buf, size, 7);
	igt_assert_eq(gpu_checksum(&s, buf, size, &crc, 0), 1);
	igt_assert_eq_u32(crc, vsvm_crc32(0, buf, size));
	/* The GPU writes it all, in pieces from every engine. */
	for (size_t off = 0; off < size; off += COPYBUF_SIZE / 2) {
		size_t n = size - off < COPYBUF_SIZE / 2 ? size - off :
							   COPYBUF_SIZE / 2;

		assert_gpu_writes(&s, buf + off, n, off);
	}
	igt_assert_eq(gpu_checksum(&s, buf, size, &crc, 1), 1);
	igt_assert_eq_u32(crc, vsvm_crc32(0, buf, size));
	free(buf);
	svm_fini(&s);
}

static void test_mmap_anon_private(int fd)
{
	const size_t size = 32 * page_size;
	struct svm s;
	uint8_t *p;

	svm_init(&s, fd);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(p != MAP_FAILED);

	/* Never touched: the GPU reads zeros... */
	assert_gpu_reads(&s, p, size);
	assert_words(s.copybuf, size, 0, "untouched memory");
	/* ... and can write there. */
	assert_gpu_writes(&s, p + 3 * page_size, 5 * page_size, 1);
	/* Half the pages written by the CPU, half left alone. */
	for (size_t i = 0; i < size; i += 2 * page_size)
		fill_random(p + i, page_size, i);
	assert_gpu_reads(&s, p, size);
	check_rw(&s, p, size, 2);

	munmap(p, size);
	svm_fini(&s);
}

static void test_mmap_anon_shared(int fd)
{
	const size_t size = 16 * page_size;
	int to_child[2], to_parent[2];
	struct svm s;
	uint8_t *p;
	char c;

	svm_init(&s, fd);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	igt_assert(p != MAP_FAILED);
	check_rw(&s, p, size, 1);

	/* Shared with a child: each side sees what the other wrote. */
	igt_assert_eq(pipe(to_child), 0);
	igt_assert_eq(pipe(to_parent), 0);
	igt_fork(child, 1) {
		/* The GPU's writes. */
		igt_assert_eq(read(to_child[0], &c, 1), 1);
		assert_words(p, size, 0x600d600d, "child");
		/* The child's writes, for the GPU. */
		fill_words(p, size, 0xc41dc41d);
		igt_assert_eq(write(to_parent[1], "c", 1), 1);
	}
	vsvm_emit_fill(s.cb, addr(p), size, 0x600d600d);
	igt_assert_eq(svm_run(&s, 0), 1);
	igt_assert_eq(write(to_child[1], "p", 1), 1);
	igt_assert_eq(read(to_parent[0], &c, 1), 1);
	igt_waitchildren();
	assert_gpu_reads(&s, p, size);
	assert_words(s.copybuf, size, 0xc41dc41d, "GPU after the child");

	close(to_child[0]);
	close(to_child[1]);
	close(to_parent[0]);
	close(to_parent[1]);
	munmap(p, size);
	svm_fini(&s);
}

/* A 2 MiB-aligned THP, touched by the CPU: one 2 MiB GPU entry. */
static void map_thp(struct vsvm_region *r, size_t size)
{
	igt_require_f(vsvm_thp_enabled(), "transparent hugepages are disabled\n");
	vsvm_map_region(r, size, SZ_2M, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert_eq(madvise(r->ptr, size, MADV_HUGEPAGE), 0);
	memset(r->ptr, 0x11, size);
	igt_require_f(vsvm_anon_huge_kb(r->ptr) >= size >> 10,
		      "no THP for the region (%lu kB)\n",
		      vsvm_anon_huge_kb(r->ptr));
}

static void test_thp(int fd)
{
	uint64_t st0[VSVM_STAT_COUNT], st1[VSVM_STAT_COUNT];
	struct vsvm_region r;
	struct svm s;
	uint32_t crc;

	svm_init(&s, fd);
	map_thp(&r, SZ_2M);
	fill_random(r.ptr, SZ_2M, 1);

	svm_stats(&s, st0);
	igt_assert_eq(gpu_checksum(&s, r.ptr, SZ_2M, &crc, 0), 1);
	svm_stats(&s, st1);
	log_stats("THP read", st0, st1);
	igt_assert_eq_u32(crc, vsvm_crc32(0, r.ptr, SZ_2M));
	/* One fault, one 2 MiB entry, no 4 KiB ones. */
	igt_assert_eq_u64(DELTA(st0, st1, PAGES_2M), 1);
	igt_assert_eq_u64(DELTA(st0, st1, PAGES_4K), 0);
	igt_assert_eq_u64(DELTA(st0, st1, FAULTS), 1);

	/* Writes through the same entry, without a new fault. */
	assert_gpu_writes(&s, r.ptr, SZ_2M, 2);
	assert_gpu_writes(&s, r.ptr + 12345, 100, 3);
	svm_stats(&s, st0);
	log_stats("THP total", st1, st0);
	igt_assert_eq_u64(DELTA(st1, st0, PAGES_2M), 0);
	igt_assert_eq_u64(DELTA(st1, st0, PAGES_4K), 0);
	igt_assert_eq_u64(DELTA(st1, st0, FAULTS), 0);

	vsvm_unmap_region(&r);
	svm_fini(&s);
}

/*
 * The GPU touches a fresh MADV_HUGEPAGE range first: the data is right,
 * whatever the kernel backs it with.
 */
static void test_thp_gpu_first(int fd)
{
	struct vsvm_region r;
	struct svm s;

	igt_require_f(vsvm_thp_enabled(), "transparent hugepages are disabled\n");
	svm_init(&s, fd);
	vsvm_map_region(&r, 2 * SZ_2M, SZ_2M, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert_eq(madvise(r.ptr, r.size, MADV_HUGEPAGE), 0);

	/* A write fault on the first 2 MiB, a read fault on the second. */
	assert_gpu_writes(&s, r.ptr + 100, SZ_2M - 200, 1);
	assert_gpu_reads(&s, r.ptr + SZ_2M, SZ_2M);
	assert_words(r.ptr + SZ_2M, SZ_2M, 0, "untouched THP");
	assert_gpu_writes(&s, r.ptr + SZ_2M, SZ_2M, 2);
	check_rw(&s, r.ptr, r.size, 3);

	vsvm_unmap_region(&r);
	svm_fini(&s);
}

/*
 * A THP mirrored with a 2 MiB entry is split by an mprotect() of one of its
 * pages: the GPU follows, page by page.
 */
static void test_thp_split(int fd)
{
	uint8_t *ro;
	struct vsvm_region r;
	struct svm s;

	svm_init(&s, fd);
	map_thp(&r, SZ_2M);
	fill_random(r.ptr, SZ_2M, 1);
	assert_gpu_reads(&s, r.ptr, SZ_2M);

	ro = r.ptr + 37 * page_size;
	igt_assert_eq(mprotect(ro, page_size, PROT_READ), 0);
	assert_gpu_fault(&s, gpu_write32(&s, ro + 8, 1), -EACCES,
			 addr(ro + 8), DRM_VSVM_ACCESS_WRITE);
	/* Around it, reads and writes work. */
	check_rw(&s, r.ptr, 37 * page_size, 2);
	check_rw(&s, ro + page_size, SZ_2M - 38 * page_size, 3);
	assert_gpu_reads(&s, r.ptr, SZ_2M);

	igt_assert_eq(mprotect(ro, page_size, PROT_READ | PROT_WRITE), 0);
	check_rw(&s, r.ptr, SZ_2M, 4);

	vsvm_unmap_region(&r);
	svm_fini(&s);
}

static void test_hugetlb(int fd)
{
	uint64_t st0[VSVM_STAT_COUNT], st1[VSVM_STAT_COUNT];
	const size_t size = 2 * SZ_2M;
	struct vsvm_region r;
	struct svm s;
	uint32_t crc;
	int mfd;

	svm_init(&s, fd);
	igt_require_f(__vsvm_map_region(&r, size, SZ_2M,
					PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS |
					MAP_HUGETLB, -1, 0) != MAP_FAILED,
		      "no 2 MiB hugetlb pages (%s): set vm.nr_hugepages\n",
		      strerror(errno));
	fill_random(r.ptr, size, 1);

	svm_stats(&s, st0);
	igt_assert_eq(gpu_checksum(&s, r.ptr, SZ_2M, &crc, 0), 1);
	svm_stats(&s, st1);
	log_stats("hugetlb read", st0, st1);
	igt_assert_eq_u32(crc, vsvm_crc32(0, r.ptr, SZ_2M));
	/* The 2 MiB page is mapped once, as one entry or 512. */
	igt_assert_eq_u64(DELTA(st0, st1, PAGES_2M) * 512 +
			  DELTA(st0, st1, PAGES_4K), 512);

	/* Across the boundary of the two huge pages. */
	check_rw(&s, r.ptr + SZ_2M - 3 * page_size - 5, 6 * page_size, 2);
	check_rw(&s, r.ptr, size, 3);
	vsvm_unmap_region(&r);

	/* Shared, through a hugetlbfs memfd mapped twice. */
	mfd = memfd_create("vsvm-hugetlb", MFD_HUGETLB);
	igt_require_f(mfd >= 0, "no hugetlbfs memfd: %s\n", strerror(errno));
	igt_assert_eq(ftruncate(mfd, SZ_2M), 0);
	{
		struct vsvm_region a, b;

		vsvm_map_region(&a, SZ_2M, SZ_2M, PROT_READ | PROT_WRITE,
				MAP_SHARED, mfd, 0);
		vsvm_map_region(&b, SZ_2M, SZ_2M, PROT_READ | PROT_WRITE,
				MAP_SHARED, mfd, 0);
		fill_random(a.ptr, SZ_2M, 4);
		assert_gpu_reads(&s, b.ptr, SZ_2M);
		assert_gpu_writes(&s, a.ptr + 4096 + 3, 10000, 5);
		assert_mem_eq(b.ptr, a.ptr, SZ_2M, "second view");
		vsvm_unmap_region(&a);
		vsvm_unmap_region(&b);
	}
	close(mfd);
	svm_fini(&s);
}

static int create_file(const char *dir, size_t size, uint32_t seed,
		       uint8_t *content)
{
	int ffd = vsvm_create_tmpfile(dir);

	fill_random(content, size, seed);
	igt_assert_eq(pwrite(ffd, content, size, 0), size);

	return ffd;
}

/*
 * A page-cache file mapped privately: the GPU reads the file, and its
 * writes go to private copies, never to the file.
 */
static void test_file_private(int fd)
{
	const size_t size = 16 * page_size;
	uint8_t *content, *check;
	struct svm s;
	uint8_t *p;
	int ffd;

	svm_init(&s, fd);
	content = malloc(size);
	check = malloc(size);
	igt_assert(content && check);
	ffd = create_file(vsvm_file_dir(), size, 1, content);

	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, ffd, 0);
	igt_assert(p != MAP_FAILED);

	/* GPU reads of the file's pages, not touched by the CPU. */
	assert_gpu_reads(&s, p, size);
	assert_mem_eq(s.copybuf, content, size, "file read by the GPU");

	/* GPU writes: the mapping changes, the file does not. */
	assert_gpu_writes(&s, p + page_size + 1, 3 * page_size, 2);
	igt_assert_eq(pread(ffd, check, size, 0), size);
	assert_mem_eq(check, content, size, "file after private GPU writes");

	/* The pages the GPU did not write still follow the file. */
	assert_gpu_reads(&s, p, size);

	munmap(p, size);
	close(ffd);
	free(content);
	free(check);
	svm_fini(&s);
}

/*
 * A page-cache file mapped shared: GPU writes reach the file (pread after
 * msync, and after the mapping is gone and the clean page cache dropped),
 * and changes made with write() reach the GPU.
 */
static void test_file_shared(int fd)
{
	const size_t size = 16 * page_size;
	uint8_t *content, *check;
	struct svm s;
	uint8_t *p;
	int ffd;

	svm_init(&s, fd);
	content = malloc(size);
	check = malloc(size);
	igt_assert(content && check);
	ffd = create_file(vsvm_file_dir(), size, 1, content);

	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, ffd, 0);
	igt_assert(p != MAP_FAILED);

	assert_gpu_reads(&s, p, size);
	assert_mem_eq(s.copybuf, content, size, "file read by the GPU");

	/* GPU writes, msync, pread. */
	assert_gpu_writes(&s, p + page_size + 1, 3 * page_size, 2);
	memcpy(content + page_size + 1, s.copybuf, 3 * page_size);
	igt_assert_eq(msync(p, size, MS_SYNC), 0);
	igt_assert_eq(pread(ffd, check, size, 0), size);
	assert_mem_eq(check, content, size, "file after shared GPU writes");

	/* The file written with pwrite(): the GPU reads the new data. */
	fill_random(content + 5 * page_size, page_size, 3);
	igt_assert_eq(pwrite(ffd, content + 5 * page_size, page_size,
			     5 * page_size), page_size);
	assert_gpu_reads(&s, p, size);
	assert_mem_eq(s.copybuf, content, size, "GPU after pwrite");

	/* Written again after writeback, the page is dirtied again. */
	assert_gpu_writes(&s, p + 9 * page_size, 2 * page_size, 4);
	memcpy(content + 9 * page_size, s.copybuf, 2 * page_size);
	igt_assert_eq(msync(p, size, MS_SYNC), 0);
	munmap(p, size);
	igt_assert_eq(fsync(ffd), 0);
	/* Drop the (clean) page cache where the file system has one. */
	posix_fadvise(ffd, 0, size, POSIX_FADV_DONTNEED);
	igt_assert_eq(pread(ffd, check, size, 0), size);
	assert_mem_eq(check, content, size, "file after munmap");

	close(ffd);
	free(content);
	free(check);
	svm_fini(&s);
}

static void test_memfd(int fd)
{
	const size_t size = 32 * page_size;
	uint8_t *a, *b, *content;
	struct svm s;
	int mfd;

	svm_init(&s, fd);
	mfd = memfd_create("vsvm-svm", 0);
	igt_assert_fd(mfd);
	igt_assert_eq(ftruncate(mfd, size), 0);
	a = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	b = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	igt_assert(a != MAP_FAILED && b != MAP_FAILED);

	/* Holes read as zeros. */
	assert_gpu_reads(&s, a, size);
	assert_words(s.copybuf, size, 0, "memfd hole");

	/* Written through one view, read through the other, both ways. */
	assert_gpu_writes(&s, a + 7, size - 14, 1);
	assert_mem_eq(b, a, size, "second view");
	fill_random(b, size, 2);
	assert_gpu_reads(&s, a, size);
	assert_mem_eq(s.copybuf, b, size, "GPU through the first view");

	/* And through the file. */
	content = malloc(size);
	igt_assert(content);
	igt_assert_eq(pread(mfd, content, size, 0), size);
	assert_mem_eq(content, b, size, "memfd contents");
	free(content);

	/* A private mapping of the memfd: GPU writes stay private. */
	{
		uint8_t *priv = mmap(NULL, size, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE, mfd, 0);

		igt_assert(priv != MAP_FAILED);
		assert_gpu_reads(&s, priv, size);
		assert_mem_eq(s.copybuf, a, size, "private view");
		assert_gpu_writes(&s, priv, page_size, 3);
		igt_assert(memcmp(a, priv, page_size));
		munmap(priv, size);
	}

	munmap(a, size);
	munmap(b, size);
	close(mfd);
	svm_fini(&s);
}

static void test_dax(int fd)
{
	const size_t size = 2 * SZ_2M;
	const char *dir = getenv("VSVM_DAX_DIR");
	uint8_t *content, *check;
	struct vsvm_region r;
	struct svm s;
	int ffd;

	igt_require_f(access("/dev/pmem0", F_OK) == 0, "no /dev/pmem0\n");
	igt_require_f(dir, "VSVM_DAX_DIR is not set\n");

	svm_init(&s, fd);
	content = malloc(size);
	check = malloc(size);
	igt_assert(content && check);
	ffd = create_file(dir, size, 1, content);
	igt_assert_eq(fsync(ffd), 0);

	/* MAP_SYNC is only allowed on DAX files. */
	igt_require_f(__vsvm_map_region(&r, size, SZ_2M,
					PROT_READ | PROT_WRITE,
					MAP_SHARED_VALIDATE | MAP_SYNC, ffd,
					0) != MAP_FAILED,
		      "%s is not DAX (MAP_SYNC: %s)\n", dir, strerror(errno));

	assert_gpu_reads(&s, r.ptr, size);
	assert_mem_eq(s.copybuf, content, size, "DAX read by the GPU");

	assert_gpu_writes(&s, r.ptr + SZ_2M - 5, 3 * page_size, 2);
	memcpy(content + SZ_2M - 5, s.copybuf, 3 * page_size);
	igt_assert_eq(msync(r.ptr, size, MS_SYNC), 0);
	igt_assert_eq(pread(ffd, check, size, 0), size);
	assert_mem_eq(check, content, size, "DAX file after GPU writes");

	fill_random(content + page_size, page_size, 3);
	igt_assert_eq(pwrite(ffd, content + page_size, page_size, page_size),
		      page_size);
	assert_gpu_reads(&s, r.ptr, size);
	assert_mem_eq(s.copybuf, content, size, "GPU after pwrite");

	check_rw(&s, r.ptr, size, 4);
	vsvm_unmap_region(&r);
	close(ffd);
	free(content);
	free(check);
	svm_fini(&s);
}

/* Forbidden accesses. */

static void test_read_only(int fd)
{
	const size_t size = 4 * page_size;
	uint8_t *ro, *rw, *content;
	struct svm s;
	int mfd;

	svm_init(&s, fd);

	/* Anonymous, never written: reads zeros. */
	ro = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(ro != MAP_FAILED);
	assert_gpu_reads(&s, ro, size);
	assert_gpu_no_access(&s, ro + page_size + 8, 1, -EACCES);
	/* The read went through; only write and atomic fail. */
	assert_words(ro, size, 0, "read-only memory");
	munmap(ro, size);

	/* A read-only view of data written through a writable one. */
	mfd = memfd_create("vsvm-ro", 0);
	igt_assert_fd(mfd);
	igt_assert_eq(ftruncate(mfd, size), 0);
	rw = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	ro = mmap(NULL, size, PROT_READ, MAP_SHARED, mfd, 0);
	igt_assert(rw != MAP_FAILED && ro != MAP_FAILED);
	fill_random(rw, size, 1);
	content = malloc(size);
	igt_assert(content);
	memcpy(content, rw, size);

	assert_gpu_reads(&s, ro, size);
	assert_gpu_no_access(&s, ro + 2 * page_size, 1, -EACCES);
	assert_mem_eq(rw, content, size, "after refused writes");

	/*
	 * A copy from a writable page into the read-only mapping: the
	 * destination's first byte fails.
	 */
	assert_gpu_fault(&s, gpu_copy(&s, ro + 100, rw, 50, 0), -EACCES,
			 addr(ro + 100), DRM_VSVM_ACCESS_WRITE);
	assert_mem_eq(rw, content, size, "after a refused copy");

	/* A fill that starts writable and runs into read-only memory. */
	{
		struct vsvm_region r;

		map_anon(&r, 2 * page_size, 0);
		igt_assert_eq(mprotect(r.ptr + page_size, page_size,
				       PROT_READ), 0);
		vsvm_emit_fill(s.cb, addr(r.ptr + page_size - 8), 16,
			       0x12345678);
		assert_gpu_fault(&s, svm_run(&s, 1), -EACCES,
				 addr(r.ptr + page_size),
				 DRM_VSVM_ACCESS_WRITE);
		assert_words(r.ptr + page_size - 8, 8, 0x12345678,
			     "writable part");
		assert_words(r.ptr + page_size, page_size, 0, "read-only part");
		vsvm_unmap_region(&r);
	}

	free(content);
	munmap(rw, size);
	munmap(ro, size);
	close(mfd);
	svm_fini(&s);
}

static void test_prot_none(int fd)
{
	struct vsvm_region r;
	struct svm s;

	svm_init(&s, fd);
	map_anon(&r, 4 * page_size, 0);
	fill_random(r.ptr, 4 * page_size, 1);
	assert_gpu_reads(&s, r.ptr, 4 * page_size);

	/* Mirrored first, then PROT_NONE: no access at all. */
	igt_assert_eq(mprotect(r.ptr + page_size, 2 * page_size, PROT_NONE), 0);
	assert_gpu_no_access(&s, r.ptr + page_size, -EFAULT, -EFAULT);
	assert_gpu_no_access(&s, r.ptr + 3 * page_size - 4, -EFAULT, -EFAULT);
	/* The pages around it still work. */
	assert_gpu_reads(&s, r.ptr, page_size);
	assert_gpu_reads(&s, r.ptr + 3 * page_size, page_size);

	/* A read running into it fails at its first byte. */
	assert_gpu_fault(&s, gpu_copy(&s, s.copybuf, r.ptr + 100, page_size, 0),
			 -EFAULT, addr(r.ptr + page_size),
			 DRM_VSVM_ACCESS_READ);

	/* Never accessible: a fresh PROT_NONE mapping. */
	{
		uint8_t *none = mmap(NULL, page_size, PROT_NONE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		igt_assert(none != MAP_FAILED);
		assert_gpu_no_access(&s, none + 64, -EFAULT, -EFAULT);
		munmap(none, page_size);
	}

	vsvm_unmap_region(&r);
	svm_fini(&s);
}

/* An address inside the reservation of @r, unmapped for sure. */
static uint8_t *hole_in(struct vsvm_region *r)
{
	return (uint8_t *)r->base + r->len - page_size;
}

static void test_unmapped(int fd)
{
	struct vsvm_region r;
	uint8_t *hole;
	struct svm s;

	svm_init(&s, fd);
	map_anon(&r, page_size, 0);
	hole = hole_in(&r);
	igt_assert_eq(munmap(hole, page_size), 0);

	assert_gpu_no_access(&s, hole, -EFAULT, -EFAULT);
	assert_gpu_no_access(&s, hole + page_size - 4, -EFAULT, -EFAULT);

	/* Copy into the hole, from it, and a checksum across it. */
	assert_gpu_fault(&s, gpu_copy(&s, hole + 8, r.ptr, 8, 0), -EFAULT,
			 addr(hole + 8), DRM_VSVM_ACCESS_WRITE);
	assert_gpu_fault(&s, gpu_copy(&s, r.ptr, hole + 16, 8, 1), -EFAULT,
			 addr(hole + 16), DRM_VSVM_ACCESS_READ);
	/* The guard page before the hole is mapped, PROT_NONE. */
	vsvm_emit_fill(s.cb, addr(r.ptr + page_size - 8), 8, 0x77777777);
	vsvm_emit_checksum(s.cb, addr(r.ptr), 2 * page_size,
			   addr(&s.results[0]));
	assert_gpu_fault(&s, svm_run(&s, 2), -EFAULT, addr(r.ptr + page_size),
			 DRM_VSVM_ACCESS_READ);
	assert_words(r.ptr + page_size - 8, 8, 0x77777777, "before the fault");

	/* Address 0 and the page below mmap_min_addr. */
	assert_gpu_no_access(&s, NULL, -EFAULT, -EFAULT);
	assert_gpu_no_access(&s, (void *)0x1000, -EFAULT, -EFAULT);

	vsvm_unmap_region(&r);
	svm_fini(&s);
}

static void test_kernel_address(int fd)
{
	static const uint64_t bad[] = {
		KERNEL_ADDRESS,			/* start of the kernel half */
		0xffffffff81000000ull,		/* kernel text */
		0xfffffffffffff000ull,		/* last page */
		0x0000800000000000ull,		/* first non-canonical */
		0x0000800000001000ull,
		0x00ff000000000000ull,
		0x8000000000000000ull,
		0x7fff000000000000ull,
	};
	struct svm s;

	svm_init(&s, fd);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		void *p = from_user_pointer(bad[i]);

		/* Written, atomically modified, copied to. */
		assert_gpu_fault(&s, gpu_write32(&s, p, 1), -EFAULT, bad[i],
				 DRM_VSVM_ACCESS_WRITE);
		vsvm_emit_atomic(s.cb, true, DRM_VSVM_ATOMIC_XCHG, bad[i], 1, 0,
				 0);
		assert_gpu_fault(&s, svm_run(&s, i), -EFAULT, bad[i],
				 DRM_VSVM_ACCESS_ATOMIC);
		assert_gpu_fault(&s, gpu_copy(&s, p, s.copybuf, 8, i), -EFAULT,
				 bad[i], DRM_VSVM_ACCESS_WRITE);
		vsvm_emit_fill(s.cb, bad[i], 8, 0);
		assert_gpu_fault(&s, svm_run(&s, i), -EFAULT, bad[i],
				 DRM_VSVM_ACCESS_WRITE);
		vsvm_emit_timestamp(s.cb, bad[i]);
		assert_gpu_fault(&s, svm_run(&s, i), -EFAULT, bad[i],
				 DRM_VSVM_ACCESS_WRITE);

		/* Read: a checksum, a wait. */
		vsvm_emit_checksum(s.cb, bad[i], 4, addr(&s.results[0]));
		assert_gpu_fault(&s, svm_run(&s, i), -EFAULT, bad[i],
				 DRM_VSVM_ACCESS_READ);
		vsvm_emit_wait(s.cb, false, bad[i], 0, 0, DRM_VSVM_WAIT_EQ);
		assert_gpu_fault(&s, svm_run(&s, i), -EFAULT, bad[i],
				 DRM_VSVM_ACCESS_READ);

		/* A batch there: refused by EXEC itself since 0.5. */
		{
			struct drm_vsvm_exec exec = {
				.vm_id = s.vm,
				.batch_address = bad[i],
				.batch_size = 8,
			};

			igt_assert_eq(__vsvm_exec(fd, &exec), -EINVAL);
		}
	}

	/* The last user page is fine as an address, just unmapped. */
	assert_gpu_no_access(&s, from_user_pointer(0x7ffffffff000ull),
			     -EFAULT, -EFAULT);

	/*
	 * Copied from: the failed access is the read of the source (last, as
	 * everything else is checked by then).
	 */
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++)
		assert_gpu_fault(&s, gpu_copy(&s, s.copybuf,
					      from_user_pointer(bad[i]), 8, i),
				 -EFAULT, bad[i], DRM_VSVM_ACCESS_READ);
	svm_fini(&s);
}

/* CPU-side changes. */

static void test_munmap(int fd)
{
	uint64_t st0[VSVM_STAT_COUNT], st1[VSVM_STAT_COUNT];
	const size_t size = 16 * page_size;
	uint32_t *gate;
	struct drm_vsvm_ufence *obj;
	struct vsvm_region r;
	uint8_t *p;
	struct svm s;

	svm_init(&s, fd);
	map_anon(&r, size, SZ_64K);
	p = r.ptr;
	fill_random(p, size, 1);
	assert_gpu_reads(&s, p, size);

	/* A page in the middle goes: only it fails. */
	svm_stats(&s, st0);
	igt_assert_eq(munmap(p + 5 * page_size, page_size), 0);
	svm_stats(&s, st1);
	igt_assert_eq_u64(DELTA(st0, st1, INVALIDATIONS), 1);
	assert_gpu_no_access(&s, p + 5 * page_size + 4, -EFAULT, -EFAULT);
	assert_gpu_reads(&s, p, 5 * page_size);
	assert_gpu_reads(&s, p + 6 * page_size, size - 6 * page_size);

	/* A new mapping at the same place: new data, never the old. */
	igt_assert(mmap(p + 5 * page_size, page_size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
		   p + 5 * page_size);
	assert_gpu_reads(&s, p + 5 * page_size, page_size);
	assert_words(s.copybuf, page_size, 0, "new mapping");
	fill_words(p + 5 * page_size, page_size, 0x0e770e77);
	assert_gpu_reads(&s, p, size);

	/* The whole range goes while a job waits to read it. */
	gate = s.results + 64;
	*gate = 0;
	vsvm_emit_wait(s.cb, false, addr(gate), 1, ~0ull, DRM_VSVM_WAIT_EQ);
	vsvm_emit_checksum(s.cb, addr(p), size, addr(&s.results[0]));
	obj = vsvm_ufence_create();
	vsvm_exec_ufence(fd, s.vm, 0, s.cb, NULL, 0, obj);
	s.engine = 0;
	usleep(20 * 1000);
	igt_assert_eq(vsvm_ufence_status(obj), 0);
	igt_assert_eq(munmap(p, size), 0);
	WRITE_ONCE(*gate, 1);
	assert_gpu_fault(&s, vsvm_ufence_wait_status(fd, obj,
						      VSVM_JOB_WAIT_NS),
			 -EFAULT, addr(p), DRM_VSVM_ACCESS_READ);
	vsvm_ufence_destroy(obj);
	vsvm_cmdbuf_reset(s.cb);

	/* And again, later. */
	assert_gpu_no_access(&s, p, -EFAULT, -EFAULT);
	assert_gpu_no_access(&s, p + size - 4, -EFAULT, -EFAULT);

	vsvm_unmap_region(&r);
	svm_fini(&s);
}

static void test_mremap(int fd)
{
	const size_t size = 8 * page_size;
	struct vsvm_region r, dst;
	uint8_t *content, *p;
	struct svm s;

	svm_init(&s, fd);
	map_anon(&r, size, 0);
	/* A destination reservation, PROT_NONE until mremap. */
	vsvm_map_region(&dst, 2 * size, 0, PROT_NONE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fill_random(r.ptr, size, 1);
	content = malloc(size);
	igt_assert(content);
	memcpy(content, r.ptr, size);
	assert_gpu_reads(&s, r.ptr, size);

	/* Moved: the GPU finds the data at the new address only. */
	p = mremap(r.ptr, size, size, MREMAP_MAYMOVE | MREMAP_FIXED, dst.ptr);
	igt_assert(p == dst.ptr);
	assert_gpu_reads(&s, p, size);
	assert_mem_eq(s.copybuf, content, size, "after mremap");
	assert_gpu_no_access(&s, r.ptr, -EFAULT, -EFAULT);
	assert_gpu_no_access(&s, r.ptr + size - 4, -EFAULT, -EFAULT);

	/* Written at the new address, seen there by the CPU. */
	assert_gpu_writes(&s, p + 3, size - 6, 2);

	/* Grown in place: old and new parts. */
	igt_assert_eq(munmap(dst.ptr + size, size), 0);
	p = mremap(p, size, 2 * size, 0);
	igt_assert(p == dst.ptr);
	assert_gpu_reads(&s, p, 2 * size);
	assert_words(s.copybuf + size, size, 0, "grown part");
	check_rw(&s, p, 2 * size, 3);

	/* Shrunk: the tail is gone. */
	p = mremap(p, 2 * size, size, 0);
	igt_assert(p == dst.ptr);
	assert_gpu_no_access(&s, p + size, -EFAULT, -EFAULT);
	assert_gpu_reads(&s, p, size);

	free(content);
	vsvm_unmap_region(&r);
	vsvm_unmap_region(&dst);
	svm_fini(&s);
}

static void test_mprotect(int fd)
{
	const size_t size = 16 * page_size;
	struct vsvm_region r;
	uint8_t *content;
	struct svm s;

	svm_init(&s, fd);
	map_anon(&r, size, SZ_64K);
	content = malloc(size);
	igt_assert(content);
	/* Mirrored writable: the GPU wrote it. */
	assert_gpu_writes(&s, r.ptr, size, 1);
	memcpy(content, r.ptr, size);

	/* Downgraded: reads work, writes fail and change nothing. */
	igt_assert_eq(mprotect(r.ptr, size, PROT_READ), 0);
	assert_gpu_reads(&s, r.ptr, size);
	assert_gpu_no_access(&s, r.ptr + 4 * page_size, 1, -EACCES);
	assert_gpu_no_access(&s, r.ptr, 1, -EACCES);
	assert_mem_eq(r.ptr, content, size, "read-only");

	/* Part of it upgraded again. */
	igt_assert_eq(mprotect(r.ptr + 8 * page_size, 8 * page_size,
			       PROT_READ | PROT_WRITE), 0);
	assert_gpu_writes(&s, r.ptr + 8 * page_size, 8 * page_size, 2);
	assert_gpu_no_access(&s, r.ptr + 7 * page_size, 1, -EACCES);

	/* All upgraded: works again everywhere. */
	igt_assert_eq(mprotect(r.ptr, size, PROT_READ | PROT_WRITE), 0);
	check_rw(&s, r.ptr, size, 3);

	/* PROT_NONE and back: nothing, then everything, data intact. */
	memcpy(content, r.ptr, size);
	igt_assert_eq(mprotect(r.ptr, size, PROT_NONE), 0);
	assert_gpu_no_access(&s, r.ptr + 100, -EFAULT, -EFAULT);
	igt_assert_eq(mprotect(r.ptr, size, PROT_READ | PROT_WRITE), 0);
	assert_gpu_reads(&s, r.ptr, size);
	assert_mem_eq(s.copybuf, content, size, "after PROT_NONE");
	check_rw(&s, r.ptr, size, 4);

	free(content);
	vsvm_unmap_region(&r);
	svm_fini(&s);
}

static void test_madvise_dontneed(int fd)
{
	const size_t size = 16 * page_size;
	struct vsvm_region r;
	struct svm s;

	svm_init(&s, fd);
	map_anon(&r, size, 0);
	fill_random(r.ptr, size, 1);
	assert_gpu_reads(&s, r.ptr, size);

	/* The pages are dropped: zeros for the CPU and the GPU. */
	igt_assert_eq(madvise(r.ptr + 2 * page_size, 4 * page_size,
			      MADV_DONTNEED), 0);
	assert_words(r.ptr + 2 * page_size, 4 * page_size, 0, "CPU");
	assert_gpu_reads(&s, r.ptr, size);
	assert_words(s.copybuf + 2 * page_size, 4 * page_size, 0, "GPU");

	/* GPU writes land in the new pages. */
	assert_gpu_writes(&s, r.ptr + 2 * page_size, 4 * page_size, 2);

	/* Again, after GPU writes mirrored them writable. */
	igt_assert_eq(madvise(r.ptr, size, MADV_DONTNEED), 0);
	assert_gpu_reads(&s, r.ptr, size);
	assert_words(s.copybuf, size, 0, "GPU after the second drop");
	check_rw(&s, r.ptr, size, 3);

	vsvm_unmap_region(&r);
	svm_fini(&s);
}

/* fork() and copy-on-write. */

/* pagemap entry of the page at @p: bit 63 present, 56 exclusive, PFN. */
static uint64_t pagemap(const void *p)
{
	uint64_t entry = 0;
	int pfd = open("/proc/self/pagemap", O_RDONLY);

	igt_assert_fd(pfd);
	igt_assert_eq(pread(pfd, &entry, 8,
			    (uintptr_t)p / page_size * 8), 8);
	close(pfd);

	return entry;
}

#define PM_PRESENT	(1ull << 63)
#define PM_EXCLUSIVE	(1ull << 56)
#define PM_PFN		((1ull << 55) - 1)

enum cow_case {
	COW_PARENT_WRITE,	/* the parent's CPU writes after fork */
	COW_CHILD_WRITE,	/* the child's CPU writes after fork */
	COW_GPU_READ,		/* the parent's GPU reads a shared page */
	COW_GPU_WRITE,		/* the parent's GPU writes a shared page */
};

static void test_fork_cow(int fd, enum cow_case c)
{
	const size_t size = 8 * page_size;
	const uint32_t original = 0x0a0a0a0a, parent = 0xfa7e4000,
		       child_word = 0xc41d0000, gpu = 0x69a69a00;
	uint64_t before = 0, after = 0;
	struct vsvm_fork_sync f;
	struct vsvm_region r;
	struct svm s;

	svm_init(&s, fd);
	map_anon(&r, size, 0);
	fill_words(r.ptr, size, original);
	/* Mirrored writable before the fork: the GPU wrote it. */
	vsvm_emit_fill(s.cb, addr(r.ptr), size, original);
	igt_assert_eq(svm_run(&s, 0), 1);
	assert_gpu_reads(&s, r.ptr, size);

	vsvm_fork_sync_init(&f);
	igt_fork(child, 1) {
		/* Shared with the parent until someone writes. */
		vsvm_fork_wait_parent(&f);
		assert_words(r.ptr, size, original, "child, first look");
		if (c == COW_CHILD_WRITE)
			fill_words(r.ptr, size, child_word);
		vsvm_fork_tell_parent(&f);
		/* What the parent did must not show here. */
		vsvm_fork_wait_parent(&f);
		assert_words(r.ptr, size,
			     c == COW_CHILD_WRITE ? child_word : original,
			     "child, after the parent");
		vsvm_fork_tell_parent(&f);
	}

	vsvm_fork_tell_child(&f);
	vsvm_fork_wait_child(&f);

	switch (c) {
	case COW_PARENT_WRITE:
		/* The parent's CPU breaks COW: the GPU follows it. */
		fill_words(r.ptr, size, parent);
		assert_gpu_reads(&s, r.ptr, size);
		assert_words(s.copybuf, size, parent, "GPU after CPU write");
		/* And GPU writes go to the parent's copy. */
		vsvm_emit_fill(s.cb, addr(r.ptr + page_size), page_size, gpu);
		igt_assert_eq(svm_run(&s, 1), 1);
		assert_words(r.ptr + page_size, page_size, gpu, "parent");
		break;
	case COW_CHILD_WRITE:
		/* The child's writes are its own. */
		assert_gpu_reads(&s, r.ptr, size);
		assert_words(s.copybuf, size, original, "GPU after child write");
		assert_words(r.ptr, size, original, "parent");
		break;
	case COW_GPU_READ:
		before = pagemap(r.ptr + 2 * page_size);
		igt_assert(before & PM_PRESENT);
		igt_assert_f(!(before & PM_EXCLUSIVE),
			     "page exclusive after fork\n");
		assert_gpu_reads(&s, r.ptr, size);
		assert_words(s.copybuf, size, original, "GPU read");
		/* The read did not copy the parent's page. */
		after = pagemap(r.ptr + 2 * page_size);
		igt_assert(after & PM_PRESENT);
		igt_assert_f(!(after & PM_EXCLUSIVE),
			     "a GPU read broke copy-on-write\n");
		igt_assert_eq_u64(after & PM_PFN, before & PM_PFN);
		break;
	case COW_GPU_WRITE:
		/* The GPU write breaks COW for the parent only. */
		before = pagemap(r.ptr + 2 * page_size);
		vsvm_emit_fill(s.cb, addr(r.ptr + 2 * page_size), page_size,
			       gpu);
		igt_assert_eq(svm_run(&s, 1), 1);
		assert_words(r.ptr + 2 * page_size, page_size, gpu, "parent");
		after = pagemap(r.ptr + 2 * page_size);
		igt_assert_f(after & PM_EXCLUSIVE,
			     "the page is still shared after a GPU write\n");
		if (before & PM_PFN)
			igt_assert_neq_u64(after & PM_PFN, before & PM_PFN);
		assert_gpu_reads(&s, r.ptr, size);
		break;
	}

	vsvm_fork_tell_child(&f);
	vsvm_fork_wait_child(&f);
	igt_waitchildren();
	vsvm_fork_sync_fini(&f);

	/* After the child is gone, everything still works. */
	check_rw(&s, r.ptr, size, 9);
	vsvm_unmap_region(&r);
	svm_fini(&s);
}

/* Isolation between processes. */

/* An address range free in this process, so also in a child forked now. */
static uint8_t *free_range(size_t size)
{
	uint8_t *p = mmap(NULL, size + SZ_2M, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	igt_assert(p != MAP_FAILED);
	igt_assert_eq(munmap(p, size + SZ_2M), 0);

	return (uint8_t *)ALIGN((uintptr_t)p, SZ_2M);
}

static bool is_mapped(const void *p)
{
	return msync((void *)((uintptr_t)p & ~((uintptr_t)page_size - 1)),
		     page_size, MS_ASYNC) == 0;
}

/*
 * A child maps memory where the parent has nothing: the child's VM reads it,
 * the parent's VM faults.
 */
static void test_isolation(int fd)
{
	const size_t size = 4 * page_size;
	struct vsvm_fork_sync f;
	uint8_t *x;
	struct svm s;

	svm_init(&s, fd);
	x = free_range(size);
	vsvm_fork_sync_init(&f);

	igt_fork(child, 1) {
		struct svm cs;
		int cfd = drm_open_vsvm_render();
		uint8_t *p = mmap(x, size, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS |
				  MAP_FIXED_NOREPLACE, -1, 0);

		igt_assert(p == x);
		svm_init(&cs, cfd);
		fill_words(p, size, 0xc41dc41d);
		check_rw(&cs, p, size, 1);
		fill_words(p, size, 0xc41dc41d);
		vsvm_fork_tell_parent(&f);
		vsvm_fork_wait_parent(&f);
		svm_fini(&cs);
		close(cfd);
	}

	vsvm_fork_wait_child(&f);
	igt_assert(!is_mapped(x));
	assert_gpu_no_access(&s, x, -EFAULT, -EFAULT);
	assert_gpu_no_access(&s, x + size - 4, -EFAULT, -EFAULT);
	vsvm_fork_tell_child(&f);
	igt_waitchildren();

	vsvm_fork_sync_fini(&f);
	svm_fini(&s);
}

/*
 * Two processes use the same virtual addresses at once, with different
 * data, on all engines: each sees its own.
 */
static void same_address_body(uint8_t *x, size_t size, uint32_t word,
			      int rounds)
{
	struct svm s;
	int cfd = drm_open_vsvm_render();
	uint8_t *p = mmap(x, size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			  -1, 0);

	igt_assert(p == x);
	svm_init(&s, cfd);
	for (int i = 0; i < rounds; i++) {
		uint32_t w = word + i;
		uint32_t crc, expected;

		vsvm_emit_fill(s.cb, addr(p), size, w);
		igt_assert_eq(svm_run(&s, i), 1);
		assert_words(p, size, w, "own data");
		expected = vsvm_crc32(0, p, size);
		igt_assert_eq(gpu_checksum(&s, p, size, &crc, i + 1), 1);
		igt_assert_eq_u32(crc, expected);
	}
	svm_fini(&s);
	close(cfd);
}

static void test_two_processes(int fd)
{
	const size_t size = 64 * page_size;
	uint8_t *x = free_range(size);

	igt_fork(child, 2)
		same_address_body(x, size, 0x1000000 * (child + 1), 64);
	igt_waitchildren();
}

/*
 * A child creates a VM on the file it inherited: the VM mirrors the child,
 * and the parent cannot run jobs in it.
 */
static void test_vm_child_shared_file(int fd)
{
	struct vsvm_fork_sync f;
	uint32_t child_vm = 0;
	struct svm s;

	svm_init(&s, fd);
	vsvm_fork_sync_init(&f);

	igt_fork(child, 1) {
		struct svm cs;

		svm_init(&cs, fd);
		fill_words(cs.copybuf, page_size, 0xc41dc41d);
		check_rw(&cs, cs.copybuf, page_size, 1);
		igt_assert_eq(write(f.to_parent[1], &cs.vm, sizeof(cs.vm)),
			      sizeof(cs.vm));
		vsvm_fork_wait_parent(&f);
		/* Still the child's. */
		check_rw(&cs, cs.copybuf + page_size, page_size, 2);
		svm_fini(&cs);
	}

	igt_assert_eq(read(f.to_parent[0], &child_vm, sizeof(child_vm)),
		      sizeof(child_vm));
	igt_assert_neq_u32(child_vm, s.vm);
	{
		struct vsvm_cmdbuf *cb = vsvm_cmdbuf_create(page_size);
		uint64_t st[VSVM_STAT_COUNT];
		struct drm_vsvm_stats stats = {
			.vm_id = child_vm,
			.count = VSVM_STAT_COUNT,
			.data = to_user_pointer(st),
		};

		vsvm_emit_nop(cb);
		igt_assert_eq(__vsvm_exec_submit(fd, child_vm, 0, cb, NULL, 0),
			      -EACCES);
		/* Nor does the child's VM report to the parent (0.5). */
		igt_assert_eq(__vsvm_stats(fd, &stats), -EACCES);
		vsvm_cmdbuf_destroy(cb);
	}
	/* The parent's own VM is unaffected. */
	check_rw(&s, s.copybuf, page_size, 3);
	vsvm_fork_tell_child(&f);
	igt_waitchildren();

	vsvm_fork_sync_fini(&f);
	svm_fini(&s);
}

/* Statistics. */

/* N separate 4 KiB VMAs: N faults, N 4 KiB entries, nothing else. */
static void test_stats_pages_4k(int fd)
{
	uint64_t st0[VSVM_STAT_COUNT], st1[VSVM_STAT_COUNT];
	const int n = 8;
	struct vsvm_region r[8];
	struct svm s;

	svm_init(&s, fd);
	for (int i = 0; i < n; i++) {
		map_anon(&r[i], page_size, 0);
		fill_random(r[i].ptr, page_size, i);
	}

	svm_stats(&s, st0);
	for (int i = 0; i < n; i++) {
		uint32_t crc;

		igt_assert_eq(gpu_checksum(&s, r[i].ptr, page_size, &crc, i),
			      1);
		igt_assert_eq_u32(crc, vsvm_crc32(0, r[i].ptr, page_size));
	}
	svm_stats(&s, st1);
	log_stats("4k", st0, st1);
	igt_assert_eq_u64(DELTA(st0, st1, FAULTS), n);
	igt_assert_eq_u64(DELTA(st0, st1, FAULTS_DEDUP), 0);
	igt_assert_eq_u64(DELTA(st0, st1, PAGES_4K), n);
	igt_assert_eq_u64(DELTA(st0, st1, PAGES_2M), 0);
	igt_assert_eq_u64(DELTA(st0, st1, RANGES_64K), 0);
	igt_assert_eq_u64(DELTA(st0, st1, INVALIDATIONS), 0);
	igt_assert_eq_u64(DELTA(st0, st1, JOBS), n);
	igt_assert_eq_u64(DELTA(st0, st1, JOBS_FAILED), 0);
	assert_stats_consistent(st0, st1);

	/* Mirrored now: no more faults. */
	for (int i = 0; i < n; i++)
		assert_gpu_writes(&s, r[i].ptr, page_size, i + 100);
	svm_stats(&s, st0);
	igt_assert_eq_u64(DELTA(st1, st0, FAULTS), 0);
	igt_assert_eq_u64(DELTA(st1, st0, PAGES_4K), 0);
	igt_assert_eq_u64(DELTA(st1, st0, JOBS), n);

	for (int i = 0; i < n; i++)
		vsvm_unmap_region(&r[i]);
	svm_fini(&s);
}

/* An aligned 64 KiB VMA: one fault maps it all, in 16 4 KiB entries. */
static void test_stats_pages_64k(int fd)
{
	uint64_t st0[VSVM_STAT_COUNT], st1[VSVM_STAT_COUNT];
	struct vsvm_region r;
	struct svm s;

	svm_init(&s, fd);
	map_anon(&r, SZ_64K, SZ_64K);
	fill_random(r.ptr, SZ_64K, 1);

	svm_stats(&s, st0);
	assert_gpu_reads(&s, r.ptr + 5 * page_size + 3, 7);
	assert_gpu_reads(&s, r.ptr, SZ_64K);
	svm_stats(&s, st1);
	log_stats("64k", st0, st1);
	igt_assert_eq_u64(DELTA(st0, st1, FAULTS), 1);
	igt_assert_eq_u64(DELTA(st0, st1, RANGES_64K), 1);
	igt_assert_eq_u64(DELTA(st0, st1, PAGES_4K), 16);
	igt_assert_eq_u64(DELTA(st0, st1, PAGES_2M), 0);

	vsvm_unmap_region(&r);
	svm_fini(&s);
}

/*
 * An aligned 2 MiB VMA without THP: one fault maps it all, in 512 4 KiB
 * entries; with THP, one 2 MiB entry.
 */
static void test_stats_pages_2m(int fd, bool thp)
{
	uint64_t st0[VSVM_STAT_COUNT], st1[VSVM_STAT_COUNT];
	struct vsvm_region r;
	struct svm s;
	uint32_t crc;

	svm_init(&s, fd);
	if (thp) {
		map_thp(&r, SZ_2M);
	} else {
		vsvm_map_region(&r, SZ_2M, SZ_2M, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		igt_assert_eq(madvise(r.ptr, SZ_2M, MADV_NOHUGEPAGE), 0);
		memset(r.ptr, 0x22, SZ_2M);
	}

	svm_stats(&s, st0);
	igt_assert_eq(gpu_checksum(&s, r.ptr + SZ_2M - 8, 8, &crc, 0), 1);
	igt_assert_eq(gpu_checksum(&s, r.ptr, SZ_2M, &crc, 1), 1);
	igt_assert_eq_u32(crc, vsvm_crc32(0, r.ptr, SZ_2M));
	svm_stats(&s, st1);
	log_stats(thp ? "2m-thp" : "2m", st0, st1);
	igt_assert_eq_u64(DELTA(st0, st1, FAULTS), 1);
	igt_assert_eq_u64(DELTA(st0, st1, RANGES_64K), 0);
	igt_assert_eq_u64(DELTA(st0, st1, PAGES_4K), thp ? 0 : 512);
	igt_assert_eq_u64(DELTA(st0, st1, PAGES_2M), thp ? 1 : 0);

	vsvm_unmap_region(&r);
	svm_fini(&s);
}

static void test_stats_invalidations(int fd)
{
	uint64_t st0[VSVM_STAT_COUNT], st1[VSVM_STAT_COUNT];
	struct vsvm_region a, b, c;
	struct svm s;

	svm_init(&s, fd);
	map_anon(&a, 4 * page_size, 0);
	map_anon(&b, 4 * page_size, 0);
	map_anon(&c, 4 * page_size, 0);
	assert_gpu_reads(&s, a.ptr, 4 * page_size);
	assert_gpu_writes(&s, b.ptr, 4 * page_size, 1);

	/* Changes to memory the GPU never touched are not counted. */
	svm_stats(&s, st0);
	igt_assert_eq(mprotect(c.ptr, 4 * page_size, PROT_READ), 0);
	igt_assert_eq(madvise(c.ptr, 4 * page_size, MADV_DONTNEED), 0);
	vsvm_unmap_region(&c);
	svm_stats(&s, st1);
	igt_assert_eq_u64(DELTA(st0, st1, INVALIDATIONS), 0);

	/* A munmap of a mirrored range: one. */
	igt_assert_eq(munmap(a.ptr, 4 * page_size), 0);
	svm_stats(&s, st0);
	igt_assert_eq_u64(DELTA(st1, st0, INVALIDATIONS), 1);

	/* A downgrade of a writable mirror: one. */
	igt_assert_eq(mprotect(b.ptr, 4 * page_size, PROT_READ), 0);
	svm_stats(&s, st1);
	igt_assert_eq_u64(DELTA(st0, st1, INVALIDATIONS), 1);

	/* Mirrored again (read-only), then dropped: one. */
	assert_gpu_reads(&s, b.ptr, 4 * page_size);
	svm_stats(&s, st0);
	igt_assert_eq(madvise(b.ptr, 4 * page_size, MADV_DONTNEED), 0);
	svm_stats(&s, st1);
	igt_assert_eq_u64(DELTA(st0, st1, INVALIDATIONS), 1);

	/* Nothing mirrored since: the next change is not counted. */
	igt_assert_eq(munmap(b.ptr, 4 * page_size), 0);
	svm_stats(&s, st0);
	igt_assert_eq_u64(DELTA(st1, st0, INVALIDATIONS), 0);

	vsvm_unmap_region(&a);
	vsvm_unmap_region(&b);
	svm_fini(&s);
}

/* JOBS and JOBS_FAILED: exact, per VM; the device counts them too. */
static void test_stats_jobs(int fd)
{
	uint64_t st0[VSVM_STAT_COUNT], st1[VSVM_STAT_COUNT];
	uint64_t dev0[VSVM_STAT_COUNT], dev1[VSVM_STAT_COUNT];
	struct vsvm_region r;
	struct svm s;
	int ok = 0, failed = 0;

	svm_init(&s, fd);
	map_anon(&r, page_size, 0);
	svm_stats(&s, st0);
	vsvm_stats(fd, 0, dev0);
	for (int i = 0; i < 12; i++) {
		if (i % 3 == 2) {
			assert_gpu_fault(&s, gpu_write32(&s, hole_in(&r), 1),
					 -EFAULT, addr(hole_in(&r)),
					 DRM_VSVM_ACCESS_WRITE);
			failed++;
		} else {
			igt_assert_eq(gpu_write32(&s, r.ptr, i), 1);
			ok++;
		}
	}
	svm_stats(&s, st1);
	vsvm_stats(fd, 0, dev1);
	igt_assert_eq_u64(DELTA(st0, st1, JOBS), ok + failed);
	igt_assert_eq_u64(DELTA(st0, st1, JOBS_FAILED), failed);
	igt_assert_lte_u64(ok + failed, DELTA(dev0, dev1, JOBS));
	igt_assert_lte_u64(failed, DELTA(dev0, dev1, JOBS_FAILED));
	/* Each failed job faulted once, in vain. */
	igt_assert_lte_u64(failed, DELTA(st0, st1, FAULTS));

	vsvm_unmap_region(&r);
	svm_fini(&s);
}

/*
 * Every engine touches the same fresh 2 MiB range at once: the range is
 * mapped once (512 4 KiB entries, or one 2 MiB entry with THP), by one
 * fault resolution; the other engines' faults, if any, find it done.
 */
static void test_dedup(int fd, bool thp)
{
	uint64_t st0[VSVM_STAT_COUNT], st1[VSVM_STAT_COUNT];
	struct vsvm_cmdbuf **cbs;
	struct vsvm_region r, cmds;
	struct drm_vsvm_ufence **ufences;
	uint32_t *go;
	struct svm s;

	igt_require(vsvm_num_engines(fd) > 1);
	svm_init(&s, fd);
	if (thp) {
		map_thp(&r, SZ_2M);
	} else {
		vsvm_map_region(&r, SZ_2M, SZ_2M, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		igt_assert_eq(madvise(r.ptr, SZ_2M, MADV_NOHUGEPAGE), 0);
		memset(r.ptr, 0, SZ_2M);
	}

	/* One command buffer page per engine, mirrored with the gate. */
	map_anon(&cmds, s.engines * page_size, 0);
	cbs = calloc(s.engines, sizeof(*cbs));
	ufences = calloc(s.engines, sizeof(*ufences));
	igt_assert(cbs && ufences);
	go = s.results + 128;
	*go = 0;
	for (uint32_t e = 0; e < s.engines; e++) {
		uint8_t *mine = r.ptr + (SZ_2M / s.engines) * e;

		cbs[e] = vsvm_cmdbuf_wrap(cmds.ptr + e * page_size, page_size);
		vsvm_emit_wait(cbs[e], false, addr(go), 1, ~0ull,
			       DRM_VSVM_WAIT_EQ);
		vsvm_emit_write32(cbs[e], addr(mine), 0xd0d0 + e);
		vsvm_emit_write32(cbs[e], addr(mine + SZ_2M / s.engines - 4),
				  0xe0e0 + e);
		ufences[e] = vsvm_ufence_create();
	}
	vsvm_emit_checksum(s.cb, addr(cmds.ptr), cmds.size,
			   addr(&s.results[0]));
	vsvm_emit_checksum(s.cb, addr(go), 4, addr(&s.results[1]));
	igt_assert_eq(svm_run(&s, 0), 1);

	svm_stats(&s, st0);
	for (uint32_t e = 0; e < s.engines; e++)
		vsvm_exec_ufence(fd, s.vm, e, cbs[e], NULL, 0, ufences[e]);
	usleep(50 * 1000);
	WRITE_ONCE(*go, 1);
	for (uint32_t e = 0; e < s.engines; e++)
		igt_assert_eq(vsvm_ufence_wait_status(fd, ufences[e],
						       VSVM_JOB_WAIT_NS), 1);
	svm_stats(&s, st1);
	log_stats(thp ? "dedup-thp" : "dedup", st0, st1);

	for (uint32_t e = 0; e < s.engines; e++) {
		uint8_t *mine = r.ptr + (SZ_2M / s.engines) * e;

		igt_assert_eq_u32(*(uint32_t *)mine, 0xd0d0 + e);
		igt_assert_eq_u32(*(uint32_t *)(mine + SZ_2M / s.engines - 4),
				  0xe0e0 + e);
	}
	/* Mapped once, by one resolution. */
	igt_assert_eq_u64(DELTA(st0, st1, PAGES_4K), thp ? 0 : 512);
	igt_assert_eq_u64(DELTA(st0, st1, PAGES_2M), thp ? 1 : 0);
	igt_assert_lte_u64(1, DELTA(st0, st1, FAULTS));
	igt_assert_eq_u64(DELTA(st0, st1, FAULTS) -
			  DELTA(st0, st1, FAULTS_DEDUP), 1);
	igt_assert_lte_u64(DELTA(st0, st1, FAULTS), s.engines);

	for (uint32_t e = 0; e < s.engines; e++) {
		vsvm_ufence_destroy(ufences[e]);
		vsvm_cmdbuf_destroy(cbs[e]);
	}
	free(cbs);
	free(ufences);
	vsvm_unmap_region(&cmds);
	vsvm_unmap_region(&r);
	svm_fini(&s);
}

/*
 * Allocation churn, as xe_exec_system_allocator does it: each round
 * allocates (malloc or mmap), has the GPU check what the CPU wrote and
 * write new data, checks it, and frees. Addresses are reused: the GPU must
 * never see a previous round's data.
 */
enum alloc_kind { ALLOC_MALLOC, ALLOC_MMAP };

static const size_t churn_sizes[] = {
	4096, 3 * 4096 + 8, 65536, 200000, 2 << 20, (2 << 20) + 4096,
};

static void churn_body(int fd, uint32_t vm, enum alloc_kind kind, int rounds,
		       uint32_t engine, uint32_t seed)
{
	uint64_t st0[VSVM_STAT_COUNT], st1[VSVM_STAT_COUNT];
	struct svm s;

	svm_init_vm(&s, fd, vm);
	svm_warm(&s);
	svm_stats(&s, st0);
	for (int i = 0; i < rounds; i++) {
		size_t size = churn_sizes[(i + seed) % ARRAY_SIZE(churn_sizes)];
		uint32_t crc = 0, word = seed * 0x10000 + i;
		uint8_t *p;
		int status;

		if (kind == ALLOC_MALLOC) {
			p = malloc(size);
			igt_assert(p);
		} else {
			p = mmap(NULL, size, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			igt_assert(p != MAP_FAILED);
		}
		fill_words(p, size & ~3ul, word);

		/* The GPU sees this round's data... */
		status = gpu_checksum(&s, p, size & ~3ul, &crc, engine + i);
		igt_assert_eq(status, 1);
		igt_assert_eq_u32(crc, vsvm_crc32(0, p, size & ~3ul));
		/* ... and writes the next. */
		vsvm_emit_fill(s.cb, addr(p), size & ~3ul, ~word);
		igt_assert_eq(svm_run(&s, engine + i), 1);
		assert_words(p, size & ~3ul, ~word, "GPU fill");

		if (kind == ALLOC_MALLOC)
			free(p);
		else
			munmap(p, size);
	}

	svm_stats(&s, st1);
	assert_stats_consistent(st0, st1);
	if (!vm) {
		/* Its own VM: exactly its jobs, none failed. */
		igt_assert_eq_u64(DELTA(st0, st1, JOBS), 2 * rounds);
		igt_assert_eq_u64(DELTA(st0, st1, JOBS_FAILED), 0);
	}
	svm_fini(&s);
}

struct churn_thread {
	pthread_t thread;
	int fd;
	uint32_t vm;
	enum alloc_kind kind;
	int rounds;
	uint32_t engine;
};

static void *churn_thread(void *arg)
{
	struct churn_thread *t = arg;

	churn_body(t->fd, t->vm, t->kind, t->rounds, t->engine,
		   t->engine + 1);

	return NULL;
}

enum variant { ONCE, MANY, THREADS_MANY, PROCESS_MANY };

static const char * const variant_names[] = {
	[ONCE] = "once",
	[MANY] = "many",
	[THREADS_MANY] = "threads-many",
	[PROCESS_MANY] = "process-many",
};

#define CHURN_ROUNDS	24
#define NUM_THREADS	3
#define NUM_PROCESSES	2

static void test_churn(int fd, enum alloc_kind kind, enum variant v)
{
	switch (v) {
	case ONCE:
		churn_body(fd, 0, kind, 1, 0, 1);
		break;
	case MANY:
		churn_body(fd, 0, kind, CHURN_ROUNDS, 0, 1);
		break;
	case THREADS_MANY: {
		/* The threads share one VM. */
		uint32_t vm = vsvm_vm_create(fd);
		struct churn_thread t[NUM_THREADS];

		for (int i = 0; i < NUM_THREADS; i++) {
			t[i].fd = fd;
			t[i].vm = vm;
			t[i].kind = kind;
			t[i].rounds = CHURN_ROUNDS;
			t[i].engine = i;
			igt_assert_eq(pthread_create(&t[i].thread, NULL,
						     churn_thread, &t[i]), 0);
		}
		for (int i = 0; i < NUM_THREADS; i++)
			pthread_join(t[i].thread, NULL);
		igt_thread_assert_no_failures();
		vsvm_vm_destroy(fd, vm);
		break;
	}
	case PROCESS_MANY:
		igt_fork(child, NUM_PROCESSES) {
			int cfd = drm_open_vsvm_render();

			churn_body(cfd, 0, kind, CHURN_ROUNDS, child,
				   child + 1);
			close(cfd);
		}
		igt_waitchildren();
		break;
	}
}

/*
 * Races: a thread changes the CPU mapping of a region in a loop while jobs
 * read and write it.
 *
 * munmap: the region is a memfd mapped page by page; the racer replaces
 * pages with a mapping of another copy of the same data (mmap MAP_FIXED),
 * or unmaps them for a moment first. Jobs either succeed and see exactly
 * the data, or fail with -EFAULT.
 *
 * mprotect: the racer flips the region between read-write, read-only and
 * PROT_NONE. Each engine owns a page it fills and checksums in one job:
 * the job succeeds with the right checksum, or fails with -EACCES or
 * -EFAULT.
 *
 * Afterwards, the GPU must see the CPU's final state exactly.
 */
#define RACE_PAGES	16
#define RACE_SECONDS	2
#define RACE_REPEAT	2	/* checks per job */

enum race_kind { RACE_MUNMAP, RACE_MPROTECT };

struct race {
	int fd;
	uint32_t vm;
	uint32_t engines;
	enum race_kind kind;
	int memfd;
	struct vsvm_region r;
	volatile bool stop;
	unsigned long ok, failed, racer_loops;
	uint64_t max_job_ns, max_racer_ns;	/* longest job, CPU change */
};

static uint32_t race_word(int page)
{
	return 0xa0000000u | page;
}

static void *racer_thread(void *arg)
{
	struct race *rc = arg;
	unsigned int seed = 1;

	while (!READ_ONCE(rc->stop)) {
		int i = rand_r(&seed) % RACE_PAGES;
		uint8_t *p = rc->r.ptr + i * page_size;
		uint64_t t0 = vsvm_gettime_ns(), t;

		if (rc->kind == RACE_MUNMAP) {
			off_t copy = (rc->racer_loops & 1) * RACE_PAGES + i;

			if (rc->racer_loops % 3 == 0) {
				igt_assert_eq(munmap(p, page_size), 0);
				usleep(20);
			}
			igt_assert(mmap(p, page_size, PROT_READ | PROT_WRITE,
					MAP_SHARED | MAP_FIXED, rc->memfd,
					copy * page_size) == p);
		} else {
			static const int prots[] = {
				PROT_READ, PROT_NONE, PROT_READ | PROT_WRITE,
			};
			int prot = prots[rc->racer_loops % 3];
			int n = 1 + rand_r(&seed) % (RACE_PAGES - i);

			igt_assert_eq(mprotect(p, n * page_size, prot), 0);
		}
		t = vsvm_gettime_ns() - t0;
		if (t > rc->max_racer_ns)
			rc->max_racer_ns = t;
		rc->racer_loops++;
		usleep(300 + rand_r(&seed) % 700);
	}

	/* Leave the region whole and writable. */
	if (rc->kind == RACE_MPROTECT)
		igt_assert_eq(mprotect(rc->r.ptr, RACE_PAGES * page_size,
				       PROT_READ | PROT_WRITE), 0);
	else
		for (int i = 0; i < RACE_PAGES; i++)
			igt_assert(mmap(rc->r.ptr + i * page_size, page_size,
					PROT_READ | PROT_WRITE,
					MAP_SHARED | MAP_FIXED, rc->memfd,
					(off_t)i * page_size) ==
				   rc->r.ptr + i * page_size);

	return NULL;
}

static void race_init(struct race *rc, int fd, uint32_t vm,
		      enum race_kind kind)
{
	const size_t size = RACE_PAGES * page_size;

	memset(rc, 0, sizeof(*rc));
	rc->fd = fd;
	rc->vm = vm;
	rc->engines = vsvm_num_engines(fd);
	rc->kind = kind;
	rc->memfd = -1;

	if (kind == RACE_MUNMAP) {
		uint8_t *p;

		/* Two copies of the data: pages i and RACE_PAGES + i. */
		rc->memfd = memfd_create("vsvm-race", 0);
		igt_assert_fd(rc->memfd);
		igt_assert_eq(ftruncate(rc->memfd, 2 * size), 0);
		p = mmap(NULL, 2 * size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 rc->memfd, 0);
		igt_assert(p != MAP_FAILED);
		for (int i = 0; i < 2 * RACE_PAGES; i++)
			fill_words(p + i * page_size, page_size,
				   race_word(i % RACE_PAGES));
		munmap(p, 2 * size);
		vsvm_map_region(&rc->r, size, 0, PROT_READ | PROT_WRITE,
				MAP_SHARED, rc->memfd, 0);
	} else {
		map_anon(&rc->r, size, 0);
	}
}

static void race_fini(struct race *rc)
{
	vsvm_unmap_region(&rc->r);
	if (rc->memfd >= 0)
		close(rc->memfd);
}

/* The jobs of one engine, in a command buffer of their own. */
struct race_job {
	struct vsvm_cmdbuf *cb;
	uint32_t *results;	/* RACE_REPEAT checksums */
	uint8_t *copy;		/* RACE_REPEAT copies of the region */
	struct drm_vsvm_ufence *ufence;
	uint32_t engine;
	uint32_t fill;		/* mprotect: the pattern of this round */
};

static void race_job_init(struct race *rc, struct race_job *j,
			  uint32_t engine, int repeat)
{
	const size_t size = RACE_PAGES * page_size;

	j->engine = engine;
	j->cb = vsvm_cmdbuf_create(64 * 1024);
	j->results = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	j->copy = mmap(NULL, repeat * size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(j->results != MAP_FAILED && j->copy != MAP_FAILED);
	j->ufence = vsvm_ufence_create();
}

static void race_job_fini(struct race *rc, struct race_job *j, int repeat)
{
	vsvm_ufence_destroy(j->ufence);
	vsvm_cmdbuf_destroy(j->cb);
	munmap(j->results, page_size);
	munmap(j->copy, repeat * RACE_PAGES * page_size);
}

#define NOT_RUN	0x5e7e5e7e

static void race_job_emit(struct race *rc, struct race_job *j, int repeat,
			  uint32_t round)
{
	const size_t size = RACE_PAGES * page_size;
	uint8_t *mine = rc->r.ptr + (j->engine % RACE_PAGES) * page_size;

	vsvm_cmdbuf_reset(j->cb);
	for (int k = 0; k < repeat; k++) {
		j->results[k] = NOT_RUN;
		if (rc->kind == RACE_MUNMAP) {
			/* Rewrite a page with its own data, read all. */
			vsvm_emit_fill(j->cb, addr(mine), page_size,
				       race_word(j->engine % RACE_PAGES));
			vsvm_emit_copy(j->cb, addr(j->copy + k * size),
				       addr(rc->r.ptr), size);
			vsvm_emit_checksum(j->cb, addr(rc->r.ptr), size,
					   addr(&j->results[k]));
		} else {
			j->fill = 0x01000000 * (j->engine + 1) + round;
			vsvm_emit_fill(j->cb, addr(mine), page_size, j->fill);
			vsvm_emit_checksum(j->cb, addr(mine), page_size,
					   addr(&j->results[k]));
		}
	}
}

/* Checks a finished job: right data as far as it ran. */
static void race_job_check(struct race *rc, struct race_job *j, int repeat,
			   int status, uint32_t expected_crc,
			   const uint8_t *expected)
{
	const size_t size = RACE_PAGES * page_size;
	uint8_t *page;
	uint32_t page_crc;

	if (rc->kind == RACE_MUNMAP) {
		igt_assert_f(status == 1 || status == -EFAULT,
			     "munmap race: job status %d\n", status);
	} else {
		igt_assert_f(status == 1 || status == -EACCES ||
			     status == -EFAULT,
			     "mprotect race: job status %d\n", status);
		page = malloc(page_size);
		igt_assert(page);
		fill_words(page, page_size, j->fill);
		page_crc = vsvm_crc32(0, page, page_size);
		free(page);
		expected_crc = page_crc;
	}

	for (int k = 0; k < repeat; k++) {
		if (j->results[k] == NOT_RUN) {
			igt_assert_f(status != 1, "check %d did not run\n", k);
			continue;
		}
		igt_assert_f(j->results[k] == expected_crc,
			     "engine %u check %d: CRC %#x, expected %#x (status %d)\n",
			     j->engine, k, j->results[k], expected_crc, status);
		if (rc->kind == RACE_MUNMAP)
			assert_mem_eq(j->copy + k * size, expected, size,
				      "racing copy");
	}
	if (status == 1)
		__atomic_fetch_add(&rc->ok, 1, __ATOMIC_RELAXED);
	else
		__atomic_fetch_add(&rc->failed, 1, __ATOMIC_RELAXED);
}

/*
 * Runs the @count jobs against the racer, round after round, for
 * RACE_SECONDS (a single round with @once).
 */
static void race_jobs(struct race *rc, struct race_job *jobs, uint32_t count,
		      bool once)
{
	const size_t size = RACE_PAGES * page_size;
	const int repeat = once ? 8 * RACE_REPEAT : RACE_REPEAT;
	uint8_t *expected = malloc(size);
	struct timespec start = {};
	uint32_t expected_crc, round = 0;

	igt_assert(expected);
	for (int i = 0; i < RACE_PAGES; i++)
		fill_words(expected + i * page_size, page_size, race_word(i));
	expected_crc = vsvm_crc32(0, expected, size);

	igt_nsec_elapsed(&start);
	do {
		uint64_t t0 = vsvm_gettime_ns(), t;

		for (uint32_t e = 0; e < count; e++) {
			race_job_emit(rc, &jobs[e], repeat, round);
			vsvm_exec_ufence(rc->fd, rc->vm, jobs[e].engine,
					 jobs[e].cb, NULL, 0, jobs[e].ufence);
		}
		for (uint32_t e = 0; e < count; e++) {
			int status = vsvm_ufence_wait_status(rc->fd,
							      jobs[e].ufence,
							      VSVM_JOB_WAIT_NS);

			t = vsvm_gettime_ns() - t0;
			if (t > rc->max_job_ns)
				rc->max_job_ns = t;

			race_job_check(rc, &jobs[e], repeat, status,
				       expected_crc, expected);
		}
		round++;
	} while (!once && igt_seconds_elapsed(&start) < RACE_SECONDS);

	free(expected);
}

/* After the race: the GPU sees exactly what the CPU has now. */
static void race_final_check(struct svm *s, struct race *rc)
{
	const size_t size = RACE_PAGES * page_size;

	/* What the racer left: the GPU sees it as the CPU does. */
	assert_gpu_reads(s, rc->r.ptr, size);

	/* No writable entry survived the race: read-only means read-only. */
	igt_assert_eq(mprotect(rc->r.ptr, size, PROT_READ), 0);
	for (int i = 0; i < RACE_PAGES; i++)
		assert_gpu_fault(s, gpu_write32(s, rc->r.ptr + i * page_size +
						64, 1),
				 -EACCES, addr(rc->r.ptr + i * page_size + 64),
				 DRM_VSVM_ACCESS_WRITE);
	igt_assert_eq(mprotect(rc->r.ptr, size, PROT_READ | PROT_WRITE), 0);

	/* New pages everywhere, with new data. */
	igt_assert(mmap(rc->r.ptr, size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
		   rc->r.ptr);
	for (int i = 0; i < RACE_PAGES; i++)
		fill_words(rc->r.ptr + i * page_size, page_size,
			   0x50000000 | i);
	assert_gpu_reads(s, rc->r.ptr, size);
	check_rw(s, rc->r.ptr, size, 77);
}

struct race_worker {
	pthread_t thread;
	struct race *rc;
	struct race_job *job;
	bool once;
};

static void *race_worker_thread(void *arg)
{
	struct race_worker *w = arg;

	race_jobs(w->rc, w->job, 1, w->once);

	return NULL;
}

/*
 * One VM, one racing region, jobs on every engine: submitted by this
 * thread, or with @threads by one thread per engine. Everything the jobs
 * need is mapped before the racer starts, so that no mmap() lands in a
 * page the racer unmapped for a moment.
 */
static void race_body(int fd, enum race_kind kind, bool once, bool threads)
{
	uint64_t st0[VSVM_STAT_COUNT], st1[VSVM_STAT_COUNT];
	const int repeat = once ? 8 * RACE_REPEAT : RACE_REPEAT;
	struct race_worker *w;
	struct race_job *jobs;
	pthread_t racer;
	struct race rc;
	struct svm s;

	svm_init(&s, fd);
	race_init(&rc, fd, s.vm, kind);
	jobs = calloc(s.engines, sizeof(*jobs));
	w = calloc(s.engines, sizeof(*w));
	igt_assert(jobs && w);
	for (uint32_t e = 0; e < s.engines; e++)
		race_job_init(&rc, &jobs[e], e, repeat);
	svm_stats(&s, st0);

	igt_assert_eq(pthread_create(&racer, NULL, racer_thread, &rc), 0);
	if (!threads) {
		race_jobs(&rc, jobs, s.engines, once);
	} else {
		for (uint32_t e = 0; e < s.engines; e++) {
			w[e].rc = &rc;
			w[e].job = &jobs[e];
			w[e].once = once;
			igt_assert_eq(pthread_create(&w[e].thread, NULL,
						     race_worker_thread,
						     &w[e]), 0);
		}
		for (uint32_t e = 0; e < s.engines; e++)
			pthread_join(w[e].thread, NULL);
	}
	rc.stop = true;
	pthread_join(racer, NULL);
	igt_thread_assert_no_failures();

	svm_stats(&s, st1);
	igt_info("%s race: %lu jobs ok, %lu failed, %lu racer loops; longest job %.3f s, CPU change %.3f s\n",
		 kind == RACE_MUNMAP ? "munmap" : "mprotect", rc.ok,
		 rc.failed, rc.racer_loops, rc.max_job_ns / 1e9,
		 rc.max_racer_ns / 1e9);
	log_stats("race", st0, st1);
	igt_assert_lt(0, rc.ok + rc.failed);
	igt_assert_lt(0, rc.racer_loops);
	igt_assert_lte_u64(rc.failed, DELTA(st0, st1, JOBS_FAILED));
	igt_assert_lte_u64(rc.ok + rc.failed, DELTA(st0, st1, JOBS));
	assert_stats_consistent(st0, st1);

	for (uint32_t e = 0; e < s.engines; e++)
		race_job_fini(&rc, &jobs[e], repeat);
	free(jobs);
	free(w);
	race_final_check(&s, &rc);
	race_fini(&rc);
	svm_fini(&s);
}

static void test_race(int fd, enum race_kind kind, enum variant v)
{
	switch (v) {
	case ONCE:
		race_body(fd, kind, true, false);
		break;
	case MANY:
		race_body(fd, kind, false, false);
		break;
	case THREADS_MANY:
		race_body(fd, kind, false, true);
		break;
	case PROCESS_MANY:
		igt_fork(child, NUM_PROCESSES) {
			int cfd = drm_open_vsvm_render();

			race_body(cfd, kind, false, false);
			close(cfd);
		}
		igt_waitchildren();
		break;
	}
}

igt_main
{
	int fd = -1;

	igt_fixture {
		page_size = sysconf(_SC_PAGESIZE);
		fd = drm_open_vsvm_render();
	}

	igt_describe("GPU reads and writes of small malloc()ed buffers.");
	igt_subtest("malloc-small")
		test_malloc_small(fd);

	igt_describe("GPU reads and writes at unaligned offsets of malloc()ed "
		     "memory, leaving the bytes around untouched.");
	igt_subtest("malloc-unaligned")
		test_malloc_unaligned(fd);

	igt_describe("GPU reads and writes of malloc()ed ranges crossing "
		     "pages.");
	igt_subtest("malloc-page-crossing")
		test_malloc_page_crossing(fd);

	igt_describe("GPU reads and writes of a malloc()ed buffer of several "
		     "MiB.");
	igt_subtest("malloc-large")
		test_malloc_large(fd);

	igt_describe("Anonymous private memory: untouched pages read as "
		     "zeros, GPU writes to untouched pages, exact data.");
	igt_subtest("mmap-anon-private")
		test_mmap_anon_private(fd);

	igt_describe("Anonymous shared memory, shared with a child: each side "
		     "sees the other's writes.");
	igt_subtest("mmap-anon-shared")
		test_mmap_anon_shared(fd);

	igt_describe("A THP-backed 2 MiB range is mirrored with one 2 MiB "
		     "entry by one fault.");
	igt_subtest("thp")
		test_thp(fd);

	igt_describe("The GPU touches fresh MADV_HUGEPAGE memory first.");
	igt_subtest("thp-gpu-first")
		test_thp_gpu_first(fd);

	igt_describe("A mirrored THP split by an mprotect() of one page: "
		     "the GPU follows page by page.");
	igt_subtest("thp-split")
		test_thp_split(fd);

	igt_describe("hugetlbfs memory, private and shared: exact data, each "
		     "2 MiB page mapped once.");
	igt_subtest("hugetlb")
		test_hugetlb(fd);

	igt_describe("A page-cache file mapped MAP_PRIVATE: the GPU reads the "
		     "file, its writes never reach it.");
	igt_subtest("file-private")
		test_file_private(fd);

	igt_describe("A page-cache file mapped MAP_SHARED: GPU writes reach "
		     "the file, write()s reach the GPU.");
	igt_subtest("file-shared")
		test_file_shared(fd);

	igt_describe("A memfd mapped twice: GPU writes through one view are "
		     "seen through the other and in the file.");
	igt_subtest("memfd")
		test_memfd(fd);

	igt_describe("A file on a DAX file system ($VSVM_DAX_DIR on "
		     "/dev/pmem0): GPU reads and writes reach the file.");
	igt_subtest("dax")
		test_dax(fd);

	igt_describe("Read-only mappings: GPU reads work, writes and atomics "
		     "fail with EACCES at the exact address.");
	igt_subtest("read-only")
		test_read_only(fd);

	igt_describe("PROT_NONE mappings: every GPU access fails with EFAULT.");
	igt_subtest("prot-none")
		test_prot_none(fd);

	igt_describe("Unmapped addresses: every GPU access fails with EFAULT, "
		     "recorded with the address and the kind of access.");
	igt_subtest("unmapped")
		test_unmapped(fd);

	igt_describe("Kernel and non-canonical addresses: every GPU access, "
		     "including a batch fetch, fails with EFAULT.");
	igt_subtest("kernel-address")
		test_kernel_address(fd);

	igt_describe("munmap() of mirrored memory, also under a waiting job: "
		     "later GPU accesses fail; a new mapping is seen new.");
	igt_subtest("munmap")
		test_munmap(fd);

	igt_describe("mremap(): the GPU finds the data at the new address, "
		     "faults at the old one, follows growing and shrinking.");
	igt_subtest("mremap")
		test_mremap(fd);

	igt_describe("mprotect() downgrades make GPU writes fail with EACCES, "
		     "upgrades make them work again.");
	igt_subtest("mprotect")
		test_mprotect(fd);

	igt_describe("madvise(MADV_DONTNEED): the GPU reads zeros after.");
	igt_subtest("madvise-dontneed")
		test_madvise_dontneed(fd);

	igt_describe("fork(), then the parent's CPU writes: its GPU sees the "
		     "new data, the child the old.");
	igt_subtest("fork-cow-parent-write")
		test_fork_cow(fd, COW_PARENT_WRITE);

	igt_describe("fork(), then the child writes: the parent's GPU does "
		     "not see it.");
	igt_subtest("fork-cow-child-write")
		test_fork_cow(fd, COW_CHILD_WRITE);

	igt_describe("fork(), then the parent's GPU reads: copy-on-write is "
		     "not broken, the page stays shared.");
	igt_subtest("fork-cow-gpu-read")
		test_fork_cow(fd, COW_GPU_READ);

	igt_describe("fork(), then the parent's GPU writes (mirrored writable "
		     "before the fork): the parent gets its copy, the child "
		     "keeps the old data.");
	igt_subtest("fork-cow-gpu-write")
		test_fork_cow(fd, COW_GPU_WRITE);

	igt_describe("A VM of process A cannot reach memory only process B "
		     "has mapped.");
	igt_subtest("isolation")
		test_isolation(fd);

	igt_describe("Two processes use the same virtual addresses with "
		     "different data at once: each sees its own.");
	igt_subtest("two-processes")
		test_two_processes(fd);

	igt_describe("A child's VM on the file it inherited mirrors the child; "
		     "the parent cannot run jobs in it.");
	igt_subtest("vm-child-shared-file")
		test_vm_child_shared_file(fd);

	igt_describe("Separate 4 KiB VMAs: one fault and one 4 KiB entry each, "
		     "exactly.");
	igt_subtest("stats-pages-4k")
		test_stats_pages_4k(fd);

	igt_describe("An aligned 64 KiB VMA: one 64 KiB fault, 16 entries.");
	igt_subtest("stats-pages-64k")
		test_stats_pages_64k(fd);

	igt_describe("An aligned 2 MiB VMA without THP: one fault, 512 "
		     "entries.");
	igt_subtest("stats-pages-2m")
		test_stats_pages_2m(fd, false);

	igt_describe("An aligned 2 MiB THP: one fault, one 2 MiB entry.");
	igt_subtest("stats-pages-2m-thp")
		test_stats_pages_2m(fd, true);

	igt_describe("INVALIDATIONS counts the CPU changes that hit mirrored "
		     "memory, and only those.");
	igt_subtest("stats-invalidations")
		test_stats_invalidations(fd);

	igt_describe("JOBS and JOBS_FAILED count exactly.");
	igt_subtest("stats-jobs")
		test_stats_jobs(fd);

	igt_describe("All engines fault on one fresh 2 MiB range at once: it "
		     "is resolved and mapped once.");
	igt_subtest("dedup")
		test_dedup(fd, false);

	igt_describe("All engines fault on one 2 MiB THP at once: one 2 MiB "
		     "entry, resolved once.");
	igt_subtest("dedup-thp")
		test_dedup(fd, true);

	for (int v = ONCE; v <= PROCESS_MANY; v++) {
		igt_describe("Allocate with malloc(), GPU-check, GPU-write and "
			     "free, in rounds reusing addresses.");
		igt_subtest_f("%s-malloc", variant_names[v])
			test_churn(fd, ALLOC_MALLOC, v);

		igt_describe("Allocate with mmap(), GPU-check, GPU-write and "
			     "munmap, in rounds reusing addresses.");
		igt_subtest_f("%s-mmap", variant_names[v])
			test_churn(fd, ALLOC_MMAP, v);
	}

	for (int v = ONCE; v <= PROCESS_MANY; v++) {
		igt_describe("A thread replaces and unmaps pages while jobs "
			     "read and write them: right data or EFAULT.");
		igt_subtest_f("race-munmap-%s", variant_names[v])
			test_race(fd, RACE_MUNMAP, v);

		igt_describe("A thread flips the protection of pages while "
			     "jobs write and read them: right data, EACCES "
			     "or EFAULT.");
		igt_subtest_f("race-mprotect-%s", variant_names[v])
			test_race(fd, RACE_MPROTECT, v);
	}

	igt_fixture
		close(fd);
}
