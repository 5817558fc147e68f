/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The vsvm authors
 *
 * Declarations mirroring the IGT 2.0 API, for building the vsvm tests
 * against Debian's libigt.so.0 (package intel-gpu-tools 2.0-1), which
 * ships the library without headers. Like IGT's own igt.h this is the
 * umbrella header a test includes first; it only pulls in the parts the
 * vsvm tests use (IGT 2.0's igt.h includes igt_sizes.h too).
 * Configuring with -Digt_source=/path/to/igt-gpu-tools uses that tree's real
 * headers instead.
 */

#ifndef IGT_H
#define IGT_H

#include "drmtest.h"
#include "igt_aux.h"
#include "igt_core.h"
#include "igt_sizes.h"
#include "ioctl_wrappers.h"

#endif /* IGT_H */
