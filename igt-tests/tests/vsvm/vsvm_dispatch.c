// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/*
 * The shader cores: DRM_VSVM_CMD_DISPATCH running vsvm ISA programs
 * (vsvm_isa.h) over grids of work-groups. Every program is assembled here
 * and every result is checked against a reference computed on the CPU:
 * integer and binary32 ALU ops over tables of edge values, divergent
 * control flow, shared memory with barriers, private memory, global
 * atomics racing CPU threads, grids split over engines, VRAM-resident
 * inputs; then the errors: malformed programs and commands, faults on
 * unmapped memory, misaligned accesses, divergent barriers and programs
 * that never end.
 *
 * All memory is plain user memory: the program, its arguments and its
 * data reach the GPU through SVM.
 */

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "igt.h"
#include "igt_vsvm.h"
#include "igt_vsvm_isa.h"
#include "igt_vsvm_vram.h"
#include "vsvm_drm.h"

IGT_TEST_DESCRIPTION("Check the shader cores: vsvm ISA programs run by "
		     "DISPATCH over SVM memory, with results checked against "
		     "the CPU, and the errors of bad programs and accesses.");

/* registers the programs below use */
enum {
	R_GID = 1, R_ARGS, R_N, R_T0, R_T1, R_T2, R_T3, R_T4, R_T5, R_T6,
	R_T7, R_T8, R_LID, R_X, R_STEPS, R_S,
};

struct env {
	int fd;
	uint32_t vm;
	uint32_t engines;
	struct vsvm_cmdbuf *cb;
	struct vsvm_isa_prog *prog;
};

static void env_init(struct env *env, int fd)
{
	env->fd = fd;
	env->vm = vsvm_vm_create(fd);
	env->engines = vsvm_num_engines(fd);
	env->cb = vsvm_cmdbuf_create(64 * 1024);
	env->prog = vsvm_isa_prog_create();
}

static void env_fini(struct env *env)
{
	vsvm_isa_prog_destroy(env->prog);
	vsvm_cmdbuf_destroy(env->cb);
	vsvm_vm_destroy(env->fd, env->vm);
}

static uint64_t addr(const void *p)
{
	return to_user_pointer(p);
}

/*
 * Job status as 0 when the job ended without error (vsvm_ufence_status()
 * says 1), or the negative errno it failed with.
 */
static int job_status(int status)
{
	igt_assert(status == 1 || status < 0);
	return status == 1 ? 0 : status;
}

/* Runs one DISPATCH on @engine; the job's status (job_status()). */
static int env_dispatch(struct env *env, uint32_t engine,
			const struct drm_vsvm_cmd_dispatch *d)
{
	int status;

	vsvm_cmdbuf_reset(env->cb);
	vsvm_emit_dispatch(env->cb, d);
	status = vsvm_exec_wait(env->fd, env->vm, engine, env->cb);
	vsvm_cmdbuf_reset(env->cb);
	return job_status(status);
}

static int env_run_1d(struct env *env, uint32_t groups, uint32_t size,
		      const void *args)
{
	struct drm_vsvm_cmd_dispatch d =
		vsvm_isa_dispatch_1d(env->prog, groups, size, addr(args));

	return env_dispatch(env, 0, &d);
}

static void assert_vm_error(struct env *env, int err, uint64_t address,
			    uint32_t access)
{
	struct drm_vsvm_vm_error error;

	vsvm_vm_error(env->fd, env->vm, &error);
	igt_assert_eq(error.error, err);
	igt_assert_eq_u64(error.address, address);
	igt_assert_eq_u32(error.access, access);
}

static uint64_t gpu_faults(struct env *env)
{
	uint64_t st[VSVM_STAT_COUNT];

	vsvm_stats(env->fd, env->vm, st);
	return st[DRM_VSVM_STAT_FAULTS];
}

static void *alloc_pages(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	igt_assert(p != MAP_FAILED);
	return p;
}

/*
 * The prologue of the element-wise programs: R_GID = global id, R_ARGS =
 * the argument block, R_N = its word 3 (the element count); the lanes
 * with R_GID < R_N go on into an IF the caller closes with
 * vsvm_elementwise_end().
 */
static void elementwise_begin(struct vsvm_isa_prog *p)
{
	isa_sreg(p, R_GID, GLOBAL_ID_X);
	isa_sreg(p, R_ARGS, ARGS);
	isa_ld(p, LD, U64, R_N, R_ARGS, 24);
	isa_op(p, SLT, U64, R_T0, R_GID, R_N);
	isa_if(p, R_T0);
}

static void elementwise_end(struct vsvm_isa_prog *p)
{
	isa_ctrl(p, ENDIF);
	isa_ctrl(p, END);
}

/* R_T1 = &arg[word][gid], for elements of 1 << shift bytes */
static void element_address(struct vsvm_isa_prog *p, uint8_t dst, int word,
			    unsigned int shift)
{
	isa_ld(p, LD, U64, dst, R_ARGS, 8 * word);
	isa_opi(p, SHL, U64, R_T8, R_GID, shift);
	isa_op(p, ADD, U64, dst, dst, R_T8);
}

struct args3 {
	uint64_t a, b, c, n;
};

/* c[i] = a[i] op b[i] over 32-bit elements */
static void build_vector_op(struct vsvm_isa_prog *p, uint8_t op, uint8_t type)
{
	p->count = 0;
	elementwise_begin(p);
	element_address(p, R_T1, 0, 2);
	element_address(p, R_T2, 1, 2);
	element_address(p, R_T3, 2, 2);
	isa_ld(p, LD, U32, R_T4, R_T1, 0);
	isa_ld(p, LD, U32, R_T5, R_T2, 0);
	vsvm_isa(p, op, type, R_T6, R_T4, R_T5, 0, 0, 0);
	isa_st(p, ST, U32, R_T3, R_T6, 0);
	elementwise_end(p);
}

static void test_query(int fd)
{
	struct drm_vsvm_query_device info;

	vsvm_query_device(fd, &info);
	igt_assert(info.features & DRM_VSVM_FEATURE_DISPATCH);
	igt_assert_eq_u32(info.isa_version, DRM_VSVM_ISA_VERSION(1, 0));
	igt_assert_lte(DRM_VSVM_ISA_WAVE_SIZE, info.max_group_size);
	igt_assert(info.max_shared_size >= 32 * 1024);
	igt_assert(info.max_private_size >= 1024);
	igt_assert_eq_u64(info.reserved, 0);
}

/*
 * Vector add over malloc() memory and over a fresh mmap(), with an element
 * count that is no multiple of the group size: every element checked, the
 * guard words after the last one untouched, and the VM's GPU page faults
 * counted (the loads and stores went through the GPU MMU).
 */
static void test_vector_add(int fd, bool fp, bool use_malloc)
{
	const uint32_t n = 100000, group = 64;
	struct env env;
	struct args3 *args = malloc(sizeof(*args));
	uint32_t *a, *b, *c;
	size_t size = (n + 16) * sizeof(uint32_t);

	env_init(&env, fd);
	if (use_malloc) {
		a = malloc(size);
		b = malloc(size);
		c = malloc(size);
		igt_assert(a && b && c);
	} else {
		a = alloc_pages(size);
		b = alloc_pages(size);
		c = alloc_pages(size);
	}
	for (uint32_t i = 0; i < n + 16; i++) {
		float fa = (float)i * 0.37f - 1000.0f, fb = 1.0f / (float)(i + 1);

		if (fp) {
			memcpy(&a[i], &fa, 4);
			memcpy(&b[i], &fb, 4);
		} else {
			a[i] = i * 2654435761u;
			b[i] = ~i;
		}
		c[i] = 0xdeadbeef;
	}
	*args = (struct args3){ addr(a), addr(b), addr(c), n };
	build_vector_op(env.prog, fp ? DRM_VSVM_ISA_OP_FADD : DRM_VSVM_ISA_OP_ADD,
			fp ? DRM_VSVM_ISA_F32 : DRM_VSVM_ISA_U32);

	igt_assert_eq(env_run_1d(&env, (n + group - 1) / group, group, args), 0);

	for (uint32_t i = 0; i < n; i++) {
		uint32_t expect;

		if (fp) {
			float fa, fb, fc;

			memcpy(&fa, &a[i], 4);
			memcpy(&fb, &b[i], 4);
			fc = fa + fb;
			memcpy(&expect, &fc, 4);
		} else {
			expect = a[i] + b[i];
		}
		igt_assert_f(c[i] == expect, "c[%u] = %#x, expected %#x\n",
			     i, c[i], expect);
	}
	for (uint32_t i = n; i < n + 16; i++)
		igt_assert_eq_u32(c[i], 0xdeadbeef);
	igt_assert_lt_u64(0, gpu_faults(&env));

	if (use_malloc) {
		free(a);
		free(b);
		free(c);
	} else {
		munmap(a, size);
		munmap(b, size);
		munmap(c, size);
	}
	free(args);
	env_fini(&env);
}

/* integer edge values, as pairs of a table of 24 */
static const uint64_t int_values[] = {
	0, 1, 2, 3, 7, 31, 32, 33, 63, 64, 0x7f, 0x80, 0xff,
	0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull,
	0x123456789abcdef0ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
	0xfffffffffffffffeull, 0xffffffffffffffffull, 0xfffffffffffffff9ull,
	0xffffffff80000000ull,
};

#define NV	(sizeof(int_values) / sizeof(int_values[0]))

static int64_t sext(uint64_t v, bool w32)
{
	return w32 ? (int64_t)(int32_t)v : (int64_t)v;
}

static uint64_t zext(uint64_t v, bool w32)
{
	return w32 ? (uint32_t)v : v;
}

