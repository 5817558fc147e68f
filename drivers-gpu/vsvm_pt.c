// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * DOC: GPU page table
 *
 * vsvm's MMU walks a four-level radix table, 512 entries a level, like
 * x86-64's: level 3 translates address bits 47..39, level 0 bits 20..12.
 * Leaves map 4 KiB at level 0 or 2 MiB at level 1 (VSVM_PTE_HUGE). The
 * engines follow physical addresses from entry to entry, as hardware does.
 *
 * A level-1 slot that ever held a mapping always has its level-0 table: a
 * 2 MiB leaf replaces the directory entry while it is valid, and clearing
 * it puts the directory entry back. Mapping and clearing therefore never
 * allocate, so both can run under the notifier lock, which is taken in
 * reclaim.
 */

#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "vsvm_pt.h"

/**
 * struct vsvm_pt_node - one table of the GPU page table
 * @entries: the 512 entries engines read; one page
 * @child: child nodes, for levels above 0 only
 */
struct vsvm_pt_node {
	u64 *entries;
	struct vsvm_pt_node **child;
};

static unsigned int vsvm_pt_index(u64 va, int level)
{
	return (va >> (PAGE_SHIFT + level * VSVM_PT_BITS)) &
	       (VSVM_PT_ENTRIES - 1);
}

static struct vsvm_pt_node *vsvm_pt_node_alloc(int level)
{
	struct vsvm_pt_node *node;

	node = kzalloc_obj(*node, GFP_KERNEL);
	if (!node)
		return NULL;

	node->entries = (u64 *)get_zeroed_page(GFP_KERNEL);
	if (!node->entries)
		goto err_free_node;

	if (level > 0) {
		node->child = kcalloc(VSVM_PT_ENTRIES, sizeof(*node->child),
				      GFP_KERNEL);
		if (!node->child)
			goto err_free_entries;
	}
	return node;

err_free_entries:
	free_page((unsigned long)node->entries);
err_free_node:
	kfree(node);
	return NULL;
}

static void vsvm_pt_node_free(struct vsvm_pt_node *node, int level)
{
	unsigned int i;

	if (!node)
		return;
	if (level > 0) {
		for (i = 0; i < VSVM_PT_ENTRIES; i++)
			vsvm_pt_node_free(node->child[i], level - 1);
		kfree(node->child);
	}
	free_page((unsigned long)node->entries);
	kfree(node);
}

static u64 vsvm_pt_table_entry(struct vsvm_pt_node *node)
{
	return virt_to_phys(node->entries) | VSVM_PTE_TABLE | VSVM_PTE_VALID;
}

/**
 * vsvm_pt_init() - set up an empty page table
 * @pt: the page table
 *
 * Return: 0 or -ENOMEM.
 */
int vsvm_pt_init(struct vsvm_pt *pt)
{
	pt->root = vsvm_pt_node_alloc(VSVM_PT_LEVELS - 1);
	return pt->root ? 0 : -ENOMEM;
}

/**
 * vsvm_pt_fini() - free every table
 * @pt: the page table; no engine may use it any more
 */
void vsvm_pt_fini(struct vsvm_pt *pt)
{
	vsvm_pt_node_free(pt->root, VSVM_PT_LEVELS - 1);
	pt->root = NULL;
}

/**
 * vsvm_pt_prepare() - allocate the tables that map [@start, @end)
 * @pt: the page table
 * @start: first address, page aligned
 * @end: end address (exclusive), page aligned
 *
 * Allocates down to level 0 so that vsvm_pt_map() and vsvm_pt_clear() never
 * need memory. Called with the VM's fault lock held (it serialises growth);
 * engines may walk concurrently: a new table is zeroed before its entry is
 * published.
 *
 * Return: 0 or -ENOMEM (tables allocated so far stay).
 */
