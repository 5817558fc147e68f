/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The vsvm authors
 *
 * Declarations mirroring the IGT 2.0 API, for building the vsvm tests
 * against Debian's libigt.so.0; see igt_core.h. With -Digt_source the real
 * headers are used instead.
 *
 * In a thread other than the main one, igt_fail() (and so a failed
 * igt_assert()) marks the failure with igt_thread_fail() and ends the thread
 * with pthread_exit(); the main thread reports it with
 * igt_thread_assert_no_failures(), which igt_success() also calls at the
 * end of every subtest.
 */

#ifndef IGT_THREAD_H
#define IGT_THREAD_H

#include <stdbool.h>

void igt_thread_clear_fail_state(void);
void igt_thread_fail(void);
void igt_thread_assert_no_failures(void);
bool igt_thread_is_main(void);

#endif /* IGT_THREAD_H */
