// SPDX-License-Identifier: MIT
/*
 * vsvm-bench: SVM mirroring benchmarks, run in the test guest.
 *
 * Every figure is measured against a reference in the same run: vsvm's
 * first-touch GPU reads against the kernel's test_hmm driver (dmirror,
 * HMM_DMIRROR_READ) and against memcpy. Absolute times under TCG mean
 * little; the ratios are the result. Each point is the median of several
 * repetitions after a warm-up pass, for vsvm and test_hmm alike.
 *
 * Migration: prefetch to VRAM and back at 4K, 64K and 2M granularity
 * against test_hmm's MIGRATE_TO_DEV / MIGRATE_TO_SYS and memcpy, and
 * eviction throughput when VRAM is overcommitted twice.
 *
 * usage: vsvm_bench [--max-mib N] [--reps N] [--migrate-only]
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <glob.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "vsvm.h"

/*
 * The test_hmm uapi (lib/test_hmm_uapi.h in the kernel tree), restated:
 * HMM_DMIRROR_READ mirrors [addr, addr + npages pages) into the dmirror
 * device, faulting as needed, and copies the data to ptr.
 */
struct hmm_dmirror_cmd {
	uint64_t addr;
	uint64_t ptr;
	uint64_t npages;
	uint64_t cpages;
	uint64_t faults;
};

#define HMM_DMIRROR_READ	_IOWR('H', 0x00, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_MIGRATE_TO_DEV	_IOWR('H', 0x02, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_MIGRATE_TO_SYS	_IOWR('H', 0x03, struct hmm_dmirror_cmd)

#define MIB		(1ull << 20)
#define PAGE		4096ull

static int reps = 3;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "vsvm_bench: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

/*
 * test_hmm wants page-aligned buffers: both drivers get the same
 * aligned_alloc()'d memory. With @thp, 2 MiB aligned and MADV_HUGEPAGE.
 */
static void *alloc_buffer(size_t size, bool thp)
{
	void *p = aligned_alloc(thp ? 2 * MIB : PAGE, size);

	if (!p)
		die("aligned_alloc", ENOMEM);
	if (thp)
		madvise(p, size, MADV_HUGEPAGE);
	/* The CPU writes it first: the benchmark measures mirroring. */
	memset(p, 0x5a, size);
	return p;
}

/* One first-touch GPU read of [p, p + size) in a fresh VM. */
static double vsvm_first_touch(vsvm_device_handle dev, void *p, size_t size)
{
	vsvm_cmdbuf_handle cb;
	uint32_t vm, *crc;
	double t0, t1;
	int ret, status;

	crc = malloc(sizeof(*crc));
	ret = vsvm_vm_create(dev, DRM_VSVM_VM_CREATE_SVM, &vm);
	if (ret)
		die("vm_create", ret);
	ret = vsvm_cmdbuf_create(4096, &cb);
	if (ret)
		die("cmdbuf_create", ret);
	vsvm_cmdbuf_checksum(cb, (uintptr_t)p, size, (uintptr_t)crc);

	t0 = now_s();
	ret = vsvm_exec_wait(dev, vm, 0, cb, 600ll * 1000000000, &status);
	t1 = now_s();
	if (ret)
		die("exec_wait", ret);
	if (status != 1)
		die("job", status);

	vsvm_cmdbuf_destroy(cb);
	vsvm_vm_destroy(dev, vm);
	free(crc);
	return t1 - t0;
}

