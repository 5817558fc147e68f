// SPDX-License-Identifier: MIT
/*
 * vsvm-scale: how vsvm behaves with many processes, a huge sparse address
 * space and every engine faulting at once, over every vsvm device present
 * (the module's num_devices; the render nodes /dev/dri/renderD128..191 are
 * opened one by one and QUERY tells each device's index). A benchmark,
 * not a test: it checks every byte the GPU wrote and every job's user
 * fence, and exits non-zero on wrong data or a failed ioctl or job, but
 * the figures themselves pass or fail nothing.
 *
 * Three sections (--sections picks some):
 *
 * - procs: --procs P processes (default 64) are forked; each allocates
 *   its buffers, says it is ready on a pipe and waits on another. Once
 *   all are ready the parent closes that one (time 0, CLOCK_MONOTONIC,
 *   shared by all); each process then opens every vsvm device, creates
 *   a VM on each, queues on each device a FILL job writing a pattern of
 *   its own (per process and device) into its own malloc()'d buffer
 *   (--proc-kib KiB,
 *   default 64, one buffer per device, never touched by the CPU before),
 *   waits for them, queues on each device a CHECKSUM job of that buffer,
 *   waits, and checks on the CPU every byte of each buffer and the CRC-32
 *   the GPU computed. Process i uses engine i % num_engines of each
 *   device. Its completion time is from time 0 to that last check (VM
 *   destroy and close follow, untimed); reported: min / median / p90 /
 *   max over the processes and the spread max / min, and the median of
 *   the part spent opening the devices and creating the VMs.
 * - sparse: one process maps 1 TiB PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS
 *   | MAP_NORESERVE, and makes K pages of it read-write (mprotect), each
 *   in a different 2 MiB region, the regions evenly spread over the TiB,
 *   the page inside its region pseudo-random; K is --sparse-k (default
 *   1024, 4096, 16384). The mprotect matters: vsvm mirrors the largest
 *   aligned 2 MiB / 64 KiB / 4 KiB chunk around a GPU fault that lies
 *   inside the VMA, and drm_gpusvm faults in the whole chunk, so in one
 *   plain read-write TiB every touched page would bring 2 MiB of memory
 *   in (32 GiB for K = 16384). With each page a VMA of its own, a GPU
 *   fault mirrors that 4 KiB page only. One job of K 64-bit WRITE
 *   commands touches one word per page (K GPU faults, each allocating
 *   the page); the CPU checks every word. /proc/meminfo (MemFree, Slab,
 *   SUnreclaim, PageTables, AnonPages, Cached + Buffers; after a write to
 *   /proc/sys/vm/stat_refresh where allowed) and, when readable, the
 *   device's debugfs vsvm_stats and vsvm_vms are read: before the VM
 *   (with the TiB already mapped and split), with the VM made and its
 *   command buffer mirrored (by an untimed CHECKSUM job over it), after
 *   the job with the VM alive, after VM_DESTROY (polled for up to 30 s
 *   until vsvm's part is back and debugfs lists the VM no more) and
 *   after munmap. Reported per touched page: MemFree's drop, the same
 *   minus the 4 KiB data page ("kernel memory"), its Slab, SUnreclaim
 *   and PageTables parts, and what is left once the CPU's own page
 *   tables (PageTables) and any page cache growth (other activity of the
 *   guest) are taken off as well: vsvm's part (the GPU page table's
 *   tables, pages from the page allocator; in slab its directories'
 *   child arrays, drm_gpusvm's ranges and notifiers, the pfn and DMA
 *   arrays). Then K = 4096 over a 1 GiB mapping (eight pages
 *   per 2 MiB region, each in a 256 KiB slot of its own) for
 *   comparison: the cost follows the pages touched and how they share
 *   page-table pages, not the size of the mapping. After VM_DESTROY,
 *   vsvm's part (MemFree's drop less the data pages and CPU page
 *   tables, which the process still maps, and page cache) must be back
 *   within max(2 MiB, 10% of its peak): printed as "back" or "NOT back"
 *   (not an error exit: slab caches keep freed objects).
 * - faults: GPU page faults per second with 1 engine of 1 device, all
 *   engines of device 0, and all engines of all devices busy at once:
 *   one thread per device and engine, each with a VM of its own (faults
 *   are serialised per VM), queues --fault-jobs J jobs (default 16) at
 *   once, each writing one word into each of --fault-pages T fresh pages
 *   (default 64): pages never touched before, each a 4 KiB read-write VMA
 *   between PROT_NONE pages as above, so that every write is exactly one
 *   4 KiB GPU fault (which allocates the page) and no MADVISE is needed
 *   (the granularity attribute bounds migrations, not the mirrored
 *   chunk). The threads start together (a barrier); the wall time runs
 *   from there to the last job's user fence. Rate = GPU faults (the sum
 *   of the VMs' DRM_VSVM_STAT_FAULTS over the jobs, read before and
 *   after; the command buffers are mirrored before, untimed) / wall time.
 *   Every word is checked after.
 *
 * Absolute figures under TCG mean little (everything is about 50 times
 * slower than native); the ratios between rows are the result. --csv
 * writes one row per figure:
 * section,case,param,vcpus,n,unit,min,median,p90,max (single values in
 * median, the other columns empty).
 *
 * usage: vsvm_scale [--sections procs,sparse,faults] [--procs P]
 *                   [--proc-kib KIB] [--sparse-k K,K,...]
 *                   [--fault-pages T] [--fault-jobs J] [--csv FILE]
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vsvm.h"
#include "vsvm_debugfs_stat.h"

#define KIB		1024ull
#define MIB		(1ull << 20)
#define GIB		(1ull << 30)
#define TIB		(1ull << 40)
#define PAGE		4096ull
#define REGION		(2 * MIB)
#define MAX_DEVICES	8
#define MAX_PROCS	1024
#define MAX_K		8
#define MAX_ROWS	256
#define JOB_TIMEOUT_NS	(600ll * 1000000000)

/* One vsvm device found at start: its node, index and engines. */
struct device {
	char path[VSVM_NODE_PATH_MAX];
	unsigned int index;
	unsigned int engines;
	unsigned int minor;
	vsvm_device_handle dev;
};

