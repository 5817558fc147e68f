// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/userfaultfd.h>
#include <xf86drm.h>

#include "igt.h"
#include "igt_syncobj.h"
#include "igt_vsvm.h"
#include "igt_vsvm_mem.h"
#include "igt_vsvm_vram.h"
#include "vsvm_drm.h"

IGT_TEST_DESCRIPTION("Isolation between the processes sharing a vsvm file: "
		     "every ioctl naming a VM refuses another process; GPU "
		     "faults are handled per VM; per-client fdinfo; the DRM "
		     "driver version is the uapi version.");

/* Attribute the parent sets before a child tries to change it. */
#define ATTR_PAGES	16

/*
 * The parent's state a child must not be able to change: a VM that ran a
 * job, failed one (its error record) and has an attribute set.
 */
struct owned {
	struct vsvm_ctx c;
	struct vsvm_region mem;
	uint64_t stats[DRM_VSVM_STAT_COUNT];
	struct drm_vsvm_vm_error error;
	uint64_t attr_start, attr_end;
};

static void owned_snapshot(struct owned *o)
{
	vsvm_uapi_stats(o->c.fd, o->c.vm, o->stats);
	vsvm_vm_error(o->c.fd, o->c.vm, &o->error);
}

static void owned_init(struct owned *o, int fd)
{
	uint64_t start, end;

	vsvm_ctx_init(&o->c, fd);
	vsvm_map_anon(&o->mem, ATTR_PAGES * 4096, 0);
	memset(o->mem.ptr, 0x5a, o->mem.size);
	vsvm_ctx_fill(&o->c, o->mem.ptr, o->mem.size, 0x01020304);

	/* A failed job: a write to address 0. */
	vsvm_emit_write32(o->c.cb, 0, 1);
	igt_assert_eq(vsvm_ctx_run(&o->c), -EFAULT);

	vsvm_madvise(fd, o->c.vm, to_user_pointer(o->mem.ptr), o->mem.size,
		     DRM_VSVM_ATTR_GPU_ACCESS, DRM_VSVM_GPU_ACCESS_READ);
	igt_assert_eq_u64(vsvm_attr_query(fd, o->c.vm,
					  DRM_VSVM_ATTR_GPU_ACCESS,
					  to_user_pointer(o->mem.ptr), &start,
					  &end), DRM_VSVM_GPU_ACCESS_READ);
	o->attr_start = start;
	o->attr_end = end;
	owned_snapshot(o);
}

static const unsigned int job_counters[] = {
	DRM_VSVM_STAT_FAULTS,
	DRM_VSVM_STAT_JOBS,
	DRM_VSVM_STAT_JOBS_FAILED,
	DRM_VSVM_STAT_BYTES_TO_VRAM,
	DRM_VSVM_STAT_BYTES_TO_SYSTEM,
};

/* Nothing of the parent's VM changed, and it still works. */
static void owned_check(struct owned *o)
{
	uint64_t stats[DRM_VSVM_STAT_COUNT], start, end;
	struct drm_vsvm_vm_error error;

	/*
	 * Counters of what the VM's jobs did (fork() itself invalidates the
	 * parent's mirror: INVALIDATIONS may grow).
	 */
	vsvm_uapi_stats(o->c.fd, o->c.vm, stats);
	for (unsigned int i = 0; i < ARRAY_SIZE(job_counters); i++)
		igt_assert_f(stats[job_counters[i]] == o->stats[job_counters[i]],
			     "the child changed the parent's %s\n",
			     vsvm_stat_name(job_counters[i]));
	vsvm_vm_error(o->c.fd, o->c.vm, &error);
	igt_assert_f(!memcmp(&error, &o->error, sizeof(error)),
		     "the child changed the parent's error record\n");
	igt_assert_eq_u64(vsvm_attr_query(o->c.fd, o->c.vm,
					  DRM_VSVM_ATTR_GPU_ACCESS,
					  to_user_pointer(o->mem.ptr), &start,
					  &end), DRM_VSVM_GPU_ACCESS_READ);
	igt_assert_eq_u64(start, o->attr_start);
	igt_assert_eq_u64(end, o->attr_end);

	/* The VM still runs the parent's jobs. */
	vsvm_ctx_assert_crc(&o->c, o->mem.ptr, o->mem.size,
			    vsvm_words_crc(o->mem.size, 0x01020304),
			    "the parent's memory after the child");
}

