// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * SECTION:igt_vsvm_vram
 * @short_description: vsvm VRAM and migration helpers
 * @title: vsvm VRAM
 * @include: igt_vsvm_vram.h
 *
 * Helpers for the tests of vsvm's device memory: migrating ranges between
 * system memory and VRAM (DRM_IOCTL_VSVM_PREFETCH), reading where pages
 * live (DRM_IOCTL_VSVM_RESIDENCY), and setting and reading memory
 * attributes (DRM_IOCTL_VSVM_MADVISE, DRM_IOCTL_VSVM_ATTR_QUERY). As in
 * igt_vsvm, a __ helper returns 0 or -errno and leaves the checking to the
 * caller, while the plain helper asserts success.
 *
 * The device-wide VRAM_PAGES counter drops when the last page of a VRAM
 * block is freed, which the driver finishes in a worker:
 * vsvm_vram_pages_wait() polls for it.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "drmtest.h"
#include "igt_core.h"
#include "ioctl_wrappers.h"
#include "igt_vsvm.h"
#include "igt_vsvm_vram.h"

static int vsvm_ioctl(int fd, unsigned long request, void *arg)
{
	int err = 0;

	if (igt_ioctl(fd, request, arg)) {
		err = -errno;
		errno = 0;
	}

	return err;
}

/**
 * vsvm_has_vram:
 * @fd: a vsvm DRM file descriptor
 *
 * Returns: whether the device has VRAM: DRM_VSVM_FEATURE_VRAM is reported
 * with a non-zero vram_size.
 */
bool vsvm_has_vram(int fd)
{
	struct drm_vsvm_query_device dev;

	vsvm_query_device(fd, &dev);

	return (dev.features & DRM_VSVM_FEATURE_VRAM) && dev.vram_size;
}

/**
 * vsvm_vram_size:
 * @fd: a vsvm DRM file descriptor
 *
 * Returns: the size of the device's VRAM in bytes, as DRM_VSVM_QUERY_DEVICE
 * reports it.
 */
uint64_t vsvm_vram_size(int fd)
{
	struct drm_vsvm_query_device dev;

	vsvm_query_device(fd, &dev);

	return dev.vram_size;
}

/**
 * __vsvm_prefetch:
 * @fd: a vsvm DRM file descriptor
 * @prefetch: the request, passed to the kernel as is
 *
 * Issues DRM_IOCTL_VSVM_PREFETCH.
 *
 * Returns: 0 on success, or -errno.
 */
int __vsvm_prefetch(int fd, struct drm_vsvm_prefetch *prefetch)
{
	return vsvm_ioctl(fd, DRM_IOCTL_VSVM_PREFETCH, prefetch);
}

/**
 * vsvm_prefetch:
 * @fd: a vsvm DRM file descriptor
 * @vm_id: the VM
 * @start: first address, page aligned
 * @length: length in bytes, page aligned
 * @region: DRM_VSVM_REGION_VRAM or DRM_VSVM_REGION_SYSTEM
 *
 * Migrates [@start, @start + @length) to @region, asserting success.
 *
 * Returns: the number of 4 KiB pages that moved.
 */
uint64_t vsvm_prefetch(int fd, uint32_t vm_id, uint64_t start,
		       uint64_t length, uint32_t region)
{
	struct drm_vsvm_prefetch prefetch = {
		.vm_id = vm_id,
		.region = region,
		.start = start,
		.length = length,
	};

	igt_assert_eq(__vsvm_prefetch(fd, &prefetch), 0);
	if (region == DRM_VSVM_REGION_VRAM)
		igt_assert_lte_u64(prefetch.pages_moved, length / 4096);
	else	/* whole chunks (at most 2 MiB) come back, from uapi 0.5 */
		igt_assert_lte_u64(prefetch.pages_moved,
				   (ALIGN(start + length, 2ull << 20) -
				    (start & ~((2ull << 20) - 1))) / 4096);

	return prefetch.pages_moved;
}

