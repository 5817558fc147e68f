// SPDX-License-Identifier: MIT
/*
 * Fine-grained system SVM: kernels on plain malloc() memory, passed with
 * clSetKernelArgSVMPointer, no map or unmap. The device is the one whose
 * name contains $CL_TEST_DEVICE (default "llvmpipe", cl_test.h).
 *
 * 1. saxpy: y[i] = a * x[i] + y[i] for i < n, n not a multiple of the
 *    work-group size (the kernel's bounds check runs divergent);
 * 2. rowsum: s[i] = sum of row i of an n x m matrix of ints, a loop per
 *    work-item, and the row's maximum through a second, data-dependent
 *    loop with break.
 *
 * Every element is checked against the CPU. Exits 0 on success, 1 on a
 * wrong result or an error, 77 without the device or without
 * CL_DEVICE_SVM_FINE_GRAIN_SYSTEM.
 */
#include "cl_test.h"

static const char *src =
	"__kernel void saxpy(float a, __global const float *x,\n"
	"		     __global float *y, uint n)\n"
	"{\n"
	"	uint i = get_global_id(0);\n"
	"	if (i < n)\n"
	"		y[i] = a * x[i] + y[i];\n"
	"}\n"
	"__kernel void rowsum(__global const int *m, __global long *s,\n"
	"		      __global int *first_neg, uint n, uint cols)\n"
	"{\n"
	"	uint i = get_global_id(0);\n"
	"	long sum = 0;\n"
	"	int k;\n"
	"	if (i >= n)\n"
	"		return;\n"
	"	for (uint j = 0; j < cols; j++)\n"
	"		sum += m[i * cols + j];\n"
	"	s[i] = sum;\n"
	"	for (k = 0; k < (int)cols; k++)\n"
	"		if (m[i * cols + k] < 0)\n"
	"			break;\n"
	"	first_neg[i] = k;\n"
	"}\n";

int main(void)
{
	const cl_uint n = 100003, rows = 4099, cols = 37;
	size_t group = 64, global;
	struct cl_test t;
	float *x, *y, a = 2.5f;
	int *m, *first_neg;
	long long *s;
	long bad = 0;
	double t0, t_saxpy, t_rowsum;

	cl_test_open(&t, "system_svm");
	if (!(t.svm & CL_DEVICE_SVM_FINE_GRAIN_SYSTEM)) {
		fprintf(stderr, "system_svm: %s has no fine-grained system SVM "
			"(caps 0x%llx)\n", t.name, (unsigned long long)t.svm);
		return 77;
	}
	cl_kernel saxpy = cl_test_kernel(&t, src, "saxpy");
	cl_kernel rowsum = cl_test_kernel(&t, src, "rowsum");

	x = malloc(n * sizeof(*x));
	y = malloc(n * sizeof(*y));
	m = malloc((size_t)rows * cols * sizeof(*m));
	s = malloc(rows * sizeof(*s));
	first_neg = malloc(rows * sizeof(*first_neg));
	if (!x || !y || !m || !s || !first_neg)
		return 1;
	for (cl_uint i = 0; i < n; i++) {
		x[i] = (float)i * 0.5f;
		y[i] = 1.0f - (float)i;
	}
	for (cl_uint i = 0; i < rows * cols; i++)
		m[i] = (int)((i * 2654435761u) % 2001) - 100;

	/* saxpy */
	CHECK(clSetKernelArg(saxpy, 0, sizeof(a), &a));
	CHECK(clSetKernelArgSVMPointer(saxpy, 1, x));
	CHECK(clSetKernelArgSVMPointer(saxpy, 2, y));
	CHECK(clSetKernelArg(saxpy, 3, sizeof(n), &n));
	global = (n + group - 1) / group * group;
	t0 = cl_test_now();
	CHECK(clEnqueueNDRangeKernel(t.q, saxpy, 1, NULL, &global, &group, 0,
				     NULL, NULL));
	CHECK(clFinish(t.q));
	t_saxpy = cl_test_now() - t0;
	for (cl_uint i = 0; i < n; i++) {
		float want = a * ((float)i * 0.5f) + (1.0f - (float)i);

		if (y[i] != want) {
			if (bad < 5)
				fprintf(stderr, "system_svm: y[%u] = %g, not %g\n",
					i, y[i], want);
			bad++;
		}
	}

	/* a * x + y: one multiply and one add, or a fused one (0.5 ulp each) */
	cl_test_dump(&t, "saxpy", "f32u1", y, n);

	/* rowsum, with a local size left to the runtime */
	CHECK(clSetKernelArgSVMPointer(rowsum, 0, m));
	CHECK(clSetKernelArgSVMPointer(rowsum, 1, s));
	CHECK(clSetKernelArgSVMPointer(rowsum, 2, first_neg));
	CHECK(clSetKernelArg(rowsum, 3, sizeof(rows), &rows));
	CHECK(clSetKernelArg(rowsum, 4, sizeof(cols), &cols));
	global = rows;
	t0 = cl_test_now();
	CHECK(clEnqueueNDRangeKernel(t.q, rowsum, 1, NULL, &global, NULL, 0,
				     NULL, NULL));
	CHECK(clFinish(t.q));
	t_rowsum = cl_test_now() - t0;
	for (cl_uint i = 0; i < rows; i++) {
		long long sum = 0;
		int k;

		for (cl_uint j = 0; j < cols; j++)
			sum += m[i * cols + j];
		for (k = 0; k < (int)cols; k++)
			if (m[i * cols + k] < 0)
				break;
		if (s[i] != sum || first_neg[i] != k) {
			if (bad < 10)
				fprintf(stderr, "system_svm: row %u: sum %lld, "
					"first negative %d; want %lld, %d\n",
					i, s[i], first_neg[i], sum, k);
			bad++;
		}
	}

	cl_test_dump(&t, "rowsum", "i64", s, rows);
	cl_test_dump(&t, "first_neg", "i32", first_neg, rows);
	clReleaseKernel(saxpy);
	clReleaseKernel(rowsum);
	cl_test_close(&t);
	if (bad) {
		fprintf(stderr, "system_svm: %ld wrong results on %s\n", bad,
			t.name);
		return 1;
	}
	printf("system_svm: ok on \"%s\": saxpy of %u floats in malloc memory "
	       "%.3f s, rowsum %u x %u %.3f s\n", t.name, n, t_saxpy, rows,
	       cols, t_rowsum);
	free(x);
	free(y);
	free(m);
	free(s);
	free(first_neg);
	return 0;
}
