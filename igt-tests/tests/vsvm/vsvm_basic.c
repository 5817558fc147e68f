// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "igt.h"
#include "igt_sizes.h"
#include "igt_syncobj.h"
#include "igt_vsvm.h"
#include "vsvm_drm.h"

IGT_TEST_DESCRIPTION("Basic checks of the vsvm uapi: the device query, its "
		     "input validation, and DRM syncobjs on a vsvm render node.");

/* Feature bits defined by the uapi (0.2: SVM, 0.3: VRAM). */
#define VSVM_KNOWN_FEATURES	(DRM_VSVM_FEATURE_SVM | DRM_VSVM_FEATURE_VRAM | \
				 DRM_VSVM_FEATURE_DISPATCH)

#define VSVM_KNOWN_PAGE_SIZES	(DRM_VSVM_PAGE_SIZE_4K | \
				 DRM_VSVM_PAGE_SIZE_64K | \
				 DRM_VSVM_PAGE_SIZE_2M)

/* Fill byte of buffers the kernel must not write. */
#define POISON			0xa5

/* Room left after the answer in the query-larger-buffer subtest. */
#define EXTRA_BYTES		64

/* A timeout long enough to never expire on a signaled syncobj. */
#define LONG_TIMEOUT_NS		(5ull * NSEC_PER_SEC)
/* A timeout to make waits on unsignaled syncobjs fail quickly. */
#define SHORT_TIMEOUT_NS	(10ull * 1000 * 1000)

static uint64_t abs_timeout(uint64_t rel_ns)
{
	struct timespec ts;

	igt_assert_eq(clock_gettime(CLOCK_MONOTONIC, &ts), 0);

	return (uint64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec + rel_ns;
}

static bool all_bytes(const void *p, uint8_t byte, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i] != byte)
			return false;

	return true;
}

/* A valid device query writing into @buf, which holds @size bytes. */
static void query_init(struct drm_vsvm_query *q, void *buf, uint32_t size)
{
	memset(q, 0, sizeof(*q));
	q->query = DRM_VSVM_QUERY_DEVICE;
	q->size = size;
	q->data = to_user_pointer(buf);
}

/*
 * Issues @q, which must fail with @err, and checks that nothing was written
 * back: neither the query structure nor, when @buf is given, the @len bytes
 * of the (poisoned) buffer.
 */
static void assert_query_fails(int fd, struct drm_vsvm_query *q, int err,
			       const void *buf, size_t len)
{
	struct drm_vsvm_query before = *q;

	igt_assert_eq(__vsvm_query(fd, q), err);
	igt_assert_f(!memcmp(&before, q, sizeof(before)),
		     "the query was written back although it failed\n");
	if (buf)
		igt_assert_f(all_bytes(buf, POISON, len),
			     "the answer was written although the query failed\n");
}

/*
 * Checks that the query in @q, unmodified but for the fields a subtest made
 * invalid, succeeds once they are restored: the failure was caused by them.
 */
static void assert_query_ok(int fd, struct drm_vsvm_query *q)
{
	igt_assert_eq(__vsvm_query(fd, q), 0);
	igt_assert_eq_u32(q->size, sizeof(struct drm_vsvm_query_device));
}

static void test_query_device(int fd)
{
	struct drm_vsvm_query_device dev;

	memset(&dev, POISON, sizeof(dev));
	vsvm_query_device(fd, &dev);

	igt_info("vsvm uapi %u.%u, %u engine(s), %llu MiB VRAM, page sizes %#llx, %u VA bits, features %#x\n",
		 dev.uapi_major, dev.uapi_minor, dev.num_engines,
		 (unsigned long long)(dev.vram_size >> 20),
		 (unsigned long long)dev.page_sizes, dev.va_bits,
		 dev.features);

	igt_assert_eq(dev.uapi_major, VSVM_UAPI_MAJOR);
	igt_assert_lte(VSVM_UAPI_MINOR, dev.uapi_minor);

	igt_assert_lte(1, dev.num_engines);

	/* VRAM exactly when the feature says so (none on a stock kernel) */
	igt_assert_eq(!!dev.vram_size, !!(dev.features & DRM_VSVM_FEATURE_VRAM));
	igt_assert_eq_u64(dev.vram_size % SZ_2M, 0);

	igt_assert(dev.page_sizes & DRM_VSVM_PAGE_SIZE_4K);
	igt_assert(dev.page_sizes & DRM_VSVM_PAGE_SIZE_2M);
	igt_assert_eq_u64(dev.page_sizes & ~VSVM_KNOWN_PAGE_SIZES, 0);

	igt_assert_eq(dev.va_bits, 48);

	igt_assert_eq_u32(dev.features & ~VSVM_KNOWN_FEATURES, 0);
	/* From uapi 0.2 on, the device is an SVM device. */
	if (dev.uapi_minor >= 2)
		igt_assert(dev.features & DRM_VSVM_FEATURE_SVM);

	igt_assert_eq_u64(dev.reserved, 0);
}