static void owned_fini(struct owned *o)
{
	vsvm_unmap_region(&o->mem);
	vsvm_ctx_fini(&o->c);
}

enum victim {
	V_EXEC,
	V_VM_DESTROY,
	V_STATS,
	V_VM_ERROR,
	V_PREFETCH,
	V_RESIDENCY,
	V_MADVISE,
	V_ATTR_QUERY,
};

/* The ioctl @v on the parent's VM, from a child: returns its -errno. */
static int child_ioctl(struct owned *o, enum victim v)
{
	uint64_t addr = to_user_pointer(o->mem.ptr);
	uint64_t values[DRM_VSVM_STAT_COUNT];
	uint8_t res[ATTR_PAGES];
	int fd = o->c.fd;

	switch (v) {
	case V_EXEC: {
		struct drm_vsvm_exec exec = {
			.vm_id = o->c.vm,
			.batch_address = vsvm_cmdbuf_address(o->c.cb),
			.batch_size = 8,
		};

		vsvm_emit_nop(o->c.cb);
		return __vsvm_exec(fd, &exec);
	}
	case V_VM_DESTROY: {
		struct drm_vsvm_vm_destroy d = { .vm_id = o->c.vm };

		return __vsvm_vm_destroy(fd, &d);
	}
	case V_STATS: {
		struct drm_vsvm_stats s = {
			.vm_id = o->c.vm,
			.count = DRM_VSVM_STAT_COUNT,
			.data = to_user_pointer(values),
		};

		return __vsvm_stats(fd, &s);
	}
	case V_VM_ERROR: {
		struct drm_vsvm_vm_error e = { .vm_id = o->c.vm };

		return __vsvm_vm_error(fd, &e);
	}
	case V_PREFETCH: {
		struct drm_vsvm_prefetch p = {
			.vm_id = o->c.vm,
			.region = DRM_VSVM_REGION_VRAM,
			.start = addr,
			.length = o->mem.size,
		};

		return __vsvm_prefetch(fd, &p);
	}
	case V_RESIDENCY: {
		struct drm_vsvm_residency r = {
			.vm_id = o->c.vm,
			.start = addr,
			.npages = ATTR_PAGES,
			.data = to_user_pointer(res),
		};

		return __vsvm_residency(fd, &r);
	}
	case V_MADVISE: {
		struct drm_vsvm_madvise m = {
			.vm_id = o->c.vm,
			.attr = DRM_VSVM_ATTR_GPU_ACCESS,
			.start = addr,
			.length = o->mem.size,
			.value = DRM_VSVM_GPU_ACCESS_RW,
		};

		return __vsvm_madvise(fd, &m);
	}
	case V_ATTR_QUERY: {
		struct drm_vsvm_attr_query q = {
			.vm_id = o->c.vm,
			.attr = DRM_VSVM_ATTR_GPU_ACCESS,
			.addr = addr,
		};

		return __vsvm_attr_query(fd, &q);
	}
	}

	return 0;
}

static void test_isolation(int fd, enum victim v)
{
	struct owned o;

	if (v == V_PREFETCH)
		igt_require(vsvm_has_vram(fd));
	owned_init(&o, fd);

	igt_fork(child, 1) {
		int err = child_ioctl(&o, v);

		igt_assert_f(err == -EACCES, "the child got %d, not -EACCES\n",
			     err);
	}
	igt_waitchildren();

	owned_check(&o);
	owned_fini(&o);
}

