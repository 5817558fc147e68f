// SPDX-License-Identifier: MIT
/*
 * GPU work-items and CPU threads add atomically to the same counters, in
 * plain malloc() memory (fine-grained system SVM with atomics), at the
 * same time:
 *
 * - each of ITEMS work-items adds 1 to ITERS counters (ctr[(gid + i) %
 *   NCTR]) with atomic_add, then to gpu_done;
 * - THREADS CPU threads, started before the kernel is enqueued, add 1 to
 *   the counters round robin with __atomic_fetch_add, and keep going until
 *   the kernel's event is complete (stopped only after clWaitForEvents).
 *
 * Checks: every counter is exactly what the GPU and the CPU threads added
 * (the threads count their own additions per counter); and the work
 * overlapped: a work-item saw the CPU threads' progress counter (on a page
 * of its own, read with volatile loads) move between its start and its
 * end (after its additions it waits a bounded time for that), or a CPU thread saw
 * gpu_done strictly between 0 and ITEMS and added both before and after
 * that. Exits 0
 * on success, 1 on a failure, 77 without the device or without
 * fine-grained system SVM.
 */
#include <pthread.h>
#include <sched.h>

#include "cl_test.h"

#define ITEMS 256
#define ITERS 32
#define NCTR 61
#define THREADS 2

static const char *src =
	"__kernel void bump(__global volatile uint *ctr,\n"
	"		   __global volatile uint *gpu_done,\n"
	"		   __global volatile uint *progress, __global uint *seen,\n"
	"		   uint nctr, uint iters)\n"
	"{\n"
	"	uint g = get_global_id(0);\n"
	"	uint p0 = *progress;\n"
	"	for (uint i = 0; i < iters; i++)\n"
	"		atomic_add(&ctr[(g + i) % nctr], 1u);\n"
	"	uint p1, spins = 0;\n"
	"	/* a bounded wait for the CPU threads to move on */\n"
	"	while ((p1 = *progress) == p0 && spins < 20000)\n"
	"		spins++;\n"
	"	seen[g] = p1 - p0;\n"
	"	atomic_inc(gpu_done);\n"
	"}\n";

struct cpu_thread {
	pthread_t thr;
	unsigned int *ctr;
	unsigned int *gpu_done;
	unsigned int *progress;
	volatile int *stop;
	unsigned long added[NCTR];
	unsigned long total, before_mid, after_mid;
	bool saw_mid;
	volatile int running;
	int index;
};

static void *cpu_main(void *arg)
{
	struct cpu_thread *c = arg;
	unsigned int j = c->index * 17;

	c->running = 1;
	while (!__atomic_load_n(c->stop, __ATOMIC_ACQUIRE)) {
		for (int k = 0; k < 16; k++) {
			__atomic_fetch_add(&c->ctr[j % NCTR], 1, __ATOMIC_SEQ_CST);
			c->added[j % NCTR]++;
			c->total++;
			j++;
		}
		__atomic_fetch_add(c->progress, 1, __ATOMIC_SEQ_CST);
		if (!c->saw_mid) {
			unsigned int g = __atomic_load_n(c->gpu_done,
							 __ATOMIC_ACQUIRE);

			c->before_mid = c->total;
			if (g > 0 && g < ITEMS)
				c->saw_mid = true;
		}
	}
	c->after_mid = c->total - c->before_mid;
	return NULL;
}

