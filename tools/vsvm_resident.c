// SPDX-License-Identifier: MIT
/*
 * vsvm_resident: leave memory in VRAM for a module unload to evict.
 *
 *   vsvm_resident MIB READY_FILE
 *
 * Fills MIB MiB of anonymous memory with a pattern, prefetches it into
 * VRAM, checks that all of it is there, closes the device (the pages stay
 * in VRAM, mapped by this process only) and writes READY_FILE. It then
 * waits for SIGUSR1, sent once the vsvm module has been unloaded, and
 * checks every byte: unload must have moved the pages back to system
 * memory intact. Exit status 0 when all is right, 1 otherwise.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "vsvm.h"

#define MIB	(1ull << 20)
#define PAGE	4096ull

static uint64_t word(uint64_t i)
{
	return (i * 0x9e3779b97f4a7c15ull) ^ 0x7673766d;
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "vsvm_resident: %s: %s\n", what, strerror(err));
	return 1;
}

/* Move the buffer into VRAM through a VM that dies with the device file. */
static int to_vram(uint64_t *p, size_t size)
{
	uint8_t *res = malloc(size / PAGE);
	vsvm_device_handle dev;
	uint64_t moved, i;
	char path[64];
	uint32_t vm;
	int ret;

	if (!res)
		return fail("malloc", ENOMEM);
	ret = vsvm_find_render_node(path, sizeof(path));
	if (!ret)
		ret = vsvm_device_open(path, &dev);
	if (ret) {
		free(res);
		return fail("open the vsvm render node", -ret);
	}
	ret = vsvm_vm_create(dev, DRM_VSVM_VM_CREATE_SVM, &vm);
	if (!ret)
		ret = vsvm_prefetch(dev, vm, (uintptr_t)p, size,
				    DRM_VSVM_REGION_VRAM, &moved);
	if (!ret)
		ret = vsvm_residency(dev, vm, (uintptr_t)p, size / PAGE, res);
	vsvm_device_close(dev);
	if (ret) {
		free(res);
		return fail("prefetch to VRAM", -ret);
	}
	for (i = 0; i < size / PAGE; i++)
		if (res[i] != DRM_VSVM_RESIDENCY_VRAM)
			break;
	free(res);
	if (moved != size / PAGE || i != size / PAGE) {
		fprintf(stderr, "vsvm_resident: %" PRIu64 " of %llu pages moved, page %" PRIu64 " not in VRAM\n",
			moved, size / PAGE, i);
		return 1;
	}
	printf("vsvm_resident: %llu pages in VRAM\n", size / PAGE);
	return 0;
}

int main(int argc, char **argv)
{
	size_t size, i, bad = 0;
	sigset_t set;
	uint64_t *p;
	FILE *ready;
	int sig;

	if (argc != 3 || !(size = strtoull(argv[1], NULL, 0) * MIB)) {
		fprintf(stderr, "usage: %s MIB READY_FILE\n", argv[0]);
		return 2;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);

	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return fail("mmap", errno);
	for (i = 0; i < size / 8; i++)
		p[i] = word(i);
	if (to_vram(p, size))
		return 1;

	ready = fopen(argv[2], "w");
	if (!ready || fclose(ready))
		return fail(argv[2], errno);
	if (sigwait(&set, &sig))
		return fail("sigwait", errno);

	for (i = 0; i < size / 8; i++)
		bad += p[i] != word(i);
	if (bad) {
		fprintf(stderr, "vsvm_resident: %zu wrong words after unload\n",
			bad);
		return 1;
	}
	printf("vsvm_resident: %llu MiB intact after unload\n",
	       (unsigned long long)(size / MIB));
	return 0;
}
