/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The vsvm authors
 */

#ifndef IGT_VSVM_MEM_H
#define IGT_VSVM_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vsvm_drm.h"

struct vsvm_cmdbuf;

/* Size of the command buffer of a struct vsvm_ctx. */
#define VSVM_CTX_CMDBUF_SIZE	(64ul << 10)

/**
 * struct vsvm_region - a mapping that is a VMA of its own
 * @base: start of the whole reservation, guards included
 * @len: its length
 * @ptr: the mapping, aligned as asked
 * @size: its length
 *
 * @size bytes at @ptr with PROT_NONE guards on both sides, all inside
 * [@base, @base + @len).
 */
struct vsvm_region {
	void *base;
	size_t len;
	uint8_t *ptr;
	size_t size;
};

void *__vsvm_map_region(struct vsvm_region *r, size_t size, size_t align,
			int prot, int flags, int fd, off_t offset);
void vsvm_map_region(struct vsvm_region *r, size_t size, size_t align,
		     int prot, int flags, int fd, off_t offset);
void vsvm_map_anon(struct vsvm_region *r, size_t size, size_t align);
void vsvm_unmap_region(struct vsvm_region *r);

bool vsvm_thp_enabled(void);
unsigned long vsvm_anon_huge_kb(const void *p);

uint64_t vsvm_pattern_word(uint64_t seed, uint64_t i);
void vsvm_fill_pattern_at(void *p, size_t size, uint64_t seed,
			  uint64_t first);
void vsvm_fill_pattern(void *p, size_t size, uint64_t seed);
int64_t vsvm_pattern_mismatch(const void *p, size_t size, uint64_t seed,
			      uint64_t first);
void __vsvm_check_pattern(const void *p, size_t size, uint64_t seed,
			  uint64_t first, const char *what);
void vsvm_check_pattern(const void *p, size_t size, uint64_t seed,
			const char *what);
uint32_t vsvm_pattern_crc(size_t size, uint64_t seed, uint64_t first);
uint32_t vsvm_words_crc(size_t size, uint32_t word);
void vsvm_check_words(const void *p, size_t size, uint32_t word,
		      const char *what);
void vsvm_touch_read(const void *p, size_t size);

const char *vsvm_file_dir(void);
int vsvm_create_tmpfile(const char *dir);
int vsvm_create_file(const char *dir, size_t size, uint64_t seed);

/**
 * struct vsvm_ctx - a VM of the test process, ready to run jobs
 * @fd: the vsvm file
 * @vm: the VM
 * @engines: number of engines of the device
 * @engine: the engine vsvm_ctx_run() uses next (round robin)
 * @cb: a command buffer of VSVM_CTX_CMDBUF_SIZE bytes
 * @res: a page for results, a VMA of its own
 * @results: @res as 32-bit words
 *
 * The command buffer and the results page are mirrored up front, so that
 * the jobs of a test fault only on the memory under test.
 */
struct vsvm_ctx {
	int fd;
	uint32_t vm;
	uint32_t engines;
	uint32_t engine;
	struct vsvm_cmdbuf *cb;
	struct vsvm_region res;
	volatile uint32_t *results;
};

void vsvm_ctx_init(struct vsvm_ctx *c, int fd);
void vsvm_ctx_fini(struct vsvm_ctx *c);
int vsvm_ctx_run(struct vsvm_ctx *c);
uint32_t vsvm_ctx_crc(struct vsvm_ctx *c, const void *p, size_t size);
void vsvm_ctx_fill(struct vsvm_ctx *c, void *p, size_t size, uint32_t word);
void vsvm_ctx_assert_crc(struct vsvm_ctx *c, const void *p, size_t size,
			 uint32_t expected, const char *what);

/**
 * struct vsvm_fork_sync - pipes for a parent and its child to take turns
 * @to_child: the parent writes, the child reads
 * @to_parent: the child writes, the parent reads
 */
struct vsvm_fork_sync {
	int to_child[2];
	int to_parent[2];
};

void vsvm_fork_sync_init(struct vsvm_fork_sync *f);
void vsvm_fork_sync_fini(struct vsvm_fork_sync *f);
void vsvm_fork_tell_child(struct vsvm_fork_sync *f);
void vsvm_fork_wait_child(struct vsvm_fork_sync *f);
void vsvm_fork_tell_parent(struct vsvm_fork_sync *f);
void vsvm_fork_wait_parent(struct vsvm_fork_sync *f);

/**
 * struct vsvm_engine_adds - one job of atomic adds per engine
 * @engines: number of engines
 * @cbs: the command buffer of each engine's job
 * @ufences: the user fence record each engine's job writes
 */
struct vsvm_engine_adds {
	uint32_t engines;
	struct vsvm_cmdbuf **cbs;
	struct drm_vsvm_ufence **ufences;
};

void vsvm_engine_adds_init(struct vsvm_engine_adds *j, int fd,
			   uint64_t **counters, unsigned int ncounters,
			   unsigned int nadds, uint64_t *expected,
			   unsigned int runs);
uint64_t vsvm_engine_adds_run(struct vsvm_engine_adds *j, int fd,
			      uint32_t vm_id);
void vsvm_engine_adds_fini(struct vsvm_engine_adds *j, int fd);

struct vsvm_cpu_adders;

struct vsvm_cpu_adders *vsvm_cpu_adders_start(uint64_t **counters,
					      unsigned int ncounters,
					      unsigned int nthreads);
uint64_t vsvm_cpu_adders_stop(struct vsvm_cpu_adders *a, uint64_t *expected);

void vsvm_parallel_read(const void *p, const void *expect, size_t size,
			unsigned int nthreads, unsigned int order);

#endif /* IGT_VSVM_MEM_H */
