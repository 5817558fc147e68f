// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/*
 * User fences (uapi 0.6): a job's end reaches user space as a record the
 * kernel writes into the process (DRM_VSVM_EXEC_UFENCE), and
 * DRM_IOCTL_VSVM_WAIT_UFENCE waits for a value in memory. Every VM takes
 * page faults, so a job's fence is never installed in a syncobj.
 */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <unistd.h>

#include "igt.h"
#include "igt_syncobj.h"
#include "igt_vsvm.h"
#include "vsvm_drm.h"

IGT_TEST_DESCRIPTION("Check user fences: the record a job writes when it "
		     "ends, the wait ioctl, and that job fences never reach "
		     "a syncobj.");

static int page_size;

struct uctx {
	int fd;
	uint32_t vm;
	uint32_t engines;
	struct vsvm_cmdbuf *cb;
	uint64_t *words;	/* one page, zeroed */
};

static void uctx_init(struct uctx *c, int fd)
{
	c->fd = fd;
	c->vm = vsvm_vm_create(fd);
	c->engines = vsvm_num_engines(fd);
	c->cb = vsvm_cmdbuf_create(page_size);
	c->words = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(c->words != MAP_FAILED);
	memset(c->words, 0, page_size);
}

static void uctx_fini(struct uctx *c)
{
	if (c->vm)
		vsvm_vm_destroy(c->fd, c->vm);
	vsvm_cmdbuf_destroy(c->cb);
	munmap(c->words, page_size);
}

static struct drm_vsvm_exec exec_args(struct uctx *c, uint32_t engine,
				      struct vsvm_cmdbuf *cb,
				      struct drm_vsvm_ufence *uf,
				      uint64_t value)
{
	return (struct drm_vsvm_exec){
		.vm_id = c->vm,
		.engine = engine,
		.batch_address = vsvm_cmdbuf_address(cb),
		.batch_size = cb->len,
		.flags = DRM_VSVM_EXEC_UFENCE,
		.ufence_address = to_user_pointer(uf),
		.ufence_value = value,
	};
}

static struct drm_vsvm_wait_ufence wait_args(const void *p, uint64_t value,
					     uint64_t mask, uint16_t op,
					     int64_t timeout)
{
	return (struct drm_vsvm_wait_ufence){
		.address = to_user_pointer(p),
		.value = value,
		.mask = mask,
		.op = op,
		.timeout = timeout,
	};
}

static int wait_value(int fd, const void *p, uint64_t value, uint64_t mask,
		      uint16_t op, int64_t timeout)
{
	struct drm_vsvm_wait_ufence w = wait_args(p, value, mask, op, timeout);

	return __vsvm_wait_ufence(fd, &w);
}

/*
 * The record is written when the job ends, with the job's value and error
 * 0, and its pad is left alone; before, a job held by a CPU gate leaves it
 * untouched.
 */
static void test_written(int fd)
{
	const uint64_t value = 0xfeedfacecafe0001ull;
	struct drm_vsvm_ufence *uf = vsvm_ufence_create();
	struct drm_vsvm_exec exec;
	struct uctx c;

	uctx_init(&c, fd);
	uf->pad = 0x5a5a5a5a;
	uf->error = 77;
	vsvm_emit_wait(c.cb, true, to_user_pointer(&c.words[0]), 1, ~0ull,
		       DRM_VSVM_WAIT_EQ);
	vsvm_emit_write64(c.cb, to_user_pointer(&c.words[1]), 0x600d);
	exec = exec_args(&c, 0, c.cb, uf, value);
	vsvm_exec(fd, &exec);

	usleep(50 * 1000);
	igt_assert_eq_u64(uf->value, 0);
	igt_assert_eq(uf->error, 77);
	igt_assert_eq(wait_value(fd, &uf->value, value, ~0ull,
				 DRM_VSVM_UFENCE_OP_EQ, 0), -ETIME);

	__atomic_store_n(&c.words[0], 1, __ATOMIC_SEQ_CST);
	igt_assert_eq(wait_value(fd, &uf->value, value, ~0ull,
				 DRM_VSVM_UFENCE_OP_EQ,
				 vsvm_gettime_ns() + VSVM_JOB_WAIT_NS), 0);
	igt_assert_eq_u64(uf->value, value);
	igt_assert_eq(uf->error, 0);
	igt_assert_eq_u32(uf->pad, 0x5a5a5a5a);
	igt_assert_eq_u64(c.words[1], 0x600d);

	vsvm_ufence_destroy(uf);
	uctx_fini(&c);
}

