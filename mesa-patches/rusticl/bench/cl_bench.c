/* SPDX-License-Identifier: MIT */
/*
 * cl_bench: vector add and a reduction on one OpenCL device, timed like
 * for like (see README.md in this directory).
 *
 *   cl_bench --device NAME [--sizes 1,16,64] [--reps 5] [--ops vadd,reduce]
 *            [--csv FILE] [--label LABEL] [--vcpus N] [--stats FILE]
 *
 * NAME is a substring of the device name (the first match over all
 * platforms the ICD loader shows). Sizes are in Mi elements (2^20) of
 * 32 bits. Memory is fine-grain system SVM: plain aligned_alloc() memory
 * passed with clSetKernelArgSVMPointer(); the device must report
 * CL_DEVICE_SVM_FINE_GRAIN_SYSTEM.
 *
 * Per operation and size: one warm-up run, then --reps timed runs. A run:
 * outputs poisoned (untimed), then the timed part: clEnqueueNDRangeKernel
 * (two of them for the reduction) up to the return of clFinish; then the
 * result is checked, every element (vector add) or the sum (reduction). A
 * wrong result ends the program with status 1. The kernel events' profiling
 * times (CL_PROFILING_COMMAND_START of the first kernel to COMMAND_END of
 * the last) are recorded too.
 *
 * --stats names a file of "name: value" lines (vsvm's debugfs vsvm_stats):
 * it is read before and after each timed run, and the counters whose name
 * contains "lane" and "wave" give the lane- and wave-instructions the run
 * executed.
 *
 * CSV (stdout summary, --csv the rows):
 *   label,device,op,mi_elements,vcpus,reps,metric,unit,min,median,max
 * Exit status: 0 ok, 1 failure (wrong result, OpenCL error), 77 no device.
 */
#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WG 256			/* work-group size, every kernel and device */
#define RED_PER_ITEM 16		/* elements each first-stage work-item sums */
#define MAX_REPS 64
#define MAX_STATS 64

#define CK(call)                                                         \
	do {                                                             \
		cl_int e_ = (call);                                      \
		if (e_ != CL_SUCCESS) {                                  \
			fprintf(stderr, "cl_bench: %s:%d: %s: error %d\n", \
				__FILE__, __LINE__, #call, e_);          \
			exit(1);                                         \
		}                                                        \
	} while (0)

static const char *kernel_src =
	"kernel void vadd(global const float *a, global const float *b,\n"
	"                 global float *c, uint n)\n"
	"{\n"
	"	uint i = get_global_id(0);\n"
	"\n"
	"	if (i < n)\n"
	"		c[i] = a[i] + b[i];\n"
	"}\n"
	"\n"
	"/* Each work-item sums the elements gid, gid + size, ... below n;\n"
	" * the work-group sums those in local memory; out[group] = sum. */\n"
	"kernel void reduce(global const uint *in, global uint *out, uint n)\n"
	"{\n"
	"	local uint s[256];\n"
	"	uint lid = get_local_id(0);\n"
	"	uint sum = 0;\n"
	"\n"
	"	for (uint i = get_global_id(0); i < n; i += get_global_size(0))\n"
	"		sum += in[i];\n"
	"	s[lid] = sum;\n"
	"	barrier(CLK_LOCAL_MEM_FENCE);\n"
	"	for (uint o = get_local_size(0) / 2; o > 0; o >>= 1) {\n"
	"		if (lid < o)\n"
	"			s[lid] += s[lid + o];\n"
	"		barrier(CLK_LOCAL_MEM_FENCE);\n"
	"	}\n"
	"	if (lid == 0)\n"
	"		out[get_group_id(0)] = s[0];\n"
	"}\n";

struct stats {
	int n;
	char name[MAX_STATS][64];
	long long val[MAX_STATS];
};

struct run {
	double wall;		/* s, enqueue to clFinish */
	double event;		/* s, profiling START..END, -1 if none */
	long long lane, wave;	/* counter deltas, -1 if none */
};

static struct {
	cl_device_id dev;
	cl_context ctx;
	cl_command_queue q;
	cl_kernel vadd, reduce;
	char name[256];
	const char *label;
	const char *stats_path;
	int vcpus;
	FILE *csv;
} B;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void stats_read(struct stats *s)
{
	char line[256];
	FILE *f;

	s->n = 0;
	if (!B.stats_path)
		return;
	f = fopen(B.stats_path, "r");
	if (!f) {
		fprintf(stderr, "cl_bench: %s: %s\n", B.stats_path,
			strerror(errno));
		exit(1);
	}
	while (s->n < MAX_STATS && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!colon || colon - line >= 64)
			continue;
		*colon = 0;
		strcpy(s->name[s->n], line);
		s->val[s->n] = strtoll(colon + 1, NULL, 10);
		s->n++;
	}
	fclose(f);
}

