// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/*
 * VRAM as device-private memory: migration between system memory and VRAM
 * (DRM_IOCTL_VSVM_PREFETCH), residency reports (DRM_IOCTL_VSVM_RESIDENCY)
 * and memory attributes (DRM_IOCTL_VSVM_MADVISE, DRM_IOCTL_VSVM_ATTR_QUERY).
 * Modelled on the kernel's hmm-tests (migrate, migrate_fault,
 * migrate_release, migrate_shared, migrate_multiple, hmm_cow_in_device),
 * ROCm's kfdtest (MigrateGranularity, VramOvercommit, ReadOnlyRange,
 * PrefaultPartialRange) and IGT's xe_exec_system_allocator (prefetch,
 * madvise, evict, fork after migrate):
 *
 * - every rejected input of the four ioctls fails with its documented
 *   error, and writes nothing back;
 * - private anonymous memory moves to VRAM page for page (pages_moved,
 *   residency and the migration counters agree exactly), and back, with
 *   its data intact, on prefetch and on CPU access;
 * - the GPU reads and writes VRAM pages in place;
 * - every other kind of memory (page cache, shared, memfd, hugetlbfs, DAX)
 *   never moves and stays usable by the GPU;
 * - attributes apply per address, survive VMA splits and die with munmap;
 * - VRAM is overcommitted by eviction without losing a byte, and every
 *   page of VRAM comes back when the memory goes away.
 *
 * Memory is written with a pattern that is a function of the offset (and
 * a seed), so any range can be checked without a copy, and expected
 * GPU checksums are computed without touching (and so migrating back) the
 * memory under test.
 *
 * What some subtests need from the machine: never-migrated@hugetlb 2 MiB
 * hugetlb pages (vm.nr_hugepages), never-migrated@dax $VSVM_DAX_DIR on a
 * file system mounted with -o dax; both skip otherwise. The file-backed
 * kinds use $VSVM_FILE_DIR (default $TMPDIR, then /tmp). overcommit needs
 * free memory for 4.5 times the VRAM size and runs 4 processes that move
 * 4 times the VRAM size; its run time scales with the vram_size_mb module
 * parameter.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "igt.h"
#include "igt_sizes.h"
#include "igt_syncobj.h"
#include "igt_vsvm.h"
#include "igt_vsvm_mem.h"
#include "igt_vsvm_vram.h"
#include "vsvm_drm.h"

IGT_TEST_DESCRIPTION("Check vsvm's VRAM: prefetch to and from VRAM, "
		     "residency, migration on CPU and GPU faults, memory "
		     "attributes, eviction under overcommit, fork, and the "
		     "rejection of bad inputs.");

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE	0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC		0x80000
#endif

/* Far beyond the user address space, with 4- or 5-level page tables. */
#define KERNEL_ADDRESS	0xffff800000000000ull
#define BEYOND_USER	(1ull << 57)

/* Cycles of leak-cycles. */
#define LEAK_CYCLES	1000

/* Increments of each GPU job in cpu-gpu-atomics. */
#define GPU_ATOMICS	1000

static int page_size;
static uint64_t vram_size;

#define NPAGES(size) ((uint64_t)(size) / SZ_4K)

static uint64_t addr(const void *p)
{
	return to_user_pointer(p);
}

static void stats_vm(struct vsvm_ctx *c, uint64_t st[VSVM_STAT_COUNT])
{
	vsvm_stats(c->fd, c->vm, st);
}

static void stats_dev(int fd, uint64_t st[VSVM_STAT_COUNT])
{
	vsvm_stats(fd, 0, st);
}

#define DELTA(a, b, idx) ((b)[VSVM_STAT_##idx] - (a)[VSVM_STAT_##idx])

static void assert_residency(struct vsvm_ctx *c, const void *p, size_t size,
			     uint8_t residency)
{
	vsvm_assert_residency(c->fd, c->vm, p, NPAGES(size), residency);
}

static uint64_t count_residency(struct vsvm_ctx *c, const void *p, size_t size,
				uint8_t residency)
{
	return vsvm_residency_count(c->fd, c->vm, addr(p), NPAGES(size),
				    residency);
}

static uint64_t prefetch(struct vsvm_ctx *c, const void *p, size_t size,
			 uint32_t region)
{
	return vsvm_prefetch(c->fd, c->vm, addr(p), size, region);
}

/*
 * Waits until VRAM_PAGES is back to @pages: with @exact, exactly (nothing
 * else can have left VRAM meanwhile), otherwise at most (eviction may have
 * taken older memory out).
 */
static void __wait_vram_pages(int fd, uint64_t pages, bool exact,
			      const char *what)
{
	uint64_t now;

	igt_assert_f(vsvm_vram_pages_wait(fd, pages, 10ull * NSEC_PER_SEC),
		     "%s: VRAM_PAGES did not return to %" PRIu64 " within 10 s\n",
		     what, pages);
	now = vsvm_device_stat(fd, VSVM_STAT_VRAM_PAGES);
	igt_assert_f(!exact || now == pages,
		     "%s: VRAM_PAGES is %" PRIu64 ", below %" PRIu64 "\n",
		     what, now, pages);
}

static void wait_vram_pages(int fd, uint64_t pages, const char *what)
{
	__wait_vram_pages(fd, pages, true, what);
}

/*
 * Rejected inputs.
 *
 * Each case starts from a valid request, which must succeed, and changes
 * one or two fields; the ioctl must then fail with the documented error
 * and leave the whole structure as it was passed (output is only written
 * back on success).
 */
enum special {
	SPECIAL_NONE,
	SPECIAL_RO_PAGE,	/* the value is the address of a read-only page */
};

struct field_set {
	size_t offset;
	size_t size;
	uint64_t value;
	bool add;		/* add @value to the valid field */
	enum special special;
};

struct bad_input {
	const char *name;
	const char *desc;
	struct field_set set[2];
	int err;
};

#define FIELD(type, f) offsetof(type, f), sizeof(((type *)0)->f)
#define SET(type, f, v) { FIELD(type, f), (v), false, SPECIAL_NONE }
#define ADD(type, f, v) { FIELD(type, f), (v), true, SPECIAL_NONE }
#define SPECIAL(type, f, s) { FIELD(type, f), 0, false, (s) }

static const void *ro_page;

static void apply_set(void *s, const struct field_set *f)
{
	uint8_t *p = (uint8_t *)s + f->offset;
	uint64_t v = f->value;

	if (!f->size)
		return;
	if (f->special == SPECIAL_RO_PAGE)
		v = addr(ro_page);

	switch (f->size) {
	case 4: {
		uint32_t x;

		memcpy(&x, p, 4);
		x = f->add ? x + (uint32_t)v : (uint32_t)v;
		memcpy(p, &x, 4);
		break;
	}
	case 8: {
		uint64_t x;

		memcpy(&x, p, 8);
		x = f->add ? x + v : v;
		memcpy(p, &x, 8);
		break;
	}
	default:
		igt_assert_f(0, "field of %zu bytes\n", f->size);
	}
}

static void apply_bad(void *s, const struct bad_input *b)
{
	apply_set(s, &b->set[0]);
	apply_set(s, &b->set[1]);
}

#define PF struct drm_vsvm_prefetch
static const struct bad_input bad_prefetch[] = {
	{ "flags", "A non-zero flags field (no flag is defined).",
	  { SET(PF, flags, 1) }, -EINVAL },
	{ "flags-high", "The top bit of flags.",
	  { SET(PF, flags, 0x80000000u) }, -EINVAL },
	{ "pad", "A non-zero pad field.", { SET(PF, pad, 1) }, -EINVAL },
	{ "reserved0", "A non-zero reserved[0].",
	  { SET(PF, reserved[0], 1) }, -EINVAL },
	{ "reserved1", "A non-zero reserved[1].",
	  { SET(PF, reserved[1], 1) }, -EINVAL },
	{ "region-0", "Region 0, never a valid enumeration value.",
	  { SET(PF, region, 0) }, -EINVAL },
	{ "region-3", "Region 3, beyond DRM_VSVM_REGION_VRAM.",
	  { SET(PF, region, 3) }, -EINVAL },
	{ "region-vram-of-beyond", "The VRAM of device 4, beyond every "
	  "num_devices.", { SET(PF, region, DRM_VSVM_REGION_VRAM_OF(4)) },
	  -EINVAL },
	{ "region-below-vram-of", "Region 0xff, just below "
	  "DRM_VSVM_REGION_VRAM_OF(0).", { SET(PF, region, 0xff) }, -EINVAL },
	{ "unaligned-start", "A start address that is not page aligned.",
	  { ADD(PF, start, 1) }, -EINVAL },
	{ "unaligned-start-2k", "A start address 2 KiB into a page.",
	  { ADD(PF, start, 2048) }, -EINVAL },
	{ "unaligned-length", "A length that is not a multiple of 4 KiB.",
	  { ADD(PF, length, 1) }, -EINVAL },
	{ "zero-length", "An empty range.", { SET(PF, length, 0) }, -EINVAL },
	{ "kernel-address", "A range in the kernel's half of the address "
	  "space.", { SET(PF, start, KERNEL_ADDRESS) }, -EINVAL },
	{ "beyond-user", "A range beyond the user address space (above 57 "
	  "bits).", { SET(PF, start, BEYOND_USER) }, -EINVAL },
	{ "length-wrap", "A length that wraps the address space around.",
	  { SET(PF, length, 0ull - 4096) }, -EINVAL },
	{ "unknown-vm", "A VM id the file does not have: ENOENT.",
	  { ADD(PF, vm_id, 1000) }, -ENOENT },
	{ "vm-0", "VM id 0, never a VM: ENOENT.",
	  { SET(PF, vm_id, 0) }, -ENOENT },
};
#undef PF

#define RS struct drm_vsvm_residency
static const struct bad_input bad_residency[] = {
	{ "npages-0", "Zero pages.", { SET(RS, npages, 0) }, -EINVAL },
	{ "npages-too-many", "One page more than the limit of 1 << 20.",
	  { SET(RS, npages, (1ull << 20) + 1) }, -EINVAL },
	{ "npages-wrap", "1 << 52 pages, whose byte length wraps to 0.",
	  { SET(RS, npages, 1ull << 52) }, -EINVAL },
	{ "unaligned-start", "A start address that is not page aligned.",
	  { ADD(RS, start, 1) }, -EINVAL },
	{ "unaligned-start-2k", "A start address 2 KiB into a page.",
	  { ADD(RS, start, 2048) }, -EINVAL },
	{ "kernel-address", "A range in the kernel's half of the address "
	  "space.", { SET(RS, start, KERNEL_ADDRESS) }, -EINVAL },
	{ "beyond-user", "A range beyond the user address space.",
	  { SET(RS, start, BEYOND_USER) }, -EINVAL },
	{ "flags", "An unknown flag.", { SET(RS, flags, 2) }, -EINVAL },
	{ "reserved0", "A non-zero reserved[0].",
	  { SET(RS, reserved[0], 1) }, -EINVAL },
	{ "reserved1", "A non-zero reserved[1].",
	  { SET(RS, reserved[1], 1) }, -EINVAL },
	{ "data-null", "A NULL data pointer: EFAULT.",
	  { SET(RS, data, 0) }, -EFAULT },
	{ "data-kernel", "A kernel data pointer: EFAULT.",
	  { SET(RS, data, KERNEL_ADDRESS) }, -EFAULT },
	{ "data-read-only", "A data pointer to a read-only page: EFAULT.",
	  { SPECIAL(RS, data, SPECIAL_RO_PAGE) }, -EFAULT },
	{ "unknown-vm", "A VM id the file does not have: ENOENT.",
	  { ADD(RS, vm_id, 1000) }, -ENOENT },
};
#undef RS

#define MA struct drm_vsvm_madvise
static const struct bad_input bad_madvise[] = {
	{ "attr-0", "Attribute 0, never a valid enumeration value.",
	  { SET(MA, attr, 0) }, -EINVAL },
	{ "attr-5", "Attribute 5, beyond DRM_VSVM_ATTR_ATOMIC.",
	  { SET(MA, attr, 5) }, -EINVAL },
	{ "attr-high", "An attribute with the top bit set.",
	  { SET(MA, attr, 0x80000001u) }, -EINVAL },
	{ "preferred-loc-3", "A preferred location of 3, no region.",
	  { SET(MA, value, 3) }, -EINVAL },
	{ "preferred-loc-vram-of-beyond", "A preferred location in the VRAM "
	  "of device 4, beyond every num_devices.",
	  { SET(MA, value, DRM_VSVM_REGION_VRAM_OF(4)) }, -EINVAL },
	{ "preferred-loc-vram-of-high", "A preferred location in device 0's "
	  "VRAM with bit 32 set.",
	  { SET(MA, value, (1ull << 32) | DRM_VSVM_REGION_VRAM_OF(0)) },
	  -EINVAL },
	{ "preferred-loc-high", "A preferred location of VRAM with bit 32 "
	  "set.", { SET(MA, value, (1ull << 32) | DRM_VSVM_REGION_VRAM) },
	  -EINVAL },
	{ "gpu-access-3", "A GPU access of 3, beyond "
	  "DRM_VSVM_GPU_ACCESS_READ.",
	  { SET(MA, attr, DRM_VSVM_ATTR_GPU_ACCESS), SET(MA, value, 3) },
	  -EINVAL },
	{ "gpu-access-high", "A GPU access of READ with bit 32 set.",
	  { SET(MA, attr, DRM_VSVM_ATTR_GPU_ACCESS),
	    SET(MA, value, (1ull << 32) | DRM_VSVM_GPU_ACCESS_READ) },
	  -EINVAL },
	{ "atomic-3", "An atomic policy of 3, beyond DRM_VSVM_ATOMIC_VRAM.",
	  { SET(MA, attr, DRM_VSVM_ATTR_ATOMIC), SET(MA, value, 3) },
	  -EINVAL },
	{ "atomic-high", "An atomic policy of VRAM with bit 32 set.",
	  { SET(MA, attr, DRM_VSVM_ATTR_ATOMIC),
	    SET(MA, value, (1ull << 32) | DRM_VSVM_ATOMIC_VRAM) }, -EINVAL },
	{ "granularity-1", "A granularity of 1 byte.",
	  { SET(MA, attr, DRM_VSVM_ATTR_GRANULARITY), SET(MA, value, 1) },
	  -EINVAL },
	{ "granularity-8k", "A granularity of 8 KiB (only 4 KiB, 64 KiB and "
	  "2 MiB exist).",
	  { SET(MA, attr, DRM_VSVM_ATTR_GRANULARITY), SET(MA, value, 8192) },
	  -EINVAL },
	{ "granularity-32k", "A granularity of 32 KiB.",
	  { SET(MA, attr, DRM_VSVM_ATTR_GRANULARITY),
	    SET(MA, value, 32768) }, -EINVAL },
	{ "granularity-4m", "A granularity of 4 MiB.",
	  { SET(MA, attr, DRM_VSVM_ATTR_GRANULARITY),
	    SET(MA, value, 4ull << 20) }, -EINVAL },
	{ "granularity-high", "A granularity of 4 KiB with bit 32 set.",
	  { SET(MA, attr, DRM_VSVM_ATTR_GRANULARITY),
	    SET(MA, value, (1ull << 32) | 4096) }, -EINVAL },
	{ "unaligned-start", "A start address that is not page aligned.",
	  { ADD(MA, start, 1) }, -EINVAL },
	{ "unaligned-length", "A length that is not a multiple of 4 KiB.",
	  { ADD(MA, length, 8) }, -EINVAL },
	{ "zero-length", "An empty range.", { SET(MA, length, 0) }, -EINVAL },
	{ "kernel-address", "A range in the kernel's half of the address "
	  "space.", { SET(MA, start, KERNEL_ADDRESS) }, -EINVAL },
	{ "length-wrap", "A length that wraps the address space around.",
	  { SET(MA, length, 0ull - 4096) }, -EINVAL },
	{ "reserved0", "A non-zero reserved[0].",
	  { SET(MA, reserved[0], 1) }, -EINVAL },
	{ "reserved1", "A non-zero reserved[1].",
	  { SET(MA, reserved[1], 1) }, -EINVAL },
	{ "unknown-vm", "A VM id the file does not have: ENOENT.",
	  { ADD(MA, vm_id, 1000) }, -ENOENT },
};
#undef MA

