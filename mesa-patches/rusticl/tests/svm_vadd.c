// SPDX-License-Identifier: MIT
/*
 * Vector add over clSVMAlloc memory on rusticl's first device, or on the
 * device whose name contains $SVM_VADD_DEVICE (default "llvmpipe").
 *
 *   c[i] = a[i] + b[i]   for N ints, a, b and c from clSVMAlloc
 *
 * Coarse-grained SVM needs map/unmap around host access; the program maps
 * and unmaps always (fine-grained devices allow it too) and checks every
 * element. Prints "svm_vadd: ok ..." and exits 0 on success, exits 1 on a
 * wrong result or an OpenCL error, 77 when no such device exists.
 */
#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N (1 << 20)

static const char *kernel_src =
	"__kernel void vadd(__global const int *a, __global const int *b,\n"
	"		   __global int *c)\n"
	"{\n"
	"	size_t i = get_global_id(0);\n"
	"	c[i] = a[i] + b[i];\n"
	"}\n";

#define CHECK(call)                                                        \
	do {                                                               \
		cl_int err_ = (call);                                      \
		if (err_ != CL_SUCCESS) {                                  \
			fprintf(stderr, "svm_vadd: %s failed: %d\n", #call, \
				err_);                                     \
			exit(1);                                           \
		}                                                          \
	} while (0)

static int find_device(const char *want, cl_platform_id *pp, cl_device_id *dp,
		       char *name, size_t name_len)
{
	cl_platform_id plats[16];
	cl_uint nplat = 0;

	if (clGetPlatformIDs(16, plats, &nplat) != CL_SUCCESS)
		return 0;
	for (cl_uint p = 0; p < nplat && p < 16; p++) {
		cl_device_id devs[16];
		cl_uint ndev = 0;

		if (clGetDeviceIDs(plats[p], CL_DEVICE_TYPE_ALL, 16, devs,
				   &ndev) != CL_SUCCESS)
			continue;
		for (cl_uint d = 0; d < ndev && d < 16; d++) {
			CHECK(clGetDeviceInfo(devs[d], CL_DEVICE_NAME, name_len,
					      name, NULL));
			if (strstr(name, want)) {
				*pp = plats[p];
				*dp = devs[d];
				return 1;
			}
		}
	}
	return 0;
}

int main(void)
{
	const char *want = getenv("SVM_VADD_DEVICE");
	cl_platform_id plat;
	cl_device_id dev;
	char name[256], pname[256];
	cl_device_svm_capabilities svm = 0;
	cl_int err;
	size_t global = N, bytes = N * sizeof(cl_int);
	long bad = 0;

	if (!want)
		want = "llvmpipe";
	if (!find_device(want, &plat, &dev, name, sizeof(name))) {
		fprintf(stderr, "svm_vadd: no OpenCL device named *%s*\n", want);
		return 77;
	}
	CHECK(clGetPlatformInfo(plat, CL_PLATFORM_NAME, sizeof(pname), pname,
				NULL));
	CHECK(clGetDeviceInfo(dev, CL_DEVICE_SVM_CAPABILITIES, sizeof(svm), &svm,
			      NULL));
	if (!(svm & CL_DEVICE_SVM_COARSE_GRAIN_BUFFER)) {
		fprintf(stderr, "svm_vadd: %s has no SVM (caps 0x%llx)\n", name,
			(unsigned long long)svm);
		return 1;
	}

	cl_context ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	CHECK(err);
	cl_command_queue q =
		clCreateCommandQueueWithProperties(ctx, dev, NULL, &err);
	CHECK(err);
	cl_program prog = clCreateProgramWithSource(ctx, 1, &kernel_src, NULL,
						    &err);
	CHECK(err);
	err = clBuildProgram(prog, 1, &dev, "", NULL, NULL);
	if (err != CL_SUCCESS) {
		char log[4096] = "";

		clGetProgramBuildInfo(prog, dev, CL_PROGRAM_BUILD_LOG,
				      sizeof(log) - 1, log, NULL);
		fprintf(stderr, "svm_vadd: build failed (%d):\n%s\n", err, log);
		return 1;
	}
	cl_kernel k = clCreateKernel(prog, "vadd", &err);
	CHECK(err);

	cl_int *a = clSVMAlloc(ctx, CL_MEM_READ_ONLY, bytes, 0);
	cl_int *b = clSVMAlloc(ctx, CL_MEM_READ_ONLY, bytes, 0);
	cl_int *c = clSVMAlloc(ctx, CL_MEM_WRITE_ONLY, bytes, 0);

	if (!a || !b || !c) {
		fprintf(stderr, "svm_vadd: clSVMAlloc of %zu bytes failed\n",
			bytes);
		return 1;
	}

	CHECK(clEnqueueSVMMap(q, CL_TRUE, CL_MAP_WRITE_INVALIDATE_REGION, a,
			      bytes, 0, NULL, NULL));
	CHECK(clEnqueueSVMMap(q, CL_TRUE, CL_MAP_WRITE_INVALIDATE_REGION, b,
			      bytes, 0, NULL, NULL));
	for (int i = 0; i < N; i++) {
		a[i] = i;
		b[i] = 3 * i + 7;
	}
	CHECK(clEnqueueSVMUnmap(q, a, 0, NULL, NULL));
	CHECK(clEnqueueSVMUnmap(q, b, 0, NULL, NULL));

	CHECK(clSetKernelArgSVMPointer(k, 0, a));
	CHECK(clSetKernelArgSVMPointer(k, 1, b));
	CHECK(clSetKernelArgSVMPointer(k, 2, c));
	CHECK(clEnqueueNDRangeKernel(q, k, 1, NULL, &global, NULL, 0, NULL,
				     NULL));

	CHECK(clEnqueueSVMMap(q, CL_TRUE, CL_MAP_READ, c, bytes, 0, NULL,
			      NULL));
	for (int i = 0; i < N; i++) {
		if (c[i] != 4 * i + 7) {
			if (bad < 5)
				fprintf(stderr, "svm_vadd: c[%d] = %d, not %d\n",
					i, c[i], 4 * i + 7);
			bad++;
		}
	}
	CHECK(clEnqueueSVMUnmap(q, c, 0, NULL, NULL));
	CHECK(clFinish(q));

	clSVMFree(ctx, a);
	clSVMFree(ctx, b);
	clSVMFree(ctx, c);
	clReleaseKernel(k);
	clReleaseProgram(prog);
	clReleaseCommandQueue(q);
	clReleaseContext(ctx);

	if (bad) {
		fprintf(stderr, "svm_vadd: %ld of %d elements wrong on %s\n",
			bad, N, name);
		return 1;
	}
	printf("svm_vadd: ok, %d elements on \"%s\" (%s), SVM caps 0x%llx\n", N,
	       name, pname, (unsigned long long)svm);
	return 0;
}
