// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "igt.h"
#include "igt_syncobj.h"
#include "igt_vsvm.h"
#include "igt_vsvm_mem.h"
#include "igt_vsvm_vram.h"
#include "vsvm_drm.h"

IGT_TEST_DESCRIPTION("Bounds on what userspace makes vsvm allocate, memory "
		     "cgroup charging of it, and validation of EXEC's "
		     "arguments and of commands.");

/* The driver's bounds (uapi 0.5). */
#define MAX_VMS_PER_FILE	256
#define MAX_JOBS_PER_VM		1024
#define MAX_ATTR_RANGES		1024
#define MAX_NOTIFIERS		1024
#define NOTIFIER_SIZE		(512ull << 20)

/*
 * The end of the GPU's reach (VSVM_VA_BITS 48: 2^47), at or above x86-64's
 * TASK_SIZE with 4-level paging (2^47 - 4096), below it with 5-level.
 */
#define GPU_END			(1ull << 47)
#define USER_END		(GPU_END - 4096)

/* Far from anything mapped: MADVISE needs no mapping. */
#define FAR_BASE		(1ull << 44)

static void test_vms_per_file(void)
{
	int fd = drm_open_vsvm_render();
	struct drm_vsvm_vm_create create = {
		.flags = DRM_VSVM_VM_CREATE_SVM,
	};
	uint32_t ids[MAX_VMS_PER_FILE];

	for (int i = 0; i < MAX_VMS_PER_FILE; i++)
		ids[i] = vsvm_vm_create(fd);
	igt_assert_eq(__vsvm_vm_create(fd, &create), -ENOSPC);
	igt_assert_eq_u32(create.vm_id, 0);

	/* One destroyed makes room for one. */
	vsvm_vm_destroy(fd, ids[7]);
	ids[7] = vsvm_vm_create(fd);
	for (int i = 0; i < MAX_VMS_PER_FILE; i++)
		vsvm_vm_destroy(fd, ids[i]);

	/* The bound is per file. */
	ids[0] = vsvm_vm_create(fd);
	vsvm_vm_destroy(fd, ids[0]);
	close(fd);
}

static int madvise_one(int fd, uint32_t vm, uint64_t start, uint64_t len,
		       uint64_t value)
{
	struct drm_vsvm_madvise m = {
		.vm_id = vm,
		.attr = DRM_VSVM_ATTR_PREFERRED_LOC,
		.start = start,
		.length = len,
		.value = value,
	};

	return __vsvm_madvise(fd, &m);
}

static void test_attr_ranges(int fd)
{
	uint32_t vm = vsvm_vm_create(fd);
	uint64_t start, end;
	int i;

	/* Disjoint pages, all in one notifier's 512 MiB. */
	for (i = 0; i < MAX_ATTR_RANGES; i++)
		igt_assert_eq(madvise_one(fd, vm, FAR_BASE + i * 8192ull, 4096,
					  DRM_VSVM_REGION_SYSTEM), 0);
	igt_assert_eq(madvise_one(fd, vm, FAR_BASE + i * 8192ull, 4096,
				  DRM_VSVM_REGION_SYSTEM), -ENOSPC);
	/* Refused: nothing changed there. */
	igt_assert_eq_u64(vsvm_attr_query(fd, vm, DRM_VSVM_ATTR_PREFERRED_LOC,
					  FAR_BASE + i * 8192ull, &start,
					  &end), 0);
	/* Overwriting an existing range, or clearing, is still fine. */
	igt_assert_eq(madvise_one(fd, vm, FAR_BASE, 4096,
				  DRM_VSVM_REGION_VRAM), 0);
	igt_assert_eq(madvise_one(fd, vm, FAR_BASE, 16 * 8192, 0), 0);
	igt_assert_eq(madvise_one(fd, vm, FAR_BASE + i * 8192ull, 4096,
				  DRM_VSVM_REGION_SYSTEM), 0);
	vsvm_vm_destroy(fd, vm);
}

