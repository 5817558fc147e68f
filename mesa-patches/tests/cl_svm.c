/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The vsvm authors
 *
 * OpenCL fine-grained system SVM on vsvm through Mesa's clover:
 *
 * - the vsvm device reports CL_DEVICE_SVM_FINE_GRAIN_SYSTEM;
 * - a vector-add kernel reads a clSVMAlloc pointer and a malloc pointer and
 *   writes a malloc pointer (clSetKernelArgSVMPointer), after
 *   clEnqueueSVMMigrateMem to the device, and the result is checked element
 *   by element after migrating back to the host;
 * - the migrations show in vsvm's device-wide counters (bytes to VRAM and
 *   back, from debugfs vsvm_stats), when it has VRAM;
 * - clEnqueueFillBuffer / clEnqueueCopyBuffer on CL_MEM_USE_HOST_PTR
 *   buffers give the right bytes, and run vsvm engine jobs
 *   (DRM_VSVM_STAT_JOBS);
 * - invalid uses return the error codes of the specification.
 *
 * Build: cc -o cl_svm cl_svm.c $(pkg-config --cflags --libs libdrm_vsvm) -lOpenCL
 * Prints one line per check and "N passed, N failed" last; exits 0 when
 * nothing failed.
 */

#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vsvm.h>

#define N (1u << 20) /* elements: 4 MiB per array */

static int passed, failed;

static void
check(int ok, const char *what, long long detail)
{
	printf("%s: %s (%lld)\n", ok ? "PASS" : "FAIL", what, detail);
	if (ok)
		passed++;
	else
		failed++;
}

static const char *kernel_src =
	"__kernel void vadd(__global const float *a, __global const float *b,\n"
	"                   __global float *c)\n"
	"{\n"
	"	size_t i = get_global_id(0);\n"
	"	c[i] = a[i] + b[i];\n"
	"}\n";

static cl_device_id
find_vsvm_device(cl_platform_id *platform_out)
{
	cl_platform_id platforms[8];
	cl_uint np = 0;

	if (clGetPlatformIDs(8, platforms, &np) != CL_SUCCESS)
		return NULL;
	for (cl_uint p = 0; p < np && p < 8; p++) {
		cl_device_id devs[8];
		cl_uint nd = 0;

		if (clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, 8, devs,
				   &nd) != CL_SUCCESS)
			continue;
		for (cl_uint d = 0; d < nd && d < 8; d++) {
			char name[256] = "";

			clGetDeviceInfo(devs[d], CL_DEVICE_NAME, sizeof(name),
					name, NULL);
			if (strstr(name, "vsvm")) {
				printf("device: %s\n", name);
				*platform_out = platforms[p];
				return devs[d];
			}
		}
	}
	return NULL;
}

/*
 * The device-wide counters, from root-only debugfs (uapi 0.5 keeps STATS
 * per VM, and the VM here is the OpenCL driver's, in another file).
 */
static int
read_stats(vsvm_device_handle dev, uint64_t *c)
{
	static const struct { const char *name; unsigned int idx; } names[] = {
		{ "jobs", DRM_VSVM_STAT_JOBS },
		{ "bytes_to_vram", DRM_VSVM_STAT_BYTES_TO_VRAM },
		{ "bytes_to_system", DRM_VSVM_STAT_BYTES_TO_SYSTEM },
	};
	char path[64], name[64];
	long long value;
	FILE *f = NULL;
	int i, found = 0;

	memset(c, 0, sizeof(*c) * (DRM_VSVM_STAT_BYTES_TO_SYSTEM + 1));
	if (!dev)
		return -1;
	for (i = 0; i < 64 && !f; i++) {
		snprintf(path, sizeof(path),
			 "/sys/kernel/debug/dri/%d/vsvm_stats", i);
		f = fopen(path, "r");
	}
	if (!f)
		return -1;
	while (fscanf(f, " %63[^:]: %lld", name, &value) == 2) {
		for (i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++) {
			if (!strcmp(name, names[i].name)) {
				c[names[i].idx] = value;
				found++;
			}
		}
	}
	fclose(f);
	return found ? 0 : -1;
}

