// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * DOC: shader cores
 *
 * &DRM_VSVM_CMD_DISPATCH runs a program in the vsvm ISA (vsvm_isa.h) on the
 * engine that executes the command, one work-group after another. The
 * program is fetched through the GPU MMU (vsvm_mem_read(), a FETCH access
 * like the command buffer's) into a kernel copy and checked as a whole
 * before any lane runs (vsvm_shader_check()), which also resolves the
 * structured control flow to jump targets.
 *
 * A work-group's waves (32 lanes each) run one at a time, each until it
 * reaches BARRIER or ends; when every wave left waits at the barrier, all
 * go on. Divergence runs through a per-wave mask stack. All state (the
 * register files, shared and private memory) lives in allocations charged
 * to the VM's process, bounded by the limits QUERY reports; the kernel
 * stack holds none of it.
 *
 * Global accesses go through the GPU MMU one lane at a time, through a
 * small direct-mapped TLB of pages (struct vsvm_shader_tlb) filled by
 * vsvm_mem_translate(). The TLB is valid only while the VM's notifier lock
 * is held for reading: the engine takes it on the first miss and drops it
 * (flushing the TLB) on every GPU page fault, before atomics (which take
 * the vsvm_mem_map() path, device-exclusive access included), and every
 * %VSVM_SHADER_SLICE wave instructions, so an invalidation waits for at
 * most one slice. A fault stalls the wave at the faulting instruction;
 * once vsvm_fault_raise() resolved it, the instruction goes on from the
 * faulting lane, so lanes that completed it do not repeat it (which
 * matters for atomics).
 *
 * At each slice boundary the engine checks for cancellation
 * (vsvm_job_cancelled()): a program that loops forever ends at the job
 * timeout with -ETIMEDOUT.
 *
 * binary32 arithmetic runs in soft-float (vsvm_shader_softfp.c, integer
 * arithmetic) or, with the shader_fpu parameter, on the CPU's FPU in a
 * kernel_fpu_begin() / kernel_fpu_end() section around one instruction of
 * one wave (vsvm_shader_fp.c); both give the same bits. Without kernel FPU
 * support (!CONFIG_ARCH_HAS_KERNEL_FPU_SUPPORT) only soft-float is built.
 *
 * Every wave instruction, and the lanes it ran for, are counted in the
 * VM's and the device's VSVM_STAT_SHADER_WAVE_INSTS and
 * VSVM_STAT_SHADER_LANE_INSTS (debugfs), summed in struct vsvm_shader and
 * added once per slice.
 */

#include <linux/bitops.h>
#include <linux/highmem.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <drm/vsvm_drm.h>

#include "vsvm_drv.h"
#include "vsvm_engine.h"
#include "vsvm_shader.h"
#include "vsvm_svm.h"
#include "vsvm_vm.h"

#ifdef CONFIG_ARCH_HAS_KERNEL_FPU_SUPPORT
#include <linux/fpu.h>

static bool vsvm_shader_fpu;
module_param_named(shader_fpu, vsvm_shader_fpu, bool, 0444);
MODULE_PARM_DESC(shader_fpu,
		 "binary32 of the shader cores on the FPU, in kernel_fpu_begin() sections (default: soft-float, the same results)");

/* binary32 of one wave instruction, in the mode shader_fpu chose */
static void vsvm_fp_alu(u8 op, u64 *d, const u64 *a, const u64 *b, u32 exec)
{
	if (!vsvm_shader_fpu) {
		vsvm_softfp_alu(op, d, a, b, exec);
		return;
	}
	kernel_fpu_begin();
	vsvm_shader_fp_alu(op, d, a, b, exec);
	kernel_fpu_end();
}

static void vsvm_fp_to_int(u8 type, u64 *d, const u64 *a, u32 exec)
{
	if (!vsvm_shader_fpu) {
		vsvm_softfp_to_int(type, d, a, exec);
		return;
	}
	kernel_fpu_begin();
	vsvm_shader_fp_to_int(type, d, a, exec);
	kernel_fpu_end();
}

static void vsvm_fp_from_int(u8 stype, u64 *d, const u64 *a, u32 exec)
{
	if (!vsvm_shader_fpu) {
		vsvm_softfp_from_int(stype, d, a, exec);
		return;
	}
	kernel_fpu_begin();
	vsvm_shader_fp_from_int(stype, d, a, exec);
	kernel_fpu_end();
}
#else
/* no kernel FPU support: soft-float only */
#define vsvm_fp_alu		vsvm_softfp_alu
#define vsvm_fp_to_int		vsvm_softfp_to_int
#define vsvm_fp_from_int	vsvm_softfp_from_int
#endif

#define VSVM_SHADER_TLB_SIZE	64
#define VSVM_SHADER_SLICE	256
#define VSVM_INST_SIZE		sizeof(struct drm_vsvm_isa_inst)

/* operand classes of the opcodes, for the checker and the interpreter */
enum vsvm_opc {
	VSVM_OPC_INVALID,
	VSVM_OPC_CTRL,		/* no operands */
	VSVM_OPC_IF,		/* src0 */
	VSVM_OPC_MOV,		/* dst, src0 */
	VSVM_OPC_MOVI,		/* dst, imm */
	VSVM_OPC_SREG,		/* dst, imm */
	VSVM_OPC_SEL,		/* dst, src0, src1, src2 */
	VSVM_OPC_ALU2,		/* dst, src0, src1 or imm; integer */
	VSVM_OPC_ALU1,		/* dst, src0; integer */
	VSVM_OPC_CMP,		/* dst, src0, src1 or imm; integer or F32 */
	VSVM_OPC_CVT,		/* dst, src0, imm (source type) */
	VSVM_OPC_FALU2,		/* dst, src0, src1 or imm; F32 */
	VSVM_OPC_FALU1,		/* dst, src0; F32 */
	VSVM_OPC_LOAD,		/* dst, src0 + imm */
	VSVM_OPC_STORE,		/* src0 + imm, src1 */
	VSVM_OPC_ATOM,		/* dst, src0 + imm, src1 (, src2) */
};

static const u8 vsvm_opc[256] = {
	[DRM_VSVM_ISA_OP_NOP] = VSVM_OPC_CTRL,
	[DRM_VSVM_ISA_OP_END] = VSVM_OPC_CTRL,
	[DRM_VSVM_ISA_OP_IF] = VSVM_OPC_IF,
	[DRM_VSVM_ISA_OP_ELSE] = VSVM_OPC_CTRL,
	[DRM_VSVM_ISA_OP_ENDIF] = VSVM_OPC_CTRL,
	[DRM_VSVM_ISA_OP_LOOP] = VSVM_OPC_CTRL,
	[DRM_VSVM_ISA_OP_ENDLOOP] = VSVM_OPC_CTRL,
	[DRM_VSVM_ISA_OP_BREAK] = VSVM_OPC_CTRL,
	[DRM_VSVM_ISA_OP_CONTINUE] = VSVM_OPC_CTRL,
	[DRM_VSVM_ISA_OP_BARRIER] = VSVM_OPC_CTRL,
	[DRM_VSVM_ISA_OP_MOV] = VSVM_OPC_MOV,
	[DRM_VSVM_ISA_OP_MOVI] = VSVM_OPC_MOVI,
	[DRM_VSVM_ISA_OP_SREG] = VSVM_OPC_SREG,
	[DRM_VSVM_ISA_OP_SEL] = VSVM_OPC_SEL,
	[DRM_VSVM_ISA_OP_ADD ... DRM_VSVM_ISA_OP_MAX] = VSVM_OPC_ALU2,
	[DRM_VSVM_ISA_OP_NOT] = VSVM_OPC_ALU1,
	[DRM_VSVM_ISA_OP_NEG] = VSVM_OPC_ALU1,
	[DRM_VSVM_ISA_OP_SEQ ... DRM_VSVM_ISA_OP_SGE] = VSVM_OPC_CMP,
	[DRM_VSVM_ISA_OP_CVT] = VSVM_OPC_CVT,
	[DRM_VSVM_ISA_OP_FADD ... DRM_VSVM_ISA_OP_FMAX] = VSVM_OPC_FALU2,
	[DRM_VSVM_ISA_OP_FSQRT] = VSVM_OPC_FALU1,
	[DRM_VSVM_ISA_OP_LD] = VSVM_OPC_LOAD,
	[DRM_VSVM_ISA_OP_LDS] = VSVM_OPC_LOAD,
	[DRM_VSVM_ISA_OP_LDP] = VSVM_OPC_LOAD,
	[DRM_VSVM_ISA_OP_ST] = VSVM_OPC_STORE,
	[DRM_VSVM_ISA_OP_STS] = VSVM_OPC_STORE,
	[DRM_VSVM_ISA_OP_STP] = VSVM_OPC_STORE,
	[DRM_VSVM_ISA_OP_ATOM] = VSVM_OPC_ATOM,
	[DRM_VSVM_ISA_OP_ATOMS] = VSVM_OPC_ATOM,
};

/**
 * struct vsvm_mask_frame - one level of a wave's mask stack
 * @saved: execution mask at the IF or LOOP
 * @other: IF: the lanes that take the ELSE branch
 * @brk: LOOP: lanes that left the loop by BREAK
 * @cont: LOOP: lanes that wait at ENDLOOP after CONTINUE
 * @outer: LOOP: index of the enclosing loop's frame, or -1
 */
struct vsvm_mask_frame {
	u32 saved;
	u32 other;
	u32 brk;
	u32 cont;
	s32 outer;
};

enum vsvm_wave_state {
	VSVM_WAVE_RUN,
	VSVM_WAVE_BARRIER,
	VSVM_WAVE_DONE,
};

/**
 * struct vsvm_wave - one wave of the work-group being run
 * @r: the register file, register-major: r[reg][lane]
 * @tmp: the broadcast immediate, or a conversion's intermediate
 * @stack: the mask stack
 * @depth: frames in use on @stack
 * @loop: index of the innermost loop's frame, or -1
 * @pc: index of the next instruction
 * @live: lanes that have not ended
 * @exec: lanes the next instruction runs for
 * @base: local linear index of lane 0
 * @state: enum vsvm_wave_state
 */
struct vsvm_wave {
	u64 r[DRM_VSVM_ISA_NUM_REGS][VSVM_WAVE];
	u64 tmp[VSVM_WAVE];
	struct vsvm_mask_frame stack[DRM_VSVM_ISA_MAX_NESTING];
	u32 depth;
	s32 loop;
	u32 pc;
	u32 live;
	u32 exec;
	u32 base;
	u32 state;
};

/**
 * struct vsvm_shader_tlb - the shader cores' TLB of global pages
 * @vpn: virtual page number of each entry, or ~0
 * @page: the page backing it
 * @write: whether the entry was checked for write access
 * @locked: whether the VM's notifier lock is held; the entries are valid
 *	only while it is
 */
struct vsvm_shader_tlb {
	u64 vpn[VSVM_SHADER_TLB_SIZE];
	struct page *page[VSVM_SHADER_TLB_SIZE];
	bool write[VSVM_SHADER_TLB_SIZE];
	bool locked;
};

/**
 * struct vsvm_shader - one DISPATCH command being run
 * @job: the job running it
 * @cmd: the command
 * @ip: GPU address of the command, for error records
 * @prog: the checked copy of the program
 * @target: jump target of each control-flow instruction
 * @count: number of instructions
 * @items: work-items per work-group
 * @num_waves: waves per work-group
 * @waves: their state
 * @shared: the work-group's shared memory
 * @priv: the work-items' private memory
 * @group: the running work-group's id in x, y and z
 * @steps: wave instructions run since the last slice boundary
 * @lanes: lanes those instructions ran for, summed
 * @tlb: the TLB
 */
struct vsvm_shader {
	struct vsvm_job *job;
	const struct drm_vsvm_cmd_dispatch *cmd;
	u64 ip;
	struct drm_vsvm_isa_inst *prog;
	u16 *target;
	u32 count;
	u32 items;
	u32 num_waves;
	struct vsvm_wave *waves;
	u8 *shared;
	u8 *priv;
	u32 group[3];
	u32 steps;
	u32 lanes;
	struct vsvm_shader_tlb tlb;
};

/* for each lane @l set in the mask @m, lowest first */
#define vsvm_for_lanes(l, m) \
	for (u32 _lanes = (m); _lanes && ((l) = __ffs(_lanes), true); \
	     _lanes &= _lanes - 1)

static bool vsvm_type_int(u8 type)
{
	return type >= DRM_VSVM_ISA_U32 && type <= DRM_VSVM_ISA_S64;
}

static bool vsvm_type_mem(u8 type)
{
	return type >= DRM_VSVM_ISA_U8 && type <= DRM_VSVM_ISA_S64;
}

static bool vsvm_type_signed(u8 type)
{
	return type == DRM_VSVM_ISA_S8 || type == DRM_VSVM_ISA_S16 ||
	       type == DRM_VSVM_ISA_S32 || type == DRM_VSVM_ISA_S64;
}

static bool vsvm_type_32(u8 type)
{
	return type == DRM_VSVM_ISA_U32 || type == DRM_VSVM_ISA_S32;
}

/* bytes of a memory access of @type */
static u32 vsvm_type_size(u8 type)
{
	return 1u << ((type - DRM_VSVM_ISA_U8) / 2);
}

/* @v as a value of @type, sign- or zero-extended to 64 bits */
static u64 vsvm_extend(u64 v, u8 type)
{
	switch (type) {
	case DRM_VSVM_ISA_U8:
		return (u8)v;
	case DRM_VSVM_ISA_S8:
		return (s64)(s8)v;
	case DRM_VSVM_ISA_U16:
		return (u16)v;
	case DRM_VSVM_ISA_S16:
		return (s64)(s16)v;
	case DRM_VSVM_ISA_U32:
		return (u32)v;
	case DRM_VSVM_ISA_S32:
		return (s64)(s32)v;
	default:
		return v;
	}
}

static bool vsvm_imm_s32(u64 imm)
{
	return (s64)imm == (s32)imm;
}

/*
 * Check one instruction's fields against its opcode class; 0 or -EINVAL.
 * Control flow is checked by the caller.
 */
static int vsvm_shader_check_fields(const struct drm_vsvm_isa_inst *in)
{
	u8 regs[4] = { in->dst, in->src0, in->src1, in->src2 };
	/* which of dst, src0, src1, src2 the class uses */
	unsigned int used = 0, i;
	bool imm_used = false, imm_flag_ok = false, type_ok;
	u16 flags = in->flags;

	switch (vsvm_opc[in->op]) {
	case VSVM_OPC_CTRL:
		type_ok = !in->type;
		break;
	case VSVM_OPC_IF:
		used = BIT(1);
		type_ok = !in->type;
		break;
	case VSVM_OPC_MOV:
		used = BIT(0) | BIT(1);
		type_ok = !in->type;
		break;
	case VSVM_OPC_MOVI:
		used = BIT(0);
		imm_used = true;
		type_ok = !in->type;
		break;
	case VSVM_OPC_SREG:
		used = BIT(0);
		imm_used = true;
		type_ok = !in->type && in->imm >= DRM_VSVM_ISA_SR_LANE_ID &&
			  in->imm < DRM_VSVM_ISA_SR_COUNT;
		break;
	case VSVM_OPC_SEL:
		used = BIT(0) | BIT(1) | BIT(2) | BIT(3);
		type_ok = !in->type;
		break;
	case VSVM_OPC_ALU2:
		used = BIT(0) | BIT(1) | BIT(2);
		imm_flag_ok = true;
		type_ok = vsvm_type_int(in->type);
		break;
	case VSVM_OPC_ALU1:
		used = BIT(0) | BIT(1);
		type_ok = vsvm_type_int(in->type);
		break;
	case VSVM_OPC_CMP:
		used = BIT(0) | BIT(1) | BIT(2);
		imm_flag_ok = true;
		type_ok = vsvm_type_int(in->type) ||
			  in->type == DRM_VSVM_ISA_F32;
		break;
	case VSVM_OPC_CVT:
		used = BIT(0) | BIT(1);
		imm_used = true;
		/* integer to integer, integer to F32 or F32 to integer */
		type_ok = in->imm <= U8_MAX &&
			  ((vsvm_type_mem(in->type) &&
			    (vsvm_type_mem(in->imm) ||
			     in->imm == DRM_VSVM_ISA_F32)) ||
			   (in->type == DRM_VSVM_ISA_F32 &&
			    vsvm_type_mem(in->imm)));
		break;
	case VSVM_OPC_FALU2:
		used = BIT(0) | BIT(1) | BIT(2);
		imm_flag_ok = true;
		type_ok = in->type == DRM_VSVM_ISA_F32;
		break;
	case VSVM_OPC_FALU1:
		used = BIT(0) | BIT(1);
		type_ok = in->type == DRM_VSVM_ISA_F32;
		break;
	case VSVM_OPC_LOAD:
		used = BIT(0) | BIT(1);
		imm_used = true;
		type_ok = vsvm_type_mem(in->type) && vsvm_imm_s32(in->imm);
		break;
	case VSVM_OPC_STORE:
		used = BIT(1) | BIT(2);
		imm_used = true;
		type_ok = vsvm_type_mem(in->type) && vsvm_imm_s32(in->imm);
		break;
	case VSVM_OPC_ATOM: {
		u16 aop = flags >> 8;

		used = BIT(0) | BIT(1) | BIT(2);
		if (aop == DRM_VSVM_ISA_ATOMIC_CMPXCHG)
			used |= BIT(3);
		imm_used = true;
		type_ok = vsvm_type_int(in->type) && vsvm_imm_s32(in->imm) &&
			  aop >= DRM_VSVM_ISA_ATOMIC_ADD &&
			  aop <= DRM_VSVM_ISA_ATOMIC_MAX;
		flags &= 0xff;
		break;
	}
	default:
		return -EINVAL;
	}
	if (!type_ok)
		return -EINVAL;

	if (flags & DRM_VSVM_ISA_IMM) {
		/* a 32-bit immediate leaves the upper half zero */
		if (!imm_flag_ok || in->src1 ||
		    ((vsvm_type_32(in->type) || in->type == DRM_VSVM_ISA_F32) &&
		     upper_32_bits(in->imm)))
			return -EINVAL;
		used &= ~BIT(2);
		imm_used = true;
		flags &= ~DRM_VSVM_ISA_IMM;
	}
	if (flags || (!imm_used && in->imm))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		if (used & BIT(i) ? regs[i] >= DRM_VSVM_ISA_NUM_REGS : regs[i])
			return -EINVAL;
	}
	return 0;
}

