// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * DOC: command execution and the GPU MMU
 *
 * An engine executes a command buffer by fetching each command through the
 * GPU MMU, like every other access. vsvm_mem_map() is the MMU: it walks the
 * VM's page table with the notifier lock held for reading and hands back a
 * kernel mapping of the page; a miss, or a write to a read-only entry, is a
 * GPU page fault: the engine stalls on the fault queue
 * (vsvm_fault_raise()) and replays the access once the handler has
 * resolved the fault. The notifier lock stays held until the
 * access is done, so an invalidation waits for it.
 *
 * Addresses at or above 2^47 (kernel or non-canonical) fault at once with
 * -EFAULT, before any page-table walk.
 *
 * Commands are checked as they are fetched: an unknown opcode or flag, a
 * non-zero pad, a 32-bit operand (without DRM_VSVM_CMD_64BIT) with any of
 * its upper 32 bits set, a compare value for an atomic other than CMPXCHG,
 * or a misaligned address ends the job with -EINVAL, recorded in the VM's
 * error record (as a failure that is no memory access).
 *
 * The time an engine spends on a job is added to its VM's busy time, which
 * fdinfo reports (vsvm_show_fdinfo()).
 */

#include <linux/crc32.h>
#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/ktime.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <drm/drm_drv.h>

#include "vsvm_drv.h"
#include "vsvm_engine.h"
#include "vsvm_shader.h"
#include "vsvm_svm.h"
#include "vsvm_vm.h"
#include "vsvm_vram.h"

/**
 * vsvm_job_cancelled() - whether the engine must stop a job
 * @job: the running job
 *
 * Return: 0, -ENODEV once the device was unplugged (drm_dev_unplug() waits
 * for the job to leave), -ETIMEDOUT once the job timed out, -ECANCELED or
 * -ESRCH once its VM was closed (vsvm_vm_closed_errno()).
 */
int vsvm_job_cancelled(struct vsvm_job *job)
{
	/*
	 * The job runs inside drm_dev_enter() (vsvm_job_work()), which
	 * drm_dev_unplug() waits for: reading the flag is enough, without an
	 * SRCU section per access as drm_dev_is_unplugged() would take.
	 */
	if (READ_ONCE(job->vm->vdev->drm.unplugged))
		return -ENODEV;
	if (atomic_read(&job->cancel))
		return -ETIMEDOUT;
	if (READ_ONCE(job->vm->closed))
		return vsvm_vm_closed_errno(job->vm);
	return 0;
}

/**
 * vsvm_job_mem_fail() - record the access a job failed on
 * @job: the job
 * @va: the address
 * @access: the kind of access, or 0 for a failure that is no access
 * @err: the error
 *
 * Return: @err
 */
int vsvm_job_mem_fail(struct vsvm_job *job, u64 va, enum vsvm_access access,
		      int err)
{
	job->fault_address = va;
	job->fault_access = access;
	return err;
}

/**
 * vsvm_mem_translate() - the GPU MMU: the page backing @va for @access
 * @vm: the VM
 * @va: the GPU virtual address, below 2^47
 * @access: the kind of access
 *
 * Walks the VM's page table. For VRAM, sets the allocation's accessed bit
 * (the eviction clock).
 *
 * Context: the VM's notifier lock held (vsvm_svm_notifier_lock()); the
 * page stays valid until it is dropped.
 * Return: the page, or NULL when the page table does not grant @access
 * (a GPU page fault).
 */
struct page *vsvm_mem_translate(struct vsvm_vm *vm, u64 va,
				enum vsvm_access access)
{
	bool write = access == VSVM_ACCESS_WRITE ||
		     access == VSVM_ACCESS_ATOMIC;
	unsigned int shift;
	u64 pte, addr;

	lockdep_assert_held(vsvm_svm_notifier_lock(vm));

	pte = vsvm_pt_lookup(&vm->pt, va, &shift);
	if (!(pte & VSVM_PTE_VALID) || (write && !(pte & VSVM_PTE_WRITE)) ||
	    (access == VSVM_ACCESS_ATOMIC && !(pte & VSVM_PTE_ATOMIC)))
		return NULL;

	addr = (pte & VSVM_PTE_ADDR_MASK) + (va & (BIT_ULL(shift) - 1));
	if (pte & VSVM_PTE_PEER)
		return vmalloc_to_page(vsvm_vram_peer_ptr(addr));
	if (pte & VSVM_PTE_VRAM) {
		vsvm_vram_accessed(vm->vdev, addr);
		return vmalloc_to_page(vsvm_vram_ptr(vm->vdev, addr));
	}
	/* a page the mirror got from hmm_range_fault() */
	return pfn_to_page(PHYS_PFN(addr));
}