static void test_query_size(int fd)
{
	struct drm_vsvm_query_device dev;
	struct drm_vsvm_query q;

	memset(&dev, POISON, sizeof(dev));
	query_init(&q, &dev, 0);

	igt_assert_eq(__vsvm_query(fd, &q), 0);
	igt_assert_eq_u32(q.size, sizeof(dev));
	igt_assert_f(all_bytes(&dev, POISON, sizeof(dev)),
		     "a size query wrote the answer\n");

	/* Only size is an output. */
	igt_assert_eq_u64(q.extensions, 0);
	igt_assert_eq_u32(q.query, DRM_VSVM_QUERY_DEVICE);
	igt_assert_eq_u64(q.data, to_user_pointer(&dev));
	igt_assert_eq_u32(q.flags, 0);
	igt_assert_eq_u32(q.pad, 0);
	for (unsigned int i = 0; i < ARRAY_SIZE(q.reserved); i++)
		igt_assert_eq_u64(q.reserved[i], 0);

	/* The size returned is enough for the query to succeed. */
	assert_query_ok(fd, &q);
}

static void test_query_larger_buffer(int fd)
{
	const size_t answer = sizeof(struct drm_vsvm_query_device);
	uint8_t buf[sizeof(struct drm_vsvm_query_device) + EXTRA_BYTES];
	struct drm_vsvm_query_device ref;
	struct drm_vsvm_query q;

	vsvm_query_device(fd, &ref);

	memset(buf, POISON, sizeof(buf));
	query_init(&q, buf, sizeof(buf));

	igt_assert_eq(__vsvm_query(fd, &q), 0);
	igt_assert_eq_u32(q.size, answer);
	igt_assert_f(!memcmp(buf, &ref, answer),
		     "the answer differs from the one in a buffer of its size\n");
	igt_assert_f(all_bytes(buf + answer, POISON, sizeof(buf) - answer),
		     "bytes after the answer were written\n");
}

static void test_query_bad_extensions(int fd)
{
	static const uint64_t bad[] = { 1, 0x1000, ~0ull };
	/* Even a pointer to a zeroed, would-be extension is refused. */
	uint64_t zeroed_ext[4] = { 0 };
	struct drm_vsvm_query_device dev;
	struct drm_vsvm_query q;

	memset(&dev, POISON, sizeof(dev));
	for (unsigned int i = 0; i <= ARRAY_SIZE(bad); i++) {
		query_init(&q, &dev, sizeof(dev));
		q.extensions = i < ARRAY_SIZE(bad) ?
			bad[i] : to_user_pointer(zeroed_ext);
		assert_query_fails(fd, &q, -EINVAL, &dev, sizeof(dev));
	}

	q.extensions = 0;
	assert_query_ok(fd, &q);
}

static void test_query_bad_flags(int fd)
{
	struct drm_vsvm_query_device dev;
	struct drm_vsvm_query q;

	memset(&dev, POISON, sizeof(dev));
	for (int bit = 0; bit < 32; bit++) {
		query_init(&q, &dev, sizeof(dev));
		q.flags = 1u << bit;
		assert_query_fails(fd, &q, -EINVAL, &dev, sizeof(dev));
	}

	query_init(&q, &dev, sizeof(dev));
	q.flags = ~0u;
	assert_query_fails(fd, &q, -EINVAL, &dev, sizeof(dev));

	q.flags = 0;
	assert_query_ok(fd, &q);
}

static void test_query_bad_pad(int fd)
{
	static const uint32_t bad[] = { 1, 0x80000000u, ~0u };
	struct drm_vsvm_query_device dev;
	struct drm_vsvm_query q;

	memset(&dev, POISON, sizeof(dev));
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		query_init(&q, &dev, sizeof(dev));
		q.pad = bad[i];
		assert_query_fails(fd, &q, -EINVAL, &dev, sizeof(dev));
	}

	q.pad = 0;
	assert_query_ok(fd, &q);
}

