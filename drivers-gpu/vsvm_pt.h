/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */

#ifndef _VSVM_PT_H_
#define _VSVM_PT_H_

#include <linux/bits.h>
#include <linux/types.h>

/*
 * GPU page table entry format. A leaf maps 4 KiB (level 0) or, with
 * VSVM_PTE_HUGE, 2 MiB (level 1): it holds the physical address of a
 * system page the mirror obtained from hmm_range_fault(), with
 * VSVM_PTE_VRAM the offset of a VRAM page, or with VSVM_PTE_VRAM and
 * VSVM_PTE_PEER page_to_phys() of a device-private page in another vsvm
 * device's VRAM. A directory entry (VSVM_PTE_TABLE) holds the physical
 * address of the next level's table.
 */
#define VSVM_PTE_VALID		BIT_ULL(0)
#define VSVM_PTE_WRITE		BIT_ULL(1)
#define VSVM_PTE_ATOMIC		BIT_ULL(2)
#define VSVM_PTE_VRAM		BIT_ULL(3)
#define VSVM_PTE_HUGE		BIT_ULL(4)
#define VSVM_PTE_TABLE		BIT_ULL(5)
#define VSVM_PTE_PEER		BIT_ULL(6)
#define VSVM_PTE_ADDR_MASK	GENMASK_ULL(51, 12)

#define VSVM_PT_LEVELS		4
#define VSVM_PT_BITS		9
#define VSVM_PT_ENTRIES		BIT(VSVM_PT_BITS)
#define VSVM_PT_HUGE_SHIFT	21

struct vsvm_pt_node;

/**
 * struct vsvm_pt - a VM's GPU page table
 * @root: top-level table (level 3: bits 47..39 of the address)
 *
 * Four levels of 512 entries translate a 48-bit GPU address. Each level is
 * one page of entries as the engines read them, plus, for directories, an
 * array of the child nodes for the driver.
 *
 * Locking: tables are allocated by vsvm_pt_prepare() with the VM's fault
 * lock held, never under the notifier lock, and only ever added (an entry
 * goes from 0 to VSVM_PTE_TABLE once) until vsvm_pt_fini(). Leaves are
 * written by vsvm_pt_map() and vsvm_pt_clear() with the notifier lock held
 * for writing; engines walk with it held for reading.
 */
struct vsvm_pt {
	struct vsvm_pt_node *root;
};

int vsvm_pt_init(struct vsvm_pt *pt);
void vsvm_pt_fini(struct vsvm_pt *pt);
int vsvm_pt_prepare(struct vsvm_pt *pt, u64 start, u64 end);
void vsvm_pt_map(struct vsvm_pt *pt, u64 va, u64 pte, bool huge);
void vsvm_pt_clear(struct vsvm_pt *pt, u64 start, u64 end);
u64 vsvm_pt_lookup(struct vsvm_pt *pt, u64 va, unsigned int *shift);

#endif /* _VSVM_PT_H_ */
