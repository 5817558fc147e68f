// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/*
 * vsvm_unplug: hold a vsvm file across a hot-unplug of its device.
 *
 *   vsvm_unplug DIR
 *
 * Driven by the guest tests (scripts/guest-tests.sh) through files in DIR
 * and SIGUSR1, in three phases:
 *
 * 1. Opens the device, creates a VM, has the GPU read and write a buffer
 *    in system memory, moves another one to VRAM (when the device has VRAM)
 *    and leaves jobs in flight, each with a user fence record: one running
 *    (it waits for a word that never changes), three queued behind it and,
 *    on a second engine, one waiting for the same word. Writes DIR/ready1 and waits for SIGUSR1: the
 *    script unbinds the device meanwhile.
 * 2. Checks the unplug: every job's user fence is written with an error
 *    (the running one with -ENODEV), every vsvm ioctl and a core one fail with
 *    -ENODEV, both buffers hold their data and take CPU writes, fdinfo
 *    reads without DRM keys, the kernel logged nothing above debug level. Writes
 *    DIR/ready2 and waits for SIGUSR1: the script checks that the module
 *    cannot be unloaded and binds a new device meanwhile.
 * 3. The new device runs a job while the old file still gets -ENODEV;
 *    then the old file is closed, and the kernel logged nothing.
 *
 * Prints one line per test, "PASS|FAIL|SKIP NAME [detail]", NAME one of
 * hot-unplug-open-file, hot-unplug-vram, hot-unplug-jobs,
 * hot-unplug-enodev, hot-unplug-rebind; exit status 1 when one failed.
 * Needs root (it reads /dev/kmsg). Progress goes to stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xf86drm.h>

#include "vsvm.h"
#include "vsvm_kmsg.h"

#define MIB		(1ull << 20)
#define PAGE		4096ull
#define SYS_SIZE	(4 * MIB)
#define VRAM_SIZE	(8 * MIB)
#define NUM_QUEUED	3
/* the running job, the queued ones, the dependent one */
#define NUM_JOBS	(2 + NUM_QUEUED)
#define GPU_WORD	0x6770752d77726974ull

/** One test's verdict: the first failure it met, if any. */
struct verdict {
	const char *name;
	bool failed;
	bool skipped;
	char detail[256];
};

/** What the phases share. */
struct state {
	const char *dir;
	vsvm_device_handle dev;
	int fd;
	int kmsg;
	char node[VSVM_NODE_PATH_MAX];
	struct drm_vsvm_query_device info;
	uint32_t vm;
	uint64_t *sys;
	uint64_t *vram;
	bool has_vram;
	/* control words of the running job: started, release */
	volatile uint64_t *ctl;
	vsvm_cmdbuf_handle cbs[NUM_JOBS];
	/* the jobs' user fence records: job j writes value j + 1 */
	struct drm_vsvm_ufence *fences;
};

static struct verdict v_open = { .name = "hot-unplug-open-file" };
static struct verdict v_vram = { .name = "hot-unplug-vram" };
static struct verdict v_jobs = { .name = "hot-unplug-jobs" };
static struct verdict v_enodev = { .name = "hot-unplug-enodev" };
static struct verdict v_rebind = { .name = "hot-unplug-rebind" };

static void failf(struct verdict *v, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vsvm_unplug: %s: ", v->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (v->failed)
		return;
	v->failed = true;
	va_start(ap, fmt);
	vsnprintf(v->detail, sizeof(v->detail), fmt, ap);
	va_end(ap);
}

static uint64_t word(uint64_t salt, uint64_t i)
{
	return (i * 0x9e3779b97f4a7c15ull) ^ salt;
}

static void *map_anon(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static int touch_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fputs(text, f);
	return fclose(f) ? -errno : 0;
}

static void wait_usr1(void)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigwait(&set, &sig);
}

/* The fdinfo of @fd, in @buf; the number of bytes read or -errno. */
static ssize_t read_fdinfo(int fd, char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return -errno;
	n = read(f, buf, len - 1);
	if (n < 0)
		n = -errno;
	else
		buf[n] = '\0';
	close(f);
	return n;
}