/* The ISA's integer semantics (vsvm_isa.h), written out independently. */
static uint64_t ref_int(uint8_t op, uint8_t type, uint64_t a, uint64_t b)
{
	bool w32 = type == DRM_VSVM_ISA_U32 || type == DRM_VSVM_ISA_S32;
	bool sg = type == DRM_VSVM_ISA_S32 || type == DRM_VSVM_ISA_S64;
	unsigned int bits = w32 ? 32 : 64;
	uint64_t ua = zext(a, w32), ub = zext(b, w32), mask = zext(~0ull, w32);
	int64_t sa = sext(a, w32), sb = sext(b, w32);
	int64_t smin = w32 ? INT32_MIN : INT64_MIN;
	unsigned int sh = b & (bits - 1);

	switch (op) {
	case DRM_VSVM_ISA_OP_ADD: return (a + b) & mask;
	case DRM_VSVM_ISA_OP_SUB: return (a - b) & mask;
	case DRM_VSVM_ISA_OP_MUL: return (a * b) & mask;
	case DRM_VSVM_ISA_OP_MULHI:
		if (!w32)
			return sg ? (uint64_t)(((__int128)sa * sb) >> 64) :
				    (uint64_t)(((unsigned __int128)ua * ub) >> 64);
		return sg ? (uint32_t)((sa * sb) >> 32) : (ua * ub) >> 32;
	case DRM_VSVM_ISA_OP_DIV:
		if (!ub)
			return 0;
		if (!sg)
			return ua / ub;
		if (sa == smin && sb == -1)
			return (uint64_t)smin & mask;
		return (uint64_t)(sa / sb) & mask;
	case DRM_VSVM_ISA_OP_REM:
		if (!ub)
			return ua;
		if (!sg)
			return ua % ub;
		if (sa == smin && sb == -1)
			return 0;
		return (uint64_t)(sa % sb) & mask;
	case DRM_VSVM_ISA_OP_AND: return a & b & mask;
	case DRM_VSVM_ISA_OP_OR: return (a | b) & mask;
	case DRM_VSVM_ISA_OP_XOR: return (a ^ b) & mask;
	case DRM_VSVM_ISA_OP_SHL: return (a << sh) & mask;
	case DRM_VSVM_ISA_OP_SHR:
		return sg ? (uint64_t)(sa >> sh) & mask : ua >> sh;
	case DRM_VSVM_ISA_OP_MIN:
		return (sg ? sa < sb : ua < ub) ? ua : ub;
	case DRM_VSVM_ISA_OP_MAX:
		return (sg ? sa > sb : ua > ub) ? ua : ub;
	case DRM_VSVM_ISA_OP_NOT: return ~a & mask;
	case DRM_VSVM_ISA_OP_NEG: return -a & mask;
	case DRM_VSVM_ISA_OP_SEQ: return ua == ub;
	case DRM_VSVM_ISA_OP_SNE: return ua != ub;
	case DRM_VSVM_ISA_OP_SLT: return sg ? sa < sb : ua < ub;
	case DRM_VSVM_ISA_OP_SGE: return sg ? sa >= sb : ua >= ub;
	}
	igt_assert(!"unknown op");
	return 0;
}

/*
 * Every integer ALU op and compare, in each of U32, S32, U64 and S64, on
 * every pair of the edge values (register and immediate second operand),
 * against ref_int(). Registers hold garbage in their upper halves for the
 * 32-bit types: the ops must ignore it.
 */
static void test_int_ops(int fd)
{
	static const uint8_t ops[] = {
		DRM_VSVM_ISA_OP_ADD, DRM_VSVM_ISA_OP_SUB, DRM_VSVM_ISA_OP_MUL,
		DRM_VSVM_ISA_OP_MULHI, DRM_VSVM_ISA_OP_DIV, DRM_VSVM_ISA_OP_REM,
		DRM_VSVM_ISA_OP_AND, DRM_VSVM_ISA_OP_OR, DRM_VSVM_ISA_OP_XOR,
		DRM_VSVM_ISA_OP_SHL, DRM_VSVM_ISA_OP_SHR, DRM_VSVM_ISA_OP_MIN,
		DRM_VSVM_ISA_OP_MAX, DRM_VSVM_ISA_OP_NOT, DRM_VSVM_ISA_OP_NEG,
		DRM_VSVM_ISA_OP_SEQ, DRM_VSVM_ISA_OP_SNE, DRM_VSVM_ISA_OP_SLT,
		DRM_VSVM_ISA_OP_SGE,
	};
	const uint32_t n = NV * NV;
	struct env env;
	struct args3 *args = malloc(sizeof(*args));
	uint64_t *a = malloc(n * 8), *b = malloc(n * 8), *c = malloc(n * 8);

	env_init(&env, fd);
	for (uint32_t i = 0; i < n; i++) {
		a[i] = int_values[i / NV];
		b[i] = int_values[i % NV];
	}
	*args = (struct args3){ addr(a), addr(b), addr(c), n };

	for (unsigned int o = 0; o < sizeof(ops); o++) {
		for (uint8_t type = DRM_VSVM_ISA_U32; type <= DRM_VSVM_ISA_S64;
		     type++) {
			bool unary = ops[o] == DRM_VSVM_ISA_OP_NOT ||
				     ops[o] == DRM_VSVM_ISA_OP_NEG;
			struct vsvm_isa_prog *p = env.prog;

			p->count = 0;
			elementwise_begin(p);
			element_address(p, R_T1, 0, 3);
			element_address(p, R_T2, 1, 3);
			element_address(p, R_T3, 2, 3);
			isa_ld(p, LD, U64, R_T4, R_T1, 0);
			isa_ld(p, LD, U64, R_T5, R_T2, 0);
			vsvm_isa(p, ops[o], type, R_T6, R_T4, unary ? 0 : R_T5,
				 0, 0, 0);
			isa_st(p, ST, U64, R_T3, R_T6, 0);
			elementwise_end(p);
			memset(c, 0xa5, n * 8);
			igt_assert_eq(env_run_1d(&env, (n + 63) / 64, 64, args),
				      0);
			for (uint32_t i = 0; i < n; i++) {
				uint64_t e = ref_int(ops[o], type, a[i], b[i]);

				igt_assert_f(c[i] == e,
					     "op %#x type %u: %#" PRIx64 ", %#"
					     PRIx64 " gave %#" PRIx64
					     ", expected %#" PRIx64 "\n",
					     ops[o], type, a[i], b[i], c[i], e);
			}
		}
	}

	/* the immediate form: c = a + imm, a - imm, a << imm */
	for (unsigned int k = 0; k < NV; k++) {
		struct vsvm_isa_prog *p = env.prog;
		uint64_t imm = int_values[k];

		p->count = 0;
		elementwise_begin(p);
		element_address(p, R_T1, 0, 3);
		element_address(p, R_T3, 2, 3);
		isa_ld(p, LD, U64, R_T4, R_T1, 0);
		isa_opi(p, SUB, S64, R_T6, R_T4, imm);
		isa_st(p, ST, U64, R_T3, R_T6, 0);
		elementwise_end(p);
		igt_assert_eq(env_run_1d(&env, (n + 63) / 64, 64, args), 0);
		for (uint32_t i = 0; i < n; i++)
			igt_assert_eq_u64(c[i], a[i] - imm);
	}

	free(a);
	free(b);
	free(c);
	free(args);
	env_fini(&env);
}

