// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/*
 * vsvm_core_repro: reproducers of the DRM core bugs that a client of
 * vsvm's render node (DRIVER_RENDER | DRIVER_SYNCOBJ |
 * DRIVER_SYNCOBJ_TIMELINE, no DRIVER_GEM) reaches, each checked for its
 * errno and for silence in the kernel log. The fixes are the series in
 * kernel/patches/.
 *
 *   vsvm_core_repro [--list] [CASE...]
 *
 * Prints one line per case, "PASS|FAIL|SKIP CASE [detail]"; exit status 1
 * when a case failed. Needs root (it reads /dev/kmsg).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/dma-heap.h>
#include <linux/udmabuf.h>
#include <xf86drm.h>

#include "vsvm.h"
#include "vsvm_kmsg.h"

/* More handles than KMALLOC_MAX_SIZE holds as u32: 4 GiB of them. */
#define HUGE_COUNT	0x40000000u
/* Fit the u32 handle array (2.4 MB), not the pointer array (4.8 MB). */
#define MANY_HANDLES	600000u
/* Fit handles, syncobjs and points, not the 64-byte wait entries (6.4 MB). */
#define ENTRY_HANDLES	100000u

struct result {
	bool skip;
	char detail[256];
};

static int ioctl_errno(int fd, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));
	return ret ? errno : 0;
}

/* Expect errno @want from an ioctl; false with a detail otherwise. */
static bool expect(struct result *r, const char *what, int got, int want)
{
	if (got == want)
		return true;
	snprintf(r->detail, sizeof(r->detail), "%s: %s, expected %s", what,
		 got ? strerror(got) : "success", strerror(want));
	return false;
}

static bool prime_handle_to_fd(int fd, struct result *r)
{
	struct drm_prime_handle args;
	uint32_t handle;

	for (handle = 0; handle < 3; handle++) {
		memset(&args, 0, sizeof(args));
		args.handle = handle;
		args.flags = DRM_CLOEXEC;
		if (!expect(r, "PRIME_HANDLE_TO_FD",
			    ioctl_errno(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &args),
			    EOPNOTSUPP))
			return false;
	}
	return true;
}

/* A dma-buf of one page from the system dma-heap or udmabuf, or -1. */
static int dmabuf_create(const char **from)
{
	struct dma_heap_allocation_data heap = {
		.len = 4096,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};
	struct udmabuf_create create = { .size = 4096 };
	int dev, memfd, buf = -1;

	dev = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);
	if (dev >= 0) {
		if (!ioctl(dev, DMA_HEAP_IOCTL_ALLOC, &heap))
			buf = heap.fd;
		close(dev);
		*from = "dma-heap system";
		if (buf >= 0)
			return buf;
	}
	dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return -1;
	memfd = memfd_create("vsvm_core_repro", MFD_ALLOW_SEALING);
	if (memfd >= 0 && !ftruncate(memfd, 4096) &&
	    !fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK)) {
		create.memfd = memfd;
		buf = ioctl(dev, UDMABUF_CREATE, &create);
		*from = "udmabuf";
	}
	if (memfd >= 0)
		close(memfd);
	close(dev);
	return buf;
}

static bool prime_fd_to_handle(int fd, struct result *r)
{
	const char *from = "no exporter: fd -1";
	struct drm_prime_handle args;
	int buf = dmabuf_create(&from);
	bool ok;

	memset(&args, 0, sizeof(args));
	args.fd = buf;
	ok = expect(r, "PRIME_FD_TO_HANDLE",
		    ioctl_errno(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &args),
		    EOPNOTSUPP);
	if (buf >= 0)
		close(buf);
	if (ok)
		snprintf(r->detail, sizeof(r->detail), "(dma-buf from %s)",
			 buf >= 0 ? from : "nowhere, fd -1");
	return ok;
}

static bool cap_prime(int fd, struct result *r)
{
	struct drm_get_cap cap = { .capability = DRM_CAP_PRIME };

	if (!expect(r, "GET_CAP", ioctl_errno(fd, DRM_IOCTL_GET_CAP, &cap), 0))
		return false;
	if (cap.value) {
		snprintf(r->detail, sizeof(r->detail),
			 "DRM_CAP_PRIME is %#llx on a device without GEM",
			 (unsigned long long)cap.value);
		return false;
	}
	return true;
}

static bool syncobj_wait_huge(int fd, struct result *r)
{
	uint32_t handles[16] = { 0 };
	struct drm_syncobj_wait args;

	memset(&args, 0, sizeof(args));
	args.handles = (uintptr_t)handles;
	args.count_handles = HUGE_COUNT;
	return expect(r, "SYNCOBJ_WAIT",
		      ioctl_errno(fd, DRM_IOCTL_SYNCOBJ_WAIT, &args), ENOMEM);
}

static bool syncobj_timeline_wait_huge(int fd, struct result *r)
{
	uint32_t handles[16] = { 0 };
	struct drm_syncobj_timeline_wait args;

	memset(&args, 0, sizeof(args));
	args.handles = (uintptr_t)handles;
	args.count_handles = HUGE_COUNT;
	return expect(r, "SYNCOBJ_TIMELINE_WAIT",
		      ioctl_errno(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &args),
		      ENOMEM);
}