/* Queue job @job on @engine; its end goes to its user fence record. */
static int submit(struct state *s, unsigned int job, uint32_t engine)
{
	vsvm_cmdbuf_handle cb = s->cbs[job];

	return vsvm_exec_ufence(s->dev, s->vm, engine, vsvm_cmdbuf_address(cb),
				vsvm_cmdbuf_size(cb), NULL, 0, &s->fences[job],
				job + 1, NULL);
}

/* Phase 1, GPU memory: the GPU reads and writes @sys, @vram goes to VRAM. */
static int setup_memory(struct state *s)
{
	vsvm_cmdbuf_handle cb;
	uint64_t i, moved;
	uint8_t *res;
	int ret, status;

	s->sys = map_anon(SYS_SIZE);
	s->vram = map_anon(VRAM_SIZE);
	if (!s->sys || !s->vram)
		return -ENOMEM;
	for (i = 0; i < SYS_SIZE / 8; i++)
		s->sys[i] = word(1, i);
	for (i = 0; i < VRAM_SIZE / 8; i++)
		s->vram[i] = word(2, i);

	/* the GPU mirrors all of @sys and writes its last word */
	ret = vsvm_cmdbuf_create(PAGE, &cb);
	if (ret)
		return ret;
	ret = vsvm_cmdbuf_checksum(cb, (uintptr_t)s->sys, SYS_SIZE - 8,
				   (uintptr_t)&s->sys[SYS_SIZE / 8 - 1]);
	if (!ret)
		ret = vsvm_cmdbuf_write64(cb, (uintptr_t)&s->sys[SYS_SIZE / 8 - 1],
					  GPU_WORD);
	if (!ret)
		ret = vsvm_exec_wait(s->dev, s->vm, 0, cb, INT64_MAX, &status);
	vsvm_cmdbuf_destroy(cb);
	if (ret)
		return ret;
	if (status != 1 || s->sys[SYS_SIZE / 8 - 1] != GPU_WORD) {
		fprintf(stderr, "vsvm_unplug: GPU job on system memory: status %d\n",
			status);
		return -EIO;
	}

	s->has_vram = s->info.vram_size != 0;
	if (!s->has_vram)
		return 0;
	ret = vsvm_prefetch(s->dev, s->vm, (uintptr_t)s->vram, VRAM_SIZE,
			    DRM_VSVM_REGION_VRAM, &moved);
	if (ret)
		return ret;
	res = malloc(VRAM_SIZE / PAGE);
	if (!res)
		return -ENOMEM;
	ret = vsvm_residency(s->dev, s->vm, (uintptr_t)s->vram,
			     VRAM_SIZE / PAGE, res);
	for (i = 0; !ret && i < VRAM_SIZE / PAGE; i++)
		if (res[i] != DRM_VSVM_RESIDENCY_VRAM)
			ret = -EIO;
	free(res);
	if (ret)
		fprintf(stderr, "vsvm_unplug: %" PRIu64 " pages moved, page %" PRIu64 " not in VRAM\n",
			moved, i - 1);
	return ret;
}

/*
 * Phase 1, jobs: one running on engine 0 (it sets ctl[0], then waits for
 * ctl[1] to become 1, which never happens), NUM_QUEUED queued behind it,
 * and one on engine 1 waiting for the running one's fence.
 */