/* DRM_IOCTL_VERSION reports the uapi version of the header. */
static void test_version(int fd)
{
	drmVersionPtr v = drmGetVersion(fd);
	struct drm_vsvm_query_device dev;

	igt_assert(v);
	igt_info("%s %d.%d.%d\n", v->name, v->version_major,
		 v->version_minor, v->version_patchlevel);
	igt_assert_eq(strcmp(v->name, VSVM_DRIVER_NAME), 0);
	igt_assert_eq(v->version_major, VSVM_UAPI_MAJOR);
	igt_assert_eq(v->version_minor, VSVM_UAPI_MINOR);
	drmFreeVersion(v);

	vsvm_query_device(fd, &dev);
	igt_assert_eq(dev.uapi_major, VSVM_UAPI_MAJOR);
	igt_assert_eq(dev.uapi_minor, VSVM_UAPI_MINOR);
}

/* Value of @key in the fdinfo of @fd, or -1 when absent. */
static int64_t fdinfo_value(int fd, const char *key, char *unit)
{
	char path[64], line[256], k[128], u[16];
	unsigned long long v;
	int64_t ret = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	igt_assert(f);
	while (ret < 0 && fgets(line, sizeof(line), f)) {
		int n;

		u[0] = 0;
		n = sscanf(line, "%127[^:]: %llu %15s", k, &v, u);
		if (n >= 2 && !strcmp(k, key)) {
			ret = v;
			if (unit)
				strcpy(unit, u);
		}
	}
	fclose(f);

	return ret;
}

static void test_fdinfo(int fd)
{
	struct vsvm_region mem;
	struct vsvm_ctx c;
	int64_t before, after, faults, to_vram, to_sys;
	char unit[16];
	uint32_t engines = vsvm_num_engines(fd);
	int other;

	vsvm_ctx_init(&c, fd);
	igt_assert_lte(0, fdinfo_value(fd, "drm-client-id", NULL));
	before = fdinfo_value(fd, "drm-engine-compute", unit);
	igt_assert_f(before >= 0, "no drm-engine-compute in fdinfo\n");
	igt_assert_eq(strcmp(unit, "ns"), 0);
	if (engines > 1)
		igt_assert_eq(fdinfo_value(fd, "drm-engine-capacity-compute",
					   NULL), engines);
	igt_assert_eq(fdinfo_value(fd, "drm-cycles-compute", NULL), -1);

	faults = fdinfo_value(fd, "vsvm-gpu-faults", NULL);
	igt_assert_f(faults >= 0, "no vsvm-gpu-faults in fdinfo\n");
	to_vram = fdinfo_value(fd, "vsvm-bytes-to-vram", NULL);
	to_sys = fdinfo_value(fd, "vsvm-bytes-to-system", NULL);
	igt_assert_lte(0, to_vram);
	igt_assert_lte(0, to_sys);

	/* The fill faults on memory the GPU never saw. */
	vsvm_map_anon(&mem, 1 << 20, 0);
	vsvm_ctx_fill(&c, mem.ptr, mem.size, 0xdeadbeef);
	after = fdinfo_value(fd, "drm-engine-compute", NULL);
	igt_info("drm-engine-compute: %lld ns -> %lld ns\n",
		 (long long)before, (long long)after);
	igt_assert_lt(before, after);
	igt_info("vsvm-gpu-faults: %lld -> %lld\n", (long long)faults,
		 (long long)fdinfo_value(fd, "vsvm-gpu-faults", NULL));
	igt_assert_lt(faults, fdinfo_value(fd, "vsvm-gpu-faults", NULL));

	/* Migrations of the file's VMs, both ways, byte for byte. */
	if (vsvm_has_vram(fd)) {
		uint64_t n;

		n = vsvm_prefetch(fd, c.vm, (uintptr_t)mem.ptr, mem.size,
				  DRM_VSVM_REGION_VRAM);
		igt_assert_lt_u64(0, n);
		igt_assert_eq(fdinfo_value(fd, "vsvm-bytes-to-vram", NULL),
			      to_vram + (int64_t)n * 4096);
		n = vsvm_prefetch(fd, c.vm, (uintptr_t)mem.ptr, mem.size,
				  DRM_VSVM_REGION_SYSTEM);
		igt_assert_eq(fdinfo_value(fd, "vsvm-bytes-to-system", NULL),
			      to_sys + (int64_t)n * 4096);
	}

	/* Another client of the device sees none of it. */
	other = drm_open_vsvm_render();
	igt_assert_eq(fdinfo_value(other, "vsvm-gpu-faults", NULL), 0);
	igt_assert_eq(fdinfo_value(other, "drm-engine-compute", NULL), 0);
	close(other);

	/* A destroyed VM stays counted: the values never decrease. */
	faults = fdinfo_value(fd, "vsvm-gpu-faults", NULL);
	to_vram = fdinfo_value(fd, "vsvm-bytes-to-vram", NULL);
	vsvm_unmap_region(&mem);
	vsvm_ctx_fini(&c);
	igt_assert_lte(after, fdinfo_value(fd, "drm-engine-compute", NULL));
	igt_assert_eq(fdinfo_value(fd, "vsvm-gpu-faults", NULL), faults);
	igt_assert_eq(fdinfo_value(fd, "vsvm-bytes-to-vram", NULL), to_vram);
}