/**
 * vsvm_mem_map() - translate @va for @access and map its page
 * @job: the running job
 * @va: the GPU virtual address
 * @access: the kind of access
 * @err: out: the error when the access fails
 *
 * Raises GPU page faults (vsvm_fault_raise()) until the page table grants
 * the access, or the fault fails.
 *
 * On success the notifier lock is held for reading until vsvm_mem_unmap(),
 * and so is a page the fault handler granted exclusive access to for this
 * access, if any.
 *
 * Return: a kernel mapping of @va, or NULL with *@err set.
 */
void *vsvm_mem_map(struct vsvm_job *job, u64 va, enum vsvm_access access,
		   int *err)
{
	struct vsvm_vm *vm = job->vm;
	struct page *held = NULL;

	if (va >= VSVM_VA_LIMIT) {
		*err = vsvm_job_mem_fail(job, va, access, -EFAULT);
		return NULL;
	}

	for (;;) {
		struct page *page;
		int ret;

		*err = vsvm_job_cancelled(job);
		if (*err)
			break;

		down_read(vsvm_svm_notifier_lock(vm));
		page = vsvm_mem_translate(vm, va, access);
		if (page) {
			job->held_page = held;
			return kmap_local_page(page) + offset_in_page(va);
		}
		up_read(vsvm_svm_notifier_lock(vm));
		/* the CPU changed the page since the fault: fault again */
		vsvm_svm_exclusive_release(held);
		held = NULL;

		ret = vsvm_fault_raise(vm, va, access, &held);
		if (ret) {
			*err = vsvm_job_mem_fail(job, va, access, ret);
			break;
		}
		cond_resched();
	}
	vsvm_svm_exclusive_release(held);
	return NULL;
}

/**
 * vsvm_mem_unmap() - end an access vsvm_mem_map() started
 * @job: the job
 * @ptr: what vsvm_mem_map() returned
 */
void vsvm_mem_unmap(struct vsvm_job *job, void *ptr)
{
	kunmap_local(ptr);
	up_read(vsvm_svm_notifier_lock(job->vm));
	vsvm_svm_exclusive_release(job->held_page);
	job->held_page = NULL;
}

/* Length of the piece of [va, va + len) that lies in va's page. */
static size_t vsvm_mem_chunk(u64 va, u64 len)
{
	return min_t(u64, len, PAGE_SIZE - offset_in_page(va));
}

/**
 * vsvm_mem_read() - read GPU memory through the GPU MMU
 * @job: the running job
 * @va: the GPU virtual address
 * @buf: where to copy to
 * @len: bytes to read
 * @access: VSVM_ACCESS_READ or VSVM_ACCESS_FETCH
 *
 * Return: 0 or the error of the failed access (vsvm_mem_map()).
 */
int vsvm_mem_read(struct vsvm_job *job, u64 va, void *buf, u64 len,
		  enum vsvm_access access)
{
	while (len) {
		size_t n = vsvm_mem_chunk(va, len);
		int err;
		void *p = vsvm_mem_map(job, va, access, &err);

		if (!p)
			return err;
		memcpy(buf, p, n);
		vsvm_mem_unmap(job, p);
		buf += n;
		va += n;
		len -= n;
	}
	return 0;
}

static int vsvm_mem_write(struct vsvm_job *job, u64 va, const void *buf,
			  u64 len)
{
	while (len) {
		size_t n = vsvm_mem_chunk(va, len);
		int err;
		void *p = vsvm_mem_map(job, va, VSVM_ACCESS_WRITE, &err);

		if (!p)
			return err;
		memcpy(p, buf, n);
		vsvm_mem_unmap(job, p);
		buf += n;
		va += n;
		len -= n;
	}
	return 0;
}

static bool vsvm_range_ok(u64 va, u64 len)
{
	return len <= VSVM_VA_LIMIT && va <= VSVM_VA_LIMIT - len;
}

/**
 * union vsvm_cmd - any command, as fetched from the command buffer
 * @hdr: the common header
 * @write: DRM_VSVM_CMD_WRITE
 * @copy: DRM_VSVM_CMD_COPY
 * @fill: DRM_VSVM_CMD_FILL
 * @atomic: DRM_VSVM_CMD_ATOMIC
 * @checksum: DRM_VSVM_CMD_CHECKSUM
 * @wait: DRM_VSVM_CMD_WAIT
 * @timestamp: DRM_VSVM_CMD_TIMESTAMP
 * @dispatch: DRM_VSVM_CMD_DISPATCH
 */
