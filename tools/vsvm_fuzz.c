// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/*
 * vsvm_fuzz: a bounded, seeded fuzzer of vsvm's render node.
 *
 *   vsvm_fuzz [--seed N] [--iterations N] [--seconds S] [--safe-core]
 *             [--verbose]
 *
 * Every iteration picks one operation: a vsvm ioctl, a DRM core ioctl
 * reachable on a render node, or an EXEC of a random command buffer built
 * in mapped memory (every command of the command stream, with good and
 * bad addresses). Its argument struct is built valid and then, by chance,
 * left alone, given one field of an interesting value, bit-flipped or made
 * of random bytes; pointers are valid, NULL, unmapped, read-only, kernel
 * or non-canonical, counts small or huge. The inputs depend on the seed
 * only: the same seed replays the same ioctls.
 *
 * Checks, each printed as "PASS|FAIL NAME [detail]":
 * - errno: every ioctl returned 0 or an errno of its documented classes;
 * - efault: no -EFAULT when every pointer of the struct was valid;
 * - device: a known-good job (FILL, WRITE, COPY, CHECKSUM) completes with
 *   the right bytes, every 256 iterations and at the end, on a new file;
 * - kmsg: the kernel logged nothing above debug level;
 * - coverage: every operation and every command ran at least once.
 *
 * --safe-core leaves out inputs that hit DRM core bugs a stock kernel
 * still has (kernel/patches/): syncobj arrays above 65536 handles, whose
 * allocations warn there. Exit status 1 when a check failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "vsvm.h"
#include "vsvm_isa.h"
#include "vsvm_kmsg.h"

#ifndef DRM_IOCTL_SET_CLIENT_NAME
struct drm_set_client_name {
	__u64 name_len;
	__u64 name;
};
#define DRM_IOCTL_SET_CLIENT_NAME DRM_IOWR(0xD1, struct drm_set_client_name)
#endif

#define PAGE		4096ul
#define KIB		1024ul
#define MIB		(1024ul * 1024)

/* Arena layout: regions separated by unmapped guard pages. */
#define ARR_SIZE	(1 * MIB)	/* handle arrays, output buffers */
#define CMD_SIZE	(256 * KIB)	/* command buffers */
#define SCR_SIZE	(1 * MIB)	/* what commands read and write */
#define FLG_SIZE	PAGE		/* WAIT words, set by the CPU */
#define SAFE_COUNT	65536u		/* --safe-core syncobj array bound */
#define MAX_SYNCOBJS	64
#define MAX_VMS		4
#define CHECK_EVERY	256
#define NUM_UFENCES	64	/* user fence records, used in turn */
#define UFENCE_AREA	(NUM_UFENCES * sizeof(struct drm_vsvm_ufence))

/* errno classes, as bits (EOPNOTSUPP is 95) */
typedef unsigned __int128 emask;
#define E(x)		((emask)1 << (x))
#define E_COMMON	(E(EINVAL) | E(ENOMEM))
#define E_PTR		E(EFAULT)
#define E_LOOKUP	(E(ENOENT) | E(EACCES))
/* the bounds of uapi 0.5: per-file VMs, per-VM jobs and attribute ranges */
#define E_BOUND		(E(ENOSPC) | E(E2BIG))

struct arena {
	uint8_t *base;
	uint8_t *arr, *cmd, *scr, *flg, *ro;
	uint8_t *hole;		/* an unmapped page */
	size_t size;
};

struct op_stat {
	uint64_t calls, ok;
};

struct fuzz {
	uint64_t rng;
	int fd, kmsg;
	struct arena a;
	uint32_t vms[MAX_VMS];
	unsigned int nvms;
	uint32_t syncobjs[MAX_SYNCOBJS];
	unsigned int nsyncobjs;
	uint32_t job_syncobj;	/* signalled: a valid wait sync */
	struct drm_vsvm_ufence *ufences;	/* NUM_UFENCES, mmap()ed */
	unsigned int next_ufence;
	unsigned int num_engines;
	unsigned int job_timeout_ms;
	bool safe_core, verbose;
	/* the op being run: its mutation mode and a name for reports */
	int mode;
	const char *op;
	uint64_t iter;
	unsigned int fail_errno, fail_efault, fail_device, fail_kmsg;
	char first_fail[512];
	struct op_stat *stat;
	uint64_t cmd_count[10];
};

enum { MODE_VALID, MODE_FIELD, MODE_FLIP, MODE_RANDOM };