/*
 * Check the program and resolve its control flow: IF -> its ELSE or ENDIF,
 * ELSE -> ENDIF, LOOP -> ENDLOOP, ENDLOOP -> LOOP. Returns the index of the
 * first bad instruction, or -1.
 */
static int vsvm_shader_check(struct vsvm_shader *sh)
{
	u16 open[DRM_VSVM_ISA_MAX_NESTING];
	unsigned int depth = 0, loops = 0, i;

	for (i = 0; i < sh->count; i++) {
		const struct drm_vsvm_isa_inst *in = &sh->prog[i];
		const struct drm_vsvm_isa_inst *top =
			depth ? &sh->prog[open[depth - 1]] : NULL;

		sh->target[i] = 0;
		if (vsvm_shader_check_fields(in))
			return i;

		switch (in->op) {
		case DRM_VSVM_ISA_OP_IF:
		case DRM_VSVM_ISA_OP_LOOP:
			if (depth == DRM_VSVM_ISA_MAX_NESTING)
				return i;
			loops += in->op == DRM_VSVM_ISA_OP_LOOP;
			open[depth++] = i;
			break;
		case DRM_VSVM_ISA_OP_ELSE:
			if (!top || top->op != DRM_VSVM_ISA_OP_IF)
				return i;
			sh->target[open[depth - 1]] = i;
			/* the ENDIF sets the ELSE's target */
			open[depth - 1] = i;
			break;
		case DRM_VSVM_ISA_OP_ENDIF:
			if (!top || (top->op != DRM_VSVM_ISA_OP_IF &&
				     top->op != DRM_VSVM_ISA_OP_ELSE))
				return i;
			sh->target[open[--depth]] = i;
			break;
		case DRM_VSVM_ISA_OP_ENDLOOP:
			if (!top || top->op != DRM_VSVM_ISA_OP_LOOP)
				return i;
			depth--;
			loops--;
			sh->target[open[depth]] = i;
			sh->target[i] = open[depth];
			break;
		case DRM_VSVM_ISA_OP_BREAK:
		case DRM_VSVM_ISA_OP_CONTINUE:
			if (!loops)
				return i;
			break;
		}
	}
	if (depth || sh->prog[sh->count - 1].op != DRM_VSVM_ISA_OP_END)
		return sh->count - 1;
	return -1;
}