static uint32_t fbits(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

static float bitsf(uint32_t u)
{
	float f;

	memcpy(&f, &u, 4);
	return f;
}

/*
 * binary32 edge values: zeros, ones, the largest values, normals next to
 * the denormals, denormals, infinities, quiet and signalling NaNs of both
 * signs; 2^-24 and 2^-23 (ties with 1 and the values next to it), 1 + ulp,
 * 2^127 (overflow), the limits of the conversions to S32, U32, S64, U64
 * (2^31, 2^32, 2^63, 2^64, the values just below them, -2^31, -2^63,
 * -0.5, 1 - ulp/2).
 */
static const uint32_t f32_values[] = {
	0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x40490fdb,
	0x7f7fffff, 0xff7fffff, 0x00800000, 0x00000001, 0x807fffff,
	0x7f800000, 0xff800000, 0x7fc00000, 0x7fa00000, 0x4f000000,
	0xcf000000, 0x5f800000, 0x3eaaaaab, 0x42f6e979, 0xc2f6e979,
	0x4b7fffff, 0x3f000001, 0x40000000, 0x3dcccccd,
	0x33800000, 0x34000000, 0x3f800001, 0x7f000000, 0x00400000,
	0x00000003, 0x80800001, 0xffc00001, 0xff800001, 0x4effffff,
	0x4f800000, 0x4f7fffff, 0x5f000000, 0x5effffff, 0xdf000000,
	0x5f7fffff, 0xbf000000, 0x3f7fffff,
};

#define NF	(sizeof(f32_values) / sizeof(f32_values[0]))

static bool f32_is_nan(uint32_t u)
{
	return (u & 0x7f800000) == 0x7f800000 && (u & 0x7fffff);
}

/* FMIN / FMAX as vsvm_isa.h defines them: a NaN operand loses; -0 < +0 */
static uint32_t ref_fminmax(bool max, uint32_t a, uint32_t b)
{
	float fa = bitsf(a), fb = bitsf(b);

	if (f32_is_nan(a))
		return b;
	if (f32_is_nan(b))
		return a;
	if (fa == fb)
		return (a & 0x80000000) == (max ? 0u : 0x80000000u) ? a : b;
	return (max ? fa > fb : fa < fb) ? a : b;
}

#if defined(__x86_64__)
#define F32_EXACT_NAN	1
/*
 * The CPU's own ADDSS, SUBSS, MULSS, DIVSS with @a as the first operand,
 * as vsvm computes them on x86 in both of its modes (FPU and soft-float):
 * a NaN operand gives that NaN quieted, the first one of two; an invalid
 * operation gives the default NaN 0xffc00000.
 */
static uint32_t sse_f32(uint8_t op, uint32_t a, uint32_t b)
{
	float x = bitsf(a), y = bitsf(b);

	switch (op) {
	case DRM_VSVM_ISA_OP_FADD:
		asm("addss %1, %0" : "+x" (x) : "x" (y));
		break;
	case DRM_VSVM_ISA_OP_FSUB:
		asm("subss %1, %0" : "+x" (x) : "x" (y));
		break;
	case DRM_VSVM_ISA_OP_FMUL:
		asm("mulss %1, %0" : "+x" (x) : "x" (y));
		break;
	default:
		asm("divss %1, %0" : "+x" (x) : "x" (y));
		break;
	}
	return fbits(x);
}
#else
#define F32_EXACT_NAN	0
#endif

static uint64_t ref_f32_arith(uint8_t op, uint32_t a, uint32_t b)
{
#if F32_EXACT_NAN
	return sse_f32(op, a, b);
#else
	float fa = bitsf(a), fb = bitsf(b);

	switch (op) {
	case DRM_VSVM_ISA_OP_FADD: return fbits(fa + fb);
	case DRM_VSVM_ISA_OP_FSUB: return fbits(fa - fb);
	case DRM_VSVM_ISA_OP_FMUL: return fbits(fa * fb);
	default: return fbits(fa / fb);
	}
#endif
}

static uint64_t ref_f32(uint8_t op, uint32_t a, uint32_t b)
{
	float fa = bitsf(a), fb = bitsf(b);

	switch (op) {
	case DRM_VSVM_ISA_OP_FADD:
	case DRM_VSVM_ISA_OP_FSUB:
	case DRM_VSVM_ISA_OP_FMUL:
	case DRM_VSVM_ISA_OP_FDIV:
		return ref_f32_arith(op, a, b);
	case DRM_VSVM_ISA_OP_FMIN: return ref_fminmax(false, a, b);
	case DRM_VSVM_ISA_OP_FMAX: return ref_fminmax(true, a, b);
	case DRM_VSVM_ISA_OP_FSQRT:
		/* vsvm's NaN for a negative operand; otherwise the CPU's */
		if (!f32_is_nan(a) && (a & 0x80000000) && (a & 0x7fffffff))
			return 0x7fc00000;
		return fbits(sqrtf(fa));
	case DRM_VSVM_ISA_OP_SEQ: return fa == fb;
	case DRM_VSVM_ISA_OP_SNE: return !(fa == fb);
	case DRM_VSVM_ISA_OP_SLT: return fa < fb;
	case DRM_VSVM_ISA_OP_SGE: return fa >= fb;
	}
	igt_assert(!"unknown op");
	return 0;
}

/*
 * Results compare bit for bit. On x86 the reference gives NaN payloads
 * exactly (sse_f32()), but for one case: when both operands of FADD, FSUB,
 * FMUL or FDIV are NaNs, either one quieted is right. SSE hardware and
 * vsvm's soft-float return the first, QEMU's TCG emulation of SSE returns
 * the one with the larger significand (the x87 rule), which is what the
 * FPU mode and the reference give in a TCG guest. Elsewhere a NaN result
 * only has to be a NaN.
 */
static bool f32_same(uint8_t op, uint32_t a, uint32_t b, uint64_t got,
		     uint64_t expect)
{
	if (op >= DRM_VSVM_ISA_OP_SEQ && op <= DRM_VSVM_ISA_OP_SGE)
		return got == expect;
	if (!F32_EXACT_NAN && f32_is_nan(expect))
		return got <= 0xffffffff && f32_is_nan(got);
	if (op >= DRM_VSVM_ISA_OP_FADD && op <= DRM_VSVM_ISA_OP_FDIV &&
	    f32_is_nan(a) && f32_is_nan(b))
		return got == (a | 0x400000) || got == (b | 0x400000);
	return got == expect;
}

/*
 * binary32 ALU ops and compares on every pair of the edge values (zeros
 * of both signs, denormals, infinities, NaNs, the largest values, ties),
 * then on random pairs, and on random pairs of nearby exponents with few
 * significand bits (rounding ties, cancellations, denormal results), bit
 * for bit against the CPU (IEEE-754, round to nearest even), NaN payloads
 * included on x86.
 */
static void test_f32_ops(int fd)
{
	static const uint8_t ops[] = {
		DRM_VSVM_ISA_OP_FADD, DRM_VSVM_ISA_OP_FSUB, DRM_VSVM_ISA_OP_FMUL,
		DRM_VSVM_ISA_OP_FDIV, DRM_VSVM_ISA_OP_FMIN, DRM_VSVM_ISA_OP_FMAX,
		DRM_VSVM_ISA_OP_FSQRT, DRM_VSVM_ISA_OP_SEQ, DRM_VSVM_ISA_OP_SNE,
		DRM_VSVM_ISA_OP_SLT, DRM_VSVM_ISA_OP_SGE,
	};
	/* the edge values, random values, then random near ties */
	const uint32_t n = NF * NF + 8192;
	struct env env;
	struct args3 *args = malloc(sizeof(*args));
	uint32_t *a = malloc(n * 4), *b = malloc(n * 4);
	uint64_t *c = malloc(n * 8);
	uint32_t x = 12345;

	env_init(&env, fd);
	for (uint32_t i = 0; i < n; i++) {
		if (i < NF * NF) {
			a[i] = f32_values[i / NF];
			b[i] = f32_values[i % NF];
		} else if (i < NF * NF + 4096) {
			x = x * 1103515245 + 12345;
			a[i] = x;
			x = x * 1103515245 + 12345;
			b[i] = x;
		} else {
			/* a: any; b: 0 to 25 binades below, 3 low bits */
			x = x * 1103515245 + 12345;
			a[i] = x;
			x = x * 1103515245 + 12345;
			b[i] = ((a[i] & 0x7f800000) - ((x >> 8) % 26 << 23)) |
			       (x & 0x80000000) | (x >> 29 << 20) | (x & 7);
		}
	}
	*args = (struct args3){ addr(a), addr(b), addr(c), n };

	for (unsigned int o = 0; o < sizeof(ops); o++) {
		struct vsvm_isa_prog *p = env.prog;
		bool unary = ops[o] == DRM_VSVM_ISA_OP_FSQRT;

		p->count = 0;
		elementwise_begin(p);
		element_address(p, R_T1, 0, 2);
		element_address(p, R_T2, 1, 2);
		element_address(p, R_T3, 2, 3);
		isa_ld(p, LD, U32, R_T4, R_T1, 0);
		isa_ld(p, LD, U32, R_T5, R_T2, 0);
		vsvm_isa(p, ops[o], DRM_VSVM_ISA_F32, R_T6, R_T4,
			 unary ? 0 : R_T5, 0, 0, 0);
		isa_st(p, ST, U64, R_T3, R_T6, 0);
		elementwise_end(p);
		memset(c, 0xa5, n * 8);
		igt_assert_eq(env_run_1d(&env, (n + 127) / 128, 128, args), 0);
		for (uint32_t i = 0; i < n; i++) {
			uint64_t e = ref_f32(ops[o], a[i], b[i]);

			igt_assert_f(f32_same(ops[o], a[i], b[i], c[i], e),
				     "op %#x: %#x, %#x gave %#" PRIx64
				     ", expected %#" PRIx64 "\n",
				     ops[o], a[i], b[i], c[i], e);
		}
	}
	free(a);
	free(b);
	free(c);
	free(args);
	env_fini(&env);
}

/* CVT from F32 to a signed or unsigned 32- or 64-bit integer */
static uint64_t ref_f2i(uint32_t u, bool sg, bool w64)
{
	float f = bitsf(u);
	double d = f;

	if (f32_is_nan(u))
		return 0;
	if (sg) {
		double lo = w64 ? -9223372036854775808.0 : -2147483648.0;
		double hi = w64 ? 9223372036854775808.0 : 2147483648.0;

		if (d <= lo)
			return zext((uint64_t)(w64 ? INT64_MIN : INT32_MIN), !w64);
		if (d >= hi)
			return zext((uint64_t)(w64 ? INT64_MAX : INT32_MAX), !w64);
		return zext((uint64_t)(int64_t)d, !w64);
	}
	if (d <= 0)
		return 0;
	if (d >= (w64 ? 18446744073709551616.0 : 4294967296.0))
		return w64 ? UINT64_MAX : UINT32_MAX;
	return (uint64_t)d;
}

/* integers whose conversion to F32 is a tie, or just off one */
static const uint64_t cvt_ties[] = {
	0x1000001, 0x1000003, 0x1000002, 0x7fffffc0, 0x7fffffbf, 0x7fffff40,
	0xffffff80, 0xffffff7f, 0xffffff40, 0x80000040, 0x800000c0,
	0x8000008000000000ull, 0x8000018000000000ull, 0x8000008000000001ull,
	0x7fffff8000000000ull, 0x7fffffc000000000ull, 0xffffff8000000000ull,
	0xffffff7fffffffffull, 0xfffffe8000000000ull, 0xffffffc000000000ull,
};

#define NT	(sizeof(cvt_ties) / sizeof(cvt_ties[0]))

/*
 * CVT: F32 to S32, U32, S64, U64 (round toward zero, saturating, NaN to
 * 0; the edge values include each type's limits and the floats next to
 * them); S32, U32, S64, U64 to F32 (round to nearest even, ties included);
 * integer to integer (sign or zero extension, truncation).
 */
static void test_cvt(int fd)
{
	static const uint8_t itypes[] = {
		DRM_VSVM_ISA_S32, DRM_VSVM_ISA_U32, DRM_VSVM_ISA_S64,
		DRM_VSVM_ISA_U64,
	};
	const uint32_t n = NF + NV + NT;
	struct env env;
	struct args3 *args = malloc(sizeof(*args));
	uint64_t *a = malloc(n * 8), *c = malloc(n * 8);

	env_init(&env, fd);
	for (uint32_t i = 0; i < n; i++)
		a[i] = i < NF ? f32_values[i] : i < NF + NV ?
		       int_values[i - NF] : cvt_ties[i - NF - NV];
	*args = (struct args3){ addr(a), 0, addr(c), n };

	for (unsigned int k = 0; k < 2 * sizeof(itypes); k++) {
		uint8_t t = itypes[k / 2];
		bool to_int = !(k & 1), sg = t == DRM_VSVM_ISA_S32 ||
					     t == DRM_VSVM_ISA_S64;
		bool w64 = t >= DRM_VSVM_ISA_U64;
		struct vsvm_isa_prog *p = env.prog;

		p->count = 0;
		elementwise_begin(p);
		element_address(p, R_T1, 0, 3);
		element_address(p, R_T3, 2, 3);
		isa_ld(p, LD, U64, R_T4, R_T1, 0);
		vsvm_isa(p, DRM_VSVM_ISA_OP_CVT, to_int ? t : DRM_VSVM_ISA_F32,
			 R_T6, R_T4, 0, 0, 0, to_int ? DRM_VSVM_ISA_F32 : t);
		isa_st(p, ST, U64, R_T3, R_T6, 0);
		elementwise_end(p);
		igt_assert_eq(env_run_1d(&env, (n + 63) / 64, 64, args), 0);
		for (uint32_t i = 0; i < n; i++) {
			uint64_t e;

			if (to_int) {
				e = ref_f2i((uint32_t)a[i], sg, w64);
			} else {
				uint64_t v = a[i];

				if (!w64)
					v = sg ? (uint64_t)(int64_t)(int32_t)v :
						 (uint32_t)v;
				e = fbits(sg ? (float)(int64_t)v : (float)v);
			}
			igt_assert_f(c[i] == e,
				     "cvt %s type %u: %#" PRIx64 " gave %#"
				     PRIx64 ", expected %#" PRIx64 "\n",
				     to_int ? "f32->int" : "int->f32", t, a[i],
				     c[i], e);
		}
	}

	/* integer to integer: S8 -> S64 sign-extends, U64 -> U16 truncates */
	for (unsigned int k = 0; k < 2; k++) {
		struct vsvm_isa_prog *p = env.prog;

		p->count = 0;
		elementwise_begin(p);
		element_address(p, R_T1, 0, 3);
		element_address(p, R_T3, 2, 3);
		isa_ld(p, LD, U64, R_T4, R_T1, 0);
		if (k == 0)
			isa_cvt(p, S64, S8, R_T6, R_T4);
		else
			isa_cvt(p, U16, U64, R_T6, R_T4);
		isa_st(p, ST, U64, R_T3, R_T6, 0);
		elementwise_end(p);
		igt_assert_eq(env_run_1d(&env, (n + 63) / 64, 64, args), 0);
		for (uint32_t i = 0; i < n; i++)
			igt_assert_eq_u64(c[i], k == 0 ?
					  (uint64_t)(int64_t)(int8_t)a[i] :
					  (uint16_t)a[i]);
	}
	free(a);
	free(c);
	free(args);
	env_fini(&env);
}

/* A counter of the device's debugfs vsvm_stats; skips when not root. */
static uint64_t device_counter(int fd, const char *name)
{
	FILE *f = vsvm_debugfs_open_fd(fd, "vsvm_stats");
	char line[128], key[64];
	unsigned long long v;
	bool found = false;

	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%63[^:]: %llu", key, &v) == 2 &&
			!strcmp(key, name);
	fclose(f);
	igt_assert_f(found, "no %s in vsvm_stats\n", name);
	return v;
}

/*
 * The shader counters of debugfs: every wave instruction counts once in
 * shader_wave_insts, and the lanes it ran for in shader_lane_insts. Three
 * groups of 40 items (a full wave and one of 8 lanes each) run 7
 * instructions per wave, an IF taken by lanes 0-3 in between.
 */
static void test_counters(int fd)
{
	struct vsvm_isa_prog *p;
	uint64_t w0, l0, w1, l1;
	struct env env;

	env_init(&env, fd);
	p = env.prog;
	p->count = 0;
	isa_sreg(p, 1, LANE_ID);
	isa_opi(p, SLT, U32, 2, 1, 4);
	isa_if(p, 2);
	isa_opi(p, ADD, U32, 3, 3, 1);
	isa_ctrl(p, ENDIF);
	isa_movi(p, 4, 7);
	isa_ctrl(p, END);

	w0 = device_counter(fd, "shader_wave_insts");
	l0 = device_counter(fd, "shader_lane_insts");
	igt_assert_eq(env_run_1d(&env, 3, 40, NULL), 0);
	w1 = device_counter(fd, "shader_wave_insts");
	l1 = device_counter(fd, "shader_lane_insts");
	/* per group: 7 + 7 wave instructions; 5 * 32 + 2 * 4 + 5 * 8 + 2 * 4 lanes */
	igt_assert_eq_u64(w1 - w0, 3 * 14);
	igt_assert_eq_u64(l1 - l0, 3 * (168 + 48));
	env_fini(&env);
}

static uint32_t ref_collatz(uint64_t x)
{
	uint32_t steps = 0;

	while (x != 1) {
		steps++;
		x = x & 1 ? 3 * x + 1 : x >> 1;
	}
	return steps;
}

/*
 * Divergence: every lane runs the Collatz iteration from its own start
 * (LOOP, BREAK, IF/ELSE/ENDIF, CONTINUE, lanes leaving at different
 * iterations), and lanes past the end of the array are masked off.
 */
static void test_divergence(int fd)
{
	const uint32_t n = 5000;
	struct env env;
	struct args3 *args = malloc(sizeof(*args));
	uint32_t *c = malloc(n * 4);
	struct vsvm_isa_prog *p;

	env_init(&env, fd);
	p = env.prog;
	memset(c, 0, n * 4);
	*args = (struct args3){ 0, 0, addr(c), n };

	elementwise_begin(p);
	isa_opi(p, ADD, U64, R_X, R_GID, 1);
	isa_movi(p, R_STEPS, 0);
	isa_ctrl(p, LOOP);
	isa_opi(p, SEQ, U64, R_T0, R_X, 1);
	isa_if(p, R_T0);
	isa_ctrl(p, BREAK);
	isa_ctrl(p, ENDIF);
	isa_opi(p, ADD, U32, R_STEPS, R_STEPS, 1);
	isa_opi(p, AND, U64, R_T1, R_X, 1);
	isa_if(p, R_T1);
	isa_opi(p, MUL, U64, R_X, R_X, 3);
	isa_opi(p, ADD, U64, R_X, R_X, 1);
	isa_ctrl(p, CONTINUE);
	isa_ctrl(p, ELSE);
	isa_opi(p, SHR, U64, R_X, R_X, 1);
	isa_ctrl(p, ENDIF);
	isa_ctrl(p, ENDLOOP);
	element_address(p, R_T3, 2, 2);
	isa_st(p, ST, U32, R_T3, R_STEPS, 0);
	elementwise_end(p);

	igt_assert_eq(env_run_1d(&env, (n + 95) / 96, 96, args), 0);
	for (uint32_t i = 0; i < n; i++)
		igt_assert_f(c[i] == ref_collatz(i + 1),
			     "steps[%u] = %u, expected %u\n", i, c[i],
			     ref_collatz(i + 1));
	free(c);
	free(args);
	env_fini(&env);
}

/*
 * A work-group sum in shared memory: 256 work-items (8 waves) store their
 * element, then halve the active range at each step with a BARRIER
 * between steps; item 0 adds the group's sum to a global total with a
 * global atomic and writes the group's sum. Checks every group's sum and
 * the total: the waves must have met at every barrier.
 */
static void test_reduction(int fd, uint32_t group)
{
	const uint32_t groups = 97, n = groups * group;
	struct env env;
	struct args3 *args = malloc(sizeof(*args));
	uint32_t *a = malloc(n * 4), *sums = malloc(groups * 4);
	uint32_t *total = malloc(4);
	struct drm_vsvm_cmd_dispatch d;
	struct vsvm_isa_prog *p;
	uint32_t expect_total = 0;

	env_init(&env, fd);
	p = env.prog;
	for (uint32_t i = 0; i < n; i++)
		a[i] = i * 7 + 3;
	*total = 0;
	*args = (struct args3){ addr(a), addr(total), addr(sums), n };

	isa_sreg(p, R_GID, GLOBAL_ID_X);
	isa_sreg(p, R_ARGS, ARGS);
	isa_sreg(p, R_LID, LOCAL_INDEX);
	element_address(p, R_T1, 0, 2);
	isa_ld(p, LD, U32, R_T2, R_T1, 0);
	isa_opi(p, SHL, U32, R_T3, R_LID, 2);		/* &shared[lid] */
	isa_st(p, STS, U32, R_T3, R_T2, 0);
	isa_ctrl(p, BARRIER);
	isa_movi(p, R_S, group / 2);
	isa_ctrl(p, LOOP);
	isa_opi(p, SEQ, U32, R_T0, R_S, 0);
	isa_if(p, R_T0);
	isa_ctrl(p, BREAK);
	isa_ctrl(p, ENDIF);
	isa_op(p, SLT, U32, R_T0, R_LID, R_S);
	isa_if(p, R_T0);
	isa_opi(p, SHL, U32, R_T4, R_S, 2);
	isa_op(p, ADD, U32, R_T4, R_T4, R_T3);		/* &shared[lid + s] */
	isa_ld(p, LDS, U32, R_T5, R_T3, 0);
	isa_ld(p, LDS, U32, R_T6, R_T4, 0);
	isa_op(p, ADD, U32, R_T5, R_T5, R_T6);
	isa_st(p, STS, U32, R_T3, R_T5, 0);
	isa_ctrl(p, ENDIF);
	isa_ctrl(p, BARRIER);
	isa_opi(p, SHR, U32, R_S, R_S, 1);
	isa_ctrl(p, ENDLOOP);
	isa_opi(p, SEQ, U32, R_T0, R_LID, 0);
	isa_if(p, R_T0);
	isa_movi(p, R_T7, 0);
	isa_ld(p, LDS, U32, R_T5, R_T7, 0);
	isa_ld(p, LD, U64, R_T1, R_ARGS, 8);		/* total */
	isa_atom(p, ATOM, ADD, U32, R_T6, R_T1, R_T5, 0);
	isa_ld(p, LD, U64, R_T1, R_ARGS, 16);		/* sums */
	isa_sreg(p, R_T2, GROUP_ID_X);
	isa_opi(p, SHL, U64, R_T2, R_T2, 2);
	isa_op(p, ADD, U64, R_T1, R_T1, R_T2);
	isa_st(p, ST, U32, R_T1, R_T5, 0);
	isa_ctrl(p, ENDIF);
	isa_ctrl(p, END);

	d = vsvm_isa_dispatch_1d(p, groups, group, addr(args));
	d.shared_size = group * 4;
	igt_assert_eq(env_dispatch(&env, 0, &d), 0);

	for (uint32_t g = 0; g < groups; g++) {
		uint32_t s = 0;

		for (uint32_t i = 0; i < group; i++)
			s += a[g * group + i];
		igt_assert_f(sums[g] == s, "group %u: %u, expected %u\n", g,
			     sums[g], s);
		expect_total += s;
	}
	igt_assert_eq_u32(*total, expect_total);

	free(a);
	free(sums);
	free(total);
	free(args);
	env_fini(&env);
}

/*
 * Private memory: each work-item fills 64 words of its own private memory
 * with gid * k and sums them back in reverse order; a 3-D grid, so the ids
 * in y and z count too.
 */
static void test_private(int fd)
{
	const uint32_t words = 64;
	struct env env;
	struct args3 *args = malloc(sizeof(*args));
	struct drm_vsvm_cmd_dispatch d;
	struct vsvm_isa_prog *p;
	uint32_t nx = 8 * 5, ny = 2 * 3, nz = 2 * 2, n = nx * ny * nz;
	uint64_t *c = malloc(n * 8);

	env_init(&env, fd);
	p = env.prog;
	memset(c, 0, n * 8);
	*args = (struct args3){ 0, 0, addr(c), n };

	/* linear id = x + nx * (y + ny * z) */
	isa_sreg(p, R_X, GLOBAL_ID_X);
	isa_sreg(p, R_T1, GLOBAL_ID_X + 1);
	isa_sreg(p, R_T2, GLOBAL_ID_X + 2);
	isa_opi(p, MUL, U64, R_T2, R_T2, ny);
	isa_op(p, ADD, U64, R_T1, R_T1, R_T2);
	isa_opi(p, MUL, U64, R_T1, R_T1, nx);
	isa_op(p, ADD, U64, R_GID, R_X, R_T1);
	isa_sreg(p, R_ARGS, ARGS);
	isa_movi(p, R_S, 0);
	isa_ctrl(p, LOOP);
	isa_opi(p, SEQ, U32, R_T0, R_S, words);
	isa_if(p, R_T0);
	isa_ctrl(p, BREAK);
	isa_ctrl(p, ENDIF);
	isa_op(p, MUL, U64, R_T3, R_GID, R_S);
	isa_opi(p, SHL, U32, R_T4, R_S, 3);
	isa_st(p, STP, U64, R_T4, R_T3, 0);
	isa_opi(p, ADD, U32, R_S, R_S, 1);
	isa_ctrl(p, ENDLOOP);
	isa_movi(p, R_T5, 0);
	isa_ctrl(p, LOOP);
	isa_opi(p, SEQ, U32, R_T0, R_S, 0);
	isa_if(p, R_T0);
	isa_ctrl(p, BREAK);
	isa_ctrl(p, ENDIF);
	isa_opi(p, SUB, U32, R_S, R_S, 1);
	isa_opi(p, SHL, U32, R_T4, R_S, 3);
	isa_ld(p, LDP, U64, R_T6, R_T4, 0);
	isa_op(p, ADD, U64, R_T5, R_T5, R_T6);
	isa_ctrl(p, ENDLOOP);
	element_address(p, R_T3, 2, 3);
	isa_st(p, ST, U64, R_T3, R_T5, 0);
	isa_ctrl(p, END);

	d = vsvm_isa_dispatch_1d(p, 1, 1, addr(args));
	d.grid[0] = 5;
	d.grid[1] = 3;
	d.grid[2] = 2;
	d.group_size[0] = 8;
	d.group_size[1] = 2;
	d.group_size[2] = 2;
	d.group_count = 5 * 3 * 2;
	d.private_size = words * 8;
	igt_assert_eq(env_dispatch(&env, 0, &d), 0);
	for (uint32_t i = 0; i < n; i++)
		igt_assert_eq_u64(c[i], (uint64_t)i * (words * (words - 1) / 2));
	free(c);
	free(args);
	env_fini(&env);
}

struct cpu_adder {
	pthread_t thread;
	uint32_t *counters;
	unsigned int ncounters;
	unsigned int rounds;
};

static void *cpu_add(void *arg)
{
	struct cpu_adder *c = arg;

	for (unsigned int r = 0; r < c->rounds; r++)
		for (unsigned int i = 0; i < c->ncounters; i++)
			__atomic_fetch_add(&c->counters[i], 1,
					   __ATOMIC_SEQ_CST);
	return NULL;
}

/*
 * Global atomics racing CPU threads on the same counters (fine-grain
 * system SVM): 8192 work-items add 1 to counter gid % 16 four times each,
 * spread over every engine, while two CPU threads add to every counter;
 * every sum is exact.
 */
static void test_atomic_race(int fd)
{
	const unsigned int ncounters = 16, items = 8192, reps = 4;
	const unsigned int rounds = 20000;
	struct cpu_adder cpu[2];
	struct drm_vsvm_ufence *uf[8];
	struct env env;
	struct args3 *args = malloc(sizeof(*args));
	uint32_t *counters = alloc_pages(4096);
	struct vsvm_isa_prog *p;
	unsigned int jobs;

	env_init(&env, fd);
	p = env.prog;
	*args = (struct args3){ addr(counters), 0, 0, items };

	elementwise_begin(p);
	isa_ld(p, LD, U64, R_T1, R_ARGS, 0);
	isa_opi(p, AND, U64, R_T2, R_GID, ncounters - 1);
	isa_opi(p, SHL, U64, R_T2, R_T2, 2);
	isa_op(p, ADD, U64, R_T1, R_T1, R_T2);
	isa_movi(p, R_T3, 1);
	isa_movi(p, R_S, reps);
	isa_ctrl(p, LOOP);
	isa_opi(p, SEQ, U32, R_T0, R_S, 0);
	isa_if(p, R_T0);
	isa_ctrl(p, BREAK);
	isa_ctrl(p, ENDIF);
	isa_atom(p, ATOM, ADD, U32, R_T4, R_T1, R_T3, 0);
	isa_opi(p, SUB, U32, R_S, R_S, 1);
	isa_ctrl(p, ENDLOOP);
	elementwise_end(p);

	for (unsigned int t = 0; t < 2; t++) {
		cpu[t] = (struct cpu_adder){ .counters = counters,
					     .ncounters = ncounters,
					     .rounds = rounds };
		igt_assert_eq(pthread_create(&cpu[t].thread, NULL, cpu_add,
					     &cpu[t]), 0);
	}
	/* the groups split over the engines, one job each */
	jobs = env.engines < 8 ? env.engines : 8;
	for (unsigned int e = 0; e < jobs; e++) {
		struct drm_vsvm_cmd_dispatch d =
			vsvm_isa_dispatch_1d(p, items / 64, 64, addr(args));
		uint32_t per = d.grid[0] / jobs;

		d.group_first = e * per;
		d.group_count = e == jobs - 1 ? d.grid[0] - e * per : per;
		vsvm_cmdbuf_reset(env.cb);
		vsvm_emit_dispatch(env.cb, &d);
		uf[e] = vsvm_ufence_create();
		vsvm_exec_ufence(fd, env.vm, e, env.cb, NULL, 0, uf[e]);
	}
	for (unsigned int e = 0; e < jobs; e++) {
		igt_assert_eq(job_status(vsvm_ufence_wait_status(fd, uf[e],
							VSVM_JOB_WAIT_NS)), 0);
		vsvm_ufence_destroy(uf[e]);
	}
	for (unsigned int t = 0; t < 2; t++)
		pthread_join(cpu[t].thread, NULL);

	for (unsigned int i = 0; i < ncounters; i++)
		igt_assert_eq_u32(counters[i],
				  items / ncounters * reps + 2 * rounds);
	munmap(counters, 4096);
	free(args);
	env_fini(&env);
}

/* Every atomic op on 32 and 64 bits, one lane, old and new values. */
static void test_atomic_ops(int fd)
{
	static const struct {
		uint16_t aop;
		uint8_t type;
		uint64_t mem, v, cmp, expect_mem;
	} t[] = {
		{ DRM_VSVM_ISA_ATOMIC_ADD, DRM_VSVM_ISA_U32, 0xffffffff, 2, 0, 1 },
		{ DRM_VSVM_ISA_ATOMIC_ADD, DRM_VSVM_ISA_U64, 0xffffffff, 2, 0,
		  0x100000001ull },
		{ DRM_VSVM_ISA_ATOMIC_XCHG, DRM_VSVM_ISA_U32, 5, 9, 0, 9 },
		{ DRM_VSVM_ISA_ATOMIC_CMPXCHG, DRM_VSVM_ISA_U32, 5, 9, 5, 9 },
		{ DRM_VSVM_ISA_ATOMIC_CMPXCHG, DRM_VSVM_ISA_U64, 5, 9, 6, 5 },
		{ DRM_VSVM_ISA_ATOMIC_AND, DRM_VSVM_ISA_U64, 0xff00ff, 0xf0f0f0,
		  0, 0xf000f0 },
		{ DRM_VSVM_ISA_ATOMIC_OR, DRM_VSVM_ISA_U32, 0xf0, 0x0f, 0, 0xff },
		{ DRM_VSVM_ISA_ATOMIC_XOR, DRM_VSVM_ISA_U32, 0xff, 0x0f, 0, 0xf0 },
		{ DRM_VSVM_ISA_ATOMIC_MIN, DRM_VSVM_ISA_S32, 3, 0xfffffffe, 0,
		  0xfffffffe },
		{ DRM_VSVM_ISA_ATOMIC_MIN, DRM_VSVM_ISA_U32, 3, 0xfffffffe, 0, 3 },
		{ DRM_VSVM_ISA_ATOMIC_MAX, DRM_VSVM_ISA_S64, 3, (uint64_t)-2, 0,
		  3 },
		{ DRM_VSVM_ISA_ATOMIC_MAX, DRM_VSVM_ISA_U64, 3, (uint64_t)-2, 0,
		  (uint64_t)-2 },
	};
	struct env env;
	uint64_t *buf = alloc_pages(4096);
	struct vsvm_isa_prog *p;

	env_init(&env, fd);
	p = env.prog;
	for (unsigned int i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		bool w64 = t[i].type >= DRM_VSVM_ISA_U64;

		/* buf[0] operand, buf[1] v, buf[2] cmp, buf[3] old */
		memset(buf, 0, 64);
		buf[0] = t[i].mem;
		buf[1] = t[i].v;
		buf[2] = t[i].cmp;
		p->count = 0;
		isa_sreg(p, R_ARGS, ARGS);
		isa_ld(p, LD, U64, R_T1, R_ARGS, 8);
		isa_ld(p, LD, U64, R_T2, R_ARGS, 16);
		vsvm_isa(p, DRM_VSVM_ISA_OP_ATOM, t[i].type, R_T3, R_ARGS,
			 R_T1, t[i].aop == DRM_VSVM_ISA_ATOMIC_CMPXCHG ? R_T2 : 0,
			 DRM_VSVM_ISA_ATOMIC(t[i].aop), 0);
		isa_st(p, ST, U64, R_ARGS, R_T3, 24);
		isa_ctrl(p, END);
		igt_assert_eq(env_run_1d(&env, 1, 1, buf), 0);
		igt_assert_f(buf[0] == (w64 ? t[i].expect_mem :
				(t[i].expect_mem & 0xffffffff) |
				(t[i].mem & ~0xffffffffull)),
			     "atomic %u: memory %#" PRIx64 "\n", i, buf[0]);
		igt_assert_eq_u64(buf[3], w64 ? t[i].mem :
				  (uint32_t)t[i].mem);
	}
	munmap(buf, 4096);
	env_fini(&env);
}

/*
 * Inputs prefetched to VRAM: the vector add reads device-private pages
 * (the GPU MMU maps VRAM) and the results are exact.
 */
static void test_vram_inputs(int fd)
{
	const uint32_t n = 2 * 1024 * 1024 / 4;
	size_t size = n * 4;
	struct env env;
	struct args3 *args = malloc(sizeof(*args));
	uint32_t *a, *b, *c;

	igt_require(vsvm_has_vram(fd));
	env_init(&env, fd);
	a = alloc_pages(size);
	b = alloc_pages(size);
	c = alloc_pages(size);
	for (uint32_t i = 0; i < n; i++) {
		a[i] = i;
		b[i] = 3 * i;
	}
	*args = (struct args3){ addr(a), addr(b), addr(c), n };
	vsvm_prefetch(fd, env.vm, addr(a), size, DRM_VSVM_REGION_VRAM);
	vsvm_prefetch(fd, env.vm, addr(b), size, DRM_VSVM_REGION_VRAM);
	vsvm_assert_residency(fd, env.vm, a, size / 4096,
			      DRM_VSVM_RESIDENCY_VRAM);
	build_vector_op(env.prog, DRM_VSVM_ISA_OP_ADD, DRM_VSVM_ISA_U32);
	igt_assert_eq(env_run_1d(&env, n / 256, 256, args), 0);
	for (uint32_t i = 0; i < n; i++)
		igt_assert_eq_u32(c[i], 4 * i);
	munmap(a, size);
	munmap(b, size);
	munmap(c, size);
	free(args);
	env_fini(&env);
}

/* A program that reads through args->a, which the test unmaps. */
static void test_fault_unmapped(int fd)
{
	struct env env;
	struct args3 *args = malloc(sizeof(*args));
	uint32_t *a = alloc_pages(4096), *c = alloc_pages(4096);

	env_init(&env, fd);
	munmap(a, 4096);
	*args = (struct args3){ addr(a), 0, addr(c), 64 };
	build_vector_op(env.prog, DRM_VSVM_ISA_OP_ADD, DRM_VSVM_ISA_U32);
	igt_assert_eq(env_run_1d(&env, 1, 64, args), -EFAULT);
	assert_vm_error(&env, -EFAULT, addr(a), DRM_VSVM_ACCESS_READ);

	/* the VM and the device go on */
	a = alloc_pages(4096);
	memset(a, 1, 4096);
	memset(c, 0, 4096);
	args->a = addr(a);
	args->b = addr(a);
	igt_assert_eq(env_run_1d(&env, 1, 64, args), 0);
	for (unsigned int i = 0; i < 64; i++)
		igt_assert_eq_u32(c[i], 0x02020202);
	munmap(a, 4096);
	munmap(c, 4096);
	free(args);
	env_fini(&env);
}

/* A store through a read-only mapping, and a misaligned load. */
static void test_fault_access(int fd)
{
	struct env env;
	struct args3 *args = malloc(sizeof(*args));
	uint32_t *a = alloc_pages(4096), *c = alloc_pages(4096);
	struct vsvm_isa_prog *p;

	env_init(&env, fd);
	p = env.prog;
	memset(a, 0, 4096);
	igt_assert_eq(mprotect(c, 4096, PROT_READ), 0);
	*args = (struct args3){ addr(a), addr(a), addr(c), 64 };
	build_vector_op(p, DRM_VSVM_ISA_OP_ADD, DRM_VSVM_ISA_U32);
	igt_assert_eq(env_run_1d(&env, 1, 64, args), -EACCES);
	assert_vm_error(&env, -EACCES, addr(c), DRM_VSVM_ACCESS_WRITE);

	p->count = 0;
	isa_sreg(p, R_ARGS, ARGS);
	isa_ld(p, LD, U64, R_T1, R_ARGS, 0);
	isa_ld(p, LD, U32, R_T2, R_T1, 2);
	isa_ctrl(p, END);
	igt_assert_eq(env_run_1d(&env, 1, 1, args), -EINVAL);
	assert_vm_error(&env, -EINVAL, addr(a) + 2, DRM_VSVM_ACCESS_READ);

	/* shared memory out of bounds: the instruction is named */
	p->count = 0;
	isa_movi(p, R_T1, 64);
	isa_ld(p, LDS, U32, R_T2, R_T1, 0);
	isa_ctrl(p, END);
	igt_assert_eq(env_run_1d(&env, 1, 1, args), -EINVAL);
	assert_vm_error(&env, -EINVAL, vsvm_isa_prog_address(p) + 16,
			DRM_VSVM_ACCESS_FETCH);

	munmap(a, 4096);
	munmap(c, 4096);
	free(args);
	env_fini(&env);
}

/* A BARRIER inside a branch that only half of a wave takes. */
static void test_divergent_barrier(int fd)
{
	struct env env;
	struct vsvm_isa_prog *p;
	unsigned int at;

	env_init(&env, fd);
	p = env.prog;
	isa_sreg(p, R_LID, LANE_ID);
	isa_opi(p, SLT, U32, R_T0, R_LID, 16);
	isa_if(p, R_T0);
	at = isa_ctrl(p, BARRIER);
	isa_ctrl(p, ENDIF);
	isa_ctrl(p, END);
	igt_assert_eq(env_run_1d(&env, 1, 32, NULL), -EINVAL);
	assert_vm_error(&env, -EINVAL, vsvm_isa_prog_address(p) + 16 * at,
			DRM_VSVM_ACCESS_FETCH);

	/* a barrier no lane of a wave reaches is skipped */
	p->count = 0;
	isa_sreg(p, R_LID, LOCAL_INDEX);
	isa_opi(p, SLT, U32, R_T0, R_LID, 32);
	isa_if(p, R_T0);
	isa_ctrl(p, BARRIER);
	isa_ctrl(p, ENDIF);
	isa_ctrl(p, END);
	igt_assert_eq(env_run_1d(&env, 1, 64, NULL), 0);
	env_fini(&env);
}

/* LOOP ... ENDLOOP with no way out ends at the job timeout. */
static void test_infinite_loop(int fd)
{
	struct env env;
	struct args3 *args = malloc(sizeof(*args));
	uint32_t *c = alloc_pages(4096);
	uint64_t t0;

	env_init(&env, fd);
	isa_ctrl(env.prog, LOOP);
	isa_ctrl(env.prog, NOP);
	isa_ctrl(env.prog, ENDLOOP);
	isa_ctrl(env.prog, END);
	t0 = vsvm_gettime_ns();
	igt_assert_eq(env_run_1d(&env, 4, 64, NULL), -ETIMEDOUT);
	igt_assert_lte_u64(vsvm_job_timeout_ms() * 1000000ull,
			   vsvm_gettime_ns() - t0);

	/* the VM goes on */
	memset(c, 0, 4096);
	*args = (struct args3){ addr(c), addr(c), addr(c), 64 };
	build_vector_op(env.prog, DRM_VSVM_ISA_OP_ADD, DRM_VSVM_ISA_U32);
	igt_assert_eq(env_run_1d(&env, 1, 64, args), 0);
	munmap(c, 4096);
	free(args);
	env_fini(&env);
}

/*
 * Malformed programs: each fails with -EINVAL before any lane runs (the
 * marker store at the start never happens) and the error record names the
 * bad instruction (a failed fetch at its address).
 */
static void test_bad_programs(int fd)
{
	struct env env;
	uint32_t *marker = alloc_pages(4096);
	struct vsvm_isa_prog *p;

	env_init(&env, fd);
	p = env.prog;

#define BAD_PROGRAM(what, body) do { \
		unsigned int bad_at = ~0u; \
		p->count = 0; \
		isa_sreg(p, R_ARGS, ARGS); \
		isa_movi(p, R_T1, 1); \
		isa_st(p, ST, U32, R_ARGS, R_T1, 0); \
		body; \
		*marker = 0; \
		igt_assert_f(env_run_1d(&env, 1, 32, marker) == -EINVAL, \
			     "%s: accepted\n", what); \
		igt_assert_f(*marker == 0, "%s: ran\n", what); \
		if (bad_at == ~0u) \
			bad_at = p->count - 1; \
		assert_vm_error(&env, -EINVAL, vsvm_isa_prog_address(p) + \
				16 * bad_at, DRM_VSVM_ACCESS_FETCH); \
	} while (0)

	BAD_PROGRAM("unknown opcode",
		    bad_at = vsvm_isa(p, 0xff, 0, 0, 0, 0, 0, 0, 0);
		    isa_ctrl(p, END));
	BAD_PROGRAM("opcode 0",
		    bad_at = vsvm_isa(p, 0, 0, 0, 0, 0, 0, 0, 0);
		    isa_ctrl(p, END));
	BAD_PROGRAM("register 64",
		    bad_at = isa_op(p, ADD, U32, 64, 1, 2); isa_ctrl(p, END));
	BAD_PROGRAM("source register 200",
		    bad_at = isa_op(p, ADD, U32, 1, 200, 2); isa_ctrl(p, END));
	BAD_PROGRAM("immediate and src1",
		    bad_at = vsvm_isa(p, DRM_VSVM_ISA_OP_ADD, DRM_VSVM_ISA_U32,
				      1, 1, 2, 0, DRM_VSVM_ISA_IMM, 5);
		    isa_ctrl(p, END));
	BAD_PROGRAM("imm without the flag",
		    bad_at = vsvm_isa(p, DRM_VSVM_ISA_OP_ADD, DRM_VSVM_ISA_U32,
				      1, 1, 2, 0, 0, 5);
		    isa_ctrl(p, END));
	BAD_PROGRAM("32-bit immediate with upper bits",
		    bad_at = isa_opi(p, ADD, U32, 1, 1, 1ull << 32);
		    isa_ctrl(p, END));
	BAD_PROGRAM("F32 immediate with upper bits",
		    bad_at = isa_opi(p, FADD, F32, 1, 1, 0x13f800000ull);
		    isa_ctrl(p, END));
	BAD_PROGRAM("CVT source type past 8 bits",
		    bad_at = vsvm_isa(p, DRM_VSVM_ISA_OP_CVT, DRM_VSVM_ISA_U32,
				      1, 2, 0, 0, 0, 0x100 | DRM_VSVM_ISA_U8);
		    isa_ctrl(p, END));
	BAD_PROGRAM("unknown flag",
		    bad_at = vsvm_isa(p, DRM_VSVM_ISA_OP_ADD, DRM_VSVM_ISA_U32,
				      1, 1, 2, 0, 0x8000, 0);
		    isa_ctrl(p, END));
	BAD_PROGRAM("NOP with a register",
		    bad_at = vsvm_isa(p, DRM_VSVM_ISA_OP_NOP, 0, 1, 0, 0, 0, 0,
				      0);
		    isa_ctrl(p, END));
	BAD_PROGRAM("MOV with a type",
		    bad_at = vsvm_isa(p, DRM_VSVM_ISA_OP_MOV, DRM_VSVM_ISA_U32,
				      1, 2, 0, 0, 0, 0);
		    isa_ctrl(p, END));
	BAD_PROGRAM("FADD on U32",
		    bad_at = isa_op(p, FADD, U32, 1, 2, 3); isa_ctrl(p, END));
	BAD_PROGRAM("ADD on F32",
		    bad_at = isa_op(p, ADD, F32, 1, 2, 3); isa_ctrl(p, END));
	BAD_PROGRAM("ADD on U8",
		    bad_at = isa_op(p, ADD, U8, 1, 2, 3); isa_ctrl(p, END));
	BAD_PROGRAM("type 10",
		    bad_at = vsvm_isa(p, DRM_VSVM_ISA_OP_LD, 10, 1, 2, 0, 0, 0,
				      0);
		    isa_ctrl(p, END));
	BAD_PROGRAM("offset beyond 32 bits",
		    bad_at = vsvm_isa(p, DRM_VSVM_ISA_OP_LD, DRM_VSVM_ISA_U32, 1,
				      2, 0, 0, 0, 1ull << 31);
		    isa_ctrl(p, END));
	BAD_PROGRAM("SREG 0",
		    bad_at = vsvm_isa(p, DRM_VSVM_ISA_OP_SREG, 0, 1, 0, 0, 0, 0,
				      0);
		    isa_ctrl(p, END));
	BAD_PROGRAM("SREG past the last",
		    bad_at = vsvm_isa(p, DRM_VSVM_ISA_OP_SREG, 0, 1, 0, 0, 0, 0,
				      DRM_VSVM_ISA_SR_COUNT);
		    isa_ctrl(p, END));
	BAD_PROGRAM("CVT F32 to F32",
		    bad_at = isa_cvt(p, F32, F32, 1, 2); isa_ctrl(p, END));
	BAD_PROGRAM("CVT from type 0",
		    bad_at = vsvm_isa(p, DRM_VSVM_ISA_OP_CVT, DRM_VSVM_ISA_U32,
				      1, 2, 0, 0, 0, 0);
		    isa_ctrl(p, END));
	BAD_PROGRAM("atomic op 9",
		    bad_at = vsvm_isa(p, DRM_VSVM_ISA_OP_ATOM, DRM_VSVM_ISA_U32,
				      1, 2, 3, 0, DRM_VSVM_ISA_ATOMIC(9), 0);
		    isa_ctrl(p, END));
	BAD_PROGRAM("atomic without op",
		    bad_at = vsvm_isa(p, DRM_VSVM_ISA_OP_ATOM, DRM_VSVM_ISA_U32,
				      1, 2, 3, 0, 0, 0);
		    isa_ctrl(p, END));
	BAD_PROGRAM("ATOM ADD with a compare register",
		    bad_at = isa_atom(p, ATOM, ADD, U32, 1, 2, 3, 4);
		    isa_ctrl(p, END));
	BAD_PROGRAM("atomic on U8",
		    bad_at = isa_atom(p, ATOM, ADD, U8, 1, 2, 3, 0);
		    isa_ctrl(p, END));
	BAD_PROGRAM("ELSE without IF",
		    bad_at = isa_ctrl(p, ELSE); isa_ctrl(p, END));
	BAD_PROGRAM("two ELSEs",
		    isa_if(p, 1); isa_ctrl(p, ELSE);
		    bad_at = isa_ctrl(p, ELSE); isa_ctrl(p, ENDIF);
		    isa_ctrl(p, END));
	BAD_PROGRAM("ENDIF without IF",
		    bad_at = isa_ctrl(p, ENDIF); isa_ctrl(p, END));
	BAD_PROGRAM("ENDLOOP closing an IF",
		    isa_ctrl(p, LOOP); isa_if(p, 1);
		    bad_at = isa_ctrl(p, ENDLOOP); isa_ctrl(p, ENDIF);
		    isa_ctrl(p, END));
	BAD_PROGRAM("BREAK outside a loop",
		    bad_at = isa_ctrl(p, BREAK); isa_ctrl(p, END));
	BAD_PROGRAM("CONTINUE outside a loop",
		    isa_ctrl(p, LOOP); isa_ctrl(p, ENDLOOP);
		    bad_at = isa_ctrl(p, CONTINUE); isa_ctrl(p, END));
	BAD_PROGRAM("an IF left open", isa_if(p, 1); isa_ctrl(p, END));
	BAD_PROGRAM("no END", isa_ctrl(p, NOP));
	BAD_PROGRAM("nesting deeper than the mask stack",
		    for (int i = 0; i < DRM_VSVM_ISA_MAX_NESTING + 1; i++) {
			unsigned int at = isa_ctrl(p, LOOP);

			if (i == DRM_VSVM_ISA_MAX_NESTING)
				bad_at = at;
		    }
		    for (int i = 0; i < DRM_VSVM_ISA_MAX_NESTING + 1; i++)
			isa_ctrl(p, ENDLOOP);
		    isa_ctrl(p, END));
#undef BAD_PROGRAM

	/* the deepest nesting allowed runs */
	p->count = 0;
	for (int i = 0; i < DRM_VSVM_ISA_MAX_NESTING; i++)
		isa_if(p, R_T1);
	for (int i = 0; i < DRM_VSVM_ISA_MAX_NESTING; i++)
		isa_ctrl(p, ENDIF);
	isa_ctrl(p, END);
	igt_assert_eq(env_run_1d(&env, 1, 32, NULL), 0);

	munmap(marker, 4096);
	env_fini(&env);
}

