// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

/*
 * binary32 for the shader cores (vsvm_shader.c), on the CPU's FPU.
 *
 * This file is compiled with $(CC_FLAGS_FPU): its functions run only
 * between kernel_fpu_begin() and kernel_fpu_end(), which its caller
 * brackets around one instruction of one wave (32 lanes at most), so a
 * section is bounded. kernel_fpu_begin() loads the default MXCSR: round to
 * nearest even, no flush to zero, exceptions masked; that is the ISA's
 * rounding (vsvm_isa.h). FSQRT is computed on the bits, by the same
 * function as in soft-float (vsvm_softfp_sqrt()), so that no libm call is
 * needed.
 *
 * vsvm_shader_softfp.c computes the same results without the FPU; which
 * one runs is the shader_fpu parameter's choice (vsvm_shader.c).
 */

#include <linux/limits.h>
#include <linux/types.h>

#include "vsvm_shader.h"

static inline float vsvm_f32(u64 v)
{
	union { u32 u; float f; } x = { .u = (u32)v };

	return x.f;
}

static inline u64 vsvm_f32_bits(float f)
{
	union { u32 u; float f; } x = { .f = f };

	return x.u;
}

static inline bool vsvm_f32_nan(float f)
{
	return f != f;
}

static float vsvm_fmin(float a, float b)
{
	if (vsvm_f32_nan(a))
		return b;
	if (vsvm_f32_nan(b))
		return a;
	/* -0 is below +0 */
	if (a == b)
		return vsvm_f32_bits(a) & 0x80000000u ? a : b;
	return a < b ? a : b;
}

static float vsvm_fmax(float a, float b)
{
	if (vsvm_f32_nan(a))
		return b;
	if (vsvm_f32_nan(b))
		return a;
	if (a == b)
		return vsvm_f32_bits(a) & 0x80000000u ? b : a;
	return a > b ? a : b;
}

static u64 vsvm_fp_one(u8 op, float a, float b)
{
	switch (op) {
	case DRM_VSVM_ISA_OP_FADD:
		return vsvm_f32_bits(a + b);
	case DRM_VSVM_ISA_OP_FSUB:
		return vsvm_f32_bits(a - b);
	case DRM_VSVM_ISA_OP_FMUL:
		return vsvm_f32_bits(a * b);
	case DRM_VSVM_ISA_OP_FDIV:
		return vsvm_f32_bits(a / b);
	case DRM_VSVM_ISA_OP_FMIN:
		return vsvm_f32_bits(vsvm_fmin(a, b));
	case DRM_VSVM_ISA_OP_FMAX:
		return vsvm_f32_bits(vsvm_fmax(a, b));
	case DRM_VSVM_ISA_OP_SEQ:
		return a == b;
	case DRM_VSVM_ISA_OP_SNE:
		return !(a == b);
	case DRM_VSVM_ISA_OP_SLT:
		return a < b;
	default: /* DRM_VSVM_ISA_OP_SGE, checked by the caller */
		return a >= b;
	}
}

/**
 * vsvm_shader_fp_alu() - a binary32 ALU op or compare on a wave
 * @op: DRM_VSVM_ISA_OP_F* or a compare
 * @d: destination register, one u64 per lane
 * @a: first operand
 * @b: second operand (ignored by FSQRT)
 * @exec: lanes to compute
 */
void vsvm_shader_fp_alu(u8 op, u64 *d, const u64 *a, const u64 *b, u32 exec)
{
	unsigned int l;

	for (l = 0; l < VSVM_WAVE; l++) {
		if (!(exec & (1u << l)))
			continue;
		if (op == DRM_VSVM_ISA_OP_FSQRT)
			d[l] = vsvm_softfp_sqrt(a[l]);
		else
			d[l] = vsvm_fp_one(op, vsvm_f32(a[l]), vsvm_f32(b[l]));
	}
}

/**
 * vsvm_shader_fp_to_int() - CVT from F32 to an integer type
 * @type: destination type, DRM_VSVM_ISA_U8 to DRM_VSVM_ISA_S64
 * @d: destination register
 * @a: source register (binary32 in the low 32 bits)
 * @exec: lanes to convert
 *
 * Rounds toward zero and saturates to the range of @type; NaN gives 0.
 * The result is zero-extended from the width of @type.
 */
void vsvm_shader_fp_to_int(u8 type, u64 *d, const u64 *a, u32 exec)
{
	static const unsigned int bits[] = {
		[DRM_VSVM_ISA_U8] = 8, [DRM_VSVM_ISA_S8] = 8,
		[DRM_VSVM_ISA_U16] = 16, [DRM_VSVM_ISA_S16] = 16,
		[DRM_VSVM_ISA_U32] = 32, [DRM_VSVM_ISA_S32] = 32,
		[DRM_VSVM_ISA_U64] = 64, [DRM_VSVM_ISA_S64] = 64,
	};
	bool is_signed = type == DRM_VSVM_ISA_S8 || type == DRM_VSVM_ISA_S16 ||
			 type == DRM_VSVM_ISA_S32 || type == DRM_VSVM_ISA_S64;
	unsigned int n = bits[type];
	u64 mask = n == 64 ? ~0ull : (1ull << n) - 1;
	/* 2^(n-1) and 2^n as floats, exact */
	float half = (float)(1ull << (n - 1));
	float full = half * 2.0f;
	unsigned int l;

	for (l = 0; l < VSVM_WAVE; l++) {
		float f;
		u64 v;

		if (!(exec & (1u << l)))
			continue;
		f = vsvm_f32(a[l]);
		if (vsvm_f32_nan(f)) {
			v = 0;
		} else if (is_signed) {
			if (f >= half)
				v = (1ull << (n - 1)) - 1;
			else if (f <= -half)
				v = (u64)(-(s64)(1ull << (n - 2)) * 2);
			else
				v = (u64)(s64)f;
		} else {
			if (f >= full)
				v = ~0ull;
			else if (f <= 0.0f)
				v = 0;
			else if (f >= 9223372036854775808.0f)
				/* above S64_MAX: convert the part below 2^63 */
				v = (u64)(s64)(f - 9223372036854775808.0f) +
				    (1ull << 63);
			else
				v = (u64)(s64)f;
		}
		d[l] = v & mask;
	}
}

/**
 * vsvm_shader_fp_from_int() - CVT from an integer type to F32
 * @stype: source type, DRM_VSVM_ISA_U8 to DRM_VSVM_ISA_S64
 * @d: destination register
 * @a: source register, already sign- or zero-extended to 64 bits
 * @exec: lanes to convert
 *
 * Rounds to nearest even.
 */
void vsvm_shader_fp_from_int(u8 stype, u64 *d, const u64 *a, u32 exec)
{
	bool is_signed = stype == DRM_VSVM_ISA_S8 ||
			 stype == DRM_VSVM_ISA_S16 ||
			 stype == DRM_VSVM_ISA_S32 || stype == DRM_VSVM_ISA_S64;
	unsigned int l;

	for (l = 0; l < VSVM_WAVE; l++) {
		if (!(exec & (1u << l)))
			continue;
		d[l] = is_signed ? vsvm_f32_bits((float)(s64)a[l]) :
				   vsvm_f32_bits((float)a[l]);
	}
}
