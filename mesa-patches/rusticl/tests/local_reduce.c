// SPDX-License-Identifier: MIT
/*
 * Work-group reductions in local memory with barriers, and a global atomic
 * total, over OpenCL buffers (clCreateBuffer, clEnqueueReadBuffer). The
 * device is the one whose name contains $CL_TEST_DEVICE (default
 * "llvmpipe", cl_test.h).
 *
 * reduce_arg:    the local array is a kernel argument (clSetKernelArg
 *                with a size and NULL);
 * reduce_static: a __local array declared in the kernel.
 * Both write each group's sum and atomic_add it to a total. n is not a
 * multiple of the group size. Exits 0 on success, 1 on a wrong result or
 * an error, 77 without the device.
 */
#include "cl_test.h"

#define GROUP 256

static const char *src =
	"#define GROUP 256\n"
	"static void reduce(__local uint *tmp, __global const uint *in,\n"
	"		   __global uint *partial, __global uint *total, uint n)\n"
	"{\n"
	"	uint gid = get_global_id(0), lid = get_local_id(0);\n"
	"	tmp[lid] = gid < n ? in[gid] : 0;\n"
	"	barrier(CLK_LOCAL_MEM_FENCE);\n"
	"	for (uint s = get_local_size(0) / 2; s > 0; s >>= 1) {\n"
	"		if (lid < s)\n"
	"			tmp[lid] += tmp[lid + s];\n"
	"		barrier(CLK_LOCAL_MEM_FENCE);\n"
	"	}\n"
	"	if (lid == 0) {\n"
	"		partial[get_group_id(0)] = tmp[0];\n"
	"		atomic_add(total, tmp[0]);\n"
	"	}\n"
	"}\n"
	"__kernel void reduce_arg(__global const uint *in,\n"
	"			 __global uint *partial, __global uint *total,\n"
	"			 __local uint *tmp, uint n)\n"
	"{\n"
	"	reduce(tmp, in, partial, total, n);\n"
	"}\n"
	"__kernel __attribute__((reqd_work_group_size(GROUP, 1, 1)))\n"
	"void reduce_static(__global const uint *in, __global uint *partial,\n"
	"		   __global uint *total, uint n)\n"
	"{\n"
	"	__local uint tmp[GROUP];\n"
	"	reduce(tmp, in, partial, total, n);\n"
	"}\n";

static long run(struct cl_test *t, cl_kernel k, bool local_arg, cl_uint n,
		const cl_uint *in, double *secs)
{
	size_t group = GROUP, groups = (n + GROUP - 1) / GROUP;
	size_t global = groups * GROUP;
	cl_uint *partial = calloc(groups, sizeof(*partial)), total = 0;
	cl_uint zero = 0, want_total = 0;
	cl_mem bin, bpart, btotal;
	cl_int err;
	long bad = 0;
	int arg = 0;
	double t0;

	bin = clCreateBuffer(t->ctx, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
			     n * sizeof(*in), (void *)in, &err);
	CHECK(err);
	bpart = clCreateBuffer(t->ctx, CL_MEM_WRITE_ONLY,
			       groups * sizeof(*partial), NULL, &err);
	CHECK(err);
	btotal = clCreateBuffer(t->ctx, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR,
				sizeof(zero), &zero, &err);
	CHECK(err);

	CHECK(clSetKernelArg(k, arg++, sizeof(bin), &bin));
	CHECK(clSetKernelArg(k, arg++, sizeof(bpart), &bpart));
	CHECK(clSetKernelArg(k, arg++, sizeof(btotal), &btotal));
	if (local_arg)
		CHECK(clSetKernelArg(k, arg++, GROUP * sizeof(cl_uint), NULL));
	CHECK(clSetKernelArg(k, arg++, sizeof(n), &n));
	t0 = cl_test_now();
	CHECK(clEnqueueNDRangeKernel(t->q, k, 1, NULL, &global, &group, 0,
				     NULL, NULL));
	CHECK(clEnqueueReadBuffer(t->q, bpart, CL_TRUE, 0,
				  groups * sizeof(*partial), partial, 0, NULL,
				  NULL));
	CHECK(clEnqueueReadBuffer(t->q, btotal, CL_TRUE, 0, sizeof(total),
				  &total, 0, NULL, NULL));
	*secs = cl_test_now() - t0;

	for (size_t g = 0; g < groups; g++) {
		cl_uint want = 0;

		for (size_t i = g * GROUP; i < (g + 1) * GROUP && i < n; i++)
			want += in[i];
		want_total += want;
		if (partial[g] != want) {
			if (bad < 5)
				fprintf(stderr, "local_reduce: group %zu: %u, "
					"not %u\n", g, partial[g], want);
			bad++;
		}
	}
	cl_test_dump(t, local_arg ? "partial_arg" : "partial_static", "u32",
		     partial, groups);
	if (total != want_total) {
		fprintf(stderr, "local_reduce: total %u, not %u\n", total,
			want_total);
		bad++;
	}
	clReleaseMemObject(bin);
	clReleaseMemObject(bpart);
	clReleaseMemObject(btotal);
	free(partial);
	return bad;
}

int main(void)
{
	const cl_uint n = 300007;
	struct cl_test t;
	cl_uint *in = malloc(n * sizeof(*in));
	double s_arg, s_static;
	long bad;

	cl_test_open(&t, "local_reduce");
	for (cl_uint i = 0; i < n; i++)
		in[i] = (i * 7919u) % 1000;
	cl_kernel k_arg = cl_test_kernel(&t, src, "reduce_arg");
	cl_kernel k_static = cl_test_kernel(&t, src, "reduce_static");
	bad = run(&t, k_arg, true, n, in, &s_arg);
	bad += run(&t, k_static, false, n, in, &s_static);
	clReleaseKernel(k_arg);
	clReleaseKernel(k_static);
	cl_test_close(&t);
	free(in);
	if (bad) {
		fprintf(stderr, "local_reduce: %ld wrong results on %s\n", bad,
			t.name);
		return 1;
	}
	printf("local_reduce: ok on \"%s\": %u uints in groups of %d, local "
	       "argument %.3f s, static local array %.3f s\n", t.name, n,
	       GROUP, s_arg, s_static);
	return 0;
}
