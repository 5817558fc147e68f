// SPDX-License-Identifier: MIT
/*
 * vsvm-shader-bench: the cost of the shader cores' interpreter per
 * lane-instruction, for a float-heavy program and an integer program of
 * the same shape. A benchmark, not a test: it checks that every job
 * succeeded and every item was written, but the figures pass or fail
 * nothing.
 *
 * Each program runs over --items work-items (default 65536) in groups of
 * 256, as one DISPATCH on engine 0 between two TIMESTAMP commands (the
 * engine's clock, so submission and wake-up are not counted). Every item
 * runs a loop of --iters iterations (default 64); the float body is
 *
 *   t = a * x; t = t + 1.5; t = t / x; s = sqrt(t); t = t - s;
 *   t = t * 0.75; t = t + 0.5; t = max(t, 1.0); a = min(t, 1e6)
 *
 * (FMUL FADD FDIV FSQRT FSUB FMUL FADD FMAX FMIN, values kept normal), the
 * integer body the same with MUL ADD DIV SHR SUB MUL ADD MAX MIN on U32;
 * both close the iteration with SUB, SEQ, IF, BREAK, ENDIF, ENDLOOP.
 *
 * The lane-instructions of a run are counted from the program's shape and
 * checked against the device's debugfs vsvm_stats (shader_lane_insts,
 * when readable: root only); a difference fails the run. Printed per program: the engine time and
 * ns per lane-instruction as min / median / max over --reps runs (default
 * 5), and the binary32 mode of the loaded module
 * (/sys/module/vsvm/parameters/shader_fpu: Y = FPU, N = soft-float).
 *
 * usage: vsvm_shader_bench [--items N] [--iters N] [--reps N]
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "vsvm.h"
#include "vsvm_isa.h"
#include "vsvm_debugfs_stat.h"

#define GROUP	256
#define MAX_INST	64

struct prog {
	struct drm_vsvm_isa_inst inst[MAX_INST];
	unsigned int count;
	/* per-lane instructions: before the loop, per iteration, after */
	unsigned int pre, body, post;
};

static void emit(struct prog *p, uint8_t op, uint8_t type, uint8_t dst,
		 uint8_t src0, uint8_t src1, uint16_t flags, uint64_t imm)
{
	struct drm_vsvm_isa_inst *in = &p->inst[p->count++];

	memset(in, 0, sizeof(*in));
	in->op = op;
	in->type = type;
	in->dst = dst;
	in->src0 = src0;
	in->src1 = src1;
	in->flags = flags;
	in->imm = imm;
}

