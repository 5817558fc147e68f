/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The vsvm authors
 *
 * Kernel log watching for the core reproducers and the fuzzer: what the
 * kernel logged above debug level since a mark.
 */
#ifndef VSVM_KMSG_H
#define VSVM_KMSG_H

#include <stddef.h>

/**
 * Open /dev/kmsg positioned at its end.
 *
 * \return a file descriptor, or -errno (no /dev/kmsg, not root).
 */
int kmsg_open(void);

/**
 * Read what the kernel logged since the last call (or kmsg_open()).
 *
 * Counts the kernel's own records (facility 0) of a level above debug
 * (KERN_EMERG to KERN_INFO); userspace writes to /dev/kmsg do not count.
 * The first of them is copied to \p first (\p len bytes, NUL-terminated)
 * when \p first is not NULL, and each is printed to stderr with \p tag.
 * The clocksource watchdog's and the hrtimer's complaints about a stalled
 * (emulated) CPU do not count.
 *
 * \return the number of such records.
 */
int kmsg_drain(int fd, const char *tag, char *first, size_t len);

#endif