/* Drop the notifier lock the TLB holds, which flushes the TLB. */
static void vsvm_tlb_unlock(struct vsvm_shader *sh)
{
	if (!sh->tlb.locked)
		return;
	up_read(vsvm_svm_notifier_lock(sh->job->vm));
	sh->tlb.locked = false;
	memset(sh->tlb.vpn, 0xff, sizeof(sh->tlb.vpn));
}

/* The page of @va if the GPU page table grants @access, or NULL. */
static struct page *vsvm_tlb_lookup(struct vsvm_shader *sh, u64 va,
				    enum vsvm_access access)
{
	u64 vpn = va >> PAGE_SHIFT;
	unsigned int i = vpn % VSVM_SHADER_TLB_SIZE;
	bool write = access == VSVM_ACCESS_WRITE;
	struct page *page;

	if (sh->tlb.vpn[i] == vpn && (!write || sh->tlb.write[i]))
		return sh->tlb.page[i];

	if (!sh->tlb.locked) {
		down_read(vsvm_svm_notifier_lock(sh->job->vm));
		sh->tlb.locked = true;
	}
	page = vsvm_mem_translate(sh->job->vm, va, access);
	if (page) {
		sh->tlb.vpn[i] = vpn;
		sh->tlb.page[i] = page;
		sh->tlb.write[i] = write;
	}
	return page;
}

