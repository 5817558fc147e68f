/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */

#undef TRACE_SYSTEM
#define TRACE_SYSTEM vsvm

#if !defined(_VSVM_TRACE_H_) || defined(TRACE_HEADER_MULTI_READ)
#define _VSVM_TRACE_H_

#include <linux/tracepoint.h>
#include <linux/types.h>

TRACE_EVENT(vsvm_fault,
	    TP_PROTO(u32 vm, u64 addr, u32 access),
	    TP_ARGS(vm, addr, access),
	    TP_STRUCT__entry(__field(u32, vm)
			     __field(u64, addr)
			     __field(u32, access)),
	    TP_fast_assign(__entry->vm = vm;
			   __entry->addr = addr;
			   __entry->access = access;),
	    TP_printk("vm=%u addr=0x%llx access=%u",
		      __entry->vm, __entry->addr, __entry->access)
);

TRACE_EVENT(vsvm_resolve,
	    TP_PROTO(u32 vm, u64 start, u64 end, bool huge, bool writable),
	    TP_ARGS(vm, start, end, huge, writable),
	    TP_STRUCT__entry(__field(u32, vm)
			     __field(u64, start)
			     __field(u64, end)
			     __field(bool, huge)
			     __field(bool, writable)),
	    TP_fast_assign(__entry->vm = vm;
			   __entry->start = start;
			   __entry->end = end;
			   __entry->huge = huge;
			   __entry->writable = writable;),
	    TP_printk("vm=%u range=[0x%llx, 0x%llx) huge=%d writable=%d",
		      __entry->vm, __entry->start, __entry->end,
		      __entry->huge, __entry->writable)
);

TRACE_EVENT(vsvm_invalidate,
	    TP_PROTO(u32 vm, u64 start, u64 end, u32 event, u64 ranges),
	    TP_ARGS(vm, start, end, event, ranges),
	    TP_STRUCT__entry(__field(u32, vm)
			     __field(u64, start)
			     __field(u64, end)
			     __field(u32, event)
			     __field(u64, ranges)),
	    TP_fast_assign(__entry->vm = vm;
			   __entry->start = start;
			   __entry->end = end;
			   __entry->event = event;
			   __entry->ranges = ranges;),
	    TP_printk("vm=%u [0x%llx, 0x%llx) event=%u ranges=%llu",
		      __entry->vm, __entry->start, __entry->end,
		      __entry->event, __entry->ranges)
);

TRACE_EVENT(vsvm_migrate,
	    TP_PROTO(u32 vm, u64 start, u64 end, bool to_vram, long moved),
	    TP_ARGS(vm, start, end, to_vram, moved),
	    TP_STRUCT__entry(__field(u32, vm)
			     __field(u64, start)
			     __field(u64, end)
			     __field(bool, to_vram)
			     __field(long, moved)),
	    TP_fast_assign(__entry->vm = vm;
			   __entry->start = start;
			   __entry->end = end;
			   __entry->to_vram = to_vram;
			   __entry->moved = moved;),
	    TP_printk("vm=%u [0x%llx, 0x%llx) to %s moved=%ld",
		      __entry->vm, __entry->start, __entry->end,
		      __entry->to_vram ? "vram" : "system", __entry->moved)
);

TRACE_EVENT(vsvm_cpu_fault,
	    TP_PROTO(u64 addr, unsigned long moved),
	    TP_ARGS(addr, moved),
	    TP_STRUCT__entry(__field(u64, addr)
			     __field(unsigned long, moved)),
	    TP_fast_assign(__entry->addr = addr;
			   __entry->moved = moved;),
	    TP_printk("addr=0x%llx moved=%lu", __entry->addr, __entry->moved)
);

TRACE_EVENT(vsvm_evict,
	    TP_PROTO(unsigned long pfn, unsigned long npages,
		     unsigned long moved),
	    TP_ARGS(pfn, npages, moved),
	    TP_STRUCT__entry(__field(unsigned long, pfn)
			     __field(unsigned long, npages)
			     __field(unsigned long, moved)),
	    TP_fast_assign(__entry->pfn = pfn;
			   __entry->npages = npages;
			   __entry->moved = moved;),
	    TP_printk("pfn=0x%lx npages=%lu moved=%lu", __entry->pfn,
		      __entry->npages, __entry->moved)
);

TRACE_EVENT(vsvm_copy,
	    TP_PROTO(u64 seqno, bool to_vram, unsigned int npages),
	    TP_ARGS(seqno, to_vram, npages),
	    TP_STRUCT__entry(__field(u64, seqno)
			     __field(bool, to_vram)
			     __field(unsigned int, npages)),
	    TP_fast_assign(__entry->seqno = seqno;
			   __entry->to_vram = to_vram;
			   __entry->npages = npages;),
	    TP_printk("batch=%llu to %s npages=%u", __entry->seqno,
		      __entry->to_vram ? "vram" : "system", __entry->npages)
);

TRACE_EVENT(vsvm_exclusive,
	    TP_PROTO(u32 vm, u64 addr, bool granted),
	    TP_ARGS(vm, addr, granted),
	    TP_STRUCT__entry(__field(u32, vm)
			     __field(u64, addr)
			     __field(bool, granted)),
	    TP_fast_assign(__entry->vm = vm;
			   __entry->addr = addr;
			   __entry->granted = granted;),
	    TP_printk("vm=%u addr=0x%llx %s", __entry->vm, __entry->addr,
		      __entry->granted ? "granted" : "refused")
);

TRACE_EVENT(vsvm_exclusive_revoke,
	    TP_PROTO(u32 vm, u64 start, u64 end, u64 revoked),
	    TP_ARGS(vm, start, end, revoked),
	    TP_STRUCT__entry(__field(u32, vm)
			     __field(u64, start)
			     __field(u64, end)
			     __field(u64, revoked)),
	    TP_fast_assign(__entry->vm = vm;
			   __entry->start = start;
			   __entry->end = end;
			   __entry->revoked = revoked;),
	    TP_printk("vm=%u [0x%llx, 0x%llx) revoked=%llu", __entry->vm,
		      __entry->start, __entry->end, __entry->revoked)
);

#endif /* _VSVM_TRACE_H_ */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE vsvm_trace
#include <trace/define_trace.h>
