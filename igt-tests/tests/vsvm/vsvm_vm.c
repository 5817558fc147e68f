// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/*
 * The VM and job submission ioctls of vsvm: VM_CREATE, VM_DESTROY, EXEC,
 * STATS and VM_ERROR, their input validation one field at a time, and the
 * lifetime of a VM with jobs in flight (VM_DESTROY, close of its file, exit
 * of its process).
 *
 * Every refused request must fail with the documented errno, leave the
 * structure it was given untouched (output is written back only on
 * success), and have no effect: a refused EXEC consumes no sequence number
 * and runs nothing.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "igt.h"
#include "igt_syncobj.h"
#include "igt_vsvm.h"
#include "vsvm_drm.h"

IGT_TEST_DESCRIPTION("Check the vsvm VM and job submission ioctls: VM "
		     "creation and destruction, the input validation of "
		     "EXEC, STATS and VM_ERROR, and VMs that go away with "
		     "jobs in flight.");

/* Fill of structures and buffers the kernel must not write. */
#define POISON		0xa5
#define POISON64	0xa5a5a5a5a5a5a5a5ull

/* Number of VMs of the vm-create-many subtest. */
#define MANY_VMS	16

/* An id no test creates: ids are allocated from 1 upwards. */
#define UNUSED_VM_ID	0x7fff0000u

static int page_size;

static void *map_pages(size_t n, int prot)
{
	void *p = mmap(NULL, n * page_size, prot,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	igt_assert(p != MAP_FAILED);

	return p;
}

static bool all_bytes(const void *p, uint8_t byte, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i] != byte)
			return false;

	return true;
}

/*
 * A VM with a command buffer that writes a token to a word: each valid
 * submission writes the next token, so a test can tell exactly which jobs
 * ran.
 */
struct exec_ctx {
	int fd;
	uint32_t vm;
	struct vsvm_cmdbuf *cb;
	uint32_t *word;		/* the word the job writes */
	uint32_t token;		/* token of the last job */
	uint64_t seqno;		/* sequence number of the last job */
	uint64_t jobs;		/* jobs that ran in the VM */
};

static void ctx_emit(struct exec_ctx *ctx)
{
	vsvm_cmdbuf_reset(ctx->cb);
	vsvm_emit_write32(ctx->cb, to_user_pointer(ctx->word), ctx->token + 1);
}

static void ctx_init(struct exec_ctx *ctx, int fd)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->fd = fd;
	ctx->vm = vsvm_vm_create(fd);
	ctx->cb = vsvm_cmdbuf_create(page_size);
	ctx->word = map_pages(1, PROT_READ | PROT_WRITE);
	ctx_emit(ctx);
}

static void ctx_fini(struct exec_ctx *ctx)
{
	uint64_t stats[VSVM_STAT_COUNT];

	/* Only the valid submissions ran. */
	vsvm_stats(ctx->fd, ctx->vm, stats);
	igt_assert_eq_u64(stats[VSVM_STAT_JOBS], ctx->jobs);
	igt_assert_eq_u64(stats[VSVM_STAT_JOBS_FAILED], 0);

	vsvm_vm_destroy(ctx->fd, ctx->vm);
	vsvm_cmdbuf_destroy(ctx->cb);
	munmap(ctx->word, page_size);
}

/* A valid request for the context's command buffer on engine 0. */
static void ctx_exec(struct exec_ctx *ctx, struct drm_vsvm_exec *exec)
{
	memset(exec, 0, sizeof(*exec));
	exec->vm_id = ctx->vm;
	exec->batch_address = vsvm_cmdbuf_address(ctx->cb);
	exec->batch_size = ctx->cb->len;
}

/*
 * Submits @exec, which must be valid, with a user fence record, and checks
 * that it got the next sequence number, ran, reported success and wrote the
 * next token.
 */
static void ctx_run(struct exec_ctx *ctx, struct drm_vsvm_exec *exec)
{
	struct drm_vsvm_ufence *uf = vsvm_ufence_create();

	igt_assert_eq(*ctx->word, ctx->token);

	exec->flags |= DRM_VSVM_EXEC_UFENCE;
	exec->ufence_address = to_user_pointer(uf);
	exec->ufence_value = VSVM_UFENCE_DONE;
	igt_assert_eq(__vsvm_exec(ctx->fd, exec), 0);
	igt_assert_eq_u64(exec->seqno, ctx->seqno + 1);
	ctx->seqno++;
	ctx->jobs++;

	igt_assert_eq(vsvm_ufence_wait_status(ctx->fd, uf, VSVM_JOB_WAIT_NS),
		      1);
	vsvm_ufence_destroy(uf);

	igt_assert_eq(*ctx->word, ctx->token + 1);
	ctx->token++;
	ctx_emit(ctx);
}

/* The context still accepts and runs a valid job. */
static void ctx_check_works(struct exec_ctx *ctx)
{
	struct drm_vsvm_exec exec;

	ctx_exec(ctx, &exec);
	ctx_run(ctx, &exec);
}

/*
 * @exec must be refused with @err, untouched, without running anything;
 * a valid request then gets the next sequence number.
 */
static void ctx_check_refused(struct exec_ctx *ctx, struct drm_vsvm_exec *exec,
			      int err)
{
	struct drm_vsvm_exec before = *exec;

	igt_assert_eq(__vsvm_exec(ctx->fd, exec), err);
	igt_assert_f(!memcmp(&before, exec, sizeof(before)),
		     "a refused exec was written back\n");
	igt_assert_eq(*ctx->word, ctx->token);
}

/* VM creation. */

static void test_vm_create(int fd)
{
	struct drm_vsvm_vm_create create;
	struct exec_ctx ctx;

	memset(&create, 0, sizeof(create));
	create.flags = DRM_VSVM_VM_CREATE_SVM;
	create.vm_id = ~0u;
	igt_assert_eq(__vsvm_vm_create(fd, &create), 0);
	igt_assert_neq_u32(create.vm_id, 0);
	igt_assert_neq_u32(create.vm_id, ~0u);

	/* Only vm_id is an output. */
	igt_assert_eq_u64(create.extensions, 0);
	igt_assert_eq_u32(create.flags, DRM_VSVM_VM_CREATE_SVM);
	igt_assert_eq_u64(create.reserved[0], 0);
	igt_assert_eq_u64(create.reserved[1], 0);

	vsvm_vm_destroy(fd, create.vm_id);

	/* A VM runs jobs right after creation, and can be destroyed after. */
	ctx_init(&ctx, fd);
	ctx_check_works(&ctx);
	ctx_fini(&ctx);
}

static void test_vm_create_many(int fd)
{
	uint32_t vms[MANY_VMS], order[MANY_VMS];
	uint64_t stats[VSVM_STAT_COUNT];
	struct vsvm_cmdbuf *cb;
	uint32_t *slots;
	int other;

	cb = vsvm_cmdbuf_create(page_size);
	slots = map_pages(1, PROT_READ | PROT_WRITE);

	for (int i = 0; i < MANY_VMS; i++) {
		vms[i] = vsvm_vm_create(fd);
		for (int j = 0; j < i; j++)
			igt_assert_neq_u32(vms[i], vms[j]);
	}

	/* Each VM runs its own job, counted in its own stats only. */
	for (int i = 0; i < MANY_VMS; i++) {
		vsvm_cmdbuf_reset(cb);
		vsvm_emit_write32(cb, to_user_pointer(&slots[i]), 0x100 + i);
		igt_assert_eq(vsvm_exec_wait(fd, vms[i], 0, cb), 1);
		igt_assert_eq_u64(cb->seqno, 1);
	}
	for (int i = 0; i < MANY_VMS; i++) {
		igt_assert_eq_u32(slots[i], 0x100 + i);
		vsvm_stats(fd, vms[i], stats);
		igt_assert_eq_u64(stats[VSVM_STAT_JOBS], 1);
		igt_assert_eq_u64(stats[VSVM_STAT_JOBS_FAILED], 0);
	}

	/* VM ids are per file: another file knows none of them. */
	other = drm_open_vsvm_render();
	for (int i = 0; i < MANY_VMS; i++) {
		struct drm_vsvm_vm_destroy destroy = { .vm_id = vms[i] };

		igt_assert_eq(__vsvm_vm_destroy(other, &destroy), -ENOENT);
	}
	close(other);

	/* Destroy them in a shuffled order; each id is then unknown. */
	for (int i = 0; i < MANY_VMS; i++)
		order[i] = (i * 7 + 3) % MANY_VMS;
	for (int i = 0; i < MANY_VMS; i++) {
		struct drm_vsvm_vm_destroy destroy = { .vm_id = vms[order[i]] };

		vsvm_vm_destroy(fd, vms[order[i]]);
		igt_assert_eq(__vsvm_vm_destroy(fd, &destroy), -ENOENT);
		for (int j = i + 1; j < MANY_VMS; j++) {
			vsvm_stats(fd, vms[order[j]], stats);
			igt_assert_eq_u64(stats[VSVM_STAT_JOBS], 1);
		}
	}

	vsvm_cmdbuf_destroy(cb);
	munmap(slots, page_size);
}