/*
 * A GPU page fault on @va: drop the TLB, let the fault handler resolve it.
 * 0 to replay the access, or the job's error.
 */
static int vsvm_shader_fault(struct vsvm_shader *sh, u64 va,
			     enum vsvm_access access)
{
	struct vsvm_job *job = sh->job;
	struct page *held = NULL;
	int ret;

	vsvm_tlb_unlock(sh);
	ret = vsvm_job_cancelled(job);
	if (ret)
		return ret;
	ret = vsvm_fault_raise(job->vm, va, access, &held);
	vsvm_svm_exclusive_release(held);
	if (ret)
		return vsvm_job_mem_fail(job, va, access, ret);
	cond_resched();
	return 0;
}

static u64 vsvm_mem_load(const void *p, u32 size)
{
	switch (size) {
	case 1:
		return READ_ONCE(*(const u8 *)p);
	case 2:
		return READ_ONCE(*(const u16 *)p);
	case 4:
		return READ_ONCE(*(const u32 *)p);
	default:
		return READ_ONCE(*(const u64 *)p);
	}
}

static void vsvm_mem_store(void *p, u32 size, u64 v)
{
	switch (size) {
	case 1:
		WRITE_ONCE(*(u8 *)p, v);
		break;
	case 2:
		WRITE_ONCE(*(u16 *)p, v);
		break;
	case 4:
		WRITE_ONCE(*(u32 *)p, v);
		break;
	default:
		WRITE_ONCE(*(u64 *)p, v);
		break;
	}
}

/* One lane's global load or store of @size bytes at @va. */
static int vsvm_lane_global(struct vsvm_shader *sh, u64 va, u32 size,
			    bool store, u64 *v)
{
	enum vsvm_access access = store ? VSVM_ACCESS_WRITE : VSVM_ACCESS_READ;

	if (va >= VSVM_VA_LIMIT)
		return vsvm_job_mem_fail(sh->job, va, access, -EFAULT);
	if (!IS_ALIGNED(va, size))
		return vsvm_job_mem_fail(sh->job, va, access, -EINVAL);

	for (;;) {
		struct page *page = vsvm_tlb_lookup(sh, va, access);
		void *p;
		int ret;

		if (page) {
			p = kmap_local_page(page) + offset_in_page(va);
			if (store)
				vsvm_mem_store(p, size, *v);
			else
				*v = vsvm_mem_load(p, size);
			kunmap_local(p);
			return 0;
		}
		ret = vsvm_shader_fault(sh, va, access);
		if (ret)
			return ret;
	}
}

/* Apply a 32-bit atomic at @p; returns the old value. */
static u64 vsvm_atomic32(u16 aop, bool is_signed, atomic_t *a, u32 v, u32 cmp)
{
	u32 old, new;

	switch (aop) {
	case DRM_VSVM_ISA_ATOMIC_ADD:
		return (u32)atomic_fetch_add(v, a);
	case DRM_VSVM_ISA_ATOMIC_XCHG:
		return (u32)atomic_xchg(a, v);
	case DRM_VSVM_ISA_ATOMIC_CMPXCHG:
		return (u32)atomic_cmpxchg(a, cmp, v);
	case DRM_VSVM_ISA_ATOMIC_AND:
		return (u32)atomic_fetch_and(v, a);
	case DRM_VSVM_ISA_ATOMIC_OR:
		return (u32)atomic_fetch_or(v, a);
	case DRM_VSVM_ISA_ATOMIC_XOR:
		return (u32)atomic_fetch_xor(v, a);
	}
	old = atomic_read(a);
	do {
		bool less = is_signed ? (s32)v < (s32)old : v < old;

		new = (aop == DRM_VSVM_ISA_ATOMIC_MIN) == less ? v : old;
	} while (!atomic_try_cmpxchg(a, (int *)&old, new));
	return old;
}

/* Apply a 64-bit atomic at @p; returns the old value. */
static u64 vsvm_atomic64(u16 aop, bool is_signed, atomic64_t *a, u64 v,
			 u64 cmp)
{
	s64 old;
	u64 new;

	switch (aop) {
	case DRM_VSVM_ISA_ATOMIC_ADD:
		return atomic64_fetch_add(v, a);
	case DRM_VSVM_ISA_ATOMIC_XCHG:
		return atomic64_xchg(a, v);
	case DRM_VSVM_ISA_ATOMIC_CMPXCHG:
		return atomic64_cmpxchg(a, cmp, v);
	case DRM_VSVM_ISA_ATOMIC_AND:
		return atomic64_fetch_and(v, a);
	case DRM_VSVM_ISA_ATOMIC_OR:
		return atomic64_fetch_or(v, a);
	case DRM_VSVM_ISA_ATOMIC_XOR:
		return atomic64_fetch_xor(v, a);
	}
	old = atomic64_read(a);
	do {
		bool less = is_signed ? (s64)v < old : v < (u64)old;

		new = (aop == DRM_VSVM_ISA_ATOMIC_MIN) == less ? v : old;
	} while (!atomic64_try_cmpxchg(a, &old, new));
	return old;
}