/* The delta of the first counter whose name contains @what, or -1. */
static long long stats_delta(const struct stats *a, const struct stats *b,
			     const char *what)
{
	for (int i = 0; i < a->n && i < b->n; i++)
		if (strstr(a->name[i], what) && !strcmp(a->name[i], b->name[i]))
			return b->val[i] - a->val[i];
	return -1;
}

static void open_device(const char *want)
{
	cl_platform_id plats[16];
	cl_uint nplat = 0;
	cl_device_svm_capabilities svm = 0;
	cl_queue_properties props[] = {
		CL_QUEUE_PROPERTIES, CL_QUEUE_PROFILING_ENABLE, 0
	};
	cl_program prog;
	cl_int err;

	if (clGetPlatformIDs(16, plats, &nplat) != CL_SUCCESS)
		nplat = 0;
	for (cl_uint p = 0; p < nplat && p < 16; p++) {
		cl_device_id devs[16];
		cl_uint ndev = 0;

		if (clGetDeviceIDs(plats[p], CL_DEVICE_TYPE_ALL, 16, devs,
				   &ndev) != CL_SUCCESS)
			continue;
		for (cl_uint d = 0; d < ndev && d < 16; d++) {
			CK(clGetDeviceInfo(devs[d], CL_DEVICE_NAME,
					   sizeof(B.name), B.name, NULL));
			if (strstr(B.name, want)) {
				B.dev = devs[d];
				goto found;
			}
		}
	}
	fprintf(stderr, "cl_bench: no OpenCL device named *%s*\n", want);
	exit(77);
found:
	for (char *c = B.name; *c; c++)	/* the CSV's separator */
		if (*c == ',')
			*c = ';';
	CK(clGetDeviceInfo(B.dev, CL_DEVICE_SVM_CAPABILITIES, sizeof(svm),
			   &svm, NULL));
	if (!(svm & CL_DEVICE_SVM_FINE_GRAIN_SYSTEM)) {
		fprintf(stderr, "cl_bench: %s: no fine-grain system SVM "
			"(caps 0x%llx)\n", B.name, (unsigned long long)svm);
		exit(1);
	}
	B.ctx = clCreateContext(NULL, 1, &B.dev, NULL, NULL, &err);
	CK(err);
	/* Profiling where the device has it (rusticl needs the screen's
	 * timestamp caps); the wall time does not depend on it. */
	B.q = clCreateCommandQueueWithProperties(B.ctx, B.dev, props, &err);
	if (err == CL_INVALID_QUEUE_PROPERTIES) {
		fprintf(stderr, "cl_bench: %s: no profiling queue (%d): "
			"no event times\n", B.name, err);
		B.q = clCreateCommandQueueWithProperties(B.ctx, B.dev, NULL,
							 &err);
	}
	CK(err);
	prog = clCreateProgramWithSource(B.ctx, 1, &kernel_src, NULL, &err);
	CK(err);
	err = clBuildProgram(prog, 1, &B.dev, "", NULL, NULL);
	if (err != CL_SUCCESS) {
		static char log[16384];

		clGetProgramBuildInfo(prog, B.dev, CL_PROGRAM_BUILD_LOG,
				      sizeof(log) - 1, log, NULL);
		fprintf(stderr, "cl_bench: build failed (%d):\n%s\n", err,
			log);
		exit(1);
	}
	B.vadd = clCreateKernel(prog, "vadd", &err);
	CK(err);
	B.reduce = clCreateKernel(prog, "reduce", &err);
	CK(err);
	clReleaseProgram(prog);
}

static void *xalloc(size_t bytes)
{
	void *p = aligned_alloc(4096, (bytes + 4095) & ~(size_t)4095);

	if (!p) {
		fprintf(stderr, "cl_bench: out of memory (%zu bytes)\n", bytes);
		exit(1);
	}
	return p;
}

