/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The vsvm authors
 */

#ifndef IGT_VSVM_VRAM_H
#define IGT_VSVM_VRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vsvm_drm.h"

/* A page in another vsvm device's VRAM (uapi 0.7), for older headers. */
#ifndef DRM_VSVM_RESIDENCY_PEER
#define DRM_VSVM_RESIDENCY_PEER		4
#endif

/* Most pages one DRM_IOCTL_VSVM_RESIDENCY call reports. */
#define VSVM_RESIDENCY_MAX_PAGES	(1ull << 20)

bool vsvm_has_vram(int fd);
uint64_t vsvm_vram_size(int fd);

int __vsvm_prefetch(int fd, struct drm_vsvm_prefetch *prefetch);
uint64_t vsvm_prefetch(int fd, uint32_t vm_id, uint64_t start,
		       uint64_t length, uint32_t region);

int __vsvm_residency(int fd, struct drm_vsvm_residency *residency);
void vsvm_residency(int fd, uint32_t vm_id, uint64_t start, uint64_t npages,
		    uint8_t *out);
uint64_t vsvm_residency_count(int fd, uint32_t vm_id, uint64_t start,
			      uint64_t npages, uint8_t residency);
void vsvm_assert_residency(int fd, uint32_t vm_id, const void *ptr,
			   uint64_t npages, uint8_t residency);
const char *vsvm_residency_name(uint8_t residency);

int __vsvm_madvise(int fd, struct drm_vsvm_madvise *madvise);
void vsvm_madvise(int fd, uint32_t vm_id, uint64_t start, uint64_t length,
		  uint32_t attr, uint64_t value);

int __vsvm_attr_query(int fd, struct drm_vsvm_attr_query *query);
uint64_t vsvm_attr_query(int fd, uint32_t vm_id, uint32_t attr,
			 uint64_t addr, uint64_t *start, uint64_t *end);

uint64_t vsvm_device_stat(int fd, unsigned int idx);
bool __vsvm_device_stat_by_name(int fd, const char *name, uint64_t *value);
uint64_t vsvm_device_stat_by_name(int fd, const char *name);
uint64_t vsvm_vram_pages_settle(int fd);
bool vsvm_vram_pages_wait(int fd, uint64_t pages, uint64_t timeout_ns);

#endif /* IGT_VSVM_VRAM_H */