/*
 * Malformed DISPATCH commands: -EINVAL, recorded as for every malformed
 * command (no access, no address); an unmapped program: -EFAULT at its
 * address (a fetch).
 */
static void test_bad_dispatch(int fd)
{
	struct env env;
	struct drm_vsvm_query_device info;
	struct vsvm_isa_prog *p;
	void *hole;

	vsvm_query_device(fd, &info);
	env_init(&env, fd);
	p = env.prog;
	isa_ctrl(p, END);

#define BAD_DISPATCH(what, err, field_change) do { \
		struct drm_vsvm_cmd_dispatch d = \
			vsvm_isa_dispatch_1d(p, 4, 32, 0); \
		field_change; \
		vsvm_cmdbuf_reset(env.cb); \
		vsvm_emit_dispatch(env.cb, &d); \
		igt_assert_f(job_status(vsvm_exec_wait(fd, env.vm, 0, \
						       env.cb)) == err, \
			     "%s: not %d\n", what, err); \
	} while (0)

	BAD_DISPATCH("flags", -EINVAL, d.hdr.flags = 1);
	assert_vm_error(&env, -EINVAL, 0, 0);
	BAD_DISPATCH("pad", -EINVAL, d.pad = 1);
	assert_vm_error(&env, -EINVAL, 0, 0);
	BAD_DISPATCH("grid x 0", -EINVAL, d.grid[0] = 0);
	assert_vm_error(&env, -EINVAL, 0, 0);
	BAD_DISPATCH("grid z 0", -EINVAL, d.grid[2] = 0);
	BAD_DISPATCH("group y 0", -EINVAL, d.group_size[1] = 0);
	BAD_DISPATCH("group too large", -EINVAL,
		     d.group_size[0] = info.max_group_size + 1);
	BAD_DISPATCH("group too large in 3-D", -EINVAL,
		     d.group_size[0] = 64; d.group_size[1] = 64;
		     d.group_size[2] = 64);
	BAD_DISPATCH("shared too large", -EINVAL,
		     d.shared_size = info.max_shared_size + 1);
	BAD_DISPATCH("private too large", -EINVAL,
		     d.private_size = info.max_private_size + 1);
	BAD_DISPATCH("program misaligned", -EINVAL, d.program += 8);
	BAD_DISPATCH("program size 0", -EINVAL, d.program_size = 0);
	BAD_DISPATCH("program size 24", -EINVAL, d.program_size = 24);
	BAD_DISPATCH("program too large", -EINVAL,
		     d.program_size = DRM_VSVM_ISA_MAX_PROGRAM + 16);
	BAD_DISPATCH("group count 0", -EINVAL, d.group_count = 0);
	BAD_DISPATCH("groups past the grid", -EINVAL,
		     d.group_first = 1; d.group_count = 4);
	assert_vm_error(&env, -EINVAL, 0, 0);
	BAD_DISPATCH("kernel address", -EFAULT,
		     d.program = 0xffff888000000000ull);
	assert_vm_error(&env, -EFAULT, 0xffff888000000000ull,
			DRM_VSVM_ACCESS_FETCH);

	hole = alloc_pages(4096);
	munmap(hole, 4096);
	BAD_DISPATCH("unmapped program", -EFAULT, d.program = addr(hole));
	assert_vm_error(&env, -EFAULT, addr(hole), DRM_VSVM_ACCESS_FETCH);
