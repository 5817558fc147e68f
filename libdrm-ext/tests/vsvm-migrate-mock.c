// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/*
 * Prefetch, residency, madvise and attribute-query paths of libdrm_vsvm
 * against a mock kernel, without a vsvm device.
 *
 * As in vsvm-exec-mock.c, definitions in this program take precedence over
 * libdrm's for the calls libdrm_vsvm.so makes: drmGetVersion() makes
 * /dev/null pass for a vsvm node and drmIoctl() answers the vsvm ioctls.
 * Every ioctl argument is recorded as it reaches the "kernel" and checked
 * field by field; the mock applies the uapi's MBZ and range rules and
 * writes output only on success, so that the library's marshalling and its
 * "output only on success" rule are both under test.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xf86drm.h>

#include "vsvm.h"

#include "check.h"

/*
 * The mock kernel.
 */
#define MOCK_VM_ID		7
#define MOCK_PAGE		4096ull
#define MOCK_TASK_SIZE		0x00007ffffffff000ull
#define MOCK_PAGES_MOVED	0x100000003ull
#define MOCK_MAX_RESIDENCY	(1ull << 20)
#define POISON			0xa5a5a5a5a5a5a5a5ull

static struct {
	int error;		/* errno the next vsvm ioctl fails with, or 0 */
	int ioctls;		/* vsvm ioctls seen */

	struct drm_vsvm_prefetch prefetch;
	struct drm_vsvm_residency residency;
	struct drm_vsvm_madvise madvise;
	struct drm_vsvm_attr_query attr_query;
} mock;

static void mock_reset(void)
{
	memset(&mock, 0, sizeof(mock));
}

drmVersionPtr drmGetVersion(int fd)
{
	drmVersionPtr version;

	(void)fd;
	version = calloc(1, sizeof(*version));
	if (!version)
		return NULL;
	version->name = strdup("vsvm");
	version->name_len = 4;
	return version;
}

void drmFreeVersion(drmVersionPtr version)
{
	if (!version)
		return;
	free(version->name);
	free(version);
}

static bool mock_range_ok(uint64_t start, uint64_t length)
{
	return length && !(start % MOCK_PAGE) && !(length % MOCK_PAGE) &&
	       start < MOCK_TASK_SIZE && length <= MOCK_TASK_SIZE - start;
}

/* The residency byte the mock reports for a page. */
static uint8_t mock_residency(uint64_t addr)
{
	return DRM_VSVM_RESIDENCY_NONE + (addr / MOCK_PAGE) % 3;
}

static int mock_prefetch(struct drm_vsvm_prefetch *a)
{
	mock.prefetch = *a;
	if (a->flags || a->pad || a->reserved[0] || a->reserved[1] ||
	    a->pages_moved || !mock_range_ok(a->start, a->length) ||
	    (a->region != DRM_VSVM_REGION_SYSTEM &&
	     a->region != DRM_VSVM_REGION_VRAM))
		return -EINVAL;
	if (a->vm_id != MOCK_VM_ID)
		return -ENOENT;
	a->pages_moved = MOCK_PAGES_MOVED;
	return 0;
}

static int mock_residency_ioctl(struct drm_vsvm_residency *a)
{
	uint8_t *out = (uint8_t *)(uintptr_t)a->data;
	uint64_t i;

	mock.residency = *a;
	if (a->flags || a->reserved[0] || a->reserved[1] || !a->npages ||
	    a->npages > MOCK_MAX_RESIDENCY ||
	    !mock_range_ok(a->start, a->npages * MOCK_PAGE))
		return -EINVAL;
	if (a->vm_id != MOCK_VM_ID)
		return -ENOENT;
	if (!out)
		return -EFAULT;
	for (i = 0; i < a->npages; i++)
		out[i] = mock_residency(a->start + i * MOCK_PAGE);
	return 0;
}

