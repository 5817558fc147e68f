// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/*
 * GPU atomics on system memory (uapi 0.4): under the default atomic policy
 * a GPU ATOMIC on a page of a private anonymous mapping takes
 * device-exclusive access to that page (make_device_exclusive_range()),
 * and the CPU's next access to the page revokes it. Modelled on the
 * kernel's hmm-tests (exclusive, exclusive_mprotect, exclusive_cow):
 *
 * - a fresh page is granted once (EXCLUSIVE_GRANTS +1), stays in system
 *   memory, and further GPU accesses while the grant holds, atomic or not,
 *   grant nothing more;
 * - the CPU's first access to a granted page revokes it once
 *   (EXCLUSIVE_REVOKES +1) and sees every GPU result; the next GPU atomic
 *   grants again;
 * - mprotect(), fork() and munmap() of granted pages behave as for any
 *   other page: refused atomics, private copies, faults;
 * - THP falls back to VRAM (or to granting the head page); shared and
 *   file-backed memory runs atomics in place without a grant;
 * - CPU and GPU atomics on the same counters, and many CPU threads
 *   faulting on the same granted pages, add up and finish.
 *
 * Counter deltas are read from the test's own VM, where they are exact;
 * the device-wide ones must have grown at least as much.
 *
 * Test memory is private anonymous memory with MADV_NOHUGEPAGE (the THP
 * case apart), written by the CPU first so that every page is present. A
 * shadow copy of it tracks what it must hold; the CPU compares with it
 * only where a test means to revoke, and the GPU compares by checksum.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt.h"
#include "igt_sizes.h"
#include "igt_syncobj.h"
#include "igt_vsvm.h"
#include "igt_vsvm_mem.h"
#include "igt_vsvm_vram.h"
#include "vsvm_drm.h"

IGT_TEST_DESCRIPTION("Check vsvm's GPU atomics on system memory: "
		     "device-exclusive access granted to the GPU and revoked "
		     "by the CPU, with mprotect, fork, munmap, THP, shared "
		     "and file-backed memory, and CPU threads racing the "
		     "GPU.");

#define NPAGES(size)	((uint64_t)(size) / SZ_4K)

/* Old values of the atomics of one job, in the ctx's results page. */
#define MAX_SLOTS	256
#define SLOT_BASE	8	/* 64-bit words left to vsvm_ctx_crc() */

/* Rounds of exclusive-regrant and exclusive-many-cpu-faults. */
#define REGRANT_ROUNDS	8
#define FAULT_ROUNDS	5
#define FAULT_THREADS	8

/* exclusive-cpu-gpu-race: counters, jobs per engine, atomics per job. */
#define RACE_PAGES	8
#define RACE_COUNTERS	24
#define RACE_ROUNDS	8
#define RACE_ATOMICS	64

static int page_size;

static uint64_t addr(const void *p)
{
	return to_user_pointer(p);
}

/* Counters of the VM and of the device at one point. */
struct snap {
	uint64_t vm[VSVM_STAT_COUNT];
	uint64_t dev[VSVM_STAT_COUNT];
};

