// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

/*
 * binary32 for the shader cores (vsvm_shader.c) in integer arithmetic: no
 * FPU, no float type, no compiler helper. The results are bit for bit
 * those of vsvm_shader_fp.c on x86 (SSE under the default MXCSR):
 *
 * - round to nearest, ties to even; denormal operands and results kept
 *   (no DAZ, no FTZ); overflow gives an infinity;
 * - a NaN operand gives that NaN quieted, the first operand's when both
 *   are NaNs (SSE's rule for a register-register ADDSS and the like);
 * - an invalid operation (inf - inf, 0 * inf, 0 / 0, inf / inf) gives the
 *   default NaN of x86, 0xffc00000 ("QNaN floating-point indefinite");
 * - FMIN, FMAX, the compares and the conversions follow vsvm_isa.h as
 *   vsvm_shader_fp.c implements them.
 *
 * A finite non-zero value is handled as an integer significand m and an
 * exponent e, the value being m * 2^(e - 150) (unpack()); the arithmetic
 * is exact or leaves its inexactness in a sticky bit 0, and round() turns
 * any such significand and scale into a binary32.
 */

#include <linux/bitops.h>
#include <linux/math.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/types.h>

#include "vsvm_shader.h"

#define SF_SIGN		0x80000000u
#define SF_INF		0x7f800000u
#define SF_FRAC		0x007fffffu
#define SF_QUIET	0x00400000u
#define SF_DEFAULT_NAN	0xffc00000u
/* the exponent bias plus the 23 fraction bits */
#define SF_SCALE	150

static inline bool sf_nan(u32 x)
{
	return (x & ~SF_SIGN) > SF_INF;
}

static inline bool sf_inf(u32 x)
{
	return (x & ~SF_SIGN) == SF_INF;
}

static inline bool sf_zero(u32 x)
{
	return !(x & ~SF_SIGN);
}

/* The result of a binary op with a NaN operand: the first NaN, quieted. */
static inline u32 sf_propagate(u32 a, u32 b)
{
	return (sf_nan(a) ? a : b) | SF_QUIET;
}

/*
 * The significand of a finite non-zero @x with its leading one at bit 23,
 * and in @e the exponent such that |x| = m * 2^(*e - SF_SCALE); a denormal
 * is normalised (*e below 1).
 */
static inline u32 sf_unpack(u32 x, int *e)
{
	u32 m = x & SF_FRAC;
	int biased = (x >> 23) & 0xff;
	int shift;

	if (biased) {
		*e = biased;
		return m | BIT(23);
	}
	shift = 24 - fls(m);
	*e = 1 - shift;
	return m << shift;
}

/* @v >> @n, with bit 0 set when any bit shifted out was set */
static inline u64 sf_shr_jam(u64 v, unsigned int n)
{
	if (n >= 64)
		return v != 0;
	if (!n)
		return v;
	return (v >> n) | ((v << (64 - n)) != 0);
}

/*
 * sign * sig * 2^q rounded to binary32, nearest even. @sig is not zero;
 * bit 0 may be sticky (set when the exact value has bits below it, in
 * which case the exact value is not an integer, and lies within 1 of
 * @sig). Rounding happens 38 bits or more above bit 0, so the sticky bit
 * decides only between "exactly half" and "above half".
 */
static u32 sf_round(u32 sign, int q, u64 sig)
{
	int top = fls64(sig) - 1;
	/* the biased exponent of the result, were it normal */
	int e = top + q + 127;
	u64 rest, half = BIT_ULL(38);
	u32 base, frac;

	/* leading one at bit 62: 24 bits of significand, 39 below */
	if (top > 62)
		sig = sf_shr_jam(sig, top - 62);
	else
		sig <<= 62 - top;
	if (e >= 255)
		return sign | SF_INF;
	if (e <= 0) {
		/* denormal or zero: the scale of exponent 1, no implicit one */
		sig = sf_shr_jam(sig, 1 - e);
		base = 0;
	} else {
		/* the implicit one in frac adds the last 1 to the exponent */
		base = (u32)(e - 1) << 23;
	}
	frac = sig >> 39;
	rest = sig & (BIT_ULL(39) - 1);
	if (rest > half || (rest == half && (frac & 1)))
		frac++;
	/* a carry out of the significand goes on into the exponent */
	return sign | (base + frac);
}