static void test_madvise_span(int fd)
{
	uint32_t vm = vsvm_vm_create(fd);
	uint64_t span = (MAX_NOTIFIERS + 1) * NOTIFIER_SIZE;

	/* The whole address space, or just over 512 GiB: too large. */
	igt_assert_eq(madvise_one(fd, vm, 0, USER_END,
				  DRM_VSVM_REGION_SYSTEM), -E2BIG);
	igt_assert_eq(madvise_one(fd, vm, FAR_BASE, span,
				  DRM_VSVM_REGION_SYSTEM), -E2BIG);
	/* The default value is never bounded. */
	igt_assert_eq(madvise_one(fd, vm, 0, USER_END, 0), 0);
	vsvm_vm_destroy(fd, vm);
}

/* MADVISE calls of 1 GiB (two notifiers each) until -ENOSPC. */
static int notifier_budget(int fd, uint32_t vm, uint64_t base)
{
	int n, ret;

	for (n = 0; n < MAX_NOTIFIERS; n++) {
		ret = madvise_one(fd, vm, base + n * 2 * NOTIFIER_SIZE,
				  2 * NOTIFIER_SIZE, DRM_VSVM_REGION_SYSTEM);
		if (ret)
			break;
	}
	igt_assert_eq(ret, -ENOSPC);

	return n;
}

static void test_madvise_notifiers(int fd)
{
	uint32_t vm = vsvm_vm_create(fd);
	int n = notifier_budget(fd, vm, FAR_BASE);

	igt_info("%d MADVISE calls of 1 GiB before ENOSPC\n", n);
	igt_assert_lte(MAX_NOTIFIERS / 2 - 8, n);
	igt_assert_lte(n, MAX_NOTIFIERS / 2);
	vsvm_vm_destroy(fd, vm);
}

/* RESIDENCY leaves no state: the notifier budget is whole after it. */
static void test_residency_no_state(int fd)
{
	uint64_t npages = VSVM_RESIDENCY_MAX_PAGES;
	uint8_t *res = malloc(npages);
	uint32_t vm = vsvm_vm_create(fd);
	int n;

	igt_assert(res);
	/* 64 GiB of unmapped address space: 128 notifiers' worth. */
	for (int i = 0; i < 16; i++)
		vsvm_residency(fd, vm, FAR_BASE + i * npages * 4096, npages,
			       res);
	igt_assert_eq(res[0], DRM_VSVM_RESIDENCY_NONE);
	n = notifier_budget(fd, vm, FAR_BASE + (1ull << 42));
	igt_info("%d MADVISE calls of 1 GiB before ENOSPC\n", n);
	igt_assert_lte(MAX_NOTIFIERS / 2 - 8, n);
	vsvm_vm_destroy(fd, vm);
	free(res);
}

static void test_jobs_in_flight(int fd)
{
	struct vsvm_ctx c;
	struct vsvm_cmdbuf *gate, *nop;
	struct drm_vsvm_ufence *gate_uf, *last_uf;
	volatile uint64_t *word;
	int i, ret;

	vsvm_ctx_init(&c, fd);
	word = (volatile uint64_t *)&c.results[2];
	*word = 0;
	gate = vsvm_cmdbuf_create(4096);
	nop = vsvm_cmdbuf_create(4096);
	vsvm_emit_nop(nop);
	gate_uf = vsvm_ufence_create();
	last_uf = vsvm_ufence_create();

	/*
	 * A job that waits for the CPU, then jobs queued behind it on its
	 * engine (an engine runs a VM's jobs in order).
	 */
	vsvm_emit_wait(gate, true, to_user_pointer((void *)word), 1, ~0ull,
		       DRM_VSVM_WAIT_EQ);
	vsvm_exec_ufence(fd, c.vm, 0, gate, NULL, 0, gate_uf);
	for (i = 1; i < MAX_JOBS_PER_VM; i++)
		vsvm_exec_submit(fd, c.vm, 0, nop, NULL, 0);
	ret = __vsvm_exec_submit(fd, c.vm, 0, nop, NULL, 0);
	igt_assert_eq(ret, -ENOSPC);

	/* Once they are done, there is room again. */
	*word = 1;
	igt_assert_eq(vsvm_ufence_wait_status(fd, gate_uf,
					       VSVM_JOB_WAIT_NS), 1);
	for (i = 0; i < 1000; i++) {
		ret = __vsvm_exec_ufence(fd, c.vm, 0, nop, NULL, 0, last_uf);
		if (ret != -ENOSPC)
			break;
		usleep(10000);
	}
	igt_assert_eq(ret, 0);
	igt_assert_eq(vsvm_ufence_wait_status(fd, last_uf,
					       VSVM_JOB_WAIT_NS), 1);

	vsvm_ufence_destroy(gate_uf);
	vsvm_ufence_destroy(last_uf);
	vsvm_cmdbuf_destroy(gate);
	vsvm_cmdbuf_destroy(nop);
	vsvm_ctx_fini(&c);
}