union vsvm_cmd {
	struct drm_vsvm_cmd_header hdr;
	struct drm_vsvm_cmd_write write;
	struct drm_vsvm_cmd_copy copy;
	struct drm_vsvm_cmd_fill fill;
	struct drm_vsvm_cmd_atomic atomic;
	struct drm_vsvm_cmd_checksum checksum;
	struct drm_vsvm_cmd_wait wait;
	struct drm_vsvm_cmd_timestamp timestamp;
	struct drm_vsvm_cmd_dispatch dispatch;
};

static const u32 vsvm_cmd_size[] = {
	[DRM_VSVM_CMD_NOP] = sizeof(struct drm_vsvm_cmd_header),
	[DRM_VSVM_CMD_WRITE] = sizeof(struct drm_vsvm_cmd_write),
	[DRM_VSVM_CMD_COPY] = sizeof(struct drm_vsvm_cmd_copy),
	[DRM_VSVM_CMD_FILL] = sizeof(struct drm_vsvm_cmd_fill),
	[DRM_VSVM_CMD_ATOMIC] = sizeof(struct drm_vsvm_cmd_atomic),
	[DRM_VSVM_CMD_CHECKSUM] = sizeof(struct drm_vsvm_cmd_checksum),
	[DRM_VSVM_CMD_WAIT] = sizeof(struct drm_vsvm_cmd_wait),
	[DRM_VSVM_CMD_TIMESTAMP] = sizeof(struct drm_vsvm_cmd_timestamp),
	[DRM_VSVM_CMD_DISPATCH] = sizeof(struct drm_vsvm_cmd_dispatch),
};

static u32 vsvm_cmd_width(const union vsvm_cmd *cmd)
{
	return cmd->hdr.flags & DRM_VSVM_CMD_64BIT ? 8 : 4;
}

/* A 32-bit operand must leave the upper half of its 64-bit field zero. */
static bool vsvm_cmd_operand_ok(const union vsvm_cmd *cmd, u64 operand)
{
	return vsvm_cmd_width(cmd) == 8 || !upper_32_bits(operand);
}

static int vsvm_cmd_write(struct vsvm_job *job, const union vsvm_cmd *cmd)
{
	u32 width = vsvm_cmd_width(cmd);
	u32 v32 = cmd->write.value;

	if (!IS_ALIGNED(cmd->write.address, width) ||
	    !vsvm_cmd_operand_ok(cmd, cmd->write.value))
		return -EINVAL;
	return vsvm_mem_write(job, cmd->write.address,
			      width == 8 ? (const void *)&cmd->write.value :
					   (const void *)&v32, width);
}

static int vsvm_cmd_copy(struct vsvm_job *job, const union vsvm_cmd *cmd,
			 void *bounce)
{
	u64 dst = cmd->copy.dst, src = cmd->copy.src, len = cmd->copy.size;
	int ret;

	if (!vsvm_range_ok(src, len))
		return vsvm_job_mem_fail(job, src, VSVM_ACCESS_READ, -EFAULT);
	if (!vsvm_range_ok(dst, len))
		return vsvm_job_mem_fail(job, dst, VSVM_ACCESS_WRITE, -EFAULT);

	while (len) {
		size_t n = min(vsvm_mem_chunk(src, len), vsvm_mem_chunk(dst, len));

		ret = vsvm_mem_read(job, src, bounce, n, VSVM_ACCESS_READ);
		if (ret)
			return ret;
		ret = vsvm_mem_write(job, dst, bounce, n);
		if (ret)
			return ret;
		src += n;
		dst += n;
		len -= n;
	}
	return 0;
}

static int vsvm_cmd_fill(struct vsvm_job *job, const union vsvm_cmd *cmd,
			 void *bounce)
{
	u64 dst = cmd->fill.dst, len = cmd->fill.size;
	__le32 pattern = cpu_to_le32(cmd->fill.value);
	u8 *bytes = bounce;
	u64 done = 0;
	size_t i;

	if (cmd->fill.pad)
		return -EINVAL;
	if (!vsvm_range_ok(dst, len))
		return vsvm_job_mem_fail(job, dst, VSVM_ACCESS_WRITE, -EFAULT);

	for (i = 0; i < PAGE_SIZE + 4; i++)
		bytes[i] = ((u8 *)&pattern)[i % 4];

	while (done < len) {
		size_t n = vsvm_mem_chunk(dst + done, len - done);
		int ret;

		/* byte i of the range gets byte i % 4 of the pattern */
		ret = vsvm_mem_write(job, dst + done, bytes + done % 4, n);
		if (ret)
			return ret;
		done += n;
	}
	return 0;
}