#define VM_DELTA(a, b, idx) \
	((b)->vm[VSVM_STAT_##idx] - (a)->vm[VSVM_STAT_##idx])
#define DEV_DELTA(a, b, idx) \
	((b)->dev[VSVM_STAT_##idx] - (a)->dev[VSVM_STAT_##idx])

static void take_snap(struct vsvm_ctx *c, struct snap *s)
{
	vsvm_stats(c->fd, c->vm, s->vm);
	vsvm_stats(c->fd, 0, s->dev);
}

/*
 * One test's memory and VM: @npages pages of memory at @m, @expect its
 * shadow, and the atomics of the job being built, whose old values go to
 * result slots.
 */
struct xt {
	struct vsvm_ctx c;
	struct vsvm_region m;
	size_t size;
	uint8_t *expect;
	struct snap start;	/* when the memory was ready */
	struct snap last;	/* at the last expect_exclusive() */
	unsigned int nslots;
	uint64_t old[MAX_SLOTS];
	bool is64[MAX_SLOTS];
};

static volatile uint64_t *slot(struct xt *t, unsigned int i)
{
	return (volatile uint64_t *)t->c.results + SLOT_BASE + i;
}

/* Private anonymous memory without THP. */
static void map_small(struct vsvm_region *r, size_t size)
{
	vsvm_map_anon(r, size, 0);
	igt_assert_eq(madvise(r->ptr, size, MADV_NOHUGEPAGE), 0);
}

/* The memory is mapped at t->m: fill it and its shadow with the pattern. */
static void xt_ready(struct xt *t, uint64_t seed)
{
	t->size = t->m.size;
	t->expect = malloc(t->size);
	igt_assert(t->expect);
	vsvm_fill_pattern(t->m.ptr, t->size, seed);
	vsvm_fill_pattern(t->expect, t->size, seed);
	take_snap(&t->c, &t->start);
	t->last = t->start;
}

static void xt_init(struct xt *t, int fd, size_t npages, uint64_t seed)
{
	memset(t, 0, sizeof(*t));
	vsvm_ctx_init(&t->c, fd);
	map_small(&t->m, npages * SZ_4K);
	xt_ready(t, seed);
}

static void xt_fini(struct xt *t)
{
	free(t->expect);
	vsvm_unmap_region(&t->m);
	vsvm_ctx_fini(&t->c);
}

/* Offset of the 64-bit word that page @i's plain atomics hit. */
static size_t word_off(size_t i)
{
	return i * SZ_4K + (i * 328 + 64) % SZ_4K;
}

/*
 * Emits an atomic on the word at offset @off of the memory, and applies it
 * to the shadow; its old value must be what the shadow held.
 */
static void xt_atomic(struct xt *t, bool is64, uint32_t op, size_t off,
		      uint64_t operand, uint64_t compare)
{
	uint64_t old, new;
	unsigned int i = t->nslots++;

	igt_assert(i < MAX_SLOTS);
	igt_assert_eq(off % (is64 ? 8 : 4), 0);
	if (is64) {
		memcpy(&old, t->expect + off, 8);
	} else {
		uint32_t v;

		memcpy(&v, t->expect + off, 4);
		old = v;
	}
	switch (op) {
	case DRM_VSVM_ATOMIC_ADD:
		new = old + operand;
		break;
	case DRM_VSVM_ATOMIC_XCHG:
		new = operand;
		break;
	default:
		new = old == compare ? operand : old;
		break;
	}
	if (is64) {
		memcpy(t->expect + off, &new, 8);
	} else {
		uint32_t v = new;

		memcpy(t->expect + off, &v, 4);
	}
	t->old[i] = old;
	t->is64[i] = is64;
	/* Not the old value in any width: a missing result shows. */
	*slot(t, i) = ~old;
	vsvm_emit_atomic(t->c.cb, is64, op, addr(t->m.ptr + off), operand,
			 compare, addr((void *)slot(t, i)));
}

static void xt_add(struct xt *t, size_t off, uint64_t value)
{
	xt_atomic(t, true, DRM_VSVM_ATOMIC_ADD, off, value, 0);
}

/* A 64-bit add on the word of each page in [first, first + count). */
static void xt_add_pages(struct xt *t, size_t first, size_t count,
			 uint64_t value)
{
	for (size_t i = first; i < first + count; i++)
		xt_add(t, word_off(i), value + i);
}

/*
 * Runs the job built so far; when it succeeds, every atomic must have
 * returned the old value the shadow predicted.
 */
static int xt_run(struct xt *t)
{
	int status = vsvm_ctx_run(&t->c);

	for (unsigned int i = 0; status == 1 && i < t->nslots; i++) {
		uint64_t got = *slot(t, i);

		if (!t->is64[i])
			got &= 0xffffffffu;
		igt_assert_f(got == t->old[i],
			     "atomic %u returned %#" PRIx64 ", expected %#"
			     PRIx64 "\n", i, got, t->old[i]);
	}
	t->nslots = 0;

	return status;
}

static void xt_run_ok(struct xt *t, const char *what)
{
	int status = xt_run(t);

	igt_assert_f(status == 1, "%s: the job failed: %d (%s)\n", what,
		     status, strerror(-status));
}

/*
 * Since the last call: the VM granted exactly @grants pages and revoked
 * exactly @revokes; the device at least as many.
 */
static void expect_exclusive(struct xt *t, uint64_t grants, uint64_t revokes,
			     const char *what)
{
	struct snap now;

	take_snap(&t->c, &now);
	igt_debug("%s: %" PRIu64 " grants, %" PRIu64 " revokes\n", what,
		  VM_DELTA(&t->last, &now, EXCLUSIVE_GRANTS),
		  VM_DELTA(&t->last, &now, EXCLUSIVE_REVOKES));
	igt_assert_f(VM_DELTA(&t->last, &now, EXCLUSIVE_GRANTS) == grants &&
		     VM_DELTA(&t->last, &now, EXCLUSIVE_REVOKES) == revokes,
		     "%s: %" PRIu64 " grants and %" PRIu64 " revokes, "
		     "expected %" PRIu64 " and %" PRIu64 "\n", what,
		     VM_DELTA(&t->last, &now, EXCLUSIVE_GRANTS),
		     VM_DELTA(&t->last, &now, EXCLUSIVE_REVOKES),
		     grants, revokes);
	igt_assert_f(DEV_DELTA(&t->last, &now, EXCLUSIVE_GRANTS) >= grants &&
		     DEV_DELTA(&t->last, &now, EXCLUSIVE_REVOKES) >= revokes,
		     "%s: the device counted %" PRIu64 " grants and %" PRIu64
		     " revokes, fewer than the VM\n", what,
		     DEV_DELTA(&t->last, &now, EXCLUSIVE_GRANTS),
		     DEV_DELTA(&t->last, &now, EXCLUSIVE_REVOKES));
	t->last = now;
}

/* Since the memory was ready, nothing of it moved to VRAM. */
static void expect_no_migration(struct xt *t)
{
	struct snap now;

	take_snap(&t->c, &now);
	igt_assert_eq_u64(VM_DELTA(&t->start, &now, BYTES_TO_VRAM), 0);
	vsvm_assert_residency(t->c.fd, t->c.vm, t->m.ptr, NPAGES(t->size),
			      DRM_VSVM_RESIDENCY_SYSTEM);
}

/* The GPU reads what the shadow holds (revoking nothing). */
static void expect_gpu_sees(struct xt *t, const char *what)
{
	vsvm_ctx_assert_crc(&t->c, t->m.ptr, t->size,
			    vsvm_crc32(0, t->expect, t->size), what);
}

/* The CPU reads what the shadow holds: this touches every page. */
static void expect_cpu_sees(struct xt *t, const char *what)
{
	const uint64_t *got = (const uint64_t *)t->m.ptr;
	const uint64_t *want = (const uint64_t *)t->expect;

	for (size_t i = 0; i < t->size / 8; i++)
		igt_assert_f(got[i] == want[i],
			     "%s: word %zu (page %zu) is %#" PRIx64
			     ", expected %#" PRIx64 "\n", what, i,
			     i * 8 / SZ_4K, got[i], want[i]);
}

/* A failed job's error record: @err at @address, an atomic access. */
static void expect_atomic_fault(struct xt *t, int status, int err,
				const void *address)
{
	struct drm_vsvm_vm_error e;

	igt_assert_eq(status, err);
	vsvm_vm_error(t->c.fd, t->c.vm, &e);
	igt_assert_eq(e.error, err);
	igt_assert_eq_u64(e.address, addr(address));
	igt_assert_eq_u32(e.access, DRM_VSVM_ACCESS_ATOMIC);
}

/*
 * hmm-tests' exclusive: GPU atomics on 16 fresh pages grant each page
 * once and leave it in system memory; RESIDENCY and a GPU read revoke
 * nothing; the CPU reads every GPU result, revoking each page once, and
 * then updates the memory itself.
 */
static void test_exclusive(int fd)
{
	const size_t npages = 16;
	struct xt t;

	xt_init(&t, fd, npages, 1);
	xt_add_pages(&t, 0, npages, 1000);
	xt_run_ok(&t, "GPU atomics on fresh pages");
	expect_exclusive(&t, npages, 0, "GPU atomics on fresh pages");

	expect_no_migration(&t);
	expect_exclusive(&t, 0, 0, "RESIDENCY of granted pages");
	expect_gpu_sees(&t, "GPU read of granted pages");
	expect_exclusive(&t, 0, 0, "GPU read of granted pages");

	expect_cpu_sees(&t, "CPU read after GPU atomics");
	expect_exclusive(&t, 0, npages, "CPU read of granted pages");

	/* The CPU owns the pages again: its increments go in directly. */
	for (size_t i = 0; i < t.size / 8; i++) {
		((uint64_t *)t.m.ptr)[i]++;
		((uint64_t *)t.expect)[i]++;
	}
	expect_gpu_sees(&t, "GPU read after CPU increments");
	expect_cpu_sees(&t, "CPU read after CPU increments");
	expect_exclusive(&t, 0, 0, "CPU increments");
	expect_no_migration(&t);
	xt_fini(&t);
}

/* Wait up to 10 s for the device's revoke counter to reach @want. */
static uint64_t wait_dev_revokes(int fd, uint64_t want)
{
	uint64_t st[VSVM_STAT_COUNT], end = vsvm_gettime_ns() + 10000000000ull;

	for (;;) {
		vsvm_stats(fd, 0, st);
		if (st[VSVM_STAT_EXCLUSIVE_REVOKES] >= want ||
		    vsvm_gettime_ns() > end)
			return st[VSVM_STAT_EXCLUSIVE_REVOKES];
		usleep(1000);
	}
}

/*
 * A VM that goes away gives back the pages its GPU holds exclusive access
 * to (core mm could not reclaim or migrate them until the CPU touched
 * them): one revoke per page at destroy, none left for the CPU's access.
 */
static void test_exclusive_vm_destroy(int fd)
{
	const size_t npages = 8;
	uint64_t st[VSVM_STAT_COUNT], before, after;
	struct xt t;

	xt_init(&t, fd, npages, 6);
	xt_add_pages(&t, 0, npages, 600);
	xt_run_ok(&t, "GPU atomics");
	expect_exclusive(&t, npages, 0, "GPU atomics");

	vsvm_stats(fd, 0, st);
	before = st[VSVM_STAT_EXCLUSIVE_REVOKES];
	vsvm_vm_destroy(fd, t.c.vm);
	after = wait_dev_revokes(fd, before + npages);
	igt_assert_eq_u64(after - before, npages);

	/* The CPU finds its memory as the GPU left it, nothing to revoke. */
	expect_cpu_sees(&t, "CPU read after VM destroy");
	vsvm_stats(fd, 0, st);
	igt_assert_eq_u64(st[VSVM_STAT_EXCLUSIVE_REVOKES], after);

	t.c.vm = vsvm_vm_create(fd);	/* for xt_fini() */
	xt_fini(&t);
}

/*
 * Atomics of every kind and width, in one job and in later jobs, on pages
 * already granted: no new grant, no revoke, every old value right.
 */
static void test_exclusive_repeat(int fd)
{
	const size_t npages = 4;
	struct xt t;

	xt_init(&t, fd, npages, 2);
	/* Several atomics on each page in the first job: one grant each. */
	for (int k = 0; k < 3; k++)
		xt_add_pages(&t, 0, npages, 10 * k);
	xt_run_ok(&t, "first job");
	expect_exclusive(&t, npages, 0, "first job");

	for (int job = 0; job < 4; job++) {
		for (size_t i = 0; i < npages; i++) {
			size_t base = i * SZ_4K + 512 * job;
			uint32_t v32;

			xt_add(&t, word_off(i), 1);
			xt_add(&t, base + 8, 0x100000001ull * (job + 1));
			xt_atomic(&t, false, DRM_VSVM_ATOMIC_ADD, base + 20,
				  0xfffffff0u, 0);
			xt_atomic(&t, true, DRM_VSVM_ATOMIC_XCHG, base + 24,
				  0x5a5a000000000000ull + job, 0);
			memcpy(&v32, t.expect + base + 32, 4);
			/* One exchange that succeeds, one that fails. */
			xt_atomic(&t, false, DRM_VSVM_ATOMIC_CMPXCHG,
				  base + 32, 0xc0de0000u + job, v32);
			xt_atomic(&t, false, DRM_VSVM_ATOMIC_CMPXCHG,
				  base + 36, 0xbad, ~0u);
		}
		xt_run_ok(&t, "atomics on granted pages");
		expect_exclusive(&t, 0, 0, "atomics on granted pages");
	}

	expect_gpu_sees(&t, "GPU read of granted pages");
	expect_exclusive(&t, 0, 0, "GPU read of granted pages");
	expect_cpu_sees(&t, "CPU read after repeated atomics");
	expect_exclusive(&t, 0, npages, "CPU read of granted pages");
	expect_no_migration(&t);
	xt_fini(&t);
}

/*
 * Grant, revoke, grant again: each round a GPU atomic grants page 0 again
 * after the CPU took it back (a read on even rounds, a write on odd ones),
 * while page 1, which the CPU leaves alone, keeps its grant throughout.
 */
static void test_exclusive_regrant(int fd)
{
	struct xt t;

	xt_init(&t, fd, 2, 3);
	xt_add_pages(&t, 0, 2, 1);
	xt_run_ok(&t, "first grant");
	expect_exclusive(&t, 2, 0, "first grant");

	for (int round = 0; round < REGRANT_ROUNDS; round++) {
		uint64_t *w = (uint64_t *)(t.m.ptr + word_off(0));
		uint64_t *e = (uint64_t *)(t.expect + word_off(0));

		/* The CPU takes page 0 back. */
		if (round % 2) {
			*w += 3;
			*e += 3;
		} else {
			igt_assert_eq_u64(READ_ONCE(*w), *e);
		}
		expect_exclusive(&t, 0, 1, round % 2 ? "CPU write" :
				 "CPU read");

		/* The GPU: page 0 is granted again, page 1 still is. */
		xt_add_pages(&t, 0, 2, 100 * round);
		xt_run_ok(&t, "GPU atomics after the CPU access");
		expect_exclusive(&t, 1, 0, "GPU atomics after the CPU access");
	}

	expect_cpu_sees(&t, "CPU read after the rounds");
	expect_exclusive(&t, 0, 2, "CPU read after the rounds");
	expect_no_migration(&t);
	xt_fini(&t);
}

/*
 * Granted pages stay usable for plain GPU reads, writes, fills and copies,
 * none of which grants or revokes anything, and later GPU atomics find
 * the grant still there.
 */
static void test_exclusive_rw(int fd)
{
	const size_t npages = 8;
	const uint32_t word = 0x600df00d;
	volatile uint64_t *out;
	uint64_t v;
	struct xt t;

	xt_init(&t, fd, npages, 4);
	xt_add_pages(&t, 0, npages, 7);
	xt_run_ok(&t, "grants");
	expect_exclusive(&t, npages, 0, "grants");

	/* Reads: a checksum, and a copy out of page 2. */
	expect_gpu_sees(&t, "GPU checksum of granted pages");
	out = (volatile uint64_t *)t.c.results + 2;
	*out = 0;
	vsvm_emit_copy(t.c.cb, addr((void *)out), addr(t.m.ptr + word_off(2)),
		       8);
	igt_assert_eq(vsvm_ctx_run(&t.c), 1);
	memcpy(&v, t.expect + word_off(2), 8);
	igt_assert_eq_u64(*out, v);
	expect_exclusive(&t, 0, 0, "GPU reads");

	/* Writes: a word on page 3, a fill on page 4, a copy 5 -> 6. */
	vsvm_emit_write64(t.c.cb, addr(t.m.ptr + 3 * SZ_4K + 16),
			  0x0123456789abcdefull);
	v = 0x0123456789abcdefull;
	memcpy(t.expect + 3 * SZ_4K + 16, &v, 8);
	vsvm_emit_fill(t.c.cb, addr(t.m.ptr + 4 * SZ_4K + 1024), 512, word);
	for (int i = 0; i < 512 / 4; i++)
		memcpy(t.expect + 4 * SZ_4K + 1024 + 4 * i, &word, 4);
	vsvm_emit_copy(t.c.cb, addr(t.m.ptr + 6 * SZ_4K + 2048),
		       addr(t.m.ptr + 5 * SZ_4K), 1024);
	memcpy(t.expect + 6 * SZ_4K + 2048, t.expect + 5 * SZ_4K, 1024);
	igt_assert_eq(vsvm_ctx_run(&t.c), 1);
	expect_exclusive(&t, 0, 0, "GPU writes");
	expect_gpu_sees(&t, "GPU read after GPU writes");

	/* Atomics again, over what the writes left: still granted. */
	xt_add_pages(&t, 0, npages, 9);
	xt_add(&t, 3 * SZ_4K + 16, 1);
	xt_run_ok(&t, "atomics after reads and writes");
	expect_exclusive(&t, 0, 0, "atomics after reads and writes");

	expect_cpu_sees(&t, "CPU read");
	expect_exclusive(&t, 0, npages, "CPU read");
	expect_no_migration(&t);
	xt_fini(&t);
}

/*
 * hmm-tests' exclusive_mprotect: granted pages made read-only refuse the
 * next GPU atomic (and write) with EACCES, changing nothing; the CPU and
 * GPU still read them; writable again, atomics work.
 */
static void test_exclusive_mprotect(int fd)
{
	const size_t npages = 4;
	uint8_t *target;
	struct snap s0, s1;
	struct xt t;

	xt_init(&t, fd, npages, 5);
	xt_add_pages(&t, 0, npages, 11);
	xt_run_ok(&t, "grants");
	expect_exclusive(&t, npages, 0, "grants");

	igt_assert_eq(mprotect(t.m.ptr, t.size, PROT_READ), 0);
	target = t.m.ptr + word_off(1);
	take_snap(&t.c, &s0);
	vsvm_emit_atomic(t.c.cb, true, DRM_VSVM_ATOMIC_ADD, addr(target), 1,
			 0, 0);
	expect_atomic_fault(&t, vsvm_ctx_run(&t.c), -EACCES, target);
	vsvm_emit_write64(t.c.cb, addr(t.m.ptr + word_off(2)), 1);
	igt_assert_eq(vsvm_ctx_run(&t.c), -EACCES);
	take_snap(&t.c, &s1);
	igt_assert_eq_u64(VM_DELTA(&s0, &s1, JOBS_FAILED), 2);

	expect_cpu_sees(&t, "CPU read of read-only pages");
	expect_gpu_sees(&t, "GPU read of read-only pages");

	/* The CPU read took every page back: fresh grants. */
	igt_assert_eq(mprotect(t.m.ptr, t.size, PROT_READ | PROT_WRITE), 0);
	take_snap(&t.c, &t.last);
	xt_add_pages(&t, 0, npages, 13);
	xt_run_ok(&t, "atomics on writable pages again");
	expect_exclusive(&t, npages, 0, "atomics on writable pages again");
	expect_cpu_sees(&t, "CPU read after mprotect back");
	expect_gpu_sees(&t, "GPU read after mprotect back");
	expect_no_migration(&t);
	xt_fini(&t);
}

/*
 * hmm-tests' exclusive_cow: fork() with granted pages. The child sees
 * what the parent's GPU wrote before the fork, then writes its own copy;
 * the parent's GPU atomics after that see none of the child's writes (a
 * fresh grant per page, on the parent's copy), and the child sees none of
 * theirs.
 */
static void test_exclusive_cow(int fd)
{
	const size_t npages = 4;
	struct snap s0, s1;
	struct vsvm_fork_sync f;
	struct xt t;

	xt_init(&t, fd, npages, 6);
	xt_add_pages(&t, 0, npages, 17);
	xt_run_ok(&t, "grants before fork");
	expect_exclusive(&t, npages, 0, "grants before fork");

	vsvm_fork_sync_init(&f);
	igt_fork(child, 1) {
		vsvm_fork_wait_parent(&f);
		expect_cpu_sees(&t, "child: after fork");
		vsvm_fill_pattern(t.m.ptr, t.size, 60);
		vsvm_fork_tell_parent(&f);
		vsvm_fork_wait_parent(&f);
		vsvm_check_pattern(t.m.ptr, t.size, 60,
				   "child: after the parent's GPU atomics");
		vsvm_fork_tell_parent(&f);
	}

	vsvm_fork_tell_child(&f);
	vsvm_fork_wait_child(&f);
	/* The old values must be the parent's, not the child's. */
	take_snap(&t.c, &s0);
	xt_add_pages(&t, 0, npages, 19);
	xt_run_ok(&t, "parent: GPU atomics after the child wrote");
	take_snap(&t.c, &s1);
	/*
	 * fork() took the pages back from the device (they are shared with
	 * the child now): the atomics grant each page again. Whether fork()
	 * counts as a revoke is not part of the interface.
	 */
	igt_assert_eq_u64(VM_DELTA(&s0, &s1, EXCLUSIVE_GRANTS), npages);
	expect_gpu_sees(&t, "parent: GPU read");
	vsvm_fork_tell_child(&f);
	vsvm_fork_wait_child(&f);
	igt_waitchildren();
	vsvm_fork_sync_fini(&f);

	expect_cpu_sees(&t, "parent: after the child exited");
	/* Still working as before the fork. */
	take_snap(&t.c, &t.last);
	xt_add_pages(&t, 0, npages, 23);
	xt_run_ok(&t, "parent: GPU atomics after the child exited");
	expect_exclusive(&t, npages, 0, "parent: after the child exited");
	expect_cpu_sees(&t, "parent: final CPU read");
	xt_fini(&t);
}

/*
 * munmap() of granted pages: GPU atomics there fail with EFAULT and leave
 * their record; new memory mapped at the same place starts from zero and
 * is granted afresh.
 */
static void test_exclusive_munmap(int fd)
{
	const size_t npages = 3;
	volatile uint64_t *w;
	struct xt t;
	void *p;

	xt_init(&t, fd, npages, 7);
	xt_add_pages(&t, 0, npages, 29);
	xt_run_ok(&t, "grants");
	expect_exclusive(&t, npages, 0, "grants");

	igt_assert_eq(munmap(t.m.ptr, t.size), 0);
	for (size_t i = 0; i < npages; i += 2) {
		vsvm_emit_atomic(t.c.cb, true, DRM_VSVM_ATOMIC_ADD,
				 addr(t.m.ptr + word_off(i)), 1, 0, 0);
		expect_atomic_fault(&t, vsvm_ctx_run(&t.c), -EFAULT,
				    t.m.ptr + word_off(i));
	}

	/* New memory in the same place. */
	p = mmap(t.m.ptr, t.size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	igt_assert(p == t.m.ptr);
	igt_assert_eq(madvise(p, t.size, MADV_NOHUGEPAGE), 0);
	memset(p, 0, t.size);
	memset(t.expect, 0, t.size);
	take_snap(&t.c, &t.last);
	xt_add(&t, word_off(1), 5);
	xt_run_ok(&t, "GPU atomic on the new memory");
	expect_exclusive(&t, 1, 0, "GPU atomic on the new memory");
	w = (volatile uint64_t *)(t.m.ptr + word_off(1));
	igt_assert_eq_u64(*w, 5);
	expect_exclusive(&t, 0, 1, "CPU read of the new memory");
	expect_cpu_sees(&t, "the new memory");
	xt_fini(&t);
}

/*
 * A GPU atomic on a tail page of a THP, which the kernel does not make
 * device-exclusive: the chunk moves to VRAM instead (or the head page is
 * granted); either way the job succeeds and the values are right.
 */
static void test_exclusive_thp(int fd)
{
	const size_t tail = 37 * SZ_4K + 64;
	struct snap s0, s1;
	unsigned long kb;
	uint8_t where;
	uint64_t moved;
	struct xt t;

	igt_require_f(vsvm_has_vram(fd), "the device has no VRAM\n");
	igt_require_f(vsvm_thp_enabled(), "transparent hugepages are disabled\n");
	memset(&t, 0, sizeof(t));
	vsvm_ctx_init(&t.c, fd);
	vsvm_map_anon(&t.m, SZ_2M, SZ_2M);
	igt_assert_eq(madvise(t.m.ptr, SZ_2M, MADV_HUGEPAGE), 0);
	xt_ready(&t, 8);
	kb = vsvm_anon_huge_kb(t.m.ptr);
	igt_require_f(kb >= SZ_2M >> 10, "no THP for the region (%lu kB)\n",
		      kb);

	take_snap(&t.c, &s0);
	xt_add(&t, tail, 31);
	xt_run_ok(&t, "GPU atomic on a THP tail page");
	take_snap(&t.c, &s1);
	moved = VM_DELTA(&s0, &s1, BYTES_TO_VRAM);
	igt_info("THP tail atomic: %" PRIu64 " grants, %" PRIu64
		 " KiB to VRAM\n", VM_DELTA(&s0, &s1, EXCLUSIVE_GRANTS),
		 moved >> 10);
	igt_assert_lt_u64(0, VM_DELTA(&s0, &s1, EXCLUSIVE_GRANTS) + moved);
	/* Where it moved, the page the atomic hit went along. */
	vsvm_residency(fd, t.c.vm, addr(t.m.ptr + (tail & ~(SZ_4K - 1))), 1,
		       &where);
	igt_assert_f(where == (moved ? DRM_VSVM_RESIDENCY_VRAM :
			       DRM_VSVM_RESIDENCY_SYSTEM),
		     "the page of the atomic is in %s, %" PRIu64
		     " bytes moved to VRAM\n", vsvm_residency_name(where),
		     moved);

	xt_add(&t, 8, 37);
	xt_add(&t, tail + 8, 41);
	xt_run_ok(&t, "GPU atomics on the head and a tail page");
	expect_gpu_sees(&t, "GPU read of the THP");
	expect_cpu_sees(&t, "CPU read of the THP");
	xt_fini(&t);
}

/*
 * Shared anonymous and file-backed memory cannot be made device-exclusive
 * nor migrate: GPU atomics run in place, with no grant, no migration, and
 * the right values, also for the file's page cache.
 */
enum in_place { IN_PLACE_SHARED, IN_PLACE_FILE, IN_PLACE_HUGETLB };

static void test_exclusive_in_place(int fd, enum in_place kind)
{
	const size_t npages = 4, size = npages * SZ_4K;
	const int rw = PROT_READ | PROT_WRITE;
	bool file = kind == IN_PLACE_FILE;
	int ffd = -1;
	struct xt t;

	memset(&t, 0, sizeof(t));
	vsvm_ctx_init(&t.c, fd);
	if (file) {
		ffd = vsvm_create_file(vsvm_file_dir(), size, 9);
		vsvm_map_region(&t.m, size, 0, rw, MAP_SHARED, ffd, 0);
	} else if (kind == IN_PLACE_HUGETLB) {
		igt_require_f(__vsvm_map_region(&t.m, SZ_2M, SZ_2M, rw,
						MAP_PRIVATE | MAP_ANONYMOUS |
						MAP_HUGETLB, -1, 0) != MAP_FAILED,
			      "no 2 MiB hugetlb pages (%s): set vm.nr_hugepages\n",
			      strerror(errno));
	} else {
		vsvm_map_region(&t.m, size, 0, rw,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	}
	/* A file's pattern is there already: this rewrites the same. */
	xt_ready(&t, 9);

	xt_add_pages(&t, 0, npages, 43);
	xt_run_ok(&t, "GPU atomics");
	expect_exclusive(&t, 0, 0, "GPU atomics");
	expect_no_migration(&t);
	expect_gpu_sees(&t, "GPU read");
	expect_cpu_sees(&t, "CPU read");
	expect_exclusive(&t, 0, 0, "CPU read");

	/* CPU writes in between, then atomics on the same words. */
	for (size_t i = 0; i < npages; i++) {
		uint64_t *w = (uint64_t *)(t.m.ptr + word_off(i));

		*w ^= 0xff00;
		*(uint64_t *)(t.expect + word_off(i)) ^= 0xff00;
	}
	xt_add_pages(&t, 0, npages, 47);
	xt_run_ok(&t, "GPU atomics after CPU writes");
	expect_cpu_sees(&t, "CPU read after CPU writes");
	expect_exclusive(&t, 0, 0, "GPU atomics after CPU writes");
	expect_no_migration(&t);

	if (file) {
		uint8_t *buf = malloc(size);

		igt_assert(buf);
		igt_assert_eq(pread(ffd, buf, size, 0), size);
		igt_assert_f(!memcmp(buf, t.expect, size),
			     "the file does not hold the GPU's results\n");
		free(buf);
		close(ffd);
	}
	xt_fini(&t);
}

/*
 * Two CPU threads and GPU jobs on every engine add to the same counters,
 * spread over several pages, with atomics: the grants ping-pong between
 * CPU and GPU, every job completes (no -ETIMEDOUT), and every increment
 * counts.
 */
static void test_exclusive_race(int fd)
{
	uint64_t expected[RACE_COUNTERS] = {}, *counters[RACE_COUNTERS];
	uint64_t cpu_total, longest = 0;
	struct vsvm_cpu_adders *cpu;
	struct vsvm_engine_adds gpu;
	struct snap s1;
	struct xt t;

	xt_init(&t, fd, RACE_PAGES, 10);
	memset(t.m.ptr, 0, t.size);
	for (int k = 0; k < RACE_COUNTERS; k++)
		counters[k] = (uint64_t *)(t.m.ptr + (k % RACE_PAGES) * SZ_4K +
					   (k / RACE_PAGES) * 128);

	vsvm_engine_adds_init(&gpu, fd, counters, RACE_COUNTERS, RACE_ATOMICS,
			      expected, RACE_ROUNDS);

	take_snap(&t.c, &t.last);
	cpu = vsvm_cpu_adders_start(counters, RACE_COUNTERS, 2);
	for (int round = 0; round < RACE_ROUNDS; round++) {
		uint64_t took;

		igt_debug("round %d\n", round);
		took = vsvm_engine_adds_run(&gpu, fd, t.c.vm);
		longest = took > longest ? took : longest;
	}
	cpu_total = vsvm_cpu_adders_stop(cpu, expected);
	take_snap(&t.c, &s1);

	igt_info("%" PRIu64 " grants, %" PRIu64 " revokes; %" PRIu64
		 " CPU increments, %u GPU; longest round %.1f ms\n",
		 VM_DELTA(&t.last, &s1, EXCLUSIVE_GRANTS),
		 VM_DELTA(&t.last, &s1, EXCLUSIVE_REVOKES), cpu_total,
		 RACE_ROUNDS * RACE_ATOMICS * t.c.engines, longest / 1e6);
	for (int k = 0; k < RACE_COUNTERS; k++)
		igt_assert_f(*counters[k] == expected[k],
			     "counter %d is %" PRIu64 ", expected %" PRIu64 "\n",
			     k, *counters[k], expected[k]);
	/* Access went back and forth during the run. */
	igt_assert_lt_u64(0, VM_DELTA(&t.last, &s1, EXCLUSIVE_GRANTS));
	igt_assert_lt_u64(0, VM_DELTA(&t.last, &s1, EXCLUSIVE_REVOKES));
	igt_assert_lte_u64(VM_DELTA(&t.last, &s1, EXCLUSIVE_REVOKES),
			   VM_DELTA(&t.last, &s1, EXCLUSIVE_GRANTS));
	igt_assert_eq_u64(VM_DELTA(&t.start, &s1, BYTES_TO_VRAM), 0);

	vsvm_engine_adds_fini(&gpu, fd);
	xt_fini(&t);
}

/*
 * Eight CPU threads fault at once on the same granted pages, each reading
 * in its own order, round after round: all read the right values, the
 * grants are revoked (at least once, never more often than granted), and
 * nothing hangs.
 */
static void test_exclusive_many_faults(int fd)
{
	const size_t npages = 16;
	struct snap s0, s1;
	struct xt t;

	xt_init(&t, fd, npages, 11);
	igt_set_timeout(120, "CPU faults on granted pages");
	for (int round = 0; round < FAULT_ROUNDS; round++) {
		uint64_t revokes;

		xt_add_pages(&t, 0, npages, 1 + round);
		xt_run_ok(&t, "grants");
		/* Every page was read in the round before: all fresh. */
		expect_exclusive(&t, npages, 0, "grants");

		take_snap(&t.c, &s0);
		vsvm_parallel_read(t.m.ptr, t.expect, t.size, FAULT_THREADS,
				   round);
		take_snap(&t.c, &s1);
		revokes = VM_DELTA(&s0, &s1, EXCLUSIVE_REVOKES);
		igt_debug("round %d: %" PRIu64 " revokes\n", round, revokes);
		igt_assert_lte_u64(1, revokes);
		igt_assert_lte_u64(revokes, npages);
		igt_assert_eq_u64(VM_DELTA(&s0, &s1, EXCLUSIVE_GRANTS), 0);
		t.last = s1;
	}
	igt_reset_timeout();
	expect_cpu_sees(&t, "after the rounds");
	expect_exclusive(&t, 0, 0, "after the rounds");
	expect_no_migration(&t);
	xt_fini(&t);
}

igt_main
{
	int fd = -1;

	igt_fixture {
		page_size = sysconf(_SC_PAGESIZE);
		igt_require(page_size == SZ_4K);
		fd = drm_open_vsvm_render();
		igt_require_f(vsvm_uapi_at_least(fd, 0, 4),
			      "the driver predates device-exclusive atomics "
			      "(uapi 0.4)\n");
	}

	igt_describe("hmm-tests' exclusive: GPU atomics on 16 fresh pages "
		     "grant each exactly once (EXCLUSIVE_GRANTS), the pages "
		     "stay in system memory, RESIDENCY and GPU reads revoke "
		     "nothing, the CPU's first read revokes each exactly once "
		     "(EXCLUSIVE_REVOKES) and sees every GPU result.");
	igt_subtest("exclusive")
		test_exclusive(fd);

	igt_describe("More atomics of every kind (add, xchg, cmpxchg; 32 and "
		     "64 bits), in the same job and in later ones, on granted "
		     "pages: no new grant, no revoke, every old value right.");
	igt_subtest("exclusive-repeat")
		test_exclusive_repeat(fd);

	igt_describe_f("%d rounds of CPU access (read or write) and GPU "
		       "atomic on a page: each CPU access revokes once, each "
		       "GPU atomic after it grants once; a neighbouring page "
		       "the CPU leaves alone keeps its grant.",
		       REGRANT_ROUNDS);
	igt_subtest("exclusive-regrant")
		test_exclusive_regrant(fd);

	igt_describe("GPU reads, copies, writes and fills on granted pages "
		     "work without a new grant or a revoke, and later GPU "
		     "atomics still hold the grant.");
	igt_subtest("exclusive-rw-no-regrant")
		test_exclusive_rw(fd);

	igt_describe("hmm-tests' exclusive_mprotect: granted pages made "
		     "read-only refuse the next GPU atomic with EACCES (error "
		     "record: atomic access) and keep their values; writable "
		     "again, atomics work.");
	igt_subtest("exclusive-mprotect")
		test_exclusive_mprotect(fd);

	igt_describe("hmm-tests' exclusive_cow: fork() with granted pages; "
		     "the child sees the GPU results, writes its own copy, "
		     "and the parent's later GPU atomics (granted afresh) and "
		     "the child's data stay separate.");
	igt_subtest("exclusive-cow")
		test_exclusive_cow(fd);

	igt_describe("munmap() of granted pages: GPU atomics there fail with "
		     "EFAULT; new memory at the same address starts from zero "
		     "and is granted afresh.");
	igt_subtest("exclusive-munmap")
		test_exclusive_munmap(fd);

	igt_describe("A GPU atomic on a THP tail page: the chunk moves to "
		     "VRAM or the page is granted, the job succeeds and every "
		     "value is right.");
	igt_subtest("exclusive-thp")
		test_exclusive_thp(fd);

	igt_describe("Destroying a VM gives back the pages its GPU holds "
		     "exclusive access to: one revoke each, none left for the "
		     "CPU.");
	igt_subtest("exclusive-vm-destroy")
		test_exclusive_vm_destroy(fd);

	igt_describe("GPU atomics on shared anonymous memory run in place: "
		     "no grant, no migration, the right values.");
	igt_subtest("exclusive-shared")
		test_exclusive_in_place(fd, IN_PLACE_SHARED);

	igt_describe("GPU atomics on a shared file mapping run in place: no "
		     "grant, no migration, the results in the page cache.");
	igt_subtest("exclusive-file")
		test_exclusive_in_place(fd, IN_PLACE_FILE);

	igt_describe("GPU atomics on private hugetlbfs memory run in place: "
		     "core mm gives no exclusive access to hugetlb pages (and "
		     "6.12 must not be asked), nothing migrates.");
	igt_subtest("exclusive-hugetlb")
		test_exclusive_in_place(fd, IN_PLACE_HUGETLB);

	igt_describe_f("2 CPU threads and %d jobs of %d atomic adds per "
		       "engine add to the same counters on %d pages: exact "
		       "sums, grants and revokes during the run, every job "
		       "completes.", RACE_ROUNDS, RACE_ATOMICS, RACE_PAGES);
	igt_subtest("exclusive-cpu-gpu-race")
		test_exclusive_race(fd);

	igt_describe_f("%d CPU threads fault at once on the same 16 granted "
		       "pages, %d rounds: all read the right values, grants "
		       "are revoked, no hang.", FAULT_THREADS, FAULT_ROUNDS);
	igt_subtest("exclusive-many-cpu-faults")
		test_exclusive_many_faults(fd);

	igt_fixture
		close(fd);
}