/* a + b, or a - b when @sub */
static u32 sf_addsub(u32 a, u32 b, bool sub)
{
	u32 ma, mb, t;
	int ea, eb;
	u64 sa, sb;

	if (sf_nan(a) || sf_nan(b))
		return sf_propagate(a, b);
	if (sub)
		b ^= SF_SIGN;
	if (sf_inf(a)) {
		if (sf_inf(b) && ((a ^ b) & SF_SIGN))
			return SF_DEFAULT_NAN;
		return a;
	}
	if (sf_inf(b))
		return b;
	if (sf_zero(b))
		/* +0 + -0 is +0, -0 + -0 is -0 */
		return sf_zero(a) ? a & b : a;
	if (sf_zero(a))
		return b;

	/* |a| >= |b|: the magnitudes order as their bits do */
	if ((a & ~SF_SIGN) < (b & ~SF_SIGN)) {
		t = a;
		a = b;
		b = t;
	}
	ma = sf_unpack(a, &ea);
	mb = sf_unpack(b, &eb);
	/*
	 * 39 bits of room below the significands: b loses bits only when
	 * the exponents differ by 2 or more, and then a difference loses at
	 * most one bit of a's leading bits, so the sticky bit stays far
	 * below the rounding position.
	 */
	sa = (u64)ma << 39;
	sb = sf_shr_jam((u64)mb << 39, ea - eb);
	if ((a ^ b) & SF_SIGN) {
		sa -= sb;
		/* an exact cancellation is +0 when rounding to nearest */
		if (!sa)
			return 0;
	} else {
		sa += sb;
	}
	return sf_round(a & SF_SIGN, ea - SF_SCALE - 39, sa);
}

static u32 sf_mul(u32 a, u32 b)
{
	u32 sign = (a ^ b) & SF_SIGN, ma, mb;
	int ea, eb;

	if (sf_nan(a) || sf_nan(b))
		return sf_propagate(a, b);
	if (sf_inf(a) || sf_inf(b)) {
		if (sf_zero(a) || sf_zero(b))
			return SF_DEFAULT_NAN;
		return sign | SF_INF;
	}
	if (sf_zero(a) || sf_zero(b))
		return sign;
	ma = sf_unpack(a, &ea);
	mb = sf_unpack(b, &eb);
	/* 48 bits, exact */
	return sf_round(sign, ea + eb - 2 * SF_SCALE, (u64)ma * mb);
}

static u32 sf_div(u32 a, u32 b)
{
	u32 sign = (a ^ b) & SF_SIGN, ma, mb, rem;
	int ea, eb;
	u64 quot;

	if (sf_nan(a) || sf_nan(b))
		return sf_propagate(a, b);
	if (sf_inf(a))
		return sf_inf(b) ? SF_DEFAULT_NAN : sign | SF_INF;
	if (sf_inf(b))
		return sign;
	if (sf_zero(b))
		return sf_zero(a) ? SF_DEFAULT_NAN : sign | SF_INF;
	if (sf_zero(a))
		return sign;
	ma = sf_unpack(a, &ea);
	mb = sf_unpack(b, &eb);
	/* both in [2^23, 2^24): a quotient of 40 or 41 bits, sticky rest */
	quot = div_u64_rem((u64)ma << 40, mb, &rem);
	return sf_round(sign, ea - eb - 40, quot | (rem != 0));
}