static int vsvm_cmd_atomic(struct vsvm_job *job, const union vsvm_cmd *cmd)
{
	const struct drm_vsvm_cmd_atomic *a = &cmd->atomic;
	u32 width = vsvm_cmd_width(cmd);
	u64 old;
	void *p;
	int err;

	if (a->pad || !IS_ALIGNED(a->address, width) ||
	    !IS_ALIGNED(a->result, width) ||
	    !vsvm_cmd_operand_ok(cmd, a->operand) ||
	    !vsvm_cmd_operand_ok(cmd, a->compare) ||
	    (a->atomic_op != DRM_VSVM_ATOMIC_CMPXCHG && a->compare) ||
	    a->atomic_op < DRM_VSVM_ATOMIC_ADD ||
	    a->atomic_op > DRM_VSVM_ATOMIC_CMPXCHG)
		return -EINVAL;

	p = vsvm_mem_map(job, a->address, VSVM_ACCESS_ATOMIC, &err);
	if (!p)
		return err;
	if (width == 8) {
		atomic64_t *v = p;

		if (a->atomic_op == DRM_VSVM_ATOMIC_ADD)
			old = atomic64_fetch_add(a->operand, v);
		else if (a->atomic_op == DRM_VSVM_ATOMIC_XCHG)
			old = atomic64_xchg(v, a->operand);
		else
			old = atomic64_cmpxchg(v, a->compare, a->operand);
	} else {
		atomic_t *v = p;

		if (a->atomic_op == DRM_VSVM_ATOMIC_ADD)
			old = (u32)atomic_fetch_add((u32)a->operand, v);
		else if (a->atomic_op == DRM_VSVM_ATOMIC_XCHG)
			old = (u32)atomic_xchg(v, (u32)a->operand);
		else
			old = (u32)atomic_cmpxchg(v, (u32)a->compare,
						  (u32)a->operand);
	}
	vsvm_mem_unmap(job, p);

	if (!a->result)
		return 0;
	if (width == 8)
		return vsvm_mem_write(job, a->result, &old, 8);
	return vsvm_mem_write(job, a->result, &(u32){ old }, 4);
}

static int vsvm_cmd_checksum(struct vsvm_job *job, const union vsvm_cmd *cmd)
{
	u64 va = cmd->checksum.address, len = cmd->checksum.size;
	u32 crc = ~0u;

	if (!IS_ALIGNED(cmd->checksum.result, 4))
		return -EINVAL;
	if (!vsvm_range_ok(va, len))
		return vsvm_job_mem_fail(job, va, VSVM_ACCESS_READ, -EFAULT);

	while (len) {
		size_t n = vsvm_mem_chunk(va, len);
		int err;
		void *p = vsvm_mem_map(job, va, VSVM_ACCESS_READ, &err);

		if (!p)
			return err;
		crc = crc32_le(crc, p, n);
		vsvm_mem_unmap(job, p);
		va += n;
		len -= n;
	}
	crc = ~crc;
	return vsvm_mem_write(job, cmd->checksum.result, &crc, sizeof(crc));
}

static bool vsvm_wait_met(u32 cond, u64 v, u64 value)
{
	switch (cond) {
	case DRM_VSVM_WAIT_EQ:
		return v == value;
	case DRM_VSVM_WAIT_NEQ:
		return v != value;
	case DRM_VSVM_WAIT_GTE:
		return v >= value;
	default:
		return v < value;
	}
}

static int vsvm_cmd_wait(struct vsvm_job *job, const union vsvm_cmd *cmd)
{
	const struct drm_vsvm_cmd_wait *w = &cmd->wait;
	u32 width = vsvm_cmd_width(cmd);

	if (w->pad || !IS_ALIGNED(w->address, width) ||
	    !vsvm_cmd_operand_ok(cmd, w->value) ||
	    !vsvm_cmd_operand_ok(cmd, w->mask) ||
	    w->cond < DRM_VSVM_WAIT_EQ || w->cond > DRM_VSVM_WAIT_LT)
		return -EINVAL;

	for (;;) {
		u64 v = 0;
		int ret;

		ret = vsvm_mem_read(job, w->address, &v, width,
				    VSVM_ACCESS_READ);
		if (ret)
			return ret;
		if (vsvm_wait_met(w->cond, v & w->mask, w->value))
			return 0;
		ret = vsvm_job_cancelled(job);
		if (ret)
			return ret;
		usleep_range(20, 100);
	}
}