/* A job that fails writes its error, then the value. */
static void test_error(int fd)
{
	struct drm_vsvm_ufence *uf = vsvm_ufence_create();
	struct drm_vsvm_vm_error err;
	uint8_t *hole;
	struct uctx c;

	uctx_init(&c, fd);
	hole = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(hole != MAP_FAILED);
	igt_assert_eq(munmap(hole, page_size), 0);

	vsvm_emit_write32(c.cb, to_user_pointer(hole), 1);
	vsvm_exec_ufence(fd, c.vm, 0, c.cb, NULL, 0, uf);
	igt_assert_eq(vsvm_ufence_wait_status(fd, uf, VSVM_JOB_WAIT_NS),
		      -EFAULT);
	igt_assert_eq_u64(uf->value, VSVM_UFENCE_DONE);
	igt_assert_eq(uf->error, -EFAULT);
	vsvm_vm_error(fd, c.vm, &err);
	igt_assert_eq(err.error, -EFAULT);
	igt_assert_eq_u64(err.seqno, c.cb->seqno);

	/* A job after it succeeds, and its record says so. */
	vsvm_cmdbuf_reset(c.cb);
	vsvm_emit_write32(c.cb, to_user_pointer(&c.words[0]), 1);
	vsvm_exec_ufence(fd, c.vm, 0, c.cb, NULL, 0, uf);
	igt_assert_eq(vsvm_ufence_wait_status(fd, uf, VSVM_JOB_WAIT_NS), 1);
	igt_assert_eq(uf->error, 0);

	vsvm_ufence_destroy(uf);
	uctx_fini(&c);
}

/*
 * A destroyed VM's jobs still write their records: the running one
 * -ECANCELED, the one queued behind it -ESRCH (or -ECANCELED once the
 * engine has it).
 */
static void test_vm_destroyed(int fd)
{
	int status;

	struct drm_vsvm_ufence *running = vsvm_ufence_create();
	struct drm_vsvm_ufence *queued = vsvm_ufence_create();
	struct vsvm_cmdbuf *behind = vsvm_cmdbuf_create(page_size);
	struct uctx c;

	uctx_init(&c, fd);
	vsvm_emit_wait(c.cb, true, to_user_pointer(&c.words[0]), 1, ~0ull,
		       DRM_VSVM_WAIT_EQ);
	vsvm_emit_write64(behind, to_user_pointer(&c.words[1]), 1);
	vsvm_exec_ufence(fd, c.vm, 0, c.cb, NULL, 0, running);
	vsvm_exec_ufence(fd, c.vm, 0, behind, NULL, 0, queued);
	/* the first job is in its WAIT: it has run its first command */
	usleep(100 * 1000);
	igt_assert_eq(vsvm_ufence_status(running), 0);

	vsvm_vm_destroy(fd, c.vm);
	c.vm = 0;
	igt_assert_eq(vsvm_ufence_wait_status(fd, running, VSVM_JOB_WAIT_NS),
		      -ECANCELED);
	/* killed in its entity, or handed to the engine already */
	status = vsvm_ufence_wait_status(fd, queued, VSVM_JOB_WAIT_NS);
	igt_assert_f(status == -ESRCH || status == -ECANCELED,
		     "the queued job ended with %d\n", status);
	igt_assert_eq_u64(c.words[1], 0);

	vsvm_ufence_destroy(running);
	vsvm_ufence_destroy(queued);
	vsvm_cmdbuf_destroy(behind);
	uctx_fini(&c);
}

