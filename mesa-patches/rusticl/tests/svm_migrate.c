// SPDX-License-Identifier: MIT
/*
 * clEnqueueSVMMigrateMem to the device, then a kernel on the migrated
 * memory:
 *
 * 1. a warm-up launch of the kernel on other buffers of the same size (the
 *    program and the launch's own memory become known to the GPU);
 * 2. src and dst, clSVMAlloc'ed and filled by the CPU, are migrated to the
 *    device. On vsvm that is a PREFETCH to VRAM: vsvm-bytes-to-vram in the
 *    process's fdinfo must grow by at least their size;
 * 3. dst[i] = 3 * src[i] + 1 on the VRAM-resident pages, twice. PREFETCH
 *    maps what it moved for the GPU, so neither run may take a GPU fault
 *    (vsvm-gpu-faults unchanged) or move memory (vsvm-bytes-to-vram and
 *    vsvm-bytes-to-system unchanged);
 * 4. the CPU reads dst back (CPU faults bring the pages to system memory)
 *    and checks every element.
 *
 * On other devices only the results are checked. Exits 0 on success, 1 on
 * a failure, 77 without the device.
 */
#include "cl_test.h"

#define N (1 << 20)

static const char *src =
	"__kernel void scale(__global const uint *src, __global uint *dst)\n"
	"{\n"
	"	size_t i = get_global_id(0);\n"
	"	dst[i] = 3 * src[i] + 1;\n"
	"}\n";

static void run(struct cl_test *t, cl_kernel k, cl_uint *s, cl_uint *d)
{
	size_t global = N;

	CHECK(clSetKernelArgSVMPointer(k, 0, s));
	CHECK(clSetKernelArgSVMPointer(k, 1, d));
	CHECK(clEnqueueNDRangeKernel(t->q, k, 1, NULL, &global, NULL, 0, NULL,
				     NULL));
	CHECK(clFinish(t->q));
}

int main(void)
{
	size_t bytes = N * sizeof(cl_uint);
	struct cl_test_fdinfo f0, f1, f2, f3;
	struct cl_test t;
	long bad = 0;
	int files;

	cl_test_open(&t, "svm_migrate");
	cl_kernel k = cl_test_kernel(&t, src, "scale");
	cl_uint *s = clSVMAlloc(t.ctx, CL_MEM_READ_WRITE, bytes, 0);
	cl_uint *d = clSVMAlloc(t.ctx, CL_MEM_READ_WRITE, bytes, 0);
	cl_uint *ws = clSVMAlloc(t.ctx, CL_MEM_READ_WRITE, bytes, 0);
	cl_uint *wd = clSVMAlloc(t.ctx, CL_MEM_READ_WRITE, bytes, 0);
	if (!s || !d || !ws || !wd) {
		fprintf(stderr, "svm_migrate: clSVMAlloc failed\n");
		return 1;
	}

	CHECK(clEnqueueSVMMap(t.q, CL_TRUE, CL_MAP_WRITE_INVALIDATE_REGION, s,
			      bytes, 0, NULL, NULL));
	CHECK(clEnqueueSVMMap(t.q, CL_TRUE, CL_MAP_WRITE_INVALIDATE_REGION, d,
			      bytes, 0, NULL, NULL));
	CHECK(clEnqueueSVMMap(t.q, CL_TRUE, CL_MAP_WRITE_INVALIDATE_REGION, ws,
			      bytes, 0, NULL, NULL));
	for (cl_uint i = 0; i < N; i++) {
		s[i] = i * 2654435761u;
		d[i] = 0;
		ws[i] = i;
	}
	CHECK(clEnqueueSVMUnmap(t.q, s, 0, NULL, NULL));
	CHECK(clEnqueueSVMUnmap(t.q, d, 0, NULL, NULL));
	CHECK(clEnqueueSVMUnmap(t.q, ws, 0, NULL, NULL));
	CHECK(clFinish(t.q));

	/* 1. warm-up */
	run(&t, k, ws, wd);

	/* 2. migration to the device */
	const void *ptrs[2] = { s, d };
	size_t sizes[2] = { bytes, bytes };

	files = cl_test_fdinfo(&f0);
	CHECK(clEnqueueSVMMigrateMem(t.q, 2, ptrs, sizes, 0, 0, NULL, NULL));
	CHECK(clFinish(t.q));
	cl_test_fdinfo(&f1);

	/* 3. the kernel on VRAM, twice */
	run(&t, k, s, d);
	cl_test_fdinfo(&f2);
	run(&t, k, s, d);
	cl_test_fdinfo(&f3);

	/* 4. back to the CPU */
	CHECK(clEnqueueSVMMap(t.q, CL_TRUE, CL_MAP_READ, d, bytes, 0, NULL,
			      NULL));
	for (cl_uint i = 0; i < N; i++) {
		cl_uint want = 3 * (i * 2654435761u) + 1;

		if (d[i] != want) {
			if (bad < 5)
				fprintf(stderr, "svm_migrate: d[%u] = %u, not "
					"%u\n", i, d[i], want);
			bad++;
		}
	}
	cl_test_dump(&t, "dst", "u32", d, N);
	CHECK(clEnqueueSVMUnmap(t.q, d, 0, NULL, NULL));
	CHECK(clFinish(t.q));

	printf("svm_migrate: %d vsvm files; to VRAM %llu -> %llu (migrate) -> "
	       "%llu -> %llu bytes (kernels), to system %llu -> %llu -> %llu; "
	       "GPU faults %llu -> %llu (migrate) -> %llu (first kernel) -> "
	       "%llu (second)\n", files, f0.to_vram, f1.to_vram, f2.to_vram,
	       f3.to_vram, f1.to_system, f2.to_system, f3.to_system,
	       f0.faults, f1.faults, f2.faults, f3.faults);
	if (t.vsvm) {
		if (!files) {
			fprintf(stderr, "svm_migrate: no vsvm fdinfo keys\n");
			bad++;
		} else {
			if (f1.to_vram - f0.to_vram < 2 * bytes) {
				fprintf(stderr, "svm_migrate: migration moved "
					"%llu bytes to VRAM, not %zu\n",
					f1.to_vram - f0.to_vram, 2 * bytes);
				bad++;
			}
			if (f3.to_vram != f1.to_vram ||
			    f3.to_system != f1.to_system) {
				fprintf(stderr, "svm_migrate: the kernels on "
					"VRAM-resident pages moved memory\n");
				bad++;
			}
			if (f3.faults != f1.faults) {
				fprintf(stderr, "svm_migrate: the kernels on "
					"VRAM-resident pages took %llu and %llu "
					"GPU faults\n", f2.faults - f1.faults,
					f3.faults - f2.faults);
				bad++;
			}
		}
	}

	clSVMFree(t.ctx, s);
	clSVMFree(t.ctx, d);
	clSVMFree(t.ctx, ws);
	clSVMFree(t.ctx, wd);
	clReleaseKernel(k);
	cl_test_close(&t);
	if (bad) {
		fprintf(stderr, "svm_migrate: %ld failures on %s\n", bad, t.name);
		return 1;
	}
	printf("svm_migrate: ok on \"%s\"\n", t.name);
	return 0;
}