static void test_query_bad_reserved(int fd)
{
	static const uint64_t bad[] = { 1, 1ull << 63 };
	struct drm_vsvm_query_device dev;
	struct drm_vsvm_query q;

	memset(&dev, POISON, sizeof(dev));
	for (unsigned int r = 0; r < ARRAY_SIZE(q.reserved); r++) {
		for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
			query_init(&q, &dev, sizeof(dev));
			q.reserved[r] = bad[i];
			assert_query_fails(fd, &q, -EINVAL, &dev, sizeof(dev));
		}

		q.reserved[r] = 0;
		assert_query_ok(fd, &q);
		memset(&dev, POISON, sizeof(dev));
	}
}

static void test_query_bad_id(int fd)
{
	static const uint32_t bad[] = { 0, 0xffff };
	struct drm_vsvm_query_device dev;
	struct drm_vsvm_query q;

	memset(&dev, POISON, sizeof(dev));
	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		query_init(&q, &dev, sizeof(dev));
		q.query = bad[i];
		assert_query_fails(fd, &q, -EINVAL, &dev, sizeof(dev));

		/* Asking for the size of an unknown query fails as well. */
		q.size = 0;
		assert_query_fails(fd, &q, -EINVAL, &dev, sizeof(dev));
	}

	query_init(&q, &dev, sizeof(dev));
	assert_query_ok(fd, &q);
}

static void test_query_short_size(int fd)
{
	struct drm_vsvm_query_device dev;
	struct drm_vsvm_query q;

	memset(&dev, POISON, sizeof(dev));
	query_init(&q, &dev, sizeof(dev) - 1);
	assert_query_fails(fd, &q, -EINVAL, &dev, sizeof(dev));

	query_init(&q, &dev, sizeof(dev));
	assert_query_ok(fd, &q);
}

