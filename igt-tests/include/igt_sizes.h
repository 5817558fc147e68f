/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The vsvm authors
 *
 * Declarations mirroring IGT 2.0's lib/igt_sizes.h, for building the vsvm
 * tests against Debian's libigt.so.0; see igt_core.h. With -Digt_source the
 * real headers are used instead.
 *
 * The names, values and types are IGT's: plain hexadecimal constants, so
 * int up to SZ_1G and unsigned int for SZ_2G. Expressions that can exceed
 * 2 GiB must widen first, e.g. (uint64_t)n * SZ_2M. IGT's igt.h includes
 * this header; the tests include it themselves where they use it.
 */

#ifndef __IGT_SIZES_H__
#define __IGT_SIZES_H__

#define SZ_1K		0x00000400
#define SZ_2K		0x00000800
#define SZ_4K		0x00001000
#define SZ_8K		0x00002000
#define SZ_16K		0x00004000
#define SZ_32K		0x00008000
#define SZ_64K		0x00010000
#define SZ_128K		0x00020000
#define SZ_256K		0x00040000
#define SZ_512K		0x00080000

#define SZ_1M		0x00100000
#define SZ_2M		0x00200000
#define SZ_4M		0x00400000
#define SZ_8M		0x00800000
#define SZ_16M		0x01000000
#define SZ_32M		0x02000000
#define SZ_64M		0x04000000
#define SZ_128M		0x08000000
#define SZ_256M		0x10000000
#define SZ_512M		0x20000000

#define SZ_1G		0x40000000
#define SZ_2G		0x80000000

#endif /* __IGT_SIZES_H__ */