#define AQ struct drm_vsvm_attr_query
static const struct bad_input bad_attr_query[] = {
	{ "attr-0", "Attribute 0, never a valid enumeration value.",
	  { SET(AQ, attr, 0) }, -EINVAL },
	{ "attr-5", "Attribute 5, beyond DRM_VSVM_ATTR_ATOMIC.",
	  { SET(AQ, attr, 5) }, -EINVAL },
	{ "attr-high", "An attribute with the top bit set.",
	  { SET(AQ, attr, 0x80000001u) }, -EINVAL },
	{ "pad", "A non-zero pad field.", { SET(AQ, pad, 1) }, -EINVAL },
	{ "reserved0", "A non-zero reserved[0].",
	  { SET(AQ, reserved[0], 1) }, -EINVAL },
	{ "reserved1", "A non-zero reserved[1].",
	  { SET(AQ, reserved[1], 1) }, -EINVAL },
	{ "kernel-address", "A kernel address.",
	  { SET(AQ, addr, KERNEL_ADDRESS) }, -EINVAL },
	{ "beyond-user", "An address beyond the user address space.",
	  { SET(AQ, addr, BEYOND_USER) }, -EINVAL },
	{ "unknown-vm", "A VM id the file does not have: ENOENT.",
	  { ADD(AQ, vm_id, 1000) }, -ENOENT },
};
#undef AQ

/* What the negative tests work on: a VM and 64 KiB of anonymous memory. */
struct neg {
	struct vsvm_ctx c;
	struct vsvm_region mem;
	struct vsvm_region ro;
	uint8_t data[16];
};

static void neg_init(struct neg *n, int fd)
{
	vsvm_ctx_init(&n->c, fd);
	vsvm_map_anon(&n->mem, SZ_64K, SZ_64K);
	memset(n->mem.ptr, 1, SZ_64K);
	vsvm_map_anon(&n->ro, page_size, 0);
	memset(n->ro.ptr, 0x5a, page_size);
	igt_assert_eq(mprotect(n->ro.ptr, page_size, PROT_READ), 0);
	ro_page = n->ro.ptr;
}

static void neg_fini(struct neg *n)
{
	vsvm_unmap_region(&n->mem);
	vsvm_unmap_region(&n->ro);
	vsvm_ctx_fini(&n->c);
	ro_page = NULL;
}

static void test_bad_prefetch(int fd, const struct bad_input *b)
{
	struct drm_vsvm_prefetch p, saved;
	struct neg n;

	neg_init(&n, fd);
	memset(&p, 0, sizeof(p));
	p.vm_id = n.c.vm;
	p.region = DRM_VSVM_REGION_VRAM;
	p.start = addr(n.mem.ptr);
	p.length = SZ_64K;
	saved = p;
	igt_assert_eq(__vsvm_prefetch(fd, &p), 0);

	p = saved;
	p.pages_moved = 0xa5a5a5a5a5a5a5a5ull;
	apply_bad(&p, b);
	saved = p;
	igt_assert_eq(__vsvm_prefetch(fd, &p), b->err);
	igt_assert_f(!memcmp(&p, &saved, sizeof(p)),
		     "the failed ioctl changed its argument\n");
	neg_fini(&n);
}

static void test_bad_residency(int fd, const struct bad_input *b)
{
	struct drm_vsvm_residency r, saved;
	struct neg n;

	neg_init(&n, fd);
	memset(&r, 0, sizeof(r));
	r.vm_id = n.c.vm;
	r.start = addr(n.mem.ptr);
	r.npages = 16;
	r.data = addr(n.data);
	saved = r;
	igt_assert_eq(__vsvm_residency(fd, &r), 0);
	for (int i = 0; i < 16; i++)
		igt_assert_eq(n.data[i], DRM_VSVM_RESIDENCY_SYSTEM);

	memset(n.data, 0xa5, sizeof(n.data));
	r = saved;
	apply_bad(&r, b);
	saved = r;
	igt_assert_eq(__vsvm_residency(fd, &r), b->err);
	igt_assert_f(!memcmp(&r, &saved, sizeof(r)),
		     "the failed ioctl changed its argument\n");
	for (int i = 0; i < 16; i++)
		igt_assert_eq(n.data[i], 0xa5);
	for (int i = 0; i < page_size; i++)
		igt_assert_eq(((const uint8_t *)ro_page)[i], 0x5a);
	neg_fini(&n);
}

static void test_bad_madvise(int fd, const struct bad_input *b)
{
	struct drm_vsvm_madvise m, saved;
	struct neg n;

	neg_init(&n, fd);
	memset(&m, 0, sizeof(m));
	m.vm_id = n.c.vm;
	m.attr = DRM_VSVM_ATTR_PREFERRED_LOC;
	m.start = addr(n.mem.ptr);
	m.length = SZ_64K;
	m.value = DRM_VSVM_REGION_SYSTEM;
	saved = m;
	igt_assert_eq(__vsvm_madvise(fd, &m), 0);

	m = saved;
	apply_bad(&m, b);
	saved = m;
	igt_assert_eq(__vsvm_madvise(fd, &m), b->err);
	igt_assert_f(!memcmp(&m, &saved, sizeof(m)),
		     "the failed ioctl changed its argument\n");
	/* Nothing was set: the valid call's value is still there. */
	igt_assert_eq_u64(vsvm_attr_query(fd, n.c.vm,
					  DRM_VSVM_ATTR_PREFERRED_LOC,
					  addr(n.mem.ptr), NULL, NULL),
			  DRM_VSVM_REGION_SYSTEM);
	igt_assert_eq_u64(vsvm_attr_query(fd, n.c.vm,
					  DRM_VSVM_ATTR_GRANULARITY,
					  addr(n.mem.ptr), NULL, NULL), 0);
	neg_fini(&n);
}

static void test_bad_attr_query(int fd, const struct bad_input *b)
{
	struct drm_vsvm_attr_query q, saved;
	struct neg n;

	neg_init(&n, fd);
	memset(&q, 0, sizeof(q));
	q.vm_id = n.c.vm;
	q.attr = DRM_VSVM_ATTR_PREFERRED_LOC;
	q.addr = addr(n.mem.ptr);
	saved = q;
	igt_assert_eq(__vsvm_attr_query(fd, &q), 0);

	q = saved;
	q.value = q.start = q.end = 0xa5a5a5a5a5a5a5a5ull;
	apply_bad(&q, b);
	saved = q;
	igt_assert_eq(__vsvm_attr_query(fd, &q), b->err);
	igt_assert_f(!memcmp(&q, &saved, sizeof(q)),
		     "the failed ioctl changed its argument\n");
	neg_fini(&n);
}

/*
 * A child process inherits the file and the VM id, but not the address
 * space the VM mirrors: PREFETCH and RESIDENCY fail with EACCES there,
 * while a VM the child creates on the same file works.
 */
static void test_other_process(int fd, bool residency)
{
	struct neg n;

	neg_init(&n, fd);
	igt_fork(child, 1) {
		struct drm_vsvm_prefetch p = {
			.vm_id = n.c.vm,
			.region = DRM_VSVM_REGION_VRAM,
			.start = addr(n.mem.ptr),
			.length = SZ_64K,
		};
		struct drm_vsvm_residency r = {
			.vm_id = n.c.vm,
			.start = addr(n.mem.ptr),
			.npages = 16,
			.data = addr(n.data),
		};
		struct vsvm_region own;
		uint32_t vm;

		if (residency) {
			memset(n.data, 0xa5, sizeof(n.data));
			igt_assert_eq(__vsvm_residency(fd, &r), -EACCES);
			for (int i = 0; i < 16; i++)
				igt_assert_eq(n.data[i], 0xa5);
		} else {
			igt_assert_eq(__vsvm_prefetch(fd, &p), -EACCES);
		}

		/* A VM of its own works, on memory of its own. */
		vsvm_map_anon(&own, SZ_64K, 0);
		memset(own.ptr, 2, SZ_64K);
		vm = vsvm_vm_create(fd);
		r.vm_id = vm;
		r.start = addr(own.ptr);
		p.vm_id = vm;
		p.start = addr(own.ptr);
		if (residency) {
			igt_assert_eq(__vsvm_residency(fd, &r), 0);
			for (int i = 0; i < 16; i++)
				igt_assert_eq(n.data[i],
					      DRM_VSVM_RESIDENCY_SYSTEM);
		} else {
			igt_assert_eq(__vsvm_prefetch(fd, &p), 0);
			igt_assert_eq_u64(p.pages_moved, 16);
			vsvm_assert_residency(fd, vm, own.ptr, 16,
					      DRM_VSVM_RESIDENCY_VRAM);
		}
		vsvm_vm_destroy(fd, vm);
	}
	igt_waitchildren();

	/* The parent's memory did not move. */
	assert_residency(&n.c, n.mem.ptr, SZ_64K, DRM_VSVM_RESIDENCY_SYSTEM);
	for (int i = 0; i < SZ_64K; i++)
		igt_assert_eq(n.mem.ptr[i], 1);
	neg_fini(&n);
}

/*
 * The largest residency request, 1 << 20 pages (4 GiB): 32 pages of
 * memory at the start of a 4 GiB PROT_NONE reservation, so that the rest
 * of the range is ours and known to be empty.
 */