static struct device devices[MAX_DEVICES];
static unsigned int ndevices;
static unsigned int num_devices_reported;
static int vcpus;

/* Options */
static int nprocs = 64;
static uint64_t proc_kib = 64;
static uint64_t sparse_k[MAX_K] = { 1024, 4096, 16384 };
static int nsparse_k = 3;
static uint64_t fault_pages = 64;
static int fault_jobs = 16;

/* One figure of the CSV. */
struct row {
	const char *section;
	char name[48];
	char param[64];
	uint64_t n;
	const char *unit;
	double min, median, p90, max;	/* < 0: none */
};

static struct row rows[MAX_ROWS];
static int nrows;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "vsvm_scale: %s: %s\n", what,
		strerror(err < 0 ? -err : err));
	exit(1);
}

static void fail(const char *what)
{
	fprintf(stderr, "vsvm_scale: %s\n", what);
	exit(1);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The value at fraction @q of @n sorted values (nearest rank). */
static double quantile(const double *v, int n, double q)
{
	int i = (int)(q * n + 0.999999) - 1;

	if (i < 0)
		i = 0;
	if (i >= n)
		i = n - 1;
	return v[i];
}

static double median(const double *v, int n)
{
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static struct row *add_row(const char *section, const char *name,
			   const char *param, uint64_t n, const char *unit)
{
	struct row *r;

	if (nrows == MAX_ROWS)
		die("too many figures", ENOSPC);
	r = &rows[nrows++];
	r->section = section;
	snprintf(r->name, sizeof(r->name), "%s", name);
	snprintf(r->param, sizeof(r->param), "%s", param);
	r->n = n;
	r->unit = unit;
	r->min = r->p90 = r->max = -1;
	r->median = -1;
	return r;
}

static void add_value(const char *section, const char *name,
		      const char *param, uint64_t n, const char *unit,
		      double value)
{
	add_row(section, name, param, n, unit)->median = value;
}

static void write_csv(const char *path)
{
	FILE *f = fopen(path, "w");
	int i, j;

	if (!f)
		die(path, errno);
	fprintf(f, "section,case,param,vcpus,n,unit,min,median,p90,max\n");
	for (i = 0; i < nrows; i++) {
		const struct row *r = &rows[i];
		double v[4] = { r->min, r->median, r->p90, r->max };

		fprintf(f, "%s,%s,%s,%d,%" PRIu64 ",%s", r->section, r->name,
			r->param, vcpus, r->n, r->unit);
		for (j = 0; j < 4; j++)
			if (v[j] < 0)
				fprintf(f, ",");
			else
				fprintf(f, ",%.3f", v[j]);
		fprintf(f, "\n");
	}
	if (fclose(f))
		die(path, errno);
}

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32() from 0) */
static uint32_t crc_table[256];

static void crc_init(void)
{
	uint32_t c;
	int i, k;

	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t crc32_buf(const uint8_t *p, size_t len)
{
	uint32_t c = 0xffffffffu;

	while (len--)
		c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return c ^ 0xffffffffu;
}

/* A 64-bit mix (splitmix64's finalizer): scattered offsets and values. */
static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/*
 * Jobs with user fences. A job's record is zeroed before it is queued;
 * the wait is for its value, then its error must be 0.
 */
static void job_submit(vsvm_device_handle dev, uint32_t vm, uint32_t engine,
		       vsvm_cmdbuf_handle cb, struct drm_vsvm_ufence *uf,
		       uint64_t value)
{
	int ret;

	memset(uf, 0, sizeof(*uf));
	ret = vsvm_exec_ufence(dev, vm, engine, vsvm_cmdbuf_address(cb),
			       vsvm_cmdbuf_size(cb), NULL, 0, uf, value, NULL);
	if (ret)
		die("exec", ret);
}

static void job_wait(vsvm_device_handle dev, struct drm_vsvm_ufence *uf,
		     uint64_t value, const char *what)
{
	int ret;

	ret = vsvm_wait_ufence(dev, &uf->value, value, ~0ull,
			       DRM_VSVM_UFENCE_OP_EQ, now_ns() + JOB_TIMEOUT_NS);
	if (ret)
		die(what, ret);
	if (uf->error) {
		fprintf(stderr, "vsvm_scale: %s: the job failed: %s\n", what,
			strerror(-uf->error));
		exit(1);
	}
}

static void job_run(vsvm_device_handle dev, uint32_t vm, uint32_t engine,
		    vsvm_cmdbuf_handle cb, const char *what)
{
	struct drm_vsvm_ufence *uf = aligned_alloc(16, sizeof(*uf));

	if (!uf)
		die("malloc", ENOMEM);
	job_submit(dev, vm, engine, cb, uf, 1);
	job_wait(dev, uf, 1, what);
	free(uf);
}

static uint64_t vm_faults(vsvm_device_handle dev, uint32_t vm)
{
	uint64_t c[DRM_VSVM_STAT_COUNT] = { 0 };
	uint32_t count = DRM_VSVM_STAT_COUNT;
	int ret;

	ret = vsvm_stats(dev, vm, c, &count);
	if (ret)
		die("stats", ret);
	if (count <= DRM_VSVM_STAT_FAULTS)
		fail("the kernel reports no fault counter");
	return c[DRM_VSVM_STAT_FAULTS];
}

static vsvm_cmdbuf_handle cmdbuf_new(size_t capacity)
{
	vsvm_cmdbuf_handle cb;
	int ret;

	ret = vsvm_cmdbuf_create(capacity, &cb);
	if (ret)
		die("cmdbuf_create", ret);
	return cb;
}

static uint32_t vm_new(vsvm_device_handle dev)
{
	uint32_t vm;
	int ret;

	ret = vsvm_vm_create(dev, DRM_VSVM_VM_CREATE_SVM, &vm);
	if (ret)
		die("vm_create", ret);
	return vm;
}

/* Mirror a command buffer (read faults, untimed): a CHECKSUM job over it. */
static void cmdbuf_mirror(vsvm_device_handle dev, uint32_t vm,
			  uint32_t engine, vsvm_cmdbuf_handle cb,
			  size_t capacity)
{
	vsvm_cmdbuf_handle pre = cmdbuf_new(PAGE);
	uint32_t *crc = aligned_alloc(8, 8);

	if (!crc)
		die("malloc", ENOMEM);
	vsvm_cmdbuf_checksum(pre, vsvm_cmdbuf_address(cb), capacity,
			     (uintptr_t)crc);
	job_run(dev, vm, engine, pre, "command buffer mirroring job");
	vsvm_cmdbuf_destroy(pre);
	free(crc);
}

/*
 * Devices: every render node whose driver is vsvm, by QUERY device_index.
 */
static void find_devices(void)
{
	struct drm_vsvm_query_device info;
	vsvm_device_handle dev;
	char path[VSVM_NODE_PATH_MAX];
	struct stat st;
	unsigned int i, j;
	int node;

	for (node = 128; node < 192; node++) {
		snprintf(path, sizeof(path), "/dev/dri/renderD%d", node);
		if (vsvm_device_open(path, &dev))
			continue;
		if (vsvm_query_device(dev, &info)) {
			vsvm_device_close(dev);
			continue;
		}
		if (ndevices == MAX_DEVICES)
			fail("too many vsvm devices");
		if (info.uapi_major == 0 && info.uapi_minor < 7) {
			/* before 0.7: one device, index 0 */
			info.device_index = 0;
			info.num_devices = 1;
		}
		if (!info.num_engines)
			fail("a device has no engine");
		devices[ndevices].index = info.device_index;
		devices[ndevices].engines = info.num_engines;
		devices[ndevices].dev = dev;
		snprintf(devices[ndevices].path, sizeof(path), "%s", path);
		devices[ndevices].minor = fstat(vsvm_device_get_fd(dev), &st) ?
			(unsigned int)node : minor(st.st_rdev);
		num_devices_reported = info.num_devices;
		ndevices++;
	}
	if (!ndevices)
		die("open vsvm", ENODEV);
	/* by device index */
	for (i = 1; i < ndevices; i++)
		for (j = i; j > 0 && devices[j].index < devices[j - 1].index; j--) {
			struct device t = devices[j];

			devices[j] = devices[j - 1];
			devices[j - 1] = t;
		}
}

/*
 * Debugfs of a device (root only): one counter of vsvm_stats, and the
 * number of VMs vsvm_vms lists. -1 when unreadable.
 */
static int64_t debugfs_stat(const struct device *d, const char *name)
{
	return vsvm_debugfs_stat(d->minor, name);
}

static int64_t debugfs_vms(const struct device *d)
{
	char path[96], line[1024];
	int64_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%u/vsvm_vms",
		 d->minor);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "vm ", 3))
			n++;
	fclose(f);
	return n;
}

