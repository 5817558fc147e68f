#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The phases of one chunk of vsvm's migration, from a trace of
scripts/guest-bench-trace.sh: for each copy batch queued on the copy engine
(workqueue_queue_work of vsvm_copy_work) by a task P, until P's next
vsvm_migrate (the end of the chunk):

  setup           P's previous vsvm_migrate -> the batch queued
  to worker       queued -> vsvm_copy_work() starts
  copy            vsvm_copy_work() runs (the copy)
  back to waiter  the copy done -> P runs again (0 if P did not sleep)
  finish          P runs again -> P's vsvm_migrate

Prints the medians in microseconds per direction.

usage: bench-phases.py TRACE
"""
import re
import statistics
import sys

LINE = re.compile(r'^\s*(.+?)-(\d+)\s+\[(\d+)\].*?\s(\d+\.\d+): (\w+): (.*)$')
PHASES = ('setup', 'to worker', 'copy', 'back to waiter', 'finish', 'chunk')


def events(path):
    out = []
    with open(path, errors='replace') as f:
        for line in f:
            m = LINE.match(line)
            if m:
                _, pid, _, ts, name, rest = m.groups()
                out.append((float(ts), int(pid), name, rest))
    return out


def chunk(ev, k, pid, tq):
    """Times of the batch queued at ev[k], or None."""
    start = end = back = direction = None
    for t, p, name, rest in ev[k + 1:]:
        if t - tq > 5:
            return None
        if start is None:
            if name == 'workqueue_execute_start' and 'vsvm_copy_work' in rest:
                start = t
        elif end is None:
            if name == 'vsvm_copy':
                direction = 'to vram' if 'to vram' in rest else 'to system'
            elif name == 'workqueue_execute_end' and 'vsvm_copy_work' in rest:
                end = t
        elif name == 'vsvm_migrate' and p == pid:
            if back is None or back > t:
                back = end
            return direction, start, end, back, t
        elif back is None and name == 'sched_switch' and \
                re.search(r'next_pid=%d\b' % pid, rest):
            back = t
    return None


def main():
    ev = events(sys.argv[1])
    res = {}
    last = {}
    for k, (ts, pid, name, rest) in enumerate(ev):
        if name == 'vsvm_migrate':
            last[pid] = ts
        if name != 'workqueue_queue_work' or 'vsvm_copy_work' not in rest:
            continue
        c = chunk(ev, k, pid, ts)
        if not c or not c[0]:
            continue
        direction, start, end, back, done = c
        d = res.setdefault(direction, {p: [] for p in PHASES})
        prev = last.get(pid)
        if prev is not None and ts - prev < 1:
            d['setup'].append(ts - prev)
            d['chunk'].append(done - prev)
        d['to worker'].append(start - ts)
        d['copy'].append(end - start)
        d['back to waiter'].append(back - end)
        d['finish'].append(done - back)
    for direction, d in sorted(res.items()):
        print('%s: %d chunks, medians in us: %s' % (
            direction, len(d['copy']),
            ', '.join('%s %.0f' % (p, statistics.median(v) * 1e6)
                      for p, v in d.items() if v)))


if __name__ == '__main__':
    main()
