// SPDX-License-Identifier: MIT
/*
 * vsvm-bench: the like-for-like benchmark of vsvm against the kernel's
 * test_hmm driver (lib/test_hmm.c, dmirror) and memcpy, run in the test
 * guest in one boot.
 *
 * Both drivers get the same sizes and the same page state: every
 * repetition of every operation starts from a fresh buffer of its own,
 * 2 MiB aligned, madvise(MADV_HUGEPAGE) and written by the CPU (THP-backed
 * where the kernel could; the share is printed), in a VMA of its own so
 * that nothing else merges into it. Only one driver watches the address
 * space at a time: the vsvm VM is destroyed before test_hmm's file is
 * opened, and that file is closed before the next vsvm VM is made (a
 * dmirror file watches the whole address space with an interval notifier;
 * a vsvm VM watches what it mirrors).
 *
 * What is timed, per repetition:
 *
 * - memcpy: memcpy() of the buffer into another fresh one.
 * - to-dev: vsvm PREFETCH to VRAM at 2 MiB granularity (MADVISE) against
 *   test_hmm's HMM_DMIRROR_MIGRATE_TO_DEV. test_hmm's ioctl copies all of
 *   the migrated data back to the caller after the migration (a vmalloc'd
 *   bounce buffer, then copy_to_user()). That copy is measured on its own
 *   right after, by an HMM_DMIRROR_READ of the same range, which runs the
 *   very same code (every page is mirrored by then, nothing faults), and
 *   subtracted: "to-dev" is the migration alone, "to-dev+copyback" the
 *   ioctl as it is. The copy costs about as much as the migration, so a
 *   difference of two single repetitions is mostly noise under TCG: the
 *   migration alone is the difference of the medians (no min or max).
 * - to-sys: vsvm PREFETCH to system memory against test_hmm's
 *   HMM_DMIRROR_MIGRATE_TO_SYS (no copy back). Before it, both sides wait
 *   untimed for vsvm's VRAM residency timeslice (vram_min_residency_ms, a
 *   ping-pong control: CPU faults on VRAM younger than that wait).
 * - first-touch read: the device reads memory it has never mirrored and
 *   copies it out. vsvm: one COPY job from the buffer in a fresh VM into a
 *   buffer the VM has mirrored already (an untimed FILL job before; GPU
 *   faults on the source, 2 MiB GPU entries on THP; the engine copies
 *   through a bounce page). test_hmm: HMM_DMIRROR_READ on a fresh dmirror
 *   file (hmm_range_fault() 32 pages at a time, then a copy of every page
 *   into a bounce buffer and copy_to_user() into the same kind of
 *   buffer): both read every byte and write it to the caller's memory.
 *   "mirrored read" repeats the job / ioctl at once (nothing faults), and
 *   "fault part" is first-touch minus mirrored (medians): the mirroring
 *   alone.
 * - one 2 MiB GPU fault with migration: a 2 MiB THP chunk with preferred
 *   location VRAM, a job writing one word of it in a VM whose command
 *   buffer is mirrored already, minus a NOP job of the same VM just before.
 * - peer (with a second vsvm device, num_devices >= 2): a buffer in device
 *   0's VRAM moves to device 1's VRAM. "vram-to-peer": one PREFETCH to
 *   VRAM on device 1's VM, which drm_pagemap copies from device 0's VRAM
 *   directly (the devices share an interconnect). "vram-via-system": the
 *   way without an interconnect, a PREFETCH to system memory on device
 *   0's VM and then one to VRAM on device 1's, both timed. No test_hmm
 *   counterpart (it has one device pair but no peer copies).
 *
 * Each size gets one warm-up repetition (discarded) and --reps measured
 * ones (default 5); tables give min / median / max in MB/s (10^6 bytes
 * per second) and the ratios of the medians. --csv writes one row per
 * tool, operation, size and vCPU count. Absolute times under TCG mean
 * little: the ratios are the result.
 *
 * usage: vsvm_bench [--sizes MIB,MIB,...] [--reps N] [--csv FILE]
 *                   [--latency-reps N] [--extras]
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <glob.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "vsvm.h"
#include "vsvm_debugfs_stat.h"

/*
 * The test_hmm uapi (lib/test_hmm_uapi.h in the kernel tree), restated:
 * HMM_DMIRROR_READ mirrors [addr, addr + npages pages) into the dmirror
 * device, faulting as needed, and copies the data to ptr; MIGRATE_TO_DEV
 * migrates the range to the device and copies it to ptr as well.
 */
struct hmm_dmirror_cmd {
	uint64_t addr;
	uint64_t ptr;
	uint64_t npages;
	uint64_t cpages;
	uint64_t faults;
};

#define HMM_DMIRROR_READ		_IOWR('H', 0x00, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_MIGRATE_TO_DEV	_IOWR('H', 0x02, struct hmm_dmirror_cmd)
#define HMM_DMIRROR_MIGRATE_TO_SYS	_IOWR('H', 0x03, struct hmm_dmirror_cmd)

