/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The vsvm authors
 *
 * One counter of a vsvm device's debugfs vsvm_stats, for the benchmarks.
 */
#ifndef VSVM_DEBUGFS_STAT_H
#define VSVM_DEBUGFS_STAT_H

#include <stdint.h>

/**
 * Read counter \p name ("name: value" lines) from the vsvm_stats file at
 * \p path (/sys/kernel/debug/dri/<minor>/vsvm_stats; root only).
 *
 * \return the value, or -1 when the file or the counter is not there.
 */
int64_t vsvm_debugfs_stat_read(const char *path, const char *name);

/**
 * The same for the device of DRM minor \p minor.
 */
int64_t vsvm_debugfs_stat(unsigned int minor, const char *name);

#endif /* VSVM_DEBUGFS_STAT_H */