static void check_create_refused(int fd, struct drm_vsvm_vm_create *create)
{
	struct drm_vsvm_vm_create before;

	create->vm_id = POISON64 & 0xffffffff;
	before = *create;
	igt_assert_eq(__vsvm_vm_create(fd, create), -EINVAL);
	igt_assert_f(!memcmp(&before, create, sizeof(before)),
		     "a refused VM_CREATE was written back\n");
}

static void test_vm_create_bad_flags(int fd)
{
	static const uint32_t bad[] = {
		0, 0x2, DRM_VSVM_VM_CREATE_SVM | 0x2,
		DRM_VSVM_VM_CREATE_SVM | 0x80000000u, 0x80000000u, ~0u,
	};
	struct drm_vsvm_vm_create create;

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&create, 0, sizeof(create));
		create.flags = bad[i];
		check_create_refused(fd, &create);
	}
	for (int bit = 1; bit < 32; bit++) {
		memset(&create, 0, sizeof(create));
		create.flags = DRM_VSVM_VM_CREATE_SVM | 1u << bit;
		check_create_refused(fd, &create);
	}
}

static void test_vm_create_bad_extensions(int fd)
{
	uint64_t zeroed_ext[4] = { 0 };
	const uint64_t bad[] = { 1, 0x1000, to_user_pointer(zeroed_ext), ~0ull };
	struct drm_vsvm_vm_create create;

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&create, 0, sizeof(create));
		create.flags = DRM_VSVM_VM_CREATE_SVM;
		create.extensions = bad[i];
		check_create_refused(fd, &create);
	}
}

static void test_vm_create_bad_reserved(int fd)
{
	static const uint64_t bad[] = { 1, 1ull << 63, ~0ull };
	struct drm_vsvm_vm_create create;

	for (unsigned int r = 0; r < 2; r++) {
		for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
			memset(&create, 0, sizeof(create));
			create.flags = DRM_VSVM_VM_CREATE_SVM;
			create.reserved[r] = bad[i];
			check_create_refused(fd, &create);
		}
	}
}

/* VM destruction. */

static void check_destroy_refused(int fd, struct drm_vsvm_vm_destroy *destroy,
				  int err)
{
	struct drm_vsvm_vm_destroy before = *destroy;

	igt_assert_eq(__vsvm_vm_destroy(fd, destroy), err);
	igt_assert(!memcmp(&before, destroy, sizeof(before)));
}

static void test_vm_destroy_bad_pad(int fd)
{
	static const uint32_t bad[] = { 1, 0x80000000u, ~0u };
	struct drm_vsvm_vm_destroy destroy;
	struct exec_ctx ctx;

	ctx_init(&ctx, fd);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&destroy, 0, sizeof(destroy));
		destroy.vm_id = ctx.vm;
		destroy.pad = bad[i];
		check_destroy_refused(fd, &destroy, -EINVAL);
	}
	/* The VM survived. */
	ctx_check_works(&ctx);
	ctx_fini(&ctx);
}

static void test_vm_destroy_bad_reserved(int fd)
{
	static const uint64_t bad[] = { 1, 1ull << 63 };
	struct drm_vsvm_vm_destroy destroy;
	struct exec_ctx ctx;

	ctx_init(&ctx, fd);
	for (unsigned int r = 0; r < 2; r++) {
		for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
			memset(&destroy, 0, sizeof(destroy));
			destroy.vm_id = ctx.vm;
			destroy.reserved[r] = bad[i];
			check_destroy_refused(fd, &destroy, -EINVAL);
		}
	}
	ctx_check_works(&ctx);
	ctx_fini(&ctx);
}

static void test_vm_destroy_unknown(int fd)
{
	struct drm_vsvm_vm_destroy destroy;
	uint32_t vm, other_vm;
	int other;

	memset(&destroy, 0, sizeof(destroy));

	/* 0 is never a VM id. */
	destroy.vm_id = 0;
	check_destroy_refused(fd, &destroy, -ENOENT);

	destroy.vm_id = UNUSED_VM_ID;
	check_destroy_refused(fd, &destroy, -ENOENT);

	destroy.vm_id = ~0u;
	check_destroy_refused(fd, &destroy, -ENOENT);

	/* Destroying twice. */
	vm = vsvm_vm_create(fd);
	vsvm_vm_destroy(fd, vm);
	destroy.vm_id = vm;
	check_destroy_refused(fd, &destroy, -ENOENT);

	/* The VM of another file, with an id this file does not use. */
	other = drm_open_vsvm_render();
	vm = vsvm_vm_create(fd);
	do {
		other_vm = vsvm_vm_create(other);
	} while (other_vm == vm);
	destroy.vm_id = other_vm;
	check_destroy_refused(fd, &destroy, -ENOENT);
	/* It is still there for its own file. */
	vsvm_vm_destroy(other, other_vm);
	vsvm_vm_destroy(fd, vm);
	close(other);
}

/* EXEC validation, one field at a time. */

static void test_exec_bad_engine(int fd)
{
	uint32_t n = vsvm_num_engines(fd);
	const uint32_t bad[] = { n, n + 1, 16, 0x80000000u, ~0u };
	struct drm_vsvm_exec exec;
	struct exec_ctx ctx;

	ctx_init(&ctx, fd);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		ctx_exec(&ctx, &exec);
		exec.engine = bad[i];
		ctx_check_refused(&ctx, &exec, -EINVAL);
	}
	/* Every valid engine works. */
	for (uint32_t e = 0; e < n; e++) {
		ctx_exec(&ctx, &exec);
		exec.engine = e;
		ctx_run(&ctx, &exec);
	}
	ctx_fini(&ctx);
}

static void test_exec_zero_batch_size(int fd)
{
	struct drm_vsvm_exec exec;
	struct exec_ctx ctx;

	ctx_init(&ctx, fd);
	ctx_exec(&ctx, &exec);
	exec.batch_size = 0;
	ctx_check_refused(&ctx, &exec, -EINVAL);
	ctx_check_works(&ctx);
	ctx_fini(&ctx);
}

static void test_exec_unaligned_batch_size(int fd)
{
	static const uint32_t bad[] = { 1, 4, 12, 20, 23, 4092 };
	struct drm_vsvm_exec exec;
	struct exec_ctx ctx;

	ctx_init(&ctx, fd);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		ctx_exec(&ctx, &exec);
		exec.batch_size = bad[i];
		ctx_check_refused(&ctx, &exec, -EINVAL);
	}
	ctx_check_works(&ctx);
	ctx_fini(&ctx);
}