/* Wait for @count copies of one signalled syncobj's handle. */
static bool syncobj_wait_copies(int fd, uint32_t count, struct result *r)
{
	size_t size = (size_t)count * sizeof(uint32_t);
	struct drm_syncobj_wait args;
	uint32_t *handles, handle, i;
	bool ok;

	if (drmSyncobjCreate(fd, DRM_SYNCOBJ_CREATE_SIGNALED, &handle)) {
		snprintf(r->detail, sizeof(r->detail), "SYNCOBJ_CREATE: %s",
			 strerror(errno));
		return false;
	}
	handles = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (handles == MAP_FAILED) {
		snprintf(r->detail, sizeof(r->detail), "mmap: %s",
			 strerror(errno));
		return false;
	}
	for (i = 0; i < count; i++)
		handles[i] = handle;

	memset(&args, 0, sizeof(args));
	args.handles = (uintptr_t)handles;
	args.count_handles = count;
	args.flags = DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL;
	ok = expect(r, "SYNCOBJ_WAIT",
		    ioctl_errno(fd, DRM_IOCTL_SYNCOBJ_WAIT, &args), ENOMEM);
	munmap(handles, size);
	drmSyncobjDestroy(fd, handle);
	return ok;
}

static bool syncobj_wait_many(int fd, struct result *r)
{
	return syncobj_wait_copies(fd, MANY_HANDLES, r);
}

static bool syncobj_wait_entries(int fd, struct result *r)
{
	return syncobj_wait_copies(fd, ENTRY_HANDLES, r);
}

static const struct repro_case {
	const char *name;
	bool (*run)(int fd, struct result *r);
} cases[] = {
	{ "prime-handle-to-fd", prime_handle_to_fd },
	{ "prime-fd-to-handle", prime_fd_to_handle },
	{ "cap-prime", cap_prime },
	{ "syncobj-wait-huge", syncobj_wait_huge },
	{ "syncobj-timeline-wait-huge", syncobj_timeline_wait_huge },
	{ "syncobj-wait-many", syncobj_wait_many },
	{ "syncobj-wait-entries", syncobj_wait_entries },
};

#define NUM_CASES	(sizeof(cases) / sizeof(cases[0]))

/*
 * The page allocator warns once per boot: let every case show its own
 * report on a kernel without the fixes.
 */
static void clear_warn_once(void)
{
	int fd = open("/sys/kernel/debug/clear_warn_once", O_WRONLY);

	if (fd < 0)
		return;
	if (write(fd, "1", 1) != 1)
		perror("clear_warn_once");
	close(fd);
}

static bool run_case(const struct repro_case *c, const char *node, int kmsg)
{
	struct result r = { 0 };
	char first[160];
	bool ok;
	int fd, n;

	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("FAIL %s (open %s: %s)\n", c->name, node,
		       strerror(errno));
		return false;
	}
	clear_warn_once();
	kmsg_drain(kmsg, c->name, NULL, 0);
	ok = c->run(fd, &r);
	close(fd);
	n = kmsg_drain(kmsg, c->name, first, sizeof(first));
	if (n) {
		snprintf(r.detail, sizeof(r.detail),
			 "%d kernel messages, first: %s", n, first);
		ok = false;
	}
	printf("%s %s%s%s\n", r.skip ? "SKIP" : ok ? "PASS" : "FAIL", c->name,
	       r.detail[0] ? " " : "", r.detail);
	fflush(stdout);
	return ok || r.skip;
}

int main(int argc, char **argv)
{
	char node[VSVM_NODE_PATH_MAX];
	bool all_ok = true;
	int kmsg, i, ret;
	size_t j;

	if (argc > 1 && !strcmp(argv[1], "--list")) {
		for (j = 0; j < NUM_CASES; j++)
			puts(cases[j].name);
		return 0;
	}
	ret = vsvm_find_render_node(node, sizeof(node));
	if (ret) {
		fprintf(stderr, "vsvm_core_repro: no vsvm render node: %s\n",
			strerror(-ret));
		return 1;
	}
	kmsg = kmsg_open();
	if (kmsg < 0) {
		fprintf(stderr, "vsvm_core_repro: /dev/kmsg: %s\n",
			strerror(-kmsg));
		return 1;
	}
	for (j = 0; j < NUM_CASES; j++) {
		bool wanted = argc == 1;

		for (i = 1; i < argc; i++)
			wanted |= !strcmp(argv[i], cases[j].name);
		if (wanted)
			all_ok &= run_case(&cases[j], node, kmsg);
	}
	for (i = 1; i < argc; i++) {
		for (j = 0; j < NUM_CASES; j++)
			if (!strcmp(argv[i], cases[j].name))
				break;
		if (j == NUM_CASES) {
			printf("FAIL %s (no such case)\n", argv[i]);
			all_ok = false;
		}
	}
	close(kmsg);
	return all_ok ? 0 : 1;
}
