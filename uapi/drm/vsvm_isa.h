/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The vsvm authors
 */

#ifndef _UAPI_VSVM_ISA_H_
#define _UAPI_VSVM_ISA_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/**
 * DOC: vsvm ISA
 *
 * The shader cores of vsvm's engines run programs in the vsvm ISA, launched
 * by &DRM_VSVM_CMD_DISPATCH (&struct drm_vsvm_cmd_dispatch). QUERY reports
 * the ISA version in &drm_vsvm_query_device.isa_version (0: no shader
 * cores) with &DRM_VSVM_FEATURE_DISPATCH.
 *
 * Execution model: wave-based SIMT. The work-items of a work-group are
 * packed into waves of &DRM_VSVM_ISA_WAVE_SIZE (32) lanes, by local linear
 * index (x fastest, then y, then z); lane i of wave w is the work-item of
 * local linear index 32 * w + i. A wave executes one instruction at a time
 * for the lanes of its execution mask. Divergent control flow is
 * structured (IF/ELSE/ENDIF, LOOP/BREAK/CONTINUE/ENDLOOP) and runs through
 * a mask stack at most &DRM_VSVM_ISA_MAX_NESTING deep. The waves of a
 * work-group interleave at BARRIER; work-groups run one after another on
 * the engine that runs the DISPATCH command, and userspace spreads a grid
 * over engines with &drm_vsvm_cmd_dispatch.group_first and
 * &drm_vsvm_cmd_dispatch.group_count.
 *
 * Registers: each lane has &DRM_VSVM_ISA_NUM_REGS 64-bit registers
 * r0 to r63. They are 0 when the DISPATCH command starts; a later
 * work-group of the command finds what an earlier one left. An ALU result
 * of 32 bits or less is written zero-extended to 64 bits, and a 32-bit
 * operand is the low 32 bits of its register; loads of S8, S16 and S32
 * sign-extend to 64 bits, other loads zero-extend. Booleans (compare
 * results) are 0 or 1; an IF or SEL condition is true when the whole
 * 64-bit register is not 0.
 *
 * Memory, addressed by register + sign-extended 32-bit offset (@imm of the
 * instruction):
 *
 * - global: the VM's address space, that is the process's (64-bit GPU =
 *   CPU virtual addresses). Every lane's access goes through the GPU MMU; a
 *   miss is a GPU page fault that stalls the wave, which then replays the
 *   faulting instruction for the lanes that had not completed it. An access
 *   that no fault can resolve ends the job with -EFAULT or -EACCES and the
 *   VM's error record names the address.
 * - shared: &drm_vsvm_cmd_dispatch.shared_size bytes per work-group,
 *   addressed from 0; not initialised.
 * - private: &drm_vsvm_cmd_dispatch.private_size bytes per work-item,
 *   addressed from 0; not initialised.
 *
 * Accesses must be naturally aligned; a misaligned access, or a shared or
 * private access outside its size, ends the job with -EINVAL. Global
 * accesses of one lane are seen in program order by that lane; other
 * agents (CPU threads, other lanes, other engines) see plain stores in an
 * unspecified order until a BARRIER, which orders global and shared
 * memory for the work-group. Global atomics are atomic with respect to the
 * CPU and to every engine (the same path as &DRM_VSVM_CMD_ATOMIC).
 *
 * Instructions are 16 bytes (&struct drm_vsvm_isa_inst). A program is
 * checked as a whole before any lane runs: an unknown opcode, type or flag,
 * a register index out of range, a non-zero field an opcode does not use,
 * unbalanced control flow, BREAK or CONTINUE outside a loop, nesting deeper
 * than &DRM_VSVM_ISA_MAX_NESTING, or a program that does not end with END
 * fails the job with -EINVAL, and the VM's error record names the
 * instruction as a failed fetch (&DRM_VSVM_ACCESS_FETCH at its address).
 * At run time, BARRIER reached by only some of a wave's live lanes, and a
 * shared or private access out of bounds, fail the job the same way; a
 * misaligned global access fails with -EINVAL at the address accessed; a
 * program that runs past the job timeout ends with -ETIMEDOUT.
 *
 * Arithmetic: integers wrap (two's complement). DIV and REM by zero give
 * 0 and the dividend; the signed overflow case (minimum / -1) gives the
 * minimum and 0. Shift counts are taken modulo the operand width.
 * &DRM_VSVM_ISA_F32 is IEEE-754 binary32, round to nearest even, with
 * denormals, FMIN/FMAX returning the other operand when one is a NaN;
 * CVT from F32 to an integer rounds toward zero and saturates (NaN gives
 * 0); CVT to F32 rounds to nearest even. binary64 is not supported.
 *
 * Versions (&drm_vsvm_query_device.isa_version, DRM_VSVM_ISA_VERSION()):
 *
 * - 1.0: this document.
 */

/** @DRM_VSVM_ISA_VERSION: encodes an ISA version for QUERY */
#define DRM_VSVM_ISA_VERSION(major, minor)	(((major) << 16) | (minor))
/** @DRM_VSVM_ISA_WAVE_SIZE: lanes per wave */
#define DRM_VSVM_ISA_WAVE_SIZE		32
/** @DRM_VSVM_ISA_NUM_REGS: 64-bit registers per lane */
#define DRM_VSVM_ISA_NUM_REGS		64
/** @DRM_VSVM_ISA_MAX_NESTING: depth of the mask stack (IF and LOOP) */
#define DRM_VSVM_ISA_MAX_NESTING	32
/** @DRM_VSVM_ISA_MAX_PROGRAM: bytes of one program at most */
#define DRM_VSVM_ISA_MAX_PROGRAM	65536

/**
 * struct drm_vsvm_isa_inst - one instruction
 *
 * @dst, @src0, @src1 and @src2 name registers (0 to 63); fields an opcode
 * does not use must be zero. For the binary ALU opcodes,
 * &DRM_VSVM_ISA_IMM replaces @src1 by @imm (which @src1 must then leave
 * 0; for the 32-bit types and F32 the immediate is 32 bits wide, and its
 * upper 32 bits must be zero); memory opcodes add @imm, as a signed 32-bit
 * offset (the sign extension of its low 32 bits), to the address in @src0.
 */
struct drm_vsvm_isa_inst {
	/** @op: DRM_VSVM_ISA_OP_* */
	__u8 op;
	/** @type: operand type, DRM_VSVM_ISA_U8 to DRM_VSVM_ISA_F32 */
	__u8 type;
	/** @dst: destination register */
	__u8 dst;
	/** @src0: first source register */
	__u8 src0;
	/** @src1: second source register */
	__u8 src1;
	/** @src2: third source register (SEL, ATOM with CMPXCHG) */
	__u8 src2;
	/**
	 * @flags: &DRM_VSVM_ISA_IMM; for ATOM and ATOMS, the atomic
	 * operation in bits 8-15 (DRM_VSVM_ISA_ATOMIC())
	 */
	__u16 flags;
	/** @imm: immediate, offset, special register or source type */
	__u64 imm;
};

/* @flags */
/** @DRM_VSVM_ISA_IMM: the second operand of a binary ALU op is @imm */
#define DRM_VSVM_ISA_IMM		0x0001
/** @DRM_VSVM_ISA_ATOMIC: atomic operation of ATOM and ATOMS, in @flags */
#define DRM_VSVM_ISA_ATOMIC(op)		((op) << 8)
#define DRM_VSVM_ISA_ATOMIC_ADD		1
#define DRM_VSVM_ISA_ATOMIC_XCHG	2
#define DRM_VSVM_ISA_ATOMIC_CMPXCHG	3	/* @src2 compare, @src1 new */
#define DRM_VSVM_ISA_ATOMIC_AND		4
#define DRM_VSVM_ISA_ATOMIC_OR		5
#define DRM_VSVM_ISA_ATOMIC_XOR		6
#define DRM_VSVM_ISA_ATOMIC_MIN		7	/* signed for S32/S64 */
#define DRM_VSVM_ISA_ATOMIC_MAX		8	/* signed for S32/S64 */

/* @type */
#define DRM_VSVM_ISA_U8			1
#define DRM_VSVM_ISA_S8			2
#define DRM_VSVM_ISA_U16		3
#define DRM_VSVM_ISA_S16		4
#define DRM_VSVM_ISA_U32		5
#define DRM_VSVM_ISA_S32		6
#define DRM_VSVM_ISA_U64		7
#define DRM_VSVM_ISA_S64		8
#define DRM_VSVM_ISA_F32		9

/*
 * Opcodes. "type" lists the types each accepts: I = U32, S32, U64, S64;
 * M = every integer type (memory access size; S8, S16 and S32 loads sign
 * extend); A = U32, S32, U64, S64 (atomics).
 */
/* control flow: type 0 */
#define DRM_VSVM_ISA_OP_NOP		0x01	/* nothing */
#define DRM_VSVM_ISA_OP_END		0x02	/* active lanes finish */
#define DRM_VSVM_ISA_OP_IF		0x03	/* lanes with src0 != 0 go on */
#define DRM_VSVM_ISA_OP_ELSE		0x04	/* the other lanes of the IF */
#define DRM_VSVM_ISA_OP_ENDIF		0x05
#define DRM_VSVM_ISA_OP_LOOP		0x06	/* start of a loop body */
#define DRM_VSVM_ISA_OP_ENDLOOP		0x07	/* back to LOOP while lanes are left */
#define DRM_VSVM_ISA_OP_BREAK		0x08	/* active lanes leave the loop */
#define DRM_VSVM_ISA_OP_CONTINUE	0x09	/* active lanes wait for ENDLOOP */
#define DRM_VSVM_ISA_OP_BARRIER		0x0a	/* work-group barrier */
/* moves: MOV type 0 (64 bits); MOVI type 0, dst = imm; SREG type 0 */
#define DRM_VSVM_ISA_OP_MOV		0x10	/* dst = src0 */
#define DRM_VSVM_ISA_OP_MOVI		0x11	/* dst = imm */
#define DRM_VSVM_ISA_OP_SREG		0x12	/* dst = special register imm */
#define DRM_VSVM_ISA_OP_SEL		0x13	/* dst = src0 ? src1 : src2, type 0 */
/* integer ALU, type I; NOT and NEG are unary */
#define DRM_VSVM_ISA_OP_ADD		0x20
#define DRM_VSVM_ISA_OP_SUB		0x21
#define DRM_VSVM_ISA_OP_MUL		0x22
#define DRM_VSVM_ISA_OP_MULHI		0x23	/* high half of the product */
#define DRM_VSVM_ISA_OP_DIV		0x24
#define DRM_VSVM_ISA_OP_REM		0x25	/* sign of the dividend */
#define DRM_VSVM_ISA_OP_AND		0x26
#define DRM_VSVM_ISA_OP_OR		0x27
#define DRM_VSVM_ISA_OP_XOR		0x28
#define DRM_VSVM_ISA_OP_SHL		0x29
#define DRM_VSVM_ISA_OP_SHR		0x2a	/* arithmetic for S32, S64 */
#define DRM_VSVM_ISA_OP_MIN		0x2b
#define DRM_VSVM_ISA_OP_MAX		0x2c
#define DRM_VSVM_ISA_OP_NOT		0x2d
#define DRM_VSVM_ISA_OP_NEG		0x2e
/* compares, type I or F32, dst = 0 or 1; NE is true for unordered F32 */
#define DRM_VSVM_ISA_OP_SEQ		0x30
#define DRM_VSVM_ISA_OP_SNE		0x31
#define DRM_VSVM_ISA_OP_SLT		0x32
#define DRM_VSVM_ISA_OP_SGE		0x33
/* conversion: type is the destination type, imm the source type (M, F32) */
#define DRM_VSVM_ISA_OP_CVT		0x38
/* binary32, type F32; FSQRT is unary */
#define DRM_VSVM_ISA_OP_FADD		0x40
#define DRM_VSVM_ISA_OP_FSUB		0x41
#define DRM_VSVM_ISA_OP_FMUL		0x42
#define DRM_VSVM_ISA_OP_FDIV		0x43
#define DRM_VSVM_ISA_OP_FMIN		0x44
#define DRM_VSVM_ISA_OP_FMAX		0x45
#define DRM_VSVM_ISA_OP_FSQRT		0x46
/* memory: address src0 + (__s32)imm; stores write src1; type M */
#define DRM_VSVM_ISA_OP_LD		0x50	/* global */
#define DRM_VSVM_ISA_OP_ST		0x51
#define DRM_VSVM_ISA_OP_LDS		0x52	/* shared */
#define DRM_VSVM_ISA_OP_STS		0x53
#define DRM_VSVM_ISA_OP_LDP		0x54	/* private */
#define DRM_VSVM_ISA_OP_STP		0x55
/* atomics, type A: dst = old value, operand src1 (compare src2) */
#define DRM_VSVM_ISA_OP_ATOM		0x56	/* global */
#define DRM_VSVM_ISA_OP_ATOMS		0x57	/* shared */

/* special registers (SREG imm); x, y, z are consecutive */
#define DRM_VSVM_ISA_SR_LANE_ID		1	/* 0-31 */
#define DRM_VSVM_ISA_SR_LOCAL_INDEX	2	/* local linear index */
#define DRM_VSVM_ISA_SR_LOCAL_ID_X	3
#define DRM_VSVM_ISA_SR_GROUP_ID_X	6
#define DRM_VSVM_ISA_SR_GROUP_SIZE_X	9
#define DRM_VSVM_ISA_SR_NUM_GROUPS_X	12
#define DRM_VSVM_ISA_SR_GLOBAL_OFFSET_X	15
/* group_id * group_size + local_id + global_offset */
#define DRM_VSVM_ISA_SR_GLOBAL_ID_X	18
#define DRM_VSVM_ISA_SR_ARGS		21	/* &drm_vsvm_cmd_dispatch.args */
#define DRM_VSVM_ISA_SR_COUNT		22

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_VSVM_ISA_H_ */
