/* SPDX-License-Identifier: MIT */
/*
 * Checks shared by libdrm_vsvm's tests: each failed check prints where and
 * what, and counts in failures; a test exits non-zero when failures > 0.
 */
#ifndef VSVM_TESTS_CHECK_H
#define VSVM_TESTS_CHECK_H

#include <stdio.h>
#include <string.h>

static int failures;

#define check_eq(expr, expected) do {					\
	unsigned long long got_ = (unsigned long long)(expr);		\
	unsigned long long want_ = (unsigned long long)(expected);	\
	if (got_ != want_) {						\
		fprintf(stderr, "%s:%d: %s = %#llx (%lld), expected %#llx (%lld)\n", \
			__FILE__, __LINE__, #expr, got_, (long long)got_, \
			want_, (long long)want_);			\
		failures++;						\
	}								\
} while (0)

#define check(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: %s is false\n",			\
			__FILE__, __LINE__, #cond);			\
		failures++;						\
	}								\
} while (0)

#define check_bytes(p, q, size) do {					\
	if (memcmp((p), (q), (size))) {					\
		fprintf(stderr, "%s:%d: bytes of %s differ from %s\n",	\
			__FILE__, __LINE__, #p, #q);			\
		failures++;						\
	}								\
} while (0)

#endif /* VSVM_TESTS_CHECK_H */
