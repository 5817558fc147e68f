// SPDX-License-Identifier: MIT
/*
 * Global and local atomics on clSVMAlloc memory (fine-grained buffers not
 * needed: map and unmap around host access). The device is the one whose
 * name contains $CL_TEST_DEVICE (default "llvmpipe", cl_test.h).
 *
 * hist:     a 64-bin histogram, atomic_inc on global memory, and per group
 *           a local histogram (atomic_add on local memory) merged into a
 *           second global one;
 * minmax:   atomic_min / atomic_max (signed) and atomic_max on uints;
 * cmpxchg:  a counter advanced by atomic_cmpxchg loops, every work-item
 *           recording the value it won (each must be unique);
 * xchg:     atomic_xchg into one word, whose final value was some item's.
 * Exits 0 on success, 1 on a wrong result or an error, 77 without the
 * device.
 */
#include "cl_test.h"

#define BINS 64

static const char *src =
	"#define BINS 64\n"
	"__kernel void hist(__global const uint *in, __global uint *g,\n"
	"		   __global uint *merged, uint n)\n"
	"{\n"
	"	__local uint l[BINS];\n"
	"	uint i = get_global_id(0), lid = get_local_id(0);\n"
	"	for (uint b = lid; b < BINS; b += get_local_size(0))\n"
	"		l[b] = 0;\n"
	"	barrier(CLK_LOCAL_MEM_FENCE);\n"
	"	if (i < n) {\n"
	"		atomic_inc(&g[in[i] % BINS]);\n"
	"		atomic_add(&l[in[i] % BINS], 1u);\n"
	"	}\n"
	"	barrier(CLK_LOCAL_MEM_FENCE);\n"
	"	for (uint b = lid; b < BINS; b += get_local_size(0))\n"
	"		if (l[b])\n"
	"			atomic_add(&merged[b], l[b]);\n"
	"}\n"
	"__kernel void minmax(__global const int *in, __global int *mn,\n"
	"		     __global int *mx, __global uint *umx, uint n)\n"
	"{\n"
	"	uint i = get_global_id(0);\n"
	"	if (i < n) {\n"
	"		atomic_min(mn, in[i]);\n"
	"		atomic_max(mx, in[i]);\n"
	"		atomic_max(umx, (uint)in[i]);\n"
	"	}\n"
	"}\n"
	"__kernel void cmpxchg(__global uint *counter, __global uint *won)\n"
	"{\n"
	"	uint old, i = get_global_id(0);\n"
	"	do {\n"
	"		old = *(volatile __global uint *)counter;\n"
	"	} while (atomic_cmpxchg(counter, old, old + 1) != old);\n"
	"	won[i] = old;\n"
	"}\n"
	"__kernel void xchg(__global uint *word, __global uint *prev)\n"
	"{\n"
	"	uint i = get_global_id(0);\n"
	"	prev[i] = atomic_xchg(word, i + 1);\n"
	"}\n";

static void *svm(struct cl_test *t, size_t bytes)
{
	void *p = clSVMAlloc(t->ctx, CL_MEM_READ_WRITE, bytes, 0);

	if (!p) {
		fprintf(stderr, "atomics: clSVMAlloc failed\n");
		exit(1);
	}
	CHECK(clEnqueueSVMMap(t->q, CL_TRUE, CL_MAP_WRITE_INVALIDATE_REGION, p,
			      bytes, 0, NULL, NULL));
	memset(p, 0, bytes);
	return p;
}

static void unmap(struct cl_test *t, void *p)
{
	CHECK(clEnqueueSVMUnmap(t->q, p, 0, NULL, NULL));
}

static void map(struct cl_test *t, void *p, size_t bytes)
{
	CHECK(clEnqueueSVMMap(t->q, CL_TRUE, CL_MAP_READ | CL_MAP_WRITE, p,
			      bytes, 0, NULL, NULL));
}

static void run(struct cl_test *t, cl_kernel k, size_t global, size_t group)
{
	CHECK(clEnqueueNDRangeKernel(t->q, k, 1, NULL, &global,
				     group ? &group : NULL, 0, NULL, NULL));
	CHECK(clFinish(t->q));
}