static int setup_jobs(struct state *s)
{
	unsigned int j;
	int ret;

	s->ctl = map_anon(PAGE);
	s->fences = map_anon(PAGE);
	if (!s->ctl || !s->fences)
		return -ENOMEM;
	for (j = 0; j < NUM_JOBS; j++) {
		ret = vsvm_cmdbuf_create(PAGE, &s->cbs[j]);
		if (ret)
			return ret;
	}
	ret = vsvm_cmdbuf_write64(s->cbs[0], (uintptr_t)&s->ctl[0], 1);
	if (!ret)
		ret = vsvm_cmdbuf_wait(s->cbs[0], true, DRM_VSVM_WAIT_EQ,
				       (uintptr_t)&s->ctl[1], 1, ~0ull);
	/* the job on the second engine waits for the same word */
	if (!ret)
		ret = vsvm_cmdbuf_wait(s->cbs[NUM_JOBS - 1], true,
				       DRM_VSVM_WAIT_EQ, (uintptr_t)&s->ctl[1],
				       1, ~0ull);
	for (j = 1; !ret && j < NUM_JOBS; j++)
		ret = vsvm_cmdbuf_write64(s->cbs[j], (uintptr_t)&s->ctl[1 + j],
					  j);
	if (ret)
		return ret;

	ret = submit(s, 0, 0);
	for (j = 1; !ret && j <= NUM_QUEUED; j++)
		ret = submit(s, j, 0);
	if (!ret)
		ret = submit(s, NUM_JOBS - 1, s->info.num_engines > 1 ? 1 : 0);
	if (ret)
		return ret;

	/* The running job has started: no timing, it says so itself. */
	while (!s->ctl[0])
		usleep(1000);
	for (j = 0; j < NUM_JOBS; j++) {
		if (__atomic_load_n(&s->fences[j].value, __ATOMIC_ACQUIRE)) {
			fprintf(stderr, "vsvm_unplug: job %u ended before the unplug: %d\n",
				j, s->fences[j].error);
			return -EIO;
		}
	}
	return 0;
}

static int setup(struct state *s)
{
	char fdinfo[4096];
	void *p;
	int ret;

	ret = vsvm_find_render_node(s->node, sizeof(s->node));
	if (!ret)
		ret = vsvm_device_open(s->node, &s->dev);
	if (ret)
		return ret;
	s->fd = vsvm_device_get_fd(s->dev);
	ret = vsvm_query_device(s->dev, &s->info);
	if (!ret)
		ret = vsvm_vm_create(s->dev, DRM_VSVM_VM_CREATE_SVM, &s->vm);
	if (!ret)
		ret = setup_memory(s);
	if (!ret)
		ret = setup_jobs(s);
	if (ret)
		return ret;
	if (read_fdinfo(s->fd, fdinfo, sizeof(fdinfo)) < 0 ||
	    !strstr(fdinfo, "drm-engine-compute:")) {
		fprintf(stderr, "vsvm_unplug: fdinfo before unplug:\n%s\n",
			fdinfo);
		return -EIO;
	}
	/* vsvm has no mmap: the unplug has no CPU mapping of it to revoke */
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, s->fd, 0);
	if (p != MAP_FAILED) {
		fprintf(stderr, "vsvm_unplug: mmap of the file succeeded\n");
		munmap(p, PAGE);
		return -EIO;
	}
	return 0;
}

/* Phase 2: every job has ended with an error, the running one -ENODEV. */
static void check_jobs(struct state *s)
{
	unsigned int j;

	for (j = 0; j < NUM_JOBS; j++) {
		int status;

		/* the unbind returned: every job must be over, its fence written */
		if (__atomic_load_n(&s->fences[j].value, __ATOMIC_ACQUIRE) !=
		    j + 1) {
			failf(&v_jobs, "job %u: no user fence after the unbind",
			      j);
			continue;
		}
		status = s->fences[j].error;
		fprintf(stderr, "vsvm_unplug: job %u: %s\n", j,
			status < 0 ? strerror(-status) : "no error");
		if (status >= 0)
			failf(&v_jobs, "job %u completed without an error", j);
		else if (!j && status != -ENODEV)
			failf(&v_jobs, "the running job ended with %s, not ENODEV",
			      strerror(-status));
	}
	/* the queued jobs never ran */
	for (j = 1; j < NUM_JOBS; j++)
		if (s->ctl[1 + j])
			failf(&v_jobs, "job %u ran after the unplug", j);
}

