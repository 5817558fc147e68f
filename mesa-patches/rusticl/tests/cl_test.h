/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the rusticl tests: the device whose name contains
 * $CL_TEST_DEVICE (or $SVM_VADD_DEVICE; default "llvmpipe"), error checks,
 * program builds and a clock. Exit status: 0 ok, 1 failure, 77 no device.
 */
#ifndef CL_TEST_H
#define CL_TEST_H

#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <time.h>

static const char *cl_test_name = "cl_test";

#define CHECK(call)                                                        \
	do {                                                               \
		cl_int err_ = (call);                                      \
		if (err_ != CL_SUCCESS) {                                  \
			fprintf(stderr, "%s: %s failed: %d\n",             \
				cl_test_name, #call, err_);                \
			exit(1);                                           \
		}                                                          \
	} while (0)

static inline double cl_test_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct cl_test {
	cl_platform_id plat;
	cl_device_id dev;
	cl_context ctx;
	cl_command_queue q;
	char name[256];
	cl_device_svm_capabilities svm;
};

/* Opens the device and a queue on it; exits 77 without one. */
static inline void cl_test_open(struct cl_test *t, const char *test)
{
	const char *want = getenv("CL_TEST_DEVICE");
	cl_platform_id plats[16];
	cl_uint nplat = 0;
	cl_int err;

	cl_test_name = test;
	if (!want)
		want = getenv("SVM_VADD_DEVICE");
	if (!want)
		want = "llvmpipe";
	if (clGetPlatformIDs(16, plats, &nplat) != CL_SUCCESS)
		nplat = 0;
	for (cl_uint p = 0; p < nplat && p < 16; p++) {
		cl_device_id devs[16];
		cl_uint ndev = 0;

		if (clGetDeviceIDs(plats[p], CL_DEVICE_TYPE_ALL, 16, devs,
				   &ndev) != CL_SUCCESS)
			continue;
		for (cl_uint d = 0; d < ndev && d < 16; d++) {
			CHECK(clGetDeviceInfo(devs[d], CL_DEVICE_NAME,
					      sizeof(t->name), t->name, NULL));
			if (strstr(t->name, want)) {
				t->plat = plats[p];
				t->dev = devs[d];
				goto found;
			}
		}
	}
	fprintf(stderr, "%s: no OpenCL device named *%s*\n", test, want);
	exit(77);
found:
	CHECK(clGetDeviceInfo(t->dev, CL_DEVICE_SVM_CAPABILITIES,
			      sizeof(t->svm), &t->svm, NULL));
	t->ctx = clCreateContext(NULL, 1, &t->dev, NULL, NULL, &err);
	CHECK(err);
	t->q = clCreateCommandQueueWithProperties(t->ctx, t->dev, NULL, &err);
	CHECK(err);
}

static inline cl_kernel cl_test_kernel(struct cl_test *t, const char *src,
				       const char *name)
{
	cl_program prog;
	cl_kernel k;
	cl_int err;

	prog = clCreateProgramWithSource(t->ctx, 1, &src, NULL, &err);
	CHECK(err);
	err = clBuildProgram(prog, 1, &t->dev, "", NULL, NULL);
	if (err != CL_SUCCESS) {
		char log[8192] = "";

		clGetProgramBuildInfo(prog, t->dev, CL_PROGRAM_BUILD_LOG,
				      sizeof(log) - 1, log, NULL);
		fprintf(stderr, "%s: build failed (%d):\n%s\n", cl_test_name,
			err, log);
		exit(1);
	}
	k = clCreateKernel(prog, name, &err);
	CHECK(err);
	clReleaseProgram(prog);
	return k;
}

static inline void cl_test_close(struct cl_test *t)
{
	clReleaseCommandQueue(t->q);
	clReleaseContext(t->ctx);
}

#endif /* CL_TEST_H */