/* Signal syncs fail with -EOPNOTSUPP, and no fence reaches the syncobj. */
static void test_signal_rejected(int fd)
{
	struct drm_vsvm_sync syncs[2];
	uint32_t bin, tl;
	struct uctx c;
	uint64_t point = 0;

	uctx_init(&c, fd);
	vsvm_emit_nop(c.cb);
	bin = syncobj_create(fd, 0);
	tl = syncobj_create(fd, 0);

	syncs[0] = vsvm_sync_signal(bin);
	igt_assert_eq(__vsvm_exec_submit(fd, c.vm, 0, c.cb, syncs, 1),
		      -EOPNOTSUPP);
	syncs[0] = vsvm_sync_timeline_signal(tl, 1);
	igt_assert_eq(__vsvm_exec_submit(fd, c.vm, 0, c.cb, syncs, 1),
		      -EOPNOTSUPP);
	/* after a valid wait sync too */
	syncs[0] = vsvm_sync_wait(syncobj_create(fd,
						 DRM_SYNCOBJ_CREATE_SIGNALED));
	syncs[1] = vsvm_sync_signal(bin);
	igt_assert_eq(__vsvm_exec_submit(fd, c.vm, 0, c.cb, syncs, 2),
		      -EOPNOTSUPP);
	/* with a user fence as well */
	igt_assert_eq(__vsvm_exec_ufence(fd, c.vm, 0, c.cb, &syncs[1], 1,
					 (struct drm_vsvm_ufence *)c.words),
		      -EOPNOTSUPP);

	/* Nothing was installed, and no job ran. */
	igt_assert_eq(syncobj_wait_err(fd, &bin, 1, 0, 0), -EINVAL);
	syncobj_timeline_query(fd, &tl, &point, 1);
	igt_assert_eq_u64(point, 0);
	igt_assert_eq_u64(c.words[0], 0);
	igt_assert_eq(vsvm_exec_wait(fd, c.vm, 0, c.cb), 1);
	igt_assert_eq_u64(c.cb->seqno, 1);

	syncobj_destroy(fd, syncs[0].handle);
	syncobj_destroy(fd, bin);
	syncobj_destroy(fd, tl);
	uctx_fini(&c);
}

/* EXEC's user fence fields: every rejection, nothing queued. */
static void test_exec_invalid(int fd)
{
	struct drm_vsvm_ufence *uf = vsvm_ufence_create();
	struct drm_vsvm_exec exec;
	struct uctx c;

	uctx_init(&c, fd);
	vsvm_emit_nop(c.cb);

	exec = exec_args(&c, 0, c.cb, uf, 1);
	exec.flags = DRM_VSVM_EXEC_UFENCE | 0x2;
	igt_assert_eq(__vsvm_exec(fd, &exec), -EINVAL);
	exec.flags = 0x80000000u;
	igt_assert_eq(__vsvm_exec(fd, &exec), -EINVAL);

	/* Fields without the flag. */
	exec = exec_args(&c, 0, c.cb, uf, 0);
	exec.flags = 0;
	igt_assert_eq(__vsvm_exec(fd, &exec), -EINVAL);
	exec = exec_args(&c, 0, c.cb, NULL, 1);
	exec.flags = 0;
	igt_assert_eq(__vsvm_exec(fd, &exec), -EINVAL);

	/* Misaligned, kernel, wrapping and end-of-user-space records. */
	exec = exec_args(&c, 0, c.cb, (void *)((char *)uf + 4), 1);
	igt_assert_eq(__vsvm_exec(fd, &exec), -EINVAL);
	exec.ufence_address = to_user_pointer(uf) + 1;
	igt_assert_eq(__vsvm_exec(fd, &exec), -EINVAL);
	exec.ufence_address = 0;
	igt_assert_eq(__vsvm_exec(fd, &exec), -EINVAL);
	exec.ufence_address = 0xffff888000000000ull;
	igt_assert_eq(__vsvm_exec(fd, &exec), -EINVAL);
	exec.ufence_address = 0xfffffffffffffff8ull;
	igt_assert_eq(__vsvm_exec(fd, &exec), -EINVAL);

	/* Nothing ran: the next job is the VM's first. */
	igt_assert_eq(vsvm_exec_wait(fd, c.vm, 0, c.cb), 1);
	igt_assert_eq_u64(c.cb->seqno, 1);
	igt_assert_eq_u64(uf->value, 0);

	vsvm_ufence_destroy(uf);
	uctx_fini(&c);
}

