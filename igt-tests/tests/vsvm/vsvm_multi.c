// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/*
 * Several vsvm devices (uapi 0.7, module parameter num_devices) serving one
 * process: VMs on two devices mirror the same address space, and the
 * devices share one drm_pagemap owner, a virtual interconnect, so that a
 * GPU reaches pages in the other device's VRAM in place. Modelled on IGT's
 * multi-GPU SVM tests (xe_exec_system_allocator's and xe_multi_gpusvm's
 * access from a second GPU, atomics from both GPUs, migration between
 * them) and kfdtest's MultiGPUMigration (a buffer moved between GPUs by
 * prefetch and by faults, the data checked at each step):
 *
 * - each device reports its own device_index and the same num_devices,
 *   and has a render node of its own;
 * - two VMs of one process see the same memory: what one GPU writes to
 *   malloc()ed memory the other reads, and both see the CPU's changes;
 * - a page in device 0's VRAM reads as DRM_VSVM_RESIDENCY_PEER on device
 *   1's VM; device 1's GPU reads, writes and adds to it in place (nothing
 *   moves), and the CPU then sees what it wrote;
 * - with a preferred location of VRAM on device 1's VM, a GPU fault there
 *   moves the chunk from device 0's VRAM to device 1's directly, as a
 *   PREFETCH to VRAM on device 1 does: device 0's debugfs counts the bytes
 *   in bytes_to_peer, none in bytes_to_system;
 * - device 1's VM naming device 0's VRAM (DRM_VSVM_REGION_VRAM_OF(0)) as
 *   its preferred location or as a PREFETCH target moves the pages into
 *   device 0's VRAM, where device 1's GPU then reads them in place;
 * - a buffer moved back and forth between the devices by prefetch and by
 *   faults, incremented by the GPU of whichever device holds it, and a
 *   range faulted from both devices at once (atomics on shared counters,
 *   writes to disjoint halves) end with exact values;
 * - a buffer in device 0's VRAM that device 1's GPU keeps reading survives
 *   eviction from device 0's VRAM;
 * - the hot-unplug of device 1 alone (module parameter bound_mask) brings
 *   its VRAM back to system memory intact, leaves device 0 working and
 *   device 1's open files failing with ENODEV; a device 1 created again
 *   works.
 *
 * Every subtest needs devices 0 and 1 bound (load vsvm with num_devices=2
 * or more) and skips otherwise; all but query-devices and mirror-same-mm
 * also need VRAM on both. The subtests that read debugfs counters
 * (peer-migrate-*) and unbind-one need root. evict-while-peer-reads moves
 * up to twice the VRAM size of device 0: its run time scales with the
 * vram_size_mb module parameter.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"
#include "igt_sizes.h"
#include "igt_thread.h"
#include "igt_vsvm.h"
#include "igt_vsvm_mem.h"
#include "igt_vsvm_vram.h"
#include "vsvm_drm.h"

IGT_TEST_DESCRIPTION("Check several vsvm devices serving one process: "
		     "device indices, VMs on two devices mirroring one "
		     "address space, GPU access to the other device's VRAM "
		     "in place, direct migration between the devices on "
		     "faults and prefetch, concurrent faults from both, "
		     "eviction under a peer's reads, and the hot-unplug of "
		     "one device.");

/* The most devices the driver supports (num_devices 1 to 4). */
#define MAX_DEVICES		4

#define BOUND_MASK_PARAM	"/sys/module/vsvm/parameters/bound_mask"

/* Rounds of each half of ping-pong (by prefetch, then by faults). */
#define PING_PONG_ROUNDS	16
#define PING_PONG_SIZE		SZ_64K

/* concurrent-faults: chunks, counters per chunk, jobs per device. */
#define CF_CHUNKS		2
#define CF_COUNTERS		16
#define CF_JOBS			24
/* In each 64 KiB chunk: the counters in page 0, then a half per device. */
#define CF_HALF_OFFSET		SZ_4K
#define CF_HALF_SIZE		(30 * SZ_1K)
#define CF_FILL_SIZE		(29 * SZ_1K)

/* evict-while-peer-reads: pause of the peer's reader between checksums. */
#define PEER_READ_GAP_US	20000

static int page_size;
static unsigned int num_devices;
static int fds[2] = { -1, -1 };

/* The mask to write back at exit, once unbind-one has changed it. */
static char restore_mask[32];
static volatile bool mask_changed;

#define NPAGES(size) ((uint64_t)(size) / SZ_4K)

static uint64_t addr(const void *p)
{
	return to_user_pointer(p);
}

static void require_two(bool vram)
{
	igt_require_f(num_devices >= 2,
		      "vsvm has %u device(s): load it with num_devices=2 or more\n",
		      num_devices);
	igt_require_f(fds[0] >= 0 && fds[1] >= 0,
		      "vsvm devices 0 and 1 are not both bound\n");
	if (vram)
		igt_require_f(vsvm_has_vram(fds[0]) && vsvm_has_vram(fds[1]),
			      "devices 0 and 1 do not both have VRAM\n");
}

static bool debugfs_readable(int fd)
{
	FILE *f = __vsvm_debugfs_open_fd(fd, "vsvm_stats");

	if (!f)
		return false;
	fclose(f);

	return true;
}

static void assert_res(struct vsvm_ctx *c, const void *p, size_t size,
		       uint8_t want)
{
	vsvm_assert_residency(c->fd, c->vm, p, NPAGES(size), want);
}

/* Page by page, as the two VMs see it: in one device's VRAM, peer on the other. */
static void assert_res_on(struct vsvm_ctx c[2], unsigned int holder,
			  const void *p, size_t size)
{
	assert_res(&c[holder], p, size, DRM_VSVM_RESIDENCY_VRAM);
	assert_res(&c[!holder], p, size, DRM_VSVM_RESIDENCY_PEER);
}

static void map_pattern(struct vsvm_region *r, size_t size, uint64_t seed)
{
	vsvm_map_anon(r, size, SZ_2M);
	vsvm_fill_pattern(r->ptr, size, seed);
}

/* The counters of device-wide copies, from debugfs. */
struct copies {
	uint64_t to_peer;
	uint64_t to_system;
};

static void read_copies(int fd, struct copies *cp)
{
	cp->to_peer = vsvm_device_stat_by_name(fd, "bytes_to_peer");
	cp->to_system = vsvm_device_stat_by_name(fd, "bytes_to_system");
}

/* Bound devices: the render nodes of the vsvm driver in /dev/dri. */
struct node {
	dev_t rdev;
	struct drm_vsvm_query_device dev;
	char name[256];
};

static bool is_vsvm(int fd)
{
	drmVersionPtr v = drmGetVersion(fd);
	bool ret;

	if (!v)
		return false;
	ret = v->name && !strcmp(v->name, VSVM_DRIVER_NAME);
	drmFreeVersion(v);

	return ret;
}