/* splitmix64: small, fast, and the same sequence everywhere */
static uint64_t rnd(struct fuzz *f)
{
	uint64_t z = (f->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t below(struct fuzz *f, uint64_t n)
{
	return n ? rnd(f) % n : 0;
}

static bool chance(struct fuzz *f, unsigned int one_in)
{
	return below(f, one_in) == 0;
}

static void record_fail(struct fuzz *f, unsigned int *counter,
			const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void record_fail(struct fuzz *f, unsigned int *counter,
			const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	(*counter)++;
	fprintf(stderr, "vsvm_fuzz: iteration %" PRIu64 " %s (mode %d): %s\n",
		f->iter, f->op, f->mode, msg);
	if (!f->first_fail[0])
		snprintf(f->first_fail, sizeof(f->first_fail),
			 "iteration %" PRIu64 " %s: %s", f->iter, f->op, msg);
}

static uint32_t interesting32(struct fuzz *f)
{
	static const uint32_t v[] = {
		0, 1, 2, 3, 7, 8, 15, 16, 63, 64, 65, 255, 4095, 4096, 65535,
		65536, 1u << 20, (1u << 20) + 1, 0x7fffffff, 0x80000000,
		0xfffffffe, 0xffffffff,
	};

	if (chance(f, 4))
		return (uint32_t)rnd(f);
	return v[below(f, sizeof(v) / sizeof(v[0]))];
}

static uint64_t interesting64(struct fuzz *f)
{
	static const uint64_t v[] = {
		0, 1, 8, 4096, 1ull << 21, 1ull << 32, 1ull << 47,
		(1ull << 47) - 4096, 1ull << 63, 0xffff800000000000ull,
		0xffffffff81000000ull, ~0ull,
	};

	if (chance(f, 3))
		return interesting32(f);
	if (chance(f, 4))
		return rnd(f);
	return v[below(f, sizeof(v) / sizeof(v[0]))];
}

/* A user pointer: mostly into @base (@size bytes), sometimes bad. */
static uint64_t some_ptr(struct fuzz *f, uint8_t *base, size_t size,
			 size_t need)
{
	uint64_t off;

	switch (below(f, 12)) {
	case 0:
		return 0;
	case 1:
		return (uintptr_t)f->a.hole;
	case 2:
		return (uintptr_t)f->a.ro;
	case 3:
		return 0xffffffff81000000ull;	/* kernel */
	case 4:
		return 0x0000800000000000ull;	/* non-canonical */
	case 5:
		return (uintptr_t)base + size - 4;	/* runs off the end */
	default:
		off = need < size ? below(f, size - need) : 0;
		return (uintptr_t)base + (off & ~7ull);
	}
}

static bool in(const uint8_t *base, size_t size, uint64_t p, uint64_t len)
{
	uint64_t b = (uintptr_t)base;

	return p >= b && len <= size && p - b <= size - len;
}

/* Whether [@p, @p + @len) is mapped (writable too when @write). */
static bool span_ok(struct fuzz *f, uint64_t p, uint64_t len, bool write)
{
	if (!len)
		return true;
	if (in(f->a.arr, ARR_SIZE, p, len) || in(f->a.cmd, CMD_SIZE, p, len) ||
	    in(f->a.scr, SCR_SIZE, p, len))
		return true;
	/* flags and the read-only page are contiguous */
	if (in(f->a.flg, FLG_SIZE + PAGE, p, len))
		return !write || in(f->a.flg, FLG_SIZE, p, len);
	return false;
}

/* The mutation itself (see mutate()). */
static void __mutate(struct fuzz *f, void *args, size_t size)
{
	uint8_t *b = args;
	unsigned int i, n;
	uint64_t v;
	size_t off;

	f->mode = (int)below(f, 8);
	if (f->mode > MODE_RANDOM)
		f->mode = MODE_VALID;	/* valid half of the time */
	switch (f->mode) {
	case MODE_FIELD:
		/* one naturally aligned 4- or 8-byte field */
		if (size >= 8 && chance(f, 2)) {
			off = below(f, size / 8) * 8;
			v = interesting64(f);
			memcpy(b + off, &v, 8);
		} else {
			uint32_t w = interesting32(f);

			off = below(f, size / 4) * 4;
			memcpy(b + off, &w, 4);
		}
		break;
	case MODE_FLIP:
		n = 1 + below(f, 4);
		for (i = 0; i < n; i++) {
			off = below(f, size * 8);
			b[off / 8] ^= 1u << (off % 8);
		}
		break;
	case MODE_RANDOM:
		for (i = 0; i < size; i++)
			b[i] = (uint8_t)rnd(f);
		break;
	}
}

/*
 * Whether @p points into memory this process has mapped outside the arena
 * (its heap, stacks, libraries): a pointer the kernel or the GPU would
 * write through there corrupts the fuzzer itself, legitimately.
 */
static bool in_self(struct fuzz *f, uint64_t p)
{
	unsigned char vec;
	uint64_t page = p & ~(PAGE - 1);

	if (p >= 1ull << 47 || span_ok(f, p, 1, false) ||
	    (p >= (uintptr_t)f->ufences && p < (uintptr_t)f->ufences + PAGE))
		return false;
	/* mincore() fails with ENOMEM on an unmapped page */
	return !mincore((void *)(uintptr_t)page, PAGE, &vec);
}

/*
 * Mutate the argument struct according to a mode chosen now. A mutated
 * 8-byte word that now points into the fuzzer's own memory (a flipped bit
 * of an arena pointer may well) is aimed back into the arena: every user
 * pointer of vsvm's and the DRM core's structs is such a word.
 */
static void mutate(struct fuzz *f, void *args, size_t size)
{
	uint8_t before[256], *b = args;
	uint64_t v, w;
	size_t off;

	if (size <= sizeof(before))
		memcpy(before, args, size);
	__mutate(f, args, size);
	if (f->mode == MODE_VALID || size > sizeof(before))
		return;
	for (off = 0; off + 8 <= size; off += 8) {
		memcpy(&v, b + off, 8);
		memcpy(&w, before + off, 8);
		if (v != w && in_self(f, v)) {
			v = (uintptr_t)f->a.arr + (v & (ARR_SIZE - 1) & ~7ull);
			memcpy(b + off, &v, 8);
		}
	}
}

static int do_ioctl(struct fuzz *f, unsigned long req, void *args)
{
	int ret;

	if (f->mode != MODE_VALID && chance(f, 64))
		args = chance(f, 2) ? NULL : (void *)f->a.hole;
	do {
		ret = ioctl(f->fd, req, args);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret ? errno : 0;
}

/*
 * Judge an ioctl's result: @allowed errno classes, and whether -EFAULT is
 * acceptable (@ptrs_ok: every pointer in the final struct was valid).
 */
static void judge(struct fuzz *f, int err, emask allowed, bool ptrs_ok)
{
	f->stat->calls++;
	if (!err) {
		f->stat->ok++;
		return;
	}
	/* a NULL or unmapped argument pointer (see do_ioctl) */
	allowed |= E(EFAULT) | E(ENOTTY);
	if (err >= 128 || !(allowed & E(err)))
		record_fail(f, &f->fail_errno, "unexpected errno %d (%s)", err,
			    strerror(err));
	else if (err == EFAULT && ptrs_ok && f->mode == MODE_VALID)
		record_fail(f, &f->fail_efault, "EFAULT with valid pointers");
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static uint32_t some_vm(struct fuzz *f)
{
	if (f->nvms && !chance(f, 6))
		return f->vms[below(f, f->nvms)];
	return interesting32(f);
}

static uint32_t some_syncobj(struct fuzz *f)
{
	if (f->nsyncobjs && !chance(f, 6))
		return f->syncobjs[below(f, f->nsyncobjs)];
	return chance(f, 2) ? f->job_syncobj : interesting32(f);
}

/* A count for syncobj arrays: small mostly, huge sometimes. */
static uint32_t some_count(struct fuzz *f)
{
	uint32_t c;

	switch (below(f, 8)) {
	case 0:
		c = interesting32(f);
		break;
	case 1:
		c = (uint32_t)below(f, SAFE_COUNT + 1);
		break;
	default:
		c = (uint32_t)below(f, 8);
		break;
	}
	return c;
}

static uint32_t safe_count(struct fuzz *f, uint32_t c)
{
	return f->safe_core && c > SAFE_COUNT ? SAFE_COUNT : c;
}

/* Fill an array of @n handles in the arrays region, at @p. */
static void fill_handles(struct fuzz *f, uint64_t p, uint32_t n)
{
	uint32_t *h = (uint32_t *)(uintptr_t)p, i;

	if (!span_ok(f, p, (uint64_t)n * 4, true))
		return;
	if (n > 4096)
		n = 4096;	/* the rest is what the region holds */
	for (i = 0; i < n; i++)
		h[i] = some_syncobj(f);
}

/* ---- vsvm ioctls ---- */

static void op_query(struct fuzz *f)
{
	struct drm_vsvm_query q = {
		.query = chance(f, 4) ? interesting32(f) : DRM_VSVM_QUERY_DEVICE,
		.size = chance(f, 3) ? 0 : sizeof(struct drm_vsvm_query_device),
	};

	q.data = some_ptr(f, f->a.arr, ARR_SIZE, q.size);
	mutate(f, &q, sizeof(q));
	judge(f, do_ioctl(f, DRM_IOCTL_VSVM_QUERY, &q), E_COMMON | E_PTR,
	      span_ok(f, q.data, q.size, true));
}

static void op_vm_create(struct fuzz *f)
{
	struct drm_vsvm_vm_create c = { .flags = DRM_VSVM_VM_CREATE_SVM };
	int err;

	mutate(f, &c, sizeof(c));
	err = do_ioctl(f, DRM_IOCTL_VSVM_VM_CREATE, &c);
	judge(f, err, E_COMMON | E_BOUND, true);
	if (!err) {
		if (f->nvms == MAX_VMS) {
			/* the one it replaces goes: VMs stay bounded */
			struct drm_vsvm_vm_destroy d = {
				.vm_id = f->vms[MAX_VMS - 1],
			};

			ioctl(f->fd, DRM_IOCTL_VSVM_VM_DESTROY, &d);
			f->nvms--;
		}
		f->vms[f->nvms++] = c.vm_id;
	}
}

static void op_vm_destroy(struct fuzz *f)
{
	struct drm_vsvm_vm_destroy d = { .vm_id = some_vm(f) };
	unsigned int i;
	int err;

	/* keep the VMs alive most of the time */
	if (f->mode == MODE_VALID && f->nvms < 2 && d.vm_id == f->vms[0])
		d.vm_id = 0xdead;
	mutate(f, &d, sizeof(d));
	err = do_ioctl(f, DRM_IOCTL_VSVM_VM_DESTROY, &d);
	judge(f, err, E_COMMON | E(ENOENT), true);
	if (err)
		return;
	for (i = 0; i < f->nvms; i++) {
		if (f->vms[i] == d.vm_id) {
			f->vms[i] = f->vms[--f->nvms];
			break;
		}
	}
}

static void op_stats(struct fuzz *f)
{
	struct drm_vsvm_stats s = {
		.vm_id = chance(f, 3) ? 0 : some_vm(f),
		.count = chance(f, 4) ? interesting32(f) : DRM_VSVM_STAT_COUNT,
	};

	s.data = some_ptr(f, f->a.arr, ARR_SIZE, (uint64_t)s.count * 8);
	mutate(f, &s, sizeof(s));
	judge(f, do_ioctl(f, DRM_IOCTL_VSVM_STATS, &s),
	      E_COMMON | E_LOOKUP | E_PTR,
	      span_ok(f, s.data, (uint64_t)(s.count < DRM_VSVM_STAT_COUNT ?
				      s.count : DRM_VSVM_STAT_COUNT) * 8,
		      true));
}

static void op_vm_error(struct fuzz *f)
{
	struct drm_vsvm_vm_error e = { .vm_id = some_vm(f) };

	mutate(f, &e, sizeof(e));
	judge(f, do_ioctl(f, DRM_IOCTL_VSVM_VM_ERROR, &e),
	      E_COMMON | E_LOOKUP, true);
}

/* A GPU range: mostly in the scratch region, page aligned. */
static void some_range(struct fuzz *f, __u64 *start, __u64 *len)
{
	*start = (uintptr_t)f->a.scr + below(f, SCR_SIZE / PAGE) * PAGE;
	*len = (1 + below(f, 16)) * PAGE;
	if (chance(f, 8))
		*start = interesting64(f);
	if (chance(f, 8))
		*len = interesting64(f);
}

static void op_prefetch(struct fuzz *f)
{
	struct drm_vsvm_prefetch p = {
		.vm_id = some_vm(f),
		.region = 1 + below(f, 2),
	};

	some_range(f, &p.start, &p.length);
	mutate(f, &p, sizeof(p));
	judge(f, do_ioctl(f, DRM_IOCTL_VSVM_PREFETCH, &p),
	      E_COMMON | E_LOOKUP | E(ENODEV) | E(EBUSY), false);
}

static void op_residency(struct fuzz *f)
{
	struct drm_vsvm_residency r = {
		.vm_id = some_vm(f),
		.npages = 1 + below(f, 64),
	};

	r.start = (uintptr_t)f->a.scr + below(f, SCR_SIZE / PAGE) * PAGE;
	if (chance(f, 8))
		r.npages = interesting64(f);
	r.data = some_ptr(f, f->a.arr, ARR_SIZE, r.npages);
	mutate(f, &r, sizeof(r));
	judge(f, do_ioctl(f, DRM_IOCTL_VSVM_RESIDENCY, &r),
	      E_COMMON | E_LOOKUP | E_PTR,
	      r.npages <= (1u << 20) && span_ok(f, r.data, r.npages, true));
}

static void op_madvise(struct fuzz *f)
{
	static const uint64_t values[] = {
		0, 1, 2, 3, 4096, 65536, 1 << 21,
	};
	struct drm_vsvm_madvise m = {
		.vm_id = some_vm(f),
		.attr = 1 + below(f, 4),
		.value = values[below(f, sizeof(values) / sizeof(values[0]))],
	};

	some_range(f, &m.start, &m.length);
	mutate(f, &m, sizeof(m));
	judge(f, do_ioctl(f, DRM_IOCTL_VSVM_MADVISE, &m),
	      E_COMMON | E_LOOKUP | E_BOUND | E(EINTR), false);
}

static void op_attr_query(struct fuzz *f)
{
	struct drm_vsvm_attr_query q = {
		.vm_id = some_vm(f),
		.attr = 1 + below(f, 4),
		.addr = (uintptr_t)f->a.scr + below(f, SCR_SIZE),
	};

	mutate(f, &q, sizeof(q));
	judge(f, do_ioctl(f, DRM_IOCTL_VSVM_ATTR_QUERY, &q),
	      E_COMMON | E_LOOKUP, false);
}

/* ---- command buffers ---- */

/* A GPU address for a command: mostly in scratch, sometimes bad. */
static uint64_t gpu_addr(struct fuzz *f, uint64_t need, unsigned int align)
{
	uint64_t off;

	switch (below(f, 16)) {
	case 0:
		return (uintptr_t)f->a.hole;
	case 1:
		return (uintptr_t)f->a.ro;		/* read-only */
	case 2:
		return 0xffffffff81000000ull;
	case 3:
		return 0x0000800000000000ull;
	case 4:
		return (uintptr_t)f->a.scr + 1;		/* misaligned */
	case 5:
		return (uintptr_t)f->a.scr + SCR_SIZE - 4;	/* off the end */
	default:
		off = need < SCR_SIZE ? below(f, SCR_SIZE - need) : 0;
		return (uintptr_t)f->a.scr + (off & ~(uint64_t)(align - 1));
	}
}

static uint64_t gpu_size(struct fuzz *f)
{
	if (chance(f, 16))
		return interesting64(f);
	return 1 + below(f, chance(f, 4) ? 256 * KIB : 4 * KIB);
}

/* Room for the random programs of DISPATCH, at the end of the scratch. */
#define PROG_MAX	64
#define PROG_AREA(f)	((f)->a.scr + SCR_SIZE - 4 * KIB)

/*
 * A random program of the vsvm ISA: mostly well-formed instructions with
 * random operands (registers holding scratch addresses now and then, so
 * that loads, stores and atomics reach memory), control flow mostly
 * balanced, now and then a malformed field. No LOOP: nothing here can run
 * for long. Returns the size in bytes.
 */
static uint32_t gen_program(struct fuzz *f)
{
	static const uint8_t isa_ops[] = {
		DRM_VSVM_ISA_OP_NOP, DRM_VSVM_ISA_OP_END, DRM_VSVM_ISA_OP_IF,
		DRM_VSVM_ISA_OP_ELSE, DRM_VSVM_ISA_OP_ENDIF,
		DRM_VSVM_ISA_OP_BARRIER, DRM_VSVM_ISA_OP_MOV,
		DRM_VSVM_ISA_OP_MOVI, DRM_VSVM_ISA_OP_SREG, DRM_VSVM_ISA_OP_SEL,
		DRM_VSVM_ISA_OP_ADD, DRM_VSVM_ISA_OP_MUL, DRM_VSVM_ISA_OP_DIV,
		DRM_VSVM_ISA_OP_REM, DRM_VSVM_ISA_OP_SHR, DRM_VSVM_ISA_OP_MULHI,
		DRM_VSVM_ISA_OP_NEG, DRM_VSVM_ISA_OP_SLT, DRM_VSVM_ISA_OP_CVT,
		DRM_VSVM_ISA_OP_FADD, DRM_VSVM_ISA_OP_FDIV, DRM_VSVM_ISA_OP_FSQRT,
		DRM_VSVM_ISA_OP_LD, DRM_VSVM_ISA_OP_ST, DRM_VSVM_ISA_OP_LDS,
		DRM_VSVM_ISA_OP_STS, DRM_VSVM_ISA_OP_LDP, DRM_VSVM_ISA_OP_STP,
		DRM_VSVM_ISA_OP_ATOM, DRM_VSVM_ISA_OP_ATOMS,
	};
	struct drm_vsvm_isa_inst *prog = (void *)PROG_AREA(f);
	unsigned int n = 1 + below(f, PROG_MAX - 8), depth = 0, i;

	for (i = 0; i < n; i++) {
		struct drm_vsvm_isa_inst *in = &prog[i];
		uint8_t op = isa_ops[below(f, sizeof(isa_ops))];

		memset(in, 0, sizeof(*in));
		if ((op == DRM_VSVM_ISA_OP_ELSE || op == DRM_VSVM_ISA_OP_ENDIF) &&
		    !depth && !chance(f, 16))
			op = DRM_VSVM_ISA_OP_NOP;
		in->op = op;
		if (op == DRM_VSVM_ISA_OP_IF) {
			in->src0 = below(f, 8);
			depth++;
		} else if (op == DRM_VSVM_ISA_OP_ENDIF && depth) {
			depth--;
		} else if (op >= DRM_VSVM_ISA_OP_MOV) {
			in->type = op == DRM_VSVM_ISA_OP_MOV ||
				   op == DRM_VSVM_ISA_OP_MOVI ||
				   op == DRM_VSVM_ISA_OP_SREG ||
				   op == DRM_VSVM_ISA_OP_SEL ? 0 :
				   1 + below(f, 9);
			in->dst = below(f, 8);
			in->src0 = below(f, 8);
			in->src1 = below(f, 8);
			if (op == DRM_VSVM_ISA_OP_SEL)
				in->src2 = below(f, 8);
		}
		switch (op) {
		case DRM_VSVM_ISA_OP_MOVI:
			in->src0 = in->src1 = 0;
			in->imm = chance(f, 2) ? gpu_addr(f, 8, 8) :
						 interesting64(f);
			break;
		case DRM_VSVM_ISA_OP_SREG:
			in->src0 = in->src1 = 0;
			in->imm = 1 + below(f, DRM_VSVM_ISA_SR_COUNT - 1);
			break;
		case DRM_VSVM_ISA_OP_MOV:
		case DRM_VSVM_ISA_OP_NEG:
		case DRM_VSVM_ISA_OP_FSQRT:
			in->src1 = 0;
			break;
		case DRM_VSVM_ISA_OP_CVT:
			in->src1 = 0;
			in->imm = 1 + below(f, 9);
			break;
		case DRM_VSVM_ISA_OP_LD:
		case DRM_VSVM_ISA_OP_LDS:
		case DRM_VSVM_ISA_OP_LDP:
			in->src1 = 0;
			in->imm = below(f, 64) * 8;
			break;
		case DRM_VSVM_ISA_OP_ST:
		case DRM_VSVM_ISA_OP_STS:
		case DRM_VSVM_ISA_OP_STP:
			in->dst = 0;
			in->imm = below(f, 64) * 8;
			break;
		case DRM_VSVM_ISA_OP_ATOM:
		case DRM_VSVM_ISA_OP_ATOMS:
			in->type = 5 + below(f, 4);
			in->flags = DRM_VSVM_ISA_ATOMIC(1 + below(f, 8));
			if ((in->flags >> 8) == DRM_VSVM_ISA_ATOMIC_CMPXCHG)
				in->src2 = below(f, 8);
			break;
		default:
			if (op >= DRM_VSVM_ISA_OP_ADD && chance(f, 4)) {
				in->src1 = 0;
				in->flags = DRM_VSVM_ISA_IMM;
				in->imm = below(f, 64);
			}
			break;
		}
		/* now and then, one field of one instruction goes bad */
		if (chance(f, 64))
			((uint8_t *)in)[below(f, sizeof(*in))] ^= 1u << below(f, 8);
	}
	while (depth--)
		prog[n++].op = DRM_VSVM_ISA_OP_ENDIF;
	if (!chance(f, 16))
		prog[n++] = (struct drm_vsvm_isa_inst){ .op = DRM_VSVM_ISA_OP_END };
	return n * sizeof(*prog);
}

/*
 * Append one random command at @p (8-byte aligned), at most @room bytes.
 * Returns its size, or 0 when it does not fit.
 */
static size_t gen_cmd(struct fuzz *f, uint8_t *p, size_t room)
{
	union {
		struct drm_vsvm_cmd_header hdr;
		struct drm_vsvm_cmd_write write;
		struct drm_vsvm_cmd_copy copy;
		struct drm_vsvm_cmd_fill fill;
		struct drm_vsvm_cmd_atomic atomic;
		struct drm_vsvm_cmd_checksum checksum;
		struct drm_vsvm_cmd_wait wait;
		struct drm_vsvm_cmd_timestamp ts;
		struct drm_vsvm_cmd_dispatch dispatch;
	} c;
	uint32_t op = 1 + below(f, 9);
	bool is64 = chance(f, 2);
	uint64_t *word;
	size_t size;

	memset(&c, 0, sizeof(c));
	c.hdr.op = op;
	c.hdr.flags = is64 ? DRM_VSVM_CMD_64BIT : 0;
	switch (op) {
	case DRM_VSVM_CMD_NOP:
		c.hdr.flags = 0;
		size = sizeof(c.hdr);
		break;
	case DRM_VSVM_CMD_WRITE:
		c.write.address = gpu_addr(f, 8, is64 ? 8 : 4);
		c.write.value = rnd(f);
		size = sizeof(c.write);
		break;
	case DRM_VSVM_CMD_COPY:
		c.hdr.flags = 0;
		c.copy.size = gpu_size(f);
		c.copy.dst = gpu_addr(f, c.copy.size, 1);
		c.copy.src = gpu_addr(f, c.copy.size, 1);
		size = sizeof(c.copy);
		break;
	case DRM_VSVM_CMD_FILL:
		c.hdr.flags = 0;
		c.fill.size = gpu_size(f);
		c.fill.dst = gpu_addr(f, c.fill.size, 4);
		c.fill.value = (uint32_t)rnd(f);
		size = sizeof(c.fill);
		break;
	case DRM_VSVM_CMD_ATOMIC:
		c.atomic.address = gpu_addr(f, 8, is64 ? 8 : 4);
		c.atomic.operand = rnd(f);
		c.atomic.compare = rnd(f);
		c.atomic.result = chance(f, 2) ? 0 : gpu_addr(f, 8, 8);
		c.atomic.atomic_op = 1 + below(f, 3);
		size = sizeof(c.atomic);
		break;
	case DRM_VSVM_CMD_CHECKSUM:
		c.hdr.flags = 0;
		c.checksum.size = gpu_size(f);
		c.checksum.address = gpu_addr(f, c.checksum.size, 1);
		c.checksum.result = gpu_addr(f, 4, 4);
		size = sizeof(c.checksum);
		break;
	case DRM_VSVM_CMD_WAIT:
		/*
		 * On a flag word the CPU wrote before the submission, with a
		 * condition that holds: the job never waits for the job
		 * timeout. A random condition only in mutated buffers.
		 */
		word = (uint64_t *)f->a.flg + below(f, FLG_SIZE / 8);
		c.wait.address = (uintptr_t)word;
		c.wait.mask = chance(f, 2) ? ~0ull : rnd(f);
		c.wait.value = *word & c.wait.mask;
		if (!is64) {
			c.wait.mask &= 0xffffffff;
			c.wait.value = *word & c.wait.mask;
		}
		c.wait.cond = DRM_VSVM_WAIT_EQ;
		if (chance(f, 8))
			c.wait.address = gpu_addr(f, 8, 8);	/* may fault */
		if (c.wait.address != (uintptr_t)word)
			c.wait.cond = DRM_VSVM_WAIT_NEQ;
		size = sizeof(c.wait);
		break;
	case DRM_VSVM_CMD_TIMESTAMP:
		c.hdr.flags = 0;
		c.ts.address = gpu_addr(f, 8, 8);
		size = sizeof(c.ts);
		break;
	default:
		c.hdr.flags = 0;
		c.dispatch.program = (uintptr_t)PROG_AREA(f);
		c.dispatch.program_size = gen_program(f);
		if (chance(f, 32))
			c.dispatch.program = gpu_addr(f, 16, 16);
		c.dispatch.args = gpu_addr(f, 8, 8);
		c.dispatch.grid[0] = 1 + below(f, 4);
		c.dispatch.grid[1] = 1 + below(f, 2);
		c.dispatch.grid[2] = 1;
		c.dispatch.group_size[0] = 1 + below(f, 64);
		c.dispatch.group_size[1] = 1 + below(f, 2);
		c.dispatch.group_size[2] = 1;
		c.dispatch.group_count = c.dispatch.grid[0] * c.dispatch.grid[1];
		c.dispatch.shared_size = below(f, 4) * 1024;
		c.dispatch.private_size = below(f, 4) * 64;
		if (chance(f, 16))
			c.dispatch.group_first = below(f, 4);
		if (chance(f, 32))
			c.dispatch.grid[below(f, 3)] = interesting32(f);
		size = sizeof(c.dispatch);
		break;
	}
	if (size > room)
		return 0;
	/* rarely: a bad flag, an unknown opcode or a non-zero pad */
	if (chance(f, 32))
		c.hdr.flags |= 1u << below(f, 32);
	if (chance(f, 64))
		c.hdr.op = interesting32(f);
	memcpy(p, &c, size);
	f->cmd_count[op]++;
	return size;
}

/*
 * Wait for the job's user fence record; the job ends by the job timeout at
 * worst. A mutated EXEC may have dropped the flag or moved the record:
 * then there is nothing to wait for (a late write lands in a record slot
 * nothing else uses).
 */
static void wait_job(struct fuzz *f, const struct drm_vsvm_exec *x,
		     struct drm_vsvm_ufence *uf, uint64_t value)
{
	struct drm_vsvm_wait_ufence w = {
		.address = (uintptr_t)&uf->value,
		.value = value,
		.mask = ~0ull,
		.op = DRM_VSVM_UFENCE_OP_EQ,
		.timeout = now_ns() +
			   (int64_t)(f->job_timeout_ms + 4000) * 1000000,
	};

	if (!(x->flags & DRM_VSVM_EXEC_UFENCE) ||
	    x->ufence_address != (uintptr_t)uf || x->ufence_value != value)
		return;
	if (ioctl(f->fd, DRM_IOCTL_VSVM_WAIT_UFENCE, &w))
		record_fail(f, &f->fail_device, "job did not end: %s",
			    strerror(errno));
}

static void op_exec(struct fuzz *f)
{
	struct drm_vsvm_sync *syncs = (struct drm_vsvm_sync *)f->a.arr;
	uint32_t ncmds = 1 + below(f, 16), i, nsyncs;
	struct drm_vsvm_exec x;
	uint64_t *flg = (uint64_t *)f->a.flg;
	struct drm_vsvm_ufence *uf;
	uint64_t chosen;
	size_t used = 0, n;
	uint8_t *batch;
	uint64_t value;
	int err;

	for (i = 0; i < FLG_SIZE / 8; i++)
		flg[i] = rnd(f);
	batch = f->a.cmd + below(f, CMD_SIZE / 2 / 8) * 8;
	for (i = 0; i < ncmds; i++) {
		n = gen_cmd(f, batch + used, CMD_SIZE - (batch - f->a.cmd) -
			    used);
		if (!n)
			break;
		used += n;
	}
	/* a garbage word or a truncated buffer now and then */
	if (chance(f, 16) && used >= 8)
		((uint64_t *)batch)[below(f, used / 8)] = rnd(f);
	if (chance(f, 16) && used > 8)
		used -= 8;

	/*
	 * Wait syncs (the job syncobj is signalled, others may have no
	 * fence); now and then a signal sync, refused since 0.6.
	 */
	nsyncs = below(f, 4);
	memset(syncs, 0, nsyncs * sizeof(*syncs));
	for (i = 0; i < nsyncs; i++) {
		syncs[i].handle = i ? some_syncobj(f) : f->job_syncobj;
		if (chance(f, 8))
			syncs[i].flags = DRM_VSVM_SYNC_SIGNAL;
	}
	/* a fresh record slot, cleared, and a value of its own */
	uf = &f->ufences[f->next_ufence++ % NUM_UFENCES];
	memset(uf, 0, sizeof(*uf));
	value = rnd(f) | 1;

	memset(&x, 0, sizeof(x));
	x.vm_id = f->nvms ? f->vms[0] : 1;
	if (f->nvms > 1 && chance(f, 4))
		x.vm_id = f->vms[below(f, f->nvms)];
	x.engine = below(f, f->num_engines + (chance(f, 8) ? 2 : 0));
	x.batch_address = (uintptr_t)batch;
	x.batch_size = (uint32_t)used;
	x.num_syncs = nsyncs;
	x.syncs = (uintptr_t)syncs;
	if (chance(f, 16))
		x.syncs = some_ptr(f, f->a.arr, ARR_SIZE, 24 * nsyncs);
	x.flags = DRM_VSVM_EXEC_UFENCE;
	x.ufence_address = (uintptr_t)uf;
	x.ufence_value = value;
	/* rarely a record elsewhere: misaligned, unmapped, kernel... */
	if (chance(f, 16))
		x.ufence_address = some_ptr(f, (uint8_t *)f->ufences,
					    UFENCE_AREA, 16);
	chosen = x.ufence_address;
	mutate(f, &x, sizeof(x));
	/*
	 * The kernel writes the record when the job ends, asynchronously: a
	 * mutated address must not land in memory the fuzzer lives on (its
	 * heap, libdrm's command buffers), only where some_ptr() aims.
	 */
	if (x.ufence_address != chosen)
		x.ufence_address = some_ptr(f, (uint8_t *)f->ufences,
					    UFENCE_AREA, 16);
	/* a mutated VM or engine may not exist: that is an errno, fine */
	err = do_ioctl(f, DRM_IOCTL_VSVM_EXEC, &x);
	judge(f, err, E_COMMON | E_LOOKUP | E_PTR | E_BOUND | E(EOPNOTSUPP),
	      x.num_syncs > 64 ||
	      span_ok(f, x.syncs, (uint64_t)x.num_syncs * 24, false));
	if (!err)
		wait_job(f, &x, uf, value);
}

/*
 * WAIT_UFENCE on a value in the arena (a record slot, a flag word, a
 * guard page, a kernel address...), with any op, mask and flags, and a
 * deadline that is now, past, or a millisecond away: never a long wait.
 */
static void op_wait_ufence(struct fuzz *f)
{
	uint64_t *word = (uint64_t *)f->a.flg + below(f, FLG_SIZE / 8);
	struct drm_vsvm_wait_ufence w;
	int err;

	memset(&w, 0, sizeof(w));
	w.address = chance(f, 2) ? (uintptr_t)word :
		    (uintptr_t)&f->ufences[below(f, NUM_UFENCES)].value;
	if (chance(f, 8))
		w.address = some_ptr(f, f->a.flg, FLG_SIZE, 8);
	w.value = chance(f, 2) ? *word : interesting64(f);
	w.mask = chance(f, 2) ? ~0ull : interesting64(f);
	w.op = 1 + below(f, 6);
	w.timeout = chance(f, 2) ? 0 : now_ns() + 1000000;
	mutate(f, &w, sizeof(w));
	/* whatever the mutation did: never more than a millisecond */
	if (w.timeout > now_ns() + 1000000)
		w.timeout = now_ns() + 1000000;
	err = do_ioctl(f, DRM_IOCTL_VSVM_WAIT_UFENCE, &w);
	judge(f, err, E_COMMON | E(ETIME) | E_PTR,
	      span_ok(f, w.address, 8, false));
}

/* ---- DRM core ioctls ---- */

static void op_version(struct fuzz *f)
{
	struct drm_version v;

	memset(&v, 0, sizeof(v));
	v.name_len = below(f, 64);
	v.name = (char *)(uintptr_t)some_ptr(f, f->a.arr, ARR_SIZE, 64);
	v.date_len = below(f, 64);
	v.date = (char *)(uintptr_t)some_ptr(f, f->a.arr, ARR_SIZE, 64);
	v.desc_len = below(f, 64);
	v.desc = (char *)(uintptr_t)some_ptr(f, f->a.arr, ARR_SIZE, 64);
	mutate(f, &v, sizeof(v));
	judge(f, do_ioctl(f, DRM_IOCTL_VERSION, &v), E_COMMON | E_PTR,
	      span_ok(f, (uintptr_t)v.name, v.name_len, true) &&
	      span_ok(f, (uintptr_t)v.date, v.date_len, true) &&
	      span_ok(f, (uintptr_t)v.desc, v.desc_len, true));
}

static void op_get_cap(struct fuzz *f)
{
	struct drm_get_cap c = { .capability = below(f, 0x20) };

	mutate(f, &c, sizeof(c));
	judge(f, do_ioctl(f, DRM_IOCTL_GET_CAP, &c), E_COMMON | E(EOPNOTSUPP),
	      true);
}

static void op_set_client_cap(struct fuzz *f)
{
	struct drm_set_client_cap c = {
		.capability = below(f, 12),
		.value = below(f, 3),
	};

	mutate(f, &c, sizeof(c));
	judge(f, do_ioctl(f, DRM_IOCTL_SET_CLIENT_CAP, &c),
	      E_COMMON | E(EOPNOTSUPP) | E(EACCES), true);
}

static void op_set_client_name(struct fuzz *f)
{
	struct drm_set_client_name n = { .name_len = below(f, 80) };
	char *name = (char *)f->a.arr;
	uint64_t i;

	for (i = 0; i < 80; i++)
		name[i] = (char)(' ' + below(f, 96));
	n.name = (uintptr_t)name;
	if (chance(f, 8))
		n.name = some_ptr(f, f->a.arr, ARR_SIZE, 80);
	mutate(f, &n, sizeof(n));
	judge(f, do_ioctl(f, DRM_IOCTL_SET_CLIENT_NAME, &n),
	      E_COMMON | E(EOPNOTSUPP),
	      n.name_len > 64 || span_ok(f, n.name, n.name_len, false));
}

static void op_gem(struct fuzz *f)
{
	union {
		struct drm_gem_close close;
		struct drm_gem_flink flink;
		struct drm_gem_open open;
	} g;
	static const unsigned long reqs[] = {
		DRM_IOCTL_GEM_CLOSE, DRM_IOCTL_GEM_FLINK, DRM_IOCTL_GEM_OPEN,
	};

	memset(&g, 0, sizeof(g));
	g.close.handle = interesting32(f);
	mutate(f, &g, sizeof(g));
	/* no GEM: -EOPNOTSUPP; FLINK and OPEN are not for render nodes */
	judge(f, do_ioctl(f, reqs[below(f, 3)], &g),
	      E(EINVAL) | E(EOPNOTSUPP) | E(EACCES), true);
}

static void op_prime(struct fuzz *f)
{
	struct drm_prime_handle p = {
		.handle = interesting32(f),
		.flags = chance(f, 2) ? DRM_CLOEXEC : 0,
		.fd = (int)below(f, 8) - 1,
	};
	bool to_fd = chance(f, 2);
	int err;

	mutate(f, &p, sizeof(p));
	err = do_ioctl(f, to_fd ? DRM_IOCTL_PRIME_HANDLE_TO_FD :
			       DRM_IOCTL_PRIME_FD_TO_HANDLE, &p);
	/* vsvm has no GEM, so no PRIME buffers */
	judge(f, err, E(EINVAL) | E(EOPNOTSUPP), true);
	if (!err)
		record_fail(f, &f->fail_errno, "PRIME succeeded without GEM");
}

static void syncobj_forget(struct fuzz *f, uint32_t h)
{
	unsigned int i;

	for (i = 0; i < f->nsyncobjs; i++) {
		if (f->syncobjs[i] == h) {
			f->syncobjs[i] = f->syncobjs[--f->nsyncobjs];
			return;
		}
	}
}

static void op_syncobj_create(struct fuzz *f)
{
	struct drm_syncobj_create c = {
		.flags = chance(f, 2) ? DRM_SYNCOBJ_CREATE_SIGNALED : 0,
	};
	int err;

	mutate(f, &c, sizeof(c));
	err = do_ioctl(f, DRM_IOCTL_SYNCOBJ_CREATE, &c);
	judge(f, err, E_COMMON, true);
	if (err)
		return;
	if (f->nsyncobjs == MAX_SYNCOBJS) {
		uint32_t old = f->syncobjs[0];

		drmSyncobjDestroy(f->fd, old);
		syncobj_forget(f, old);
	}
	f->syncobjs[f->nsyncobjs++] = c.handle;
}

static void op_syncobj_destroy(struct fuzz *f)
{
	struct drm_syncobj_destroy d = { .handle = some_syncobj(f) };
	int err;

	if (d.handle == f->job_syncobj)
		d.handle = interesting32(f);
	mutate(f, &d, sizeof(d));
	if (d.handle == f->job_syncobj)
		d.handle = 0;
	err = do_ioctl(f, DRM_IOCTL_SYNCOBJ_DESTROY, &d);
	judge(f, err, E_COMMON | E(ENOENT), true);
	if (!err)
		syncobj_forget(f, d.handle);
}

/* An fd for FD_TO_HANDLE-like ioctls: ours, others, or none. */
static int some_fd(struct fuzz *f, int exported)
{
	switch (below(f, 5)) {
	case 0:
		return -1;
	case 1:
		return f->fd;		/* the DRM file itself */
	case 2:
		return (int)below(f, 3);	/* stdin, stdout, stderr */
	case 3:
		return (int)interesting32(f);
	default:
		return exported;
	}
}

static void op_syncobj_fd(struct fuzz *f)
{
	struct drm_syncobj_handle h = {
		.handle = some_syncobj(f),
		.flags = below(f, 2) ? DRM_SYNCOBJ_HANDLE_TO_FD_FLAGS_EXPORT_SYNC_FILE : 0,
		.fd = -1,
	};
	int err, fd = -1;

	mutate(f, &h, sizeof(h));
	err = do_ioctl(f, DRM_IOCTL_SYNCOBJ_HANDLE_TO_FD, &h);
	judge(f, err, E_COMMON | E(ENOENT) | E(EMFILE), true);
	if (!err)
		fd = h.fd;

	memset(&h, 0, sizeof(h));
	h.fd = some_fd(f, fd);
	h.flags = below(f, 2) ? DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE : 0;
	if (h.flags)
		h.handle = some_syncobj(f);
	mutate(f, &h, sizeof(h));
	err = do_ioctl(f, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &h);
	judge(f, err, E_COMMON | E(ENOENT) | E(EBADF), true);
	if (!err && !(h.flags & DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE)) {
		if (f->nsyncobjs < MAX_SYNCOBJS)
			f->syncobjs[f->nsyncobjs++] = h.handle;
		else
			drmSyncobjDestroy(f->fd, h.handle);
	}
	if (fd >= 0)
		close(fd);
}

static void op_syncobj_transfer(struct fuzz *f)
{
	struct drm_syncobj_transfer t = {
		.src_handle = some_syncobj(f),
		.dst_handle = some_syncobj(f),
		.src_point = below(f, 4),
		.dst_point = below(f, 4),
		.flags = chance(f, 4) ? DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT : 0,
	};

	mutate(f, &t, sizeof(t));
	/* waits for submit: bound it by the flag's absence */
	t.flags &= ~DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT;
	judge(f, do_ioctl(f, DRM_IOCTL_SYNCOBJ_TRANSFER, &t),
	      E_COMMON | E(ENOENT) | E(EOPNOTSUPP), true);
}

/* An absolute timeout at most 2 ms from now, often in the past. */
static int64_t short_timeout(struct fuzz *f)
{
	return chance(f, 2) ? 0 : now_ns() + (int64_t)below(f, 2000000);
}

static void op_syncobj_wait(struct fuzz *f)
{
	struct drm_syncobj_wait w = {
		.count_handles = some_count(f),
		.flags = below(f, 16),
	};
	int err;

	w.handles = some_ptr(f, f->a.arr, ARR_SIZE, (uint64_t)w.count_handles * 4);
	fill_handles(f, w.handles, w.count_handles);
	mutate(f, &w, sizeof(w));
	w.count_handles = safe_count(f, w.count_handles);
	w.timeout_nsec = short_timeout(f);
	err = do_ioctl(f, DRM_IOCTL_SYNCOBJ_WAIT, &w);
	judge(f, err, E_COMMON | E(ENOENT) | E(ETIME) | E_PTR,
	      span_ok(f, w.handles, (uint64_t)w.count_handles * 4, false));
}

static void op_syncobj_timeline_wait(struct fuzz *f)
{
	struct drm_syncobj_timeline_wait w = {
		.count_handles = some_count(f),
		.flags = below(f, 16),
	};
	int err;

	w.handles = some_ptr(f, f->a.arr, ARR_SIZE, (uint64_t)w.count_handles * 4);
	fill_handles(f, w.handles, w.count_handles);
	w.points = chance(f, 3) ? 0 :
		   some_ptr(f, f->a.arr, ARR_SIZE, (uint64_t)w.count_handles * 8);
	mutate(f, &w, sizeof(w));
	w.count_handles = safe_count(f, w.count_handles);
	w.timeout_nsec = short_timeout(f);
	err = do_ioctl(f, DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &w);
	judge(f, err, E_COMMON | E(ENOENT) | E(ETIME) | E_PTR,
	      span_ok(f, w.handles, (uint64_t)w.count_handles * 4, false) &&
	      span_ok(f, w.points, (uint64_t)w.count_handles * 8, false));
}

static void op_syncobj_array(struct fuzz *f)
{
	static const unsigned long reqs[] = {
		DRM_IOCTL_SYNCOBJ_RESET, DRM_IOCTL_SYNCOBJ_SIGNAL,
	};
	struct drm_syncobj_array a = { .count_handles = some_count(f) };

	a.handles = some_ptr(f, f->a.arr, ARR_SIZE, (uint64_t)a.count_handles * 4);
	fill_handles(f, a.handles, a.count_handles);
	mutate(f, &a, sizeof(a));
	a.count_handles = safe_count(f, a.count_handles);
	judge(f, do_ioctl(f, reqs[below(f, 2)], &a),
	      E_COMMON | E(ENOENT) | E_PTR,
	      span_ok(f, a.handles, (uint64_t)a.count_handles * 4, false));
}

static void op_syncobj_timeline_array(struct fuzz *f)
{
	static const unsigned long reqs[] = {
		DRM_IOCTL_SYNCOBJ_QUERY, DRM_IOCTL_SYNCOBJ_TIMELINE_SIGNAL,
	};
	struct drm_syncobj_timeline_array a = {
		.count_handles = some_count(f),
		.flags = chance(f, 4) ? DRM_SYNCOBJ_QUERY_FLAGS_LAST_SUBMITTED : 0,
	};
	bool query = chance(f, 2);
	uint64_t *pts;
	uint32_t i;

	a.handles = some_ptr(f, f->a.arr, ARR_SIZE, (uint64_t)a.count_handles * 4);
	fill_handles(f, a.handles, a.count_handles);
	a.points = some_ptr(f, f->a.arr + ARR_SIZE / 2, ARR_SIZE / 2,
			    (uint64_t)a.count_handles * 8);
	if (span_ok(f, a.points, (uint64_t)a.count_handles * 8, true)) {
		pts = (uint64_t *)(uintptr_t)a.points;
		for (i = 0; i < a.count_handles && i < 4096; i++)
			pts[i] = below(f, 16);
	}
	mutate(f, &a, sizeof(a));
	a.count_handles = safe_count(f, a.count_handles);
	judge(f, do_ioctl(f, reqs[query ? 0 : 1], &a),
	      E_COMMON | E(ENOENT) | E(EOPNOTSUPP) | E_PTR,
	      span_ok(f, a.handles, (uint64_t)a.count_handles * 4, false) &&
	      span_ok(f, a.points, (uint64_t)a.count_handles * 8, query));
}

static void op_syncobj_eventfd(struct fuzz *f)
{
	struct drm_syncobj_eventfd e = {
		.handle = some_syncobj(f),
		.flags = chance(f, 2) ? DRM_SYNCOBJ_WAIT_FLAGS_WAIT_AVAILABLE : 0,
		.point = below(f, 4),
	};
	int efd = eventfd(0, EFD_CLOEXEC);

	e.fd = some_fd(f, efd);
	mutate(f, &e, sizeof(e));
	judge(f, do_ioctl(f, DRM_IOCTL_SYNCOBJ_EVENTFD, &e),
	      E_COMMON | E(ENOENT) | E(EBADF) | E(EOPNOTSUPP), true);
	if (efd >= 0)
		close(efd);
}

/* Unknown driver ioctls and core ioctls a render node must refuse. */
static void op_other(struct fuzz *f)
{
	static const unsigned long reqs[] = {
		DRM_IOCTL_GET_MAGIC, DRM_IOCTL_GET_UNIQUE, DRM_IOCTL_SET_MASTER,
		DRM_IOCTL_DROP_MASTER, DRM_IOCTL_MODE_GETRESOURCES,
		DRM_IOCTL_MODE_CREATE_DUMB, DRM_IOCTL_MODE_ADDFB2,
		DRM_IOCTL_AUTH_MAGIC, DRM_IOCTL_GET_CLIENT,
	};
	uint8_t buf[256];
	unsigned long req;
	unsigned int i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rnd(f);
	f->mode = MODE_RANDOM;
	if (chance(f, 2))
		req = reqs[below(f, sizeof(reqs) / sizeof(reqs[0]))];
	else
		/* a vsvm number past the table, of a random size */
		req = _IOC(_IOC_READ | _IOC_WRITE, DRM_IOCTL_BASE,
			   DRM_COMMAND_BASE + 0x0a + below(f, 0x56),
			   below(f, sizeof(buf)));
	judge(f, do_ioctl(f, req, buf),
	      E(EINVAL) | E(EACCES) | E(EOPNOTSUPP) | E(EPERM) | E(ENOTTY),
	      true);
}

static const struct op {
	const char *name;
	void (*run)(struct fuzz *f);
	unsigned int weight;
} ops[] = {
	{ "VSVM_QUERY", op_query, 2 },
	{ "VSVM_VM_CREATE", op_vm_create, 1 },
	{ "VSVM_VM_DESTROY", op_vm_destroy, 1 },
	{ "VSVM_EXEC", op_exec, 8 },
	{ "VSVM_STATS", op_stats, 2 },
	{ "VSVM_VM_ERROR", op_vm_error, 2 },
	{ "VSVM_PREFETCH", op_prefetch, 3 },
	{ "VSVM_RESIDENCY", op_residency, 2 },
	{ "VSVM_MADVISE", op_madvise, 3 },
	{ "VSVM_ATTR_QUERY", op_attr_query, 2 },
	{ "VSVM_WAIT_UFENCE", op_wait_ufence, 2 },
	{ "VERSION", op_version, 1 },
	{ "GET_CAP", op_get_cap, 1 },
	{ "SET_CLIENT_CAP", op_set_client_cap, 1 },
	{ "SET_CLIENT_NAME", op_set_client_name, 1 },
	{ "GEM_CLOSE/FLINK/OPEN", op_gem, 1 },
	{ "PRIME_*", op_prime, 1 },
	{ "SYNCOBJ_CREATE", op_syncobj_create, 2 },
	{ "SYNCOBJ_DESTROY", op_syncobj_destroy, 1 },
	{ "SYNCOBJ_HANDLE_TO_FD/FD_TO_HANDLE", op_syncobj_fd, 2 },
	{ "SYNCOBJ_TRANSFER", op_syncobj_transfer, 1 },
	{ "SYNCOBJ_WAIT", op_syncobj_wait, 2 },
	{ "SYNCOBJ_TIMELINE_WAIT", op_syncobj_timeline_wait, 2 },
	{ "SYNCOBJ_RESET/SIGNAL", op_syncobj_array, 2 },
	{ "SYNCOBJ_QUERY/TIMELINE_SIGNAL", op_syncobj_timeline_array, 2 },
	{ "SYNCOBJ_EVENTFD", op_syncobj_eventfd, 1 },
	{ "other ioctls", op_other, 1 },
};

#define NUM_OPS		(sizeof(ops) / sizeof(ops[0]))

static const struct op *pick_op(struct fuzz *f)
{
	unsigned int total = 0, i;
	uint64_t r;

	for (i = 0; i < NUM_OPS; i++)
		total += ops[i].weight;
	r = below(f, total);
	for (i = 0; i < NUM_OPS; i++) {
		if (r < ops[i].weight)
			return &ops[i];
		r -= ops[i].weight;
	}
	return &ops[0];
}

/* ---- the known-good job ---- */

static uint32_t crc32_ieee(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xffffffff;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		crc ^= p[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320 & -(crc & 1));
	}
	return ~crc;
}

/*
 * On a new file and VM: FILL 4 KiB, WRITE a word into it, COPY it, and
 * CHECKSUM the copy; then check every byte and the CRC. Returns 0, or
 * -errno / 1 with a message in @why.
 */
static int known_good_job(char *why, size_t len)
{
	const size_t n = 4096;
	uint8_t *buf = mmap(NULL, 4 * n, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *src = buf, *dst = buf + n, *res = buf + 2 * n;
	vsvm_cmdbuf_handle cb = NULL;
	vsvm_device_handle dev;
	char node[VSVM_NODE_PATH_MAX];
	int ret, status = 0;
	uint32_t vm, crc;
	size_t i;

	if (buf == MAP_FAILED) {
		snprintf(why, len, "mmap: %s", strerror(errno));
		return -errno;
	}
	ret = vsvm_find_render_node(node, sizeof(node));
	if (!ret)
		ret = vsvm_device_open(node, &dev);
	if (ret) {
		snprintf(why, len, "open: %s", strerror(-ret));
		munmap(buf, 4 * n);
		return ret;
	}
	ret = vsvm_vm_create(dev, DRM_VSVM_VM_CREATE_SVM, &vm);
	if (!ret)
		ret = vsvm_cmdbuf_create(4096, &cb);
	if (!ret)
		ret = vsvm_cmdbuf_fill(cb, (uintptr_t)src, n, 0x5a5aa5a5);
	if (!ret)
		ret = vsvm_cmdbuf_write64(cb, (uintptr_t)src + 1024,
					  0x0123456789abcdefull);
	if (!ret)
		ret = vsvm_cmdbuf_copy(cb, (uintptr_t)dst, (uintptr_t)src, n);
	if (!ret)
		ret = vsvm_cmdbuf_checksum(cb, (uintptr_t)dst, n,
					   (uintptr_t)res);
	if (!ret)
		ret = vsvm_exec_wait(dev, vm, 0, cb, 30000000000ll, &status);
	if (ret) {
		snprintf(why, len, "job: %s", strerror(-ret));
	} else if (status != 1) {
		snprintf(why, len, "job status %d", status);
		ret = 1;
	} else {
		for (i = 0; i < n; i++) {
			/* 0x5a5aa5a5 little endian, the word at 1024 */
			uint8_t want = i % 4 < 2 ? 0xa5 : 0x5a;

			if (i >= 1024 && i < 1032)
				want = (uint8_t)(0x0123456789abcdefull >>
						 (8 * (i - 1024)));
			if (dst[i] != want || src[i] != want) {
				snprintf(why, len,
					 "byte %zu: %#x/%#x, expected %#x",
					 i, src[i], dst[i], want);
				ret = 1;
				break;
			}
		}
		memcpy(&crc, res, 4);
		if (!ret && crc != crc32_ieee(dst, n)) {
			snprintf(why, len, "checksum %#x, expected %#x", crc,
				 crc32_ieee(dst, n));
			ret = 1;
		}
	}
	if (cb)
		vsvm_cmdbuf_destroy(cb);
	vsvm_device_close(dev);
	munmap(buf, 4 * n);
	return ret;
}

static void check_device(struct fuzz *f)
{
	char why[200];

	f->op = "known-good job";
	if (known_good_job(why, sizeof(why)))
		record_fail(f, &f->fail_device, "%s", why);
}

/* ---- setup ---- */

static int arena_init(struct arena *a)
{
	size_t g = PAGE;
	uint8_t *p;

	a->size = ARR_SIZE + g + CMD_SIZE + g + SCR_SIZE + g + FLG_SIZE +
		  PAGE + g;
	p = mmap(NULL, a->size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	a->base = p;
	a->arr = p;
	a->cmd = a->arr + ARR_SIZE + g;
	a->scr = a->cmd + CMD_SIZE + g;
	a->flg = a->scr + SCR_SIZE + g;
	a->ro = a->flg + FLG_SIZE;
	a->hole = a->ro + PAGE;
	if (munmap(a->arr + ARR_SIZE, g) || munmap(a->cmd + CMD_SIZE, g) ||
	    munmap(a->scr + SCR_SIZE, g) || munmap(a->hole, g) ||
	    mprotect(a->ro, PAGE, PROT_READ))
		return -errno;
	return 0;
}

static unsigned int read_param(const char *name, unsigned int dflt)
{
	char path[128];
	unsigned int v;
	FILE *fp;

	snprintf(path, sizeof(path), "/sys/module/vsvm/parameters/%s", name);
	fp = fopen(path, "r");
	if (!fp)
		return dflt;
	if (fscanf(fp, "%u", &v) != 1)
		v = dflt;
	fclose(fp);
	return v;
}

static int fuzz_init(struct fuzz *f)
{
	struct drm_vsvm_query_device qd;
	vsvm_device_handle dev;
	char node[VSVM_NODE_PATH_MAX];
	int ret;

	ret = arena_init(&f->a);
	if (ret)
		return ret;
	ret = vsvm_find_render_node(node, sizeof(node));
	if (ret)
		return ret;
	f->fd = open(node, O_RDWR | O_CLOEXEC);
	if (f->fd < 0)
		return -errno;
	ret = vsvm_device_open_fd(f->fd, &dev);
	if (ret)
		return ret;
	ret = vsvm_query_device(dev, &qd);
	vsvm_device_close(dev);
	if (ret)
		return ret;
	f->num_engines = qd.num_engines;
	f->job_timeout_ms = read_param("job_timeout_ms", 10000);
	if (drmSyncobjCreate(f->fd, DRM_SYNCOBJ_CREATE_SIGNALED,
			      &f->job_syncobj))
		return -errno;
	/*
	 * Not on the heap: a job whose record address a mutation moved
	 * writes 16 bytes there when it ends, long after the ioctl.
	 */
	f->ufences = mmap(NULL, UFENCE_AREA, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (f->ufences == MAP_FAILED)
		return -errno;
	/* the VMs of f->fd, through the raw ioctl */
	while (f->nvms < 2) {
		struct drm_vsvm_vm_create c = {
			.flags = DRM_VSVM_VM_CREATE_SVM,
		};

		if (ioctl(f->fd, DRM_IOCTL_VSVM_VM_CREATE, &c))
			return -errno;
		f->vms[f->nvms++] = c.vm_id;
	}
	return 0;
}

static void usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s [--seed N] [--iterations N] [--seconds S] [--safe-core] [--verbose]\n",
		argv0);
	exit(2);
}

int main(int argc, char **argv)
{
	static struct op_stat stats[NUM_OPS];
	struct fuzz f = { .rng = 0 };
	uint64_t seed = (uint64_t)time(NULL), max_iter = UINT64_MAX;
	unsigned int seconds = 60, uncovered = 0, i;
	char first_kmsg[200], detail[160];
	int64_t start, end;
	uint64_t total_ok = 0;
	int ret, n;

	for (i = 1; i < (unsigned int)argc; i++) {
		if (!strcmp(argv[i], "--seed") && i + 1 < (unsigned int)argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--iterations") && i + 1 < (unsigned int)argc)
			max_iter = strtoull(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--seconds") && i + 1 < (unsigned int)argc)
			seconds = (unsigned int)strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--safe-core"))
			f.safe_core = true;
		else if (!strcmp(argv[i], "--verbose"))
			f.verbose = true;
		else
			usage(argv[0]);
	}
	printf("vsvm_fuzz: seed %" PRIu64 "%s\n", seed,
	       f.safe_core ? " (safe-core)" : "");
	fflush(stdout);
	f.rng = seed;

	f.kmsg = kmsg_open();
	if (f.kmsg < 0) {
		printf("FAIL setup (/dev/kmsg: %s)\n", strerror(-f.kmsg));
		return 1;
	}
	ret = fuzz_init(&f);
	if (ret) {
		printf("FAIL setup (%s)\n", strerror(ret < 0 ? -ret : ret));
		return 1;
	}

	start = now_ns();
	end = start + (int64_t)seconds * 1000000000;
	for (f.iter = 0; f.iter < max_iter && now_ns() < end; f.iter++) {
		const struct op *op = pick_op(&f);

		f.op = op->name;
		f.stat = &stats[op - ops];
		f.mode = MODE_VALID;
		op->run(&f);
		if (f.verbose)
			fprintf(stderr, "%" PRIu64 " %s mode %d\n", f.iter,
				op->name, f.mode);
		n = kmsg_drain(f.kmsg, "vsvm_fuzz", first_kmsg,
			       sizeof(first_kmsg));
		if (n)
			record_fail(&f, &f.fail_kmsg, "%d kernel messages: %s",
				    n, first_kmsg);
		if (f.iter % CHECK_EVERY == CHECK_EVERY - 1)
			check_device(&f);
	}
	/* the device still works, on a new file, once this one is closed */
	close(f.fd);
	check_device(&f);
	n = kmsg_drain(f.kmsg, "vsvm_fuzz", first_kmsg, sizeof(first_kmsg));
	if (n)
		record_fail(&f, &f.fail_kmsg, "%d kernel messages: %s", n,
			    first_kmsg);

	printf("vsvm_fuzz: %" PRIu64 " iterations in %.1f s (%.0f/s), seed %" PRIu64 "\n",
	       f.iter, (now_ns() - start) / 1e9,
	       f.iter / ((now_ns() - start) / 1e9), seed);
	for (i = 0; i < NUM_OPS; i++) {
		printf("vsvm_fuzz:   %-34s %7" PRIu64 " calls %7" PRIu64 " ok\n",
		       ops[i].name, stats[i].calls, stats[i].ok);
		uncovered += !stats[i].calls;
		total_ok += stats[i].ok;
	}
	printf("vsvm_fuzz:   commands:");
	for (i = 1; i <= 9; i++) {
		printf(" %" PRIu64, f.cmd_count[i]);
		uncovered += !f.cmd_count[i];
	}
	printf(" (NOP WRITE COPY FILL ATOMIC CHECKSUM WAIT TIMESTAMP DISPATCH)\n");

#define VERDICT(name, bad, fmt, ...)					\
	do {								\
		snprintf(detail, sizeof(detail), fmt, __VA_ARGS__);	\
		printf("%s %s %s\n", (bad) ? "FAIL" : "PASS", name,	\
		       detail);						\
	} while (0)
	VERDICT("errno", f.fail_errno, "(%u unexpected)", f.fail_errno);
	VERDICT("efault", f.fail_efault, "(%u with valid pointers)",
		f.fail_efault);
	VERDICT("device", f.fail_device, "(%u failed checks)", f.fail_device);
	VERDICT("kmsg", f.fail_kmsg, "(%u iterations logged)", f.fail_kmsg);
	VERDICT("coverage", uncovered, "(%u of %zu ops and 9 commands not run, %" PRIu64 " ioctls succeeded)",
		uncovered, NUM_OPS, total_ok);
	if (f.first_fail[0])
		printf("vsvm_fuzz: first failure: %s\n", f.first_fail);
	return f.fail_errno || f.fail_efault || f.fail_device ||
	       f.fail_kmsg || uncovered;
}