static void test_exec_oversize_batch(int fd)
{
	static const uint32_t bad[] = {
		VSVM_MAX_BATCH_SIZE + 8, 2 * VSVM_MAX_BATCH_SIZE,
		0x80000000u, ~7u,
	};
	size_t len = VSVM_MAX_BATCH_SIZE + page_size;
	uint64_t stats[VSVM_STAT_COUNT];
	struct drm_vsvm_vm_error error;
	struct drm_vsvm_cmd_header *bad_cmd;
	struct vsvm_cmdbuf *big;
	struct drm_vsvm_exec exec;
	struct exec_ctx ctx;
	uint64_t bad_address;
	void *buf;

	ctx_init(&ctx, fd);

	/* A buffer larger than the limit, so that only the size is wrong. */
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(buf != MAP_FAILED);
	big = vsvm_cmdbuf_wrap(buf, len);
	vsvm_emit_write32(big, to_user_pointer(ctx.word), ctx.token + 1);
	/* Then a command with opcode 0: the job stops there. */
	bad_cmd = vsvm_cmdbuf_emit(big, sizeof(*bad_cmd));
	bad_address = to_user_pointer(bad_cmd);

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		ctx_exec(&ctx, &exec);
		exec.batch_address = vsvm_cmdbuf_address(big);
		exec.batch_size = bad[i];
		ctx_check_refused(&ctx, &exec, -EINVAL);
	}

	/* Exactly 1 MiB is accepted. */
	big->len = VSVM_MAX_BATCH_SIZE;
	igt_assert_eq(vsvm_exec_wait(fd, ctx.vm, 0, big), -EINVAL);
	igt_assert_eq_u64(big->seqno, ctx.seqno + 1);
	igt_assert_eq(*ctx.word, ctx.token + 1);
	ctx.seqno++;
	ctx.token++;

	vsvm_vm_error(fd, ctx.vm, &error);
	igt_assert_eq_u64(error.seqno, big->seqno);
	igt_assert_eq(error.error, -EINVAL);
	igt_assert_eq_u32(error.engine, 0);
	igt_assert_eq_u32(error.access, 0);
	igt_assert_eq_u64(error.address, 0);
	igt_debug("malformed command at %#llx\n",
		  (unsigned long long)bad_address);

	vsvm_cmdbuf_destroy(big);
	munmap(buf, len);

	ctx_emit(&ctx);
	ctx_check_works(&ctx);

	/* The failed job counts as a job, and a failed one. */
	vsvm_stats(fd, ctx.vm, stats);
	igt_assert_eq_u64(stats[VSVM_STAT_JOBS], ctx.jobs + 1);
	igt_assert_eq_u64(stats[VSVM_STAT_JOBS_FAILED], 1);

	vsvm_vm_destroy(fd, ctx.vm);
	vsvm_cmdbuf_destroy(ctx.cb);
	munmap(ctx.word, page_size);
}

static void test_exec_unaligned_batch_address(int fd)
{
	static const uint64_t offsets[] = { 1, 2, 4, 7 };
	struct drm_vsvm_exec exec;
	struct exec_ctx ctx;

	ctx_init(&ctx, fd);
	for (unsigned int i = 0; i < ARRAY_SIZE(offsets); i++) {
		ctx_exec(&ctx, &exec);
		exec.batch_address += offsets[i];
		ctx_check_refused(&ctx, &exec, -EINVAL);
	}
	ctx_check_works(&ctx);
	ctx_fini(&ctx);
}

static void test_exec_bad_flags(int fd)
{
	struct drm_vsvm_exec exec;
	struct exec_ctx ctx;

	ctx_init(&ctx, fd);
	for (int bit = 0; bit < 32; bit++) {
		ctx_exec(&ctx, &exec);
		exec.flags = 1u << bit;
		ctx_check_refused(&ctx, &exec, -EINVAL);
	}
	ctx_exec(&ctx, &exec);
	exec.flags = ~0u;
	ctx_check_refused(&ctx, &exec, -EINVAL);
	ctx_check_works(&ctx);
	ctx_fini(&ctx);
}

static void test_exec_bad_pad(int fd)
{
	static const uint32_t bad[] = { 1, 0x80000000u, ~0u };
	struct drm_vsvm_exec exec;
	struct exec_ctx ctx;

	ctx_init(&ctx, fd);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		ctx_exec(&ctx, &exec);
		exec.pad = bad[i];
		ctx_check_refused(&ctx, &exec, -EINVAL);
	}
	ctx_check_works(&ctx);
	ctx_fini(&ctx);
}

/* The user fence fields (the reserved words before 0.6) need the flag. */
static void test_exec_bad_reserved(int fd)
{
	static const uint64_t bad[] = { 1, 8, 1ull << 63 };
	struct drm_vsvm_exec exec;
	struct exec_ctx ctx;

	ctx_init(&ctx, fd);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		ctx_exec(&ctx, &exec);
		exec.ufence_address = bad[i];
		ctx_check_refused(&ctx, &exec, -EINVAL);
		ctx_exec(&ctx, &exec);
		exec.ufence_value = bad[i];
		ctx_check_refused(&ctx, &exec, -EINVAL);
	}
	ctx_check_works(&ctx);
	ctx_fini(&ctx);
}

static void test_exec_bad_extensions(int fd)
{
	uint64_t zeroed_ext[4] = { 0 };
	const uint64_t bad[] = { 1, 0x1000, to_user_pointer(zeroed_ext), ~0ull };
	struct drm_vsvm_exec exec;
	struct exec_ctx ctx;

	ctx_init(&ctx, fd);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		ctx_exec(&ctx, &exec);
		exec.extensions = bad[i];
		ctx_check_refused(&ctx, &exec, -EINVAL);
	}
	ctx_check_works(&ctx);
	ctx_fini(&ctx);
}

static void test_exec_too_many_syncs(int fd)
{
	struct drm_vsvm_sync syncs[VSVM_MAX_SYNCS + 1];
	uint32_t handles[VSVM_MAX_SYNCS + 1];
	struct drm_vsvm_exec exec;
	struct exec_ctx ctx;

	ctx_init(&ctx, fd);
	for (int i = 0; i <= VSVM_MAX_SYNCS; i++) {
		handles[i] = syncobj_create(fd, DRM_SYNCOBJ_CREATE_SIGNALED);
		syncs[i] = vsvm_sync_wait(handles[i]);
	}

	ctx_exec(&ctx, &exec);
	exec.syncs = to_user_pointer(syncs);
	exec.num_syncs = VSVM_MAX_SYNCS + 1;
	ctx_check_refused(&ctx, &exec, -EINVAL);

	exec.num_syncs = ~0u;
	ctx_check_refused(&ctx, &exec, -EINVAL);

	/* 64 is the limit: the job waits for all of them and runs. */
	exec.num_syncs = VSVM_MAX_SYNCS;
	ctx_run(&ctx, &exec);

	for (int i = 0; i <= VSVM_MAX_SYNCS; i++)
		syncobj_destroy(fd, handles[i]);
	ctx_fini(&ctx);
}

static void test_exec_bad_sync_flags(int fd)
{
	static const uint32_t bad[] = {
		0x4, 0x8, 0x80000000u, DRM_VSVM_SYNC_SIGNAL | 0x4,
		DRM_VSVM_SYNC_SIGNAL | DRM_VSVM_SYNC_TIMELINE | 0x100, ~0u,
	};
	struct drm_vsvm_exec exec;
	struct drm_vsvm_sync sync;
	struct exec_ctx ctx;
	uint32_t handle;

	ctx_init(&ctx, fd);
	handle = syncobj_create(fd, 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&sync, 0, sizeof(sync));
		sync.handle = handle;
		sync.flags = bad[i];
		ctx_exec(&ctx, &exec);
		exec.syncs = to_user_pointer(&sync);
		exec.num_syncs = 1;
		ctx_check_refused(&ctx, &exec, -EINVAL);
		igt_assert_eq(syncobj_wait_err(fd, &handle, 1, 0, 0), -EINVAL);
	}
	syncobj_destroy(fd, handle);
	ctx_check_works(&ctx);
	ctx_fini(&ctx);
}