/* ---- procs ---- */

/* What each process reports, in memory shared with the parent. */
struct proc_result {
	double t_ready;		/* devices open, VMs made */
	double t_done;		/* last check done */
	int ok;
};

/* Process @id's pattern on device @d (no zero byte, distinct). */
static uint32_t proc_pattern(int id, unsigned int d)
{
	uint32_t p = (uint32_t)mix64((uint64_t)id << 8 | d);

	return p | 0x01010101u;
}

static void proc_child(int id, int ready_fd, int go_fd,
		       struct proc_result *res)
{
	size_t size = proc_kib * KIB;
	vsvm_device_handle dev[MAX_DEVICES];
	vsvm_cmdbuf_handle cb[MAX_DEVICES];
	struct drm_vsvm_ufence *uf;
	uint8_t *buf[MAX_DEVICES];
	uint32_t vm[MAX_DEVICES];
	uint32_t *crc;
	unsigned int d;
	char c;
	size_t i;
	int ret;

	uf = aligned_alloc(16, ndevices * sizeof(*uf));
	crc = aligned_alloc(8, ndevices * 8);
	if (!uf || !crc)
		die("malloc", ENOMEM);
	for (d = 0; d < ndevices; d++) {
		buf[d] = malloc(size);
		if (!buf[d])
			die("malloc", ENOMEM);
		cb[d] = cmdbuf_new(PAGE);
	}
	/* ready; wait for the start: the parent closes the pipe */
	c = 1;
	if (write(ready_fd, &c, 1) != 1)
		die("write", errno);
	close(ready_fd);
	while (read(go_fd, &c, 1) < 0 && errno == EINTR)
		;