static void test_query_bad_pointer(int fd)
{
	const size_t len = sizeof(struct drm_vsvm_query_device);
	long page_size = sysconf(_SC_PAGESIZE);
	struct drm_vsvm_query q;
	void *unmapped, *ro;

	igt_assert_lt(0, page_size);

	/* NULL. */
	query_init(&q, NULL, len);
	assert_query_fails(fd, &q, -EFAULT, NULL, 0);

	/* An address that was just unmapped. */
	unmapped = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(unmapped != MAP_FAILED);
	igt_assert_eq(munmap(unmapped, page_size), 0);
	query_init(&q, unmapped, len);
	assert_query_fails(fd, &q, -EFAULT, NULL, 0);

	/* Mapped, but read-only: the answer cannot be written. */
	ro = mmap(NULL, page_size, PROT_READ,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(ro != MAP_FAILED);
	query_init(&q, ro, len);
	assert_query_fails(fd, &q, -EFAULT, NULL, 0);
	igt_assert(all_bytes(ro, 0, len));
	igt_assert_eq(munmap(ro, page_size), 0);
}

static void test_bad_ioctl(int fd)
{
	const unsigned long bad_ioctl =
		DRM_IOWR(DRM_COMMAND_BASE + 0x3f, struct drm_vsvm_query);
	struct drm_vsvm_query_device dev;
	struct drm_vsvm_query q;

	memset(&dev, POISON, sizeof(dev));
	query_init(&q, &dev, sizeof(dev));

	igt_assert_eq(igt_ioctl(fd, bad_ioctl, &q), -1);
	igt_assert_eq(errno, EINVAL);
	errno = 0;
	igt_assert(all_bytes(&dev, POISON, sizeof(dev)));
}

static void test_driver_name(int fd)
{
	drmVersionPtr version = drmGetVersion(fd);

	igt_assert(version);
	igt_info("driver %s %d.%d.%d (%s)\n", version->name,
		 version->version_major, version->version_minor,
		 version->version_patchlevel, version->desc);
	igt_assert_f(version->name && !strcmp(version->name, VSVM_DRIVER_NAME),
		     "driver name is \"%s\", not \"" VSVM_DRIVER_NAME "\"\n",
		     version->name ?: "(null)");
	drmFreeVersion(version);
}

/* The vsvm uapi promises binary and timeline syncobjs. */
static void assert_syncobj_caps(int fd, uint64_t cap, const char *name)
{
	uint64_t value = 0;

	igt_assert_f(drmGetCap(fd, cap, &value) == 0 && value,
		     "%s not supported\n", name);
}

static void test_syncobj_binary(int fd)
{
	uint32_t handle;

	assert_syncobj_caps(fd, DRM_CAP_SYNCOBJ, "DRM_CAP_SYNCOBJ");

	handle = syncobj_create(fd, 0);
	syncobj_signal(fd, &handle, 1);
	igt_assert(syncobj_wait(fd, &handle, 1, abs_timeout(LONG_TIMEOUT_NS),
				0, NULL));
	syncobj_destroy(fd, handle);
}

static void test_syncobj_timeline(int fd)
{
	uint64_t point = 3, queried = 0, later = 4;
	uint32_t handle;

	assert_syncobj_caps(fd, DRM_CAP_SYNCOBJ_TIMELINE,
			    "DRM_CAP_SYNCOBJ_TIMELINE");

	handle = syncobj_create(fd, 0);
	syncobj_timeline_signal(fd, &handle, &point, 1);

	syncobj_timeline_query(fd, &handle, &queried, 1);
	igt_assert_eq_u64(queried, 3);

	igt_assert(syncobj_timeline_wait(fd, &handle, &point, 1,
					 abs_timeout(LONG_TIMEOUT_NS), 0,
					 NULL));

	/*
	 * Nothing was submitted for point 4: without WAIT_FOR_SUBMIT the DRM
	 * core refuses the wait with -EINVAL, with it the wait times out.
	 */
	igt_assert_eq(syncobj_timeline_wait_err(fd, &handle, &later, 1,
						abs_timeout(SHORT_TIMEOUT_NS),
						DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT),
		      -ETIME);

	syncobj_destroy(fd, handle);
}

static void test_syncobj_wait_unsignaled(int fd)
{
	uint32_t handle;

	assert_syncobj_caps(fd, DRM_CAP_SYNCOBJ, "DRM_CAP_SYNCOBJ");

	handle = syncobj_create(fd, 0);

	/* A syncobj without a fence cannot be waited on... */
	igt_assert_eq(syncobj_wait_err(fd, &handle, 1,
				       abs_timeout(SHORT_TIMEOUT_NS), 0),
		      -EINVAL);
	/* ... unless waiting for a submission too, which times out. */
	igt_assert_eq(syncobj_wait_err(fd, &handle, 1,
				       abs_timeout(SHORT_TIMEOUT_NS),
				       DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT),
		      -ETIME);

	syncobj_destroy(fd, handle);
}

igt_main
{
	int fd = -1;

	igt_fixture
		fd = drm_open_vsvm_render();

	igt_describe("Check that the render node belongs to the vsvm driver.");
	igt_subtest("driver-name")
		test_driver_name(fd);

	igt_describe("Check the device query's answer: uapi version, engines, "
		     "VRAM, page sizes, VA width, features and reserved fields.");
	igt_subtest("query-device")
		test_query_device(fd);

	igt_describe("Check that a query with size 0 returns the size of the "
		     "answer without writing it.");
	igt_subtest("query-size")
		test_query_size(fd);

	igt_describe("Check that a buffer larger than the answer gets the "
		     "answer, the size written back, and an untouched tail.");
	igt_subtest("query-larger-buffer")
		test_query_larger_buffer(fd);

	igt_describe("Check that a query with extensions is refused, as none "
		     "is defined.");
	igt_subtest("query-bad-extensions")
		test_query_bad_extensions(fd);

	igt_describe("Check that a query with any flag set is refused, as none "
		     "is defined.");
	igt_subtest("query-bad-flags")
		test_query_bad_flags(fd);

	igt_describe("Check that a query with non-zero padding is refused.");
	igt_subtest("query-bad-pad")
		test_query_bad_pad(fd);

	igt_describe("Check that a query with any non-zero reserved field is "
		     "refused.");
	igt_subtest("query-bad-reserved")
		test_query_bad_reserved(fd);

	igt_describe("Check that unknown queries, including 0, are refused.");
	igt_subtest("query-bad-id")
		test_query_bad_id(fd);

	igt_describe("Check that a buffer smaller than the answer is refused.");
	igt_subtest("query-short-size")
		test_query_short_size(fd);

	igt_describe("Check that an answer buffer that cannot be written "
		     "fails the query with EFAULT.");
	igt_subtest("query-bad-pointer")
		test_query_bad_pointer(fd);

	igt_describe("Check that an ioctl number the driver does not define "
		     "is refused.");
	igt_subtest("bad-ioctl")
		test_bad_ioctl(fd);

	igt_describe("Check binary syncobjs on the device: create, signal, "
		     "wait, destroy.");
	igt_subtest("syncobj-binary")
		test_syncobj_binary(fd);

	igt_describe("Check timeline syncobjs on the device: a signaled point "
		     "can be waited on, a later one times out.");
	igt_subtest("syncobj-timeline")
		test_syncobj_timeline(fd);

	igt_describe("Check that waiting on an unsignaled syncobj times out.");
	igt_subtest("syncobj-wait-unsignaled")
		test_syncobj_wait_unsignaled(fd);

	igt_fixture
		close(fd);
}
