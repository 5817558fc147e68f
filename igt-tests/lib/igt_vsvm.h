/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The vsvm authors
 */

#ifndef IGT_VSVM_H
#define IGT_VSVM_H

#include <stdint.h>

#include "vsvm_drm.h"

/* Name the vsvm driver reports in DRM_IOCTL_VERSION. */
#define VSVM_DRIVER_NAME "vsvm"

int __drm_open_vsvm_render(void);
int drm_open_vsvm_render(void);

int __vsvm_query(int fd, struct drm_vsvm_query *q);
void vsvm_query_device(int fd, struct drm_vsvm_query_device *out);

#endif /* IGT_VSVM_H */