static void test_exec_bad_sync_reserved(int fd)
{
	static const uint64_t bad[] = { 1, 1ull << 63 };
	struct drm_vsvm_exec exec;
	struct drm_vsvm_sync sync;
	struct exec_ctx ctx;
	uint32_t handle;

	ctx_init(&ctx, fd);
	handle = syncobj_create(fd, 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		sync = vsvm_sync_signal(handle);
		sync.reserved = bad[i];
		ctx_exec(&ctx, &exec);
		exec.syncs = to_user_pointer(&sync);
		exec.num_syncs = 1;
		ctx_check_refused(&ctx, &exec, -EINVAL);
		igt_assert_eq(syncobj_wait_err(fd, &handle, 1, 0, 0), -EINVAL);
	}
	syncobj_destroy(fd, handle);
	ctx_check_works(&ctx);
	ctx_fini(&ctx);
}

static void test_exec_sync_point_without_timeline(int fd)
{
	struct drm_vsvm_sync syncs[2];
	struct drm_vsvm_exec exec;
	struct exec_ctx ctx;
	uint32_t signal, wait;

	ctx_init(&ctx, fd);
	signal = syncobj_create(fd, 0);
	wait = syncobj_create(fd, DRM_SYNCOBJ_CREATE_SIGNALED);

	/* A signal sync with a point. */
	syncs[0] = vsvm_sync_signal(signal);
	syncs[0].point = 1;
	ctx_exec(&ctx, &exec);
	exec.syncs = to_user_pointer(syncs);
	exec.num_syncs = 1;
	ctx_check_refused(&ctx, &exec, -EINVAL);
	igt_assert_eq(syncobj_wait_err(fd, &signal, 1, 0, 0), -EINVAL);

	/* A wait sync with a point, on a signalled binary syncobj. */
	syncs[0] = vsvm_sync_wait(wait);
	syncs[0].point = 1;
	syncs[1] = vsvm_sync_signal(signal);
	ctx_exec(&ctx, &exec);
	exec.syncs = to_user_pointer(syncs);
	exec.num_syncs = 2;
	ctx_check_refused(&ctx, &exec, -EINVAL);
	igt_assert_eq(syncobj_wait_err(fd, &signal, 1, 0, 0), -EINVAL);

	/* Without the point (and the refused signal sync), it is fine. */
	syncs[0].point = 0;
	exec.num_syncs = 1;
	ctx_run(&ctx, &exec);

	syncobj_destroy(fd, signal);
	syncobj_destroy(fd, wait);
	ctx_fini(&ctx);
}

static void test_exec_unknown_syncobj(int fd)
{
	struct drm_vsvm_sync sync;
	struct drm_vsvm_exec exec;
	struct exec_ctx ctx;
	uint32_t destroyed, bad[3];

	ctx_init(&ctx, fd);
	destroyed = syncobj_create(fd, DRM_SYNCOBJ_CREATE_SIGNALED);
	syncobj_destroy(fd, destroyed);
	bad[0] = 0;
	bad[1] = destroyed;
	bad[2] = 0x7fffffff;

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		/* As a syncobj to wait for... */
		sync = vsvm_sync_wait(bad[i]);
		ctx_exec(&ctx, &exec);
		exec.syncs = to_user_pointer(&sync);
		exec.num_syncs = 1;
		ctx_check_refused(&ctx, &exec, -ENOENT);

		/* ... and as one to signal, refused before any lookup. */
		sync = vsvm_sync_signal(bad[i]);
		ctx_check_refused(&ctx, &exec, -EOPNOTSUPP);

		sync = vsvm_sync_timeline_signal(bad[i], 1);
		ctx_check_refused(&ctx, &exec, -EOPNOTSUPP);
	}
	ctx_check_works(&ctx);
	ctx_fini(&ctx);
}

static void test_exec_unsubmitted_syncobj(int fd)
{
	struct drm_vsvm_sync syncs[2];
	struct drm_vsvm_exec exec;
	struct exec_ctx ctx;
	uint32_t wait, timeline, signal;
	uint64_t point = 1;

	ctx_init(&ctx, fd);
	wait = syncobj_create(fd, 0);
	timeline = syncobj_create(fd, 0);
	signal = syncobj_create(fd, 0);

	/* A binary syncobj without a fence. */
	syncs[0] = vsvm_sync_wait(wait);
	syncs[1] = vsvm_sync_wait(signal);
	ctx_exec(&ctx, &exec);
	exec.syncs = to_user_pointer(syncs);
	exec.num_syncs = 1;
	ctx_check_refused(&ctx, &exec, -EINVAL);
	igt_assert_eq(syncobj_wait_err(fd, &signal, 1, 0, 0), -EINVAL);

	/* A timeline point not submitted yet. */
	syncobj_timeline_signal(fd, &timeline, &point, 1);
	syncs[0] = vsvm_sync_timeline_wait(timeline, 2);
	ctx_check_refused(&ctx, &exec, -EINVAL);
	igt_assert_eq(syncobj_wait_err(fd, &signal, 1, 0, 0), -EINVAL);

	/* The point that was signalled is fine. */
	syncs[0] = vsvm_sync_timeline_wait(timeline, 1);
	ctx_run(&ctx, &exec);

	syncobj_destroy(fd, wait);
	syncobj_destroy(fd, timeline);
	syncobj_destroy(fd, signal);
	ctx_fini(&ctx);
}

static void test_exec_unknown_vm(int fd)
{
	struct drm_vsvm_exec exec;
	struct exec_ctx ctx;
	uint32_t destroyed, other_vm;
	int other;

	ctx_init(&ctx, fd);
	destroyed = vsvm_vm_create(fd);
	vsvm_vm_destroy(fd, destroyed);
	other = drm_open_vsvm_render();
	/* Make sure the other file's VM id is not one of this file's. */
	do {
		other_vm = vsvm_vm_create(other);
	} while (other_vm == ctx.vm);

	{
		const uint32_t bad[] = { 0, UNUSED_VM_ID, ~0u, destroyed,
					 other_vm };

		for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
			ctx_exec(&ctx, &exec);
			exec.vm_id = bad[i];
			ctx_check_refused(&ctx, &exec, -ENOENT);
		}
	}
	close(other);

	ctx_check_works(&ctx);
	ctx_fini(&ctx);
}

static void test_exec_bad_syncs_pointer(int fd)
{
	struct drm_vsvm_sync *syncs;
	struct drm_vsvm_exec exec;
	struct exec_ctx ctx;
	uint32_t handle;
	char *pages;

	ctx_init(&ctx, fd);
	handle = syncobj_create(fd, DRM_SYNCOBJ_CREATE_SIGNALED);

	/* NULL. */
	ctx_exec(&ctx, &exec);
	exec.syncs = 0;
	exec.num_syncs = 1;
	ctx_check_refused(&ctx, &exec, -EFAULT);

	/* Unmapped, and PROT_NONE. */
	pages = map_pages(2, PROT_READ | PROT_WRITE);
	igt_assert_eq(munmap(pages + page_size, page_size), 0);
	exec.syncs = to_user_pointer(pages + page_size);
	ctx_check_refused(&ctx, &exec, -EFAULT);
	igt_assert_eq(mprotect(pages, page_size, PROT_NONE), 0);
	exec.syncs = to_user_pointer(pages);
	ctx_check_refused(&ctx, &exec, -EFAULT);

	/* An array whose second entry lies in the unmapped page. */
	igt_assert_eq(mprotect(pages, page_size, PROT_READ | PROT_WRITE), 0);
	syncs = (struct drm_vsvm_sync *)(pages + page_size) - 1;
	*syncs = vsvm_sync_wait(handle);
	exec.syncs = to_user_pointer(syncs);
	exec.num_syncs = 2;
	ctx_check_refused(&ctx, &exec, -EFAULT);

	/* The first entry alone is fine. */
	exec.num_syncs = 1;
	ctx_run(&ctx, &exec);

	munmap(pages, page_size);
	syncobj_destroy(fd, handle);
	ctx_fini(&ctx);
}

static void test_exec_from_child(int fd)
{
	struct drm_vsvm_exec exec;
	struct exec_ctx ctx;

	ctx_init(&ctx, fd);
	ctx_check_works(&ctx);

	/*
	 * The child inherits the file and a copy of the address space, but
	 * the VM mirrors the parent's: its submissions are refused.
	 */
	igt_fork(child, 1) {
		ctx_exec(&ctx, &exec);
		ctx_check_refused(&ctx, &exec, -EACCES);
	}
	igt_waitchildren();

	ctx_check_works(&ctx);
	ctx_fini(&ctx);
}