static unsigned int scan_nodes(struct node *nodes, unsigned int max)
{
	struct dirent *de;
	unsigned int n = 0;
	DIR *dir = opendir("/dev/dri");

	igt_assert(dir);
	while ((de = readdir(dir))) {
		char path[PATH_MAX];
		struct stat st;
		int fd;

		if (strncmp(de->d_name, "renderD", 7))
			continue;
		snprintf(path, sizeof(path), "/dev/dri/%s", de->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (is_vsvm(fd)) {
			igt_assert_f(n < max, "more than %u vsvm render nodes\n",
				     max);
			igt_assert_eq(fstat(fd, &st), 0);
			nodes[n].rdev = st.st_rdev;
			vsvm_query_device(fd, &nodes[n].dev);
			snprintf(nodes[n].name, sizeof(nodes[n].name), "%s",
				 de->d_name);
			n++;
		}
		close(fd);
	}
	closedir(dir);

	return n;
}

static long read_bound_mask(void)
{
	char buf[32] = "";
	ssize_t len;
	int fd = open(BOUND_MASK_PARAM, O_RDONLY);

	if (fd < 0)
		return -errno;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -EIO;
	buf[len] = 0;

	return strtol(buf, NULL, 0);
}

static int __write_bound_mask(unsigned long mask)
{
	char buf[32];
	int fd, err = 0;

	snprintf(buf, sizeof(buf), "%#lx\n", mask);
	fd = open(BOUND_MASK_PARAM, O_WRONLY);
	if (fd < 0)
		return -errno;
	if (write(fd, buf, strlen(buf)) < 0)
		err = -errno;
	close(fd);

	return err;
}

/* Async-signal safe: writes back the mask unbind-one found. */
static void restore_bound_mask(int sig)
{
	int fd;

	if (!mask_changed)
		return;
	fd = open(BOUND_MASK_PARAM, O_WRONLY);
	if (fd < 0)
		return;
	if (write(fd, restore_mask, strlen(restore_mask)) > 0)
		mask_changed = false;
	close(fd);
}

static unsigned long full_mask(void)
{
	return (1ul << num_devices) - 1;
}

static void open_devices(void)
{
	for (int i = 0; i < 2; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = __drm_open_vsvm_render_index(i);
	}
}

/* query-devices */

static void test_query_devices(void)
{
	struct node nodes[MAX_DEVICES + 1];
	unsigned int n, found = 0;
	long mask;

	require_two(false);
	n = scan_nodes(nodes, ARRAY_SIZE(nodes));
	igt_assert_lte(2, n);
	igt_assert_lte(n, num_devices);

	for (unsigned int i = 0; i < n; i++) {
		struct drm_vsvm_query_device *d = &nodes[i].dev;

		igt_info("%s: device %u of %u, %u engines, %" PRIu64
			 " MiB VRAM\n", nodes[i].name, d->device_index,
			 d->num_devices, d->num_engines,
			 (uint64_t)d->vram_size >> 20);
		igt_assert_eq_u32(d->uapi_major, 0);
		igt_assert_lte(7, d->uapi_minor);
		igt_assert_eq_u32(d->num_devices, num_devices);
		igt_assert_f(d->device_index < num_devices,
			     "%s: device_index %u, num_devices %u\n",
			     nodes[i].name, d->device_index, num_devices);
		igt_assert_f(!(found & (1u << d->device_index)),
			     "%s: device_index %u reported twice\n",
			     nodes[i].name, d->device_index);
		found |= 1u << d->device_index;
		igt_assert_eq_u64(d->reserved, 0);
		for (unsigned int j = 0; j < i; j++)
			igt_assert_f(nodes[j].rdev != nodes[i].rdev,
				     "%s and %s are the same node\n",
				     nodes[j].name, nodes[i].name);
	}

	/* Where readable, bound_mask names exactly the devices found. */
	mask = read_bound_mask();
	if (mask >= 0)
		igt_assert_f((unsigned long)mask == found,
			     "bound_mask is %#lx, render nodes of devices %#x\n",
			     mask, found);

	/* Opening by index finds each device, on a node of its own. */
	for (unsigned int i = 0; i < num_devices; i++) {
		int fd = __drm_open_vsvm_render_index(i);
		struct stat st;
		bool listed = false;

		if (!(found & (1u << i))) {
			igt_assert_eq(fd, -ENODEV);
			continue;
		}
		igt_assert_lte(0, fd);
		igt_assert_eq_u32(vsvm_device_index(fd), i);
		igt_assert_eq_u32(vsvm_num_devices(fd), num_devices);
		igt_assert_eq(fstat(fd, &st), 0);
		for (unsigned int j = 0; j < n; j++)
			if (nodes[j].rdev == st.st_rdev)
				listed = nodes[j].dev.device_index == i;
		igt_assert_f(listed, "device %u opened on another node\n", i);
		close(fd);
	}
	igt_assert_eq(__drm_open_vsvm_render_index(num_devices), -ENODEV);
}

/* mirror-same-mm */

/*
 * @c writes into @p with the GPU: a fill, then a word in every 4 KiB step
 * of its own; @exp gets the same.
 */
static void gpu_write_marks(struct vsvm_ctx *c, uint8_t *p, uint8_t *exp,
			    size_t size, uint32_t fill, uint64_t tag)
{
	vsvm_emit_fill(c->cb, addr(p), size, fill);
	for (size_t i = 0; i < size / 4; i++)
		((uint32_t *)exp)[i] = fill;
	for (size_t off = 0; off + 8 <= size; off += SZ_4K) {
		uint64_t v = tag ^ (off * 0x9e3779b97f4a7c15ull);
		size_t at = off + (off / SZ_4K % 64) * 8;

		if (at + 8 > size)
			at = off;
		vsvm_emit_write64(c->cb, addr(p + at), v);
		memcpy(exp + at, &v, 8);
		if (c->cb->len > VSVM_CTX_CMDBUF_SIZE - 64)
			igt_assert_eq(vsvm_ctx_run(c), 1);
	}
	igt_assert_eq(vsvm_ctx_run(c), 1);
}

static void assert_bytes(const uint8_t *p, const uint8_t *exp, size_t size,
			 const char *what)
{
	for (size_t i = 0; i < size; i++)
		igt_assert_f(p[i] == exp[i],
			     "%s: byte %zu is %#x, expected %#x\n", what, i,
			     p[i], exp[i]);
}

static void test_mirror_same_mm(void)
{
	/* Not a multiple of a page, not page aligned: plain malloc(). */
	const size_t size = 3 * SZ_1M + 20 * SZ_1K + 24;
	struct vsvm_ctx c[2];
	uint8_t *a, *b, *exp;

	require_two(false);
	for (int i = 0; i < 2; i++)
		vsvm_ctx_init(&c[i], fds[i]);
	a = malloc(size);
	b = malloc(size);
	exp = malloc(size);
	igt_assert(a && b && exp);
	memset(a, 0x11, size);
	memset(b, 0x22, size);

	for (unsigned int w = 0; w < 2; w++) {
		struct vsvm_ctx *writer = &c[w], *reader = &c[!w];

		/* One GPU writes, the other copies what it wrote. */
		gpu_write_marks(writer, a, exp, size, 0xa5a55a5a ^ w,
				0x1234567890abcdefull + w);
		vsvm_emit_copy(reader->cb, addr(b), addr(a), size);
		igt_assert_eq(vsvm_ctx_run(reader), 1);
		vsvm_ctx_assert_crc(reader, a, size, vsvm_crc32(0, exp, size),
				    "the writer's data, read by the other GPU");
		vsvm_ctx_assert_crc(writer, b, size, vsvm_crc32(0, exp, size),
				    "the copy, read by the writer's GPU");
		assert_bytes(a, exp, size, "written by one GPU");
		assert_bytes(b, exp, size, "copied by the other GPU");

		/* Both GPUs see what the CPU writes now. */
		for (size_t i = 0; i < size; i += 777)
			a[i] = exp[i] = (uint8_t)(i * 7 + w);
		vsvm_ctx_assert_crc(&c[0], a, size, vsvm_crc32(0, exp, size),
				    "CPU writes, read by GPU 0");
		vsvm_ctx_assert_crc(&c[1], a, size, vsvm_crc32(0, exp, size),
				    "CPU writes, read by GPU 1");
	}

	free(a);
	free(b);
	free(exp);
	for (int i = 0; i < 2; i++)
		vsvm_ctx_fini(&c[i]);
}

/* peer-access */

/*
 * @c's GPU writes a word and adds to another in each page of @p, in
 * place; @exp, a copy of what @p holds, gets the same.
 */
static void gpu_peer_writes(struct vsvm_ctx *c, uint64_t *p, uint64_t *exp,
			    size_t size, uint64_t tag)
{
	for (size_t pg = 0; pg < NPAGES(size); pg++) {
		size_t w0 = pg * 512, w1 = pg * 512 + 1 + pg % 511;

		vsvm_emit_write64(c->cb, addr(&p[w1]), tag ^ pg);
		exp[w1] = tag ^ pg;
		vsvm_emit_atomic(c->cb, true, DRM_VSVM_ATOMIC_ADD,
				 addr(&p[w0]), pg + 1, 0, 0);
		exp[w0] += pg + 1;
		if (pg % 256 == 255)
			igt_assert_eq(vsvm_ctx_run(c), 1);
	}
	if (c->cb->len)
		igt_assert_eq(vsvm_ctx_run(c), 1);
}

static void assert_words(const uint64_t *p, const uint64_t *exp, size_t size,
			 const char *what)
{
	for (size_t i = 0; i < size / 8; i++)
		igt_assert_f(p[i] == exp[i],
			     "%s: word %zu is %#" PRIx64 ", expected %#" PRIx64
			     "\n", what, i, p[i], exp[i]);
}

static void test_peer_access(bool thp)
{
	const size_t size = thp ? 2 * SZ_2M : SZ_1M;
	uint64_t v0[DRM_VSVM_STAT_COUNT], v1[DRM_VSVM_STAT_COUNT];
	uint64_t u0[DRM_VSVM_STAT_COUNT], u1[DRM_VSVM_STAT_COUNT];
	struct copies before[2], after[2];
	bool counters = debugfs_readable(fds[0]);
	struct vsvm_region m;
	struct vsvm_ctx c[2];
	uint64_t *exp;
	uint32_t crc;

	vsvm_map_anon(&m, size, SZ_2M);
	igt_assert_eq(madvise(m.ptr, size, thp ? MADV_HUGEPAGE :
						 MADV_NOHUGEPAGE), 0);
	vsvm_fill_pattern(m.ptr, size, 1);
	if (thp) {
		unsigned long kb = vsvm_anon_huge_kb(m.ptr);

		if (kb * SZ_1K != size)
			vsvm_unmap_region(&m);
		igt_require_f(kb * SZ_1K == size,
			      "%lu of %zu kB in transparent huge pages\n", kb,
			      size / SZ_1K);
	}
	exp = malloc(size);
	igt_assert(exp);
	vsvm_fill_pattern(exp, size, 1);
	crc = vsvm_pattern_crc(size, 1, 0);

	for (int i = 0; i < 2; i++)
		vsvm_ctx_init(&c[i], fds[i]);
	if (!thp)	/* 4 KiB chunks */
		vsvm_madvise(fds[0], c[0].vm, addr(m.ptr), size,
			     DRM_VSVM_ATTR_GRANULARITY, SZ_4K);

	igt_assert_eq_u64(vsvm_prefetch(fds[0], c[0].vm, addr(m.ptr), size,
					DRM_VSVM_REGION_VRAM), NPAGES(size));
	assert_res_on(c, 0, m.ptr, size);
	vsvm_uapi_stats(fds[0], c[0].vm, u0);
	vsvm_uapi_stats(fds[1], c[1].vm, v0);
	if (counters)
		for (int i = 0; i < 2; i++)
			read_copies(fds[i], &before[i]);

	/* GPU 1 reads device 0's VRAM in place... */
	vsvm_ctx_assert_crc(&c[1], m.ptr, size, crc, "read by the peer");
	assert_res_on(c, 0, m.ptr, size);

	/* ...writes and adds to it there... */
	gpu_peer_writes(&c[1], (uint64_t *)m.ptr, exp, size,
			0xfeedface00000000ull);
	assert_res_on(c, 0, m.ptr, size);
	crc = vsvm_crc32(0, exp, size);
	vsvm_ctx_assert_crc(&c[1], m.ptr, size, crc, "peer writes, peer read");
	vsvm_ctx_assert_crc(&c[0], m.ptr, size, crc, "peer writes, own read");
	assert_res_on(c, 0, m.ptr, size);

	/* ...and nothing moved. */
	vsvm_uapi_stats(fds[0], c[0].vm, u1);
	vsvm_uapi_stats(fds[1], c[1].vm, v1);
	for (int k = 0; k < 2; k++) {
		unsigned int idx = k ? DRM_VSVM_STAT_BYTES_TO_SYSTEM :
				       DRM_VSVM_STAT_BYTES_TO_VRAM;

		igt_assert_eq_u64(u1[idx] - u0[idx], 0);
		igt_assert_eq_u64(v1[idx] - v0[idx], 0);
	}
	igt_assert_eq_u64(v1[DRM_VSVM_STAT_JOBS_FAILED], 0);
	if (counters) {
		for (int i = 0; i < 2; i++) {
			read_copies(fds[i], &after[i]);
			igt_assert_eq_u64(after[i].to_peer, before[i].to_peer);
			igt_assert_eq_u64(after[i].to_system,
					  before[i].to_system);
		}
	} else {
		igt_info("not root: device-wide copy counters not checked\n");
	}

	/* The CPU sees GPU 1's writes, and takes the pages back. */
	assert_words((uint64_t *)m.ptr, exp, size, "after the peer's writes");
	assert_res(&c[0], m.ptr, size, DRM_VSVM_RESIDENCY_SYSTEM);
	assert_res(&c[1], m.ptr, size, DRM_VSVM_RESIDENCY_SYSTEM);

	free(exp);
	vsvm_unmap_region(&m);
	for (int i = 0; i < 2; i++)
		vsvm_ctx_fini(&c[i]);
}

/* peer-migrate-fault, peer-migrate-prefetch */

static void test_peer_migrate(bool fault)
{
	const size_t size = 2 * SZ_2M;
	struct copies before[2], after[2];
	struct vsvm_region m;
	struct vsvm_ctx c[2];
	uint32_t crc;

	/* Skips without root: the counters are in debugfs. */
	for (int i = 0; i < 2; i++)
		read_copies(fds[i], &before[i]);

	map_pattern(&m, size, 2);
	crc = vsvm_pattern_crc(size, 2, 0);
	for (int i = 0; i < 2; i++)
		vsvm_ctx_init(&c[i], fds[i]);
	igt_assert_eq_u64(vsvm_prefetch(fds[0], c[0].vm, addr(m.ptr), size,
					DRM_VSVM_REGION_VRAM), NPAGES(size));
	assert_res_on(c, 0, m.ptr, size);
	for (int i = 0; i < 2; i++)
		read_copies(fds[i], &before[i]);

	if (fault) {
		vsvm_madvise(fds[1], c[1].vm, addr(m.ptr), size,
			     DRM_VSVM_ATTR_PREFERRED_LOC,
			     DRM_VSVM_REGION_VRAM);
		/* Nothing moves before the GPU touches it. */
		assert_res_on(c, 0, m.ptr, size);
		vsvm_ctx_assert_crc(&c[1], m.ptr, size, crc,
				    "read by the GPU that faulted it over");
	} else {
		igt_assert_eq_u64(vsvm_prefetch(fds[1], c[1].vm, addr(m.ptr),
						size, DRM_VSVM_REGION_VRAM),
				  NPAGES(size));
	}
	assert_res_on(c, 1, m.ptr, size);
	for (int i = 0; i < 2; i++)
		read_copies(fds[i], &after[i]);
	igt_assert_f(after[0].to_peer - before[0].to_peer == size,
		     "device 0 copied %" PRIu64 " bytes to its peer, expected %zu\n",
		     after[0].to_peer - before[0].to_peer, size);
	igt_assert_f(after[0].to_system == before[0].to_system,
		     "device 0 copied %" PRIu64 " bytes to system memory, expected none\n",
		     after[0].to_system - before[0].to_system);
	igt_assert_eq_u64(after[1].to_peer, before[1].to_peer);
	igt_assert_eq_u64(after[1].to_system, before[1].to_system);

	/* Both GPUs read it right where it is now; it stays there. */
	vsvm_ctx_assert_crc(&c[1], m.ptr, size, crc, "in its new VRAM");
	vsvm_ctx_assert_crc(&c[0], m.ptr, size, crc, "read from the peer");
	assert_res_on(c, 1, m.ptr, size);

	vsvm_check_pattern(m.ptr, size, 2, "back on the CPU");
	assert_res(&c[0], m.ptr, size, DRM_VSVM_RESIDENCY_SYSTEM);
	assert_res(&c[1], m.ptr, size, DRM_VSVM_RESIDENCY_SYSTEM);

	vsvm_unmap_region(&m);
	for (int i = 0; i < 2; i++)
		vsvm_ctx_fini(&c[i]);
}

/*
 * A device's VM naming another device's VRAM (DRM_VSVM_REGION_VRAM_OF()):
 * as its preferred location, its GPU's fault moves the chunk there; as a
 * PREFETCH target, the prefetch does. Either way the pages end in device
 * 0's VRAM and device 1's GPU reaches them in place. Naming its own index
 * is its own VRAM.
 */
static void test_vram_of(bool fault)
{
	const size_t size = 2 * SZ_2M;
	struct vsvm_region m;
	struct vsvm_ctx c[2];
	uint32_t crc;

	map_pattern(&m, size, 11);
	crc = vsvm_pattern_crc(size, 11, 0);
	for (int i = 0; i < 2; i++)
		vsvm_ctx_init(&c[i], fds[i]);
	assert_res(&c[1], m.ptr, size, DRM_VSVM_RESIDENCY_SYSTEM);

	if (fault) {
		vsvm_madvise(fds[1], c[1].vm, addr(m.ptr), size,
			     DRM_VSVM_ATTR_PREFERRED_LOC,
			     DRM_VSVM_REGION_VRAM_OF(0));
		igt_assert_eq_u64(vsvm_attr_query(fds[1], c[1].vm,
						  DRM_VSVM_ATTR_PREFERRED_LOC,
						  addr(m.ptr), NULL, NULL),
				  DRM_VSVM_REGION_VRAM_OF(0));
		/* Nothing moves before the GPU touches it. */
		assert_res(&c[1], m.ptr, size, DRM_VSVM_RESIDENCY_SYSTEM);
		vsvm_ctx_assert_crc(&c[1], m.ptr, size, crc,
				    "faulted into device 0's VRAM by device 1");
	} else {
		igt_assert_eq_u64(vsvm_prefetch(fds[1], c[1].vm, addr(m.ptr),
						size,
						DRM_VSVM_REGION_VRAM_OF(0)),
				  NPAGES(size));
	}
	assert_res_on(c, 0, m.ptr, size);
	vsvm_ctx_assert_crc(&c[1], m.ptr, size, crc,
			    "in device 0's VRAM, read by device 1");
	assert_res_on(c, 0, m.ptr, size);

	igt_assert_eq_u64(vsvm_prefetch(fds[1], c[1].vm, addr(m.ptr), size,
					DRM_VSVM_REGION_VRAM_OF(1)),
			  NPAGES(size));
	assert_res_on(c, 1, m.ptr, size);
	vsvm_check_pattern(m.ptr, size, 11, "back on the CPU");

	vsvm_unmap_region(&m);
	for (int i = 0; i < 2; i++)
		vsvm_ctx_fini(&c[i]);
}

/* ping-pong */

static struct vsvm_cmdbuf *increment_cmdbuf(uint64_t *w, size_t nwords)
{
	struct vsvm_cmdbuf *cb =
		vsvm_cmdbuf_create(nwords * sizeof(struct drm_vsvm_cmd_atomic));

	for (size_t i = 0; i < nwords; i++)
		vsvm_emit_atomic(cb, true, DRM_VSVM_ATOMIC_ADD, addr(&w[i]), 1,
				 0, 0);

	return cb;
}

static void test_ping_pong(void)
{
	const size_t size = PING_PONG_SIZE, nwords = size / 8;
	struct copies before[2], after[2];
	bool counters = debugfs_readable(fds[0]);
	unsigned int holder = 1, moves = 0;
	struct vsvm_cmdbuf *inc;
	struct vsvm_region m;
	struct vsvm_ctx c[2];
	uint64_t *w;

	vsvm_map_anon(&m, size, size);
	w = (uint64_t *)m.ptr;
	for (size_t i = 0; i < nwords; i++)
		w[i] = (uint64_t)i << 32;
	inc = increment_cmdbuf(w, nwords);
	for (int i = 0; i < 2; i++)
		vsvm_ctx_init(&c[i], fds[i]);
	if (counters)
		for (int i = 0; i < 2; i++)
			read_copies(fds[i], &before[i]);

	/* Moved by PREFETCH: from system memory, then device to device. */
	for (unsigned int r = 0; r < PING_PONG_ROUNDS; r++) {
		unsigned int d = r % 2;

		igt_assert_eq_u64(vsvm_prefetch(fds[d], c[d].vm, addr(w), size,
						DRM_VSVM_REGION_VRAM),
				  NPAGES(size));
		moves += r > 0;
		holder = d;
		assert_res_on(c, d, w, size);
		igt_assert_eq(vsvm_exec_wait(fds[d], c[d].vm, 0, inc), 1);
		assert_res_on(c, d, w, size);
	}

	/* Moved by GPU faults, each VM preferring its own VRAM. */
	for (int i = 0; i < 2; i++)
		vsvm_madvise(fds[i], c[i].vm, addr(w), size,
			     DRM_VSVM_ATTR_PREFERRED_LOC,
			     DRM_VSVM_REGION_VRAM);
	for (unsigned int r = 0; r < PING_PONG_ROUNDS; r++) {
		unsigned int d = (r + 1 + holder) % 2;

		igt_assert_eq(vsvm_exec_wait(fds[d], c[d].vm, r % c[d].engines,
					     inc), 1);
		moves++;
		assert_res_on(c, d, w, size);
	}

	if (counters) {
		uint64_t peer = 0;

		for (int i = 0; i < 2; i++) {
			read_copies(fds[i], &after[i]);
			peer += after[i].to_peer - before[i].to_peer;
			igt_assert_eq_u64(after[i].to_system,
					  before[i].to_system);
		}
		igt_assert_eq_u64(peer, (uint64_t)moves * size);
	}

	for (size_t i = 0; i < nwords; i++)
		igt_assert_f(w[i] == ((uint64_t)i << 32) + 2 * PING_PONG_ROUNDS,
			     "word %zu is %#" PRIx64 ", expected %#" PRIx64
			     "\n", i, w[i],
			     ((uint64_t)i << 32) + 2 * PING_PONG_ROUNDS);

	vsvm_cmdbuf_destroy(inc);
	vsvm_unmap_region(&m);
	for (int i = 0; i < 2; i++)
		vsvm_ctx_fini(&c[i]);
}

/* concurrent-faults */

struct cf_thread {
	pthread_t thread;
	pthread_barrier_t *barrier;
	struct vsvm_ctx *c;
	uint8_t *buf;
	unsigned int t;
	int status;		/* of the first job that failed, or 1 */
	unsigned int failed_job;
};

static uint32_t cf_value(unsigned int t, unsigned int job)
{
	return 0x5a000000u | t << 16 | job;
}

static uint8_t *cf_half(uint8_t *chunk, unsigned int t)
{
	return chunk + CF_HALF_OFFSET + t * CF_HALF_SIZE;
}

static uint32_t *cf_log(uint8_t *chunk, unsigned int t)
{
	return (uint32_t *)(cf_half(chunk, t) + CF_FILL_SIZE);
}

/*
 * Runs @cb on @c without asserting: a thread must reach every barrier of
 * its round even after a failure, or the other one would wait for ever.
 * Returns 1, or the submission's or the job's error.
 */
static int cf_run(struct vsvm_ctx *c, uint32_t engine, struct vsvm_cmdbuf *cb,
		  struct drm_vsvm_ufence *uf)
{
	struct drm_vsvm_wait_ufence wait = {
		.address = to_user_pointer(&uf->value),
		.value = VSVM_UFENCE_DONE,
		.mask = ~0ull,
		.op = DRM_VSVM_UFENCE_OP_EQ,
	};
	struct timespec ts;
	int err;

	err = __vsvm_exec_ufence(c->fd, c->vm, engine, cb, NULL, 0, uf);
	if (err)
		return err;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	wait.timeout = (int64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec +
		       VSVM_JOB_WAIT_NS;
	err = __vsvm_wait_ufence(c->fd, &wait);
	if (err)
		return err;

	return vsvm_ufence_status(uf);
}

static void *cf_thread_fn(void *arg)
{
	struct cf_thread *a = arg;
	struct vsvm_cmdbuf *cb = vsvm_cmdbuf_create(SZ_16K);
	struct drm_vsvm_ufence *uf = vsvm_ufence_create();

	a->status = 1;
	/* Both devices start each round together, on the same chunks. */
	for (unsigned int j = 0; j < CF_JOBS; j++) {
		pthread_barrier_wait(a->barrier);
		if (a->status != 1)
			continue;
		vsvm_cmdbuf_reset(cb);
		for (unsigned int k = 0; k < CF_CHUNKS; k++) {
			uint8_t *chunk = a->buf + k * SZ_64K;

			for (unsigned int i = 0; i < CF_COUNTERS; i++)
				vsvm_emit_atomic(cb, true, DRM_VSVM_ATOMIC_ADD,
						 addr(chunk + i * 8), 1, 0, 0);
			vsvm_emit_fill(cb, addr(cf_half(chunk, a->t)),
				       CF_FILL_SIZE, cf_value(a->t, j));
			vsvm_emit_write32(cb, addr(&cf_log(chunk, a->t)[j]),
					  j + 1);
		}
		a->status = cf_run(a->c, j % a->c->engines, cb, uf);
		a->failed_job = j;
	}
	vsvm_ufence_destroy(uf);
	vsvm_cmdbuf_destroy(cb);

	return NULL;
}

static void test_concurrent_faults(void)
{
	const size_t size = CF_CHUNKS * SZ_64K;
	uint64_t st[2][DRM_VSVM_STAT_COUNT];
	struct cf_thread th[2];
	pthread_barrier_t barrier;
	struct vsvm_region m;
	struct vsvm_ctx c[2];
	uint8_t r0[NPAGES(CF_CHUNKS * SZ_64K)], r1[sizeof(r0)];
	bool counters = debugfs_readable(fds[0]);
	struct copies before[2], after[2];

	vsvm_map_anon(&m, size, SZ_2M);
	memset(m.ptr, 0, size);
	for (int i = 0; i < 2; i++) {
		vsvm_ctx_init(&c[i], fds[i]);
		vsvm_madvise(fds[i], c[i].vm, addr(m.ptr), size,
			     DRM_VSVM_ATTR_GRANULARITY, SZ_64K);
		vsvm_madvise(fds[i], c[i].vm, addr(m.ptr), size,
			     DRM_VSVM_ATTR_PREFERRED_LOC,
			     DRM_VSVM_REGION_VRAM);
	}

	if (counters)
		for (int i = 0; i < 2; i++)
			read_copies(fds[i], &before[i]);
	pthread_barrier_init(&barrier, NULL, 2);
	for (unsigned int t = 0; t < 2; t++) {
		th[t] = (struct cf_thread){
			.barrier = &barrier,
			.c = &c[t],
			.buf = m.ptr,
			.t = t,
		};
		igt_assert_eq(pthread_create(&th[t].thread, NULL, cf_thread_fn,
					     &th[t]), 0);
	}
	for (unsigned int t = 0; t < 2; t++)
		pthread_join(th[t].thread, NULL);
	pthread_barrier_destroy(&barrier);
	igt_thread_assert_no_failures();
	for (unsigned int t = 0; t < 2; t++)
		igt_assert_f(th[t].status == 1,
			     "device %u: job %u failed: %d\n", t,
			     th[t].failed_job, th[t].status);

	/* Each chunk ended up in the VRAM of one device, peer on the other. */
	vsvm_residency(fds[0], c[0].vm, addr(m.ptr), NPAGES(size), r0);
	vsvm_residency(fds[1], c[1].vm, addr(m.ptr), NPAGES(size), r1);
	for (size_t pg = 0; pg < NPAGES(size); pg++) {
		size_t first = pg / NPAGES(SZ_64K) * NPAGES(SZ_64K);

		igt_assert_f((r0[pg] == DRM_VSVM_RESIDENCY_VRAM &&
			      r1[pg] == DRM_VSVM_RESIDENCY_PEER) ||
			     (r0[pg] == DRM_VSVM_RESIDENCY_PEER &&
			      r1[pg] == DRM_VSVM_RESIDENCY_VRAM),
			     "page %zu: %s on device 0, %s on device 1\n", pg,
			     vsvm_residency_name(r0[pg]),
			     vsvm_residency_name(r1[pg]));
		igt_assert_f(r0[pg] == r0[first],
			     "page %zu is not where the rest of its chunk is\n",
			     pg);
	}
	for (int i = 0; i < 2; i++) {
		vsvm_uapi_stats(fds[i], c[i].vm, st[i]);
		igt_info("device %d: %" PRIu64 " faults, %" PRIu64
			 " invalidations\n", i, st[i][DRM_VSVM_STAT_FAULTS],
			 st[i][DRM_VSVM_STAT_INVALIDATIONS]);
		igt_assert_eq_u64(st[i][DRM_VSVM_STAT_JOBS_FAILED], 0);
	}
	/*
	 * The range moved between the devices more than once: each move
	 * zaps the GPU entries of the device it leaves. (Not once per
	 * round: a fault's migration is best effort, pages it cannot take
	 * while the other device moves them are mirrored where they are.)
	 */
	igt_assert_f(st[0][DRM_VSVM_STAT_INVALIDATIONS] +
		     st[1][DRM_VSVM_STAT_INVALIDATIONS] >= 2,
		     "%" PRIu64 " + %" PRIu64 " invalidations in %u rounds: "
		     "the chunks did not move between the devices\n",
		     st[0][DRM_VSVM_STAT_INVALIDATIONS],
		     st[1][DRM_VSVM_STAT_INVALIDATIONS], CF_JOBS);
	if (counters) {
		uint64_t peer = 0;

		for (int i = 0; i < 2; i++) {
			read_copies(fds[i], &after[i]);
			peer += after[i].to_peer - before[i].to_peer;
		}
		/*
		 * Not asserted: which moves go device to device and which
		 * lose the race and leave the pages where they are is timing
		 * (peer-migrate-* check the direct copies themselves).
		 */
		igt_info("%" PRIu64 " KiB copied between the devices in %u "
			 "rounds\n", peer >> 10, CF_JOBS);
	}

	/* Exact sums, the last fill of each device, every job's word. */
	for (unsigned int k = 0; k < CF_CHUNKS; k++) {
		uint8_t *chunk = m.ptr + k * SZ_64K;
		const uint64_t *ctr = (const uint64_t *)chunk;

		for (unsigned int i = 0; i < CF_COUNTERS; i++)
			igt_assert_f(ctr[i] == 2 * CF_JOBS,
				     "chunk %u counter %u is %" PRIu64
				     ", expected %u\n", k, i, ctr[i],
				     2 * CF_JOBS);
		for (size_t off = CF_COUNTERS * 8; off < CF_HALF_OFFSET; off++)
			igt_assert_eq(chunk[off], 0);
		for (unsigned int t = 0; t < 2; t++) {
			const uint32_t *log = cf_log(chunk, t);

			vsvm_check_words(cf_half(chunk, t), CF_FILL_SIZE,
					 cf_value(t, CF_JOBS - 1),
					 "the last fill of its device");
			for (unsigned int j = 0; j < SZ_1K / 4; j++)
				igt_assert_f(log[j] == (j < CF_JOBS ? j + 1 : 0),
					     "chunk %u device %u job word %u is %u\n",
					     k, t, j, log[j]);
		}
	}

	vsvm_unmap_region(&m);
	for (int i = 0; i < 2; i++)
		vsvm_ctx_fini(&c[i]);
}

/* evict-while-peer-reads */

struct peer_reader {
	pthread_t thread;
	struct vsvm_ctx *c;
	const void *p;
	size_t size;
	uint32_t crc;
	bool stop;
	unsigned int reads;	/* read by the main thread */
	unsigned int bad;
	uint32_t bad_crc;
};

static void *peer_reader_fn(void *arg)
{
	struct peer_reader *r = arg;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		uint32_t crc = vsvm_ctx_crc(r->c, r->p, r->size);

		if (crc != r->crc && !r->bad++)
			r->bad_crc = crc;
		__atomic_fetch_add(&r->reads, 1, __ATOMIC_RELEASE);
		/*
		 * A gap between reads: an allocation an engine is reading
		 * at that moment is skipped by the evictor (busy), and back
		 * to back reads would keep the buffer busy for good.
		 */
		usleep(PEER_READ_GAP_US);
	}

	return NULL;
}

static void wait_reads(struct peer_reader *r, unsigned int reads)
{
	uint64_t end = vsvm_gettime_ns() + 120ull * NSEC_PER_SEC;

	while (__atomic_load_n(&r->reads, __ATOMIC_ACQUIRE) < reads) {
		igt_assert_f(vsvm_gettime_ns() < end,
			     "the peer's reads stalled at %u\n", r->reads);
		usleep(1000);
	}
}

static void test_evict_while_peer_reads(void)
{
	const size_t size = SZ_2M;
	const uint64_t vram = vsvm_vram_size(fds[0]);
	const size_t ovc_size = 3 * vram;
	struct vsvm_region x, ovc;
	struct peer_reader r;
	struct vsvm_ctx c[2];
	bool counters = debugfs_readable(fds[0]);
	uint64_t moved = 0, evicted_at = 0, ev0 = 0;
	bool evicted = false;

	if (counters)
		ev0 = vsvm_device_stat_by_name(fds[0], "evictions");
	map_pattern(&x, size, 5);
	vsvm_map_region(&ovc, ovc_size, SZ_2M, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	for (int i = 0; i < 2; i++)
		vsvm_ctx_init(&c[i], fds[i]);
	igt_assert_eq_u64(vsvm_prefetch(fds[0], c[0].vm, addr(x.ptr), size,
					DRM_VSVM_REGION_VRAM), NPAGES(size));
	assert_res_on(c, 0, x.ptr, size);

	r = (struct peer_reader){
		.c = &c[1],
		.p = x.ptr,
		.size = size,
		.crc = vsvm_pattern_crc(size, 5, 0),
	};
	igt_assert_eq(pthread_create(&r.thread, NULL, peer_reader_fn, &r), 0);
	wait_reads(&r, 2);
	assert_res_on(c, 0, x.ptr, size);

	/*
	 * Overcommit device 0's VRAM 2 MiB at a time, a word in each chunk
	 * to check afterwards, until the buffer the peer reads is evicted,
	 * and a little more. The evictor is a CLOCK over engine accesses,
	 * and the peer's reads keep the buffer referenced: after each
	 * prefetch, device 0's GPU writes a second word into every chunk
	 * moved so far, so that they are referenced as well. With every
	 * allocation referenced, each eviction takes the head of the list
	 * and rotates it, which reaches the buffer within one round.
	 */
	for (size_t off = 0; off < ovc_size; off += SZ_2M) {
		uint64_t *word = (uint64_t *)(ovc.ptr + off);

		*word = off | 1;
		vsvm_prefetch(fds[0], c[0].vm, addr(word), SZ_2M,
			      DRM_VSVM_REGION_VRAM);
		for (size_t o = 0; o <= off; o += SZ_2M)
			vsvm_emit_write64(c[0].cb, addr(ovc.ptr + o + 8),
					  o | 2);
		igt_assert_eq(vsvm_ctx_run(&c[0]), 1);
		moved += SZ_2M;
		if (!evicted &&
		    vsvm_residency_count(fds[0], c[0].vm, addr(x.ptr),
					 NPAGES(size),
					 DRM_VSVM_RESIDENCY_VRAM) < NPAGES(size)) {
			evicted = true;
			evicted_at = moved;
			wait_reads(&r, __atomic_load_n(&r.reads,
							__ATOMIC_ACQUIRE) + 2);
		}
		if (evicted && moved >= evicted_at + vram / 4)
			break;
	}
	wait_reads(&r, __atomic_load_n(&r.reads, __ATOMIC_ACQUIRE) + 2);
	__atomic_store_n(&r.stop, true, __ATOMIC_RELEASE);
	pthread_join(r.thread, NULL);
	igt_thread_assert_no_failures();

	igt_info("%u reads by the peer; the buffer left VRAM after %" PRIu64
		 " MiB of %" PRIu64 " MiB moved\n", r.reads, evicted_at >> 20,
		 vram >> 20);
	igt_assert_f(!r.bad, "%u of %u checksums by the peer wrong (%#x, expected %#x)\n",
		     r.bad, r.reads, r.bad_crc, r.crc);
	/* Device 0 evicted while its peer read (CLOCK: any allocation). */
	if (counters) {
		uint64_t ev1 = vsvm_device_stat_by_name(fds[0], "evictions");

		igt_assert_f(ev1 > ev0, "device 0 evicted nothing while "
			     "moving %" PRIu64 " MiB into its VRAM\n",
			     moved >> 20);
	}
	if (evicted) {
		/* Reads in place moved nothing back: it is in system memory. */
		assert_res(&c[0], x.ptr, size, DRM_VSVM_RESIDENCY_SYSTEM);
		assert_res(&c[1], x.ptr, size, DRM_VSVM_RESIDENCY_SYSTEM);
	} else {
		/*
		 * The evictor is least recently used: a buffer the peer
		 * reads without a pause may keep its place while the rest
		 * goes. It is still in device 0's VRAM, whole.
		 */
		igt_info("the buffer the peer kept reading stayed in device 0's VRAM\n");
		assert_res_on(c, 0, x.ptr, size);
	}
	vsvm_ctx_assert_crc(&c[1], x.ptr, size, r.crc, "after the overcommit");

	vsvm_check_pattern(x.ptr, size, 5, "after eviction, on the CPU");
	for (size_t off = 0; off < moved; off += SZ_2M) {
		const uint64_t *word = (const uint64_t *)(ovc.ptr + off);

		igt_assert_eq_u64(word[0], off | 1);
		igt_assert_eq_u64(word[1], off | 2);
		igt_assert_eq_u64(word[SZ_2M / 8 - 1], 0);
	}

	vsvm_unmap_region(&ovc);
	vsvm_unmap_region(&x);
	for (int i = 0; i < 2; i++)
		vsvm_ctx_fini(&c[i]);
}

/* unbind-one */

static void set_bound_mask(unsigned long mask)
{
	int err = __write_bound_mask(mask);

	igt_assert_f(!err, "writing %#lx to bound_mask: %s\n", mask,
		     strerror(-err));
	igt_assert_eq(read_bound_mask(), (long)mask);
}

static void test_unbind_one(void)
{
	const size_t size = 2 * SZ_2M;
	const unsigned long full = full_mask();
	struct drm_vsvm_query_device dev;
	struct drm_vsvm_query q = {
		.query = DRM_VSVM_QUERY_DEVICE,
		.size = sizeof(dev),
		.data = to_user_pointer(&dev),
	};
	struct drm_vsvm_vm_create create = { .flags = DRM_VSVM_VM_CREATE_SVM };
	struct drm_vsvm_prefetch pf = { .region = DRM_VSVM_REGION_SYSTEM };
	struct drm_vsvm_residency rs = {};
	struct drm_vsvm_ufence *uf;
	struct vsvm_region m;
	struct vsvm_ctx c[2];
	uint8_t out[16];
	uint32_t crc;
	int fd1;

	igt_require_f(getuid() == 0, "needs root to write bound_mask\n");
	igt_require_f(access(BOUND_MASK_PARAM, W_OK) == 0,
		      "no writable %s\n", BOUND_MASK_PARAM);
	igt_require_f(read_bound_mask() == (long)full,
		      "not every device is bound (bound_mask %ld)\n",
		      read_bound_mask());

	/* Bits beyond num_devices are refused. */
	igt_assert_eq(__write_bound_mask(full | 1ul << num_devices), -EINVAL);
	igt_assert_eq(read_bound_mask(), (long)full);

	map_pattern(&m, size, 7);
	crc = vsvm_pattern_crc(size, 7, 0);
	fd1 = drm_open_vsvm_render_index(1);
	vsvm_ctx_init(&c[0], fds[0]);
	vsvm_ctx_init(&c[1], fd1);
	igt_assert_eq_u64(vsvm_prefetch(fd1, c[1].vm, addr(m.ptr), size,
					DRM_VSVM_REGION_VRAM), NPAGES(size));
	assert_res_on(c, 1, m.ptr, size);
	vsvm_ctx_assert_crc(&c[0], m.ptr, size, crc, "device 1's VRAM, read by 0");

	/* Device 1 goes, with pages in its VRAM and a file open. */
	snprintf(restore_mask, sizeof(restore_mask), "%#lx\n", full);
	mask_changed = true;
	set_bound_mask(full & ~2ul);
	igt_assert_eq(__drm_open_vsvm_render_index(1), -ENODEV);
	igt_assert_eq(__vsvm_query(fd1, &q), -ENODEV);
	igt_assert_eq(__vsvm_vm_create(fd1, &create), -ENODEV);
	rs.vm_id = c[1].vm;
	rs.start = addr(m.ptr);
	rs.npages = ARRAY_SIZE(out);
	rs.data = addr(out);
	igt_assert_eq(__vsvm_residency(fd1, &rs), -ENODEV);
	pf.vm_id = c[1].vm;
	pf.start = addr(m.ptr);
	pf.length = size;
	igt_assert_eq(__vsvm_prefetch(fd1, &pf), -ENODEV);
	uf = vsvm_ufence_create();
	vsvm_emit_nop(c[1].cb);
	igt_assert_eq(__vsvm_exec_ufence(fd1, c[1].vm, 0, c[1].cb, NULL, 0,
					 uf), -ENODEV);
	vsvm_ufence_destroy(uf);

	/* Its VRAM came back to system memory intact; device 0 works. */
	assert_res(&c[0], m.ptr, size, DRM_VSVM_RESIDENCY_SYSTEM);
	vsvm_ctx_assert_crc(&c[0], m.ptr, size, crc, "after the unplug");
	igt_assert_eq_u64(vsvm_prefetch(fds[0], c[0].vm, addr(m.ptr), size,
					DRM_VSVM_REGION_VRAM), NPAGES(size));
	assert_res(&c[0], m.ptr, size, DRM_VSVM_RESIDENCY_VRAM);
	vsvm_ctx_assert_crc(&c[0], m.ptr, size, crc, "in device 0's VRAM");
	vsvm_check_pattern(m.ptr, size, 7, "after the unplug, on the CPU");

	/* The dead device's file still closes cleanly. */
	vsvm_cmdbuf_destroy(c[1].cb);
	vsvm_unmap_region(&c[1].res);
	close(fd1);

	/* A new device 1 works, with the peer interconnect. */
	set_bound_mask(full);
	mask_changed = false;
	vsvm_ctx_fini(&c[0]);
	open_devices();
	igt_assert_lte(0, fds[1]);
	igt_assert_eq_u32(vsvm_device_index(fds[1]), 1);
	igt_assert_eq_u32(vsvm_num_devices(fds[1]), num_devices);
	for (int i = 0; i < 2; i++)
		vsvm_ctx_init(&c[i], fds[i]);
	vsvm_ctx_assert_crc(&c[1], m.ptr, size, crc, "read by the new device");
	igt_assert_eq_u64(vsvm_prefetch(fds[1], c[1].vm, addr(m.ptr), size,
					DRM_VSVM_REGION_VRAM), NPAGES(size));
	assert_res_on(c, 1, m.ptr, size);
	vsvm_ctx_assert_crc(&c[0], m.ptr, size, crc,
			    "the new device's VRAM, read by 0");
	vsvm_check_pattern(m.ptr, size, 7, "back from the new device");

	vsvm_unmap_region(&m);
	for (int i = 0; i < 2; i++)
		vsvm_ctx_fini(&c[i]);
}

igt_main
{
	igt_fixture {
		int fd;

		page_size = sysconf(_SC_PAGESIZE);
		igt_require(page_size == SZ_4K);
		fd = drm_open_vsvm_render();
		num_devices = vsvm_num_devices(fd);
		close(fd);
		igt_info("vsvm: %u device(s)\n", num_devices);
		open_devices();
		igt_install_exit_handler(restore_bound_mask);
	}

	igt_describe("Each bound device has a render node of its own and "
		     "reports a distinct device_index below num_devices, and "
		     "the same num_devices; bound_mask names exactly those "
		     "devices, and opening by index finds each.");
	igt_subtest("query-devices")
		test_query_devices();

	igt_describe("VMs on devices 0 and 1 mirror the same mm: what one "
		     "GPU writes into malloc()ed memory the other GPU copies "
		     "and reads, both ways; the CPU sees both, and both GPUs "
		     "see the CPU's later writes.");
	igt_subtest("mirror-same-mm")
		test_mirror_same_mm();

	igt_describe("Pages in device 0's VRAM read as PEER on device 1's "
		     "VM; device 1's GPU reads, writes and adds to them in "
		     "place: nothing moves (residency, migration counters), "
		     "and the CPU then sees its writes. In THP pages with "
		     "2 MiB chunks, and in 4 KiB pages with 4 KiB chunks.");
	igt_subtest_with_dynamic("peer-access") {
		require_two(true);
		igt_dynamic("thp") {
			igt_require_f(vsvm_thp_enabled(),
				      "transparent hugepages are disabled\n");
			test_peer_access(true);
		}
		igt_dynamic("4k")
			test_peer_access(false);
	}

	igt_describe("With a preferred location of VRAM on device 1's VM, "
		     "device 1's GPU fault moves a buffer from device 0's "
		     "VRAM to its own directly: VRAM on 1, PEER on 0, data "
		     "intact, device 0's bytes_to_peer grew by its size and "
		     "bytes_to_system not at all.");
	igt_subtest("peer-migrate-fault") {
		require_two(true);
		test_peer_migrate(true);
	}

	igt_describe("PREFETCH to VRAM on device 1's VM moves a buffer from "
		     "device 0's VRAM to device 1's directly, as the fault "
		     "does.");
	igt_subtest("peer-migrate-prefetch") {
		require_two(true);
		test_peer_migrate(false);
	}

	igt_describe("Device 1's VM with a preferred location in device 0's "
		     "VRAM (DRM_VSVM_REGION_VRAM_OF(0)): device 1's GPU fault "
		     "moves the chunk into device 0's VRAM and reads it there "
		     "in place; PREFETCH to VRAM_OF(1) brings it to its own.");
	igt_subtest("peer-preferred-loc") {
		require_two(true);
		test_vram_of(true);
	}

	igt_describe("PREFETCH on device 1's VM to DRM_VSVM_REGION_VRAM_OF(0): "
		     "the pages go to device 0's VRAM, and device 1's GPU "
		     "reads them in place.");
	igt_subtest("peer-prefetch-vram-of") {
		require_two(true);
		test_vram_of(false);
	}

	igt_describe("A buffer moves between devices 0 and 1, 16 times by "
		     "prefetch and 16 times by GPU faults with a preferred "
		     "location of VRAM on both VMs; each round the GPU of "
		     "the device holding it increments every word. Residency "
		     "follows each move and the final values are exact.");
	igt_subtest("ping-pong") {
		require_two(true);
		test_ping_pong();
	}

	igt_describe("Two threads, one per device, fault the same two chunks "
		     "in 24 rounds they start together, with a preferred "
		     "location of VRAM on both VMs: atomics on shared "
		     "counters and writes to disjoint halves. The chunks move "
		     "between the devices; the sums, fills and "
		     "per-job words are exact, and each chunk ends in one "
		     "device's VRAM.");
	igt_subtest("concurrent-faults") {
		require_two(true);
		test_concurrent_faults();
	}

	igt_describe("Device 1's GPU checksums a buffer in device 0's VRAM "
		     "over and over while the process overcommits device 0's "
		     "VRAM until the buffer is evicted: every checksum "
		     "matches, and the buffer ends in system memory.");
	igt_subtest("evict-while-peer-reads") {
		require_two(true);
		test_evict_while_peer_reads();
	}

	igt_describe("Unplug device 1 alone (bound_mask) with a buffer in its "
		     "VRAM and a file open on it: the data is back in system "
		     "memory intact, device 0 keeps working, the open file's "
		     "ioctls fail with ENODEV; a device 1 created again "
		     "works. Needs root.");
	igt_subtest("unbind-one") {
		require_two(true);
		test_unbind_one();
	}

	igt_fixture {
		restore_bound_mask(0);
		for (int i = 0; i < 2; i++)
			if (fds[i] >= 0)
				close(fds[i]);
	}
}