/* The wait ioctl's rejections, each with the argument otherwise valid. */
static void test_wait_invalid(int fd)
{
	uint64_t *v = calloc(2, sizeof(*v));
	struct drm_vsvm_wait_ufence w;
	uint8_t *hole;

	igt_assert(v);
	*v = 5;
	/* valid: the condition holds */
	w = wait_args(v, 5, ~0ull, DRM_VSVM_UFENCE_OP_EQ, 0);
	igt_assert_eq(__vsvm_wait_ufence(fd, &w), 0);

	w.flags = 1;
	igt_assert_eq(__vsvm_wait_ufence(fd, &w), -EINVAL);
	w = wait_args(v, 5, ~0ull, DRM_VSVM_UFENCE_OP_EQ, 0);
	w.flags = 0x8000;
	igt_assert_eq(__vsvm_wait_ufence(fd, &w), -EINVAL);
	w = wait_args(v, 5, ~0ull, DRM_VSVM_UFENCE_OP_EQ, 0);
	w.pad = 1;
	igt_assert_eq(__vsvm_wait_ufence(fd, &w), -EINVAL);
	w = wait_args(v, 5, ~0ull, DRM_VSVM_UFENCE_OP_EQ, 0);
	w.reserved[0] = 1;
	igt_assert_eq(__vsvm_wait_ufence(fd, &w), -EINVAL);
	w = wait_args(v, 5, ~0ull, DRM_VSVM_UFENCE_OP_EQ, 0);
	w.reserved[1] = 1ull << 63;
	igt_assert_eq(__vsvm_wait_ufence(fd, &w), -EINVAL);

	/* ops: 0 and beyond the last */
	w = wait_args(v, 5, ~0ull, 0, 0);
	igt_assert_eq(__vsvm_wait_ufence(fd, &w), -EINVAL);
	w = wait_args(v, 5, ~0ull, DRM_VSVM_UFENCE_OP_LTE + 1, 0);
	igt_assert_eq(__vsvm_wait_ufence(fd, &w), -EINVAL);
	w = wait_args(v, 5, ~0ull, 0xffff, 0);
	igt_assert_eq(__vsvm_wait_ufence(fd, &w), -EINVAL);

	/* mask 0, negative timeout */
	w = wait_args(v, 5, 0, DRM_VSVM_UFENCE_OP_EQ, 0);
	igt_assert_eq(__vsvm_wait_ufence(fd, &w), -EINVAL);
	w = wait_args(v, 5, ~0ull, DRM_VSVM_UFENCE_OP_EQ, -1);
	igt_assert_eq(__vsvm_wait_ufence(fd, &w), -EINVAL);

	/* misaligned */
	w = wait_args((char *)v + 4, 5, ~0ull, DRM_VSVM_UFENCE_OP_EQ, 0);
	igt_assert_eq(__vsvm_wait_ufence(fd, &w), -EINVAL);
	w = wait_args((char *)v + 1, 5, ~0ull, DRM_VSVM_UFENCE_OP_EQ, 0);
	igt_assert_eq(__vsvm_wait_ufence(fd, &w), -EINVAL);

	/* unmapped, NULL, kernel */
	hole = mmap(NULL, page_size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	igt_assert(hole != MAP_FAILED);
	igt_assert_eq(munmap(hole, page_size), 0);
	w = wait_args(hole, 0, ~0ull, DRM_VSVM_UFENCE_OP_EQ, 0);
	igt_assert_eq(__vsvm_wait_ufence(fd, &w), -EFAULT);
	w = wait_args(NULL, 0, ~0ull, DRM_VSVM_UFENCE_OP_EQ, 0);
	igt_assert_eq(__vsvm_wait_ufence(fd, &w), -EFAULT);
	w = wait_args((void *)0xffff888000000000ull, 0, ~0ull,
		      DRM_VSVM_UFENCE_OP_EQ, 0);
	igt_assert_eq(__vsvm_wait_ufence(fd, &w), -EFAULT);

	/* The argument is not written back. */
	w = wait_args(v, 6, 0xff, DRM_VSVM_UFENCE_OP_EQ, 0);
	igt_assert_eq(__vsvm_wait_ufence(fd, &w), -ETIME);
	igt_assert_eq_u64(w.address, to_user_pointer(v));
	igt_assert_eq_u64(w.value, 6);
	igt_assert_eq_u64(w.mask, 0xff);
	igt_assert_eq_s64(w.timeout, 0);
	free(v);
}

/* Each comparison, masked, unsigned; a past deadline checks once. */
static void test_wait_ops(int fd)
{
	static const struct {
		uint16_t op;
		uint64_t value;		/* compared with 0x8000000000000010 */
		bool holds;
	} cases[] = {
		{ DRM_VSVM_UFENCE_OP_EQ, 0x8000000000000010ull, true },
		{ DRM_VSVM_UFENCE_OP_EQ, 0x10, false },
		{ DRM_VSVM_UFENCE_OP_NEQ, 0x10, true },
		{ DRM_VSVM_UFENCE_OP_NEQ, 0x8000000000000010ull, false },
		{ DRM_VSVM_UFENCE_OP_GT, 0x10, true },
		{ DRM_VSVM_UFENCE_OP_GT, 0x8000000000000010ull, false },
		{ DRM_VSVM_UFENCE_OP_GTE, 0x8000000000000010ull, true },
		{ DRM_VSVM_UFENCE_OP_GTE, 0x8000000000000011ull, false },
		{ DRM_VSVM_UFENCE_OP_LT, 0x8000000000000011ull, true },
		{ DRM_VSVM_UFENCE_OP_LT, 0x8000000000000010ull, false },
		{ DRM_VSVM_UFENCE_OP_LTE, 0x8000000000000010ull, true },
		{ DRM_VSVM_UFENCE_OP_LTE, 0x0fffffffffffffffull, false },
	};
	uint64_t *v = calloc(1, sizeof(*v));

	igt_assert(v);
	*v = 0x8000000000000010ull;
	for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++)
		igt_assert_f(wait_value(fd, v, cases[i].value, ~0ull,
					cases[i].op, 0) ==
			     (cases[i].holds ? 0 : -ETIME),
			     "case %u: op %u value %#llx\n", i, cases[i].op,
			     (unsigned long long)cases[i].value);

	/* The mask applies to both sides. */
	igt_assert_eq(wait_value(fd, v, 0xff10, 0xff, DRM_VSVM_UFENCE_OP_EQ,
				 0), 0);
	igt_assert_eq(wait_value(fd, v, 0x11, 0xff, DRM_VSVM_UFENCE_OP_EQ,
				 0), -ETIME);
	igt_assert_eq(wait_value(fd, v, 0, 1ull << 63, DRM_VSVM_UFENCE_OP_GT,
				 0), 0);
	igt_assert_eq(wait_value(fd, v, 0x20, 0xff, DRM_VSVM_UFENCE_OP_LT,
				 0), 0);
	free(v);
}

