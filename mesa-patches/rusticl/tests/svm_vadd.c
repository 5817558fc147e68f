// SPDX-License-Identifier: MIT
/*
 * Vector add, c[i] = a[i] + b[i] for N ints, over two kinds of memory:
 *
 * 1. clSVMAlloc buffers, mapped and unmapped around host access as
 *    coarse-grained SVM requires (fine-grained devices allow it too);
 * 2. plain malloc() memory, no map (fine-grained system SVM; skipped on a
 *    device without it).
 *
 * On vsvm, the process's vsvm fdinfo counters (cl_test.h) must show GPU
 * page faults for each run: the buffers are new to the GPU, so a kernel
 * that went through the GPU MMU faulted them in. Every element is checked;
 * the results go to $CL_TEST_OUT for the comparison with llvmpipe. The
 * device is the one whose name contains $CL_TEST_DEVICE or $SVM_VADD_DEVICE
 * (default "llvmpipe"). Exits 0 on success, 1 on a wrong result, missing
 * GPU faults or an OpenCL error, 77 without the device.
 */
#include "cl_test.h"

#define N (1 << 20)

static const char *src =
	"__kernel void vadd(__global const int *a, __global const int *b,\n"
	"		   __global int *c)\n"
	"{\n"
	"	size_t i = get_global_id(0);\n"
	"	c[i] = a[i] + b[i];\n"
	"}\n";

/* Runs the kernel on a, b, c; returns the wrong elements. */
static long vadd(struct cl_test *t, cl_kernel k, cl_int *a, cl_int *b,
		 cl_int *c, bool svm, const char *what)
{
	size_t global = N, bytes = N * sizeof(cl_int);
	struct cl_test_fdinfo f0, f1;
	int files;
	long bad = 0;
	double t0;

	if (svm) {
		CHECK(clEnqueueSVMMap(t->q, CL_TRUE,
				      CL_MAP_WRITE_INVALIDATE_REGION, a, bytes,
				      0, NULL, NULL));
		CHECK(clEnqueueSVMMap(t->q, CL_TRUE,
				      CL_MAP_WRITE_INVALIDATE_REGION, b, bytes,
				      0, NULL, NULL));
	}
	for (int i = 0; i < N; i++) {
		a[i] = i;
		b[i] = 3 * i + 7;
		c[i] = -1;
	}
	if (svm) {
		CHECK(clEnqueueSVMUnmap(t->q, a, 0, NULL, NULL));
		CHECK(clEnqueueSVMUnmap(t->q, b, 0, NULL, NULL));
	}
	CHECK(clFinish(t->q));

	files = cl_test_fdinfo(&f0);
	CHECK(clSetKernelArgSVMPointer(k, 0, a));
	CHECK(clSetKernelArgSVMPointer(k, 1, b));
	CHECK(clSetKernelArgSVMPointer(k, 2, c));
	t0 = cl_test_now();
	CHECK(clEnqueueNDRangeKernel(t->q, k, 1, NULL, &global, NULL, 0, NULL,
				     NULL));
	CHECK(clFinish(t->q));
	t0 = cl_test_now() - t0;
	cl_test_fdinfo(&f1);

	if (svm)
		CHECK(clEnqueueSVMMap(t->q, CL_TRUE, CL_MAP_READ, c, bytes, 0,
				      NULL, NULL));
	for (int i = 0; i < N; i++) {
		if (c[i] != 4 * i + 7) {
			if (bad < 5)
				fprintf(stderr, "svm_vadd: %s: c[%d] = %d, "
					"not %d\n", what, i, c[i], 4 * i + 7);
			bad++;
		}
	}
	cl_test_dump(t, what, "i32", c, N);
	if (svm) {
		CHECK(clEnqueueSVMUnmap(t->q, c, 0, NULL, NULL));
		CHECK(clFinish(t->q));
	}

	if (t->vsvm) {
		if (!files) {
			fprintf(stderr, "svm_vadd: %s: no vsvm DRM file with "
				"vsvm-gpu-faults in /proc/self/fdinfo\n", what);
			bad++;
		} else if (f1.faults <= f0.faults) {
			fprintf(stderr, "svm_vadd: %s: vsvm-gpu-faults did not "
				"grow (%llu): the kernel did not go through "
				"the GPU MMU\n", what, f0.faults);
			bad++;
		}
	}
	printf("svm_vadd: %s: %d ints in %.3f s, GPU faults %llu -> %llu "
	       "(%d vsvm files)\n", what, N, t0, f0.faults, f1.faults, files);
	return bad;
}

int main(void)
{
	size_t bytes = N * sizeof(cl_int);
	struct cl_test t;
	long bad = 0;

	cl_test_open(&t, "svm_vadd");
	if (!(t.svm & CL_DEVICE_SVM_COARSE_GRAIN_BUFFER)) {
		fprintf(stderr, "svm_vadd: %s has no SVM (caps 0x%llx)\n",
			t.name, (unsigned long long)t.svm);
		return 1;
	}
	cl_kernel k = cl_test_kernel(&t, src, "vadd");

	cl_int *a = clSVMAlloc(t.ctx, CL_MEM_READ_ONLY, bytes, 0);
	cl_int *b = clSVMAlloc(t.ctx, CL_MEM_READ_ONLY, bytes, 0);
	cl_int *c = clSVMAlloc(t.ctx, CL_MEM_WRITE_ONLY, bytes, 0);
	if (!a || !b || !c) {
		fprintf(stderr, "svm_vadd: clSVMAlloc of %zu bytes failed\n",
			bytes);
		return 1;
	}
	bad += vadd(&t, k, a, b, c, true, "clsvmalloc");

	/* new memory, the SVM buffers still allocated: no address reused */
	if (t.svm & CL_DEVICE_SVM_FINE_GRAIN_SYSTEM) {
		cl_int *ma = malloc(bytes), *mb = malloc(bytes);
		cl_int *mc = malloc(bytes);

		if (!ma || !mb || !mc)
			return 1;
		bad += vadd(&t, k, ma, mb, mc, false, "malloc");
		free(ma);
		free(mb);
		free(mc);
	} else {
		printf("svm_vadd: no fine-grained system SVM: malloc() run "
		       "skipped\n");
	}
	clSVMFree(t.ctx, a);
	clSVMFree(t.ctx, b);
	clSVMFree(t.ctx, c);

	clReleaseKernel(k);
	cl_test_close(&t);
	if (bad) {
		fprintf(stderr, "svm_vadd: %ld failures on %s\n", bad, t.name);
		return 1;
	}
	printf("svm_vadd: ok on \"%s\", SVM caps 0x%llx\n", t.name,
	       (unsigned long long)t.svm);
	return 0;
}
