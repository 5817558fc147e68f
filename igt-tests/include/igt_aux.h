/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The vsvm authors
 *
 * Declarations mirroring the IGT 2.0 API, for building the vsvm tests
 * against Debian's libigt.so.0; see igt_core.h. With -Digt_source the real
 * headers are used instead.
 *
 * IGT's igt_aux.h also defines min(), max() and friends: tests must not
 * define macros of these names.
 */

#ifndef IGT_AUX_H
#define IGT_AUX_H

#include <stdint.h>
#include <time.h>

#include "igt_core.h"

/* Runs the block until @timeout seconds have passed, at least once. */
#define igt_until_timeout(timeout) \
	for (struct timespec t__={}; igt_seconds_elapsed(&t__) < (timeout); )

/* Runs the block until @t milliseconds have passed, at least once. */
#define igt_for_milliseconds(t) \
	for (struct timespec t__={}; igt_nsec_elapsed(&t__)>>20 < (t); )

void igt_permute_array(void *array, unsigned size,
		       void (*exchange_func)(void *array,
					     unsigned i,
					     unsigned j));

#define DIV_ROUND_UP(n, d) (((n) + (d) - 1) / (d))

#endif /* IGT_AUX_H */
