/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */

#ifndef _VSVM_SHADER_H_
#define _VSVM_SHADER_H_

#include <linux/types.h>

#include <drm/vsvm_isa.h>

struct vsvm_job;
struct drm_vsvm_cmd_dispatch;

/* the ISA version QUERY reports (vsvm_isa.h) */
#define VSVM_ISA_VERSION		DRM_VSVM_ISA_VERSION(1, 0)
/* dispatch limits QUERY reports */
#define VSVM_SHADER_MAX_GROUP		1024
#define VSVM_SHADER_MAX_SHARED		(64 * 1024)
#define VSVM_SHADER_MAX_PRIVATE		4096

#define VSVM_WAVE			DRM_VSVM_ISA_WAVE_SIZE

/* vsvm_shader.c */
int vsvm_shader_dispatch(struct vsvm_job *job,
			 const struct drm_vsvm_cmd_dispatch *cmd, u64 ip);

/*
 * vsvm_shader_fp.c: binary32 on the lanes of @exec. Compiled with the
 * FPU enabled: call only between kernel_fpu_begin() and kernel_fpu_end().
 */
void vsvm_shader_fp_alu(u8 op, u64 *d, const u64 *a, const u64 *b, u32 exec);
void vsvm_shader_fp_to_int(u8 type, u64 *d, const u64 *a, u32 exec);
void vsvm_shader_fp_from_int(u8 stype, u64 *d, const u64 *a, u32 exec);

/*
 * vsvm_shader_softfp.c: the same binary32 operations, bit for bit, in
 * integer arithmetic; callable anywhere.
 */
void vsvm_softfp_alu(u8 op, u64 *d, const u64 *a, const u64 *b, u32 exec);
void vsvm_softfp_to_int(u8 type, u64 *d, const u64 *a, u32 exec);
void vsvm_softfp_from_int(u8 stype, u64 *d, const u64 *a, u32 exec);
u32 vsvm_softfp_sqrt(u32 x);

#endif /* _VSVM_SHADER_H_ */
