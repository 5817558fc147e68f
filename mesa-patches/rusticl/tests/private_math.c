// SPDX-License-Identifier: MIT
/*
 * Private memory and arithmetic. The device is the one whose name contains
 * $CL_TEST_DEVICE (default "llvmpipe", cl_test.h).
 *
 * priv:  a private array of 32 ints per work-item, written and read at
 *        data-dependent indices (it cannot live in registers);
 * fmath: floor, ceil, trunc, sqrt, division, fabs, fmin/fmax, int <->
 *        float conversions, 64-bit multiply-high and signed division and
 *        remainder, 8 and 16-bit arithmetic that wraps, over edge values.
 * packed: 32 and 64-bit fields of a packed structure (unaligned loads
 *        and stores, split by the compiler where the ISA wants natural
 *        alignment).
 * Results are compared with the CPU (exactly; division and sqrt are
 * correctly rounded on both). Exits 0 on success, 1 on a wrong result or
 * an error, 77 without the device.
 */
#include <math.h>
#include <stdint.h>

#include "cl_test.h"

static const char *src =
	"__kernel void priv(__global const int *in, __global int *out, uint n)\n"
	"{\n"
	"	int tmp[32];\n"
	"	uint i = get_global_id(0);\n"
	"	int s = 0;\n"
	"	for (int k = 0; k < 32; k++)\n"
	"		tmp[(k * 7 + i) & 31] = in[(i + k) % n] * (k + 1);\n"
	"	for (int k = 0; k < 32; k++)\n"
	"		s += tmp[(in[(i + k) % n] + k) & 31] ^ k;\n"
	"	out[i] = s;\n"
	"}\n"
	"__kernel void fmath(__global const float *x, __global const float *y,\n"
	"		    __global const long *a, __global const long *b,\n"
	"		    __global float *fo, __global long *io)\n"
	"{\n"
	"	uint i = get_global_id(0);\n"
	"	float u = x[i], v = y[i];\n"
	"	long p = a[i], q = b[i];\n"
	"	fo[i * 8 + 0] = floor(u);\n"
	"	fo[i * 8 + 1] = ceil(u);\n"
	"	fo[i * 8 + 2] = trunc(u);\n"
	"	fo[i * 8 + 3] = sqrt(fabs(u));\n"
	"	fo[i * 8 + 4] = u / v;\n"
	"	fo[i * 8 + 5] = fmin(u, v) - fmax(u, v);\n"
	"	fo[i * 8 + 6] = (float)(int)u + (float)(uint)(ulong)p;\n"
	"	fo[i * 8 + 7] = (float)p;\n"
	"	io[i * 8 + 0] = mul_hi(p, q);\n"
	"	io[i * 8 + 1] = q ? p / q : 0;\n"
	"	io[i * 8 + 2] = q ? p % q : 0;\n"
	"	io[i * 8 + 3] = (long)(uchar)((uchar)p * (uchar)q + (uchar)3);\n"
	"	io[i * 8 + 4] = (long)(short)((short)p * (short)q);\n"
	"	io[i * 8 + 5] = (long)((int)p >> (q & 31)) + (long)((uint)p >> (q & 31));\n"
	"	io[i * 8 + 6] = (p << (q & 63)) ^ (long)((ulong)p >> (q & 63));\n"
	"	io[i * 8 + 7] = min(p, q) * 3 + max((ulong)p, (ulong)q) + abs((int)p);\n"
	"}\n"
	"typedef struct __attribute__((packed)) { char c; int x; long y; } P;\n"
	"__kernel void packed(__global P *s)\n"
	"{\n"
	"	uint i = get_global_id(0);\n"
	"	s[i].y = s[i].x * (long)s[i].c + s[i].y;\n"
	"	s[i].x += 1;\n"
	"}\n";

struct __attribute__((packed)) packed_s {
	char c;
	int32_t x;
	int64_t y;
};

static int64_t mulhi64(int64_t a, int64_t b)
{
	return (int64_t)(((__int128)a * b) >> 64);
}