static double event_span(cl_event first, cl_event last)
{
	cl_ulong start = 0, end = 0;

	if (clGetEventProfilingInfo(first, CL_PROFILING_COMMAND_START,
				    sizeof(start), &start, NULL) != CL_SUCCESS ||
	    clGetEventProfilingInfo(last, CL_PROFILING_COMMAND_END,
				    sizeof(end), &end, NULL) != CL_SUCCESS ||
	    end < start)
		return -1;
	return (end - start) * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* min, median, max of @n values (the median of an even count: the mean
 * of the middle two) */
static void spread(const double *v, int n, double out[3])
{
	double s[MAX_REPS];

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	out[0] = s[0];
	out[1] = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	out[2] = s[n - 1];
}

static void row(const char *op, unsigned mi, int reps, const char *metric,
		const char *unit, const double *v)
{
	double s[3];

	spread(v, reps, s);
	if (B.csv) {
		fprintf(B.csv, "%s,%s,%s,%u,%d,%d,%s,%s,%.6g,%.6g,%.6g\n",
			B.label, B.name, op, mi, B.vcpus, reps, metric, unit,
			s[0], s[1], s[2]);
		fflush(B.csv);
	}
	printf("  %-7s %3u Mi %-16s %-12s min %-11.5g median %-11.5g max %.5g\n",
	       op, mi, metric, unit, s[0], s[1], s[2]);
}

/* Checked timed runs: warm-up first (index -1, not kept). */
static void bench_vadd(unsigned mi, int reps, struct run *runs)
{
	size_t n = (size_t)mi << 20;
	float *a = xalloc(n * 4), *b = xalloc(n * 4), *c = xalloc(n * 4);
	size_t global = n, local = WG;
	cl_uint nn = n;

	for (size_t i = 0; i < n; i++) {
		a[i] = (float)(i % 1000) * 0.5f;
		b[i] = (float)((i * 7) % 1003) * 0.25f;
	}
	CK(clSetKernelArgSVMPointer(B.vadd, 0, a));
	CK(clSetKernelArgSVMPointer(B.vadd, 1, b));
	CK(clSetKernelArgSVMPointer(B.vadd, 2, c));
	CK(clSetKernelArg(B.vadd, 3, sizeof(nn), &nn));

	for (int r = -1; r < reps; r++) {
		struct stats s0, s1;
		cl_event ev;
		double t0, t1;

		memset(c, 0xff, n * 4);	/* NaN: a skipped element fails */
		stats_read(&s0);
		t0 = now();
		CK(clEnqueueNDRangeKernel(B.q, B.vadd, 1, NULL, &global,
					  &local, 0, NULL, &ev));
		CK(clFinish(B.q));
		t1 = now();
		stats_read(&s1);
		for (size_t i = 0; i < n; i++) {
			float want = a[i] + b[i];

			if (memcmp(&c[i], &want, 4)) {
				fprintf(stderr, "cl_bench: %s: vadd %u Mi run %d: "
					"c[%zu] = %g, want %g\n", B.name, mi,
					r, i, c[i], want);
				exit(1);
			}
		}
		if (r >= 0) {
			runs[r].wall = t1 - t0;
			runs[r].event = event_span(ev, ev);
			runs[r].lane = stats_delta(&s0, &s1, "lane");
			runs[r].wave = stats_delta(&s0, &s1, "wave");
		}
		clReleaseEvent(ev);
	}
	free(a);
	free(b);
	free(c);
}

static void bench_reduce(unsigned mi, int reps, struct run *runs)
{
	size_t n = (size_t)mi << 20;
	size_t groups = n / (WG * RED_PER_ITEM);
	uint32_t *in = xalloc(n * 4), *part = xalloc(groups * 4);
	uint32_t *out = xalloc(4096), want = 0;
	size_t g1 = n / RED_PER_ITEM, g2 = WG, local = WG;
	cl_uint n1 = n, n2 = groups;

	for (size_t i = 0; i < n; i++) {
		in[i] = (uint32_t)(i * 2654435761u) ^ (uint32_t)(i >> 5);
		want += in[i];
	}

	for (int r = -1; r < reps; r++) {
		struct stats s0, s1;
		cl_event ev1, ev2;
		double t0, t1;

		memset(part, 0, groups * 4);
		out[0] = ~want;		/* a skipped kernel fails */
		stats_read(&s0);
		t0 = now();
		CK(clSetKernelArgSVMPointer(B.reduce, 0, in));
		CK(clSetKernelArgSVMPointer(B.reduce, 1, part));
		CK(clSetKernelArg(B.reduce, 2, sizeof(n1), &n1));
		CK(clEnqueueNDRangeKernel(B.q, B.reduce, 1, NULL, &g1, &local,
					  0, NULL, &ev1));
		CK(clSetKernelArgSVMPointer(B.reduce, 0, part));
		CK(clSetKernelArgSVMPointer(B.reduce, 1, out));
		CK(clSetKernelArg(B.reduce, 2, sizeof(n2), &n2));
		CK(clEnqueueNDRangeKernel(B.q, B.reduce, 1, NULL, &g2, &local,
					  0, NULL, &ev2));
		CK(clFinish(B.q));
		t1 = now();
		stats_read(&s1);
		if (out[0] != want) {
			fprintf(stderr, "cl_bench: %s: reduce %u Mi run %d: "
				"sum 0x%08" PRIx32 ", want 0x%08" PRIx32 "\n",
				B.name, mi, r, out[0], want);
			exit(1);
		}
		if (r >= 0) {
			runs[r].wall = t1 - t0;
			runs[r].event = event_span(ev1, ev2);
			runs[r].lane = stats_delta(&s0, &s1, "lane");
			runs[r].wave = stats_delta(&s0, &s1, "wave");
		}
		clReleaseEvent(ev1);
		clReleaseEvent(ev2);
	}
	free(in);
	free(part);
	free(out);
}

static void report(const char *op, unsigned mi, int reps,
		   const struct run *runs)
{
	double n = (double)((size_t)mi << 20);
	double v[MAX_REPS];
	bool ev = true, ctr = true;

	for (int r = 0; r < reps; r++) {
		v[r] = runs[r].wall;
		ev &= runs[r].event > 0;
		ctr &= runs[r].lane > 0;
	}
	row(op, mi, reps, "wall", "s", v);
	for (int r = 0; r < reps; r++)
		v[r] = n / runs[r].wall;
	row(op, mi, reps, "elements_per_s", "1/s", v);
	if (ev) {
		for (int r = 0; r < reps; r++)
			v[r] = runs[r].event;
		row(op, mi, reps, "event", "s", v);
		for (int r = 0; r < reps; r++)
			v[r] = n / runs[r].event;
		row(op, mi, reps, "event_elements_per_s", "1/s", v);
	}
	if (ctr) {
		for (int r = 0; r < reps; r++)
			v[r] = runs[r].lane;
		row(op, mi, reps, "lane_insts", "count", v);
		for (int r = 0; r < reps; r++)
			v[r] = runs[r].lane / n;
		row(op, mi, reps, "lane_insts_per_element", "count", v);
		for (int r = 0; r < reps; r++)
			v[r] = runs[r].wall * 1e9 / runs[r].lane;
		row(op, mi, reps, "ns_per_lane_inst", "ns", v);
		if (runs[0].wave > 0) {
			for (int r = 0; r < reps; r++)
				v[r] = runs[r].wave;
			row(op, mi, reps, "wave_insts", "count", v);
			for (int r = 0; r < reps; r++)
				v[r] = runs[r].wall * 1e9 / runs[r].wave;
			row(op, mi, reps, "ns_per_wave_inst", "ns", v);
		}
	}
}

int main(int argc, char **argv)
{
	const char *want = NULL, *sizes = "1,16,64", *ops = "vadd,reduce";
	const char *csv = NULL;
	int reps = 5;

	B.label = "run";
	B.vcpus = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v) {
			fprintf(stderr, "cl_bench: %s needs a value\n", a);
			return 1;
		}
		if (!strcmp(a, "--device"))
			want = v;
		else if (!strcmp(a, "--sizes"))
			sizes = v;
		else if (!strcmp(a, "--reps"))
			reps = atoi(v);
		else if (!strcmp(a, "--ops"))
			ops = v;
		else if (!strcmp(a, "--csv"))
			csv = v;
		else if (!strcmp(a, "--label"))
			B.label = v;
		else if (!strcmp(a, "--vcpus"))
			B.vcpus = atoi(v);
		else if (!strcmp(a, "--stats"))
			B.stats_path = v;
		else {
			fprintf(stderr, "cl_bench: unknown option %s\n", a);
			return 1;
		}
		i++;
	}
	if (!want || reps < 1 || reps > MAX_REPS) {
		fprintf(stderr, "usage: cl_bench --device NAME [--sizes 1,16,64] "
			"[--reps 5 (1-%d)] [--ops vadd,reduce] [--csv FILE] "
			"[--label L] [--vcpus N] [--stats FILE]\n", MAX_REPS);
		return 1;
	}
	if (csv) {
		B.csv = fopen(csv, "a");
		if (!B.csv) {
			fprintf(stderr, "cl_bench: %s: %s\n", csv,
				strerror(errno));
			return 1;
		}
	}
	open_device(want);
	printf("cl_bench: %s (%s), %d reps after one warm-up, sizes %s Mi\n",
	       B.name, B.label, reps, sizes);

	for (const char *s = sizes; *s;) {
		unsigned mi = strtoul(s, (char **)&s, 10);
		struct run runs[MAX_REPS];

		if (*s == ',')
			s++;
		if (!mi || mi > 1024) {
			fprintf(stderr, "cl_bench: bad size\n");
			return 1;
		}
		if (strstr(ops, "vadd")) {
			bench_vadd(mi, reps, runs);
			report("vadd", mi, reps, runs);
		}
		if (strstr(ops, "reduce")) {
			bench_reduce(mi, reps, runs);
			report("reduce", mi, reps, runs);
		}
	}
	clReleaseKernel(B.vadd);
	clReleaseKernel(B.reduce);
	clReleaseCommandQueue(B.q);
	clReleaseContext(B.ctx);
	if (B.csv)
		fclose(B.csv);
	return 0;
}
