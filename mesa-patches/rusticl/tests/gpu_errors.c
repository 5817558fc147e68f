// SPDX-License-Identifier: MIT
/*
 * Kernels that fail on the GPU, and the device afterwards:
 *
 * 1. a kernel storing through a pointer into an unmapped hole of the
 *    address space (a page mmap()ed and munmap()ed again): its event must
 *    end with a negative status (vsvm: the job fails with -EFAULT);
 * 2. a kernel that never ends (it spins on a flag nobody sets): its event
 *    must end with a negative status (vsvm: the job timeout);
 * 3. after each failure, in the same process, on a new queue (rusticl
 *    fails every later command of a queue that had a failure), a vector
 *    add must give the right result, on the same and on a new context.
 *
 * Only on vsvm: on a CPU device the first two would crash or hang the
 * process (exit 77 there). Exits 0 on success, 1 on a failure.
 */
#include <sys/mman.h>

#include "cl_test.h"

#define N 4099

static const char *src =
	"__kernel void poke(ulong addr, uint v)\n"
	"{\n"
	"	__global uint *p = (__global uint *)addr;\n"
	"	p[get_global_id(0)] = v;\n"
	"}\n"
	"__kernel void spin(__global volatile uint *flag, __global uint *out)\n"
	"{\n"
	"	uint n = 0;\n"
	"	while (*flag == 0)\n"
	"		n++;\n"
	"	out[get_global_id(0)] = n;\n"
	"}\n"
	"__kernel void vadd(__global const uint *a, __global const uint *b,\n"
	"		   __global uint *c)\n"
	"{\n"
	"	size_t i = get_global_id(0);\n"
	"	c[i] = a[i] + b[i];\n"
	"}\n";

/* Runs @k over @global work-items on @q; returns the event's final status. */
static cl_int run_status(cl_command_queue q, cl_kernel k, size_t global,
			 double *secs)
{
	cl_event ev;
	cl_int status = 0;
	double t0 = cl_test_now();

	CHECK(clEnqueueNDRangeKernel(q, k, 1, NULL, &global, NULL, 0, NULL,
				     &ev));
	clFlush(q);
	clWaitForEvents(1, &ev);
	CHECK(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS,
			     sizeof(status), &status, NULL));
	*secs = cl_test_now() - t0;
	clReleaseEvent(ev);
	return status;
}

/* A vector add on a new queue of @ctx; returns the wrong elements. */
static long check_vadd(struct cl_test *t, cl_context ctx, const char *when)
{
	cl_uint *a = malloc(N * sizeof(cl_uint));
	cl_uint *b = malloc(N * sizeof(cl_uint));
	cl_uint *c = malloc(N * sizeof(cl_uint));
	cl_command_queue q;
	cl_program prog;
	cl_kernel k;
	size_t global = N;
	cl_int err;
	long bad = 0;

	if (!a || !b || !c)
		exit(1);
	for (cl_uint i = 0; i < N; i++) {
		a[i] = i * 7;
		b[i] = 100000 - i;
		c[i] = 0;
	}
	q = clCreateCommandQueueWithProperties(ctx, t->dev, NULL, &err);
	CHECK(err);
	prog = clCreateProgramWithSource(ctx, 1, &src, NULL, &err);
	CHECK(err);
	CHECK(clBuildProgram(prog, 1, &t->dev, "", NULL, NULL));
	k = clCreateKernel(prog, "vadd", &err);
	CHECK(err);
	CHECK(clSetKernelArgSVMPointer(k, 0, a));
	CHECK(clSetKernelArgSVMPointer(k, 1, b));
	CHECK(clSetKernelArgSVMPointer(k, 2, c));
	CHECK(clEnqueueNDRangeKernel(q, k, 1, NULL, &global, NULL, 0, NULL,
				     NULL));
	CHECK(clFinish(q));
	for (cl_uint i = 0; i < N; i++)
		bad += c[i] != 100000 + 6 * i;
	if (bad)
		fprintf(stderr, "gpu_errors: vector add %s: %ld of %d wrong\n",
			when, bad, N);
	else
		printf("gpu_errors: vector add %s: ok\n", when);
	clReleaseKernel(k);
	clReleaseProgram(prog);
	clReleaseCommandQueue(q);
	free(a);
	free(b);
	free(c);
	return bad;
}

int main(void)
{
	struct cl_test t;
	cl_context ctx2;
	cl_int status, err;
	cl_uint v = 0x1234;
	cl_ulong addr;
	uint32_t *flag, *out;
	double secs;
	long bad = 0;
	void *hole;

	cl_test_open(&t, "gpu_errors");
	if (!t.vsvm) {
		fprintf(stderr, "gpu_errors: %s is not a vsvm device: faulting "
			"and endless kernels would take the process down\n",
			t.name);
		return 77;
	}
	cl_kernel poke = cl_test_kernel(&t, src, "poke");
	cl_kernel spin = cl_test_kernel(&t, src, "spin");

	bad += check_vadd(&t, t.ctx, "before the failures");

	/* 1. a store into a hole of the address space */
	hole = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (hole == MAP_FAILED || munmap(hole, 1 << 20))
		return 1;
	addr = (uintptr_t)hole + 4096;
	CHECK(clSetKernelArg(poke, 0, sizeof(addr), &addr));
	CHECK(clSetKernelArg(poke, 1, sizeof(v), &v));
	status = run_status(t.q, poke, 64, &secs);
	printf("gpu_errors: store to unmapped 0x%llx: event status %d "
	       "(%.3f s)\n", (unsigned long long)addr, status, secs);
	if (status >= 0) {
		fprintf(stderr, "gpu_errors: the faulting kernel did not fail\n");
		bad++;
	}
	clReleaseCommandQueue(t.q);
	t.q = cl_test_queue(&t);
	bad += check_vadd(&t, t.ctx, "after the fault");

	/* 2. a kernel that does not end */
	flag = calloc(1, sizeof(*flag));
	out = calloc(64, sizeof(*out));
	if (!flag || !out)
		return 1;
	CHECK(clSetKernelArgSVMPointer(spin, 0, flag));
	CHECK(clSetKernelArgSVMPointer(spin, 1, out));
	status = run_status(t.q, spin, 64, &secs);
	printf("gpu_errors: endless kernel: event status %d (%.3f s)\n",
	       status, secs);
	if (status >= 0) {
		fprintf(stderr, "gpu_errors: the endless kernel did not fail\n");
		bad++;
	}
	clReleaseCommandQueue(t.q);
	t.q = cl_test_queue(&t);
	bad += check_vadd(&t, t.ctx, "after the timeout");

	/* 3. a new context of the same device */
	ctx2 = clCreateContext(NULL, 1, &t.dev, NULL, NULL, &err);
	CHECK(err);
	bad += check_vadd(&t, ctx2, "on a new context");
	clReleaseContext(ctx2);

	clReleaseKernel(poke);
	clReleaseKernel(spin);
	cl_test_close(&t);
	free(flag);
	free(out);
	if (bad) {
		fprintf(stderr, "gpu_errors: %ld failures on %s\n", bad, t.name);
		return 1;
	}
	printf("gpu_errors: ok on \"%s\"\n", t.name);
	return 0;
}