	for (d = 0; d < ndevices; d++) {
		struct drm_vsvm_query_device info;

		ret = vsvm_device_open(devices[d].path, &dev[d]);
		if (ret)
			die(devices[d].path, ret);
		ret = vsvm_query_device(dev[d], &info);
		if (ret)
			die("query", ret);
		if (info.device_index != devices[d].index)
			fail("a render node changed device");
		vm[d] = vm_new(dev[d]);
	}
	res->t_ready = now_s();

	for (d = 0; d < ndevices; d++) {
		vsvm_cmdbuf_fill(cb[d], (uintptr_t)buf[d], size,
				 proc_pattern(id, d));
		job_submit(dev[d], vm[d], id % devices[d].engines, cb[d],
			   &uf[d], 1);
	}
	for (d = 0; d < ndevices; d++)
		job_wait(dev[d], &uf[d], 1, "fill job");
	for (d = 0; d < ndevices; d++) {
		vsvm_cmdbuf_reset(cb[d]);
		crc[2 * d] = 0;
		vsvm_cmdbuf_checksum(cb[d], (uintptr_t)buf[d], size,
				     (uintptr_t)&crc[2 * d]);
		job_submit(dev[d], vm[d], id % devices[d].engines, cb[d],
			   &uf[d], 2);
	}
	for (d = 0; d < ndevices; d++)
		job_wait(dev[d], &uf[d], 2, "checksum job");
	for (d = 0; d < ndevices; d++) {
		uint32_t p = proc_pattern(id, d);

		for (i = 0; i < size; i++)
			if (buf[d][i] != (uint8_t)(p >> (i % 4 * 8))) {
				fprintf(stderr, "vsvm_scale: process %d, device %u: byte %zu is %#x, not %#x\n",
					id, devices[d].index, i, buf[d][i],
					(uint8_t)(p >> (i % 4 * 8)));
				exit(1);
			}
		if (crc[2 * d] != crc32_buf(buf[d], size)) {
			fprintf(stderr, "vsvm_scale: process %d, device %u: GPU CRC-32 %08x, CPU %08x\n",
				id, devices[d].index, crc[2 * d],
				crc32_buf(buf[d], size));
			exit(1);
		}
	}
	res->t_done = now_s();

	for (d = 0; d < ndevices; d++) {
		ret = vsvm_vm_destroy(dev[d], vm[d]);
		if (ret)
			die("vm_destroy", ret);
		vsvm_device_close(dev[d]);
		vsvm_cmdbuf_destroy(cb[d]);
		free(buf[d]);
	}
	free(uf);
	free(crc);
	res->ok = 1;
	exit(0);
}

static void bench_procs(void)
{
	double done[MAX_PROCS], setup[MAX_PROCS], t0, wall;
	struct proc_result *res;
	int go[2], ready[2], i, failed = 0;
	char param[64];
	struct row *r;
	pid_t pid;

	printf("\n== procs: %d processes, each a VM on each of %u device%s, FILL then CHECKSUM of %" PRIu64 " KiB per device ==\n",
	       nprocs, ndevices, ndevices == 1 ? "" : "s", proc_kib);
	fflush(stdout);
	res = mmap(NULL, nprocs * sizeof(*res), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (res == MAP_FAILED)
		die("mmap", errno);
	memset(res, 0, nprocs * sizeof(*res));
	if (pipe(go) || pipe(ready))
		die("pipe", errno);
	for (i = 0; i < nprocs; i++) {
		pid = fork();
		if (pid < 0)
			die("fork", errno);
		if (!pid) {
			close(go[1]);
			close(ready[0]);
			proc_child(i, ready[1], go[0], &res[i]);
		}
	}
	close(go[0]);
	close(ready[1]);
	for (i = 0; i < nprocs; i++) {
		char c;

		if (read(ready[0], &c, 1) != 1)
			break;	/* a child died: counted below */
	}
	close(ready[0]);
	t0 = now_s();
	close(go[1]);
	for (i = 0; i < nprocs; i++) {
		int status;

		pid = wait(&status);
		if (pid < 0)
			die("wait", errno);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			failed++;
	}
	wall = now_s() - t0;
	for (i = 0; i < nprocs; i++)
		if (!res[i].ok)
			failed++;
	if (failed) {
		fprintf(stderr, "vsvm_scale: procs: %d of %d processes failed\n",
			failed, nprocs);
		exit(1);
	}
	for (i = 0; i < nprocs; i++) {
		done[i] = (res[i].t_done - t0) * 1e3;
		setup[i] = (res[i].t_ready - t0) * 1e3;
	}
	munmap(res, nprocs * sizeof(*res));
	qsort(done, nprocs, sizeof(*done), cmp_double);
	qsort(setup, nprocs, sizeof(*setup), cmp_double);

	snprintf(param, sizeof(param), "procs=%d devices=%u kib=%" PRIu64,
		 nprocs, ndevices, proc_kib);
	r = add_row("procs", "completion", param, nprocs, "ms");
	r->min = done[0];
	r->median = median(done, nprocs);
	r->p90 = quantile(done, nprocs, 0.9);
	r->max = done[nprocs - 1];
	add_value("procs", "spread", param, nprocs, "max/min",
		  r->max / (r->min > 1e-6 ? r->min : 1e-6));
	add_value("procs", "open+vm-median", param, nprocs, "ms",
		  median(setup, nprocs));
	add_value("procs", "wall", param, nprocs, "ms", wall * 1e3);
	printf("%d processes, all checked (%d jobs, every byte and CRC-32)\n",
	       nprocs, nprocs * ndevices * 2);
	printf("completion time from the common start, ms: min %.1f  median %.1f  p90 %.1f  max %.1f  spread (max/min) %.2fx\n",
	       r->min, r->median, r->p90, r->max, r->max / r->min);
	printf("of which opening %u device%s and creating the VMs: median %.1f ms; all processes exited after %.1f ms\n",
	       ndevices, ndevices == 1 ? "" : "s", median(setup, nprocs),
	       wall * 1e3);
	fflush(stdout);
}

/* ---- sparse ---- */

/* What /proc/meminfo and debugfs say, in bytes (counters as they are). */
struct mem {
	int64_t memfree, slab, sunreclaim, pagetables, anon, cache;
	int64_t faults, pages_4k, vms;	/* debugfs; -1 unreadable */
};

static void mem_read(struct mem *m, const struct device *d)
{
	char line[128], key[64];
	long long v;
	FILE *f;
	int fd;

	/* fold the per-CPU counter deltas in (root only; best effort) */
	fd = open("/proc/sys/vm/stat_refresh", O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "1\n", 2) < 0) {
			/* EINVAL when a counter is negative: still refreshed */
		}
		close(fd);
	}
	memset(m, 0, sizeof(*m));
	f = fopen("/proc/meminfo", "r");
	if (!f)
		die("/proc/meminfo", errno);
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63[^:]: %lld", key, &v) != 2)
			continue;
		v *= 1024;
		if (!strcmp(key, "MemFree"))
			m->memfree = v;
		else if (!strcmp(key, "Slab"))
			m->slab = v;
		else if (!strcmp(key, "SUnreclaim"))
			m->sunreclaim = v;
		else if (!strcmp(key, "PageTables"))
			m->pagetables = v;
		else if (!strcmp(key, "AnonPages"))
			m->anon = v;
		else if (!strcmp(key, "Cached") || !strcmp(key, "Buffers"))
			m->cache += v;
	}
	fclose(f);
	m->faults = debugfs_stat(d, "faults");
	m->pages_4k = debugfs_stat(d, "pages_4k");
	m->vms = debugfs_vms(d);
}