/* Apply an atomic of @type at @p; returns the old value. */
static u64 vsvm_atomic_apply(u16 aop, u8 type, void *p, u64 v, u64 cmp)
{
	if (vsvm_type_32(type))
		return vsvm_atomic32(aop, vsvm_type_signed(type), p, v, cmp);
	return vsvm_atomic64(aop, vsvm_type_signed(type), p, v, cmp);
}

/*
 * The error of a bad instruction: -EINVAL, recorded as a failed fetch at
 * the instruction's address (the uapi's &drm_vsvm_vm_error).
 */
static int vsvm_shader_inst_fail(struct vsvm_shader *sh, u32 pc)
{
	return vsvm_job_mem_fail(sh->job, sh->cmd->program +
				 (u64)pc * VSVM_INST_SIZE, VSVM_ACCESS_FETCH,
				 -EINVAL);
}

/*
 * Shared or private memory of lane @l at @off: the pointer, or NULL when
 * the access is misaligned or out of bounds.
 */
static void *vsvm_lane_local(struct vsvm_shader *sh, struct vsvm_wave *w,
			     unsigned int l, u8 op, u64 off, u32 size)
{
	bool shared = op == DRM_VSVM_ISA_OP_LDS || op == DRM_VSVM_ISA_OP_STS ||
		      op == DRM_VSVM_ISA_OP_ATOMS;
	u32 limit = shared ? sh->cmd->shared_size : sh->cmd->private_size;

	if (off >= limit || size > limit - off || !IS_ALIGNED(off, size))
		return NULL;
	if (shared)
		return sh->shared + off;
	return sh->priv + (u64)(w->base + l) * limit + off;
}

static int vsvm_wave_mem(struct vsvm_shader *sh, struct vsvm_wave *w,
			 const struct drm_vsvm_isa_inst *in)
{
	bool global = in->op == DRM_VSVM_ISA_OP_LD ||
		      in->op == DRM_VSVM_ISA_OP_ST;
	bool store = in->op == DRM_VSVM_ISA_OP_ST ||
		     in->op == DRM_VSVM_ISA_OP_STS ||
		     in->op == DRM_VSVM_ISA_OP_STP;
	u32 size = vsvm_type_size(in->type);
	u64 *d = w->r[in->dst], *a = w->r[in->src0], *s = w->r[in->src1];
	s64 off = (s32)in->imm;
	unsigned int l;
	int ret;

	vsvm_for_lanes(l, w->exec) {
		u64 addr = a[l] + off, v = s[l];

		if (global) {
			ret = vsvm_lane_global(sh, addr, size, store, &v);
			if (ret)
				return ret;
		} else {
			void *p = vsvm_lane_local(sh, w, l, in->op, addr, size);

			if (!p)
				return vsvm_shader_inst_fail(sh, w->pc);
			if (store)
				vsvm_mem_store(p, size, v);
			else
				v = vsvm_mem_load(p, size);
		}
		if (!store)
			d[l] = vsvm_extend(v, in->type);
	}
	return 0;
}

static int vsvm_wave_atomic(struct vsvm_shader *sh, struct vsvm_wave *w,
			    const struct drm_vsvm_isa_inst *in)
{
	struct vsvm_job *job = sh->job;
	u32 size = vsvm_type_size(in->type);
	u16 aop = in->flags >> 8;
	u64 *d = w->r[in->dst], *a = w->r[in->src0];
	u64 *s = w->r[in->src1], *c = w->r[in->src2];
	s64 off = (s32)in->imm;
	unsigned int l;

	/* vsvm_mem_map() takes the notifier lock itself */
	if (in->op == DRM_VSVM_ISA_OP_ATOM)
		vsvm_tlb_unlock(sh);

	vsvm_for_lanes(l, w->exec) {
		u64 addr = a[l] + off;
		void *p;
		int err;

		if (in->op == DRM_VSVM_ISA_OP_ATOMS) {
			p = vsvm_lane_local(sh, w, l, in->op, addr, size);
			if (!p)
				return vsvm_shader_inst_fail(sh, w->pc);
			d[l] = vsvm_atomic_apply(aop, in->type, p, s[l], c[l]);
			continue;
		}
		if (!IS_ALIGNED(addr, size))
			return vsvm_job_mem_fail(job, addr, VSVM_ACCESS_ATOMIC,
						 -EINVAL);
		p = vsvm_mem_map(job, addr, VSVM_ACCESS_ATOMIC, &err);
		if (!p)
			return err;
		d[l] = vsvm_atomic_apply(aop, in->type, p, s[l], c[l]);
		vsvm_mem_unmap(job, p);
	}
	return 0;
}

static u64 vsvm_mulhi64(u64 a, u64 b, bool is_signed)
{
	u64 a0 = (u32)a, a1 = a >> 32, b0 = (u32)b, b1 = b >> 32;
	u64 mid = a1 * b0 + ((a0 * b0) >> 32);
	u64 mid2 = a0 * b1 + (u32)mid;
	u64 hi = a1 * b1 + (mid >> 32) + (mid2 >> 32);

	if (is_signed) {
		if ((s64)a < 0)
			hi -= b;
		if ((s64)b < 0)
			hi -= a;
	}
	return hi;
}