/*
 * Per-VM faults: process A's job faults on a userfaultfd range whose
 * handler waits; process B's jobs, which fault too, complete meanwhile.
 */
#define UFFD_PAGES	16
#define UFFD_SEED	0x5eed

struct uffd_handler {
	int uffd;
	void *area;
	struct vsvm_fork_sync *f;
	volatile bool done;
};

static void *uffd_handler_thread(void *arg)
{
	struct uffd_handler *h = arg;
	static uint8_t page[4096] __attribute__((aligned(4096)));
	bool told = false;

	while (!h->done) {
		struct pollfd p = { .fd = h->uffd, .events = POLLIN };
		struct uffdio_copy copy;
		struct uffd_msg msg;
		uint64_t addr, index;

		if (poll(&p, 1, 100) <= 0 || !(p.revents & POLLIN))
			continue;
		if (read(h->uffd, &msg, sizeof(msg)) != sizeof(msg))
			continue;
		if (msg.event != UFFD_EVENT_PAGEFAULT)
			continue;
		addr = msg.arg.pagefault.address & ~4095ull;
		if (!told) {
			/* The GPU fault is stuck here: let B run, then go on. */
			vsvm_fork_tell_parent(h->f);
			vsvm_fork_wait_parent(h->f);
			told = true;
		}
		index = (addr - to_user_pointer(h->area)) / 4096;
		vsvm_fill_pattern_at(page, sizeof(page), UFFD_SEED,
				     index * 4096 / 8);
		memset(&copy, 0, sizeof(copy));
		copy.dst = addr;
		copy.src = to_user_pointer(page);
		copy.len = 4096;
		if (ioctl(h->uffd, UFFDIO_COPY, &copy) && errno != EEXIST)
			break;
	}

	return NULL;
}

