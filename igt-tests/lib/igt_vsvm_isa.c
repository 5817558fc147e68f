// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "igt.h"
#include "igt_vsvm_isa.h"

/**
 * vsvm_isa_prog_create:
 *
 * Returns: an empty program, in plain anonymous memory the GPU fetches
 * through SVM.
 */
struct vsvm_isa_prog *vsvm_isa_prog_create(void)
{
	struct vsvm_isa_prog *p = calloc(1, sizeof(*p));

	igt_assert(p);
	p->inst = mmap(NULL, DRM_VSVM_ISA_MAX_PROGRAM, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(p->inst != MAP_FAILED);
	return p;
}

/**
 * vsvm_isa_prog_destroy:
 * @p: a program
 */
void vsvm_isa_prog_destroy(struct vsvm_isa_prog *p)
{
	munmap(p->inst, DRM_VSVM_ISA_MAX_PROGRAM);
	free(p);
}

/**
 * vsvm_isa_prog_address:
 * @p: a program
 *
 * Returns: the GPU address of its first instruction.
 */
uint64_t vsvm_isa_prog_address(const struct vsvm_isa_prog *p)
{
	return to_user_pointer(p->inst);
}

/**
 * vsvm_isa_prog_size:
 * @p: a program
 *
 * Returns: its size in bytes.
 */
uint32_t vsvm_isa_prog_size(const struct vsvm_isa_prog *p)
{
	return p->count * sizeof(*p->inst);
}

/**
 * vsvm_isa:
 * @p: a program
 * @op: DRM_VSVM_ISA_OP_*
 * @type: DRM_VSVM_ISA_* type, or 0
 * @dst: destination register
 * @src0: first source register
 * @src1: second source register
 * @src2: third source register
 * @flags: DRM_VSVM_ISA_IMM, DRM_VSVM_ISA_ATOMIC()
 * @imm: immediate
 *
 * Appends an instruction, as given (malformed ones too).
 *
 * Returns: its index.
 */
unsigned int vsvm_isa(struct vsvm_isa_prog *p, uint8_t op, uint8_t type,
		      uint8_t dst, uint8_t src0, uint8_t src1, uint8_t src2,
		      uint16_t flags, uint64_t imm)
{
	struct drm_vsvm_isa_inst *in;

	igt_assert(p->count < VSVM_ISA_PROG_MAX);
	in = &p->inst[p->count];
	memset(in, 0, sizeof(*in));
	in->op = op;
	in->type = type;
	in->dst = dst;
	in->src0 = src0;
	in->src1 = src1;
	in->src2 = src2;
	in->flags = flags;
	in->imm = imm;
	return p->count++;
}

/**
 * vsvm_isa_dispatch_1d:
 * @p: the program
 * @groups: work-groups
 * @size: work-items per group
 * @args: the value SREG ARGS reads
 *
 * Returns: a DISPATCH command running @p over every group.
 */
struct drm_vsvm_cmd_dispatch vsvm_isa_dispatch_1d(const struct vsvm_isa_prog *p,
						  uint32_t groups,
						  uint32_t size, uint64_t args)
{
	struct drm_vsvm_cmd_dispatch d = {
		.hdr.op = DRM_VSVM_CMD_DISPATCH,
		.program = vsvm_isa_prog_address(p),
		.program_size = vsvm_isa_prog_size(p),
		.args = args,
		.grid = { groups, 1, 1 },
		.group_size = { size, 1, 1 },
		.group_count = groups,
	};

	return d;
}