/* Integer ALU ops and compares on the lanes of @w->exec. */
static void vsvm_wave_alu(struct vsvm_wave *w,
			  const struct drm_vsvm_isa_inst *in, const u64 *b)
{
	bool w32 = vsvm_type_32(in->type), sg = vsvm_type_signed(in->type);
	u64 *d = w->r[in->dst];
	const u64 *a = w->r[in->src0];
	u64 mask = w32 ? U32_MAX : U64_MAX;
	unsigned int bits = w32 ? 32 : 64, l;
	s64 smin = w32 ? S32_MIN : S64_MIN;
	u32 exec = w->exec;

/* the operands as signed or unsigned values of the type's width */
#define SA(l)	((s64)vsvm_extend(a[l], w32 ? DRM_VSVM_ISA_S32 : DRM_VSVM_ISA_S64))
#define SB(l)	((s64)vsvm_extend(b[l], w32 ? DRM_VSVM_ISA_S32 : DRM_VSVM_ISA_S64))
#define UA(l)	(a[l] & mask)
#define UB(l)	(b[l] & mask)

	switch (in->op) {
	case DRM_VSVM_ISA_OP_ADD:
		vsvm_for_lanes(l, exec)
			d[l] = (a[l] + b[l]) & mask;
		break;
	case DRM_VSVM_ISA_OP_SUB:
		vsvm_for_lanes(l, exec)
			d[l] = (a[l] - b[l]) & mask;
		break;
	case DRM_VSVM_ISA_OP_MUL:
		vsvm_for_lanes(l, exec)
			d[l] = (a[l] * b[l]) & mask;
		break;
	case DRM_VSVM_ISA_OP_MULHI:
		vsvm_for_lanes(l, exec) {
			if (!w32)
				d[l] = vsvm_mulhi64(a[l], b[l], sg);
			else if (sg)
				d[l] = (u32)((SA(l) * SB(l)) >> 32);
			else
				d[l] = (UA(l) * UB(l)) >> 32;
		}
		break;
	case DRM_VSVM_ISA_OP_DIV:
		vsvm_for_lanes(l, exec) {
			if (!UB(l))
				d[l] = 0;
			else if (!sg)
				d[l] = UA(l) / UB(l);
			else if (SA(l) == smin && SB(l) == -1)
				d[l] = (u64)smin & mask;
			else
				d[l] = (u64)(SA(l) / SB(l)) & mask;
		}
		break;
	case DRM_VSVM_ISA_OP_REM:
		vsvm_for_lanes(l, exec) {
			if (!UB(l))
				d[l] = UA(l);
			else if (!sg)
				d[l] = UA(l) % UB(l);
			else if (SA(l) == smin && SB(l) == -1)
				d[l] = 0;
			else
				d[l] = (u64)(SA(l) % SB(l)) & mask;
		}
		break;
	case DRM_VSVM_ISA_OP_AND:
		vsvm_for_lanes(l, exec)
			d[l] = a[l] & b[l] & mask;
		break;
	case DRM_VSVM_ISA_OP_OR:
		vsvm_for_lanes(l, exec)
			d[l] = (a[l] | b[l]) & mask;
		break;
	case DRM_VSVM_ISA_OP_XOR:
		vsvm_for_lanes(l, exec)
			d[l] = (a[l] ^ b[l]) & mask;
		break;
	case DRM_VSVM_ISA_OP_SHL:
		vsvm_for_lanes(l, exec)
			d[l] = (a[l] << (b[l] & (bits - 1))) & mask;
		break;
	case DRM_VSVM_ISA_OP_SHR:
		vsvm_for_lanes(l, exec) {
			if (sg)
				d[l] = (u64)(SA(l) >> (b[l] & (bits - 1))) & mask;
			else
				d[l] = UA(l) >> (b[l] & (bits - 1));
		}
		break;
	case DRM_VSVM_ISA_OP_MIN:
		vsvm_for_lanes(l, exec)
			d[l] = (sg ? SA(l) < SB(l) : UA(l) < UB(l)) ? UA(l) : UB(l);
		break;
	case DRM_VSVM_ISA_OP_MAX:
		vsvm_for_lanes(l, exec)
			d[l] = (sg ? SA(l) > SB(l) : UA(l) > UB(l)) ? UA(l) : UB(l);
		break;
	case DRM_VSVM_ISA_OP_NOT:
		vsvm_for_lanes(l, exec)
			d[l] = ~a[l] & mask;
		break;
	case DRM_VSVM_ISA_OP_NEG:
		vsvm_for_lanes(l, exec)
			d[l] = -a[l] & mask;
		break;
	case DRM_VSVM_ISA_OP_SEQ:
		vsvm_for_lanes(l, exec)
			d[l] = UA(l) == UB(l);
		break;
	case DRM_VSVM_ISA_OP_SNE:
		vsvm_for_lanes(l, exec)
			d[l] = UA(l) != UB(l);
		break;
	case DRM_VSVM_ISA_OP_SLT:
		vsvm_for_lanes(l, exec)
			d[l] = sg ? SA(l) < SB(l) : UA(l) < UB(l);
		break;
	case DRM_VSVM_ISA_OP_SGE:
		vsvm_for_lanes(l, exec)
			d[l] = sg ? SA(l) >= SB(l) : UA(l) >= UB(l);
		break;
	}
#undef SA
#undef SB
#undef UA
#undef UB
}

static void vsvm_wave_cvt(struct vsvm_wave *w,
			  const struct drm_vsvm_isa_inst *in)
{
	u64 *d = w->r[in->dst], *a = w->r[in->src0];
	u8 stype = in->imm;
	unsigned int l;

	if (stype == DRM_VSVM_ISA_F32) {
		vsvm_fp_to_int(in->type, d, a, w->exec);
		return;
	}
	if (in->type == DRM_VSVM_ISA_F32) {
		vsvm_for_lanes(l, w->exec)
			w->tmp[l] = vsvm_extend(a[l], stype);
		vsvm_fp_from_int(stype, d, w->tmp, w->exec);
		return;
	}
	/* integer to integer: extend from the source, truncate to the target */
	vsvm_for_lanes(l, w->exec) {
		u64 v = vsvm_extend(a[l], stype);

		d[l] = in->type >= DRM_VSVM_ISA_U64 ? v :
		       v & ((1ull << (8 * vsvm_type_size(in->type))) - 1);
	}
}

static u64 vsvm_lane_sreg(struct vsvm_shader *sh, struct vsvm_wave *w,
			  unsigned int l, u32 sr)
{
	const struct drm_vsvm_cmd_dispatch *cmd = sh->cmd;
	u32 li = w->base + l;
	u32 lid[3] = {
		li % cmd->group_size[0],
		li / cmd->group_size[0] % cmd->group_size[1],
		li / (cmd->group_size[0] * cmd->group_size[1]),
	};
	unsigned int dim;

	switch (sr) {
	case DRM_VSVM_ISA_SR_LANE_ID:
		return l;
	case DRM_VSVM_ISA_SR_LOCAL_INDEX:
		return li;
	case DRM_VSVM_ISA_SR_ARGS:
		return cmd->args;
	}
	dim = (sr - DRM_VSVM_ISA_SR_LOCAL_ID_X) % 3;
	switch (sr - dim) {
	case DRM_VSVM_ISA_SR_LOCAL_ID_X:
		return lid[dim];
	case DRM_VSVM_ISA_SR_GROUP_ID_X:
		return sh->group[dim];
	case DRM_VSVM_ISA_SR_GROUP_SIZE_X:
		return cmd->group_size[dim];
	case DRM_VSVM_ISA_SR_NUM_GROUPS_X:
		return cmd->grid[dim];
	case DRM_VSVM_ISA_SR_GLOBAL_OFFSET_X:
		return cmd->global_offset[dim];
	default: /* DRM_VSVM_ISA_SR_GLOBAL_ID_X */
		return (u64)sh->group[dim] * cmd->group_size[dim] + lid[dim] +
		       cmd->global_offset[dim];
	}
}