int main(void)
{
	const cl_uint n = 20011, items = 4096;
	struct cl_test t;
	long bad = 0;
	double t0;

	cl_test_open(&t, "atomics");
	cl_kernel khist = cl_test_kernel(&t, src, "hist");
	cl_kernel kminmax = cl_test_kernel(&t, src, "minmax");
	cl_kernel kcas = cl_test_kernel(&t, src, "cmpxchg");
	cl_kernel kxchg = cl_test_kernel(&t, src, "xchg");

	cl_uint *in = svm(&t, n * sizeof(cl_uint));
	cl_uint *g = svm(&t, BINS * sizeof(cl_uint));
	cl_uint *merged = svm(&t, BINS * sizeof(cl_uint));
	cl_int *mn = svm(&t, sizeof(cl_int)), *mx = svm(&t, sizeof(cl_int));
	cl_uint *umx = svm(&t, sizeof(cl_uint));
	cl_uint *counter = svm(&t, sizeof(cl_uint));
	cl_uint *won = svm(&t, items * sizeof(cl_uint));
	cl_uint *word = svm(&t, sizeof(cl_uint));
	cl_uint *prev = svm(&t, items * sizeof(cl_uint));
	cl_uint want[BINS] = { 0 };
	cl_int wmin = 0x7fffffff, wmax = -0x7fffffff - 1;
	cl_uint wumax = 0;

	for (cl_uint i = 0; i < n; i++) {
		in[i] = (i * 2654435761u) ^ (i >> 3);
		want[in[i] % BINS]++;
		wmin = (cl_int)in[i] < wmin ? (cl_int)in[i] : wmin;
		wmax = (cl_int)in[i] > wmax ? (cl_int)in[i] : wmax;
		wumax = in[i] > wumax ? in[i] : wumax;
	}
	*mn = 0x7fffffff;
	*mx = -0x7fffffff - 1;
	unmap(&t, in); unmap(&t, g); unmap(&t, merged); unmap(&t, mn);
	unmap(&t, mx); unmap(&t, umx); unmap(&t, counter); unmap(&t, won);
	unmap(&t, word); unmap(&t, prev);

	t0 = cl_test_now();
	CHECK(clSetKernelArgSVMPointer(khist, 0, in));
	CHECK(clSetKernelArgSVMPointer(khist, 1, g));
	CHECK(clSetKernelArgSVMPointer(khist, 2, merged));
	CHECK(clSetKernelArg(khist, 3, sizeof(n), &n));
	run(&t, khist, (n + 127) / 128 * 128, 128);

	CHECK(clSetKernelArgSVMPointer(kminmax, 0, in));
	CHECK(clSetKernelArgSVMPointer(kminmax, 1, mn));
	CHECK(clSetKernelArgSVMPointer(kminmax, 2, mx));
	CHECK(clSetKernelArgSVMPointer(kminmax, 3, umx));
	CHECK(clSetKernelArg(kminmax, 4, sizeof(n), &n));
	run(&t, kminmax, (n + 63) / 64 * 64, 64);

	CHECK(clSetKernelArgSVMPointer(kcas, 0, counter));
	CHECK(clSetKernelArgSVMPointer(kcas, 1, won));
	run(&t, kcas, items, 64);

	CHECK(clSetKernelArgSVMPointer(kxchg, 0, word));
	CHECK(clSetKernelArgSVMPointer(kxchg, 1, prev));
	run(&t, kxchg, items, 0);
	t0 = cl_test_now() - t0;

	map(&t, g, BINS * sizeof(cl_uint));
	map(&t, merged, BINS * sizeof(cl_uint));
	for (int b = 0; b < BINS; b++) {
		if (g[b] != want[b] || merged[b] != want[b]) {
			if (bad < 5)
				fprintf(stderr, "atomics: bin %d: global %u, local "
					"%u, want %u\n", b, g[b], merged[b],
					want[b]);
			bad++;
		}
	}
	cl_test_dump(&t, "hist", "u32", g, BINS);
	cl_test_dump(&t, "hist_local", "u32", merged, BINS);
	map(&t, mn, 4); map(&t, mx, 4); map(&t, umx, 4);
	if (*mn != wmin || *mx != wmax || *umx != wumax) {
		fprintf(stderr, "atomics: min %d max %d umax %u, want %d %d %u\n",
			*mn, *mx, *umx, wmin, wmax, wumax);
		bad++;
	}
	map(&t, counter, 4);
	map(&t, won, items * sizeof(cl_uint));
	{
		unsigned char *seen = calloc(items, 1);

		if (*counter != items) {
			fprintf(stderr, "atomics: counter %u, want %u\n",
				*counter, items);
			bad++;
		}
		for (cl_uint i = 0; i < items; i++) {
			if (won[i] >= items || seen[won[i]]++) {
				if (bad < 10)
					fprintf(stderr, "atomics: item %u won %u "
						"(twice or out of range)\n", i,
						won[i]);
				bad++;
			}
		}
		free(seen);
	}
	map(&t, word, 4);
	map(&t, prev, items * sizeof(cl_uint));
	{
		/* the values handed on form one chain: each seen once */
		unsigned char *seen = calloc(items + 1, 1);

		seen[*word]++;
		for (cl_uint i = 0; i < items; i++)
			if (prev[i] > items || seen[prev[i]]++)
				bad++;
		if (bad)
			fprintf(stderr, "atomics: xchg chain broken\n");
		free(seen);
	}

	cl_test_close(&t);
	if (bad) {
		fprintf(stderr, "atomics: %ld wrong results on %s\n", bad,
			t.name);
		return 1;
	}
	printf("atomics: ok on \"%s\": histogram of %u (global and local), "
	       "min/max, %u cmpxchg loops, %u xchg, %.3f s\n", t.name, n,
	       items, items, t0);
	return 0;
}