/* STATS. */

static void test_stats_count(int fd)
{
	uint64_t values[VSVM_STAT_COUNT + 4];
	uint64_t full[VSVM_STAT_COUNT];
	struct drm_vsvm_stats stats;
	struct exec_ctx ctx;

	ctx_init(&ctx, fd);
	ctx_check_works(&ctx);

	/* count 0 reports the number of counters, writing none. */
	memset(values, POISON, sizeof(values));
	memset(&stats, 0, sizeof(stats));
	stats.vm_id = ctx.vm;
	stats.data = to_user_pointer(values);
	igt_assert_eq(__vsvm_stats(fd, &stats), 0);
	igt_assert_eq_u32(stats.count, VSVM_STAT_COUNT);
	igt_assert(all_bytes(values, POISON, sizeof(values)));

	/* A larger buffer gets what the driver knows, the rest untouched. */
	stats.count = ARRAY_SIZE(values);
	igt_assert_eq(__vsvm_stats(fd, &stats), 0);
	igt_assert_eq_u32(stats.count, VSVM_STAT_COUNT);
	igt_assert_eq_u64(values[VSVM_STAT_JOBS], 1);
	igt_assert_eq_u64(values[VSVM_STAT_JOBS_FAILED], 0);
	igt_assert(all_bytes(&values[VSVM_STAT_COUNT], POISON,
			     4 * sizeof(values[0])));

	/* A smaller one gets only what it holds. */
	memcpy(full, values, sizeof(full));
	memset(values, POISON, sizeof(values));
	stats.count = 3;
	igt_assert_eq(__vsvm_stats(fd, &stats), 0);
	igt_assert_eq_u32(stats.count, 3);
	igt_assert(!memcmp(values, full, 3 * sizeof(values[0])));
	igt_assert(all_bytes(&values[3], POISON,
			     sizeof(values) - 3 * sizeof(values[0])));

	/* A new VM starts from zero. */
	{
		uint32_t vm = vsvm_vm_create(fd);

		vsvm_stats(fd, vm, values);
		for (int i = 0; i < VSVM_STAT_COUNT; i++)
			igt_assert_f(values[i] == 0, "new VM: %s = %llu\n",
				     vsvm_stat_name(i),
				     (unsigned long long)values[i]);
		vsvm_vm_destroy(fd, vm);
	}

	ctx_fini(&ctx);
}

static void check_stats_refused(int fd, struct drm_vsvm_stats *stats, int err);

static void test_stats_device(int fd)
{
	uint64_t dev0[VSVM_STAT_COUNT], dev1[VSVM_STAT_COUNT];
	uint64_t vm_stats[VSVM_STAT_COUNT];
	struct exec_ctx ctx;

	/* Since 0.5 no client sees device-wide counters: debugfs has them. */
	{
		struct drm_vsvm_stats stats = {
			.count = VSVM_STAT_COUNT,
			.data = to_user_pointer(dev0),
		};

		memset(dev0, POISON, sizeof(dev0));
		check_stats_refused(fd, &stats, -EINVAL);
		igt_assert(all_bytes(dev0, POISON, sizeof(dev0)));
	}

	ctx_init(&ctx, fd);
	vsvm_stats(fd, 0, dev0);
	ctx_check_works(&ctx);
	ctx_check_works(&ctx);
	vsvm_stats(fd, 0, dev1);
	vsvm_stats(fd, ctx.vm, vm_stats);

	/* The device counts the VM's events too (and maybe others'). */
	for (int i = 0; i < VSVM_STAT_COUNT; i++)
		igt_assert_f(dev1[i] - dev0[i] >= vm_stats[i],
			     "device %s grew by %llu, the VM's is %llu\n",
			     vsvm_stat_name(i),
			     (unsigned long long)(dev1[i] - dev0[i]),
			     (unsigned long long)vm_stats[i]);
	igt_assert_eq_u64(vm_stats[VSVM_STAT_JOBS], 2);

	/* The device's counters survive the VM. */
	ctx_fini(&ctx);
	vsvm_stats(fd, 0, dev0);
	for (int i = 0; i < VSVM_STAT_COUNT; i++)
		igt_assert_lte_u64(dev1[i], dev0[i]);
}

static void check_stats_refused(int fd, struct drm_vsvm_stats *stats, int err)
{
	struct drm_vsvm_stats before = *stats;

	igt_assert_eq(__vsvm_stats(fd, stats), err);
	igt_assert(!memcmp(&before, stats, sizeof(before)));
}

static void test_stats_bad_pad(int fd)
{
	static const uint64_t bad[] = { 1, 1ull << 32, 1ull << 63 };
	uint64_t values[VSVM_STAT_COUNT];
	struct drm_vsvm_stats stats;

	for (int dev = 0; dev < 2; dev++) {
		uint32_t vm = dev ? 0 : vsvm_vm_create(fd);

		for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
			memset(values, POISON, sizeof(values));
			memset(&stats, 0, sizeof(stats));
			stats.vm_id = vm;
			stats.count = VSVM_STAT_COUNT;
			stats.data = to_user_pointer(values);
			stats.pad = bad[i];
			check_stats_refused(fd, &stats, -EINVAL);
			igt_assert(all_bytes(values, POISON, sizeof(values)));
			/* Even for the size query. */
			stats.count = 0;
			check_stats_refused(fd, &stats, -EINVAL);
		}
		if (vm)
			vsvm_vm_destroy(fd, vm);
	}
}

static void test_stats_bad_reserved(int fd)
{
	static const uint64_t bad[] = { 1, 1ull << 63 };
	uint64_t values[VSVM_STAT_COUNT];
	struct drm_vsvm_stats stats;
	uint32_t vm = vsvm_vm_create(fd);

	for (unsigned int r = 0; r < 2; r++) {
		for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
			memset(values, POISON, sizeof(values));
			memset(&stats, 0, sizeof(stats));
			stats.vm_id = vm;
			stats.count = VSVM_STAT_COUNT;
			stats.data = to_user_pointer(values);
			stats.reserved[r] = bad[i];
			check_stats_refused(fd, &stats, -EINVAL);
			igt_assert(all_bytes(values, POISON, sizeof(values)));
		}
	}
	vsvm_vm_destroy(fd, vm);
}

static void test_stats_unknown_vm(int fd)
{
	uint64_t values[VSVM_STAT_COUNT];
	struct drm_vsvm_stats stats;
	uint32_t destroyed = vsvm_vm_create(fd);
	const uint32_t bad[] = { UNUSED_VM_ID, ~0u, destroyed };

	vsvm_vm_destroy(fd, destroyed);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(values, POISON, sizeof(values));
		memset(&stats, 0, sizeof(stats));
		stats.vm_id = bad[i];
		stats.count = VSVM_STAT_COUNT;
		stats.data = to_user_pointer(values);
		check_stats_refused(fd, &stats, -ENOENT);
		igt_assert(all_bytes(values, POISON, sizeof(values)));
	}
}

static void test_stats_bad_pointer(int fd)
{
	struct drm_vsvm_stats stats;
	uint32_t vm = vsvm_vm_create(fd);
	uint64_t *ro;
	char *pages;

	ro = map_pages(1, PROT_READ);
	pages = map_pages(2, PROT_READ | PROT_WRITE);
	igt_assert_eq(munmap(pages + page_size, page_size), 0);

	/* vm_id 0 is refused before the pointer is used (0.5). */
	for (int dev = 0; dev < 1; dev++) {
		const uint64_t bad[] = {
			0, to_user_pointer(pages + page_size),
			to_user_pointer(ro),
			/* The last counters fall into the unmapped page. */
			to_user_pointer(pages + page_size - 8),
		};

		for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
			memset(&stats, 0, sizeof(stats));
			stats.vm_id = dev ? 0 : vm;
			stats.count = VSVM_STAT_COUNT;
			stats.data = bad[i];
			check_stats_refused(fd, &stats, -EFAULT);
		}
	}
	igt_assert(all_bytes(ro, 0, page_size));

	munmap(pages, page_size);
	munmap(ro, page_size);
	vsvm_vm_destroy(fd, vm);
}