/* Lanes that left the innermost loop (BREAK) or wait for its ENDLOOP. */
static u32 vsvm_wave_loop_exits(const struct vsvm_wave *w)
{
	const struct vsvm_mask_frame *f;

	if (w->loop < 0)
		return 0;
	f = &w->stack[w->loop];
	return f->brk | f->cont;
}

/* A control-flow instruction; sets the next pc. */
static int vsvm_wave_control(struct vsvm_shader *sh, struct vsvm_wave *w,
			     const struct drm_vsvm_isa_inst *in)
{
	u32 target = sh->target[w->pc];
	struct vsvm_mask_frame *f;
	unsigned int l;
	u32 cond = 0;

	switch (in->op) {
	case DRM_VSVM_ISA_OP_IF:
		vsvm_for_lanes(l, w->exec)
			if (w->r[in->src0][l])
				cond |= BIT(l);
		f = &w->stack[w->depth++];
		f->saved = w->exec;
		f->other = w->exec & ~cond;
		w->exec = cond;
		/* no lane takes the branch: on to the ELSE or the ENDIF */
		w->pc = cond ? w->pc + 1 : target;
		return 0;
	case DRM_VSVM_ISA_OP_ELSE:
		f = &w->stack[w->depth - 1];
		w->exec = f->other & w->live;
		/* no lane takes the ELSE branch: on to the ENDIF */
		w->pc = w->exec ? w->pc + 1 : target;
		return 0;
	case DRM_VSVM_ISA_OP_ENDIF:
		f = &w->stack[--w->depth];
		w->exec = f->saved & w->live & ~vsvm_wave_loop_exits(w);
		break;
	case DRM_VSVM_ISA_OP_LOOP:
		f = &w->stack[w->depth++];
		f->saved = w->exec;
		f->brk = 0;
		f->cont = 0;
		f->outer = w->loop;
		w->loop = w->depth - 1;
		if (!w->exec) {
			w->depth--;
			w->loop = f->outer;
			w->pc = target + 1;
			return 0;
		}
		break;
	case DRM_VSVM_ISA_OP_ENDLOOP:
		f = &w->stack[w->depth - 1];
		w->exec = (w->exec | f->cont) & w->live;
		f->cont = 0;
		if (w->exec) {
			w->pc = target + 1;
			return 0;
		}
		w->depth--;
		w->loop = f->outer;
		w->exec = f->saved & w->live;
		break;
	case DRM_VSVM_ISA_OP_BREAK:
		w->stack[w->loop].brk |= w->exec;
		w->exec = 0;
		break;
	case DRM_VSVM_ISA_OP_CONTINUE:
		w->stack[w->loop].cont |= w->exec;
		w->exec = 0;
		break;
	case DRM_VSVM_ISA_OP_END:
		w->live &= ~w->exec;
		w->exec = 0;
		if (!w->live)
			w->state = VSVM_WAVE_DONE;
		break;
	case DRM_VSVM_ISA_OP_BARRIER:
		if (!w->exec)
			break;
		/* a barrier only some of the wave's lanes reach */
		if (w->exec != w->live)
			return vsvm_shader_inst_fail(sh, w->pc);
		w->state = VSVM_WAVE_BARRIER;
		break;
	}
	w->pc++;
	return 0;
}

/* One non-control instruction for the lanes of @w->exec. */
static int vsvm_wave_step(struct vsvm_shader *sh, struct vsvm_wave *w,
			  const struct drm_vsvm_isa_inst *in, u8 opc)
{
	u64 *d = w->r[in->dst];
	const u64 *a = w->r[in->src0], *b = w->r[in->src1];
	unsigned int l;
	int ret = 0;

	if (in->flags & DRM_VSVM_ISA_IMM) {
		vsvm_for_lanes(l, w->exec)
			w->tmp[l] = in->imm;
		b = w->tmp;
	}

	switch (opc) {
	case VSVM_OPC_MOV:
		vsvm_for_lanes(l, w->exec)
			d[l] = a[l];
		break;
	case VSVM_OPC_MOVI:
		vsvm_for_lanes(l, w->exec)
			d[l] = in->imm;
		break;
	case VSVM_OPC_SREG:
		vsvm_for_lanes(l, w->exec)
			d[l] = vsvm_lane_sreg(sh, w, l, in->imm);
		break;
	case VSVM_OPC_SEL:
		vsvm_for_lanes(l, w->exec)
			d[l] = a[l] ? b[l] : w->r[in->src2][l];
		break;
	case VSVM_OPC_CMP:
		if (in->type != DRM_VSVM_ISA_F32) {
			vsvm_wave_alu(w, in, b);
			break;
		}
		fallthrough;
	case VSVM_OPC_FALU2:
	case VSVM_OPC_FALU1:
		vsvm_fp_alu(in->op, d, a, b, w->exec);
		break;
	case VSVM_OPC_ALU2:
	case VSVM_OPC_ALU1:
		vsvm_wave_alu(w, in, b);
		break;
	case VSVM_OPC_CVT:
		vsvm_wave_cvt(w, in);
		break;
	case VSVM_OPC_LOAD:
	case VSVM_OPC_STORE:
		ret = vsvm_wave_mem(sh, w, in);
		break;
	case VSVM_OPC_ATOM:
		ret = vsvm_wave_atomic(sh, w, in);
		break;
	}
	w->pc++;
	return ret;
}

/* Add the instructions counted since the last call to the VM's counters. */
static void vsvm_shader_count(struct vsvm_shader *sh)
{
	struct vsvm_vm *vm = sh->job->vm;

	if (!sh->steps)
		return;
	vsvm_vm_stat_add(vm, VSVM_STAT_SHADER_WAVE_INSTS, sh->steps);
	vsvm_vm_stat_add(vm, VSVM_STAT_SHADER_LANE_INSTS, sh->lanes);
	sh->steps = 0;
	sh->lanes = 0;
}

/* End of a slice: let invalidations and the scheduler in, check for cancel. */
static int vsvm_shader_slice(struct vsvm_shader *sh)
{
	vsvm_shader_count(sh);
	vsvm_tlb_unlock(sh);
	cond_resched();
	return vsvm_job_cancelled(sh->job);
}

/* Run @w until it waits at a barrier or ends. */
static int vsvm_wave_run(struct vsvm_shader *sh, struct vsvm_wave *w)
{
	while (w->state == VSVM_WAVE_RUN) {
		const struct drm_vsvm_isa_inst *in;
		int ret = 0;
		u8 opc;

		if (w->pc >= sh->count) {
			w->state = VSVM_WAVE_DONE;
			break;
		}
		if (sh->steps >= VSVM_SHADER_SLICE) {
			ret = vsvm_shader_slice(sh);
			if (ret)
				return ret;
		}
		sh->steps++;
		sh->lanes += hweight32(w->exec);
		in = &sh->prog[w->pc];
		opc = vsvm_opc[in->op];
		if (opc == VSVM_OPC_CTRL || opc == VSVM_OPC_IF)
			ret = vsvm_wave_control(sh, w, in);
		else if (w->exec)
			ret = vsvm_wave_step(sh, w, in, opc);
		else
			w->pc++;
		if (ret)
			return ret;
	}
	return 0;
}