/**
 * __vsvm_residency:
 * @fd: a vsvm DRM file descriptor
 * @residency: the request, passed to the kernel as is
 *
 * Issues DRM_IOCTL_VSVM_RESIDENCY.
 *
 * Returns: 0 on success, or -errno.
 */
int __vsvm_residency(int fd, struct drm_vsvm_residency *residency)
{
	return vsvm_ioctl(fd, DRM_IOCTL_VSVM_RESIDENCY, residency);
}

/**
 * vsvm_residency:
 * @fd: a vsvm DRM file descriptor
 * @vm_id: the VM
 * @start: first address, page aligned
 * @npages: number of 4 KiB pages, any number (split into several calls)
 * @out: @npages bytes, each set to a DRM_VSVM_RESIDENCY_* value
 *
 * Reads where each page of a range lives, asserting success and that every
 * value is a valid one (DRM_VSVM_RESIDENCY_PEER, from uapi 0.7, included:
 * a page in another vsvm device's VRAM).
 */
void vsvm_residency(int fd, uint32_t vm_id, uint64_t start, uint64_t npages,
		    uint8_t *out)
{
	while (npages) {
		uint64_t n = npages < VSVM_RESIDENCY_MAX_PAGES ?
			     npages : VSVM_RESIDENCY_MAX_PAGES;
		struct drm_vsvm_residency residency = {
			.vm_id = vm_id,
			.start = start,
			.npages = n,
			.data = to_user_pointer(out),
		};

		memset(out, 0, n);
		igt_assert_eq(__vsvm_residency(fd, &residency), 0);
		for (uint64_t i = 0; i < n; i++)
			igt_assert_f(out[i] >= DRM_VSVM_RESIDENCY_NONE &&
				     out[i] <= DRM_VSVM_RESIDENCY_PEER,
				     "residency of page %#llx is %u\n",
				     (unsigned long long)(start + i * 4096),
				     out[i]);
		start += n * 4096;
		out += n;
		npages -= n;
	}
}

/**
 * vsvm_residency_count:
 * @fd: a vsvm DRM file descriptor
 * @vm_id: the VM
 * @start: first address, page aligned
 * @npages: number of 4 KiB pages
 * @residency: a DRM_VSVM_RESIDENCY_* value
 *
 * Returns: how many pages of the range have residency @residency.
 */
uint64_t vsvm_residency_count(int fd, uint32_t vm_id, uint64_t start,
			      uint64_t npages, uint8_t residency)
{
	uint8_t *out = malloc(npages);
	uint64_t count = 0;

	igt_assert(out);
	vsvm_residency(fd, vm_id, start, npages, out);
	for (uint64_t i = 0; i < npages; i++)
		count += out[i] == residency;
	free(out);

	return count;
}

/**
 * vsvm_residency_name:
 * @residency: a DRM_VSVM_RESIDENCY_* value
 *
 * Returns: its name, for messages.
 */
const char *vsvm_residency_name(uint8_t residency)
{
	switch (residency) {
	case DRM_VSVM_RESIDENCY_NONE:
		return "none";
	case DRM_VSVM_RESIDENCY_SYSTEM:
		return "system";
	case DRM_VSVM_RESIDENCY_VRAM:
		return "vram";
	case DRM_VSVM_RESIDENCY_PEER:
		return "peer";
	default:
		return "invalid";
	}
}

/**
 * vsvm_assert_residency:
 * @fd: a vsvm DRM file descriptor
 * @vm_id: the VM
 * @ptr: first address, page aligned
 * @npages: number of 4 KiB pages
 * @residency: the DRM_VSVM_RESIDENCY_* value every page must have
 *
 * Asserts that every page of the range lives where @residency says,
 * reporting the first page that does not and how many do not.
 */