#define MIB		(1ull << 20)
#define PAGE		4096ull
#define MAX_REPS	31
#define MAX_SIZES	16
#define MAX_ROWS	512
#define JOB_TIMEOUT_NS	(600ll * 1000000000)

static int reps = 5;
static int latency_reps = 15;
static int vcpus;
static unsigned int residency_gap_us;

/* One figure of the CSV: a tool's operation at one size. */
struct row {
	const char *tool;
	const char *op;
	const char *unit;
	uint64_t mib;
	double min, median, max;
};

static struct row rows[MAX_ROWS];
static int nrows;

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

static void die(const char *what, int err)
{
	fprintf(stderr, "vsvm_bench: %s: %s\n", what,
		strerror(err < 0 ? -err : err));
	exit(1);
}

/* min / median / max of @n values (sorted in place) */
static void stats(double *v, int n, double *min, double *median, double *max)
{
	qsort(v, n, sizeof(*v), cmp_double);
	*min = v[0];
	*max = v[n - 1];
	*median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * Record a bandwidth figure from @n times of moving @size bytes: MB/s,
 * the slowest repetition is the minimum.
 */
static struct row *record_bw(const char *tool, const char *op, size_t size,
			     const double *t, int n)
{
	double bw[MAX_REPS];
	struct row *r;
	int i;

	if (nrows == MAX_ROWS)
		die("too many figures", ENOSPC);
	for (i = 0; i < n; i++)
		bw[i] = size / 1e6 / (t[i] > 1e-9 ? t[i] : 1e-9);
	r = &rows[nrows++];
	r->tool = tool;
	r->op = op;
	r->unit = "MB/s";
	r->mib = size / MIB;
	stats(bw, n, &r->min, &r->median, &r->max);
	return r;
}

/* Record a latency figure in microseconds from @n times in seconds. */
static struct row *record_us(const char *tool, const char *op, size_t size,
			     const double *t, int n)
{
	double us[MAX_REPS * 2];
	struct row *r;
	int i;

	if (nrows == MAX_ROWS)
		die("too many figures", ENOSPC);
	for (i = 0; i < n; i++)
		us[i] = t[i] * 1e6;
	r = &rows[nrows++];
	r->tool = tool;
	r->op = op;
	r->unit = "us";
	r->mib = size / MIB;
	stats(us, n, &r->min, &r->median, &r->max);
	return r;
}

/*
 * Record the bandwidth of the part of an operation that is not @part: from
 * the medians of @n times of the whole and of @part (differences of single
 * noisy repetitions under TCG can even be negative). No min or max (NaN).
 */
static void record_bw_diff(const char *tool, const char *op, size_t size,
			   const double *whole, const double *part, int n)
{
	double w[MAX_REPS], p[MAX_REPS], lo, hi, mw, mp;
	struct row *r;

	memcpy(w, whole, n * sizeof(*w));
	memcpy(p, part, n * sizeof(*p));
	stats(w, n, &lo, &mw, &hi);
	stats(p, n, &lo, &mp, &hi);
	r = record_bw(tool, op, size, whole, n);
	r->median = mw > mp ? size / 1e6 / (mw - mp) : NAN;
	r->min = NAN;
	r->max = NAN;
}

static const struct row *find_row(const char *tool, const char *op,
				  uint64_t mib)
{
	int i;

	for (i = 0; i < nrows; i++)
		if (rows[i].mib == mib && !strcmp(rows[i].tool, tool) &&
		    !strcmp(rows[i].op, op))
			return &rows[i];
	return NULL;
}

/*
 * A benchmark buffer: 2 MiB aligned, in a VMA of its own (PROT_NONE guards
 * on both sides keep neighbours from merging into it), MADV_HUGEPAGE, and
 * written by the CPU.
 */
struct buf {
	void *base;
	size_t len;
	uint8_t *p;
	size_t size;
};

static void buf_alloc(struct buf *b, size_t size, uint8_t fill)
{
	uintptr_t a;

	b->len = size + 4 * MIB;
	b->base = mmap(NULL, b->len, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (b->base == MAP_FAILED)
		die("mmap", errno);
	a = ((uintptr_t)b->base + PAGE + 2 * MIB - 1) & ~(2 * MIB - 1);
	b->p = (uint8_t *)a;
	b->size = size;
	if (mprotect(b->p, size, PROT_READ | PROT_WRITE))
		die("mprotect", errno);
	if (madvise(b->p, size, MADV_HUGEPAGE))
		die("madvise(MADV_HUGEPAGE)", errno);
	memset(b->p, fill, size);
}

static void buf_free(struct buf *b)
{
	munmap(b->base, b->len);
}

/* Every page of @b holds @fill (one byte per page is looked at). */
static void buf_check(const struct buf *b, uint8_t fill, const char *what)
{
	size_t off;

	for (off = 0; off < b->size; off += PAGE)
		if (b->p[off] != fill || b->p[off + PAGE - 1] != fill) {
			fprintf(stderr, "vsvm_bench: %s: data differs at +%zu\n",
				what, off);
			exit(1);
		}
}

/*
 * Percentage of @b's resident memory that is transparent huge pages, from
 * /proc/self/smaps (the buffer is a VMA of its own); -1 if unknown.
 */
static int thp_percent(const struct buf *b)
{
	unsigned long long lo, hi, rss = 0, anon_huge = 0;
	bool in = false, found = false;
	char line[256];
	FILE *f;

	f = fopen("/proc/self/smaps", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (isxdigit((unsigned char)line[0]) &&
		    sscanf(line, "%llx-%llx", &lo, &hi) == 2) {
			in = lo == (uintptr_t)b->p;
			found |= in;
			continue;
		}
		if (!in)
			continue;
		if (sscanf(line, "Rss: %llu kB", &rss) == 1)
			continue;
		if (sscanf(line, "AnonHugePages: %llu kB", &anon_huge) == 1)
			continue;
	}
	fclose(f);
	if (!found || !rss)
		return -1;
	return (int)(anon_huge * 100 / rss);
}

/* The lowest THP share seen per size and side, for the table. */
struct thp_seen {
	int vsvm, hmm;
};

static void thp_note(int *seen, const struct buf *b)
{
	int pct = thp_percent(b);

	if (*seen < 0 || pct < *seen)
		*seen = pct;
}

/* memcpy of a fresh buffer into another fresh one */
static double memcpy_rep(size_t size)
{
	struct buf src, dst;
	double t0, t;

	buf_alloc(&src, size, 0x11);
	buf_alloc(&dst, size, 0x22);
	t0 = now_s();
	memcpy(dst.p, src.p, size);
	__asm__ volatile("" ::: "memory");
	t = now_s() - t0;
	buf_check(&dst, 0x11, "memcpy");
	buf_free(&dst);
	buf_free(&src);
	return t;
}

static void residency_gap(void)
{
	usleep(residency_gap_us);
}

static double prefetch_time(vsvm_device_handle dev, uint32_t vm,
			    const struct buf *b, uint32_t region)
{
	uint64_t moved = 0;
	double t0 = now_s();
	int ret;

	ret = vsvm_prefetch(dev, vm, (uintptr_t)b->p, b->size, region, &moved);
	t0 = now_s() - t0;
	if (ret)
		die("prefetch", ret);
	if (moved != b->size / PAGE) {
		fprintf(stderr, "vsvm_bench: prefetch to %s moved %" PRIu64 " of %llu pages\n",
			region == DRM_VSVM_REGION_VRAM ? "VRAM" : "system",
			moved, (unsigned long long)(b->size / PAGE));
		exit(1);
	}
	return t0;
}

/* vsvm: PREFETCH to VRAM and back at 2 MiB granularity, a fresh VM */
static void vsvm_migrate_rep(vsvm_device_handle dev, size_t size,
			     double *to, double *back, int *thp_before,
			     int *thp_after)
{
	struct buf b;
	uint32_t vm;
	int ret;

	buf_alloc(&b, size, 0x33);
	thp_note(thp_before, &b);
	ret = vsvm_vm_create(dev, DRM_VSVM_VM_CREATE_SVM, &vm);
	if (ret)
		die("vm_create", ret);
	ret = vsvm_madvise(dev, vm, (uintptr_t)b.p, size,
			   DRM_VSVM_ATTR_GRANULARITY, 2 * MIB);
	if (ret)
		die("madvise granularity", ret);
	*to = prefetch_time(dev, vm, &b, DRM_VSVM_REGION_VRAM);
	residency_gap();
	*back = prefetch_time(dev, vm, &b, DRM_VSVM_REGION_SYSTEM);
	thp_note(thp_after, &b);
	vsvm_vm_destroy(dev, vm);
	buf_check(&b, 0x33, "vsvm migration");
	buf_free(&b);
}

static int dmirror_open(void)
{
	int fd = open("/dev/hmm_dmirror0", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die("open /dev/hmm_dmirror0", errno);
	return fd;
}

/* One test_hmm ioctl over @b, timed; @out receives the copied data. */
static double dmirror_time(int fd, unsigned long req, const struct buf *b,
			   const struct buf *out, uint64_t *cpages)
{
	struct hmm_dmirror_cmd cmd = {
		.addr = (uintptr_t)b->p,
		.ptr = (uintptr_t)out->p,
		.npages = b->size / PAGE,
	};
	double t0;
	int ret;

	t0 = now_s();
	do {
		ret = ioctl(fd, req, &cmd);
	} while (ret && errno == EINTR);
	t0 = now_s() - t0;
	if (ret)
		die("test_hmm ioctl", errno);
	if (cpages)
		*cpages = cmd.cpages;
	return t0;
}

/*
 * test_hmm: MIGRATE_TO_DEV (its copy back measured by a READ right after),
 * MIGRATE_TO_SYS, on a dmirror file of their own.
 */
static void hmm_migrate_rep(size_t size, const struct buf *out, double *to,
			    double *copyback, double *back, int *thp_before,
			    int *thp_after)
{
	uint64_t cpages;
	struct buf b;
	int fd;

	buf_alloc(&b, size, 0x44);
	thp_note(thp_before, &b);
	fd = dmirror_open();
	*to = dmirror_time(fd, HMM_DMIRROR_MIGRATE_TO_DEV, &b, out, &cpages);
	if (cpages != size / PAGE)
		die("MIGRATE_TO_DEV left pages behind", EIO);
	*copyback = dmirror_time(fd, HMM_DMIRROR_READ, &b, out, &cpages);
	if (cpages != size / PAGE)
		die("READ after MIGRATE_TO_DEV", EIO);
	residency_gap();
	*back = dmirror_time(fd, HMM_DMIRROR_MIGRATE_TO_SYS, &b, out, NULL);
	thp_note(thp_after, &b);
	close(fd);
	buf_check(out, 0x44, "test_hmm copy back");
	buf_check(&b, 0x44, "test_hmm migration");
	buf_free(&b);
}

static double exec_time(vsvm_device_handle dev, uint32_t vm,
			vsvm_cmdbuf_handle cb, const char *what)
{
	int ret, status = 0;
	double t0;

	t0 = now_s();
	ret = vsvm_exec_wait(dev, vm, 0, cb, JOB_TIMEOUT_NS, &status);
	t0 = now_s() - t0;
	if (ret)
		die(what, ret);
	if (status != 1)
		die(what, status);
	return t0;
}

/*
 * vsvm: a COPY job from a never-mirrored buffer into @out, which a FILL job
 * of the same fresh VM has mirrored before (untimed), then the same COPY
 * once more with everything mirrored.
 */
static void vsvm_read_rep(vsvm_device_handle dev, size_t size,
			  const struct buf *out, double *cold, double *warm)
{
	vsvm_cmdbuf_handle cb;
	struct buf b;
	uint32_t vm;
	int ret;

	buf_alloc(&b, size, 0x55);
	ret = vsvm_vm_create(dev, DRM_VSVM_VM_CREATE_SVM, &vm);
	if (ret)
		die("vm_create", ret);
	ret = vsvm_cmdbuf_create(4096, &cb);
	if (ret)
		die("cmdbuf_create", ret);
	vsvm_cmdbuf_fill(cb, (uintptr_t)out->p, size, 0);
	exec_time(dev, vm, cb, "fill job");
	vsvm_cmdbuf_reset(cb);
	vsvm_cmdbuf_copy(cb, (uintptr_t)out->p, (uintptr_t)b.p, size);
	*cold = exec_time(dev, vm, cb, "first-touch read job");
	*warm = exec_time(dev, vm, cb, "mirrored read job");
	vsvm_cmdbuf_destroy(cb);
	vsvm_vm_destroy(dev, vm);
	buf_check(out, 0x55, "vsvm read");
	buf_free(&b);
}

/* test_hmm: READ on a fresh dmirror file, then once more */
static void hmm_read_rep(size_t size, const struct buf *out, double *cold,
			 double *warm)
{
	struct buf b;
	int fd;

	buf_alloc(&b, size, 0x66);
	fd = dmirror_open();
	*cold = dmirror_time(fd, HMM_DMIRROR_READ, &b, out, NULL);
	*warm = dmirror_time(fd, HMM_DMIRROR_READ, &b, out, NULL);
	close(fd);
	buf_check(out, 0x66, "test_hmm read");
	buf_free(&b);
}

/* min, median and max of a figure, "-" where it has none */
static void print_mmm(const struct row *r)
{
	double v[3];
	int i;

	if (!r) {
		printf(" %23s", "-");
		return;
	}
	v[0] = r->min;
	v[1] = r->median;
	v[2] = r->max;
	for (i = 0; i < 3; i++)
		if (isnan(v[i]))
			printf(" %7s", "-");
		else
			printf(" %7.0f", v[i]);
}

static void print_row(const char *op, const char *vop, const char *hop,
		      uint64_t mib, const struct row *m)
{
	const struct row *v = vop ? find_row("vsvm", vop, mib) : NULL;
	const struct row *h = hop ? find_row("test_hmm", hop, mib) : NULL;

	printf("%-18s", op);
	print_mmm(v);
	print_mmm(h);
	if (v && h)
		printf(" %8.2fx", v->median / h->median);
	else
		printf(" %9s", "-");
	if (v && m)
		printf(" %8.2fx", v->median / m->median);
	else if (h && m)
		printf(" %8s(%.2fx hmm)", "", h->median / m->median);
	printf("\n");
}

/* All operations at one size, interleaved repetition by repetition. */
static void bench_size(vsvm_device_handle dev, uint64_t mib, bool vram)
{
	double mc[MAX_REPS], vto[MAX_REPS], vback[MAX_REPS], vcold[MAX_REPS];
	double vwarm[MAX_REPS], hto[MAX_REPS];
	double hcb[MAX_REPS], hback[MAX_REPS];
	double hcold[MAX_REPS], hwarm[MAX_REPS];
	struct thp_seen before = { -1, -1 }, after = { -1, -1 };
	size_t size = mib * MIB;
	const struct row *m;
	struct buf out;
	int r, i;

	/* test_hmm's copies land here: THP-backed and written, like the rest */
	buf_alloc(&out, size, 0);
	for (r = -1; r < reps; r++) {
		i = r < 0 ? 0 : r;	/* the warm-up is overwritten */
		mc[i] = memcpy_rep(size);
		if (vram) {
			vsvm_migrate_rep(dev, size, &vto[i], &vback[i],
					 &before.vsvm, &after.vsvm);
			hmm_migrate_rep(size, &out, &hto[i], &hcb[i],
					&hback[i], &before.hmm, &after.hmm);
		}
		vsvm_read_rep(dev, size, &out, &vcold[i], &vwarm[i]);
		hmm_read_rep(size, &out, &hcold[i], &hwarm[i]);
	}
	buf_free(&out);

	m = record_bw("memcpy", "copy", size, mc, reps);
	if (vram) {
		record_bw("vsvm", "to-dev", size, vto, reps);
		record_bw("vsvm", "to-sys", size, vback, reps);
		record_bw_diff("test_hmm", "to-dev", size, hto, hcb, reps);
		record_bw("test_hmm", "to-dev+copyback", size, hto, reps);
		record_bw("test_hmm", "copyback", size, hcb, reps);
		record_bw("test_hmm", "to-sys", size, hback, reps);
	}
	record_bw("vsvm", "first-touch-read", size, vcold, reps);
	record_bw("vsvm", "mirrored-read", size, vwarm, reps);
	record_bw_diff("vsvm", "fault-part", size, vcold, vwarm, reps);
	record_bw("test_hmm", "first-touch-read", size, hcold, reps);
	record_bw("test_hmm", "mirrored-read", size, hwarm, reps);
	record_bw_diff("test_hmm", "fault-part", size, hcold, hwarm, reps);

	printf("\n== %" PRIu64 " MiB, %d vCPU%s: MB/s min / median / max of %d (+1 warm-up) ==\n",
	       mib, vcpus, vcpus == 1 ? "" : "s", reps);
	printf("%-18s %23s %23s %9s %9s\n", "", "vsvm", "test_hmm", "vsvm/hmm",
	       "vsvm/mcpy");
	printf("%-18s %7.0f %7.0f %7.0f\n", "memcpy", m->min, m->median,
	       m->max);
	if (vram) {
		print_row("to-dev", "to-dev", "to-dev", mib, m);
		print_row("to-dev+copyback", NULL, "to-dev+copyback", mib, m);
		print_row("to-sys", "to-sys", "to-sys", mib, m);
	}
	print_row("first-touch read", "first-touch-read", "first-touch-read",
		  mib, m);
	print_row("fault part", "fault-part", "fault-part", mib, m);
	print_row("mirrored read", "mirrored-read", "mirrored-read", mib, m);
	if (vram)
		printf("THP share of the buffers (lowest seen): vsvm %d%% before, %d%% after to-sys; test_hmm %d%% before, %d%% after to-sys\n",
		       before.vsvm, after.vsvm, before.hmm, after.hmm);
	fflush(stdout);
}

/*
 * One 2 MiB GPU fault with migration: preferred location VRAM, 2 MiB
 * granularity, one THP chunk the GPU writes once, in a VM whose command
 * buffer is mirrored. Its job minus a NOP job of the same VM just before.
 */
static void bench_fault_latency(vsvm_device_handle dev)
{
	double fault[MAX_REPS], nop[MAX_REPS], diff[MAX_REPS];
	double warm[MAX_REPS];
	const struct row *f, *n, *d, *w;
	vsvm_cmdbuf_handle cb;
	int r, i, ret;

	ret = vsvm_cmdbuf_create(4096, &cb);
	if (ret)
		die("cmdbuf_create", ret);
	for (r = -1; r < latency_reps; r++) {
		uint8_t res[512];
		uint64_t word;
		struct buf b;
		uint32_t vm;

		i = r < 0 ? 0 : r;
		buf_alloc(&b, 2 * MIB, 0x77);
		ret = vsvm_vm_create(dev, DRM_VSVM_VM_CREATE_SVM, &vm);
		if (ret)
			die("vm_create", ret);
		if (vsvm_madvise(dev, vm, (uintptr_t)b.p, b.size,
				 DRM_VSVM_ATTR_PREFERRED_LOC,
				 DRM_VSVM_REGION_VRAM) ||
		    vsvm_madvise(dev, vm, (uintptr_t)b.p, b.size,
				 DRM_VSVM_ATTR_GRANULARITY, 2 * MIB))
			die("madvise", EINVAL);
		vsvm_cmdbuf_reset(cb);
		vsvm_cmdbuf_nop(cb);
		exec_time(dev, vm, cb, "nop job");	/* mirrors the cmdbuf */
		nop[i] = exec_time(dev, vm, cb, "nop job");
		vsvm_cmdbuf_reset(cb);
		vsvm_cmdbuf_write64(cb, (uintptr_t)b.p + 8, 0x1234);
		fault[i] = exec_time(dev, vm, cb, "faulting job");
		warm[i] = exec_time(dev, vm, cb, "mapped job");
		diff[i] = fault[i] - nop[i];
		ret = vsvm_residency(dev, vm, (uintptr_t)b.p, 512, res);
		if (ret)
			die("residency", ret);
		if (res[0] != DRM_VSVM_RESIDENCY_VRAM ||
		    res[511] != DRM_VSVM_RESIDENCY_VRAM)
			die("the faulting chunk did not move to VRAM", EIO);
		vsvm_vm_destroy(dev, vm);
		memcpy(&word, b.p + 8, sizeof(word));
		if (word != 0x1234)
			die("the GPU write is lost", EIO);
		buf_free(&b);
	}
	vsvm_cmdbuf_destroy(cb);
	f = record_us("vsvm", "fault-2m-migrate-job", 2 * MIB, fault,
		      latency_reps);
	n = record_us("vsvm", "nop-job", 2 * MIB, nop, latency_reps);
	w = record_us("vsvm", "mapped-write-job", 2 * MIB, warm, latency_reps);
	d = record_us("vsvm", "fault-2m-migrate", 2 * MIB, diff, latency_reps);
	printf("\n== one 2 MiB GPU fault with migration to VRAM, %d vCPU%s, us min / median / max of %d (+1 warm-up) ==\n",
	       vcpus, vcpus == 1 ? "" : "s", latency_reps);
	printf("faulting job      %9.0f %9.0f %9.0f\n", f->min, f->median,
	       f->max);
	printf("NOP job           %9.0f %9.0f %9.0f\n", n->min, n->median,
	       n->max);
	printf("same job, mapped  %9.0f %9.0f %9.0f\n", w->min, w->median,
	       w->max);
	printf("fault (job - NOP) %9.0f %9.0f %9.0f  (per repetition)\n",
	       d->min, d->median, d->max);
	printf("median faulting job - median NOP job: %.0f us\n",
	       f->median - n->median);
	fflush(stdout);
}

/* munmap of a mirrored range against munmap of the same, unmirrored. */
static void bench_munmap(vsvm_device_handle dev, uint64_t mib)
{
	double plain[MAX_REPS], mirrored[MAX_REPS], hmm[MAX_REPS];
	const struct row *p, *v, *h;
	size_t size = mib * MIB;
	int r;

	for (r = 0; r < reps; r++) {
		vsvm_cmdbuf_handle cb;
		struct buf b, out;
		uint32_t vm, crc;
		double t0;
		int fd;

		buf_alloc(&b, size, 1);
		t0 = now_s();
		buf_free(&b);
		plain[r] = now_s() - t0;

		buf_alloc(&b, size, 1);
		vsvm_vm_create(dev, DRM_VSVM_VM_CREATE_SVM, &vm);
		vsvm_cmdbuf_create(4096, &cb);
		vsvm_cmdbuf_checksum(cb, (uintptr_t)b.p, size, (uintptr_t)&crc);
		exec_time(dev, vm, cb, "checksum job");
		t0 = now_s();
		buf_free(&b);
		mirrored[r] = now_s() - t0;
		vsvm_cmdbuf_destroy(cb);
		vsvm_vm_destroy(dev, vm);

		buf_alloc(&b, size, 1);
		buf_alloc(&out, size, 0);
		fd = dmirror_open();
		dmirror_time(fd, HMM_DMIRROR_READ, &b, &out, NULL);
		t0 = now_s();
		buf_free(&b);
		hmm[r] = now_s() - t0;
		close(fd);
		buf_free(&out);
	}
	p = record_us("none", "munmap", size, plain, reps);
	v = record_us("vsvm", "munmap", size, mirrored, reps);
	h = record_us("test_hmm", "munmap", size, hmm, reps);
	printf("\n== munmap of %" PRIu64 " MiB, median of %d ==\n", mib, reps);
	printf("unmirrored %.1f ms, mirrored by vsvm %.1f ms, mirrored by test_hmm %.1f ms\n",
	       p->median / 1e3, v->median / 1e3, h->median / 1e3);
}

/*
 * One device-wide counter from debugfs (root only: since uapi 0.5 clients
 * see their own VMs' counters only), or -1 when unreadable. Eviction is
 * device-wide: the evicted pages belong to no VM the bench can name.
 */
static int64_t debugfs_stat(const char *name)
{
	int64_t ret = -1;
	glob_t g;

	if (glob("/sys/kernel/debug/dri/*/vsvm_stats", 0, NULL, &g))
		return -1;
	ret = vsvm_debugfs_stat_read(g.gl_pathv[0], name);
	globfree(&g);
	return ret;
}

/* Eviction: fill VRAM, then prefetch as much again, evicting the first. */
static void bench_evict(vsvm_device_handle dev, uint64_t vram_size)
{
	int64_t out0, out1, ev0, ev1;
	double t, mb = vram_size / 1e6;
	struct buf a, b;
	uint64_t moved;
	uint32_t vm;
	int ret;

	buf_alloc(&a, vram_size, 1);
	buf_alloc(&b, vram_size, 2);
	ret = vsvm_vm_create(dev, DRM_VSVM_VM_CREATE_SVM, &vm);
	if (ret)
		die("vm_create", ret);
	ret = vsvm_prefetch(dev, vm, (uintptr_t)a.p, vram_size,
			    DRM_VSVM_REGION_VRAM, &moved);
	if (ret)
		die("prefetch", ret);
	out0 = debugfs_stat("bytes_to_system");
	ev0 = debugfs_stat("evictions");
	t = now_s();
	ret = vsvm_prefetch(dev, vm, (uintptr_t)b.p, vram_size,
			    DRM_VSVM_REGION_VRAM, &moved);
	t = now_s() - t;
	if (ret)
		die("prefetch", ret);
	out1 = debugfs_stat("bytes_to_system");
	ev1 = debugfs_stat("evictions");
	if (out0 < 0 || out1 < 0 || ev0 < 0 || ev1 < 0)
		out0 = out1 = ev0 = ev1 = 0;	/* no debugfs: reported as 0 */
	printf("\n== eviction under 2x overcommit (%" PRIu64 " MiB VRAM), one run ==\n",
	       vram_size >> 20);
	printf("prefetch of %.0f MB into full VRAM: %.0f MB/s moved in, %.0f MB/s evicted (%" PRIu64 " blocks), %" PRIu64 " pages moved\n",
	       mb, mb / t, (out1 - out0) / 1e6 / t, (uint64_t)(ev1 - ev0),
	       moved);
	vsvm_vm_destroy(dev, vm);
	buf_check(&a, 1, "evicted buffer");
	buf_free(&b);
	buf_free(&a);
}

static void write_csv(const char *path)
{
	FILE *f = fopen(path, "w");
	int i;

	if (!f)
		die(path, errno);
	fprintf(f, "tool,op,size_mib,vcpus,reps,unit,min,median,max\n");
	for (i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];
		bool lat = !strcmp(r->unit, "us");

		double v[3] = { r->min, r->median, r->max };
		int j;

		fprintf(f, "%s,%s,%" PRIu64 ",%d,%d,%s", r->tool, r->op,
			r->mib, vcpus,
			lat && strcmp(r->op, "munmap") ? latency_reps : reps,
			r->unit);
		/* figures derived from medians have no min or max: empty */
		for (j = 0; j < 3; j++)
			if (isnan(v[j]))
				fprintf(f, ",");
			else
				fprintf(f, ",%.3f", v[j]);
		fprintf(f, "\n");
	}
	if (fclose(f))
		die(path, errno);
}

/* The vsvm device with QUERY device_index @index, or NULL. */
static vsvm_device_handle open_device_index(unsigned int index)
{
	struct drm_vsvm_query_device info;
	vsvm_device_handle dev;
	char path[64];
	int minor;

	for (minor = 128; minor < 192; minor++) {
		snprintf(path, sizeof(path), "/dev/dri/renderD%d", minor);
		if (vsvm_device_open(path, &dev))
			continue;
		if (!vsvm_query_device(dev, &info) && info.num_devices &&
		    info.device_index == index)
			return dev;
		vsvm_device_close(dev);
	}
	return NULL;
}

/* One buffer in device 0's VRAM moved to device 1's, both ways. */
static void peer_rep(vsvm_device_handle d0, vsvm_device_handle d1,
		     size_t size, double *direct, double *via)
{
	uint32_t vm0, vm1;
	struct buf b;
	int ret;

	buf_alloc(&b, size, 0x5a);
	ret = vsvm_vm_create(d0, DRM_VSVM_VM_CREATE_SVM, &vm0);
	if (!ret)
		ret = vsvm_vm_create(d1, DRM_VSVM_VM_CREATE_SVM, &vm1);
	if (ret)
		die("vm_create", ret);
	ret = vsvm_madvise(d0, vm0, (uintptr_t)b.p, size,
			   DRM_VSVM_ATTR_GRANULARITY, 2 * MIB);
	if (!ret)
		ret = vsvm_madvise(d1, vm1, (uintptr_t)b.p, size,
				   DRM_VSVM_ATTR_GRANULARITY, 2 * MIB);
	if (ret)
		die("madvise granularity", ret);
	/*
	 * untimed: into device 0's VRAM; then, as before the way through
	 * system memory, past the VRAM residency timeslice, so that neither
	 * way waits for it
	 */
	prefetch_time(d0, vm0, &b, DRM_VSVM_REGION_VRAM);
	residency_gap();
	*direct = prefetch_time(d1, vm1, &b, DRM_VSVM_REGION_VRAM);
	/* untimed: back into device 0's VRAM, directly */
	prefetch_time(d0, vm0, &b, DRM_VSVM_REGION_VRAM);
	residency_gap();
	*via = prefetch_time(d0, vm0, &b, DRM_VSVM_REGION_SYSTEM);
	*via += prefetch_time(d1, vm1, &b, DRM_VSVM_REGION_VRAM);
	residency_gap();
	prefetch_time(d1, vm1, &b, DRM_VSVM_REGION_SYSTEM);
	vsvm_vm_destroy(d1, vm1);
	vsvm_vm_destroy(d0, vm0);
	buf_check(&b, 0x5a, "peer migration");
	buf_free(&b);
}

/* VRAM to a peer's VRAM: directly against through system memory. */
static void bench_peer(vsvm_device_handle d0, uint64_t mib)
{
	double direct[MAX_REPS], via[MAX_REPS];
	const struct row *d, *v;
	size_t size = mib * MIB;
	vsvm_device_handle d1;
	int r, i;

	d1 = open_device_index(1);
	if (!d1) {
		printf("\nno second vsvm device: peer migration is not measured\n");
		return;
	}
	for (r = -1; r < reps; r++) {
		i = r < 0 ? 0 : r;
		peer_rep(d0, d1, size, &direct[i], &via[i]);
	}
	vsvm_device_close(d1);
	d = record_bw("vsvm", "vram-to-peer", size, direct, reps);
	v = record_bw("vsvm", "vram-via-system", size, via, reps);
	printf("\n== peer, %" PRIu64 " MiB, %d vCPU%s: MB/s min / median / max of %d (+1 warm-up) ==\n",
	       mib, vcpus, vcpus == 1 ? "" : "s", reps);
	printf("%-18s", "vram-to-peer");
	print_mmm(d);
	printf("\n%-18s", "vram-via-system");
	print_mmm(v);
	printf("\ndirect / via system: %.2fx\n", d->median / v->median);
	fflush(stdout);
}

/* vram_min_residency_ms, plus two 4 ms jiffies, or 20 ms if unreadable */
static unsigned int read_residency_gap(void)
{
	unsigned int ms;
	FILE *f;

	f = fopen("/sys/module/vsvm/parameters/vram_min_residency_ms", "r");
	if (!f)
		return 20000;
	if (fscanf(f, "%u", &ms) != 1)
		ms = 12;
	fclose(f);
	return (ms + 8) * 1000;
}

static void print_header(void)
{
	char thp[128] = "?";
	struct utsname u;
	FILE *f;

	uname(&u);
	f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	if (f) {
		if (!fgets(thp, sizeof(thp), f))
			strcpy(thp, "?");
		thp[strcspn(thp, "\n")] = 0;
		fclose(f);
	}
	printf("vsvm_bench: kernel %s, %d vCPU%s online, THP enabled: %s, %d reps (+1 warm-up), residency gap %u us\n",
	       u.release, vcpus, vcpus == 1 ? "" : "s", thp, reps,
	       residency_gap_us);
}

static int parse_sizes(const char *s, uint64_t *sizes)
{
	int n = 0;

	while (*s && n < MAX_SIZES) {
		char *end;
		uint64_t v = strtoull(s, &end, 0);

		if (end == s || v < 2 || v % 2 || v > 4096)
			return -1;
		sizes[n++] = v;
		s = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return -1;
	}
	return n;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sizes", required_argument, NULL, 's' },
		{ "reps", required_argument, NULL, 'r' },
		{ "latency-reps", required_argument, NULL, 'l' },
		{ "csv", required_argument, NULL, 'c' },
		{ "extras", no_argument, NULL, 'x' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t sizes[MAX_SIZES] = { 2, 8, 32, 128, 256 };
	struct drm_vsvm_query_device info;
	int c, i, ret, nsizes = 5;
	const char *csv = NULL;
	vsvm_device_handle dev;
	bool extras = false;
	bool vram;

	while ((c = getopt_long(argc, argv, "s:r:l:c:x", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			nsizes = parse_sizes(optarg, sizes);
			if (nsizes < 1)
				die("--sizes: even MiB counts, 2 to 4096", EINVAL);
			break;
		case 'r':
			reps = atoi(optarg);
			if (reps < 1 || reps > MAX_REPS)
				die("--reps: 1 to 31", EINVAL);
			break;
		case 'l':
			latency_reps = atoi(optarg);
			if (latency_reps < 1 || latency_reps > MAX_REPS)
				die("--latency-reps: 1 to 31", EINVAL);
			break;
		case 'c':
			csv = optarg;
			break;
		case 'x':
			extras = true;
			break;
		default:
			fprintf(stderr, "usage: %s [--sizes MIB,...] [--reps N] [--latency-reps N] [--csv FILE] [--extras]\n",
				argv[0]);
			return 2;
		}
	}

	vcpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	residency_gap_us = read_residency_gap();
	ret = vsvm_device_open(NULL, &dev);
	if (ret)
		die("open vsvm", ret);
	ret = vsvm_query_device(dev, &info);
	if (ret)
		die("query", ret);
	vram = info.features & DRM_VSVM_FEATURE_VRAM;
	print_header();
	if (!vram)
		printf("no VRAM on this device: migration is not measured\n");

	for (i = 0; i < nsizes; i++) {
		if (vram && sizes[i] * MIB > info.vram_size)
			die("a size is larger than VRAM", EINVAL);
		bench_size(dev, sizes[i], vram);
	}
	if (vram) {
		bench_fault_latency(dev);
		bench_peer(dev, sizes[nsizes - 1]);
	}
	if (extras) {
		bench_munmap(dev, sizes[nsizes - 1]);
		if (vram)
			bench_evict(dev, info.vram_size);
	}
	vsvm_device_close(dev);
	if (csv)
		write_csv(csv);
	return 0;
}