/* memory cgroup v2: a child in a cgroup of its own is charged. */
#define CGROUP_DIR	"/sys/fs/cgroup/vsvm-igt-bounds"

static void cg_write(const char *file, const char *value)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), CGROUP_DIR "/%s", file);
	fd = open(path, O_WRONLY);
	igt_assert_f(fd >= 0, "open %s: %m\n", path);
	igt_assert_eq(write(fd, value, strlen(value)), (ssize_t)strlen(value));
	close(fd);
}

static uint64_t cg_read(const char *file)
{
	unsigned long long v = 0;
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), CGROUP_DIR "/%s", file);
	f = fopen(path, "r");
	igt_assert(f);
	igt_assert_eq(fscanf(f, "%llu", &v), 1);
	fclose(f);

	return v;
}

static void memcg_child(void)
{
	uint64_t before, after_vms, after_attrs;
	char pid[32], max[32];
	uint32_t vms[200];
	int fd;

	snprintf(pid, sizeof(pid), "%d", getpid());
	cg_write("cgroup.procs", pid);
	fd = drm_open_vsvm_render();
	before = cg_read("memory.current");
	snprintf(max, sizeof(max), "%llu",
		 (unsigned long long)(before + (256ull << 20)));
	cg_write("memory.max", max);

	for (int i = 0; i < 200; i++)
		vms[i] = vsvm_vm_create(fd);
	after_vms = cg_read("memory.current");
	/*
	 * Charges reach memory.current in per-CPU batches of up to 256 KiB:
	 * enough attribute ranges to stand out, in 64 VMs.
	 */
	for (int v = 0; v < 64; v++)
		for (int i = 0; i < MAX_ATTR_RANGES; i++)
			igt_assert_eq(madvise_one(fd, vms[v],
						  FAR_BASE + i * 8192ull, 4096,
						  DRM_VSVM_REGION_SYSTEM), 0);
	after_attrs = cg_read("memory.current");
	igt_info("memory.current: %llu, %llu after 200 VMs, %llu after %d attribute ranges\n",
		 (unsigned long long)before, (unsigned long long)after_vms,
		 (unsigned long long)after_attrs, 64 * MAX_ATTR_RANGES);
	/* A VM is more than 1 KiB of metadata, an attribute range 32 bytes. */
	igt_assert_lte_u64(before + 200 * 1024, after_vms);
	igt_assert_lte_u64(after_vms + 64 * MAX_ATTR_RANGES * 32, after_attrs);
	close(fd);
}

