/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The vsvm authors
 */

#ifndef IGT_VSVM_ISA_H
#define IGT_VSVM_ISA_H

#include <stdint.h>

#include "vsvm_drm.h"
#include "vsvm_isa.h"

/*
 * A small assembler for the vsvm ISA (vsvm_isa.h): programs are built in
 * memory the GPU reaches through SVM, one instruction at a time.
 */

/** VSVM_ISA_PROG_MAX: instructions a struct vsvm_isa_prog holds */
#define VSVM_ISA_PROG_MAX	(DRM_VSVM_ISA_MAX_PROGRAM / 16)

struct vsvm_isa_prog {
	struct drm_vsvm_isa_inst *inst;	/* VSVM_ISA_PROG_MAX, 4 KiB aligned */
	unsigned int count;
};

struct vsvm_isa_prog *vsvm_isa_prog_create(void);
void vsvm_isa_prog_destroy(struct vsvm_isa_prog *p);
uint64_t vsvm_isa_prog_address(const struct vsvm_isa_prog *p);
uint32_t vsvm_isa_prog_size(const struct vsvm_isa_prog *p);
unsigned int vsvm_isa(struct vsvm_isa_prog *p, uint8_t op, uint8_t type,
		      uint8_t dst, uint8_t src0, uint8_t src1, uint8_t src2,
		      uint16_t flags, uint64_t imm);

/* Shorthands; each returns the index of the instruction. */
#define isa_ctrl(p, op)		vsvm_isa(p, DRM_VSVM_ISA_OP_##op, 0, 0, 0, 0, 0, 0, 0)
#define isa_if(p, c)		vsvm_isa(p, DRM_VSVM_ISA_OP_IF, 0, 0, c, 0, 0, 0, 0)
#define isa_mov(p, d, s)	vsvm_isa(p, DRM_VSVM_ISA_OP_MOV, 0, d, s, 0, 0, 0, 0)
#define isa_movi(p, d, v)	vsvm_isa(p, DRM_VSVM_ISA_OP_MOVI, 0, d, 0, 0, 0, 0, v)
#define isa_sreg(p, d, sr)	vsvm_isa(p, DRM_VSVM_ISA_OP_SREG, 0, d, 0, 0, 0, 0, \
					 DRM_VSVM_ISA_SR_##sr)
#define isa_sel(p, d, c, a, b)	vsvm_isa(p, DRM_VSVM_ISA_OP_SEL, 0, d, c, a, b, 0, 0)
/* binary ops: register or immediate second operand */
#define isa_op(p, op, t, d, a, b) \
	vsvm_isa(p, DRM_VSVM_ISA_OP_##op, DRM_VSVM_ISA_##t, d, a, b, 0, 0, 0)
#define isa_opi(p, op, t, d, a, v) \
	vsvm_isa(p, DRM_VSVM_ISA_OP_##op, DRM_VSVM_ISA_##t, d, a, 0, 0, \
		 DRM_VSVM_ISA_IMM, v)
#define isa_un(p, op, t, d, a) \
	vsvm_isa(p, DRM_VSVM_ISA_OP_##op, DRM_VSVM_ISA_##t, d, a, 0, 0, 0, 0)
#define isa_cvt(p, dt, st, d, a) \
	vsvm_isa(p, DRM_VSVM_ISA_OP_CVT, DRM_VSVM_ISA_##dt, d, a, 0, 0, 0, \
		 DRM_VSVM_ISA_##st)
/* memory: LD/LDS/LDP d = [a + off]; ST/STS/STP [a + off] = v */
#define isa_ld(p, op, t, d, a, off) \
	vsvm_isa(p, DRM_VSVM_ISA_OP_##op, DRM_VSVM_ISA_##t, d, a, 0, 0, 0, \
		 (uint64_t)(int64_t)(off))
#define isa_st(p, op, t, a, v, off) \
	vsvm_isa(p, DRM_VSVM_ISA_OP_##op, DRM_VSVM_ISA_##t, 0, a, v, 0, 0, \
		 (uint64_t)(int64_t)(off))
#define isa_atom(p, op, aop, t, d, a, v, c) \
	vsvm_isa(p, DRM_VSVM_ISA_OP_##op, DRM_VSVM_ISA_##t, d, a, v, c, \
		 DRM_VSVM_ISA_ATOMIC(DRM_VSVM_ISA_ATOMIC_##aop), 0)

/* A DISPATCH of @p over a 1-D grid of @groups groups of @size items. */
struct drm_vsvm_cmd_dispatch vsvm_isa_dispatch_1d(const struct vsvm_isa_prog *p,
						  uint32_t groups,
						  uint32_t size, uint64_t args);

#endif /* IGT_VSVM_ISA_H */
