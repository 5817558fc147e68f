/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the rusticl tests: the device whose name contains
 * $CL_TEST_DEVICE (or $SVM_VADD_DEVICE; default "llvmpipe"), error checks,
 * program builds, a clock, the vsvm counters of the process's DRM files
 * (fdinfo), and output files for comparing devices: with $CL_TEST_OUT set,
 * cl_test_dump() writes a buffer to $CL_TEST_OUT/<test>.<buffer>.<kind>.<device>
 * (kind: u8, u32, u64, i32, i64 compared bit for bit; f32uN compared within
 * N ulp; compare-outputs.py compares two devices). Exit status: 0 ok,
 * 1 failure, 77 no device (or a feature the test needs is missing).
 */
#ifndef CL_TEST_H
#define CL_TEST_H

#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include <dirent.h>
#include <unistd.h>

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
	char want[64];			/* the device asked for: file names */
	cl_device_svm_capabilities svm;
	bool vsvm;			/* the device is a vsvm one */
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
	snprintf(t->want, sizeof(t->want), "%s", want);
	t->vsvm = strstr(t->name, "vsvm") != NULL;
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

/* A new in-order queue: rusticl fails every command of a queue after one failed. */
static inline cl_command_queue cl_test_queue(struct cl_test *t)
{
	cl_command_queue q;
	cl_int err;

	q = clCreateCommandQueueWithProperties(t->ctx, t->dev, NULL, &err);
	CHECK(err);
	return q;
}

/*
 * The vsvm counters of the process: the sums over its vsvm DRM files
 * (fdinfo with "drm-driver:\tvsvm", each file once by drm-client-id) of
 * vsvm-gpu-faults, vsvm-bytes-to-vram and vsvm-bytes-to-system. Returns the
 * number of files found (0: not a vsvm device, or a kernel without the keys).
 */
struct cl_test_fdinfo {
	unsigned long long faults, to_vram, to_system;
};

static inline int cl_test_fdinfo(struct cl_test_fdinfo *fi)
{
	unsigned long long ids[64];
	int nids = 0;
	DIR *dir = opendir("/proc/self/fdinfo");
	struct dirent *de;

	memset(fi, 0, sizeof(*fi));
	if (!dir)
		return 0;
	while ((de = readdir(dir))) {
		char path[300], line[256];
		unsigned long long id = ~0ull, v, faults = 0, vram = 0, sys = 0;
		bool is_vsvm = false, keys = false, seen = false;
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/fdinfo/%s", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			if (!strcmp(line, "drm-driver:\tvsvm\n"))
				is_vsvm = true;
			else if (sscanf(line, "drm-client-id:\t%llu", &v) == 1)
				id = v;
			else if (sscanf(line, "vsvm-gpu-faults:\t%llu", &v) == 1)
				faults = v, keys = true;
			else if (sscanf(line, "vsvm-bytes-to-vram:\t%llu", &v) == 1)
				vram = v;
			else if (sscanf(line, "vsvm-bytes-to-system:\t%llu", &v) == 1)
				sys = v;
		}
		fclose(f);
		if (!is_vsvm || !keys)
			continue;
		for (int i = 0; i < nids; i++)
			seen |= ids[i] == id;
		if (seen || nids == 64)
			continue;
		ids[nids++] = id;
		fi->faults += faults;
		fi->to_vram += vram;
		fi->to_system += sys;
	}
	closedir(dir);
	return nids;
}

/* Writes @count elements of @kind (see above) for compare-outputs.py. */
static inline void cl_test_dump(struct cl_test *t, const char *buf,
				const char *kind, const void *data,
				size_t count)
{
	const char *dir = getenv("CL_TEST_OUT");
	size_t size = (kind[0] == 'f' || !strcmp(kind + 1, "32")) ? 4 :
		      !strcmp(kind + 1, "64") ? 8 : 1;
	char path[512];
	FILE *f;

	if (!dir || !*dir)
		return;
	snprintf(path, sizeof(path), "%s/%s.%s.%s.%s", dir, cl_test_name, buf,
		 kind, t->want);
	f = fopen(path, "wb");
	if (!f || fwrite(data, size, count, f) != count || fclose(f)) {
		fprintf(stderr, "%s: cannot write %s\n", cl_test_name, path);
		exit(1);
	}
}

static inline void cl_test_close(struct cl_test *t)
{
	clReleaseCommandQueue(t->q);
	clReleaseContext(t->ctx);
}

#endif /* CL_TEST_H */