#undef BAD_DISPATCH

	/* a huge grid is fine as long as the range run is small */
	{
		struct drm_vsvm_cmd_dispatch d = vsvm_isa_dispatch_1d(p, 1, 1, 0);

		d.grid[0] = d.grid[1] = d.grid[2] = UINT32_MAX;
		d.group_first = UINT32_MAX;
		d.group_count = 2;
		igt_assert_eq(env_dispatch(&env, 0, &d), 0);
	}
	env_fini(&env);
}

/* Which binary32 implementation the loaded module runs, for the log. */
static void print_fp_mode(void)
{
	FILE *f = fopen("/sys/module/vsvm/parameters/shader_fpu", "r");
	int c = f ? fgetc(f) : EOF;

	if (f)
		fclose(f);
	igt_info("binary32: %s\n", c == 'Y' ? "FPU (shader_fpu=Y)" :
		 c == 'N' ? "soft-float (shader_fpu=N)" :
		 "soft-float (no shader_fpu parameter)");
}

igt_main
{
	int fd = -1;

	igt_fixture {
		fd = drm_open_vsvm_render();
		igt_require_f(vsvm_uapi_at_least(fd, 0, 8),
			      "the driver has no shader cores (uapi 0.8)\n");
		print_fp_mode();
	}

	igt_describe("QUERY reports the shader cores: the DISPATCH feature, "
		     "ISA 1.0 and the dispatch limits.");
	igt_subtest("query")
		test_query(fd);

	igt_describe("Vector add of 32-bit integers over malloc() memory: "
		     "every element exact, nothing written past the end, GPU "
		     "page faults counted.");
	igt_subtest("vector-add-malloc")
		test_vector_add(fd, false, true);

	igt_describe("Vector add of binary32 values over fresh mmap() "
		     "memory, bit for bit against the CPU.");
	igt_subtest("vector-add-f32")
		test_vector_add(fd, true, false);

	igt_describe("Every integer ALU op and compare in U32, S32, U64 and "
		     "S64 on pairs of edge values, against a reference.");
	igt_subtest("int-ops")
		test_int_ops(fd);

	igt_describe("binary32 ALU ops and compares on edge values (zeros, "
		     "denormals, infinities, NaNs) and random values, bit "
		     "for bit against the CPU.");
	igt_subtest("f32-ops")
		test_f32_ops(fd);

	igt_describe("CVT between binary32 and integers, and between integer "
		     "types.");
	igt_subtest("cvt")
		test_cvt(fd);

	igt_describe("The device's shader counters in debugfs: wave "
		     "instructions, and the lanes they ran for.");
	igt_subtest("counters")
		test_counters(fd);

	igt_describe("Divergent control flow: per-lane Collatz loops with "
		     "BREAK, CONTINUE and IF/ELSE.");
	igt_subtest("divergence")
		test_divergence(fd);

	igt_describe("A work-group reduction in shared memory with barriers, "
		     "256 work-items (8 waves) per group.");
	igt_subtest("reduction-shared")
		test_reduction(fd, 256);

	igt_describe("The same reduction with 1024 work-items (32 waves) per "
		     "group.");
	igt_subtest("reduction-shared-1024")
		test_reduction(fd, 1024);

	igt_describe("Private memory per work-item on a 3-D grid.");
	igt_subtest("private")
		test_private(fd);

	igt_describe("Every global atomic op on 32 and 64 bits.");
	igt_subtest("atomic-ops")
		test_atomic_ops(fd);

	igt_describe("Global atomics from work-items on every engine racing "
		     "CPU threads on the same counters: exact sums.");
	igt_subtest("atomic-cpu-race")
		test_atomic_race(fd);

	igt_describe("A vector add whose inputs were prefetched to VRAM.");
	igt_subtest("vram-inputs")
		test_vram_inputs(fd);

	igt_describe("A load from unmapped memory fails the job with -EFAULT "
		     "at that address; the VM goes on.");
	igt_subtest("fault-unmapped")
		test_fault_unmapped(fd);

	igt_describe("A store to read-only memory (-EACCES), a misaligned "
		     "load and shared memory out of bounds (-EINVAL).");
	igt_subtest("fault-access")
		test_fault_access(fd);

	igt_describe("A barrier reached by half a wave fails the job.");
	igt_subtest("divergent-barrier")
		test_divergent_barrier(fd);

	igt_describe("A program that never ends stops at the job timeout with "
		     "-ETIMEDOUT; the VM goes on.");
	igt_subtest("infinite-loop")
		test_infinite_loop(fd);

	igt_describe("Malformed programs fail with -EINVAL before any lane "
		     "runs, naming the bad instruction.");
	igt_subtest("bad-programs")
		test_bad_programs(fd);

	igt_describe("Malformed DISPATCH commands fail with -EINVAL, unmapped "
		     "or kernel programs with -EFAULT at their address.");
	igt_subtest("bad-dispatch")
		test_bad_dispatch(fd);

	igt_fixture
		drm_close_driver(fd);
}