/* A value nobody writes: -ETIME, not before the deadline. */
static void test_wait_timeout(int fd)
{
	uint64_t *v = calloc(1, sizeof(*v));
	int64_t deadline;

	igt_assert(v);
	deadline = vsvm_gettime_ns() + 200 * 1000 * 1000;
	igt_assert_eq(wait_value(fd, v, 1, ~0ull, DRM_VSVM_UFENCE_OP_EQ,
				 deadline), -ETIME);
	igt_assert_cmps64(deadline, <=, >, (int64_t)vsvm_gettime_ns());
	/* a deadline long gone */
	igt_assert_eq(wait_value(fd, v, 1, ~0ull, DRM_VSVM_UFENCE_OP_EQ, 1),
		      -ETIME);
	free(v);
}

static volatile int signals;

static void count_signal(int sig)
{
	signals++;
}

static void set_alarm(bool restart, long interval_us)
{
	struct sigaction sa = { .sa_handler = count_signal };
	struct itimerval it = {
		.it_interval = { .tv_usec = interval_us },
		.it_value = { .tv_usec = interval_us },
	};

	sa.sa_flags = restart ? SA_RESTART : 0;
	igt_assert_eq(sigaction(SIGALRM, &sa, NULL), 0);
	igt_assert_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
}

static void stop_alarm(void)
{
	struct itimerval it = {};

	igt_assert_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
	signal(SIGALRM, SIG_DFL);
}

/*
 * Signals interrupt the wait; restarted with the same argument, it keeps
 * its deadline: without SA_RESTART each call returns EINTR and the caller
 * calls again, with SA_RESTART the kernel restarts it. Either way it ends
 * with -ETIME once the one deadline has passed, however many signals
 * came (a wait whose deadline moved with each restart would never end).
 */