/* a < b, neither a NaN */
static inline bool sf_lt(u32 a, u32 b)
{
	if (sf_zero(a) && sf_zero(b))
		return false;
	if ((a ^ b) & SF_SIGN)
		return a & SF_SIGN;
	return a & SF_SIGN ? a > b : a < b;
}

/* a == b, neither a NaN */
static inline bool sf_eq(u32 a, u32 b)
{
	return a == b || (sf_zero(a) && sf_zero(b));
}

/* FMIN, FMAX: a NaN operand loses; -0 is below +0 */
static u32 sf_minmax(u32 a, u32 b, bool max)
{
	if (sf_nan(a))
		return b;
	if (sf_nan(b))
		return a;
	if (sf_eq(a, b))
		return !!(a & SF_SIGN) != max ? a : b;
	return sf_lt(a, b) != max ? a : b;
}

/**
 * vsvm_softfp_sqrt() - binary32 square root, correctly rounded
 * @x: the operand
 *
 * The integer square root of the significand scaled to 48 bits gives the
 * 24 bits of the result, and the remainder rounds it (there are no ties:
 * (q + 1/2)^2 is not an integer). FSQRT uses it in both modes.
 *
 * Return: the root; -0 for -0, the quieted NaN for a NaN, 0x7fc00000 for
 * a negative operand.
 */
u32 vsvm_softfp_sqrt(u32 x)
{
	u32 e = (x >> 23) & 0xff, m = x & 0x7fffff;
	u64 s, q;
	int ue;

	if ((x & 0x7fffffff) == 0)
		return x;			/* +0, -0 */
	if (e == 0xff && m)
		return x | 0x400000;		/* NaN, quieted */
	if (x & 0x80000000)
		return 0x7fc00000;		/* negative: NaN */
	if (e == 0xff)
		return x;			/* +inf */
	if (e) {
		m |= 0x800000;
		ue = (int)e - 127;
	} else {
		/* denormal: normalise */
		ue = -126;
		while (!(m & 0x800000)) {
			m <<= 1;
			ue--;
		}
	}
	if (ue & 1) {
		m <<= 1;
		ue--;
	}
	s = (u64)m << 23;
	q = int_sqrt64(s);
	if (s - q * q > q)
		q++;
	if (q >> 24) {
		q >>= 1;
		ue += 2;
	}
	return ((u32)(ue / 2 + 127) << 23) | ((u32)q & 0x7fffff);
}

static u64 sf_one(u8 op, u32 a, u32 b)
{
	switch (op) {
	case DRM_VSVM_ISA_OP_FADD:
		return sf_addsub(a, b, false);
	case DRM_VSVM_ISA_OP_FSUB:
		return sf_addsub(a, b, true);
	case DRM_VSVM_ISA_OP_FMUL:
		return sf_mul(a, b);
	case DRM_VSVM_ISA_OP_FDIV:
		return sf_div(a, b);
	case DRM_VSVM_ISA_OP_FMIN:
		return sf_minmax(a, b, false);
	case DRM_VSVM_ISA_OP_FMAX:
		return sf_minmax(a, b, true);
	case DRM_VSVM_ISA_OP_FSQRT:
		return vsvm_softfp_sqrt(a);
	case DRM_VSVM_ISA_OP_SEQ:
		return !sf_nan(a) && !sf_nan(b) && sf_eq(a, b);
	case DRM_VSVM_ISA_OP_SNE:
		return sf_nan(a) || sf_nan(b) || !sf_eq(a, b);
	case DRM_VSVM_ISA_OP_SLT:
		return !sf_nan(a) && !sf_nan(b) && sf_lt(a, b);
	default: /* DRM_VSVM_ISA_OP_SGE, checked by the caller */
		return !sf_nan(a) && !sf_nan(b) && !sf_lt(a, b);
	}
}