static void test_residency_max(int fd)
{
	const uint64_t npages = VSVM_RESIDENCY_MAX_PAGES;
	struct drm_vsvm_residency r;
	struct vsvm_ctx c;
	struct vsvm_region m;
	uint8_t *out;

	vsvm_ctx_init(&c, fd);
	vsvm_map_region(&m, npages * SZ_4K, 0, PROT_NONE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	igt_assert(mmap(m.ptr, 32 * page_size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
		   m.ptr);
	memset(m.ptr, 1, 16 * page_size);
	igt_assert_eq_u64(prefetch(&c, m.ptr + 8 * page_size, 4 * page_size,
				   DRM_VSVM_REGION_VRAM), 4);
	out = malloc(npages);
	igt_assert(out);
	memset(out, 0, npages);

	memset(&r, 0, sizeof(r));
	r.vm_id = c.vm;
	r.start = addr(m.ptr);
	r.npages = npages;
	r.data = addr(out);
	igt_assert_eq(__vsvm_residency(fd, &r), 0);
	for (uint64_t i = 0; i < npages; i++) {
		uint8_t want = DRM_VSVM_RESIDENCY_NONE;

		if (i >= 8 && i < 12)
			want = DRM_VSVM_RESIDENCY_VRAM;
		else if (i < 16)
			want = DRM_VSVM_RESIDENCY_SYSTEM;
		igt_assert_f(out[i] == want,
			     "page %" PRIu64 ": %s, expected %s\n", i,
			     vsvm_residency_name(out[i]),
			     vsvm_residency_name(want));
	}
	free(out);
	vsvm_unmap_region(&m);
	vsvm_ctx_fini(&c);
}

/* Device query. */

static void test_query(int fd)
{
	struct drm_vsvm_query_device dev;
	uint64_t st[VSVM_STAT_COUNT];

	vsvm_query_device(fd, &dev);
	igt_assert_f(dev.uapi_major > 0 || dev.uapi_minor >= 3,
		     "uapi %u.%u predates VRAM (0.3)\n", dev.uapi_major,
		     dev.uapi_minor);
	igt_assert(dev.features & DRM_VSVM_FEATURE_SVM);

	if (!(dev.features & DRM_VSVM_FEATURE_VRAM)) {
		struct vsvm_ctx c;
		struct vsvm_region m;
		struct drm_vsvm_prefetch p = {
			.region = DRM_VSVM_REGION_VRAM,
			.length = SZ_64K,
		};

		/* No device-private memory: PREFETCH says so. */
		vsvm_ctx_init(&c, fd);
		vsvm_map_anon(&m, SZ_64K, 0);
		p.vm_id = c.vm;
		p.start = addr(m.ptr);
		igt_assert_eq(__vsvm_prefetch(fd, &p), -ENODEV);
		vsvm_unmap_region(&m);
		vsvm_ctx_fini(&c);
		igt_skip("no VRAM: the kernel has no device-private memory\n");
	}

	igt_info("VRAM: %" PRIu64 " MiB\n", (uint64_t)dev.vram_size >> 20);
	igt_assert_lt_u64(0, dev.vram_size);
	igt_assert_eq_u64(dev.vram_size % SZ_2M, 0);
	stats_dev(fd, st);
	igt_assert_lte_u64(st[VSVM_STAT_VRAM_PAGES],
			   dev.vram_size / SZ_4K);
}

/* Migration to VRAM and back. */

static void test_migrate(int fd)
{
	/* 2 MiB, 64 KiB and 4 KiB chunks. */
	const size_t size = 2 * SZ_2M + 3 * SZ_64K + 5 * SZ_4K;
	uint64_t v0[VSVM_STAT_COUNT], v1[VSVM_STAT_COUNT];
	uint64_t d0[VSVM_STAT_COUNT], d1[VSVM_STAT_COUNT];
	uint64_t base;
	struct vsvm_region m;
	struct vsvm_ctx c;
	uint32_t crc;

	vsvm_ctx_init(&c, fd);
	vsvm_map_anon(&m, size, SZ_2M);
	vsvm_fill_pattern(m.ptr, size, 1);
	crc = vsvm_pattern_crc(size, 1, 0);
	assert_residency(&c, m.ptr, size, DRM_VSVM_RESIDENCY_SYSTEM);

	base = vsvm_vram_pages_settle(fd);
	stats_vm(&c, v0);
	stats_dev(fd, d0);
	igt_assert_eq_u64(prefetch(&c, m.ptr, size, DRM_VSVM_REGION_VRAM),
			  NPAGES(size));
	stats_vm(&c, v1);
	stats_dev(fd, d1);
	assert_residency(&c, m.ptr, size, DRM_VSVM_RESIDENCY_VRAM);
	igt_assert_eq_u64(DELTA(v0, v1, BYTES_TO_VRAM), size);
	igt_assert_eq_u64(DELTA(v0, v1, BYTES_TO_SYSTEM), 0);
	igt_assert_eq_u64(DELTA(d0, d1, BYTES_TO_VRAM), size);
	igt_assert_eq_u64(DELTA(d0, d1, CPU_FAULTS), 0);
	igt_assert_eq_u64(d1[VSVM_STAT_VRAM_PAGES], base + NPAGES(size));

	/* The GPU reads the pages where they are. */
	vsvm_ctx_assert_crc(&c, m.ptr, size, crc, "in VRAM");
	assert_residency(&c, m.ptr, size, DRM_VSVM_RESIDENCY_VRAM);

	/*
	 * The CPU reads every byte: the first access in each chunk (one
	 * drm_pagemap allocation: 2 x 2 MiB, 3 x 64 KiB, 5 x 4 KiB) faults
	 * the whole chunk back, and nothing else does.
	 */
	stats_dev(fd, d0);
	vsvm_check_pattern(m.ptr, size, 1, "CPU read of VRAM");
	stats_dev(fd, d1);
	assert_residency(&c, m.ptr, size, DRM_VSVM_RESIDENCY_SYSTEM);
	igt_assert_eq_u64(DELTA(d0, d1, BYTES_TO_SYSTEM), size);
	igt_assert_eq_u64(DELTA(d0, d1, CPU_FAULTS), 2 + 3 + 5);
	wait_vram_pages(fd, base, "after the CPU faulted everything back");

	vsvm_ctx_assert_crc(&c, m.ptr, size, crc, "back in system memory");
	vsvm_unmap_region(&m);
	vsvm_ctx_fini(&c);
}

/* Never-touched anonymous memory: prefetch populates it in VRAM. */
static void test_migrate_untouched(int fd)
{
	const size_t size = SZ_2M + 4 * SZ_64K;
	uint64_t base;
	struct vsvm_region m;
	struct vsvm_ctx c;

	vsvm_ctx_init(&c, fd);
	vsvm_map_anon(&m, size, SZ_2M);
	assert_residency(&c, m.ptr, size, DRM_VSVM_RESIDENCY_NONE);
	base = vsvm_vram_pages_settle(fd);

	igt_assert_eq_u64(prefetch(&c, m.ptr, size, DRM_VSVM_REGION_VRAM),
			  NPAGES(size));
	assert_residency(&c, m.ptr, size, DRM_VSVM_RESIDENCY_VRAM);
	igt_assert_eq_u64(vsvm_device_stat(fd, VSVM_STAT_VRAM_PAGES),
			  base + NPAGES(size));
	vsvm_ctx_assert_crc(&c, m.ptr, size, vsvm_words_crc(size, 0), "zeros in VRAM");

	vsvm_check_words(m.ptr, size, 0, "zeros back from VRAM");
	assert_residency(&c, m.ptr, size, DRM_VSVM_RESIDENCY_SYSTEM);
	vsvm_unmap_region(&m);
	wait_vram_pages(fd, base, "after munmap");
	vsvm_ctx_fini(&c);
}

static void test_migrate_back(int fd)
{
	const size_t size = SZ_2M + 7 * SZ_64K + 3 * SZ_4K;
	uint64_t v0[VSVM_STAT_COUNT], v1[VSVM_STAT_COUNT];
	uint64_t d0[VSVM_STAT_COUNT], d1[VSVM_STAT_COUNT];
	const size_t mid = SZ_1M, mid_len = SZ_64K + 2 * SZ_4K;
	uint64_t base;
	struct vsvm_region m;
	struct vsvm_ctx c;
	uint32_t crc;

	vsvm_ctx_init(&c, fd);
	vsvm_map_anon(&m, size, SZ_2M);
	vsvm_fill_pattern(m.ptr, size, 2);
	crc = vsvm_pattern_crc(size, 2, 0);
	base = vsvm_vram_pages_settle(fd);

	/* Already in system memory: nothing moves. */
	igt_assert_eq_u64(prefetch(&c, m.ptr, size, DRM_VSVM_REGION_SYSTEM),
			  0);
	igt_assert_eq_u64(prefetch(&c, m.ptr, size, DRM_VSVM_REGION_VRAM),
			  NPAGES(size));
	/* Already in VRAM: nothing moves. */
	igt_assert_eq_u64(prefetch(&c, m.ptr, size, DRM_VSVM_REGION_VRAM),
			  0);
	assert_residency(&c, m.ptr, size, DRM_VSVM_RESIDENCY_VRAM);

	/*
	 * Part of it back, then all of it: no CPU fault involved. A chunk
	 * (one drm_pagemap allocation) moves as a whole: the part inside
	 * the first 2 MiB brings those 2 MiB back.
	 */
	stats_vm(&c, v0);
	stats_dev(fd, d0);
	igt_assert_eq_u64(prefetch(&c, m.ptr + mid, mid_len,
				   DRM_VSVM_REGION_SYSTEM), NPAGES(SZ_2M));
	assert_residency(&c, m.ptr, SZ_2M, DRM_VSVM_RESIDENCY_SYSTEM);
	assert_residency(&c, m.ptr + SZ_2M, size - SZ_2M,
			 DRM_VSVM_RESIDENCY_VRAM);
	igt_assert_eq_u64(prefetch(&c, m.ptr, size, DRM_VSVM_REGION_SYSTEM),
			  NPAGES(size - SZ_2M));
	stats_vm(&c, v1);
	stats_dev(fd, d1);
	assert_residency(&c, m.ptr, size, DRM_VSVM_RESIDENCY_SYSTEM);
	igt_assert_eq_u64(DELTA(v0, v1, BYTES_TO_SYSTEM), size);
	igt_assert_eq_u64(DELTA(v0, v1, BYTES_TO_VRAM), 0);
	igt_assert_eq_u64(DELTA(d0, d1, CPU_FAULTS), 0);
	igt_assert_eq_u64(prefetch(&c, m.ptr, size, DRM_VSVM_REGION_SYSTEM),
			  0);
	wait_vram_pages(fd, base, "after prefetch to system memory");

	vsvm_ctx_assert_crc(&c, m.ptr, size, crc, "after the round trip");
	vsvm_check_pattern(m.ptr, size, 2, "CPU read after the round trip");
	igt_assert_eq_u64(vsvm_device_stat(fd, VSVM_STAT_CPU_FAULTS),
			  d1[VSVM_STAT_CPU_FAULTS]);
	vsvm_unmap_region(&m);
	vsvm_ctx_fini(&c);
}

/*
 * Migrations copy through the device's copy engine, in batches of up to 2
 * MiB: moving N * 2 MiB of touched memory runs at least N batches
 * (COPY_BATCHES, device-wide) to VRAM and N more back, and every byte
 * arrives both ways.
 */
static void test_copy_engine_batches(int fd)
{
	const int n = 4;
	const size_t size = n * SZ_2M;
	uint64_t d0[VSVM_STAT_COUNT], d1[VSVM_STAT_COUNT];
	uint64_t d2[VSVM_STAT_COUNT];
	struct vsvm_region m;
	struct vsvm_ctx c;

	igt_require_f(vsvm_uapi_at_least(fd, 0, 4),
		      "uapi before 0.4 counts no copy batches\n");
	vsvm_ctx_init(&c, fd);
	vsvm_map_anon(&m, size, SZ_2M);
	vsvm_fill_pattern(m.ptr, size, 96);

	stats_dev(fd, d0);
	igt_assert_eq_u64(prefetch(&c, m.ptr, size, DRM_VSVM_REGION_VRAM),
			  NPAGES(size));
	stats_dev(fd, d1);
	assert_residency(&c, m.ptr, size, DRM_VSVM_RESIDENCY_VRAM);
	igt_info("%" PRIu64 " copy batches to VRAM for %d x 2 MiB\n",
		 DELTA(d0, d1, COPY_BATCHES), n);
	igt_assert_lte_u64(n, DELTA(d0, d1, COPY_BATCHES));
	igt_assert_eq_u64(DELTA(d0, d1, BYTES_TO_VRAM), size);
	vsvm_ctx_assert_crc(&c, m.ptr, size, vsvm_pattern_crc(size, 96, 0),
			    "copied to VRAM");

	igt_assert_eq_u64(prefetch(&c, m.ptr, size, DRM_VSVM_REGION_SYSTEM),
			  NPAGES(size));
	stats_dev(fd, d2);
	assert_residency(&c, m.ptr, size, DRM_VSVM_RESIDENCY_SYSTEM);
	igt_info("%" PRIu64 " copy batches back\n",
		 DELTA(d1, d2, COPY_BATCHES));
	igt_assert_lte_u64(n, DELTA(d1, d2, COPY_BATCHES));
	igt_assert_eq_u64(DELTA(d1, d2, BYTES_TO_SYSTEM), size);
	/* The data came back with the prefetch, not with CPU faults. */
	vsvm_check_pattern(m.ptr, size, 96, "copied back to system memory");
	igt_assert_eq_u64(vsvm_device_stat(fd, VSVM_STAT_CPU_FAULTS),
			  d1[VSVM_STAT_CPU_FAULTS]);
	vsvm_unmap_region(&m);
	vsvm_ctx_fini(&c);
}

/* Many round trips; the CPU writes new data while the pages are in VRAM. */
static void test_migrate_multiple(int fd)
{
	const size_t size = SZ_1M + 8 * SZ_4K;
	const int rounds = 16;
	struct vsvm_region m;
	struct vsvm_ctx c;

	vsvm_ctx_init(&c, fd);
	vsvm_map_anon(&m, size, SZ_64K);
	vsvm_fill_pattern(m.ptr, size, 100);
	for (int r = 0; r < rounds; r++) {
		igt_assert_eq_u64(prefetch(&c, m.ptr, size,
					   DRM_VSVM_REGION_VRAM),
				  NPAGES(size));
		assert_residency(&c, m.ptr, size, DRM_VSVM_RESIDENCY_VRAM);
		vsvm_ctx_assert_crc(&c, m.ptr, size,
				    vsvm_pattern_crc(size, 100 + r, 0),
				    "in VRAM");
		/* CPU writes fault the pages back first. */
		vsvm_fill_pattern(m.ptr, size, 101 + r);
		assert_residency(&c, m.ptr, size, DRM_VSVM_RESIDENCY_SYSTEM);
		vsvm_ctx_assert_crc(&c, m.ptr, size,
				    vsvm_pattern_crc(size, 101 + r, 0),
				    "written by the CPU");
	}
	vsvm_check_pattern(m.ptr, size, 100 + rounds, "after the rounds");
	vsvm_unmap_region(&m);
	vsvm_ctx_fini(&c);
}

/*
 * PREFETCH to VRAM binds what it moved: jobs that then read and write the
 * pages (a 2 MiB folio and 16 small pages) take no GPU fault and move
 * nothing. A first job warms up the command buffer and the CRC's output,
 * which are system memory new to the GPU.
 */
static void test_prefetch_binds(int fd)
{
	const size_t size = SZ_2M + 16 * SZ_4K;
	uint64_t v0[VSVM_STAT_COUNT], v1[VSVM_STAT_COUNT];
	const uint32_t word = 0x600dcafe;
	struct vsvm_region m, warm;
	uint8_t *expect;
	struct vsvm_ctx c;

	vsvm_ctx_init(&c, fd);
	vsvm_map_anon(&warm, SZ_4K, SZ_4K);
	vsvm_fill_pattern(warm.ptr, SZ_4K, 1);
	vsvm_ctx_assert_crc(&c, warm.ptr, SZ_4K,
			    vsvm_crc32(0, warm.ptr, SZ_4K), "warm-up");

	vsvm_map_anon(&m, size, SZ_2M);
	vsvm_fill_pattern(m.ptr, size, 5);
	expect = malloc(size);
	igt_assert(expect);
	vsvm_fill_pattern(expect, size, 5);
	igt_assert_eq_u64(prefetch(&c, m.ptr, size, DRM_VSVM_REGION_VRAM),
			  NPAGES(size));
	stats_vm(&c, v0);

	vsvm_ctx_assert_crc(&c, m.ptr, size, vsvm_crc32(0, expect, size),
			    "read after prefetch");
	vsvm_ctx_fill(&c, m.ptr + SZ_2M - SZ_4K, 2 * SZ_4K, word);
	for (size_t i = 0; i < 2 * SZ_4K / 4; i++)
		memcpy(expect + SZ_2M - SZ_4K + 4 * i, &word, 4);
	vsvm_ctx_assert_crc(&c, m.ptr, size, vsvm_crc32(0, expect, size),
			    "after the fill");
	stats_vm(&c, v1);
	igt_info("GPU faults after the prefetch: %" PRIu64 "\n",
		 DELTA(v0, v1, FAULTS));
	igt_assert_eq_u64(DELTA(v0, v1, FAULTS), 0);
	igt_assert_eq_u64(DELTA(v0, v1, BYTES_TO_VRAM), 0);
	igt_assert_eq_u64(DELTA(v0, v1, BYTES_TO_SYSTEM), 0);
	assert_residency(&c, m.ptr, size, DRM_VSVM_RESIDENCY_VRAM);
	igt_assert(!memcmp(m.ptr, expect, size));

	free(expect);
	vsvm_unmap_region(&m);
	vsvm_unmap_region(&warm);
	vsvm_ctx_fini(&c);
}

/*
 * GPU jobs read, write and update VRAM pages in place: nothing migrates
 * and no CPU fault happens until the CPU looks.
 */
static void test_gpu_access_vram(int fd)
{
	const size_t size = SZ_2M + 16 * SZ_4K;
	uint64_t d0[VSVM_STAT_COUNT], d1[VSVM_STAT_COUNT];
	const uint32_t word = 0x5a5aa5a5;
	uint8_t *expect;
	struct vsvm_region m;
	struct vsvm_ctx c;
	uint64_t *w;

	vsvm_ctx_init(&c, fd);
	vsvm_map_anon(&m, size, SZ_2M);
	vsvm_fill_pattern(m.ptr, size, 3);
	expect = malloc(size);
	igt_assert(expect);
	vsvm_fill_pattern(expect, size, 3);

	igt_assert_eq_u64(prefetch(&c, m.ptr, size, DRM_VSVM_REGION_VRAM),
			  NPAGES(size));
	stats_dev(fd, d0);

	vsvm_ctx_assert_crc(&c, m.ptr, size, vsvm_crc32(0, expect, size), "read");

	/* A fill across the 2 MiB boundary. */
	vsvm_ctx_fill(&c, m.ptr + SZ_2M - SZ_64K - 12, SZ_64K + 4 * SZ_4K,
		      word);
	for (size_t i = 0; i < (SZ_64K + 4 * SZ_4K) / 4; i++)
		memcpy(expect + SZ_2M - SZ_64K - 12 + 4 * i, &word, 4);

	/* Single writes and atomics on several pages. */
	for (int i = 0; i < 8; i++) {
		size_t off = i * 67 * SZ_4K % size & ~7ul;

		vsvm_emit_write64(c.cb, addr(m.ptr + off),
				  0x1122334455667700ull + i);
		w = (uint64_t *)(expect + off);
		*w = 0x1122334455667700ull + i;
	}
	for (int i = 0; i < 8; i++) {
		size_t off = (i * 131 * SZ_4K + 8 * i) % size & ~7ul;

		vsvm_emit_atomic(c.cb, true, DRM_VSVM_ATOMIC_ADD,
				 addr(m.ptr + off), 1000 + i, 0, 0);
		w = (uint64_t *)(expect + off);
		*w += 1000 + i;
	}
	igt_assert_eq(vsvm_ctx_run(&c), 1);

	vsvm_ctx_assert_crc(&c, m.ptr, size, vsvm_crc32(0, expect, size),
			    "after GPU writes");
	stats_dev(fd, d1);
	assert_residency(&c, m.ptr, size, DRM_VSVM_RESIDENCY_VRAM);
	igt_assert_eq_u64(DELTA(d0, d1, CPU_FAULTS), 0);
	igt_assert_eq_u64(DELTA(d0, d1, BYTES_TO_SYSTEM), 0);
	igt_assert_eq_u64(DELTA(d0, d1, BYTES_TO_VRAM), 0);

	/* The CPU sees every GPU write. */
	for (size_t off = 0; off < size; off += 8)
		igt_assert_f(!memcmp(m.ptr + off, expect + off, 8),
			     "CPU read at offset %zu: %#" PRIx64 ", expected %#"
			     PRIx64 "\n", off, *(uint64_t *)(m.ptr + off),
			     *(uint64_t *)(expect + off));
	assert_residency(&c, m.ptr, size, DRM_VSVM_RESIDENCY_SYSTEM);
	free(expect);
	vsvm_unmap_region(&m);
	vsvm_ctx_fini(&c);
}

/*
 * Many threads read the same VRAM pages at once, each in its own order:
 * every thread reads the right data and none hangs.
 */
static void test_migrate_fault(int fd)
{
	const size_t size = SZ_1M;
	const int nthreads = 8, rounds = 10;
	uint64_t d0[VSVM_STAT_COUNT], d1[VSVM_STAT_COUNT];
	struct vsvm_region m;
	struct vsvm_ctx c;
	uint64_t *expect;

	vsvm_ctx_init(&c, fd);
	vsvm_map_anon(&m, size, SZ_64K);
	vsvm_fill_pattern(m.ptr, size, 4);
	expect = malloc(size);
	igt_assert(expect);
	vsvm_fill_pattern(expect, size, 4);
	stats_dev(fd, d0);

	igt_set_timeout(120, "CPU faults on VRAM pages");
	for (int round = 0; round < rounds; round++) {
		igt_assert_eq_u64(prefetch(&c, m.ptr, size,
					   DRM_VSVM_REGION_VRAM),
				  NPAGES(size));
		assert_residency(&c, m.ptr, size, DRM_VSVM_RESIDENCY_VRAM);
		igt_debug("round %d\n", round);
		vsvm_parallel_read(m.ptr, expect, size, nthreads, round);
		assert_residency(&c, m.ptr, size, DRM_VSVM_RESIDENCY_SYSTEM);
	}
	igt_reset_timeout();
	stats_dev(fd, d1);
	igt_info("%d rounds: %" PRIu64 " CPU faults\n", rounds,
		 DELTA(d0, d1, CPU_FAULTS));
	/* At least one fault per round (the allocations move as a whole). */
	igt_assert_lte_u64(rounds, DELTA(d0, d1, CPU_FAULTS));
	igt_assert_eq_u64(DELTA(d0, d1, BYTES_TO_SYSTEM), rounds * size);
	vsvm_check_pattern(m.ptr, size, 4, "after the rounds");
	free(expect);
	vsvm_unmap_region(&m);
	vsvm_ctx_fini(&c);
}

/*
 * Memory in VRAM goes away: every VRAM page comes back to the allocator,
 * whether the memory is unmapped in pieces or its process exits.
 */
static void test_migrate_release(int fd)
{
	const size_t size = 4 * SZ_2M;
	uint64_t base;
	struct vsvm_region m;
	struct vsvm_ctx c;

	vsvm_ctx_init(&c, fd);
	base = vsvm_vram_pages_settle(fd);

	vsvm_map_anon(&m, size, SZ_2M);
	vsvm_fill_pattern(m.ptr, size, 5);
	igt_assert_eq_u64(prefetch(&c, m.ptr, size, DRM_VSVM_REGION_VRAM),
			  NPAGES(size));
	igt_assert_eq_u64(vsvm_device_stat(fd, VSVM_STAT_VRAM_PAGES),
			  base + NPAGES(size));

	/* One 2 MiB block in the middle. */
	igt_assert_eq(munmap(m.ptr + SZ_2M, SZ_2M), 0);
	wait_vram_pages(fd, base + NPAGES(size - SZ_2M),
			"after unmapping 2 MiB");
	assert_residency(&c, m.ptr, SZ_2M, DRM_VSVM_RESIDENCY_VRAM);
	assert_residency(&c, m.ptr + SZ_2M, SZ_2M, DRM_VSVM_RESIDENCY_NONE);
	assert_residency(&c, m.ptr + 2 * SZ_2M, 2 * SZ_2M,
			 DRM_VSVM_RESIDENCY_VRAM);
	/* The rest, with one 4 KiB page of it faulted back first. */
	__vsvm_check_pattern(m.ptr + 3 * SZ_2M + SZ_64K, 8, 5,
			     (3 * SZ_2M + SZ_64K) / 8, "one word");
	vsvm_unmap_region(&m);
	wait_vram_pages(fd, base, "after munmap");

	/* A process exits with memory in VRAM. */
	igt_fork(child, 2) {
		int cfd = drm_open_vsvm_render();
		struct vsvm_ctx cc;
		struct vsvm_region cm;

		vsvm_ctx_init(&cc, cfd);
		vsvm_map_anon(&cm, size, SZ_2M);
		vsvm_fill_pattern(cm.ptr, size, 6 + child);
		igt_assert_eq_u64(prefetch(&cc, cm.ptr, size,
					   DRM_VSVM_REGION_VRAM),
				  NPAGES(size));
		/* No munmap, no VM destroy, no close. */
	}
	igt_waitchildren();
	wait_vram_pages(fd, base, "after the children exited");
	vsvm_ctx_fini(&c);
}

/*
 * The pages belong to the process, not to the VM that moved them: they
 * stay in VRAM when that VM and its file are gone, another VM sees them
 * there, and the CPU gets them back intact.
 */
static void test_migrate_vm_destroy(int fd)
{
	const size_t size = SZ_2M + SZ_64K;
	uint64_t base;
	struct vsvm_region m;
	struct vsvm_ctx c, other;

	base = vsvm_vram_pages_settle(fd);
	vsvm_ctx_init(&other, drm_open_vsvm_render());
	vsvm_map_anon(&m, size, SZ_2M);
	vsvm_fill_pattern(m.ptr, size, 7);
	igt_assert_eq_u64(prefetch(&other, m.ptr, size, DRM_VSVM_REGION_VRAM),
			  NPAGES(size));
	vsvm_ctx_fini(&other);
	close(other.fd);

	vsvm_ctx_init(&c, fd);
	assert_residency(&c, m.ptr, size, DRM_VSVM_RESIDENCY_VRAM);
	igt_assert_eq_u64(vsvm_device_stat(fd, VSVM_STAT_VRAM_PAGES),
			  base + NPAGES(size));
	vsvm_ctx_assert_crc(&c, m.ptr, size, vsvm_pattern_crc(size, 7, 0),
			    "through another VM");
	vsvm_check_pattern(m.ptr, size, 7, "after the VM was destroyed");
	assert_residency(&c, m.ptr, size, DRM_VSVM_RESIDENCY_SYSTEM);
	wait_vram_pages(fd, base, "after the CPU faulted everything back");
	vsvm_unmap_region(&m);
	vsvm_ctx_fini(&c);
}

/* Memory that never moves to VRAM. */

/*
 * @p holds @size bytes of data, every page present (the CPU touched them):
 * prefetch to VRAM moves nothing, the pages stay in system memory, and the
 * GPU still reads and writes them.
 */
static void check_never_migrated(struct vsvm_ctx *c, uint8_t *p, size_t size)
{
	uint64_t v0[VSVM_STAT_COUNT], v1[VSVM_STAT_COUNT];
	const uint32_t word = 0xc0ffee11;
	uint64_t base;
	uint32_t crc;

	vsvm_touch_read(p, size);
	crc = vsvm_crc32(0, p, size);
	assert_residency(c, p, size, DRM_VSVM_RESIDENCY_SYSTEM);
	base = vsvm_vram_pages_settle(c->fd);

	stats_vm(c, v0);
	igt_assert_eq_u64(prefetch(c, p, size, DRM_VSVM_REGION_VRAM), 0);
	stats_vm(c, v1);
	igt_assert_eq_u64(DELTA(v0, v1, BYTES_TO_VRAM), 0);
	igt_assert_eq_u64(vsvm_device_stat(c->fd, VSVM_STAT_VRAM_PAGES),
			  base);
	assert_residency(c, p, size, DRM_VSVM_RESIDENCY_SYSTEM);

	/* Still mirrored in place. */
	vsvm_ctx_assert_crc(c, p, size, crc, "not migrated");
	vsvm_ctx_fill(c, p + size / 4, size / 4, word);
	vsvm_check_words(p + size / 4, size / 4, word, "GPU fill");
	vsvm_ctx_assert_crc(c, p, size, vsvm_crc32(0, p, size), "after the fill");

	igt_assert_eq_u64(prefetch(c, p, size, DRM_VSVM_REGION_VRAM), 0);
	igt_assert_eq_u64(prefetch(c, p, size, DRM_VSVM_REGION_SYSTEM), 0);
	assert_residency(c, p, size, DRM_VSVM_RESIDENCY_SYSTEM);
	igt_assert_eq_u64(vsvm_device_stat(c->fd, VSVM_STAT_VRAM_PAGES),
			  base);
}

enum mem_kind {
	MEM_FILE_PRIVATE,
	MEM_FILE_SHARED,
	MEM_ANON_SHARED,
	MEM_MEMFD,
	MEM_MEMFD_PRIVATE,
	MEM_HUGETLB,
	MEM_DAX,
	MEM_KINDS,
};

static const char * const mem_names[MEM_KINDS] = {
	[MEM_FILE_PRIVATE] = "file-private",
	[MEM_FILE_SHARED] = "file-shared",
	[MEM_ANON_SHARED] = "anon-shared",
	[MEM_MEMFD] = "memfd",
	[MEM_MEMFD_PRIVATE] = "memfd-private",
	[MEM_HUGETLB] = "hugetlb",
	[MEM_DAX] = "dax",
};

static void test_never_migrated(int fd, enum mem_kind kind)
{
	const size_t size = 2 * SZ_2M;
	const int rw = PROT_READ | PROT_WRITE;
	const char *dax = getenv("VSVM_DAX_DIR");
	struct vsvm_region m;
	struct vsvm_ctx c;
	int ffd = -1;

	switch (kind) {
	case MEM_FILE_PRIVATE:
		ffd = vsvm_create_file(vsvm_file_dir(), size, 10);
		vsvm_map_region(&m, size, SZ_2M, rw, MAP_PRIVATE, ffd, 0);
		/* Half of the pages become private (anonymous) copies. */
		vsvm_touch_read(m.ptr, size);
		vsvm_fill_pattern(m.ptr, size / 2, 11);
		break;
	case MEM_FILE_SHARED:
		ffd = vsvm_create_file(vsvm_file_dir(), size, 12);
		vsvm_map_region(&m, size, SZ_2M, rw, MAP_SHARED, ffd, 0);
		break;
	case MEM_ANON_SHARED:
		vsvm_map_region(&m, size, SZ_2M, rw, MAP_SHARED | MAP_ANONYMOUS,
				-1, 0);
		vsvm_fill_pattern(m.ptr, size, 13);
		break;
	case MEM_MEMFD:
	case MEM_MEMFD_PRIVATE:
		ffd = memfd_create("vsvm-vram", 0);
		igt_assert_fd(ffd);
		igt_assert_eq(ftruncate(ffd, size), 0);
		vsvm_map_region(&m, size, SZ_2M, rw,
				kind == MEM_MEMFD ? MAP_SHARED : MAP_PRIVATE,
				ffd, 0);
		vsvm_fill_pattern(m.ptr, size, 14);
		break;
	case MEM_HUGETLB:
		igt_require_f(__vsvm_map_region(&m, size, SZ_2M, rw,
						MAP_PRIVATE | MAP_ANONYMOUS |
						MAP_HUGETLB, -1, 0) !=
			      MAP_FAILED,
			      "no 2 MiB hugetlb pages (%s): set vm.nr_hugepages\n",
			      strerror(errno));
		vsvm_fill_pattern(m.ptr, size, 15);
		break;
	case MEM_DAX:
		igt_require_f(dax, "VSVM_DAX_DIR is not set\n");
		ffd = vsvm_create_file(dax, size, 16);
		igt_assert_eq(fsync(ffd), 0);
		igt_require_f(__vsvm_map_region(&m, size, SZ_2M, rw,
						MAP_SHARED_VALIDATE | MAP_SYNC,
						ffd, 0) != MAP_FAILED,
			      "%s is not DAX (MAP_SYNC: %s)\n", dax,
			      strerror(errno));
		break;
	default:
		igt_assert(0);
	}

	vsvm_ctx_init(&c, fd);
	check_never_migrated(&c, m.ptr, size);
	vsvm_unmap_region(&m);
	if (ffd >= 0)
		close(ffd);
	vsvm_ctx_fini(&c);
}

/*
 * One prefetch over a range mixing kinds of memory and a hole: only the
 * private anonymous parts move, the rest is where it was (kfdtest's
 * PrefaultPartialRange).
 */
static void test_partial(int fd)
{
	/* Parts of the range, in order. */
	enum { ANON1, FILE, HOLE, SHARED, ANON2, NPARTS };
	static const size_t len[NPARTS] = {
		[ANON1] = SZ_1M + 3 * SZ_4K,
		[FILE] = SZ_64K * 5,
		[HOLE] = SZ_64K + SZ_4K,
		[SHARED] = SZ_64K,
		[ANON2] = SZ_1M + SZ_64K,
	};
	uint8_t *part[NPARTS];
	size_t total = 0;
	struct vsvm_region r;
	struct vsvm_ctx c;
	uint32_t crc[NPARTS];
	int ffd;

	for (int i = 0; i < NPARTS; i++)
		total += len[i];
	vsvm_ctx_init(&c, fd);
	vsvm_map_region(&r, total, SZ_2M, PROT_NONE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ffd = vsvm_create_file(vsvm_file_dir(), len[FILE], 20);
	part[0] = r.ptr;
	for (int i = 1; i < NPARTS; i++)
		part[i] = part[i - 1] + len[i - 1];

	igt_assert(mmap(part[ANON1], len[ANON1], PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
		   part[ANON1]);
	igt_assert(mmap(part[FILE], len[FILE], PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_FIXED, ffd, 0) == part[FILE]);
	igt_assert_eq(munmap(part[HOLE], len[HOLE]), 0);
	igt_assert(mmap(part[SHARED], len[SHARED], PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
		   part[SHARED]);
	igt_assert(mmap(part[ANON2], len[ANON2], PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
		   part[ANON2]);

	for (int i = 0; i < NPARTS; i++) {
		if (i == HOLE)
			continue;
		if (i != FILE)
			vsvm_fill_pattern(part[i], len[i], 21 + i);
		vsvm_touch_read(part[i], len[i]);
		crc[i] = vsvm_crc32(0, part[i], len[i]);
	}

	igt_assert_eq_u64(prefetch(&c, r.ptr, total, DRM_VSVM_REGION_VRAM),
			  NPAGES(len[ANON1] + len[ANON2]));
	assert_residency(&c, part[ANON1], len[ANON1], DRM_VSVM_RESIDENCY_VRAM);
	assert_residency(&c, part[FILE], len[FILE], DRM_VSVM_RESIDENCY_SYSTEM);
	assert_residency(&c, part[HOLE], len[HOLE], DRM_VSVM_RESIDENCY_NONE);
	assert_residency(&c, part[SHARED], len[SHARED],
			 DRM_VSVM_RESIDENCY_SYSTEM);
	assert_residency(&c, part[ANON2], len[ANON2], DRM_VSVM_RESIDENCY_VRAM);

	for (int i = 0; i < NPARTS; i++)
		if (i != HOLE)
			vsvm_ctx_assert_crc(&c, part[i], len[i], crc[i], "part");

	/* A range that is all hole moves nothing and is no error. */
	igt_assert_eq_u64(prefetch(&c, part[HOLE], len[HOLE],
				   DRM_VSVM_REGION_VRAM), 0);
	/* Back again: only what is in VRAM moves. */
	igt_assert_eq_u64(prefetch(&c, r.ptr, total, DRM_VSVM_REGION_SYSTEM),
			  NPAGES(len[ANON1] + len[ANON2]));
	for (int i = 0; i < NPARTS; i++) {
		if (i == HOLE)
			continue;
		assert_residency(&c, part[i], len[i],
				 DRM_VSVM_RESIDENCY_SYSTEM);
		igt_assert_eq_u32(vsvm_crc32(0, part[i], len[i]), crc[i]);
	}
	vsvm_check_pattern(part[ANON1], len[ANON1], 21 + ANON1, "first anon part");
	vsvm_check_pattern(part[ANON2], len[ANON2], 21 + ANON2, "last anon part");

	close(ffd);
	munmap(r.base, r.len);
	vsvm_ctx_fini(&c);
}

/*
 * Read-only private anonymous memory moves to VRAM too (kfdtest's
 * ReadOnlyRange): the GPU reads it there, GPU writes still fail with
 * EACCES, and the CPU reads it back.
 */
static void test_read_only(int fd)
{
	const size_t size = SZ_2M;
	struct drm_vsvm_vm_error err;
	struct vsvm_region m;
	struct vsvm_ctx c;
	uint32_t crc;

	vsvm_ctx_init(&c, fd);
	vsvm_map_anon(&m, size, SZ_2M);
	vsvm_fill_pattern(m.ptr, size, 30);
	crc = vsvm_pattern_crc(size, 30, 0);
	igt_assert_eq(mprotect(m.ptr, size, PROT_READ), 0);

	igt_assert_eq_u64(prefetch(&c, m.ptr, size, DRM_VSVM_REGION_VRAM),
			  NPAGES(size));
	assert_residency(&c, m.ptr, size, DRM_VSVM_RESIDENCY_VRAM);
	vsvm_ctx_assert_crc(&c, m.ptr, size, crc, "read-only in VRAM");

	vsvm_emit_write32(c.cb, addr(m.ptr + 5 * SZ_4K + 8), 1);
	igt_assert_eq(vsvm_ctx_run(&c), -EACCES);
	vsvm_vm_error(fd, c.vm, &err);
	igt_assert_eq(err.error, -EACCES);
	igt_assert_eq_u64(err.address, addr(m.ptr + 5 * SZ_4K + 8));
	igt_assert_eq_u32(err.access, DRM_VSVM_ACCESS_WRITE);
	assert_residency(&c, m.ptr, size, DRM_VSVM_RESIDENCY_VRAM);

	/* Writable again: a GPU write works and lands where the CPU sees. */
	igt_assert_eq(mprotect(m.ptr, size, PROT_READ | PROT_WRITE), 0);
	vsvm_emit_write32(c.cb, addr(m.ptr + 5 * SZ_4K + 8), 0xabcdef01);
	igt_assert_eq(vsvm_ctx_run(&c), 1);
	igt_assert_eq_u32(*(uint32_t *)(m.ptr + 5 * SZ_4K + 8), 0xabcdef01);
	*(uint32_t *)(m.ptr + 5 * SZ_4K + 8) =
		(uint32_t)vsvm_pattern_word(30, (5 * SZ_4K + 8) / 8);
	vsvm_check_pattern(m.ptr, size, 30, "after read-only VRAM");
	vsvm_unmap_region(&m);
	vsvm_ctx_fini(&c);
}

/* Memory attributes. */

static void assert_attr(struct vsvm_ctx *c, uint32_t attr, const void *p,
			uint64_t value, const void *start, const void *end)
{
	uint64_t s, e, v;

	v = vsvm_attr_query(c->fd, c->vm, attr, addr(p), &s, &e);
	igt_assert_f(v == value && (!start || s == addr(start)) &&
		     (!end || e == addr(end)),
		     "attribute %u at %p: %#" PRIx64 " over [%#" PRIx64 ", %#"
		     PRIx64 "), expected %#" PRIx64 " over [%p, %p)\n",
		     attr, p, v, s, e, value, start, end);
}

static const uint64_t granularities[] = { SZ_4K, SZ_64K, SZ_2M };

/*
 * MADVISE GRANULARITY, then prefetch (kfdtest's MigrateGranularity): the
 * attribute reads back over exactly its range, and every page moves, in
 * blocks of the granularity, data intact.
 */
static void test_granularity(int fd, uint64_t g)
{
	const size_t size = 2 * SZ_2M + 2 * SZ_64K;
	uint64_t base;
	struct vsvm_region m;
	struct vsvm_ctx c;

	vsvm_ctx_init(&c, fd);
	vsvm_map_anon(&m, size + 2 * SZ_2M, SZ_2M);
	vsvm_fill_pattern(m.ptr, size + 2 * SZ_2M, 40);
	base = vsvm_vram_pages_settle(fd);

	/* The range is [m.ptr + 2M, m.ptr + 2M + size). */
	vsvm_madvise(fd, c.vm, addr(m.ptr + SZ_2M), size,
		     DRM_VSVM_ATTR_GRANULARITY, g);
	assert_attr(&c, DRM_VSVM_ATTR_GRANULARITY, m.ptr + SZ_2M, g,
		    m.ptr + SZ_2M, m.ptr + SZ_2M + size);
	assert_attr(&c, DRM_VSVM_ATTR_GRANULARITY, m.ptr + SZ_2M + size / 2,
		    g, m.ptr + SZ_2M, m.ptr + SZ_2M + size);
	assert_attr(&c, DRM_VSVM_ATTR_GRANULARITY,
		    m.ptr + SZ_2M + size - 1, g, m.ptr + SZ_2M,
		    m.ptr + SZ_2M + size);
	/* Around it: unset, up to its edges. */
	assert_attr(&c, DRM_VSVM_ATTR_GRANULARITY, m.ptr + SZ_2M - 1, 0,
		    NULL, m.ptr + SZ_2M);
	assert_attr(&c, DRM_VSVM_ATTR_GRANULARITY, m.ptr + SZ_2M + size, 0,
		    m.ptr + SZ_2M + size, NULL);
	/* The other attribute is untouched. */
	assert_attr(&c, DRM_VSVM_ATTR_PREFERRED_LOC, m.ptr + SZ_2M, 0, NULL,
		    NULL);

	igt_assert_eq_u64(prefetch(&c, m.ptr, size + 2 * SZ_2M,
				   DRM_VSVM_REGION_VRAM),
			  NPAGES(size + 2 * SZ_2M));
	assert_residency(&c, m.ptr, size + 2 * SZ_2M,
			 DRM_VSVM_RESIDENCY_VRAM);
	igt_assert_eq_u64(vsvm_device_stat(fd, VSVM_STAT_VRAM_PAGES),
			  base + NPAGES(size + 2 * SZ_2M));
	vsvm_ctx_assert_crc(&c, m.ptr, size + 2 * SZ_2M,
			    vsvm_pattern_crc(size + 2 * SZ_2M, 40, 0), "in VRAM");
	vsvm_check_pattern(m.ptr, size + 2 * SZ_2M, 40, "after prefetch");
	assert_residency(&c, m.ptr, size + 2 * SZ_2M,
			 DRM_VSVM_RESIDENCY_SYSTEM);

	/* Back to the default. */
	vsvm_madvise(fd, c.vm, addr(m.ptr + SZ_2M), size,
		     DRM_VSVM_ATTR_GRANULARITY, 0);
	assert_attr(&c, DRM_VSVM_ATTR_GRANULARITY, m.ptr + SZ_2M, 0, NULL,
		    NULL);
	vsvm_unmap_region(&m);
	wait_vram_pages(fd, base, "after munmap");
	vsvm_ctx_fini(&c);
}

/*
 * PREFERRED_LOC VRAM with a granularity: a GPU access to one word of a 2
 * MiB range migrates the chunk of the granularity around it, and only
 * that chunk, before the job reads it there.
 */
static void test_preferred_loc_granularity(int fd, uint64_t g)
{
	const size_t size = SZ_2M;
	const size_t off = SZ_1M + SZ_64K + 3 * SZ_4K + 8;
	const size_t chunk = off & ~(g - 1);
	struct vsvm_region m;
	struct vsvm_ctx c;
	uint8_t *res;
	uint32_t v;

	vsvm_ctx_init(&c, fd);
	vsvm_map_anon(&m, size, SZ_2M);
	vsvm_fill_pattern(m.ptr, size, 41);
	vsvm_madvise(fd, c.vm, addr(m.ptr), size, DRM_VSVM_ATTR_GRANULARITY,
		     g);
	vsvm_madvise(fd, c.vm, addr(m.ptr), size, DRM_VSVM_ATTR_PREFERRED_LOC,
		     DRM_VSVM_REGION_VRAM);
	assert_residency(&c, m.ptr, size, DRM_VSVM_RESIDENCY_SYSTEM);

	c.results[1] = 0;
	vsvm_emit_copy(c.cb, addr((void *)&c.results[1]), addr(m.ptr + off),
		       4);
	igt_assert_eq(vsvm_ctx_run(&c), 1);
	v = c.results[1];
	igt_assert_eq_u32(v, (uint32_t)vsvm_pattern_word(41, off / 8));

	res = malloc(NPAGES(size));
	igt_assert(res);
	vsvm_residency(fd, c.vm, addr(m.ptr), NPAGES(size), res);
	for (size_t i = 0; i < NPAGES(size); i++) {
		size_t o = i * SZ_4K;
		uint8_t want = o >= chunk && o < chunk + g ?
			       DRM_VSVM_RESIDENCY_VRAM :
			       DRM_VSVM_RESIDENCY_SYSTEM;

		igt_assert_f(res[i] == want,
			     "granularity %" PRIu64 " KiB, GPU read at offset %#zx: page %zu is in %s, expected %s (%" PRIu64 " pages in VRAM, expected %" PRIu64 ")\n",
			     g >> 10, off, i, vsvm_residency_name(res[i]),
			     vsvm_residency_name(want),
			     count_residency(&c, m.ptr, size,
					     DRM_VSVM_RESIDENCY_VRAM),
			     NPAGES(g));
	}
	free(res);
	vsvm_check_pattern(m.ptr, size, 41, "after fault-driven migration");
	vsvm_unmap_region(&m);
	vsvm_ctx_fini(&c);
}

/*
 * MADVISE PREFERRED_LOC VRAM: GPU faults migrate the memory to VRAM
 * without any prefetch, again after the CPU took it back; SYSTEM and the
 * default leave it where it is.
 */
static void test_preferred_loc(int fd)
{
	const size_t size = 2 * SZ_2M;
	uint64_t v0[VSVM_STAT_COUNT], v1[VSVM_STAT_COUNT];
	const uint32_t word = 0x12345678;
	struct vsvm_region m, sys, def;
	struct vsvm_ctx c;
	uint32_t crc;

	vsvm_ctx_init(&c, fd);
	vsvm_map_anon(&m, size, SZ_2M);
	vsvm_map_anon(&sys, size, SZ_2M);
	vsvm_map_anon(&def, size, SZ_2M);
	vsvm_fill_pattern(m.ptr, size, 50);
	vsvm_fill_pattern(sys.ptr, size, 50);
	vsvm_fill_pattern(def.ptr, size, 50);
	crc = vsvm_pattern_crc(size, 50, 0);

	vsvm_madvise(fd, c.vm, addr(m.ptr), size, DRM_VSVM_ATTR_PREFERRED_LOC,
		     DRM_VSVM_REGION_VRAM);
	vsvm_madvise(fd, c.vm, addr(sys.ptr), size,
		     DRM_VSVM_ATTR_PREFERRED_LOC, DRM_VSVM_REGION_SYSTEM);
	assert_attr(&c, DRM_VSVM_ATTR_PREFERRED_LOC, m.ptr + size - 1,
		    DRM_VSVM_REGION_VRAM, m.ptr, m.ptr + size);
	assert_attr(&c, DRM_VSVM_ATTR_PREFERRED_LOC, sys.ptr,
		    DRM_VSVM_REGION_SYSTEM, sys.ptr, sys.ptr + size);
	assert_attr(&c, DRM_VSVM_ATTR_PREFERRED_LOC, def.ptr, 0, NULL, NULL);

	/* A GPU read migrates the VRAM-preferred memory only. */
	stats_vm(&c, v0);
	vsvm_ctx_assert_crc(&c, m.ptr, size, crc, "preferred VRAM");
	vsvm_ctx_assert_crc(&c, sys.ptr, size, crc, "preferred system");
	vsvm_ctx_assert_crc(&c, def.ptr, size, crc, "no preference");
	stats_vm(&c, v1);
	assert_residency(&c, m.ptr, size, DRM_VSVM_RESIDENCY_VRAM);
	assert_residency(&c, sys.ptr, size, DRM_VSVM_RESIDENCY_SYSTEM);
	assert_residency(&c, def.ptr, size, DRM_VSVM_RESIDENCY_SYSTEM);
	igt_assert_eq_u64(DELTA(v0, v1, BYTES_TO_VRAM), size);

	/* The CPU takes it back; a GPU write brings the first 2 MiB again. */
	vsvm_check_pattern(m.ptr, size, 50, "CPU read");
	assert_residency(&c, m.ptr, size, DRM_VSVM_RESIDENCY_SYSTEM);
	vsvm_ctx_fill(&c, m.ptr + SZ_64K, SZ_1M, word);
	assert_residency(&c, m.ptr, SZ_2M, DRM_VSVM_RESIDENCY_VRAM);
	assert_residency(&c, m.ptr + SZ_2M, SZ_2M, DRM_VSVM_RESIDENCY_SYSTEM);
	vsvm_check_pattern(m.ptr, SZ_64K, 50, "before the fill");
	vsvm_check_words(m.ptr + SZ_64K, SZ_1M, word, "GPU fill of VRAM");
	__vsvm_check_pattern(m.ptr + SZ_64K + SZ_1M, size - SZ_64K - SZ_1M, 50,
			     (SZ_64K + SZ_1M) / 8, "after the fill");

	/* Preference cleared: GPU accesses leave the memory alone. */
	vsvm_madvise(fd, c.vm, addr(m.ptr), size, DRM_VSVM_ATTR_PREFERRED_LOC,
		     0);
	assert_attr(&c, DRM_VSVM_ATTR_PREFERRED_LOC, m.ptr, 0, NULL, NULL);
	vsvm_ctx_fill(&c, m.ptr + SZ_2M, SZ_64K, word);
	vsvm_ctx_assert_crc(&c, m.ptr, size, vsvm_crc32(0, m.ptr, size),
			    "after clearing the preference");
	assert_residency(&c, m.ptr, size, DRM_VSVM_RESIDENCY_SYSTEM);

	vsvm_unmap_region(&m);
	vsvm_unmap_region(&sys);
	vsvm_unmap_region(&def);
	vsvm_ctx_fini(&c);
}

/*
 * Attributes are per address: they survive an mprotect() that splits the
 * VMA, are dropped where memory is unmapped (exactly there, also after
 * several munmap() calls in a row), and a new mapping at the same address
 * starts without them. @gpu: the GPU uses the memory (so the driver
 * already watches that part of the address space); otherwise only MADVISE
 * and ATTR_QUERY ever see it.
 */
static void test_attrs_split(int fd, bool gpu)
{
	const size_t size = 32 * SZ_4K;
	uint8_t *p, *lo, *hi;
	struct vsvm_region r;
	struct vsvm_ctx c;

#define PG(n) (p + (n) * SZ_4K)
	vsvm_ctx_init(&c, fd);
	/*
	 * The memory is placed in a 512 MiB-aligned window of address space
	 * of its own, so that no other memory of the test was ever touched
	 * by the GPU nearby.
	 */
	vsvm_map_region(&r, SZ_512M, SZ_512M, PROT_NONE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	p = mmap(r.ptr + SZ_512M / 2, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	igt_assert(p == r.ptr + SZ_512M / 2);
	vsvm_fill_pattern(p, size, 60);
	lo = PG(4);
	hi = PG(28);

	vsvm_madvise(fd, c.vm, addr(lo), hi - lo, DRM_VSVM_ATTR_PREFERRED_LOC,
		     DRM_VSVM_REGION_VRAM);
	vsvm_madvise(fd, c.vm, addr(lo), hi - lo, DRM_VSVM_ATTR_GRANULARITY,
		     SZ_64K);
	if (gpu)
		vsvm_ctx_assert_crc(&c, p, size, vsvm_pattern_crc(size, 60, 0),
				    "before the split");

	/* Split the VMA in three. */
	igt_assert_eq(mprotect(PG(12), 4 * SZ_4K, PROT_READ), 0);
	for (uint8_t *q = lo; q < hi; q += SZ_4K) {
		assert_attr(&c, DRM_VSVM_ATTR_PREFERRED_LOC, q,
			    DRM_VSVM_REGION_VRAM, lo, hi);
		assert_attr(&c, DRM_VSVM_ATTR_GRANULARITY, q + SZ_4K - 1,
			    SZ_64K, lo, hi);
	}
	assert_attr(&c, DRM_VSVM_ATTR_PREFERRED_LOC, lo - 1, 0, NULL, lo);
	assert_attr(&c, DRM_VSVM_ATTR_GRANULARITY, hi, 0, hi, NULL);
	if (gpu) {
		/* The attribute still works on every side of the split. */
		vsvm_check_pattern(p, size, 60, "before the second GPU read");
		vsvm_ctx_assert_crc(&c, p, size, vsvm_pattern_crc(size, 60, 0),
				    "after the split");
		assert_residency(&c, lo, hi - lo, DRM_VSVM_RESIDENCY_VRAM);
		vsvm_check_pattern(p, size, 60, "after the split");
	}

	/* Unmap a piece of the middle: the attributes go with it. */
	igt_assert_eq(munmap(PG(8), 6 * SZ_4K), 0);
	assert_attr(&c, DRM_VSVM_ATTR_PREFERRED_LOC, PG(8), 0, PG(8), PG(14));
	assert_attr(&c, DRM_VSVM_ATTR_GRANULARITY, PG(14) - 1, 0, PG(8),
		    PG(14));
	assert_attr(&c, DRM_VSVM_ATTR_PREFERRED_LOC, PG(8) - 1,
		    DRM_VSVM_REGION_VRAM, lo, PG(8));
	assert_attr(&c, DRM_VSVM_ATTR_GRANULARITY, PG(14), SZ_64K, PG(14), hi);

	/* A new mapping there starts with none. */
	igt_assert(mmap(PG(8), 6 * SZ_4K, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
		   PG(8));
	assert_attr(&c, DRM_VSVM_ATTR_PREFERRED_LOC, PG(10), 0, PG(8), PG(14));

	/*
	 * Two munmap() calls in a row, with no vsvm call in between: only
	 * the pages unmapped lose their attributes, not those between.
	 */
	igt_assert_eq(munmap(PG(5), SZ_4K), 0);
	igt_assert_eq(munmap(PG(20), SZ_4K), 0);
	assert_attr(&c, DRM_VSVM_ATTR_PREFERRED_LOC, PG(6),
		    DRM_VSVM_REGION_VRAM, PG(6), PG(8));
	assert_attr(&c, DRM_VSVM_ATTR_PREFERRED_LOC, PG(16),
		    DRM_VSVM_REGION_VRAM, PG(14), PG(20));
	assert_attr(&c, DRM_VSVM_ATTR_GRANULARITY, PG(19), SZ_64K, PG(14),
		    PG(20));
	assert_attr(&c, DRM_VSVM_ATTR_PREFERRED_LOC, PG(5), 0, PG(5), PG(6));
	assert_attr(&c, DRM_VSVM_ATTR_GRANULARITY, PG(20), 0, PG(20), PG(21));
	assert_attr(&c, DRM_VSVM_ATTR_PREFERRED_LOC, PG(4),
		    DRM_VSVM_REGION_VRAM, PG(4), PG(5));

	/* All of it. */
	igt_assert_eq(munmap(p, size), 0);
	assert_attr(&c, DRM_VSVM_ATTR_PREFERRED_LOC, lo, 0, NULL, NULL);
	assert_attr(&c, DRM_VSVM_ATTR_GRANULARITY, hi - 1, 0, NULL, NULL);
	munmap(r.base, r.len);
	vsvm_ctx_fini(&c);
#undef PG
}

/*
 * MADVISE GPU_ACCESS READ, here on memory in VRAM: GPU reads work where the
 * pages are, GPU writes and atomics fail with EACCES and change nothing,
 * the CPU still writes; clearing the attribute gives the GPU write access
 * back.
 */
static void test_gpu_access_read(int fd)
{
	const size_t size = SZ_2M;
	const size_t off = 3 * SZ_64K + 2 * SZ_4K + 16;
	struct drm_vsvm_vm_error err;
	struct vsvm_region m;
	struct vsvm_ctx c;

	vsvm_ctx_init(&c, fd);
	vsvm_map_anon(&m, size, SZ_2M);
	vsvm_fill_pattern(m.ptr, size, 90);
	igt_assert_eq_u64(prefetch(&c, m.ptr, size, DRM_VSVM_REGION_VRAM),
			  NPAGES(size));
	vsvm_madvise(fd, c.vm, addr(m.ptr), size, DRM_VSVM_ATTR_GPU_ACCESS,
		     DRM_VSVM_GPU_ACCESS_READ);
	assert_attr(&c, DRM_VSVM_ATTR_GPU_ACCESS, m.ptr + off,
		    DRM_VSVM_GPU_ACCESS_READ, m.ptr, m.ptr + size);

	vsvm_ctx_assert_crc(&c, m.ptr, size, vsvm_pattern_crc(size, 90, 0),
			    "GPU read-only");
	vsvm_emit_write32(c.cb, addr(m.ptr + off), 1);
	igt_assert_eq(vsvm_ctx_run(&c), -EACCES);
	vsvm_vm_error(fd, c.vm, &err);
	igt_assert_eq_u64(err.address, addr(m.ptr + off));
	igt_assert_eq_u32(err.access, DRM_VSVM_ACCESS_WRITE);
	vsvm_emit_atomic(c.cb, true, DRM_VSVM_ATOMIC_ADD, addr(m.ptr + off),
			 1, 0, 0);
	igt_assert_eq(vsvm_ctx_run(&c), -EACCES);
	vsvm_vm_error(fd, c.vm, &err);
	igt_assert_eq_u64(err.address, addr(m.ptr + off));
	igt_assert_eq_u32(err.access, DRM_VSVM_ACCESS_ATOMIC);
	assert_residency(&c, m.ptr, size, DRM_VSVM_RESIDENCY_VRAM);
	vsvm_check_pattern(m.ptr, size, 90, "after refused GPU writes");

	/* The CPU may write; the GPU reads what it wrote. */
	*(uint64_t *)(m.ptr + off) = 0x1234;
	vsvm_emit_copy(c.cb, addr((void *)&c.results[2]), addr(m.ptr + off),
		       8);
	igt_assert_eq(vsvm_ctx_run(&c), 1);
	igt_assert_eq_u64(*(volatile uint64_t *)&c.results[2], 0x1234);

	vsvm_madvise(fd, c.vm, addr(m.ptr), size, DRM_VSVM_ATTR_GPU_ACCESS, 0);
	vsvm_emit_write64(c.cb, addr(m.ptr + off), 0x5678);
	igt_assert_eq(vsvm_ctx_run(&c), 1);
	igt_assert_eq_u64(*(uint64_t *)(m.ptr + off), 0x5678);
	vsvm_unmap_region(&m);
	vsvm_ctx_fini(&c);
}

/*
 * MADVISE ATOMIC VRAM: the first GPU atomic on a page in system memory
 * migrates its chunk to VRAM and runs there; reads and plain writes do
 * not migrate, and under the SYSTEM policy atomics run in place.
 */
static void test_atomic_vram(int fd)
{
	const size_t size = 2 * SZ_2M;
	const size_t off = SZ_64K + 8;
	uint64_t v0[VSVM_STAT_COUNT], v1[VSVM_STAT_COUNT];
	struct vsvm_region m;
	struct vsvm_ctx c;
	uint64_t *w;

	vsvm_ctx_init(&c, fd);
	vsvm_map_anon(&m, size, SZ_2M);
	vsvm_fill_pattern(m.ptr, size, 91);
	vsvm_madvise(fd, c.vm, addr(m.ptr), SZ_2M, DRM_VSVM_ATTR_ATOMIC,
		     DRM_VSVM_ATOMIC_VRAM);
	vsvm_madvise(fd, c.vm, addr(m.ptr + SZ_2M), SZ_2M,
		     DRM_VSVM_ATTR_ATOMIC, DRM_VSVM_ATOMIC_SYSTEM);
	assert_attr(&c, DRM_VSVM_ATTR_ATOMIC, m.ptr, DRM_VSVM_ATOMIC_VRAM,
		    m.ptr, m.ptr + SZ_2M);
	assert_attr(&c, DRM_VSVM_ATTR_ATOMIC, m.ptr + SZ_2M,
		    DRM_VSVM_ATOMIC_SYSTEM, m.ptr + SZ_2M, m.ptr + size);

	/* Reads and plain writes: nothing moves. */
	vsvm_ctx_assert_crc(&c, m.ptr, size, vsvm_pattern_crc(size, 91, 0), "read");
	vsvm_emit_write64(c.cb, addr(m.ptr + off + 8),
			  vsvm_pattern_word(91, (off + 8) / 8));
	vsvm_emit_write64(c.cb, addr(m.ptr + SZ_2M + off + 8),
			  vsvm_pattern_word(91, (SZ_2M + off + 8) / 8));
	igt_assert_eq(vsvm_ctx_run(&c), 1);
	assert_residency(&c, m.ptr, size, DRM_VSVM_RESIDENCY_SYSTEM);

	/* Atomics: the VRAM policy migrates, the SYSTEM one does not. */
	stats_vm(&c, v0);
	vsvm_emit_atomic(c.cb, true, DRM_VSVM_ATOMIC_ADD, addr(m.ptr + off),
			 5, 0, 0);
	vsvm_emit_atomic(c.cb, true, DRM_VSVM_ATOMIC_ADD,
			 addr(m.ptr + SZ_2M + off), 7, 0, 0);
	igt_assert_eq(vsvm_ctx_run(&c), 1);
	stats_vm(&c, v1);
	assert_residency(&c, m.ptr, SZ_2M, DRM_VSVM_RESIDENCY_VRAM);
	assert_residency(&c, m.ptr + SZ_2M, SZ_2M, DRM_VSVM_RESIDENCY_SYSTEM);
	igt_assert_eq_u64(DELTA(v0, v1, BYTES_TO_VRAM), SZ_2M);

	w = (uint64_t *)(m.ptr + off);
	igt_assert_eq_u64(*w, vsvm_pattern_word(91, off / 8) + 5);
	*w -= 5;
	w = (uint64_t *)(m.ptr + SZ_2M + off);
	igt_assert_eq_u64(*w, vsvm_pattern_word(91, (SZ_2M + off) / 8) + 7);
	*w -= 7;
	vsvm_check_pattern(m.ptr, size, 91, "after the atomics");
	vsvm_unmap_region(&m);
	vsvm_ctx_fini(&c);
}

/*
 * VRAM overcommitted four times by processes at once (kfdtest's
 * VramOvercommit, xe_exec_system_allocator's evict): each process moves
 * as much memory as VRAM holds; while the others evict it, its GPU reads
 * and writes parts of it, and its CPU then checks every byte. Nothing is
 * lost, BYTES_TO_VRAM counts exactly what the prefetches moved, and every
 * page of VRAM comes back at the end.
 */
static void test_overcommit(int fd)
{
	const int nproc = 4;
	const size_t size = vram_size;
	uint64_t d0[VSVM_STAT_COUNT], d1[VSVM_STAT_COUNT];
	uint64_t base, avail, total = 0;
	uint64_t *moved;

	avail = (uint64_t)sysconf(_SC_AVPHYS_PAGES) * page_size;
	igt_require_f(avail > nproc * size + size / 2,
		      "%" PRIu64 " MiB of free memory, %zu MiB needed\n",
		      avail >> 20, (nproc * size + size / 2) >> 20);
	moved = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	igt_assert(moved != MAP_FAILED);
	base = vsvm_vram_pages_settle(fd);
	stats_dev(fd, d0);

	igt_fork(child, nproc) {
		const uint32_t word = 0x0f1e2d00 + child;
		const uint64_t seed = 70 + child;
		uint64_t t = vsvm_gettime_ns();
		struct vsvm_region m;
		struct vsvm_ctx c;

#define PHASE(name) do { \
	igt_debug("process %d: %s took %.1f s\n", child, name, \
		  (vsvm_gettime_ns() - t) / 1e9); \
	t = vsvm_gettime_ns(); \
} while (0)
		vsvm_ctx_init(&c, drm_open_vsvm_render());
		vsvm_map_anon(&m, size, SZ_2M);
		vsvm_fill_pattern(m.ptr, size, seed);
		PHASE("fill");

		moved[child] = prefetch(&c, m.ptr, size, DRM_VSVM_REGION_VRAM);
		igt_info("process %d: %" PRIu64 " of %" PRIu64
			 " pages moved to VRAM\n", child, moved[child],
			 NPAGES(size));
		igt_assert_lt_u64(0, moved[child]);
		PHASE("prefetch");

		/* The GPU reads slices, wherever they are now... */
		for (size_t off = 0; off < size; off += size / 8)
			vsvm_ctx_assert_crc(&c, m.ptr + off, SZ_2M,
					    vsvm_pattern_crc(SZ_2M, seed,
							     off / 8),
					    "overcommitted");
		/* ... and writes 64 KiB of every 2 MiB, in one job. */
		for (size_t off = 0; off < size; off += SZ_2M)
			vsvm_emit_fill(c.cb, addr(m.ptr + off +
						  (off / SZ_2M % 32) * SZ_64K),
				       SZ_64K, word);
		igt_assert_eq(vsvm_ctx_run(&c), 1);
		PHASE("GPU reads and writes");

		for (size_t off = 0; off < size; off += SZ_2M) {
			size_t hole = (off / SZ_2M % 32) * SZ_64K;

			__vsvm_check_pattern(m.ptr + off, hole, seed, off / 8,
					     "overcommitted, CPU read");
			vsvm_check_words(m.ptr + off + hole, SZ_64K, word,
					 "overcommitted, GPU writes");
			__vsvm_check_pattern(m.ptr + off + hole + SZ_64K,
					     SZ_2M - hole - SZ_64K, seed,
					     (off + hole + SZ_64K) / 8,
					     "overcommitted, CPU read");
		}
		PHASE("CPU check");
#undef PHASE

		vsvm_unmap_region(&m);
		vsvm_ctx_fini(&c);
		close(c.fd);
	}
	igt_waitchildren();

	stats_dev(fd, d1);
	for (int i = 0; i < nproc; i++)
		total += moved[i];
	munmap(moved, page_size);
	igt_info("%" PRIu64 " evictions, %" PRIu64 " MiB to VRAM, %" PRIu64
		 " MiB back\n", DELTA(d0, d1, EVICTIONS),
		 DELTA(d0, d1, BYTES_TO_VRAM) >> 20,
		 DELTA(d0, d1, BYTES_TO_SYSTEM) >> 20);
	igt_assert_lt_u64(0, DELTA(d0, d1, EVICTIONS));
	igt_assert_eq_u64(DELTA(d0, d1, BYTES_TO_VRAM), total * SZ_4K);
	__wait_vram_pages(fd, base, false, "after the processes exited");
}

/*
 * Eviction takes the least recently used memory, not the least recently
 * migrated: A and B, a quarter of VRAM each, move to VRAM in that order,
 * then the GPU reads A. Moving C (three quarters) must evict B, which the
 * GPU has not used since it arrived, and keep all of A, which came first.
 * Every byte survives.
 */
static void test_evict_lru(int fd)
{
	const size_t quarter = (vram_size / 4) & ~(size_t)(SZ_2M - 1);
	uint64_t d0[VSVM_STAT_COUNT], d1[VSVM_STAT_COUNT];
	struct vsvm_region a, b, m;
	struct vsvm_ctx c;

	/* nothing older than A may be in VRAM */
	igt_assert_eq_u64(vsvm_vram_pages_settle(fd), 0);
	vsvm_ctx_init(&c, fd);
	vsvm_map_anon(&a, quarter, SZ_2M);
	vsvm_map_anon(&b, quarter, SZ_2M);
	vsvm_map_anon(&m, 3 * quarter, SZ_2M);
	vsvm_fill_pattern(a.ptr, quarter, 81);
	vsvm_fill_pattern(b.ptr, quarter, 82);
	vsvm_fill_pattern(m.ptr, 3 * quarter, 83);

	igt_assert_eq_u64(prefetch(&c, a.ptr, quarter, DRM_VSVM_REGION_VRAM),
			  NPAGES(quarter));
	igt_assert_eq_u64(prefetch(&c, b.ptr, quarter, DRM_VSVM_REGION_VRAM),
			  NPAGES(quarter));
	/* The GPU uses A: a read in each of its 2 MiB allocations. */
	for (size_t off = 0; off < quarter; off += SZ_2M)
		vsvm_ctx_assert_crc(&c, a.ptr + off, SZ_4K,
				    vsvm_pattern_crc(SZ_4K, 81, off / 8),
				    "A in VRAM");
	assert_residency(&c, a.ptr, quarter, DRM_VSVM_RESIDENCY_VRAM);

	stats_dev(fd, d0);
	igt_assert_eq_u64(prefetch(&c, m.ptr, 3 * quarter,
				   DRM_VSVM_REGION_VRAM), NPAGES(3 * quarter));
	stats_dev(fd, d1);
	igt_info("%" PRIu64 " evictions; in VRAM: A %" PRIu64 ", B %" PRIu64
		 " of %" PRIu64 " pages\n", DELTA(d0, d1, EVICTIONS),
		 count_residency(&c, a.ptr, quarter, DRM_VSVM_RESIDENCY_VRAM),
		 count_residency(&c, b.ptr, quarter, DRM_VSVM_RESIDENCY_VRAM),
		 NPAGES(quarter));
	igt_assert_lt_u64(0, DELTA(d0, d1, EVICTIONS));
	assert_residency(&c, a.ptr, quarter, DRM_VSVM_RESIDENCY_VRAM);
	igt_assert_eq_u64(count_residency(&c, b.ptr, quarter,
					  DRM_VSVM_RESIDENCY_VRAM), 0);

	vsvm_check_pattern(a.ptr, quarter, 81, "A, used, kept in VRAM");
	vsvm_check_pattern(b.ptr, quarter, 82, "B, unused, evicted");
	vsvm_check_pattern(m.ptr, 3 * quarter, 83, "C, moved last");
	vsvm_unmap_region(&m);
	vsvm_unmap_region(&b);
	vsvm_unmap_region(&a);
	vsvm_ctx_fini(&c);
	wait_vram_pages(fd, 0, "after unmapping A, B and C");
}

/*
 * Memory in VRAM, then fork() (hmm-tests' hmm_cow_in_device,
 * xe_exec_system_allocator's fork after migrate): the pages are shared
 * read-only. The parent's GPU writes one half (bringing it back to system
 * memory first); the child writes the other half with the CPU. Each sees
 * its own writes and only those.
 */
static void test_fork_vram(int fd)
{
	const size_t size = SZ_2M + SZ_64K, half = SZ_1M;
	const uint32_t word = 0x600dcafe;
	int p2c[2], c2p[2];
	struct vsvm_region m;
	struct vsvm_ctx c;
	uint8_t *expect;
	char b = 0;

	vsvm_ctx_init(&c, fd);
	vsvm_map_anon(&m, size, SZ_2M);
	vsvm_fill_pattern(m.ptr, size, 80);
	igt_assert_eq_u64(prefetch(&c, m.ptr, size, DRM_VSVM_REGION_VRAM),
			  NPAGES(size));
	igt_assert_eq(pipe(p2c), 0);
	igt_assert_eq(pipe(c2p), 0);

	igt_fork(child, 1) {
		/* Wait for the parent's GPU write. */
		igt_assert_eq(read(p2c[0], &b, 1), 1);
		/* CPU writes to pages still in VRAM, shared with the parent. */
		vsvm_fill_pattern_at(m.ptr + half, size - half, 81, half / 8);
		__vsvm_check_pattern(m.ptr, half, 80, 0,
				     "child: the half the parent's GPU wrote");
		__vsvm_check_pattern(m.ptr + half, size - half, 81, half / 8,
				     "child: its own writes");
		igt_assert_eq(write(c2p[1], &b, 1), 1);
	}

	/* fork() moved nothing. */
	assert_residency(&c, m.ptr, size, DRM_VSVM_RESIDENCY_VRAM);

	/* The parent's GPU writes the first half. */
	vsvm_ctx_fill(&c, m.ptr, half, word);
	assert_residency(&c, m.ptr, half, DRM_VSVM_RESIDENCY_SYSTEM);
	expect = malloc(size);
	igt_assert(expect);
	vsvm_fill_pattern(expect, size, 80);
	for (size_t i = 0; i < half / 4; i++)
		memcpy(expect + 4 * i, &word, 4);
	vsvm_ctx_assert_crc(&c, m.ptr, size, vsvm_crc32(0, expect, size),
			    "parent after its GPU write");

	igt_assert_eq(write(p2c[1], &b, 1), 1);
	igt_assert_eq(read(c2p[0], &b, 1), 1);
	igt_waitchildren();

	/* Nothing of the child's writes here. */
	vsvm_check_words(m.ptr, half, word, "parent: its GPU writes");
	__vsvm_check_pattern(m.ptr + half, size - half, 80, half / 8,
			     "parent: the half the child wrote");
	vsvm_ctx_assert_crc(&c, m.ptr, size, vsvm_crc32(0, expect, size),
			    "parent after the child exited");

	free(expect);
	close(p2c[0]);
	close(p2c[1]);
	close(c2p[0]);
	close(c2p[1]);
	vsvm_unmap_region(&m);
	vsvm_ctx_fini(&c);
}

/*
 * mmap, prefetch to VRAM and munmap, LEAK_CYCLES times, with sizes from 4
 * KiB to 64 KiB and, every 25th cycle, above 2 MiB; touched or not,
 * sometimes read back first: VRAM_PAGES returns to where it was.
 */
static void test_leak_cycles(int fd)
{
	static const size_t sizes[] = {
		SZ_4K, 3 * SZ_4K, SZ_64K, SZ_64K + SZ_4K, 5 * SZ_4K,
	};
	uint64_t base, t0;
	struct vsvm_ctx c;

	vsvm_ctx_init(&c, fd);
	base = vsvm_vram_pages_settle(fd);
	t0 = vsvm_gettime_ns();
	for (int i = 0; i < LEAK_CYCLES; i++) {
		size_t size = sizes[i % ARRAY_SIZE(sizes)];
		uint32_t *p;

		if (i % 25 == 24)
			size = SZ_2M + 5 * SZ_4K;
		p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		igt_assert(p != MAP_FAILED);
		if (i % 2)
			for (size_t off = 0; off < size; off += SZ_4K)
				p[off / 4] = i;
		igt_assert_f(prefetch(&c, p, size, DRM_VSVM_REGION_VRAM) ==
			     NPAGES(size), "cycle %d: not every page moved\n",
			     i);
		if (i % 10 == 0)
			for (size_t off = 0; off < size; off += SZ_4K)
				igt_assert_eq_u32(p[off / 4], i % 2 ? i : 0);
		igt_assert_eq(munmap(p, size), 0);
	}
	igt_info("%d cycles in %.1f s\n", LEAK_CYCLES,
		 (vsvm_gettime_ns() - t0) / 1e9);
	wait_vram_pages(fd, base, "after the cycles");
	vsvm_ctx_fini(&c);
}

/*
 * CPU threads and GPU jobs on every engine increment the same counters
 * with atomics at once, while the memory migrates back and forth (it
 * prefers VRAM, CPU accesses take it back): every increment counts.
 */
#define NCOUNTERS	24

static void test_cpu_gpu_atomics(int fd)
{
	const int nthreads = 2;
	uint64_t v0[VSVM_STAT_COUNT], v1[VSVM_STAT_COUNT];
	uint64_t d0[VSVM_STAT_COUNT], d1[VSVM_STAT_COUNT];
	uint64_t expected[NCOUNTERS] = {}, *counters[NCOUNTERS];
	struct vsvm_cpu_adders *cpu;
	struct vsvm_engine_adds gpu;
	uint64_t cpu_total;
	struct vsvm_region m;
	struct vsvm_ctx c;

	vsvm_ctx_init(&c, fd);
	vsvm_map_anon(&m, 16 * SZ_4K, SZ_64K);
	memset(m.ptr, 0, 16 * SZ_4K);
	for (int k = 0; k < NCOUNTERS; k++)
		counters[k] = (uint64_t *)(m.ptr + (k % 16) * SZ_4K +
					   (k / 16) * 64);
	vsvm_madvise(fd, c.vm, addr(m.ptr), 16 * SZ_4K,
		     DRM_VSVM_ATTR_PREFERRED_LOC, DRM_VSVM_REGION_VRAM);
	igt_assert_eq_u64(prefetch(&c, m.ptr, 16 * SZ_4K,
				   DRM_VSVM_REGION_VRAM), 16);

	vsvm_engine_adds_init(&gpu, fd, counters, NCOUNTERS, GPU_ATOMICS,
			      expected, 1);

	stats_vm(&c, v0);
	stats_dev(fd, d0);
	/*
	 * Once every thread has touched every counter, the memory is back in
	 * system memory: the GPU's first accesses then migrate it again.
	 */
	cpu = vsvm_cpu_adders_start(counters, NCOUNTERS, nthreads);
	vsvm_engine_adds_run(&gpu, fd, c.vm);
	cpu_total = vsvm_cpu_adders_stop(cpu, expected);
	stats_vm(&c, v1);
	stats_dev(fd, d1);

	igt_info("%" PRIu64 " CPU faults, %" PRIu64 " KiB to VRAM on GPU "
		 "faults, %" PRIu64 " CPU increments, %d GPU\n",
		 DELTA(d0, d1, CPU_FAULTS), DELTA(v0, v1, BYTES_TO_VRAM) >> 10,
		 cpu_total, GPU_ATOMICS * c.engines);
	for (int k = 0; k < NCOUNTERS; k++)
		igt_assert_f(*counters[k] == expected[k],
			     "counter %d is %" PRIu64 ", expected %" PRIu64 "\n",
			     k, *counters[k], expected[k]);
	/* The memory did move both ways during the run. */
	igt_assert_lt_u64(0, DELTA(d0, d1, CPU_FAULTS));
	igt_assert_lt_u64(0, DELTA(v0, v1, BYTES_TO_VRAM));

	vsvm_engine_adds_fini(&gpu, fd);
	vsvm_unmap_region(&m);
	vsvm_ctx_fini(&c);
}

/* Every page of [p, p + size) reads @want with 2 MiB folios reported. */
static void assert_residency_huge(struct vsvm_ctx *c, const void *p,
				  size_t size, uint8_t want)
{
	struct drm_vsvm_residency r = {
		.vm_id = c->vm,
		.flags = DRM_VSVM_RESIDENCY_REPORT_HUGE,
		.start = addr(p),
		.npages = NPAGES(size),
	};
	uint8_t *out = malloc(NPAGES(size));

	igt_assert(out);
	r.data = addr(out);
	igt_assert_eq(__vsvm_residency(c->fd, &r), 0);
	for (size_t i = 0; i < NPAGES(size); i++)
		igt_assert_f(out[i] == want,
			     "page %zu: residency %#x, expected %#x\n", i,
			     out[i], want);
	free(out);
}

/*
 * A THP-backed 2 MiB chunk moves to VRAM as one order-9 device folio
 * (drm_pagemap with MIGRATE_VMA_SELECT_COMPOUND) and back as a whole; the
 * data survives both ways and the GPU reads it in VRAM.
 */
static void test_thp_device_folio(int fd)
{
	const size_t size = 2 * SZ_2M;
	struct vsvm_region m;
	struct vsvm_ctx c;
	uint32_t crc;

	igt_require_f(vsvm_thp_enabled(), "transparent huge pages are off\n");
	vsvm_ctx_init(&c, fd);
	vsvm_map_anon(&m, size, SZ_2M);
	igt_assert_eq(madvise(m.ptr, size, MADV_HUGEPAGE), 0);
	vsvm_fill_pattern(m.ptr, size, 9);
	crc = vsvm_pattern_crc(size, 9, 0);
	igt_require_f(vsvm_anon_huge_kb(m.ptr) >= size / 1024,
		      "no THP for the range (memory is fragmented)\n");
	assert_residency_huge(&c, m.ptr, size, DRM_VSVM_RESIDENCY_SYSTEM |
			      DRM_VSVM_RESIDENCY_HUGE);

	igt_assert_eq_u64(prefetch(&c, m.ptr, size, DRM_VSVM_REGION_VRAM),
			  NPAGES(size));
	assert_residency_huge(&c, m.ptr, size, DRM_VSVM_RESIDENCY_VRAM |
			      DRM_VSVM_RESIDENCY_HUGE);
	vsvm_ctx_assert_crc(&c, m.ptr, size, crc, "2 MiB folios in VRAM");
	/* Without the flag, the same pages read as plain VRAM. */
	assert_residency(&c, m.ptr, size, DRM_VSVM_RESIDENCY_VRAM);

	/* The CPU touches one byte: its whole 2 MiB allocation comes back. */
	__vsvm_check_pattern(m.ptr + SZ_2M + 12344, 64, 9,
			     (SZ_2M + 12344) / 8, "CPU read of VRAM");
	igt_assert_eq_u64(count_residency(&c, m.ptr + SZ_2M, SZ_2M,
					  DRM_VSVM_RESIDENCY_SYSTEM),
			  NPAGES(SZ_2M));
	igt_assert_eq_u64(count_residency(&c, m.ptr, SZ_2M,
					  DRM_VSVM_RESIDENCY_VRAM),
			  NPAGES(SZ_2M));
	vsvm_check_pattern(m.ptr, size, 9, "CPU read after migration back");
	vsvm_ctx_assert_crc(&c, m.ptr, size, crc, "back in system memory");
	vsvm_unmap_region(&m);
	vsvm_ctx_fini(&c);
}

igt_main
{
	int fd = -1;

	igt_fixture {
		page_size = sysconf(_SC_PAGESIZE);
		igt_require(page_size == SZ_4K);
		fd = drm_open_vsvm_render();
	}

	igt_describe("The device reports VRAM (DRM_VSVM_FEATURE_VRAM) of a "
		     "sane size; without it PREFETCH fails with ENODEV.");
	igt_subtest("query-vram")
		test_query(fd);

	igt_fixture {
		igt_require_f(vsvm_has_vram(fd), "the device has no VRAM\n");
		vram_size = vsvm_vram_size(fd);
	}

	for (int i = 0; i < ARRAY_SIZE(bad_prefetch); i++) {
		igt_describe_f("PREFETCH rejects it: %s", bad_prefetch[i].desc);
		igt_subtest_f("prefetch-bad-%s", bad_prefetch[i].name)
			test_bad_prefetch(fd, &bad_prefetch[i]);
	}
	igt_describe("PREFETCH from a child process, on the VM of its parent "
		     "it inherited with the file: EACCES.");
	igt_subtest("prefetch-other-process")
		test_other_process(fd, false);

	for (int i = 0; i < ARRAY_SIZE(bad_residency); i++) {
		igt_describe_f("RESIDENCY rejects it: %s",
			       bad_residency[i].desc);
		igt_subtest_f("residency-bad-%s", bad_residency[i].name)
			test_bad_residency(fd, &bad_residency[i]);
	}
	igt_describe("RESIDENCY from a child process, on the VM of its "
		     "parent it inherited with the file: EACCES.");
	igt_subtest("residency-other-process")
		test_other_process(fd, true);
	igt_describe("RESIDENCY of 1 << 20 pages, the most allowed, reports "
		     "every page exactly.");
	igt_subtest("residency-max-pages")
		test_residency_max(fd);

	for (int i = 0; i < ARRAY_SIZE(bad_madvise); i++) {
		igt_describe_f("MADVISE rejects it and sets nothing: %s",
			       bad_madvise[i].desc);
		igt_subtest_f("madvise-bad-%s", bad_madvise[i].name)
			test_bad_madvise(fd, &bad_madvise[i]);
	}

	for (int i = 0; i < ARRAY_SIZE(bad_attr_query); i++) {
		igt_describe_f("ATTR_QUERY rejects it: %s",
			       bad_attr_query[i].desc);
		igt_subtest_f("attr-query-bad-%s", bad_attr_query[i].name)
			test_bad_attr_query(fd, &bad_attr_query[i]);
	}

	igt_describe("Prefetch of anonymous memory to VRAM moves every page "
		     "(pages_moved, residency, BYTES_TO_VRAM and VRAM_PAGES "
		     "agree); the GPU reads it there; CPU reads fault each "
		     "chunk back once, every byte intact.");
	igt_subtest("migrate")
		test_migrate(fd);

	igt_describe("A THP-backed 2 MiB chunk moves to VRAM as one 2 MiB "
		     "device folio and back as a whole, data intact.");
	igt_subtest("thp-device-folio")
		test_thp_device_folio(fd);

	igt_describe("Prefetch of never-touched anonymous memory populates "
		     "it in VRAM, as zeros.");
	igt_subtest("migrate-untouched")
		test_migrate_untouched(fd);

	igt_describe("Prefetch to VRAM, then to system memory, in part and "
		     "in full: every page comes back without a CPU fault, "
		     "data intact; repeated prefetches move nothing.");
	igt_subtest("migrate-back")
		test_migrate_back(fd);

	igt_describe("Prefetch of 4 x 2 MiB to VRAM and back: the copy engine "
		     "runs at least 4 batches (COPY_BATCHES) each way, and "
		     "the data arrives byte-exact both ways, without CPU "
		     "faults.");
	igt_subtest("copy-engine-batches")
		test_copy_engine_batches(fd);

	igt_describe("16 round trips, the CPU writing new data while the "
		     "pages are in VRAM.");
	igt_subtest("migrate-multiple")
		test_migrate_multiple(fd);

	igt_describe("GPU reads, fills, writes and atomics on VRAM pages work "
		     "in place: the pages stay in VRAM, no CPU fault, and the "
		     "CPU then reads exactly what the GPU wrote.");
	igt_subtest("gpu-access-vram")
		test_gpu_access_vram(fd);

	igt_describe("PREFETCH to VRAM binds the pages it moved: the jobs "
		     "that then read and write them take no GPU fault.");
	igt_subtest("prefetch-binds")
		test_prefetch_binds(fd);

	igt_describe("8 threads read the same VRAM pages at once, in 10 "
		     "rounds: all read the right data, no hang.");
	igt_subtest("migrate-fault")
		test_migrate_fault(fd);

	igt_describe("munmap() of VRAM memory in part and in full, and exit "
		     "of processes with memory in VRAM: VRAM_PAGES returns to "
		     "where it was.");
	igt_subtest("migrate-release")
		test_migrate_release(fd);

	igt_describe("VRAM pages outlive the VM (and file) that moved them: "
		     "another VM sees them in VRAM, the CPU gets them back "
		     "intact.");
	igt_subtest("migrate-vm-destroy")
		test_migrate_vm_destroy(fd);

	igt_describe("Memory other than private anonymous memory never "
		     "moves: prefetch reports 0 pages, the pages stay in "
		     "system memory, and the GPU still reads and writes them.");
	igt_subtest_with_dynamic("never-migrated") {
		for (int k = 0; k < MEM_KINDS; k++)
			igt_dynamic(mem_names[k])
				test_never_migrated(fd, k);
	}

	igt_describe("One prefetch over anonymous, file-backed and shared "
		     "memory and a hole: only the anonymous parts move.");
	igt_subtest("partial")
		test_partial(fd);

	igt_describe("Read-only anonymous memory moves to VRAM; the GPU reads "
		     "it there, its writes fail with EACCES until the memory "
		     "is writable again.");
	igt_subtest("read-only")
		test_read_only(fd);

	for (int i = 0; i < ARRAY_SIZE(granularities); i++) {
		uint64_t g = granularities[i];

		igt_describe_f("MADVISE GRANULARITY %" PRIu64 " KiB reads "
			       "back over exactly its range; prefetch then "
			       "moves every page, data intact.", g >> 10);
		igt_subtest_f("granularity-%s",
			      g == SZ_2M ? "2m" : g == SZ_64K ? "64k" : "4k")
			test_granularity(fd, g);
	}

	igt_describe("MADVISE PREFERRED_LOC VRAM: GPU faults migrate the "
		     "memory to VRAM without prefetch, again after the CPU "
		     "took it back; SYSTEM, none and a cleared preference "
		     "leave it in system memory.");
	igt_subtest("preferred-loc")
		test_preferred_loc(fd);

	for (int i = 0; i < ARRAY_SIZE(granularities); i++) {
		uint64_t g = granularities[i];

		igt_describe_f("PREFERRED_LOC VRAM with GRANULARITY %" PRIu64
			       " KiB: a GPU read of one word migrates the "
			       "%" PRIu64 " KiB around it, and only that.",
			       g >> 10, g >> 10);
		igt_subtest_f("preferred-loc-granularity-%s",
			      g == SZ_2M ? "2m" : g == SZ_64K ? "64k" : "4k")
			test_preferred_loc_granularity(fd, g);
	}

	igt_describe("Attributes survive an mprotect() split of the VMA and "
		     "go exactly with the memory munmap() removes; the GPU "
		     "uses the memory throughout.");
	igt_subtest("attrs-split")
		test_attrs_split(fd, true);

	igt_describe("As attrs-split, but only MADVISE and ATTR_QUERY ever "
		     "see the memory: munmap() still drops the attributes.");
	igt_subtest("attrs-split-untouched")
		test_attrs_split(fd, false);

	igt_describe("MADVISE GPU_ACCESS READ on memory in VRAM: GPU reads "
		     "work, writes and atomics fail with EACCES; clearing it "
		     "gives write access back.");
	igt_subtest("gpu-access-read")
		test_gpu_access_read(fd);

	igt_describe("MADVISE ATOMIC VRAM: the first GPU atomic on a system "
		     "page migrates its chunk to VRAM; reads, plain writes "
		     "and the SYSTEM policy migrate nothing.");
	igt_subtest("atomic-vram")
		test_atomic_vram(fd);

	igt_describe("Four processes each move as much memory as VRAM holds "
		     "(4x overcommit); their GPU reads and writes it while the "
		     "others evict it, their CPU checks every byte: evictions "
		     "happen, no byte is wrong, BYTES_TO_VRAM is exact, "
		     "VRAM_PAGES returns to where it was.");
	igt_subtest("overcommit")
		test_overcommit(fd);

	igt_describe("Eviction takes the least recently used memory: of two "
		     "allocations moved to VRAM in turn, the one the GPU used "
		     "since stays and the other is evicted, data intact.");
	igt_subtest("evict-lru")
		test_evict_lru(fd);

	igt_describe("fork() with memory in VRAM: the parent's GPU writes and "
		     "the child's CPU writes stay private to each.");
	igt_subtest("fork-vram")
		test_fork_vram(fd);

	igt_describe_f("%d cycles of mmap() (4 KiB to 64 KiB, every 25th "
		       "above 2 MiB), prefetch to VRAM and munmap(): "
		       "VRAM_PAGES returns to where it was.", LEAK_CYCLES);
	igt_subtest("leak-cycles")
		test_leak_cycles(fd);

	igt_describe_f("2 CPU threads and a job of %d 64-bit atomic adds on "
		       "every engine increment the same counters at once, "
		       "the memory migrating both ways: the counts are exact.",
		       GPU_ATOMICS);
	igt_subtest("cpu-gpu-atomics")
		test_cpu_gpu_atomics(fd);

	igt_fixture
		close(fd);
}