/* Kernel memory used (MemFree's drop) between @a and @b, less data pages. */
static int64_t mem_kernel(const struct mem *a, const struct mem *b,
			  int64_t data)
{
	return a->memfree - b->memfree - data;
}

/* ... less the CPU page tables and page cache growth (the rest's noise) */
static int64_t mem_vsvm(const struct mem *a, const struct mem *b,
			int64_t data)
{
	return mem_kernel(a, b, data) - (b->pagetables - a->pagetables) -
	       (b->cache - a->cache);
}

static uint64_t max_map_count(void)
{
	unsigned long long v = 65530;
	FILE *f = fopen("/proc/sys/vm/max_map_count", "r");

	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 65530;
		fclose(f);
	}
	return v;
}

/*
 * Page @i of @k in a mapping of @len bytes: its own 2 MiB region when
 * there are as many, else its own 64 KiB block; never a region's or a
 * block's last page, so that no two read-write pages are adjacent.
 */
static uint64_t sparse_offset(uint64_t len, uint64_t k, uint64_t i)
{
	uint64_t slot = len / k, pages = slot / PAGE;

	if (pages > REGION / PAGE)
		pages = REGION / PAGE;
	return i * slot + mix64(i ^ k << 40) % (pages - 1) * PAGE;
}

static void bench_sparse_one(uint64_t len, uint64_t k, const char *range)
{
	const struct device *d = &devices[0];
	struct mem m0, m1, m2, m3, m4;
	vsvm_cmdbuf_handle cb;
	int64_t data, vsvm_peak, left, tol, anon;
	size_t capacity = k * sizeof(struct drm_vsvm_cmd_write) + PAGE;
	char param[64], name[48];
	bool back;
	uint8_t *base;
	uint64_t i;
	double t0, t, t_back;
	uint32_t vm;
	int ret, tries;

	if (2 * k + 256 > max_map_count()) {
		printf("%s, K=%" PRIu64 ": needs %" PRIu64 " VMAs, vm.max_map_count is %" PRIu64 ": skipped\n",
		       range, k, 2 * k + 256, max_map_count());
		return;
	}
	if (capacity > VSVM_CMDBUF_MAX_CAPACITY) {
		printf("%s, K=%" PRIu64 ": a command buffer of %zu bytes is too large: skipped\n",
		       range, k, capacity);
		return;
	}
	base = mmap(NULL, len, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (base == MAP_FAILED)
		die("mmap of the sparse range", errno);
	if ((uintptr_t)base + len > 1ull << 47)
		fail("the sparse range lies beyond the GPU's reach");
	cb = cmdbuf_new(capacity);
	for (i = 0; i < k; i++) {
		uint8_t *p = base + sparse_offset(len, k, i);

		if (mprotect(p, PAGE, PROT_READ | PROT_WRITE))
			die("mprotect", errno);
		ret = vsvm_cmdbuf_write64(cb, (uintptr_t)p + 8 * (i % 512),
					  mix64(i) | 1);
		if (ret)
			die("cmdbuf_write64", ret);
	}
	mem_read(&m0, d);
	vm = vm_new(d->dev);
	cmdbuf_mirror(d->dev, vm, 0, cb, capacity);
	mem_read(&m1, d);

	t0 = now_s();
	job_run(d->dev, vm, 0, cb, "sparse write job");
	t = now_s() - t0;
	mem_read(&m2, d);
	for (i = 0; i < k; i++) {
		uint64_t w, *p;

		p = (uint64_t *)(base + sparse_offset(len, k, i)) + i % 512;
		w = *p;
		if (w != (mix64(i) | 1)) {
			fprintf(stderr, "vsvm_scale: sparse %s, K=%" PRIu64 ": word %" PRIu64 " is %#" PRIx64 ", not %#" PRIx64 "\n",
				range, k, i, w, mix64(i) | 1);
			exit(1);
		}
	}
	if (vm_faults(d->dev, vm) < k)
		fail("sparse: fewer GPU faults than pages touched");

	ret = vsvm_vm_destroy(d->dev, vm);
	if (ret)
		die("vm_destroy", ret);
	data = k * PAGE;
	anon = m2.anon - m1.anon;
	vsvm_peak = mem_vsvm(&m1, &m2, data);
	tol = vsvm_peak / 10 > (int64_t)(2 * MIB) ? vsvm_peak / 10 :
		(int64_t)(2 * MIB);
	/*
	 * The mirror is freed with the VM's last reference, and slab frees
	 * (kmemleak's RCU-deferred ones under the debug kernel) lag: poll
	 * up to 30 s.
	 */
	t_back = now_s();
	for (tries = 0; ; tries++) {
		mem_read(&m3, d);
		left = mem_vsvm(&m0, &m3, data);
		back = left <= tol;
		if ((back && (m3.vms < 0 || m3.vms <= m0.vms)) || tries == 300)
			break;
		usleep(100000);
	}
	t_back = now_s() - t_back;
	vsvm_cmdbuf_destroy(cb);
	munmap(base, len);
	mem_read(&m4, d);

	printf("%-5s K=%-6" PRIu64 " job %7.1f ms (%5.0f faults/s)  per page: MemFree -%6.0f B  kernel %6.0f B  (Slab %6.0f  SUnreclaim %6.0f  PageTables %6.0f)  vsvm %6.0f B\n",
	       range, k, t * 1e3, k / t, (double)(m1.memfree - m2.memfree) / k,
	       (double)mem_kernel(&m1, &m2, data) / k,
	       (double)(m2.slab - m1.slab) / k,
	       (double)(m2.sunreclaim - m1.sunreclaim) / k,
	       (double)(m2.pagetables - m1.pagetables) / k,
	       (double)vsvm_peak / k);
	printf("      data pages (AnonPages) +%.1f MiB (K x 4 KiB = %.1f MiB); page cache %+.1f KiB; VM and mirrored command buffer %.1f KiB",
	       anon / (double)MIB, data / (double)MIB,
	       (m2.cache - m1.cache) / (double)KIB,
	       (m0.memfree - m1.memfree) / (double)KIB);
	if (m2.faults >= 0)
		printf("; debugfs: faults +%" PRId64 ", 4 KiB pages mirrored +%" PRId64 ", VMs %" PRId64 " -> %" PRId64 " -> %" PRId64,
		       m2.faults - m1.faults, m2.pages_4k - m1.pages_4k,
		       m0.vms, m2.vms, m3.vms);
	printf("\n      after VM_DESTROY: vsvm's part %s after %.1f s (%+.1f KiB left of %.1f MiB, tolerance %.1f MiB; Slab %+.1f KiB since before the VM); after munmap: MemFree %+.1f KiB, PageTables %+.1f KiB since before the VM\n",
	       back ? "back" : "NOT back", t_back, left / (double)KIB,
	       vsvm_peak / (double)MIB, tol / (double)MIB,
	       (m3.slab - m0.slab) / (double)KIB,
	       (m4.memfree - m0.memfree) / (double)KIB,
	       (m4.pagetables - m0.pagetables) / (double)KIB);
	fflush(stdout);

	snprintf(param, sizeof(param), "range=%s k=%" PRIu64, range, k);
	add_value("sparse", "job", param, k, "ms", t * 1e3);
	add_value("sparse", "memfree-per-page", param, k, "B",
		  (double)(m1.memfree - m2.memfree) / k);
	add_value("sparse", "kernel-per-page", param, k, "B",
		  (double)mem_kernel(&m1, &m2, data) / k);
	add_value("sparse", "slab-per-page", param, k, "B",
		  (double)(m2.slab - m1.slab) / k);
	add_value("sparse", "sunreclaim-per-page", param, k, "B",
		  (double)(m2.sunreclaim - m1.sunreclaim) / k);
	add_value("sparse", "pagetables-per-page", param, k, "B",
		  (double)(m2.pagetables - m1.pagetables) / k);
	add_value("sparse", "vsvm-per-page", param, k, "B",
		  (double)vsvm_peak / k);
	add_value("sparse", "anon-per-page", param, k, "B",
		  (double)anon / k);
	snprintf(name, sizeof(name), "left-after-destroy-%s",
		 back ? "back" : "not-back");
	add_value("sparse", name, param, k, "KiB",
		  left > 0 ? left / (double)KIB : 0);
	add_value("sparse", "destroy-to-back", param, k, "s", t_back);
	add_value("sparse", "memfree-left-after-munmap", param, k, "KiB",
		  m0.memfree > m4.memfree ?
		  (m0.memfree - m4.memfree) / (double)KIB : 0);
}

static void bench_sparse(void)
{
	int i;

	printf("\n== sparse: K pages written by one GPU job, each in its own 2 MiB region of a 1 TiB MAP_NORESERVE mapping (a 4 KiB read-write VMA each), device %u ==\n",
	       devices[0].index);
	printf("(per page: MemFree's drop / K; kernel = that minus the 4 KiB data page; vsvm = kernel minus the CPU page tables)\n");
	fflush(stdout);
	for (i = 0; i < nsparse_k; i++)
		bench_sparse_one(TIB, sparse_k[i], "1TiB");
	bench_sparse_one(GIB, 4096, "1GiB");
}

/* ---- faults ---- */

/* One thread: a device, an engine, a VM, J jobs of T fresh pages. */
struct fault_thread {
	pthread_t thread;
	const struct device *d;
	unsigned int engine;
	pthread_barrier_t *start;
	uint32_t vm;
	uint8_t *base;
	size_t len;
	vsvm_cmdbuf_handle *cb;
	struct drm_vsvm_ufence *uf;
	uint64_t faults0, faults1;
	double t_end;
	int error;
};

/* Page @p of a thread's pages: every other page of its mapping. */
static uint64_t *fault_word(const struct fault_thread *ft, uint64_t p)
{
	return (uint64_t *)(ft->base + 2 * p * PAGE + PAGE) + p % 512;
}

static uint64_t fault_value(const struct fault_thread *ft, uint64_t p)
{
	return mix64((uint64_t)ft->d->index << 48 | (uint64_t)ft->engine << 40 |
		     p) | 1;
}

/* Untimed: the pages, the command buffers (mirrored), the VM. */
static void fault_setup(struct fault_thread *ft)
{
	uint64_t p, npages = fault_pages * fault_jobs;
	size_t capacity = fault_pages * sizeof(struct drm_vsvm_cmd_write);
	int j, ret;

	ft->len = (2 * npages + 1) * PAGE;
	ft->base = mmap(NULL, ft->len, PROT_NONE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ft->base == MAP_FAILED)
		die("mmap", errno);
	for (p = 0; p < npages; p++)
		if (mprotect(ft->base + 2 * p * PAGE + PAGE, PAGE,
			     PROT_READ | PROT_WRITE))
			die("mprotect", errno);
	ft->vm = vm_new(ft->d->dev);
	ft->cb = calloc(fault_jobs, sizeof(*ft->cb));
	ft->uf = aligned_alloc(16, fault_jobs * sizeof(*ft->uf));
	if (!ft->cb || !ft->uf)
		die("malloc", ENOMEM);
	for (j = 0; j < fault_jobs; j++) {
		ft->cb[j] = cmdbuf_new(capacity);
		for (p = j * fault_pages; p < (j + 1) * fault_pages; p++) {
			ret = vsvm_cmdbuf_write64(ft->cb[j],
						  (uintptr_t)fault_word(ft, p),
						  fault_value(ft, p));
			if (ret)
				die("cmdbuf_write64", ret);
		}
		cmdbuf_mirror(ft->d->dev, ft->vm, ft->engine, ft->cb[j],
			      capacity);
	}
	ft->faults0 = vm_faults(ft->d->dev, ft->vm);
}

static void *fault_thread_fn(void *arg)
{
	struct fault_thread *ft = arg;
	int j;

	pthread_barrier_wait(ft->start);
	for (j = 0; j < fault_jobs; j++)
		job_submit(ft->d->dev, ft->vm, ft->engine, ft->cb[j],
			   &ft->uf[j], j + 1);
	for (j = 0; j < fault_jobs; j++)
		job_wait(ft->d->dev, &ft->uf[j], j + 1, "fault job");
	ft->t_end = now_s();
	return NULL;
}

static void fault_teardown(struct fault_thread *ft)
{
	uint64_t p, npages = fault_pages * fault_jobs;
	int j, ret;

	ft->faults1 = vm_faults(ft->d->dev, ft->vm);
	for (p = 0; p < npages; p++)
		if (*fault_word(ft, p) != fault_value(ft, p)) {
			fprintf(stderr, "vsvm_scale: faults: device %u engine %u: page %" PRIu64 " holds %#" PRIx64 ", not %#" PRIx64 "\n",
				ft->d->index, ft->engine, p, *fault_word(ft, p),
				fault_value(ft, p));
			exit(1);
		}
	ret = vsvm_vm_destroy(ft->d->dev, ft->vm);
	if (ret)
		die("vm_destroy", ret);
	for (j = 0; j < fault_jobs; j++)
		vsvm_cmdbuf_destroy(ft->cb[j]);
	free(ft->cb);
	free(ft->uf);
	munmap(ft->base, ft->len);
}

static void bench_faults_one(const char *name, unsigned int ndev,
			     bool all_engines)
{
	struct fault_thread *ft;
	pthread_barrier_t start;
	unsigned int n = 0, i, d, e;
	uint64_t faults = 0, pages;
	char param[64];
	double t0, wall;

	for (d = 0; d < ndev; d++)
		n += all_engines ? devices[d].engines : 1;
	pages = (uint64_t)n * fault_pages * fault_jobs;
	if (2 * pages + 512 > max_map_count()) {
		printf("%-24s needs %" PRIu64 " VMAs, vm.max_map_count is %" PRIu64 ": skipped\n",
		       name, 2 * pages + 512, max_map_count());
		return;
	}
	ft = calloc(n, sizeof(*ft));
	if (!ft)
		die("malloc", ENOMEM);
	if (pthread_barrier_init(&start, NULL, n + 1))
		fail("pthread_barrier_init");
	i = 0;
	for (d = 0; d < ndev; d++)
		for (e = 0; e < (all_engines ? devices[d].engines : 1); e++) {
			ft[i].d = &devices[d];
			ft[i].engine = e;
			ft[i].start = &start;
			fault_setup(&ft[i]);
			i++;
		}
	for (i = 0; i < n; i++)
		if (pthread_create(&ft[i].thread, NULL, fault_thread_fn, &ft[i]))
			fail("pthread_create");
	pthread_barrier_wait(&start);
	t0 = now_s();
	wall = 0;
	for (i = 0; i < n; i++) {
		pthread_join(ft[i].thread, NULL);
		if (ft[i].t_end - t0 > wall)
			wall = ft[i].t_end - t0;
	}
	for (i = 0; i < n; i++) {
		fault_teardown(&ft[i]);
		faults += ft[i].faults1 - ft[i].faults0;
	}
	pthread_barrier_destroy(&start);
	free(ft);
	if (faults < pages)
		fail("faults: fewer GPU faults than pages touched");

	printf("%-24s %2u thread%s %6" PRIu64 " pages %6" PRIu64 " faults in %7.2f s: %7.0f faults/s (%.0f per thread)\n",
	       name, n, n == 1 ? " " : "s", pages, faults, wall, faults / wall,
	       faults / wall / n);
	fflush(stdout);
	snprintf(param, sizeof(param), "threads=%u pages=%" PRIu64
		 " per-job=%" PRIu64, n, pages, fault_pages);
	add_value("faults", name, param, faults, "faults/s", faults / wall);
	add_value("faults", "wall", param, faults, "s", wall);
}

static void bench_faults(void)
{
	printf("\n== faults: 4 KiB GPU faults on fresh pages, %d jobs x %" PRIu64 " pages per engine thread, a VM per thread ==\n",
	       fault_jobs, fault_pages);
	fflush(stdout);
	bench_faults_one("1-device-1-engine", 1, false);
	bench_faults_one("1-device-all-engines", 1, true);
	bench_faults_one("all-devices-all-engines", ndevices, true);
}

/* ---- main ---- */

static int parse_list(const char *s, uint64_t *v, int max)
{
	int n = 0;

	while (*s && n < max) {
		char *end;
		uint64_t x = strtoull(s, &end, 0);

		if (end == s || !x || x > 1u << 20 || (*end && *end != ','))
			return -1;
		v[n++] = x;
		s = *end == ',' ? end + 1 : end;
	}
	return *s ? -1 : n;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sections", required_argument, NULL, 'S' },
		{ "procs", required_argument, NULL, 'p' },
		{ "proc-kib", required_argument, NULL, 'b' },
		{ "sparse-k", required_argument, NULL, 'k' },
		{ "fault-pages", required_argument, NULL, 't' },
		{ "fault-jobs", required_argument, NULL, 'j' },
		{ "csv", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	const char *sections = "procs,sparse,faults", *csv = NULL;
	unsigned int d, engines = 0;
	struct utsname u;
	double t0 = now_s();
	int c;

	while ((c = getopt_long(argc, argv, "S:p:b:k:t:j:c:", opts, NULL)) != -1) {
		switch (c) {
		case 'S':
			sections = optarg;
			break;
		case 'p':
			nprocs = atoi(optarg);
			if (nprocs < 1 || nprocs > MAX_PROCS)
				die("--procs: 1 to 1024", EINVAL);
			break;
		case 'b':
			proc_kib = strtoull(optarg, NULL, 0);
			if (!proc_kib || proc_kib > 65536 || proc_kib % 4)
				die("--proc-kib: a multiple of 4, up to 65536", EINVAL);
			break;
		case 'k':
			nsparse_k = parse_list(optarg, sparse_k, MAX_K);
			if (nsparse_k < 1)
				die("--sparse-k: page counts, up to 8 of them", EINVAL);
			break;
		case 't':
			fault_pages = strtoull(optarg, NULL, 0);
			if (!fault_pages || fault_pages > 4096)
				die("--fault-pages: 1 to 4096", EINVAL);
			break;
		case 'j':
			fault_jobs = atoi(optarg);
			if (fault_jobs < 1 || fault_jobs > 1000)
				die("--fault-jobs: 1 to 1000", EINVAL);
			break;
		case 'c':
			csv = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [--sections procs,sparse,faults] [--procs P] [--proc-kib KIB] [--sparse-k K,...] [--fault-pages T] [--fault-jobs J] [--csv FILE]\n",
				argv[0]);
			return 2;
		}
	}

	crc_init();
	vcpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	find_devices();
	for (d = 0; d < ndevices; d++)
		engines += devices[d].engines;
	uname(&u);
	printf("vsvm_scale: kernel %s, %d vCPU%s online, %u vsvm device%s (num_devices %u), %u engines in all:",
	       u.release, vcpus, vcpus == 1 ? "" : "s", ndevices,
	       ndevices == 1 ? "" : "s", num_devices_reported, engines);
	for (d = 0; d < ndevices; d++)
		printf(" %s (device %u, %u engines)", devices[d].path,
		       devices[d].index, devices[d].engines);
	printf("\n");
	if (ndevices != num_devices_reported)
		printf("note: %u of the %u devices have a render node (the others are unbound)\n",
		       ndevices, num_devices_reported);
	fflush(stdout);

	if (strstr(sections, "procs"))
		bench_procs();
	if (strstr(sections, "sparse"))
		bench_sparse();
	if (strstr(sections, "faults"))
		bench_faults();

	for (d = 0; d < ndevices; d++)
		vsvm_device_close(devices[d].dev);
	if (csv)
		write_csv(csv);
	printf("\nvsvm_scale: done in %.1f s\n", now_s() - t0);
	return 0;
}