int main(void)
{
	cl_uint nctr = NCTR, iters = ITERS;
	size_t global = ITEMS, group = 64;
	struct cpu_thread cpu[THREADS];
	volatile int stop = 0;
	unsigned int *ctr, *gpu_done, *progress, *seen, p0, p1;
	unsigned int items_seen = 0;
	struct cl_test t;
	cl_event ev;
	cl_int status;
	long bad = 0;
	bool overlap = false;
	double t0;

	cl_test_open(&t, "cpu_gpu_atomics");
	/*
	 * rusticl 25.0 does not report CL_DEVICE_SVM_ATOMICS for any device;
	 * vsvm's atomics are atomic with respect to the CPU (the ISA's ATOM),
	 * and llvmpipe's are CPU atomics.
	 */
	if (!(t.svm & CL_DEVICE_SVM_FINE_GRAIN_SYSTEM)) {
		fprintf(stderr, "cpu_gpu_atomics: %s has no fine-grained system "
			"SVM (caps 0x%llx)\n", t.name,
			(unsigned long long)t.svm);
		return 77;
	}
	cl_kernel k = cl_test_kernel(&t, src, "bump");

	ctr = calloc(NCTR + 64, sizeof(*ctr));
	seen = calloc(ITEMS, sizeof(*seen));
	/* on a page of its own: reading it takes no exclusive access */
	progress = aligned_alloc(4096, 4096);
	if (!ctr || !seen || !progress)
		return 1;
	*progress = 0;
	gpu_done = ctr + NCTR + 16;	/* not on the counters' cache lines */
	CHECK(clSetKernelArgSVMPointer(k, 0, ctr));
	CHECK(clSetKernelArgSVMPointer(k, 1, gpu_done));
	CHECK(clSetKernelArgSVMPointer(k, 2, progress));
	CHECK(clSetKernelArgSVMPointer(k, 3, seen));
	CHECK(clSetKernelArg(k, 4, sizeof(nctr), &nctr));
	CHECK(clSetKernelArg(k, 5, sizeof(iters), &iters));

	memset(cpu, 0, sizeof(cpu));
	for (int i = 0; i < THREADS; i++) {
		cpu[i].ctr = ctr;
		cpu[i].gpu_done = gpu_done;
		cpu[i].progress = progress;
		cpu[i].stop = &stop;
		cpu[i].index = i;
		if (pthread_create(&cpu[i].thr, NULL, cpu_main, &cpu[i]))
			return 1;
	}
	for (int i = 0; i < THREADS; i++)
		while (!cpu[i].running)
			sched_yield();

	t0 = cl_test_now();
	p0 = __atomic_load_n(progress, __ATOMIC_SEQ_CST);
	CHECK(clEnqueueNDRangeKernel(t.q, k, 1, NULL, &global, &group, 0, NULL,
				     &ev));
	CHECK(clFlush(t.q));
	CHECK(clWaitForEvents(1, &ev));
	CHECK(clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS,
			     sizeof(status), &status, NULL));
	t0 = cl_test_now() - t0;
	p1 = __atomic_load_n(progress, __ATOMIC_SEQ_CST);
	/* the GPU work has ended: only now do the CPU threads stop */
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < THREADS; i++)
		pthread_join(cpu[i].thr, NULL);
	clReleaseEvent(ev);

	if (status != CL_COMPLETE) {
		fprintf(stderr, "cpu_gpu_atomics: event status %d\n", status);
		bad++;
	}
	if (*gpu_done != ITEMS) {
		fprintf(stderr, "cpu_gpu_atomics: gpu_done %u, not %u\n",
			*gpu_done, ITEMS);
		bad++;
	}
	for (unsigned int c = 0; c < NCTR; c++) {
		unsigned long want = 0;

		for (unsigned int g = 0; g < ITEMS; g++)
			for (unsigned int i = 0; i < ITERS; i++)
				want += (g + i) % NCTR == c;
		for (int i = 0; i < THREADS; i++)
			want += cpu[i].added[c];
		if (ctr[c] != (unsigned int)want) {
			if (bad < 10)
				fprintf(stderr, "cpu_gpu_atomics: ctr[%u] = %u, "
					"not %lu\n", c, ctr[c], want);
			bad++;
		}
	}
	for (unsigned int g = 0; g < ITEMS; g++)
		items_seen += seen[g] != 0;
	printf("cpu_gpu_atomics: CPU progress %u during the kernel; %u of %u "
	       "work-items saw the CPU threads add while they ran\n", p1 - p0,
	       items_seen, ITEMS);
	if (items_seen)
		overlap = true;
	for (int i = 0; i < THREADS; i++) {
		printf("cpu_gpu_atomics: CPU thread %d: %lu additions, %lu "
		       "before it saw the GPU half done, %lu after%s\n", i,
		       cpu[i].total, cpu[i].before_mid, cpu[i].after_mid,
		       cpu[i].saw_mid ? "" : " (never saw it half done)");
		if (cpu[i].saw_mid && cpu[i].before_mid && cpu[i].after_mid)
			overlap = true;
		if (!cpu[i].total) {
			fprintf(stderr, "cpu_gpu_atomics: CPU thread %d did "
				"not add\n", i);
			bad++;
		}
	}
	if (!overlap) {
		fprintf(stderr, "cpu_gpu_atomics: no work-item saw the CPU "
			"threads add, and no CPU thread saw the GPU half done: "
			"no overlap shown\n");
		bad++;
	}

	clReleaseKernel(k);
	cl_test_close(&t);
	free(ctr);
	free(seen);
	free(progress);
	if (bad) {
		fprintf(stderr, "cpu_gpu_atomics: %ld failures on %s\n", bad,
			t.name);
		return 1;
	}
	printf("cpu_gpu_atomics: ok on \"%s\": %u work-items x %u atomics and "
	       "%d CPU threads on %u counters, kernel %.3f s\n", t.name, ITEMS,
	       ITERS, THREADS, NCTR, t0);
	return 0;
}