/* VM_ERROR. */

static void test_vm_error_none(int fd)
{
	struct drm_vsvm_vm_error error;
	struct exec_ctx ctx;

	ctx_init(&ctx, fd);
	memset(&error, 0, sizeof(error));
	error.vm_id = ctx.vm;
	igt_assert_eq(__vsvm_vm_error(fd, &error), 0);
	igt_assert_eq_u32(error.vm_id, ctx.vm);
	igt_assert_eq_u64(error.seqno, 0);
	igt_assert_eq_u64(error.address, 0);
	igt_assert_eq(error.error, 0);
	igt_assert_eq_u32(error.access, 0);
	igt_assert_eq_u32(error.engine, 0);
	igt_assert_eq_u32(error.pad, 0);
	igt_assert_eq_u32(error.pad2, 0);
	igt_assert_eq_u64(error.reserved[0], 0);
	igt_assert_eq_u64(error.reserved[1], 0);

	/* Successful jobs leave no record. */
	ctx_check_works(&ctx);
	vsvm_vm_error(fd, ctx.vm, &error);
	igt_assert_eq_u64(error.seqno, 0);
	igt_assert_eq(error.error, 0);
	ctx_fini(&ctx);
}

static void test_vm_error_record(int fd)
{
	uint32_t n = vsvm_num_engines(fd);
	struct drm_vsvm_vm_error error;
	struct vsvm_cmdbuf *bad;
	struct exec_ctx ctx;
	char *hole;

	ctx_init(&ctx, fd);
	bad = vsvm_cmdbuf_create(page_size);
	hole = map_pages(1, PROT_READ | PROT_WRITE);
	igt_assert_eq(munmap(hole, page_size), 0);

	/* A write to an unmapped address, on the last engine. */
	vsvm_emit_write32(bad, to_user_pointer(hole + 12), 1);
	igt_assert_eq(vsvm_exec_wait(fd, ctx.vm, n - 1, bad), -EFAULT);
	igt_assert_eq_u64(bad->seqno, 1);

	vsvm_vm_error(fd, ctx.vm, &error);
	igt_assert_eq_u64(error.seqno, 1);
	igt_assert_eq_u64(error.address, to_user_pointer(hole + 12));
	igt_assert_eq(error.error, -EFAULT);
	igt_assert_eq_u32(error.access, DRM_VSVM_ACCESS_WRITE);
	igt_assert_eq_u32(error.engine, n - 1);

	/* Reading it does not clear it, nor does a successful job. */
	ctx.seqno = 1;
	ctx_check_works(&ctx);
	ctx.jobs++;	/* the failed one */
	vsvm_vm_error(fd, ctx.vm, &error);
	igt_assert_eq_u64(error.seqno, 1);
	igt_assert_eq(error.error, -EFAULT);

	/* A later failure replaces it. */
	vsvm_cmdbuf_reset(bad);
	vsvm_emit_nop(bad);
	vsvm_emit_checksum(bad, to_user_pointer(hole + 100), 8,
			   to_user_pointer(ctx.word));
	igt_assert_eq(vsvm_exec_wait(fd, ctx.vm, 0, bad), -EFAULT);
	igt_assert_eq_u64(bad->seqno, 3);
	vsvm_vm_error(fd, ctx.vm, &error);
	igt_assert_eq_u64(error.seqno, 3);
	igt_assert_eq_u64(error.address, to_user_pointer(hole + 100));
	igt_assert_eq(error.error, -EFAULT);
	igt_assert_eq_u32(error.access, DRM_VSVM_ACCESS_READ);
	igt_assert_eq_u32(error.engine, 0);

	{
		uint64_t stats[VSVM_STAT_COUNT];

		vsvm_stats(fd, ctx.vm, stats);
		igt_assert_eq_u64(stats[VSVM_STAT_JOBS], 3);
		igt_assert_eq_u64(stats[VSVM_STAT_JOBS_FAILED], 2);
	}

	vsvm_cmdbuf_destroy(bad);
	vsvm_vm_destroy(fd, ctx.vm);
	vsvm_cmdbuf_destroy(ctx.cb);
	munmap(ctx.word, page_size);
}

static void check_vm_error_refused(int fd, struct drm_vsvm_vm_error *error,
				   int err)
{
	struct drm_vsvm_vm_error before = *error;

	igt_assert_eq(__vsvm_vm_error(fd, error), err);
	igt_assert(!memcmp(&before, error, sizeof(before)));
}

/* A VM with an error record, for the refused VM_ERROR requests. */
static uint32_t vm_with_error(int fd)
{
	struct vsvm_cmdbuf *cb = vsvm_cmdbuf_create(page_size);
	uint32_t vm = vsvm_vm_create(fd);

	vsvm_emit_write32(cb, 0x1000, 1);
	igt_assert_eq(vsvm_exec_wait(fd, vm, 0, cb), -EFAULT);
	vsvm_cmdbuf_destroy(cb);

	return vm;
}

static void test_vm_error_bad_pad(int fd)
{
	static const uint32_t bad[] = { 1, 0x80000000u, ~0u };
	struct drm_vsvm_vm_error error;
	uint32_t vm = vm_with_error(fd);

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&error, 0, sizeof(error));
		error.vm_id = vm;
		error.pad = bad[i];
		check_vm_error_refused(fd, &error, -EINVAL);

		memset(&error, 0, sizeof(error));
		error.vm_id = vm;
		error.pad2 = bad[i];
		check_vm_error_refused(fd, &error, -EINVAL);
	}
	vsvm_vm_error(fd, vm, &error);
	igt_assert_eq(error.error, -EFAULT);
	vsvm_vm_destroy(fd, vm);
}

static void test_vm_error_bad_reserved(int fd)
{
	static const uint64_t bad[] = { 1, 1ull << 63 };
	struct drm_vsvm_vm_error error;
	uint32_t vm = vm_with_error(fd);

	for (unsigned int r = 0; r < 2; r++) {
		for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
			memset(&error, 0, sizeof(error));
			error.vm_id = vm;
			error.reserved[r] = bad[i];
			check_vm_error_refused(fd, &error, -EINVAL);
		}
	}
	vsvm_vm_destroy(fd, vm);
}

static void test_vm_error_unknown_vm(int fd)
{
	struct drm_vsvm_vm_error error;
	uint32_t destroyed = vm_with_error(fd);
	const uint32_t bad[] = { 0, UNUSED_VM_ID, ~0u, destroyed };

	vsvm_vm_destroy(fd, destroyed);
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&error, 0, sizeof(error));
		error.vm_id = bad[i];
		check_vm_error_refused(fd, &error, -ENOENT);
	}
}

/* Lifetime of VMs with jobs in flight. */

/*
 * Jobs for the lifetime subtests, in a VM of @fd:
 * - a "blocker" on engine 0 that waits for *@gate to become non-zero, then
 *   writes 1 to results[0];
 * - @queued jobs behind it on engine 0, writing 2 + i to results[1 + i];
 * - a dependent job on the last engine that waits (WAIT command) for the
 *   blocker's user fence value, then writes 0xdead to results[1 + queued].
 * Their user fence records are @ufs: blocker, queued..., dependent.
 */
struct lifetime_jobs {
	struct vsvm_cmdbuf *cbs[8];
	int ncbs;
};

static void submit_lifetime_jobs(int fd, uint32_t vm, uint32_t *gate,
				 uint32_t *results, int queued,
				 struct drm_vsvm_ufence *ufs,
				 struct lifetime_jobs *jobs)
{
	uint32_t last = vsvm_num_engines(fd) - 1;
	struct vsvm_cmdbuf *cb;

	igt_assert(queued + 2 <= (int)ARRAY_SIZE(jobs->cbs));
	jobs->ncbs = 0;