/* Expect every vsvm ioctl, and a core one, to fail with ENODEV on @fd. */
static void check_enodev(struct verdict *v, int fd)
{
	static const struct {
		const char *name;
		unsigned long req;
	} ioctls[] = {
		{ "QUERY", DRM_IOCTL_VSVM_QUERY },
		{ "VM_CREATE", DRM_IOCTL_VSVM_VM_CREATE },
		{ "VM_DESTROY", DRM_IOCTL_VSVM_VM_DESTROY },
		{ "EXEC", DRM_IOCTL_VSVM_EXEC },
		{ "STATS", DRM_IOCTL_VSVM_STATS },
		{ "VM_ERROR", DRM_IOCTL_VSVM_VM_ERROR },
		{ "PREFETCH", DRM_IOCTL_VSVM_PREFETCH },
		{ "RESIDENCY", DRM_IOCTL_VSVM_RESIDENCY },
		{ "MADVISE", DRM_IOCTL_VSVM_MADVISE },
		{ "ATTR_QUERY", DRM_IOCTL_VSVM_ATTR_QUERY },
		{ "WAIT_UFENCE", DRM_IOCTL_VSVM_WAIT_UFENCE },
		{ "SYNCOBJ_CREATE", DRM_IOCTL_SYNCOBJ_CREATE },
	};
	unsigned int i;

	for (i = 0; i < sizeof(ioctls) / sizeof(ioctls[0]); i++) {
		uint64_t arg[32] = { 0 };
		int ret;

		/* arguments the device would refuse otherwise: all zero */
		ret = ioctl(fd, ioctls[i].req, arg);
		if (ret != -1 || errno != ENODEV)
			failf(v, "%s returned %d (%s), not ENODEV",
			      ioctls[i].name, ret,
			      ret ? strerror(errno) : "success");
	}
}

/*
 * The @words words at @buf held word(@tag, i), but for a last one @last
 * when @last is set; then every word takes a CPU write.
 */
static void check_buffer(struct verdict *v, uint64_t *buf, uint64_t words,
			 unsigned int tag, const uint64_t *last,
			 const char *what)
{
	uint64_t i, bad = 0;

	for (i = 0; i < words; i++)
		bad += buf[i] != (last && i == words - 1 ? *last : word(tag, i));
	if (bad)
		failf(v, "%" PRIu64 " wrong words in %s", bad, what);
	for (i = 0; i < words; i++)
		buf[i] = ~word(tag, i);
	for (i = 0, bad = 0; i < words; i++)
		bad += buf[i] != ~word(tag, i);
	if (bad)
		failf(v, "%" PRIu64 " words of %s did not take a CPU write",
		      bad, what);
}

/* Phase 2: the memory the GPU had is the process's, intact and writable. */
static void check_memory(struct state *s)
{
	static const uint64_t gpu_word = GPU_WORD;

	check_buffer(&v_open, s->sys, SYS_SIZE / 8, 1, &gpu_word,
		     "system memory");
	if (s->has_vram)
		check_buffer(&v_vram, s->vram, VRAM_SIZE / 8, 2, NULL,
			     "the VRAM buffer");
}

/* The kernel logged nothing above debug level since the last drain. */
static void check_quiet(struct state *s, struct verdict *v, const char *when)
{
	char first[256];
	int n;

	n = kmsg_drain(s->kmsg, "vsvm_unplug", first, sizeof(first));
	if (n)
		failf(v, "%d kernel messages %s, the first: %s", n, when,
		      first);
}

static void after_unplug(struct state *s)
{
	char fdinfo[4096];
	struct stat st;
	void *p;

	check_quiet(s, &v_open, "at unbind");
	check_jobs(s);
	check_enodev(&v_enodev, s->fd);
	check_memory(s);

	if (!stat(s->node, &st))
		failf(&v_open, "%s is still there", s->node);
	if (read_fdinfo(s->fd, fdinfo, sizeof(fdinfo)) < 0)
		failf(&v_open, "fdinfo unreadable after unplug");
	else if (strstr(fdinfo, "drm-driver:") ||
		 strstr(fdinfo, "drm-engine-compute:"))
		failf(&v_open, "fdinfo after unplug: %s", fdinfo);
	/* vsvm has no mmap, plugged or not */
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, s->fd, 0);
	if (p != MAP_FAILED) {
		failf(&v_open, "mmap of the file succeeded");
		munmap(p, PAGE);
	}
}