/* The same through test_hmm: a fresh dmirror per open. */
static double dmirror_first_touch(void *p, size_t size, void *bounce)
{
	struct hmm_dmirror_cmd cmd = {
		.addr = (uintptr_t)p,
		.ptr = (uintptr_t)bounce,
		.npages = size / PAGE,
	};
	double t0, t1;
	int fd, ret;

	fd = open("/dev/hmm_dmirror0", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("open /dev/hmm_dmirror0", errno);
	t0 = now_s();
	do {
		ret = ioctl(fd, HMM_DMIRROR_READ, &cmd);
	} while (ret && errno == EINTR);
	t1 = now_s();
	if (ret)
		die("HMM_DMIRROR_READ", errno);
	close(fd);
	return t1 - t0;
}

static double memcpy_time(void *dst, const void *src, size_t size)
{
	double t0 = now_s();

	memcpy(dst, src, size);
	__asm__ volatile("" ::: "memory");
	return now_s() - t0;
}

static void bench_first_touch(vsvm_device_handle dev, uint64_t max_mib,
			      bool thp)
{
	double tv[16], td[16], tm[16];
	uint64_t mib;
	int r;

	printf("\n== first-touch GPU read of %s memory (median of %d) ==\n",
	       thp ? "THP-backed (2 MiB aligned, MADV_HUGEPAGE)" :
		     "page-aligned malloc'd", reps);
	printf("%8s %12s %12s %12s %12s %12s %10s %10s\n", "size", "vsvm GiB/s",
	       "hmm GiB/s", "memcpy GiB/s", "vsvm us/4K", "hmm us/4K",
	       "vsvm/hmm", "vsvm/mcpy");
	for (mib = thp ? 4 : 1; mib <= max_mib; mib *= 4) {
		size_t size = mib * MIB;
		void *p = alloc_buffer(size, thp);
		void *bounce = alloc_buffer(size, false);
		double v, d, m, pages = size / PAGE;

		/* warm-up: host-side lazy backing of guest RAM */
		vsvm_first_touch(dev, p, size);
		dmirror_first_touch(p, size, bounce);
		for (r = 0; r < reps; r++) {
			tv[r] = vsvm_first_touch(dev, p, size);
			td[r] = dmirror_first_touch(p, size, bounce);
			tm[r] = memcpy_time(bounce, p, size);
		}
		v = median(tv, reps);
		d = median(td, reps);
		m = median(tm, reps);
		printf("%6" PRIu64 "Mi %12.3f %12.3f %12.3f %12.1f %12.1f %9.2fx %9.2fx\n",
		       mib, size / v / (1 << 30), size / d / (1 << 30),
		       size / m / (1 << 30), v / pages * 1e6, d / pages * 1e6,
		       d / v, m / v);
		fflush(stdout);
		free(bounce);
		free(p);
	}
}

/* Latency of one 4 KiB GPU fault: a faulting job minus a warm one. */
static void bench_fault_latency(vsvm_device_handle dev)
{
	double cold[32], warm[32];
	vsvm_cmdbuf_handle cb;
	int r, n = 15, ret, status;
	uint32_t vm;

	ret = vsvm_cmdbuf_create(4096, &cb);
	if (ret)
		die("cmdbuf_create", ret);
	for (r = 0; r < n; r++) {
		uint64_t *page = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		double t0;

		page[0] = 1;
		vsvm_vm_create(dev, DRM_VSVM_VM_CREATE_SVM, &vm);
		/* mirror the command buffer first: only the data faults */
		vsvm_cmdbuf_reset(cb);
		vsvm_cmdbuf_nop(cb);
		vsvm_exec_wait(dev, vm, 0, cb, 10ll * 1000000000, &status);

		vsvm_cmdbuf_reset(cb);
		vsvm_cmdbuf_write64(cb, (uintptr_t)&page[1], 2);
		t0 = now_s();
		ret = vsvm_exec_wait(dev, vm, 0, cb, 10ll * 1000000000, &status);
		cold[r] = now_s() - t0;
		if (ret || status != 1)
			die("fault job", ret ? ret : status);
		t0 = now_s();
		vsvm_exec_wait(dev, vm, 0, cb, 10ll * 1000000000, &status);
		warm[r] = now_s() - t0;
		vsvm_vm_destroy(dev, vm);
		munmap(page, PAGE);
	}
	vsvm_cmdbuf_destroy(cb);
	printf("\n== single 4 KiB GPU fault (median of %d) ==\n", n);
	printf("faulting job %.1f us, warm job %.1f us, fault cost %.1f us\n",
	       median(cold, n) * 1e6, median(warm, n) * 1e6,
	       (median(cold, n) - median(warm, n)) * 1e6);
}

/* munmap of a mirrored range against munmap of the same, unmirrored. */
static void bench_munmap(vsvm_device_handle dev, uint64_t mib)
{
	size_t size = mib * MIB;
	double plain[8], mirrored[8], hmm[8];
	int r, n = reps;

	for (r = 0; r < n; r++) {
		void *p, *bounce = alloc_buffer(size, false);
		vsvm_cmdbuf_handle cb;
		uint32_t vm, crc;
		double t0;
		int status, fd;
		struct hmm_dmirror_cmd cmd = { 0 };

		p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		memset(p, 1, size);
		t0 = now_s();
		munmap(p, size);
		plain[r] = now_s() - t0;

		p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		memset(p, 1, size);
		vsvm_vm_create(dev, DRM_VSVM_VM_CREATE_SVM, &vm);
		vsvm_cmdbuf_create(4096, &cb);
		vsvm_cmdbuf_checksum(cb, (uintptr_t)p, size, (uintptr_t)&crc);
		vsvm_exec_wait(dev, vm, 0, cb, 600ll * 1000000000, &status);
		t0 = now_s();
		munmap(p, size);
		mirrored[r] = now_s() - t0;
		vsvm_cmdbuf_destroy(cb);
		vsvm_vm_destroy(dev, vm);

		p = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		memset(p, 1, size);
		fd = open("/dev/hmm_dmirror0", O_RDWR | O_CLOEXEC);
		cmd.addr = (uintptr_t)p;
		cmd.ptr = (uintptr_t)bounce;
		cmd.npages = size / PAGE;
		if (fd < 0 || ioctl(fd, HMM_DMIRROR_READ, &cmd))
			die("HMM_DMIRROR_READ", errno);
		t0 = now_s();
		munmap(p, size);
		hmm[r] = now_s() - t0;
		close(fd);
		free(bounce);
	}
	printf("\n== munmap of %" PRIu64 " MiB (median of %d) ==\n", mib, n);
	printf("unmirrored %.1f ms, mirrored by vsvm %.1f ms, mirrored by test_hmm %.1f ms, vsvm/hmm cost %.2fx\n",
	       median(plain, n) * 1e3, median(mirrored, n) * 1e3,
	       median(hmm, n) * 1e3, median(mirrored, n) / median(hmm, n));
}

static double prefetch_time(vsvm_device_handle dev, uint32_t vm, void *p,
			    size_t size, uint32_t region, uint64_t *moved)
{
	double t0 = now_s();
	int ret = vsvm_prefetch(dev, vm, (uintptr_t)p, size, region, moved);

	if (ret)
		die("prefetch", ret);
	return now_s() - t0;
}

/* @bounce: test_hmm copies the migrated data back there for checking */
static double dmirror_migrate_time(int fd, void *p, size_t size,
				   unsigned long req, void *bounce)
{
	struct hmm_dmirror_cmd cmd = {
		.addr = (uintptr_t)p,
		.ptr = (uintptr_t)bounce,
		.npages = size / PAGE,
	};
	double t0 = now_s();

	if (ioctl(fd, req, &cmd))
		die("HMM_DMIRROR_MIGRATE", errno);
	return now_s() - t0;
}

/*
 * Migration bandwidth both ways at each granularity, against test_hmm's
 * MIGRATE_TO_DEV / MIGRATE_TO_SYS and memcpy in the same run.
 */
static void bench_migrate(vsvm_device_handle dev, uint64_t mib)
{
	static const uint64_t grans[] = { 4096, 65536, 2 * MIB };
	double to[16], back[16], hto[16], hback[16], mc[16];
	size_t size = mib * MIB;
	double m, gib = size / (double)(1 << 30);
	uint64_t moved;
	unsigned int g;
	uint32_t vm;
	void *p = alloc_buffer(size, false);
	void *q = alloc_buffer(size, false);
	int r, fd, ret;

	for (r = 0; r < reps; r++)
		mc[r] = memcpy_time(q, p, size);
	m = median(mc, reps);

	fd = open("/dev/hmm_dmirror0", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("open /dev/hmm_dmirror0", errno);
	dmirror_migrate_time(fd, p, size, HMM_DMIRROR_MIGRATE_TO_DEV, q);
	dmirror_migrate_time(fd, p, size, HMM_DMIRROR_MIGRATE_TO_SYS, q);
	for (r = 0; r < reps; r++) {
		hto[r] = dmirror_migrate_time(fd, p, size,
					      HMM_DMIRROR_MIGRATE_TO_DEV, q);
		hback[r] = dmirror_migrate_time(fd, p, size,
						HMM_DMIRROR_MIGRATE_TO_SYS, q);
	}
	close(fd);

	printf("\n== migration of %" PRIu64 " MiB (median of %d): GiB/s, and ratios to test_hmm and memcpy ==\n",
	       mib, reps);
	printf("memcpy %.3f GiB/s; test_hmm to-dev %.3f GiB/s, to-sys %.3f GiB/s\n",
	       gib / m, gib / median(hto, reps), gib / median(hback, reps));
	printf("%8s %10s %10s %10s %10s %10s %10s\n", "gran", "to-vram",
	       "to-sys", "vs hmm", "vs hmm", "vs mcpy", "vs mcpy");
	ret = vsvm_vm_create(dev, DRM_VSVM_VM_CREATE_SVM, &vm);
	if (ret)
		die("vm_create", ret);
	for (g = 0; g < sizeof(grans) / sizeof(grans[0]); g++) {
		ret = vsvm_madvise(dev, vm, (uintptr_t)p, size,
				   DRM_VSVM_ATTR_GRANULARITY, grans[g]);
		if (ret)
			die("madvise", ret);
		/* warm-up */
		prefetch_time(dev, vm, p, size, DRM_VSVM_REGION_VRAM, &moved);
		prefetch_time(dev, vm, p, size, DRM_VSVM_REGION_SYSTEM, &moved);
		for (r = 0; r < reps; r++) {
			to[r] = prefetch_time(dev, vm, p, size,
					      DRM_VSVM_REGION_VRAM, &moved);
			if (moved != size / PAGE)
				die("prefetch to VRAM moved too few pages", EIO);
			back[r] = prefetch_time(dev, vm, p, size,
						DRM_VSVM_REGION_SYSTEM, &moved);
		}
		printf("%7" PRIu64 "K %10.3f %10.3f %9.2fx %9.2fx %9.2fx %9.2fx\n",
		       grans[g] >> 10, gib / median(to, reps),
		       gib / median(back, reps),
		       median(hto, reps) / median(to, reps),
		       median(hback, reps) / median(back, reps),
		       m / median(to, reps), m / median(back, reps));
		fflush(stdout);
	}
	vsvm_vm_destroy(dev, vm);
	free(q);
	free(p);
}

/*
 * One device-wide counter from debugfs (root only: since uapi 0.5 clients
 * see their own VMs' counters only), or -1 when unreadable. Eviction is
 * device-wide: the evicted pages belong to no VM the bench can name.
 */
static int64_t debugfs_stat(const char *name)
{
	char line[128], key[64];
	unsigned long long v;
	int64_t ret = -1;
	glob_t g;
	FILE *f;

	if (glob("/sys/kernel/debug/dri/*/vsvm_stats", 0, NULL, &g))
		return -1;
	f = fopen(g.gl_pathv[0], "r");
	globfree(&g);
	if (!f)
		return -1;
	while (ret < 0 && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63[^:]: %llu", key, &v) == 2 &&
		    !strcmp(key, name))
			ret = v;
	fclose(f);
	return ret;
}

/* Eviction: fill VRAM, then prefetch as much again, evicting the first. */
static void bench_evict(vsvm_device_handle dev, uint64_t vram_size)
{
	void *a = alloc_buffer(vram_size, false);
	void *b = alloc_buffer(vram_size, false);
	int64_t out0, out1, ev0, ev1;
	uint64_t moved;
	uint32_t vm;
	double t, gib = vram_size / (double)(1 << 30);

	vsvm_vm_create(dev, DRM_VSVM_VM_CREATE_SVM, &vm);
	prefetch_time(dev, vm, a, vram_size, DRM_VSVM_REGION_VRAM, &moved);
	out0 = debugfs_stat("bytes_to_system");
	ev0 = debugfs_stat("evictions");
	t = prefetch_time(dev, vm, b, vram_size, DRM_VSVM_REGION_VRAM, &moved);
	out1 = debugfs_stat("bytes_to_system");
	ev1 = debugfs_stat("evictions");
	if (out0 < 0 || out1 < 0 || ev0 < 0 || ev1 < 0)
		out0 = out1 = ev0 = ev1 = 0;	/* no debugfs: reported as 0 */
	printf("\n== eviction under 2x overcommit (%" PRIu64 " MiB VRAM) ==\n",
	       vram_size >> 20);
	printf("prefetch of %.0f MiB into full VRAM: %.3f GiB/s moved in, %.3f GiB/s evicted (%" PRIu64 " blocks), %" PRIu64 " pages moved\n",
	       gib * 1024, gib / t,
	       (out1 - out0) / t / (1 << 30), (uint64_t)(ev1 - ev0),
	       moved);
	vsvm_vm_destroy(dev, vm);
	free(b);
	free(a);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "max-mib", required_argument, NULL, 'm' },
		{ "reps", required_argument, NULL, 'r' },
		{ "migrate-only", no_argument, NULL, 'M' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t max_mib = 256;
	bool migrate_only = false;
	vsvm_device_handle dev;
	int c, ret;

	while ((c = getopt_long(argc, argv, "m:r:M", opts, NULL)) != -1) {
		switch (c) {
		case 'M':
			migrate_only = true;
			break;
		case 'm':
			max_mib = strtoull(optarg, NULL, 0);
			break;
		case 'r':
			reps = atoi(optarg);
			if (reps < 1 || reps > 15)
				reps = 3;
			break;
		default:
			fprintf(stderr, "usage: %s [--max-mib N] [--reps N]\n",
				argv[0]);
			return 2;
		}
	}

	ret = vsvm_device_open(NULL, &dev);
	if (ret)
		die("open vsvm", ret);

	if (!migrate_only) {
		bench_first_touch(dev, max_mib, false);
		bench_first_touch(dev, max_mib, true);
		bench_fault_latency(dev);
		bench_munmap(dev, max_mib < 256 ? max_mib : 256);
	}
	{
		struct drm_vsvm_query_device info;

		ret = vsvm_query_device(dev, &info);
		if (ret)
			die("query", ret);
		if (info.features & DRM_VSVM_FEATURE_VRAM) {
			bench_migrate(dev, max_mib < 256 ? max_mib : 256);
			bench_evict(dev, info.vram_size);
		}
	}
	vsvm_device_close(dev);
	return 0;
}
