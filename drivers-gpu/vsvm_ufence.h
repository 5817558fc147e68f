/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */

#ifndef _VSVM_UFENCE_H_
#define _VSVM_UFENCE_H_

#include <linux/types.h>

struct dma_fence;
struct drm_device;
struct drm_file;
struct mm_struct;
struct vsvm_device;
struct vsvm_ufence;

struct vsvm_ufence *vsvm_ufence_create(struct vsvm_device *vdev,
				       struct mm_struct *mm, u64 address,
				       u64 value);
void vsvm_ufence_free(struct vsvm_ufence *uf);
void vsvm_ufence_attach(struct vsvm_ufence *uf, struct dma_fence *fence);
int vsvm_wait_ufence_ioctl(struct drm_device *drm, void *data,
			   struct drm_file *file);
int vsvm_ufence_init(struct vsvm_device *vdev);
void vsvm_ufence_fini(struct vsvm_device *vdev);

#endif /* _VSVM_UFENCE_H_ */