	cb = jobs->cbs[jobs->ncbs++] = vsvm_cmdbuf_create(page_size);
	vsvm_emit_wait(cb, false, to_user_pointer(gate), 0, ~0u,
		       DRM_VSVM_WAIT_NEQ);
	vsvm_emit_write32(cb, to_user_pointer(&results[0]), 1);
	vsvm_exec_ufence(fd, vm, 0, cb, NULL, 0, &ufs[0]);

	for (int i = 0; i < queued; i++) {
		cb = jobs->cbs[jobs->ncbs++] = vsvm_cmdbuf_create(page_size);
		vsvm_emit_write32(cb, to_user_pointer(&results[1 + i]), 2 + i);
		vsvm_exec_ufence(fd, vm, 0, cb, NULL, 0, &ufs[1 + i]);
	}

	cb = jobs->cbs[jobs->ncbs++] = vsvm_cmdbuf_create(page_size);
	vsvm_emit_wait(cb, true, to_user_pointer(&ufs[0].value),
		       VSVM_UFENCE_DONE, ~0ull, DRM_VSVM_WAIT_EQ);
	vsvm_emit_write32(cb, to_user_pointer(&results[1 + queued]), 0xdead);
	vsvm_exec_ufence(fd, vm, last, cb, NULL, 0, &ufs[1 + queued]);
}

static void free_lifetime_jobs(struct lifetime_jobs *jobs)
{
	for (int i = 0; i < jobs->ncbs; i++)
		vsvm_cmdbuf_destroy(jobs->cbs[i]);
}

/*
 * The VM goes away (@close_file: its file is closed, else VM_DESTROY) while
 * a job runs, jobs are queued behind it and another waits for it. The call
 * returns at once; the running jobs stop with -ECANCELED, the queued ones
 * fail with -ESRCH; each writes its user fence record though its VM and
 * file are gone; nothing ran further, nothing hangs.
 */
static void test_vm_gone_with_jobs(int fd, bool close_file)
{
	const int queued = 3;
	struct drm_vsvm_ufence ufs[queued + 2];
	struct lifetime_jobs jobs;
	uint32_t *gate, *results;
	uint64_t start, elapsed;
	int vfd = close_file ? drm_open_vsvm_render() : fd;
	uint32_t vm = vsvm_vm_create(vfd);
	int status;

	gate = map_pages(1, PROT_READ | PROT_WRITE);
	results = map_pages(1, PROT_READ | PROT_WRITE);

	submit_lifetime_jobs(vfd, vm, gate, results, queued, ufs, &jobs);
	/* The blocker runs, and blocks. */
	usleep(100 * 1000);
	igt_assert_eq(vsvm_ufence_status(&ufs[0]), 0);

	start = vsvm_gettime_ns();
	if (close_file)
		close(vfd);
	else
		vsvm_vm_destroy(fd, vm);
	elapsed = vsvm_gettime_ns() - start;
	igt_info("%s took %.3f s\n", close_file ? "close" : "VM_DESTROY",
		 elapsed / 1e9);
	/* It does not wait for the blocked job (the job timeout is 2 s). */
	igt_assert_f(elapsed < NSEC_PER_SEC,
		     "tearing the VM down took %.1f s\n", elapsed / 1e9);

	if (!close_file) {
		struct drm_vsvm_vm_error error = { .vm_id = vm };
		uint64_t values[VSVM_STAT_COUNT];
		struct drm_vsvm_stats stats = {
			.vm_id = vm,
			.count = VSVM_STAT_COUNT,
			.data = to_user_pointer(values),
		};

		igt_assert_eq(__vsvm_vm_error(fd, &error), -ENOENT);
		igt_assert_eq(__vsvm_stats(fd, &stats), -ENOENT);
	}

	/* The dependent job was cancelled, running or queued. */
	status = vsvm_ufence_wait_status(fd, &ufs[queued + 1],
					 VSVM_JOB_WAIT_NS);
	igt_assert_f(status == -ECANCELED || status == -ESRCH,
		     "the job waiting for the running one was not cancelled: status %d, ran: %s\n",
		     status, results[1 + queued] ? "yes" : "no");

	/* The running job was stopped, before its write. */
	status = vsvm_ufence_wait_status(fd, &ufs[0], VSVM_JOB_WAIT_NS);
	igt_assert_f(status == -ECANCELED, "the running job ended with %d\n",
		     status);
	WRITE_ONCE(*gate, 1);
	igt_assert_eq_u32(results[0], 0);

	/* The jobs queued behind it were cancelled without running. */
	for (int i = 0; i < queued; i++) {
		status = vsvm_ufence_wait_status(fd, &ufs[1 + i],
						 VSVM_JOB_WAIT_NS);
		igt_assert_f(status == -ESRCH || status == -ECANCELED,
			     "queued job %d: status %d\n", i, status);
		igt_assert_eq_u32(results[1 + i], 0);
	}
	igt_assert_eq_u32(results[1 + queued], 0);

	free_lifetime_jobs(&jobs);
	munmap(gate, page_size);
	munmap(results, page_size);
}

/*
 * The process exits with a job running, jobs queued behind it and another
 * waiting for it: they end soon (an engine they held runs the next job
 * long before the job timeout), and their user fence records, in memory
 * the parent shares, stay unwritten: the address space they belong to is
 * gone, so the kernel writes nothing.
 */
static void test_vm_gone_with_process(int fd)
{
	const int queued = 3;
	size_t size = (queued + 2) * sizeof(struct drm_vsvm_ufence);
	struct drm_vsvm_ufence *ufs;
	uint64_t start, elapsed;
	struct vsvm_cmdbuf *probe;
	int sock[2];
	uint32_t vm;
	char c;

	ufs = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	igt_assert(ufs != MAP_FAILED);
	memset(ufs, 0, size);
	igt_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sock), 0);

	igt_fork(child, 1) {
		int cfd = drm_open_vsvm_render();
		uint32_t cvm = vsvm_vm_create(cfd);
		uint32_t *gate = map_pages(1, PROT_READ | PROT_WRITE);
		uint32_t *results = map_pages(1, PROT_READ | PROT_WRITE);
		struct lifetime_jobs jobs;

		close(sock[0]);
		submit_lifetime_jobs(cfd, cvm, gate, results, queued, ufs,
				     &jobs);
		usleep(100 * 1000);
		igt_assert_eq(vsvm_ufence_status(&ufs[0]), 0);
		igt_assert_eq(write(sock[1], "r", 1), 1);
		/* Exit once the parent knows the jobs are in. */
		igt_assert_eq(read(sock[1], &c, 1), 1);
		_exit(0);
	}
	close(sock[1]);

	igt_assert_eq(read(sock[0], &c, 1), 1);
	start = vsvm_gettime_ns();
	igt_assert_eq(write(sock[0], "x", 1), 1);
	igt_waitchildren();
	close(sock[0]);

	/* engine 0 runs jobs one at a time: the blocker is gone first */
	vm = vsvm_vm_create(fd);
	probe = vsvm_cmdbuf_create(page_size);
	vsvm_emit_nop(probe);
	igt_assert_eq(vsvm_exec_wait(fd, vm, 0, probe), 1);
	elapsed = vsvm_gettime_ns() - start;
	igt_info("engine 0 free %.3f s after the exit\n", elapsed / 1e9);
	/* Well before the job timeout would have ended the blocker. */
	igt_assert_f(elapsed < (uint64_t)vsvm_job_timeout_ms() * 1000000,
		     "the blocker ended %.1f s after the process exited\n",
		     elapsed / 1e9);

	for (int i = 0; i < queued + 2; i++)
		igt_assert_f(!ufs[i].value && !ufs[i].error,
			     "record %d of the exited process was written\n",
			     i);

	vsvm_cmdbuf_destroy(probe);
	vsvm_vm_destroy(fd, vm);
	munmap(ufs, page_size);
}