static int mock_madvise(struct drm_vsvm_madvise *a)
{
	mock.madvise = *a;
	if (a->reserved[0] || a->reserved[1] ||
	    !mock_range_ok(a->start, a->length))
		return -EINVAL;
	switch (a->attr) {
	case DRM_VSVM_ATTR_PREFERRED_LOC:
		if (a->value > DRM_VSVM_REGION_VRAM)
			return -EINVAL;
		break;
	case DRM_VSVM_ATTR_GRANULARITY:
		if (a->value && a->value != 4096 && a->value != 65536 &&
		    a->value != 2097152)
			return -EINVAL;
		break;
	case DRM_VSVM_ATTR_GPU_ACCESS:
		if (a->value > DRM_VSVM_GPU_ACCESS_READ)
			return -EINVAL;
		break;
	case DRM_VSVM_ATTR_ATOMIC:
		if (a->value > DRM_VSVM_ATOMIC_VRAM)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	return a->vm_id == MOCK_VM_ID ? 0 : -ENOENT;
}

static int mock_attr_query(struct drm_vsvm_attr_query *a)
{
	mock.attr_query = *a;
	if (a->pad || a->reserved[0] || a->reserved[1] ||
	    a->value || a->start || a->end ||
	    a->addr >= MOCK_TASK_SIZE || !a->attr ||
	    a->attr > DRM_VSVM_ATTR_ATOMIC)
		return -EINVAL;
	if (a->vm_id != MOCK_VM_ID)
		return -ENOENT;
	a->value = a->attr == DRM_VSVM_ATTR_GRANULARITY ? 65536 :
			      DRM_VSVM_REGION_VRAM;
	a->start = a->addr & ~0xfffffull;
	a->end = a->start + 0x300000;
	return 0;
}

int drmIoctl(int fd, unsigned long request, void *arg)
{
	int ret;

	(void)fd;
	mock.ioctls++;
	if (mock.error)
		ret = -mock.error;
	else if (request == DRM_IOCTL_VSVM_PREFETCH)
		ret = mock_prefetch(arg);
	else if (request == DRM_IOCTL_VSVM_RESIDENCY)
		ret = mock_residency_ioctl(arg);
	else if (request == DRM_IOCTL_VSVM_MADVISE)
		ret = mock_madvise(arg);
	else if (request == DRM_IOCTL_VSVM_ATTR_QUERY)
		ret = mock_attr_query(arg);
	else
		ret = -ENOTTY;

	if (ret) {
		errno = -ret;
		return -1;
	}
	return 0;
}

/*
 * Tests.
 */

static void test_prefetch(vsvm_device_handle dev)
{
	const uint64_t start = 0x00007f0012340000ull;
	uint64_t moved;

	mock_reset();
	moved = POISON;
	check_eq(vsvm_prefetch(dev, MOCK_VM_ID, start, 0x210000,
			       DRM_VSVM_REGION_VRAM, &moved), 0);
	check_eq(moved, MOCK_PAGES_MOVED);
	check_eq(mock.ioctls, 1);
	check_eq(mock.prefetch.vm_id, MOCK_VM_ID);
	check_eq(mock.prefetch.region, DRM_VSVM_REGION_VRAM);
	check_eq(mock.prefetch.start, start);
	check_eq(mock.prefetch.length, 0x210000);
	check_eq(mock.prefetch.flags, 0);
	check_eq(mock.prefetch.pad, 0);
	check_eq(mock.prefetch.pages_moved, 0);
	check_eq(mock.prefetch.reserved[0] | mock.prefetch.reserved[1], 0);

	/* To system memory; pages_moved may be NULL. */
	check_eq(vsvm_prefetch(dev, MOCK_VM_ID, start, 4096,
			       DRM_VSVM_REGION_SYSTEM, NULL), 0);
	check_eq(mock.prefetch.region, DRM_VSVM_REGION_SYSTEM);
	check_eq(mock.prefetch.length, 4096);

	/* Values reach the kernel unchanged; output only on success. */
	moved = 42;
	check_eq(vsvm_prefetch(dev, MOCK_VM_ID, start, 4096, 0, &moved),
		 -EINVAL);
	check_eq(mock.prefetch.region, 0);
	check_eq(vsvm_prefetch(dev, MOCK_VM_ID, start, 4096, 3, &moved),
		 -EINVAL);
	check_eq(mock.prefetch.region, 3);
	check_eq(vsvm_prefetch(dev, MOCK_VM_ID, start + 1, 4096,
			       DRM_VSVM_REGION_VRAM, &moved), -EINVAL);
	check_eq(mock.prefetch.start, start + 1);
	check_eq(vsvm_prefetch(dev, MOCK_VM_ID, start, 4097,
			       DRM_VSVM_REGION_VRAM, &moved), -EINVAL);
	check_eq(mock.prefetch.length, 4097);
	check_eq(vsvm_prefetch(dev, MOCK_VM_ID, start, 0,
			       DRM_VSVM_REGION_VRAM, &moved), -EINVAL);
	check_eq(mock.prefetch.length, 0);
	check_eq(vsvm_prefetch(dev, MOCK_VM_ID, MOCK_TASK_SIZE - 4096, 8192,
			       DRM_VSVM_REGION_VRAM, &moved), -EINVAL);
	check_eq(vsvm_prefetch(dev, 8, start, 4096, DRM_VSVM_REGION_VRAM,
			       &moved), -ENOENT);
	check_eq(mock.prefetch.vm_id, 8);
	mock.error = EACCES;
	check_eq(vsvm_prefetch(dev, MOCK_VM_ID, start, 4096,
			       DRM_VSVM_REGION_VRAM, &moved), -EACCES);
	mock.error = ENODEV;
	check_eq(vsvm_prefetch(dev, MOCK_VM_ID, start, 4096,
			       DRM_VSVM_REGION_VRAM, &moved), -ENODEV);
	mock.error = 0;
	check_eq(moved, 42);

	mock.ioctls = 0;
	check_eq(vsvm_prefetch(NULL, MOCK_VM_ID, start, 4096,
			       DRM_VSVM_REGION_VRAM, &moved), -EINVAL);
	check_eq(mock.ioctls, 0);
	check_eq(moved, 42);
}

static void test_residency(vsvm_device_handle dev)
{
	const uint64_t start = 0x00007f0012345000ull;
	uint8_t out[40];
	unsigned int i;

	mock_reset();
	memset(out, 0xa5, sizeof(out));
	check_eq(vsvm_residency(dev, MOCK_VM_ID, start, 32, out), 0);
	check_eq(mock.ioctls, 1);
	check_eq(mock.residency.vm_id, MOCK_VM_ID);
	check_eq(mock.residency.flags, 0);
	check_eq(mock.residency.start, start);
	check_eq(mock.residency.npages, 32);
	check_eq(mock.residency.data, (uintptr_t)out);
	check_eq(mock.residency.reserved[0] | mock.residency.reserved[1], 0);
	for (i = 0; i < 32; i++)
		check_eq(out[i], mock_residency(start + i * MOCK_PAGE));
	/* Nothing written beyond npages. */
	for (i = 32; i < sizeof(out); i++)
		check_eq(out[i], 0xa5);

	/* npages and start go to the kernel as they are. */
	memset(out, 0xa5, sizeof(out));
	check_eq(vsvm_residency(dev, MOCK_VM_ID, start, 0, out), -EINVAL);
	check_eq(mock.residency.npages, 0);
	check_eq(vsvm_residency(dev, MOCK_VM_ID, start,
				MOCK_MAX_RESIDENCY + 1, out), -EINVAL);
	check_eq(mock.residency.npages, MOCK_MAX_RESIDENCY + 1);
	check_eq(vsvm_residency(dev, MOCK_VM_ID, start + 8, 1, out), -EINVAL);
	check_eq(mock.residency.start, start + 8);
	check_eq(vsvm_residency(dev, 9, start, 1, out), -ENOENT);
	check_eq(mock.residency.vm_id, 9);
	mock.error = EACCES;
	check_eq(vsvm_residency(dev, MOCK_VM_ID, start, 1, out), -EACCES);
	mock.error = 0;
	for (i = 0; i < sizeof(out); i++)
		check_eq(out[i], 0xa5);

	mock.ioctls = 0;
	check_eq(vsvm_residency(dev, MOCK_VM_ID, start, 1, NULL), -EINVAL);
	check_eq(vsvm_residency(NULL, MOCK_VM_ID, start, 1, out), -EINVAL);
	check_eq(mock.ioctls, 0);
}

static void test_madvise(vsvm_device_handle dev)
{
	const uint64_t start = 0x00007f0000200000ull;

	mock_reset();
	check_eq(vsvm_madvise(dev, MOCK_VM_ID, start, 0x400000,
			      DRM_VSVM_ATTR_PREFERRED_LOC,
			      DRM_VSVM_REGION_VRAM), 0);
	check_eq(mock.ioctls, 1);
	check_eq(mock.madvise.vm_id, MOCK_VM_ID);
	check_eq(mock.madvise.attr, DRM_VSVM_ATTR_PREFERRED_LOC);
	check_eq(mock.madvise.start, start);
	check_eq(mock.madvise.length, 0x400000);
	check_eq(mock.madvise.value, DRM_VSVM_REGION_VRAM);
	check_eq(mock.madvise.reserved[0] | mock.madvise.reserved[1], 0);

	/* 64-bit values pass unchanged. */
	check_eq(vsvm_madvise(dev, MOCK_VM_ID, start, 4096,
			      DRM_VSVM_ATTR_GRANULARITY, 2097152), 0);
	check_eq(mock.madvise.attr, DRM_VSVM_ATTR_GRANULARITY);
	check_eq(mock.madvise.value, 2097152);
	check_eq(vsvm_madvise(dev, MOCK_VM_ID, start, 4096,
			      DRM_VSVM_ATTR_GRANULARITY,
			      0x100000000ull | 4096), -EINVAL);
	check_eq(mock.madvise.value, 0x100000000ull | 4096);
	check_eq(vsvm_madvise(dev, MOCK_VM_ID, start, 4096,
			      DRM_VSVM_ATTR_GPU_ACCESS,
			      DRM_VSVM_GPU_ACCESS_READ), 0);
	check_eq(mock.madvise.attr, DRM_VSVM_ATTR_GPU_ACCESS);
	check_eq(mock.madvise.value, DRM_VSVM_GPU_ACCESS_READ);
	check_eq(vsvm_madvise(dev, MOCK_VM_ID, start, 4096,
			      DRM_VSVM_ATTR_ATOMIC, DRM_VSVM_ATOMIC_VRAM), 0);
	check_eq(mock.madvise.attr, DRM_VSVM_ATTR_ATOMIC);
	check_eq(mock.madvise.value, DRM_VSVM_ATOMIC_VRAM);
	check_eq(vsvm_madvise(dev, MOCK_VM_ID, start, 4096, 5, 0), -EINVAL);
	check_eq(mock.madvise.attr, 5);
	check_eq(vsvm_madvise(dev, MOCK_VM_ID, start, 4096,
			      DRM_VSVM_ATTR_PREFERRED_LOC, 3), -EINVAL);
	check_eq(vsvm_madvise(dev, MOCK_VM_ID, start + 4, 4096,
			      DRM_VSVM_ATTR_PREFERRED_LOC, 0), -EINVAL);
	check_eq(mock.madvise.start, start + 4);
	check_eq(vsvm_madvise(dev, MOCK_VM_ID, start, 0,
			      DRM_VSVM_ATTR_PREFERRED_LOC, 0), -EINVAL);
	check_eq(vsvm_madvise(dev, 8, start, 4096,
			      DRM_VSVM_ATTR_PREFERRED_LOC, 0), -ENOENT);
	check_eq(mock.madvise.vm_id, 8);
	mock.error = ENOMEM;
	check_eq(vsvm_madvise(dev, MOCK_VM_ID, start, 4096,
			      DRM_VSVM_ATTR_PREFERRED_LOC, 0), -ENOMEM);
	mock.error = 0;

	mock.ioctls = 0;
	check_eq(vsvm_madvise(NULL, MOCK_VM_ID, start, 4096,
			      DRM_VSVM_ATTR_PREFERRED_LOC, 0), -EINVAL);
	check_eq(mock.ioctls, 0);
}

static void test_attr_query(vsvm_device_handle dev)
{
	const uint64_t a = 0x00007f0000345678ull;
	uint64_t value, start, end;

	mock_reset();
	value = start = end = POISON;
	check_eq(vsvm_attr_query(dev, MOCK_VM_ID, DRM_VSVM_ATTR_GRANULARITY,
				 a, &value, &start, &end), 0);
	check_eq(mock.ioctls, 1);
	check_eq(mock.attr_query.vm_id, MOCK_VM_ID);
	check_eq(mock.attr_query.attr, DRM_VSVM_ATTR_GRANULARITY);
	check_eq(mock.attr_query.addr, a);
	check_eq(mock.attr_query.value, 0);
	check_eq(mock.attr_query.start, 0);
	check_eq(mock.attr_query.end, 0);
	check_eq(mock.attr_query.pad, 0);
	check_eq(mock.attr_query.reserved[0] | mock.attr_query.reserved[1],
		 0);
	check_eq(value, 65536);
	check_eq(start, 0x00007f0000300000ull);
	check_eq(end, 0x00007f0000600000ull);

	/* start and end may be NULL. */
	value = POISON;
	check_eq(vsvm_attr_query(dev, MOCK_VM_ID, DRM_VSVM_ATTR_PREFERRED_LOC,
				 a, &value, NULL, NULL), 0);
	check_eq(mock.attr_query.attr, DRM_VSVM_ATTR_PREFERRED_LOC);
	check_eq(value, DRM_VSVM_REGION_VRAM);
	start = POISON;
	check_eq(vsvm_attr_query(dev, MOCK_VM_ID, DRM_VSVM_ATTR_PREFERRED_LOC,
				 a, &value, &start, NULL), 0);
	check_eq(start, 0x00007f0000300000ull);
	end = POISON;
	check_eq(vsvm_attr_query(dev, MOCK_VM_ID, DRM_VSVM_ATTR_PREFERRED_LOC,
				 a, &value, NULL, &end), 0);
	check_eq(end, 0x00007f0000600000ull);

	/* Errors: nothing written. */
	value = start = end = POISON;
	check_eq(vsvm_attr_query(dev, MOCK_VM_ID, 0, a, &value, &start, &end),
		 -EINVAL);
	check_eq(mock.attr_query.attr, 0);
	check_eq(vsvm_attr_query(dev, MOCK_VM_ID, 5, a, &value, &start, &end),
		 -EINVAL);
	check_eq(mock.attr_query.attr, 5);
	check_eq(vsvm_attr_query(dev, MOCK_VM_ID, DRM_VSVM_ATTR_GRANULARITY,
				 MOCK_TASK_SIZE, &value, &start, &end),
		 -EINVAL);
	check_eq(mock.attr_query.addr, MOCK_TASK_SIZE);
	check_eq(vsvm_attr_query(dev, 8, DRM_VSVM_ATTR_GRANULARITY, a, &value,
				 &start, &end), -ENOENT);
	check_eq(mock.attr_query.vm_id, 8);
	check_eq(value, POISON);
	check_eq(start, POISON);
	check_eq(end, POISON);

	mock.ioctls = 0;
	check_eq(vsvm_attr_query(dev, MOCK_VM_ID, DRM_VSVM_ATTR_GRANULARITY,
				 a, NULL, &start, &end), -EINVAL);
	check_eq(vsvm_attr_query(NULL, MOCK_VM_ID, DRM_VSVM_ATTR_GRANULARITY,
				 a, &value, &start, &end), -EINVAL);
	check_eq(mock.ioctls, 0);
	check_eq(start, POISON);
}

int main(void)
{
	vsvm_device_handle dev = NULL;

	check_eq(vsvm_device_open("/dev/null", &dev), 0);
	if (!dev) {
		fprintf(stderr, "cannot open the mock device\n");
		return 1;
	}

	test_prefetch(dev);
	test_residency(dev);
	test_madvise(dev);
	test_attr_query(dev);

	vsvm_device_close(dev);

	if (failures) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}

	printf("all checks passed\n");
	return 0;
}