static void fault_process_a(struct vsvm_fork_sync *f)
{
	struct uffdio_register reg = { 0 };
	struct uffdio_api api = { .api = UFFD_API };
	struct uffd_handler h = { .f = f };
	size_t size = UFFD_PAGES * 4096;
	int fd = drm_open_vsvm_render();
	struct vsvm_ctx c;
	pthread_t thread;
	uint32_t crc;

	vsvm_ctx_init(&c, fd);
	h.uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	igt_require_f(h.uffd >= 0, "no userfaultfd\n");
	igt_assert_eq(ioctl(h.uffd, UFFDIO_API, &api), 0);
	h.area = mmap(NULL, size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(h.area != MAP_FAILED);
	reg.range.start = to_user_pointer(h.area);
	reg.range.len = size;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	igt_assert_eq(ioctl(h.uffd, UFFDIO_REGISTER, &reg), 0);
	igt_assert_eq(pthread_create(&thread, NULL, uffd_handler_thread, &h),
		      0);

	/*
	 * Faults on the range, waits for the handler, then completes. The
	 * job holds engine 1 meanwhile: B uses engine 0.
	 */
	c.engine = 1;
	crc = vsvm_ctx_crc(&c, h.area, size);
	igt_assert_eq_u32(crc, vsvm_pattern_crc(size, UFFD_SEED, 0));
	vsvm_check_pattern(h.area, size, UFFD_SEED, "A's range");

	h.done = true;
	pthread_join(thread, NULL);
	close(h.uffd);
	munmap(h.area, size);
	vsvm_ctx_fini(&c);
	close(fd);
}

static void test_fault_per_vm(int fd)
{
	struct vsvm_fork_sync f;
	struct vsvm_ctx c;
	struct drm_vsvm_ufence *ufence;

	igt_require(vsvm_num_engines(fd) >= 2);
	vsvm_ctx_init(&c, fd);
	ufence = vsvm_ufence_create();
	vsvm_fork_sync_init(&f);
	igt_fork(child, 1)
		fault_process_a(&f);

	/* A's GPU fault is waiting for its userfaultfd handler now. */
	vsvm_fork_wait_child(&f);
	for (int i = 0; i < 4; i++) {
		struct vsvm_region mem;
		uint64_t t0 = vsvm_gettime_ns();

		/* Fresh memory: B's job faults, on B's handler. */
		vsvm_map_anon(&mem, 64 << 10, 0);
		vsvm_emit_fill(c.cb, to_user_pointer(mem.ptr), mem.size, i);
		vsvm_exec_ufence(fd, c.vm, 0, c.cb, NULL, 0, ufence);
		igt_assert_eq(vsvm_ufence_wait_status(fd, ufence,
						       3ull * NSEC_PER_SEC),
			      1);
		vsvm_cmdbuf_reset(c.cb);
		vsvm_check_words(mem.ptr, mem.size, i, "B's memory");
		igt_info("B's job %d: %.1f ms while A's fault waits\n", i,
			 (vsvm_gettime_ns() - t0) / 1e6);
		vsvm_unmap_region(&mem);
	}
	/* Now A's handler resolves its fault; A checks its job's result. */
	vsvm_fork_tell_child(&f);
	igt_waitchildren();

	vsvm_fork_sync_fini(&f);
	vsvm_ufence_destroy(ufence);
	vsvm_ctx_fini(&c);
}

static const struct {
	const char *name;
	enum victim v;
} victims[] = {
	{ "exec", V_EXEC },
	{ "vm-destroy", V_VM_DESTROY },
	{ "stats", V_STATS },
	{ "vm-error", V_VM_ERROR },
	{ "prefetch", V_PREFETCH },
	{ "residency", V_RESIDENCY },
	{ "madvise", V_MADVISE },
	{ "attr-query", V_ATTR_QUERY },
};

igt_main
{
	int fd = -1;

	igt_fixture {
		fd = drm_open_vsvm_render();
		igt_require(vsvm_uapi_at_least(fd, 0, 5));
	}

	for (unsigned int i = 0; i < ARRAY_SIZE(victims); i++) {
		igt_describe_f("A fork child holding the parent's file gets "
			       "EACCES from %s on the parent's VM; the VM's "
			       "counters, error record and attributes are "
			       "unchanged and it still runs jobs.",
			       victims[i].name);
		igt_subtest_f("child-%s", victims[i].name)
			test_isolation(fd, victims[i].v);
	}

	igt_describe("DRM_IOCTL_VERSION reports the uapi version of vsvm_drm.h, "
		     "as the device query does.");
	igt_subtest("version")
		test_version(fd);

	igt_describe("fdinfo shows the client's engine time (drm-engine-compute "
		     "in ns, capacity the number of engines) and its VMs' GPU "
		     "faults and migrated bytes (vsvm-gpu-faults, "
		     "vsvm-bytes-to-vram/-system); they grow with its work "
		     "only, and never decrease.");
	igt_subtest("fdinfo")
		test_fdinfo(fd);

	igt_describe("Process A's job faults on a userfaultfd range whose "
		     "handler does not resolve yet; process B's faulting jobs "
		     "complete meanwhile; then A's job completes correctly.");
	igt_subtest("fault-per-vm")
		test_fault_per_vm(fd);

	igt_fixture
		close(fd);
}