static void test_wait_signal(int fd)
{
	uint64_t *v = calloc(1, sizeof(*v));
	struct drm_vsvm_wait_ufence w;
	int64_t deadline;
	int eintr = 0, ret;

	igt_assert(v);

	/* No SA_RESTART: EINTR to user space, called again by hand. */
	deadline = vsvm_gettime_ns() + 500 * 1000 * 1000;
	w = wait_args(v, 1, ~0ull, DRM_VSVM_UFENCE_OP_EQ, deadline);
	signals = 0;
	set_alarm(false, 20 * 1000);
	for (;;) {
		ret = ioctl(fd, DRM_IOCTL_VSVM_WAIT_UFENCE, &w);
		if (ret == 0 || errno != EINTR)
			break;
		eintr++;
		igt_assert_f(eintr < 100000, "the wait never ends\n");
	}
	stop_alarm();
	igt_assert_eq(ret, -1);
	igt_assert_eq(errno, ETIME);
	igt_assert_cmps64(deadline, <=, >, (int64_t)vsvm_gettime_ns());
	igt_assert_eq_s64(w.timeout, deadline);
	igt_info("%d signals, %d EINTR\n", signals, eintr);
	igt_assert_lt(0, eintr);

	/* SA_RESTART: the kernel restarts the call itself. */
	deadline = vsvm_gettime_ns() + 500 * 1000 * 1000;
	w = wait_args(v, 1, ~0ull, DRM_VSVM_UFENCE_OP_EQ, deadline);
	signals = 0;
	set_alarm(true, 20 * 1000);
	ret = ioctl(fd, DRM_IOCTL_VSVM_WAIT_UFENCE, &w);
	stop_alarm();
	igt_assert_eq(ret, -1);
	igt_assert_eq(errno, ETIME);
	igt_assert_cmps64(deadline, <=, >, (int64_t)vsvm_gettime_ns());
	igt_info("%d signals during the restarted wait\n", signals);
	igt_assert_lt(0, signals);
	free(v);
}

struct waiter {
	int fd;
	struct drm_vsvm_ufence *uf;
	int ret;
	volatile bool done;
};

static void *waiter_thread(void *arg)
{
	struct waiter *w = arg;

	w->ret = wait_value(w->fd, &w->uf->value, VSVM_UFENCE_DONE, ~0ull,
			    DRM_VSVM_UFENCE_OP_EQ, INT64_MAX);
	w->done = true;
	return NULL;
}

/*
 * A thread waiting for ever is woken when the job ends: it sleeps while
 * the job is held by a CPU gate (other jobs ending meanwhile wake it, it
 * sleeps on), and returns once the record is written.
 */
static void test_wait_wakeup(int fd)
{
	struct waiter w = { .fd = fd, .uf = vsvm_ufence_create() };
	struct vsvm_cmdbuf *other = vsvm_cmdbuf_create(page_size);
	pthread_t thread;
	struct uctx c;

	uctx_init(&c, fd);
	vsvm_emit_wait(c.cb, true, to_user_pointer(&c.words[0]), 1, ~0ull,
		       DRM_VSVM_WAIT_EQ);
	vsvm_exec_ufence(fd, c.vm, 0, c.cb, NULL, 0, w.uf);
	igt_assert_eq(pthread_create(&thread, NULL, waiter_thread, &w), 0);

	/* Jobs of another engine end: the waiter wakes and sleeps on. */
	vsvm_emit_nop(other);
	for (int i = 0; i < 4; i++)
		igt_assert_eq(vsvm_exec_wait(fd, c.vm, c.engines - 1 ? 1 : 0,
					     other), 1);
	if (c.engines == 1) {
		/* the nops queued behind the gate: check them afterwards */
		igt_info("one engine: the other jobs wait behind the gate\n");
	}
	igt_assert(!w.done);
	igt_assert_eq(vsvm_ufence_status(w.uf), 0);

	__atomic_store_n(&c.words[0], 1, __ATOMIC_SEQ_CST);
	pthread_join(thread, NULL);
	igt_assert_eq(w.ret, 0);
	igt_assert_eq(vsvm_ufence_status(w.uf), 1);

	vsvm_ufence_destroy(w.uf);
	vsvm_cmdbuf_destroy(other);
	uctx_fini(&c);
}

/*
 * Many jobs in flight on every engine, each with its own record, waited
 * for in reverse order; then one record shared by jobs of one engine, with
 * growing values, waited for with GTE.
 */