#define OP(p, op, t, d, a, b) \
	emit(p, DRM_VSVM_ISA_OP_##op, DRM_VSVM_ISA_##t, d, a, b, 0, 0)
#define OPI(p, op, t, d, a, v) \
	emit(p, DRM_VSVM_ISA_OP_##op, DRM_VSVM_ISA_##t, d, a, 0, \
	     DRM_VSVM_ISA_IMM, v)
#define CTRL(p, op)	emit(p, DRM_VSVM_ISA_OP_##op, 0, 0, 0, 0, 0, 0)

/* r1 gid, r2 args, r3 out, r4 x, r5 a, r6 counter, r7 t, r8 s, r9 cond */
static void build(struct prog *p, bool fp, uint32_t iters)
{
	unsigned int loop;

	p->count = 0;
	emit(p, DRM_VSVM_ISA_OP_SREG, 0, 1, 0, 0, 0, DRM_VSVM_ISA_SR_GLOBAL_ID_X);
	emit(p, DRM_VSVM_ISA_OP_SREG, 0, 2, 0, 0, 0, DRM_VSVM_ISA_SR_ARGS);
	emit(p, DRM_VSVM_ISA_OP_LD, DRM_VSVM_ISA_U64, 3, 2, 0, 0, 0);
	OPI(p, ADD, U32, 4, 1, 1);
	if (fp)
		emit(p, DRM_VSVM_ISA_OP_CVT, DRM_VSVM_ISA_F32, 4, 4, 0, 0,
		     DRM_VSVM_ISA_U32);
	else
		OPI(p, ADD, U32, 4, 4, 0);
	emit(p, DRM_VSVM_ISA_OP_MOVI, 0, 5, 0, 0, 0, fp ? 0x3f800000 : 1);
	emit(p, DRM_VSVM_ISA_OP_MOVI, 0, 6, 0, 0, 0, iters);
	p->pre = p->count;
	loop = p->count;
	CTRL(p, LOOP);
	if (fp) {
		OP(p, FMUL, F32, 7, 5, 4);
		OPI(p, FADD, F32, 7, 7, 0x3fc00000);	/* 1.5 */
		OP(p, FDIV, F32, 7, 7, 4);
		OP(p, FSQRT, F32, 8, 7, 0);
		OP(p, FSUB, F32, 7, 7, 8);
		OPI(p, FMUL, F32, 7, 7, 0x3f400000);	/* 0.75 */
		OPI(p, FADD, F32, 7, 7, 0x3f000000);	/* 0.5 */
		OPI(p, FMAX, F32, 7, 7, 0x3f800000);	/* 1.0 */
		OPI(p, FMIN, F32, 5, 7, 0x49742400);	/* 1e6 */
	} else {
		OP(p, MUL, U32, 7, 5, 4);
		OPI(p, ADD, U32, 7, 7, 3);
		OP(p, DIV, U32, 7, 7, 4);
		OPI(p, SHR, U32, 8, 7, 1);
		OP(p, SUB, U32, 7, 7, 8);
		OPI(p, MUL, U32, 7, 7, 3);
		OPI(p, ADD, U32, 7, 7, 1);
		OPI(p, MAX, U32, 7, 7, 1);
		OPI(p, MIN, U32, 5, 7, 1000000);
	}
	OPI(p, SUB, U32, 6, 6, 1);
	OPI(p, SEQ, U32, 9, 6, 0);
	emit(p, DRM_VSVM_ISA_OP_IF, 0, 0, 9, 0, 0, 0);
	CTRL(p, BREAK);
	CTRL(p, ENDIF);
	CTRL(p, ENDLOOP);
	/* an iteration: LOOP once, then the body up to ENDLOOP */
	p->body = p->count - loop - 1;
	OPI(p, SHL, U64, 10, 1, 2);
	OP(p, ADD, U64, 10, 3, 10);
	emit(p, DRM_VSVM_ISA_OP_ST, DRM_VSVM_ISA_U32, 0, 10, 5, 0, 0);
	CTRL(p, END);
	p->post = p->count - loop - 1 - p->body;
}

/*
 * Lane-instructions of one run, from the shape. The interpreter counts the
 * lanes an instruction runs for: every lane runs LOOP once and, each
 * iteration, the body up to IF and ENDLOOP, but BREAK only on the last
 * iteration, where ENDLOOP then runs for no lane; ENDIF always runs for
 * none (IF skips to it when no lane takes the branch, and BREAK leaves no
 * lane there).
 */
static uint64_t shape_lane_insts(const struct prog *p, uint64_t items,
				 uint32_t iters)
{
	return items * (p->pre + 1 + (uint64_t)(p->body - 2) * iters + p->post);
}

static int64_t debugfs_stat(int fd, const char *name)
{
	struct stat st;

	if (fstat(fd, &st))
		return -1;
	return vsvm_debugfs_stat(minor(st.st_rdev), name);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static char fpu_mode(void)
{
	FILE *f = fopen("/sys/module/vsvm/parameters/shader_fpu", "r");
	int c = '?';

	if (f) {
		c = fgetc(f);
		fclose(f);
	}
	return c == EOF ? '?' : c;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "items", required_argument, NULL, 'n' },
		{ "iters", required_argument, NULL, 'i' },
		{ "reps", required_argument, NULL, 'r' },
		{ 0 }
	};
	uint32_t items = 65536, iters = 64, reps = 5;
	vsvm_device_handle dev;
	vsvm_cmdbuf_handle cb;
	struct prog *prog;
	uint64_t *args, *ts;
	uint32_t *out, vm;
	double *ns, *per;
	char path[64];
	int c, ret, status, fd, failed = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			items = strtoul(optarg, NULL, 0);
			break;
		case 'i':
			iters = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			reps = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: vsvm_shader_bench [--items N] [--iters N] [--reps N]\n");
			return 2;
		}
	}
	if (!items || items % GROUP || !iters || !reps) {
		fprintf(stderr, "vsvm_shader_bench: --items a multiple of %u, --iters and --reps > 0\n",
			GROUP);
		return 2;
	}

	ret = vsvm_find_render_node(path, sizeof(path));
	if (!ret)
		ret = vsvm_device_open(path, &dev);
	if (ret) {
		fprintf(stderr, "vsvm_shader_bench: no vsvm device: %s\n", strerror(-ret));
		return 1;
	}
	fd = vsvm_device_get_fd(dev);
	ret = vsvm_vm_create(dev, DRM_VSVM_VM_CREATE_SVM, &vm);
	if (!ret)
		ret = vsvm_cmdbuf_create(4096, &cb);
	if (ret) {
		fprintf(stderr, "vsvm_shader_bench: VM: %s\n", strerror(-ret));
		return 1;
	}
	prog = aligned_alloc(4096, sizeof(*prog));
	args = aligned_alloc(64, 64);
	ts = aligned_alloc(64, 64);
	out = malloc(items * sizeof(*out));
	ns = calloc(reps, sizeof(*ns));
	per = calloc(reps, sizeof(*per));
	if (!prog || !args || !ts || !out || !ns || !per) {
		fprintf(stderr, "vsvm_shader_bench: out of memory\n");
		return 1;
	}
	args[0] = (uintptr_t)out;

	printf("# vsvm_shader_bench: %u items, groups of %u, %u iterations, %u reps, shader_fpu=%c\n",
	       items, GROUP, iters, reps, fpu_mode());
	printf("%-6s %12s %12s %12s %10s %10s %10s\n", "prog", "lane-insts",
	       "ms min", "ms median", "ns/li min", "ns/li med", "ns/li max");
	for (int fp = 1; fp >= 0; fp--) {
		struct drm_vsvm_cmd_dispatch d = {
			.args = (uintptr_t)args,
			.grid = { items / GROUP, 1, 1 },
			.group_size = { GROUP, 1, 1 },
			.group_count = items / GROUP,
		};
		uint64_t li = 0;

		build(prog, fp, iters);
		d.program = (uintptr_t)prog->inst;
		d.program_size = prog->count * sizeof(prog->inst[0]);
		for (uint32_t r = 0; r <= reps; r++) {
			int64_t li0 = debugfs_stat(fd, "shader_lane_insts"), li1;

			memset(out, 0, items * sizeof(*out));
			vsvm_cmdbuf_reset(cb);
			vsvm_cmdbuf_timestamp(cb, (uintptr_t)&ts[0]);
			vsvm_cmdbuf_dispatch(cb, &d);
			vsvm_cmdbuf_timestamp(cb, (uintptr_t)&ts[1]);
			ret = vsvm_exec_wait(dev, vm, 0, cb, INT64_MAX, &status);
			if (ret || status != 1) {
				fprintf(stderr, "vsvm_shader_bench: job: %d, status %d\n",
					ret, status);
				return 1;
			}
			for (uint32_t i = 0; i < items; i++)
				failed += !out[i];
			li1 = debugfs_stat(fd, "shader_lane_insts");
			li = shape_lane_insts(prog, items, iters);
			if (li0 >= 0 && li1 >= 0 && (uint64_t)(li1 - li0) != li) {
				fprintf(stderr, "vsvm_shader_bench: debugfs counted %" PRId64
					" lane-instructions, the shape %" PRIu64 "\n",
					li1 - li0, li);
				li = li1 - li0;
				failed++;
			}
			/* run 0 warms up (faults in out, the program) */
			if (!r)
				continue;
			ns[r - 1] = ts[1] - ts[0];
			per[r - 1] = ns[r - 1] / li;
		}
		qsort(ns, reps, sizeof(*ns), cmp_double);
		qsort(per, reps, sizeof(*per), cmp_double);
		printf("%-6s %12" PRIu64 " %12.1f %12.1f %10.2f %10.2f %10.2f\n",
		       fp ? "float" : "int", li, ns[0] / 1e6, ns[reps / 2] / 1e6,
		       per[0], per[reps / 2], per[reps - 1]);
	}
	if (failed)
		fprintf(stderr, "vsvm_shader_bench: %d items not written\n", failed);

	vsvm_cmdbuf_destroy(cb);
	vsvm_vm_destroy(dev, vm);
	vsvm_device_close(dev);
	return failed ? 1 : 0;
}