static int vsvm_cmd_timestamp(struct vsvm_job *job, const union vsvm_cmd *cmd)
{
	u64 now = ktime_get_ns();

	if (!IS_ALIGNED(cmd->timestamp.address, 8))
		return -EINVAL;
	return vsvm_mem_write(job, cmd->timestamp.address, &now, sizeof(now));
}

static int vsvm_cmd_check_flags(const union vsvm_cmd *cmd)
{
	u32 allowed = 0;

	switch (cmd->hdr.op) {
	case DRM_VSVM_CMD_WRITE:
	case DRM_VSVM_CMD_ATOMIC:
	case DRM_VSVM_CMD_WAIT:
		allowed = DRM_VSVM_CMD_64BIT;
		break;
	}
	return cmd->hdr.flags & ~allowed ? -EINVAL : 0;
}

static int vsvm_cmd_dispatch(struct vsvm_job *job, const union vsvm_cmd *cmd,
			     void *bounce, u64 ip)
{
	if (vsvm_cmd_check_flags(cmd))
		return vsvm_job_mem_fail(job, ip, 0, -EINVAL);

	switch (cmd->hdr.op) {
	case DRM_VSVM_CMD_NOP:
		return 0;
	case DRM_VSVM_CMD_WRITE:
		return vsvm_cmd_write(job, cmd);
	case DRM_VSVM_CMD_COPY:
		return vsvm_cmd_copy(job, cmd, bounce);
	case DRM_VSVM_CMD_FILL:
		return vsvm_cmd_fill(job, cmd, bounce);
	case DRM_VSVM_CMD_ATOMIC:
		return vsvm_cmd_atomic(job, cmd);
	case DRM_VSVM_CMD_CHECKSUM:
		return vsvm_cmd_checksum(job, cmd);
	case DRM_VSVM_CMD_WAIT:
		return vsvm_cmd_wait(job, cmd);
	case DRM_VSVM_CMD_TIMESTAMP:
		return vsvm_cmd_timestamp(job, cmd);
	case DRM_VSVM_CMD_DISPATCH:
		return vsvm_shader_dispatch(job, &cmd->dispatch, ip);
	default:
		return -EINVAL;
	}
}

/**
 * vsvm_job_execute() - run a job's command buffer on its engine
 * @job: the job
 *
 * Called on the engine's workqueue. On failure, @job->fault_address and
 * @job->fault_access describe the access that failed, if any. The time
 * spent is added to the VM's busy time.
 *
 * Return: 0, or the error the job's fence signals: -EFAULT, -EACCES,
 * -EINVAL, -ETIMEDOUT, -ECANCELED, -ESRCH, -ENODEV, -EBUSY or -ENOMEM.
 */
int vsvm_job_execute(struct vsvm_job *job)
{
	u64 ip = job->batch_address;
	u64 end = ip + job->batch_size;
	u64 start_ns = ktime_get_ns();
	union vsvm_cmd cmd;
	void *bounce;
	int ret = 0;

	/* Checked by the ioctl: the batch neither wraps nor leaves user space. */
	if (WARN_ON_ONCE(end <= ip || end > VSVM_VA_LIMIT))
		return -EINVAL;

	/* A page, plus room for FILL to start at any byte of its pattern. */
	bounce = kmalloc(PAGE_SIZE + 4, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;

	while (ip < end) {
		u32 size;

		ret = vsvm_job_cancelled(job);
		if (ret)
			break;
		ret = vsvm_mem_read(job, ip, &cmd.hdr, sizeof(cmd.hdr),
				    VSVM_ACCESS_FETCH);
		if (ret)
			break;
		size = cmd.hdr.op < ARRAY_SIZE(vsvm_cmd_size) ?
		       vsvm_cmd_size[cmd.hdr.op] : 0;
		if (!size || size > end - ip) {
			ret = vsvm_job_mem_fail(job, ip, 0, -EINVAL);
			break;
		}
		ret = vsvm_mem_read(job, ip, &cmd, size, VSVM_ACCESS_FETCH);
		if (ret)
			break;
		ret = vsvm_cmd_dispatch(job, &cmd, bounce, ip);
		/* DISPATCH records the command or the instruction itself */
		if (ret == -EINVAL && cmd.hdr.op != DRM_VSVM_CMD_DISPATCH)
			vsvm_job_mem_fail(job, ip, 0, ret);
		if (ret)
			break;
		ip += size;
	}
	kfree(bounce);
	atomic64_add(ktime_get_ns() - start_ns, &job->vm->busy_ns);
	return ret;
}