/* Phase 3: a job on the new device, the old file still unplugged. */
static void after_rebind(struct state *s)
{
	char node[VSVM_NODE_PATH_MAX];
	vsvm_device_handle dev;
	vsvm_cmdbuf_handle cb;
	int ret, status = 0;
	uint32_t vm;

	/* the core's "Initialized vsvm" line of the new device is info */
	kmsg_drain(s->kmsg, "vsvm_unplug (rebind)", NULL, 0);

	ret = vsvm_find_render_node(node, sizeof(node));
	if (ret) {
		failf(&v_rebind, "no render node after rebind: %s",
		      strerror(-ret));
		return;
	}
	fprintf(stderr, "vsvm_unplug: old node %s, new node %s\n", s->node,
		node);
	ret = vsvm_device_open(node, &dev);
	if (ret) {
		failf(&v_rebind, "open %s: %s", node, strerror(-ret));
		return;
	}
	ret = vsvm_vm_create(dev, DRM_VSVM_VM_CREATE_SVM, &vm);
	if (!ret)
		ret = vsvm_cmdbuf_create(PAGE, &cb);
	if (!ret) {
		ret = vsvm_cmdbuf_write64(cb, (uintptr_t)&s->sys[0], GPU_WORD);
		if (!ret)
			ret = vsvm_exec_wait(dev, vm, 0, cb, INT64_MAX,
					     &status);
		vsvm_cmdbuf_destroy(cb);
	}
	if (ret)
		failf(&v_rebind, "job on the new device: %s", strerror(-ret));
	else if (status != 1 || s->sys[0] != GPU_WORD)
		failf(&v_rebind, "job on the new device: status %d", status);
	vsvm_device_close(dev);

	check_enodev(&v_rebind, s->fd);
}

static void put(struct verdict *v)
{
	if (v->skipped)
		printf("SKIP %s %s\n", v->name, v->detail);
	else if (v->failed)
		printf("FAIL %s %s\n", v->name, v->detail);
	else
		printf("PASS %s\n", v->name);
}

int main(int argc, char **argv)
{
	struct state s = { 0 };
	sigset_t set;
	unsigned int j;
	int ret;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	s.dir = argv[1];
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);

	s.kmsg = kmsg_open();
	if (s.kmsg < 0) {
		fprintf(stderr, "vsvm_unplug: /dev/kmsg: %s\n",
			strerror(-s.kmsg));
		return 1;
	}
	ret = setup(&s);
	if (ret) {
		fprintf(stderr, "vsvm_unplug: setup: %s\n", strerror(-ret));
		return 1;
	}
	kmsg_drain(s.kmsg, "vsvm_unplug (setup)", NULL, 0);
	fprintf(stderr, "vsvm_unplug: %s open, jobs in flight%s\n", s.node,
		s.has_vram ? ", 8 MiB in VRAM" : "");
	ret = touch_file(s.dir, "ready1", s.has_vram ? "vram\n" : "novram\n");
	if (ret) {
		fprintf(stderr, "vsvm_unplug: ready1: %s\n", strerror(-ret));
		return 1;
	}

	wait_usr1();
	after_unplug(&s);
	if (!s.has_vram) {
		v_vram.skipped = true;
		snprintf(v_vram.detail, sizeof(v_vram.detail),
			 "(the device has no VRAM: this kernel's drm_pagemap cannot let the CPU copy)");
	}
	ret = touch_file(s.dir, "ready2", "\n");
	if (ret) {
		fprintf(stderr, "vsvm_unplug: ready2: %s\n", strerror(-ret));
		return 1;
	}

	wait_usr1();
	after_rebind(&s);
	for (j = 0; j < NUM_JOBS; j++)
		vsvm_cmdbuf_destroy(s.cbs[j]);
	vsvm_device_close(s.dev);
	check_quiet(&s, &v_open, "at the close");

	put(&v_open);
	put(&v_vram);
	put(&v_jobs);
	put(&v_enodev);
	put(&v_rebind);
	return v_open.failed || v_vram.failed || v_jobs.failed ||
	       v_enodev.failed || v_rebind.failed;
}