/**
 * vsvm_softfp_alu() - a binary32 ALU op or compare on a wave, soft-float
 * @op: DRM_VSVM_ISA_OP_F* or a compare
 * @d: destination register, one u64 per lane
 * @a: first operand
 * @b: second operand (ignored by FSQRT)
 * @exec: lanes to compute
 *
 * The same results as vsvm_shader_fp_alu(), without the FPU.
 */
void vsvm_softfp_alu(u8 op, u64 *d, const u64 *a, const u64 *b, u32 exec)
{
	unsigned int l;

	for (l = 0; l < VSVM_WAVE; l++) {
		if (exec & (1u << l))
			d[l] = sf_one(op, a[l], op == DRM_VSVM_ISA_OP_FSQRT ?
					    0 : b[l]);
	}
}

static bool sf_type_signed(u8 type)
{
	return type == DRM_VSVM_ISA_S8 || type == DRM_VSVM_ISA_S16 ||
	       type == DRM_VSVM_ISA_S32 || type == DRM_VSVM_ISA_S64;
}

/**
 * vsvm_softfp_to_int() - CVT from F32 to an integer type, soft-float
 * @type: destination type, DRM_VSVM_ISA_U8 to DRM_VSVM_ISA_S64
 * @d: destination register
 * @a: source register (binary32 in the low 32 bits)
 * @exec: lanes to convert
 *
 * Rounds toward zero and saturates to the range of @type; NaN gives 0.
 * The result is zero-extended from the width of @type, as
 * vsvm_shader_fp_to_int() does.
 */
void vsvm_softfp_to_int(u8 type, u64 *d, const u64 *a, u32 exec)
{
	bool is_signed = sf_type_signed(type);
	/* U8, S8: 8 bits ... U64, S64: 64 */
	int n = 8 << ((type - DRM_VSVM_ISA_U8) / 2);
	u64 mask = n == 64 ? ~0ull : BIT_ULL(n) - 1;
	unsigned int l;

	for (l = 0; l < VSVM_WAVE; l++) {
		u32 x = a[l], m;
		bool neg = x & SF_SIGN;
		int e, p;
		u64 mag, v;

		if (!(exec & (1u << l)))
			continue;
		/* NaN, and |x| < 1 (zeros and denormals included): 0 */
		if (sf_nan(x) || ((x >> 23) & 0xff) < 127) {
			d[l] = 0;
			continue;
		}
		m = sf_unpack(x, &e);
		/* 2^p <= |x| < 2^(p + 1); p is 128 for the infinities */
		p = e - 127;
		/* the integer part of |x|, when it is below 2^64 */
		mag = p >= 23 ? (u64)m << min(p - 23, 40) : m >> (23 - p);
		if (is_signed) {
			if (p >= n - 1)
				v = neg ? -BIT_ULL(n - 1) : BIT_ULL(n - 1) - 1;
			else
				v = neg ? -mag : mag;
		} else {
			if (neg)
				v = 0;
			else if (p >= n)
				v = ~0ull;
			else
				v = mag;
		}
		d[l] = v & mask;
	}
}

/**
 * vsvm_softfp_from_int() - CVT from an integer type to F32, soft-float
 * @stype: source type, DRM_VSVM_ISA_U8 to DRM_VSVM_ISA_S64
 * @d: destination register
 * @a: source register, already sign- or zero-extended to 64 bits
 * @exec: lanes to convert
 *
 * Rounds to nearest even, as vsvm_shader_fp_from_int() does.
 */
void vsvm_softfp_from_int(u8 stype, u64 *d, const u64 *a, u32 exec)
{
	bool is_signed = sf_type_signed(stype);
	unsigned int l;

	for (l = 0; l < VSVM_WAVE; l++) {
		bool neg = is_signed && (s64)a[l] < 0;
		u64 mag = neg ? -a[l] : a[l];

		if (!(exec & (1u << l)))
			continue;
		d[l] = mag ? sf_round(neg ? SF_SIGN : 0, 0, mag) : 0;
	}
}