int main(void)
{
	const cl_uint n = 2003, m = 64;
	struct cl_test t;
	cl_int err;
	long bad = 0;
	double t0;

	cl_test_open(&t, "private_math");
	cl_kernel kpriv = cl_test_kernel(&t, src, "priv");
	cl_kernel kmath = cl_test_kernel(&t, src, "fmath");

	/* priv, over buffers */
	cl_int *in = malloc(n * sizeof(*in)), *out = malloc(n * sizeof(*out));
	for (cl_uint i = 0; i < n; i++)
		in[i] = (int)((i * 40503u) % 1000) - 300;
	cl_mem bin = clCreateBuffer(t.ctx, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR,
				    n * sizeof(*in), in, &err);
	CHECK(err);
	cl_mem bout = clCreateBuffer(t.ctx, CL_MEM_WRITE_ONLY, n * sizeof(*out),
				     NULL, &err);
	CHECK(err);
	CHECK(clSetKernelArg(kpriv, 0, sizeof(bin), &bin));
	CHECK(clSetKernelArg(kpriv, 1, sizeof(bout), &bout));
	CHECK(clSetKernelArg(kpriv, 2, sizeof(n), &n));
	size_t global = n;
	t0 = cl_test_now();
	CHECK(clEnqueueNDRangeKernel(t.q, kpriv, 1, NULL, &global, NULL, 0, NULL,
				     NULL));
	CHECK(clEnqueueReadBuffer(t.q, bout, CL_TRUE, 0, n * sizeof(*out), out, 0,
				  NULL, NULL));
	for (cl_uint i = 0; i < n; i++) {
		int tmp[32] = { 0 }, s = 0;

		for (int k = 0; k < 32; k++)
			tmp[(k * 7 + i) & 31] = in[(i + k) % n] * (k + 1);
		for (int k = 0; k < 32; k++)
			s += tmp[(in[(i + k) % n] + k) & 31] ^ k;
		if (out[i] != s) {
			if (bad < 5)
				fprintf(stderr, "private_math: priv[%u] = %d, not "
					"%d\n", i, out[i], s);
			bad++;
		}
	}

	cl_test_dump(&t, "priv", "i32", out, n);

	/* fmath, over SVM */
	float *x = clSVMAlloc(t.ctx, CL_MEM_READ_WRITE, m * sizeof(float), 0);
	float *y = clSVMAlloc(t.ctx, CL_MEM_READ_WRITE, m * sizeof(float), 0);
	cl_long *a = clSVMAlloc(t.ctx, CL_MEM_READ_WRITE, m * 8, 0);
	cl_long *b = clSVMAlloc(t.ctx, CL_MEM_READ_WRITE, m * 8, 0);
	float *fo = clSVMAlloc(t.ctx, CL_MEM_READ_WRITE, m * 8 * sizeof(float), 0);
	cl_long *io = clSVMAlloc(t.ctx, CL_MEM_READ_WRITE, m * 8 * 8, 0);
	static const float fv[] = { 0.0f, -0.0f, 0.5f, -0.5f, 1.0f, -1.5f, 2.5f,
				    -2.5f, 1e7f + 0.5f, 8388607.5f, -8388607.5f,
				    3e9f, 123.456f, -0.999f, 1e-30f, 7.0f };
	CHECK(clEnqueueSVMMap(t.q, CL_TRUE, CL_MAP_WRITE, x, m * 4, 0, NULL, NULL));
	CHECK(clEnqueueSVMMap(t.q, CL_TRUE, CL_MAP_WRITE, y, m * 4, 0, NULL, NULL));
	CHECK(clEnqueueSVMMap(t.q, CL_TRUE, CL_MAP_WRITE, a, m * 8, 0, NULL, NULL));
	CHECK(clEnqueueSVMMap(t.q, CL_TRUE, CL_MAP_WRITE, b, m * 8, 0, NULL, NULL));
	for (cl_uint i = 0; i < m; i++) {
		x[i] = fv[i % 16] * (i < 16 ? 1.0f : (float)(i / 16) + 0.25f);
		y[i] = fv[(i * 5 + 3) % 16] + 0.75f;
		a[i] = (cl_long)(0x9e3779b97f4a7c15ull * (i + 1)) >> (i % 7);
		b[i] = i % 5 == 0 ? -3 : (cl_long)(0xbf58476d1ce4e5b9ull * (i + 3)) >> (i % 13 + 20);
	}
	b[7] = 0;
	a[9] = INT64_MIN;
	b[9] = -1;
	CHECK(clEnqueueSVMUnmap(t.q, x, 0, NULL, NULL));
	CHECK(clEnqueueSVMUnmap(t.q, y, 0, NULL, NULL));
	CHECK(clEnqueueSVMUnmap(t.q, a, 0, NULL, NULL));
	CHECK(clEnqueueSVMUnmap(t.q, b, 0, NULL, NULL));
	CHECK(clSetKernelArgSVMPointer(kmath, 0, x));
	CHECK(clSetKernelArgSVMPointer(kmath, 1, y));
	CHECK(clSetKernelArgSVMPointer(kmath, 2, a));
	CHECK(clSetKernelArgSVMPointer(kmath, 3, b));
	CHECK(clSetKernelArgSVMPointer(kmath, 4, fo));
	CHECK(clSetKernelArgSVMPointer(kmath, 5, io));
	global = m;
	CHECK(clEnqueueNDRangeKernel(t.q, kmath, 1, NULL, &global, NULL, 0, NULL,
				     NULL));
	CHECK(clFinish(t.q));
	t0 = cl_test_now() - t0;
	CHECK(clEnqueueSVMMap(t.q, CL_TRUE, CL_MAP_READ, fo, m * 32, 0, NULL, NULL));
	CHECK(clEnqueueSVMMap(t.q, CL_TRUE, CL_MAP_READ, io, m * 64, 0, NULL, NULL));
	for (cl_uint i = 0; i < m; i++) {
		float u = x[i], v = y[i];
		int64_t p = a[i], q = b[i];
		float wf[8] = {
			floorf(u), ceilf(u), truncf(u), sqrtf(fabsf(u)), u / v,
			fminf(u, v) - fmaxf(u, v),
			(float)(int)u + (float)(uint32_t)(uint64_t)p, (float)p,
		};
		int64_t wi[8] = {
			mulhi64(p, q),
			q ? (q == -1 ? (int64_t)(0 - (uint64_t)p) : p / q) : 0,
			q ? (q == -1 ? 0 : p % q) : 0,
			(uint8_t)((uint8_t)p * (uint8_t)q + 3),
			(int16_t)((int16_t)p * (int16_t)q),
			(int64_t)((int32_t)p >> (q & 31)) + (int64_t)((uint32_t)p >> (q & 31)),
			(int64_t)((uint64_t)p << (q & 63)) ^ (int64_t)((uint64_t)p >> (q & 63)),
			(int64_t)((uint64_t)(p < q ? p : q) * 3 +
				  ((uint64_t)p > (uint64_t)q ? (uint64_t)p : (uint64_t)q) +
				  (uint32_t)((int32_t)p < 0 ? -(int64_t)(int32_t)p : (int32_t)p)),
		};
		/* (int)u of a float beyond int's range is undefined in C */
		if (fabsf(u) >= 2147483648.0f)
			wf[6] = fo[i * 8 + 6];
		for (int k = 0; k < 8; k++) {
			if (memcmp(&fo[i * 8 + k], &wf[k], 4) &&
			    !(isnan(fo[i * 8 + k]) && isnan(wf[k]))) {
				if (bad < 10)
					fprintf(stderr, "private_math: f%d(%g, %g) "
						"= %.9g, not %.9g\n", k, u, v,
						fo[i * 8 + k], wf[k]);
				bad++;
			}
			if (io[i * 8 + k] != wi[k]) {
				if (bad < 10)
					fprintf(stderr, "private_math: i%d(%lld, "
						"%lld) = %lld, not %lld\n", k,
						(long long)p, (long long)q,
						(long long)io[i * 8 + k],
						(long long)wi[k]);
				bad++;
			}
		}
	}
	/* (int)u beyond int's range is implementation-defined: not compared */
	for (cl_uint i = 0; i < m; i++)
		if (fabsf(x[i]) >= 2147483648.0f)
			fo[i * 8 + 6] = 0.0f;
	/* floor/ceil/trunc/fmin/fmax/conversions are exact, sqrt 3 ulp, / 2.5 */
	cl_test_dump(&t, "fmath", "f32u3", fo, m * 8);
	cl_test_dump(&t, "imath", "i64", io, m * 8);
	CHECK(clEnqueueSVMUnmap(t.q, fo, 0, NULL, NULL));
	CHECK(clEnqueueSVMUnmap(t.q, io, 0, NULL, NULL));
	CHECK(clFinish(t.q));

	/* packed, over malloc memory when the device has system SVM */
	if (t.svm & CL_DEVICE_SVM_FINE_GRAIN_SYSTEM) {
		cl_kernel kp = cl_test_kernel(&t, src, "packed");
		struct packed_s *ps = malloc(m * sizeof(*ps));

		for (cl_uint i = 0; i < m; i++) {
			ps[i].c = (char)(i * 3 - 50);
			ps[i].x = (int32_t)(i * 100003u);
			ps[i].y = (int64_t)i << 33;
		}
		CHECK(clSetKernelArgSVMPointer(kp, 0, ps));
		CHECK(clEnqueueNDRangeKernel(t.q, kp, 1, NULL, &global, NULL, 0,
					     NULL, NULL));
		CHECK(clFinish(t.q));
		for (cl_uint i = 0; i < m; i++) {
			int32_t x = (int32_t)(i * 100003u);
			int64_t y = (int64_t)x * (char)(i * 3 - 50) +
				    ((int64_t)i << 33);

			if (ps[i].x != x + 1 || ps[i].y != y) {
				if (bad < 10)
					fprintf(stderr, "private_math: packed[%u] "
						"= %d, %lld; not %d, %lld\n", i,
						ps[i].x, (long long)ps[i].y, x + 1,
						(long long)y);
				bad++;
			}
		}
		cl_test_dump(&t, "packed", "u8", ps, m * sizeof(*ps));
		free(ps);
		clReleaseKernel(kp);
	}

	cl_test_close(&t);
	if (bad) {
		fprintf(stderr, "private_math: %ld wrong results on %s\n", bad,
			t.name);
		return 1;
	}
	printf("private_math: ok on \"%s\": private arrays of %u work-items, "
	       "%u x 16 arithmetic results, packed structures, %.3f s\n", t.name, n, m, t0);
	return 0;
}