static void test_memcg(void)
{
	struct stat st;
	int fd;

	/* A bare guest may not have mounted it. */
	if (stat("/sys/fs/cgroup/cgroup.controllers", &st))
		mount("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, NULL);
	igt_require_f(!stat("/sys/fs/cgroup/cgroup.controllers", &st),
		      "no cgroup v2 at /sys/fs/cgroup (CONFIG_MEMCG?)\n");
	fd = open("/sys/fs/cgroup/cgroup.subtree_control", O_WRONLY);
	if (fd >= 0) {
		igt_assert(write(fd, "+memory", 7) == 7 || errno);
		close(fd);
	}
	rmdir(CGROUP_DIR);
	igt_require_f(!mkdir(CGROUP_DIR, 0755), "mkdir %s: %m\n", CGROUP_DIR);
	igt_require_f(!stat(CGROUP_DIR "/memory.max", &st),
		      "the memory controller is not enabled\n");

	igt_fork(child, 1)
		memcg_child();
	igt_waitchildren();
	rmdir(CGROUP_DIR);
}

/* EXEC with @exec's batch, which must be refused with EINVAL. */
static void check_exec_refused(int fd, struct drm_vsvm_exec *exec)
{
	struct drm_vsvm_exec before = *exec;

	igt_assert_eq(__vsvm_exec(fd, exec), -EINVAL);
	igt_assert(!memcmp(&before, exec, sizeof(before)));
}

static void test_exec_batch_wrap(int fd)
{
	uint32_t vm = vsvm_vm_create(fd);
	struct drm_vsvm_exec exec = {
		.vm_id = vm,
		.batch_address = ~0ull - 7,
		.batch_size = 16,
	};

	check_exec_refused(fd, &exec);
	exec.batch_address = -4096ull;
	exec.batch_size = 8192;
	check_exec_refused(fd, &exec);
	vsvm_vm_destroy(fd, vm);
}

static void test_exec_batch_beyond_user(int fd)
{
	uint32_t vm = vsvm_vm_create(fd);
	struct drm_vsvm_exec exec = {
		.vm_id = vm,
		.batch_address = GPU_END - 8,
		.batch_size = 16,
	};

	check_exec_refused(fd, &exec);
	exec.batch_address = GPU_END;
	exec.batch_size = 8;
	check_exec_refused(fd, &exec);
	exec.batch_address = 1ull << 56;
	check_exec_refused(fd, &exec);
	exec.batch_address = 0xffff800000000000ull;
	check_exec_refused(fd, &exec);
	vsvm_vm_destroy(fd, vm);
}

enum bad_cmd {
	BAD_WRITE32_VALUE,
	BAD_ATOMIC32_OPERAND,
	BAD_ATOMIC32_COMPARE,
	BAD_WAIT32_VALUE,
	BAD_WAIT32_MASK,
	BAD_FILL_PAD,
	BAD_ATOMIC_PAD,
	BAD_WAIT_PAD,
	BAD_NOP_FLAGS,
};

/* A command with non-zero unused bits fails its job with EINVAL. */
static void test_cmd_unused_bits(int fd, enum bad_cmd bad)
{
	struct drm_vsvm_vm_error err;
	volatile uint32_t *target;
	struct vsvm_ctx c;
	uint64_t cmd_addr = 0, t;

	vsvm_ctx_init(&c, fd);
	target = &c.results[4];
	t = to_user_pointer((void *)target);
	*target = 7;

	switch (bad) {
	case BAD_WRITE32_VALUE: {
		struct drm_vsvm_cmd_write *w;

		cmd_addr = vsvm_emit_write32(c.cb, t, 1);
		w = (void *)(uintptr_t)cmd_addr;
		w->value |= 1ull << 32;
		break;
	}
	case BAD_ATOMIC32_OPERAND:
	case BAD_ATOMIC32_COMPARE:
	case BAD_ATOMIC_PAD: {
		struct drm_vsvm_cmd_atomic *a;

		cmd_addr = vsvm_emit_atomic(c.cb, false,
					    DRM_VSVM_ATOMIC_CMPXCHG, t, 1, 7,
					    0);
		a = (void *)(uintptr_t)cmd_addr;
		if (bad == BAD_ATOMIC32_OPERAND)
			a->operand |= 1ull << 63;
		else if (bad == BAD_ATOMIC32_COMPARE)
			a->compare |= 1ull << 40;
		else
			a->pad = 1;
		break;
	}
	case BAD_WAIT32_VALUE:
	case BAD_WAIT32_MASK:
	case BAD_WAIT_PAD: {
		struct drm_vsvm_cmd_wait *w;

		cmd_addr = vsvm_emit_wait(c.cb, false, t, 7, 0xffffffff,
					  DRM_VSVM_WAIT_EQ);
		w = (void *)(uintptr_t)cmd_addr;
		if (bad == BAD_WAIT32_VALUE)
			w->value |= 1ull << 32;
		else if (bad == BAD_WAIT32_MASK)
			w->mask = ~0ull;
		else
			w->pad = 1;
		break;
	}
	case BAD_FILL_PAD: {
		struct drm_vsvm_cmd_fill *f;

		cmd_addr = vsvm_emit_fill(c.cb, t, 4, 1);
		f = (void *)(uintptr_t)cmd_addr;
		f->pad = 1;
		break;
	}
	case BAD_NOP_FLAGS: {
		struct drm_vsvm_cmd_header *h;

		cmd_addr = vsvm_emit_nop(c.cb);
		h = (void *)(uintptr_t)cmd_addr;
		h->flags = DRM_VSVM_CMD_64BIT;
		break;
	}
	}

	igt_assert_eq(vsvm_ctx_run(&c), -EINVAL);
	vsvm_vm_error(fd, c.vm, &err);
	igt_assert_eq(err.error, -EINVAL);
	igt_assert_eq_u32(err.access, 0);
	igt_assert_eq_u64(err.address, 0);
	igt_assert_neq_u64(cmd_addr, 0);
	igt_assert_eq_u32(*target, 7);

	/* The same command without the stray bits runs. */
	vsvm_emit_write32(c.cb, t, 8);
	igt_assert_eq(vsvm_ctx_run(&c), 1);
	igt_assert_eq_u32(*target, 8);
	vsvm_ctx_fini(&c);
}

static const struct {
	const char *name;
	enum bad_cmd bad;
} bad_cmds[] = {
	{ "write32-upper-value", BAD_WRITE32_VALUE },
	{ "atomic32-upper-operand", BAD_ATOMIC32_OPERAND },
	{ "atomic32-upper-compare", BAD_ATOMIC32_COMPARE },
	{ "wait32-upper-value", BAD_WAIT32_VALUE },
	{ "wait32-upper-mask", BAD_WAIT32_MASK },
	{ "fill-pad", BAD_FILL_PAD },
	{ "atomic-pad", BAD_ATOMIC_PAD },
	{ "wait-pad", BAD_WAIT_PAD },
	{ "nop-flags", BAD_NOP_FLAGS },
};

igt_main
{
	int fd = -1;

	igt_fixture {
		fd = drm_open_vsvm_render();
		igt_require(vsvm_uapi_at_least(fd, 0, 5));
	}

	igt_describe("A file holds at most 256 VMs: the next VM_CREATE fails "
		     "with ENOSPC; destroying one makes room.");
	igt_subtest("vms-per-file")
		test_vms_per_file();

	igt_describe("A VM holds at most 1024 ranges per attribute: MADVISE "
		     "that would add one more fails with ENOSPC, changing "
		     "nothing.");
	igt_subtest("attr-ranges")
		test_attr_ranges(fd);

	igt_describe("MADVISE with a value over more than 512 GiB fails with "
		     "E2BIG (it once created a notifier per 512 MiB up to "
		     "TASK_SIZE); value 0 over everything is fine.");
	igt_subtest("madvise-span")
		test_madvise_span(fd);

	igt_describe("MADVISE calls that need more than 1024 notifiers in all "
		     "fail with ENOSPC.");
	igt_subtest("madvise-notifiers")
		test_madvise_notifiers(fd);

	igt_describe("RESIDENCY over unmapped space creates no notifier: the "
		     "MADVISE budget is whole after it.");
	igt_subtest("residency-no-state")
		test_residency_no_state(fd);

	igt_describe("A VM has at most 1024 jobs in flight: the next EXEC "
		     "fails with ENOSPC until some complete.");
	igt_subtest("jobs-in-flight")
		test_jobs_in_flight(fd);

	igt_describe("In a memory cgroup (v2) of its own, a process creating "
		     "VMs and attribute ranges sees memory.current grow: "
		     "vsvm's metadata is charged to it.");
	igt_subtest("memcg")
		test_memcg();

	igt_describe("EXEC of a batch that wraps around the address space "
		     "fails with EINVAL.");
	igt_subtest("exec-batch-wrap")
		test_exec_batch_wrap(fd);

	igt_describe("EXEC of a batch that reaches TASK_SIZE or the GPU's 2^47 "
		     "limit fails with EINVAL.");
	igt_subtest("exec-batch-beyond-user")
		test_exec_batch_beyond_user(fd);

	for (unsigned int i = 0; i < ARRAY_SIZE(bad_cmds); i++) {
		igt_describe_f("A command with non-zero unused bits (%s) fails "
			       "its job with EINVAL (in the VM's error record); "
			       "nothing is written.", bad_cmds[i].name);
		igt_subtest_f("cmd-%s", bad_cmds[i].name)
			test_cmd_unused_bits(fd, bad_cmds[i].bad);
	}

	igt_fixture
		close(fd);
}