int vsvm_pt_prepare(struct vsvm_pt *pt, u64 start, u64 end)
{
	u64 va;

	for (va = start; va < end;
	     va = round_up(va + 1, 1ull << VSVM_PT_HUGE_SHIFT)) {
		struct vsvm_pt_node *node = pt->root;
		int level;

		for (level = VSVM_PT_LEVELS - 1; level > 0; level--) {
			unsigned int i = vsvm_pt_index(va, level);
			struct vsvm_pt_node *child = node->child[i];

			if (!child) {
				child = vsvm_pt_node_alloc(level - 1);
				if (!child)
					return -ENOMEM;
				node->child[i] = child;
				/* pairs with READ_ONCE() in vsvm_pt_lookup() */
				smp_wmb();
				if (!READ_ONCE(node->entries[i]))
					WRITE_ONCE(node->entries[i],
						   vsvm_pt_table_entry(child));
			}
			node = child;
		}
	}
	return 0;
}

static struct vsvm_pt_node *vsvm_pt_level1(struct vsvm_pt *pt, u64 va)
{
	struct vsvm_pt_node *node = pt->root;
	int level;

	for (level = VSVM_PT_LEVELS - 1; level > 1 && node; level--)
		node = node->child[vsvm_pt_index(va, level)];
	return node;
}

/**
 * vsvm_pt_map() - write one leaf
 * @pt: the page table, prepared for @va
 * @va: the address, aligned to the leaf size
 * @pte: the leaf entry: address and VSVM_PTE_* bits
 * @huge: map 2 MiB at level 1 rather than 4 KiB at level 0
 *
 * Called with the notifier lock held for writing.
 */
void vsvm_pt_map(struct vsvm_pt *pt, u64 va, u64 pte, bool huge)
{
	struct vsvm_pt_node *l1 = vsvm_pt_level1(pt, va);
	unsigned int i = vsvm_pt_index(va, 1);

	if (WARN_ON_ONCE(!l1 || !l1->child[i]))
		return;
	if (huge)
		WRITE_ONCE(l1->entries[i], pte | VSVM_PTE_HUGE);
	else
		WRITE_ONCE(l1->child[i]->entries[vsvm_pt_index(va, 0)], pte);
}

/**
 * vsvm_pt_clear() - clear the leaves in [@start, @end)
 * @pt: the page table
 * @start: first address, page aligned
 * @end: end address (exclusive), page aligned
 *
 * A 2 MiB leaf that overlaps the range is cleared as a whole. Called with
 * the notifier lock held for writing: no engine is walking.
 */
void vsvm_pt_clear(struct vsvm_pt *pt, u64 start, u64 end)
{
	u64 va = start;

	while (va < end) {
		u64 next = min(round_up(va + 1, 1ull << VSVM_PT_HUGE_SHIFT), end);
		struct vsvm_pt_node *l1 = vsvm_pt_level1(pt, va);
		unsigned int i = vsvm_pt_index(va, 1);
		struct vsvm_pt_node *l0;

		if (!l1 || !l1->child[i]) {
			va = next;
			continue;
		}
		l0 = l1->child[i];
		if (l1->entries[i] & VSVM_PTE_HUGE)
			WRITE_ONCE(l1->entries[i], vsvm_pt_table_entry(l0));
		for (; va < next; va += PAGE_SIZE)
			WRITE_ONCE(l0->entries[vsvm_pt_index(va, 0)], 0);
	}
}

/**
 * vsvm_pt_lookup() - translate an address the way an engine does
 * @pt: the page table
 * @va: the address
 * @shift: set to the leaf's size as a shift (12 or 21)
 *
 * Follows physical addresses from the root. Called with the notifier lock
 * held for reading (or writing).
 *
 * Return: the leaf entry, 0 when the address is not mapped.
 */
u64 vsvm_pt_lookup(struct vsvm_pt *pt, u64 va, unsigned int *shift)
{
	u64 *table = pt->root->entries;
	int level;

	for (level = VSVM_PT_LEVELS - 1; level >= 0; level--) {
		u64 e = READ_ONCE(table[vsvm_pt_index(va, level)]);

		if (!(e & VSVM_PTE_VALID))
			return 0;
		if (level == 0 || !(e & VSVM_PTE_TABLE)) {
			*shift = PAGE_SHIFT + level * VSVM_PT_BITS;
			return e;
		}
		/* pairs with smp_wmb() in vsvm_pt_prepare() */
		smp_rmb();
		table = phys_to_virt(e & VSVM_PTE_ADDR_MASK);
	}
	return 0;
}