void vsvm_assert_residency(int fd, uint32_t vm_id, const void *ptr,
			   uint64_t npages, uint8_t residency)
{
	uint64_t start = to_user_pointer(ptr), bad = 0, first = 0;
	uint8_t *out = malloc(npages);

	igt_assert(out);
	vsvm_residency(fd, vm_id, start, npages, out);
	for (uint64_t i = npages; i-- > 0;) {
		if (out[i] != residency) {
			bad++;
			first = i;
		}
	}
	igt_assert_f(!bad,
		     "%llu of %llu pages at %#llx not in %s: page %llu is in %s\n",
		     (unsigned long long)bad, (unsigned long long)npages,
		     (unsigned long long)start, vsvm_residency_name(residency),
		     (unsigned long long)first,
		     vsvm_residency_name(out[first]));
	free(out);
}

/**
 * __vsvm_madvise:
 * @fd: a vsvm DRM file descriptor
 * @madvise: the request, passed to the kernel as is
 *
 * Issues DRM_IOCTL_VSVM_MADVISE.
 *
 * Returns: 0 on success, or -errno.
 */
int __vsvm_madvise(int fd, struct drm_vsvm_madvise *madvise)
{
	return vsvm_ioctl(fd, DRM_IOCTL_VSVM_MADVISE, madvise);
}

/**
 * vsvm_madvise:
 * @fd: a vsvm DRM file descriptor
 * @vm_id: the VM
 * @start: first address, page aligned
 * @length: length in bytes, page aligned
 * @attr: DRM_VSVM_ATTR_*
 * @value: the attribute's value
 *
 * Sets an attribute over a range, asserting success.
 */
void vsvm_madvise(int fd, uint32_t vm_id, uint64_t start, uint64_t length,
		  uint32_t attr, uint64_t value)
{
	struct drm_vsvm_madvise madvise = {
		.vm_id = vm_id,
		.attr = attr,
		.start = start,
		.length = length,
		.value = value,
	};

	igt_assert_eq(__vsvm_madvise(fd, &madvise), 0);
}

/**
 * __vsvm_attr_query:
 * @fd: a vsvm DRM file descriptor
 * @query: the request, passed to the kernel as is
 *
 * Issues DRM_IOCTL_VSVM_ATTR_QUERY.
 *
 * Returns: 0 on success, or -errno.
 */
int __vsvm_attr_query(int fd, struct drm_vsvm_attr_query *query)
{
	return vsvm_ioctl(fd, DRM_IOCTL_VSVM_ATTR_QUERY, query);
}

/**
 * vsvm_attr_query:
 * @fd: a vsvm DRM file descriptor
 * @vm_id: the VM
 * @attr: DRM_VSVM_ATTR_*
 * @addr: the address
 * @start: where the first address of the span with the same value is
 *	   written, or NULL
 * @end: where the end of that span is written, or NULL
 *
 * Reads an attribute at an address, asserting success and that the span
 * contains @addr.
 *
 * Returns: the attribute's value at @addr, 0 where unset.
 */
uint64_t vsvm_attr_query(int fd, uint32_t vm_id, uint32_t attr,
			 uint64_t addr, uint64_t *start, uint64_t *end)
{
	struct drm_vsvm_attr_query query = {
		.vm_id = vm_id,
		.attr = attr,
		.addr = addr,
	};

	igt_assert_eq(__vsvm_attr_query(fd, &query), 0);
	igt_assert_f(query.start <= addr && addr < query.end,
		     "attribute %u at %#llx: span [%#llx, %#llx) misses it\n",
		     attr, (unsigned long long)addr,
		     (unsigned long long)query.start,
		     (unsigned long long)query.end);
	if (start)
		*start = query.start;
	if (end)
		*end = query.end;

	return query.value;
}

/**
 * vsvm_device_stat:
 * @fd: a vsvm DRM file descriptor
 * @idx: a VSVM_STAT_* index
 *
 * Returns: the device-wide value of one counter, of @fd's device.
 */