static void test_many(int fd)
{
	const int n = 256;
	struct drm_vsvm_ufence *ufs = calloc(n, sizeof(*ufs));
	struct vsvm_cmdbuf *cb = vsvm_cmdbuf_create(page_size);
	struct drm_vsvm_ufence *shared = vsvm_ufence_create();
	struct drm_vsvm_exec exec;
	struct uctx c;

	igt_assert(ufs);
	uctx_init(&c, fd);
	vsvm_emit_atomic(cb, true, DRM_VSVM_ATOMIC_ADD,
			 to_user_pointer(&c.words[0]), 1, 0, 0);
	for (int i = 0; i < n; i++) {
		exec = exec_args(&c, i % c.engines, cb, &ufs[i], 1000 + i);
		vsvm_exec(fd, &exec);
	}
	for (int i = n - 1; i >= 0; i--) {
		igt_assert_eq(wait_value(fd, &ufs[i].value, 1000 + i, ~0ull,
					 DRM_VSVM_UFENCE_OP_EQ,
					 vsvm_gettime_ns() + VSVM_JOB_WAIT_NS),
			      0);
		igt_assert_eq(ufs[i].error, 0);
	}
	igt_assert_eq_u64(c.words[0], n);

	for (int i = 1; i <= 64; i++) {
		exec = exec_args(&c, 0, cb, shared, i);
		vsvm_exec(fd, &exec);
	}
	igt_assert_eq(wait_value(fd, &shared->value, 64, ~0ull,
				 DRM_VSVM_UFENCE_OP_GTE,
				 vsvm_gettime_ns() + VSVM_JOB_WAIT_NS), 0);
	/* one engine runs and ends its jobs in order: the last value wins */
	igt_assert_eq_u64(shared->value, 64);
	igt_assert_eq_u64(c.words[0], n + 64);

	free(ufs);
	vsvm_ufence_destroy(shared);
	vsvm_cmdbuf_destroy(cb);
	uctx_fini(&c);
}

igt_main
{
	int fd = -1;

	igt_fixture {
		fd = drm_open_vsvm_render();
		page_size = sysconf(_SC_PAGESIZE);
		igt_require(vsvm_uapi_at_least(fd, 0, 6));
	}

	igt_describe("The record is written when the job ends: its value, "
		     "error 0, pad untouched; not before.");
	igt_subtest("written")
		test_written(fd);

	igt_describe("A job touching unmapped memory writes -EFAULT, then "
		     "the value.");
	igt_subtest("error")
		test_error(fd);

	igt_describe("Jobs of a destroyed VM write their records: running "
		     "ECANCELED, queued ESRCH (or ECANCELED).");
	igt_subtest("vm-destroyed")
		test_vm_destroyed(fd);

	igt_describe("Signal syncs (binary, timeline) fail EXEC with "
		     "EOPNOTSUPP; nothing reaches the syncobj.");
	igt_subtest("signal-rejected")
		test_signal_rejected(fd);

	igt_describe("EXEC's user fence fields: unknown flags, fields without "
		     "the flag, misaligned or out-of-range records.");
	igt_subtest("exec-invalid")
		test_exec_invalid(fd);

	igt_describe("WAIT_UFENCE's rejections: MBZ fields, ops, mask, "
		     "timeout, misaligned (EINVAL) and unmapped (EFAULT).");
	igt_subtest("wait-invalid")
		test_wait_invalid(fd);

	igt_describe("WAIT_UFENCE's comparisons, masked and unsigned.");
	igt_subtest("wait-ops")
		test_wait_ops(fd);

	igt_describe("WAIT_UFENCE ends with ETIME at its deadline.");
	igt_subtest("wait-timeout")
		test_wait_timeout(fd);

	igt_describe("Signals interrupt WAIT_UFENCE; restarted, it keeps its "
		     "absolute deadline.");
	igt_subtest("wait-signal")
		test_wait_signal(fd);

	igt_describe("A waiter is woken when the job ends.");
	igt_subtest("wait-wakeup")
		test_wait_wakeup(fd);

	igt_describe("Many jobs in flight, a record each or one shared.");
	igt_subtest("many")
		test_many(fd);

	igt_fixture
		close(fd);
}