igt_main
{
	int fd = -1;

	igt_fixture {
		page_size = sysconf(_SC_PAGESIZE);
		fd = drm_open_vsvm_render();
	}

	igt_describe("Create a VM, check the outputs, run a job in a new VM "
		     "and destroy it.");
	igt_subtest("vm-create")
		test_vm_create(fd);

	igt_describe("Create several VMs on one file: distinct ids, separate "
		     "jobs and stats, unknown to another file, destroyed in "
		     "any order.");
	igt_subtest("vm-create-many")
		test_vm_create_many(fd);

	igt_describe("VM_CREATE without DRM_VSVM_VM_CREATE_SVM or with an "
		     "unknown flag fails with EINVAL.");
	igt_subtest("vm-create-bad-flags")
		test_vm_create_bad_flags(fd);

	igt_describe("VM_CREATE with extensions fails with EINVAL.");
	igt_subtest("vm-create-bad-extensions")
		test_vm_create_bad_extensions(fd);

	igt_describe("VM_CREATE with a non-zero reserved field fails with "
		     "EINVAL.");
	igt_subtest("vm-create-bad-reserved")
		test_vm_create_bad_reserved(fd);

	igt_describe("VM_DESTROY with non-zero padding fails with EINVAL and "
		     "leaves the VM alive.");
	igt_subtest("vm-destroy-bad-pad")
		test_vm_destroy_bad_pad(fd);

	igt_describe("VM_DESTROY with a non-zero reserved field fails with "
		     "EINVAL and leaves the VM alive.");
	igt_subtest("vm-destroy-bad-reserved")
		test_vm_destroy_bad_reserved(fd);

	igt_describe("VM_DESTROY of id 0, an unused id, a destroyed VM or "
		     "another file's VM fails with ENOENT.");
	igt_subtest("vm-destroy-unknown")
		test_vm_destroy_unknown(fd);

	igt_describe("EXEC on an engine that does not exist fails with "
		     "EINVAL; every engine that does works.");
	igt_subtest("exec-bad-engine")
		test_exec_bad_engine(fd);

	igt_describe("EXEC with a batch size of 0 fails with EINVAL.");
	igt_subtest("exec-zero-batch-size")
		test_exec_zero_batch_size(fd);

	igt_describe("EXEC with a batch size that is not a multiple of 8 "
		     "fails with EINVAL.");
	igt_subtest("exec-unaligned-batch-size")
		test_exec_unaligned_batch_size(fd);

	igt_describe("EXEC with a batch size above 1 MiB fails with EINVAL; "
		     "1 MiB is accepted.");
	igt_subtest("exec-oversize-batch")
		test_exec_oversize_batch(fd);

	igt_describe("EXEC with a batch address that is not 8-byte aligned "
		     "fails with EINVAL.");
	igt_subtest("exec-unaligned-batch-address")
		test_exec_unaligned_batch_address(fd);

	igt_describe("EXEC with an unknown flag, or DRM_VSVM_EXEC_UFENCE "
		     "without a record address, fails with EINVAL.");
	igt_subtest("exec-bad-flags")
		test_exec_bad_flags(fd);

	igt_describe("EXEC with non-zero padding fails with EINVAL.");
	igt_subtest("exec-bad-pad")
		test_exec_bad_pad(fd);

	igt_describe("EXEC with a user fence address or value but without "
		     "DRM_VSVM_EXEC_UFENCE fails with EINVAL.");
	igt_subtest("exec-bad-reserved")
		test_exec_bad_reserved(fd);

	igt_describe("EXEC with extensions fails with EINVAL.");
	igt_subtest("exec-bad-extensions")
		test_exec_bad_extensions(fd);

	igt_describe("EXEC with more than 64 syncs fails with EINVAL and "
		     "signals none; 64 are accepted and all signalled.");
	igt_subtest("exec-too-many-syncs")
		test_exec_too_many_syncs(fd);

	igt_describe("EXEC with a sync with unknown flags fails with EINVAL.");
	igt_subtest("exec-bad-sync-flags")
		test_exec_bad_sync_flags(fd);

	igt_describe("EXEC with a sync with a non-zero reserved field fails "
		     "with EINVAL.");
	igt_subtest("exec-bad-sync-reserved")
		test_exec_bad_sync_reserved(fd);

	igt_describe("EXEC with a binary sync that has a point fails with "
		     "EINVAL.");
	igt_subtest("exec-sync-point-without-timeline")
		test_exec_sync_point_without_timeline(fd);

	igt_describe("EXEC with a syncobj handle that does not exist, to wait "
		     "for or to signal, fails with ENOENT.");
	igt_subtest("exec-unknown-syncobj")
		test_exec_unknown_syncobj(fd);

	igt_describe("EXEC waiting for a syncobj or timeline point that has "
		     "no fence yet fails with EINVAL.");
	igt_subtest("exec-unsubmitted-syncobj")
		test_exec_unsubmitted_syncobj(fd);

	igt_describe("EXEC on VM 0, an unused id, a destroyed VM or another "
		     "file's VM fails with ENOENT.");
	igt_subtest("exec-unknown-vm")
		test_exec_unknown_vm(fd);

	igt_describe("EXEC with a syncs array that cannot be read fails with "
		     "EFAULT.");
	igt_subtest("exec-bad-syncs-pointer")
		test_exec_bad_syncs_pointer(fd);

	igt_describe("EXEC from a forked child on the parent's VM fails with "
		     "EACCES.");
	igt_subtest("exec-from-child")
		test_exec_from_child(fd);

	igt_describe("STATS with count 0 reports the number of counters; "
		     "larger and smaller buffers get what they hold; a new VM "
		     "counts from zero.");
	igt_subtest("stats-count")
		test_stats_count(fd);

	igt_describe("STATS refuses vm_id 0 (device-wide counters) with EINVAL; "
		     "the device-wide counters in debugfs include every VM's.");
	igt_subtest("stats-device")
		test_stats_device(fd);

	igt_describe("STATS with non-zero padding fails with EINVAL.");
	igt_subtest("stats-bad-pad")
		test_stats_bad_pad(fd);

	igt_describe("STATS with a non-zero reserved field fails with EINVAL.");
	igt_subtest("stats-bad-reserved")
		test_stats_bad_reserved(fd);

	igt_describe("STATS of an unknown VM fails with ENOENT.");
	igt_subtest("stats-unknown-vm")
		test_stats_unknown_vm(fd);

	igt_describe("STATS into a buffer that cannot be written fails with "
		     "EFAULT.");
	igt_subtest("stats-bad-pointer")
		test_stats_bad_pointer(fd);

	igt_describe("VM_ERROR of a VM without failed jobs reports seqno 0 "
		     "and nothing else.");
	igt_subtest("vm-error-none")
		test_vm_error_none(fd);

	igt_describe("VM_ERROR reports the last failed job: seqno, address, "
		     "error, access and engine; reading it or a successful "
		     "job does not clear it.");
	igt_subtest("vm-error-record")
		test_vm_error_record(fd);

	igt_describe("VM_ERROR with non-zero pad or pad2 fails with EINVAL.");
	igt_subtest("vm-error-bad-pad")
		test_vm_error_bad_pad(fd);

	igt_describe("VM_ERROR with a non-zero reserved field fails with "
		     "EINVAL.");
	igt_subtest("vm-error-bad-reserved")
		test_vm_error_bad_reserved(fd);

	igt_describe("VM_ERROR of VM 0, an unknown or destroyed VM fails with "
		     "ENOENT.");
	igt_subtest("vm-error-unknown-vm")
		test_vm_error_unknown_vm(fd);

	igt_describe("VM_DESTROY with a job running, jobs queued and a job "
		     "waiting: returns at once, the running job stops with "
		     "ECANCELED, the others fail with ESRCH, nothing hangs.");
	igt_subtest("vm-destroy-with-jobs")
		test_vm_gone_with_jobs(fd, false);

	igt_describe("Closing the file of a VM with a job running, jobs "
		     "queued and a job waiting: returns at once, the running "
		     "job stops with ECANCELED, the others fail with ESRCH.");
	igt_subtest("vm-close-with-jobs")
		test_vm_gone_with_jobs(fd, true);

	igt_describe("A process exits with a job running, jobs queued and a "
		     "job waiting: they end at once, and their user fences in "
		     "the gone address space are not written.");
	igt_subtest("vm-exit-with-jobs")
		test_vm_gone_with_process(fd);

	igt_fixture
		close(fd);
}