static int vsvm_shader_group(struct vsvm_shader *sh, u64 g)
{
	const struct drm_vsvm_cmd_dispatch *cmd = sh->cmd;
	unsigned int i;
	int ret;

	sh->group[0] = g % cmd->grid[0];
	sh->group[1] = g / cmd->grid[0] % cmd->grid[1];
	sh->group[2] = g / ((u64)cmd->grid[0] * cmd->grid[1]);

	for (i = 0; i < sh->num_waves; i++) {
		struct vsvm_wave *w = &sh->waves[i];
		u32 lanes = min_t(u32, VSVM_WAVE, sh->items - i * VSVM_WAVE);

		w->depth = 0;
		w->loop = -1;
		w->pc = 0;
		w->base = i * VSVM_WAVE;
		w->live = lanes == VSVM_WAVE ? U32_MAX : BIT(lanes) - 1;
		w->exec = w->live;
		w->state = VSVM_WAVE_RUN;
	}

	for (;;) {
		bool waiting = false;

		for (i = 0; i < sh->num_waves; i++) {
			ret = vsvm_wave_run(sh, &sh->waves[i]);
			if (ret)
				return ret;
		}
		/* every wave ended or waits at the barrier: release it */
		for (i = 0; i < sh->num_waves; i++) {
			struct vsvm_wave *w = &sh->waves[i];

			if (w->state == VSVM_WAVE_BARRIER) {
				w->state = VSVM_WAVE_RUN;
				waiting = true;
			}
		}
		if (!waiting)
			return 0;
	}
}

static int vsvm_shader_check_cmd(const struct drm_vsvm_cmd_dispatch *cmd,
				 u64 *groups)
{
	u64 items = 1, total = 1;
	unsigned int i;

	if (cmd->pad || !cmd->program_size ||
	    !IS_ALIGNED(cmd->program, VSVM_INST_SIZE) ||
	    !IS_ALIGNED(cmd->program_size, VSVM_INST_SIZE) ||
	    cmd->program_size > DRM_VSVM_ISA_MAX_PROGRAM ||
	    cmd->shared_size > VSVM_SHADER_MAX_SHARED ||
	    cmd->private_size > VSVM_SHADER_MAX_PRIVATE || !cmd->group_count)
		return -EINVAL;
	for (i = 0; i < 3; i++) {
		if (!cmd->grid[i] || !cmd->group_size[i])
			return -EINVAL;
		items *= cmd->group_size[i];
		if (items > VSVM_SHADER_MAX_GROUP)
			return -EINVAL;
		if (check_mul_overflow(total, (u64)cmd->grid[i], &total))
			total = U64_MAX;
	}
	if ((u64)cmd->group_first + cmd->group_count > total)
		return -EINVAL;
	*groups = items;
	return 0;
}

static void vsvm_shader_free(struct vsvm_shader *sh)
{
	kvfree(sh->priv);
	kvfree(sh->shared);
	kvfree(sh->waves);
	kvfree(sh->target);
	kvfree(sh->prog);
}

/**
 * vsvm_shader_dispatch() - run a DISPATCH command
 * @job: the running job
 * @cmd: the command, as fetched
 * @ip: GPU address of the command
 *
 * Fetches and checks the program, then runs the command's work-groups one
 * after another (see "shader cores" above).
 *
 * Context: the engine's workqueue, the VM's notifier lock not held.
 * Return: 0 when every work-item ended; -EINVAL for invalid fields, or a
 * bad program or instruction (recorded as a failed fetch of the
 * instruction), or the error of the access or fault that ended the job.
 */
int vsvm_shader_dispatch(struct vsvm_job *job,
			 const struct drm_vsvm_cmd_dispatch *cmd, u64 ip)
{
	struct vsvm_shader *sh;
	u64 items, g;
	int bad, ret;

	ret = vsvm_shader_check_cmd(cmd, &items);
	if (ret)
		return vsvm_job_mem_fail(job, ip, 0, ret);
	if (cmd->program >= VSVM_VA_LIMIT ||
	    cmd->program_size > VSVM_VA_LIMIT - cmd->program)
		return vsvm_job_mem_fail(job, cmd->program, VSVM_ACCESS_FETCH,
					 -EFAULT);

	sh = kzalloc_obj(*sh, GFP_KERNEL_ACCOUNT);
	if (!sh)
		return -ENOMEM;
	sh->job = job;
	sh->cmd = cmd;
	sh->ip = ip;
	sh->items = items;
	sh->count = cmd->program_size / VSVM_INST_SIZE;
	sh->num_waves = DIV_ROUND_UP(sh->items, VSVM_WAVE);
	memset(sh->tlb.vpn, 0xff, sizeof(sh->tlb.vpn));

	ret = -ENOMEM;
	sh->prog = kvmalloc(cmd->program_size, GFP_KERNEL_ACCOUNT);
	sh->target = kvmalloc_array(sh->count, sizeof(*sh->target),
				    GFP_KERNEL_ACCOUNT);
	/* zeroed: registers start at 0, never another VM's data */
	sh->waves = kvcalloc(sh->num_waves, sizeof(*sh->waves),
			     GFP_KERNEL_ACCOUNT);
	if (cmd->shared_size)
		sh->shared = kvzalloc(cmd->shared_size, GFP_KERNEL_ACCOUNT);
	if (cmd->private_size)
		sh->priv = kvcalloc(sh->items, cmd->private_size,
				    GFP_KERNEL_ACCOUNT);
	if (!sh->prog || !sh->target || !sh->waves ||
	    (cmd->shared_size && !sh->shared) ||
	    (cmd->private_size && !sh->priv))
		goto out;

	ret = vsvm_mem_read(job, cmd->program, sh->prog, cmd->program_size,
			    VSVM_ACCESS_FETCH);
	if (ret)
		goto out;
	bad = vsvm_shader_check(sh);
	if (bad >= 0) {
		ret = vsvm_shader_inst_fail(sh, bad);
		goto out;
	}

	for (g = cmd->group_first; g < (u64)cmd->group_first + cmd->group_count;
	     g++) {
		ret = vsvm_shader_group(sh, g);
		if (ret)
			break;
	}
	vsvm_tlb_unlock(sh);
	vsvm_shader_count(sh);
out:
	vsvm_shader_free(sh);
	kfree(sh);
	return ret;
}