int
main(void)
{
	cl_platform_id platform;
	cl_device_id dev = find_vsvm_device(&platform);
	cl_int err;

	if (!dev) {
		printf("FAIL: no OpenCL device named vsvm\n0 passed, 1 failed\n");
		return 1;
	}

	cl_device_svm_capabilities caps = 0;
	clGetDeviceInfo(dev, CL_DEVICE_SVM_CAPABILITIES, sizeof(caps), &caps,
			NULL);
	check(caps & CL_DEVICE_SVM_FINE_GRAIN_SYSTEM,
	      "CL_DEVICE_SVM_FINE_GRAIN_SYSTEM reported", (long long)caps);

	/* A second fd of the device for the device-wide counters. */
	vsvm_device_handle vdev = NULL;
	struct drm_vsvm_query_device info = {0};
	int ret = vsvm_device_open(NULL, &vdev);
	check(ret == 0, "second fd of the vsvm device", ret);
	if (vdev)
		vsvm_query_device(vdev, &info);
	int has_vram = !!(info.features & DRM_VSVM_FEATURE_VRAM);
	printf("info: vram %s, %llu bytes\n", has_vram ? "yes" : "no",
	       (unsigned long long)info.vram_size);

	cl_context ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	check(err == CL_SUCCESS, "clCreateContext", err);
	cl_command_queue q =
		clCreateCommandQueueWithProperties(ctx, dev, NULL, &err);
	check(err == CL_SUCCESS, "clCreateCommandQueueWithProperties", err);
	if (err)
		goto out;

	cl_program prog = clCreateProgramWithSource(ctx, 1, &kernel_src, NULL,
						    &err);
	err = clBuildProgram(prog, 1, &dev, "", NULL, NULL);
	if (err != CL_SUCCESS) {
		char log[4096] = "";
		clGetProgramBuildInfo(prog, dev, CL_PROGRAM_BUILD_LOG,
				      sizeof(log), log, NULL);
		printf("build log:\n%s\n", log);
	}
	check(err == CL_SUCCESS, "clBuildProgram", err);
	cl_kernel k = clCreateKernel(prog, "vadd", &err);
	check(err == CL_SUCCESS, "clCreateKernel", err);
	if (err)
		goto out;

	size_t bytes = N * sizeof(float);
	float *a = clSVMAlloc(ctx, CL_MEM_READ_WRITE, bytes, 0);
	float *b = malloc(bytes);
	float *c = malloc(bytes);
	check(a && b && c, "clSVMAlloc + malloc", 0);
	if (!a || !b || !c)
		goto out;
	for (unsigned i = 0; i < N; i++) {
		a[i] = (float)i;
		b[i] = 0.5f * (float)(i % 1000);
		c[i] = -1.0f;
	}

	uint64_t s0[DRM_VSVM_STAT_BYTES_TO_SYSTEM + 1];
	uint64_t s1[DRM_VSVM_STAT_BYTES_TO_SYSTEM + 1];
	uint64_t s2[DRM_VSVM_STAT_BYTES_TO_SYSTEM + 1];

	read_stats(vdev, s0);
	const void *mig[1] = { a };
	size_t mig_size[1] = { bytes };
	err = clEnqueueSVMMigrateMem(q, 1, mig, mig_size, 0, 0, NULL, NULL);
	check(err == CL_SUCCESS, "clEnqueueSVMMigrateMem to device", err);
	clFinish(q);
	read_stats(vdev, s1);
	if (has_vram)
		check(s1[DRM_VSVM_STAT_BYTES_TO_VRAM] -
		      s0[DRM_VSVM_STAT_BYTES_TO_VRAM] >= bytes,
		      "BYTES_TO_VRAM grew by the migrated size",
		      (long long)(s1[DRM_VSVM_STAT_BYTES_TO_VRAM] -
				  s0[DRM_VSVM_STAT_BYTES_TO_VRAM]));

	err = clSetKernelArgSVMPointer(k, 0, a);
	err |= clSetKernelArgSVMPointer(k, 1, b);
	err |= clSetKernelArgSVMPointer(k, 2, c);
	check(err == CL_SUCCESS, "clSetKernelArgSVMPointer (SVM + malloc)", err);
	size_t gsz = N;
	err = clEnqueueNDRangeKernel(q, k, 1, NULL, &gsz, NULL, 0, NULL, NULL);
	check(err == CL_SUCCESS, "clEnqueueNDRangeKernel", err);
	err = clEnqueueSVMMigrateMem(q, 1, mig, mig_size,
				     CL_MIGRATE_MEM_OBJECT_HOST, 0, NULL, NULL);
	check(err == CL_SUCCESS, "clEnqueueSVMMigrateMem to host", err);
	err = clFinish(q);
	check(err == CL_SUCCESS, "clFinish", err);
	read_stats(vdev, s2);
	if (has_vram)
		printf("info: BYTES_TO_SYSTEM grew by %llu\n",
		       (unsigned long long)(s2[DRM_VSVM_STAT_BYTES_TO_SYSTEM] -
					    s1[DRM_VSVM_STAT_BYTES_TO_SYSTEM]));

	unsigned bad = 0;
	for (unsigned i = 0; i < N; i++)
		if (c[i] != (float)i + 0.5f * (float)(i % 1000))
			bad++;
	check(bad == 0, "vadd result, every element", bad);

	/* Fill and copy of CL_MEM_USE_HOST_PTR buffers (vsvm engine). */
	{
		size_t sz = 1 << 16;
		uint32_t *h1 = aligned_alloc(4096, sz);
		uint32_t *h2 = aligned_alloc(4096, sz);
		memset(h1, 0, sz);
		memset(h2, 0, sz);
		cl_mem m1 = clCreateBuffer(ctx, CL_MEM_USE_HOST_PTR, sz, h1, &err);
		cl_mem m2 = clCreateBuffer(ctx, CL_MEM_USE_HOST_PTR, sz, h2, &err);
		uint32_t pat = 0x12345678;
		uint64_t j0[DRM_VSVM_STAT_BYTES_TO_SYSTEM + 1];
		uint64_t j1[DRM_VSVM_STAT_BYTES_TO_SYSTEM + 1];
		read_stats(vdev, j0);
		err = clEnqueueFillBuffer(q, m1, &pat, 4, 0, sz, 0, NULL, NULL);
		check(err == CL_SUCCESS, "clEnqueueFillBuffer", err);
		err = clEnqueueCopyBuffer(q, m1, m2, 0, 0, sz, 0, NULL, NULL);
		check(err == CL_SUCCESS, "clEnqueueCopyBuffer", err);
		clFinish(q);
		/* USE_HOST_PTR: the host memory is the buffer's memory. */
		void *p = clEnqueueMapBuffer(q, m2, CL_TRUE, CL_MAP_READ, 0, sz,
					     0, NULL, NULL, &err);
		unsigned wrong = 0;
		for (size_t i = 0; i < sz / 4; i++)
			if (((uint32_t *)p)[i] != pat || h1[i] != pat)
				wrong++;
		check(wrong == 0, "fill + copy on user-memory buffers", wrong);
		clEnqueueUnmapMemObject(q, m2, p, 0, NULL, NULL);
		clFinish(q);
		read_stats(vdev, j1);
		check(j1[DRM_VSVM_STAT_JOBS] - j0[DRM_VSVM_STAT_JOBS] >= 2,
		      "fill + copy ran as vsvm engine jobs",
		      (long long)(j1[DRM_VSVM_STAT_JOBS] - j0[DRM_VSVM_STAT_JOBS]));
		clReleaseMemObject(m1);
		clReleaseMemObject(m2);
		free(h1);
		free(h2);
	}

	/* Invalid uses. */
	err = clEnqueueSVMMigrateMem(q, 0, mig, mig_size, 0, 0, NULL, NULL);
	check(err == CL_INVALID_VALUE, "migrate: num_svm_pointers 0", err);
	err = clEnqueueSVMMigrateMem(q, 1, NULL, mig_size, 0, 0, NULL, NULL);
	check(err == CL_INVALID_VALUE, "migrate: svm_pointers NULL", err);
	{
		const void *nullp[1] = { NULL };
		err = clEnqueueSVMMigrateMem(q, 1, nullp, NULL, 0, 0, NULL, NULL);
		check(err == CL_INVALID_VALUE, "migrate: a NULL pointer", err);
	}
	{
		size_t big[1] = { bytes + 4096 };
		err = clEnqueueSVMMigrateMem(q, 1, mig, big, 0, 0, NULL, NULL);
		check(err == CL_INVALID_VALUE,
		      "migrate: size beyond the allocation", err);
	}
	err = clEnqueueSVMMigrateMem(q, 1, mig, mig_size, 0x8000, 0, NULL,
				     NULL);
	check(err == CL_INVALID_VALUE, "migrate: unknown flags", err);
	err = clEnqueueSVMMigrateMem(NULL, 1, mig, mig_size, 0, 0, NULL, NULL);
	check(err == CL_INVALID_COMMAND_QUEUE, "migrate: no queue", err);
	err = clEnqueueSVMMigrateMem(q, 1, mig, mig_size, 0, 1, NULL, NULL);
	check(err == CL_INVALID_EVENT_WAIT_LIST,
	      "migrate: wait list NULL with num_events 1", err);
	err = clSetKernelArgSVMPointer(k, 3, a);
	check(err == CL_INVALID_ARG_INDEX, "set arg: index out of range", err);
	{
		/* Not in a clSVMAlloc allocation: clover requires one. */
		const void *m[1] = { b };
		err = clEnqueueSVMMigrateMem(q, 1, m, NULL, 0, 0, NULL, NULL);
		check(err == CL_INVALID_VALUE,
		      "migrate: malloc pointer (not from clSVMAlloc)", err);
	}

	clSVMFree(ctx, a);
	free(b);
	free(c);
	clReleaseKernel(k);
	clReleaseProgram(prog);
out:
	if (q)
		clReleaseCommandQueue(q);
	if (ctx)
		clReleaseContext(ctx);
	vsvm_device_close(vdev);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