uint64_t vsvm_device_stat(int fd, unsigned int idx)
{
	uint64_t values[VSVM_STAT_COUNT];

	igt_assert(idx < VSVM_STAT_COUNT);
	vsvm_stats(fd, 0, values);

	return values[idx];
}

/**
 * __vsvm_device_stat_by_name:
 * @fd: a vsvm DRM file descriptor
 * @name: a counter's name as the device's debugfs file vsvm_stats prints
 *	  it ("bytes_to_peer", say)
 * @value: where its value is written
 *
 * Reads one device-wide counter of @fd's device by its name, also one
 * that has no VSVM_STAT_* index. Needs root (debugfs): the test skips
 * otherwise.
 *
 * Returns: whether vsvm_stats has a line for @name.
 */
bool __vsvm_device_stat_by_name(int fd, const char *name, uint64_t *value)
{
	FILE *f = vsvm_debugfs_open_fd(fd, "vsvm_stats");
	size_t len = strlen(name);
	unsigned long long v;
	bool found = false;
	char line[128];

	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, name, len) || line[len] != ':' ||
		    sscanf(line + len + 1, "%llu", &v) != 1)
			continue;
		*value = v;
		found = true;
	}
	fclose(f);

	return found;
}

/**
 * vsvm_device_stat_by_name:
 * @fd: a vsvm DRM file descriptor
 * @name: a counter's name as vsvm_stats prints it
 *
 * Like __vsvm_device_stat_by_name(), asserting that the counter exists.
 *
 * Returns: the device-wide value of the counter.
 */
uint64_t vsvm_device_stat_by_name(int fd, const char *name)
{
	uint64_t value = 0;

	igt_assert_f(__vsvm_device_stat_by_name(fd, name, &value),
		     "no counter %s in the device's vsvm_stats\n", name);

	return value;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (ms % 1000) * 1000000l,
	};

	nanosleep(&ts, NULL);
}

/**
 * vsvm_vram_pages_settle:
 * @fd: a vsvm DRM file descriptor
 *
 * Waits (up to 10 s) until the device-wide VRAM_PAGES counter has not
 * changed for 100 ms: blocks freed earlier are back in the allocator.
 *
 * Returns: the settled value, a baseline for the pages in use.
 */
uint64_t vsvm_vram_pages_settle(int fd)
{
	uint64_t end = vsvm_gettime_ns() + 10ull * NSEC_PER_SEC;
	uint64_t last = vsvm_device_stat(fd, VSVM_STAT_VRAM_PAGES);
	unsigned int stable = 0;

	while (stable < 5 && vsvm_gettime_ns() < end) {
		uint64_t now;

		sleep_ms(20);
		now = vsvm_device_stat(fd, VSVM_STAT_VRAM_PAGES);
		stable = now == last ? stable + 1 : 0;
		last = now;
	}

	return last;
}

/**
 * vsvm_vram_pages_wait:
 * @fd: a vsvm DRM file descriptor
 * @pages: the value to wait for
 * @timeout_ns: how long to wait at most
 *
 * Polls the device-wide VRAM_PAGES counter until it is at most @pages
 * (memory that was in VRAM before may have been evicted meanwhile).
 *
 * Returns: true when it got there in time; false otherwise, with the last
 * value logged.
 */
bool vsvm_vram_pages_wait(int fd, uint64_t pages, uint64_t timeout_ns)
{
	uint64_t end = vsvm_gettime_ns() + timeout_ns;
	uint64_t now;

	for (;;) {
		now = vsvm_device_stat(fd, VSVM_STAT_VRAM_PAGES);
		if (now <= pages)
			return true;
		if (vsvm_gettime_ns() >= end)
			break;
		sleep_ms(10);
	}
	igt_info("VRAM_PAGES is %llu, expected %llu\n",
		 (unsigned long long)now, (unsigned long long)pages);

	return false;
}
