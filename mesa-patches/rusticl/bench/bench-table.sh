#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Markdown tables from cl_bench's CSV (guest-bench.sh's cl-bench.csv):
#   bench-table.sh cl-bench.csv > cl-bench.md
# Throughput as median (min-max) elements/s of the wall time (enqueue to
# clFinish), ratios of medians; the event-profiling throughput; vsvm's
# instruction counters and cost per lane-instruction.
set -euo pipefail
[ $# = 1 ] || { echo "usage: bench-table.sh CSV" >&2; exit 1; }

awk -F, '
function fmt(x) {
	if (x >= 1e9) return sprintf("%.2f G", x / 1e9)
	if (x >= 1e6) return sprintf("%.2f M", x / 1e6)
	if (x >= 1e3) return sprintf("%.1f k", x / 1e3)
	return sprintf("%.3g", x)
}
function cell(l, m) {
	k = l SUBSEP key SUBSEP m
	if (!(k in med)) return "-"
	return fmt(med[k]) " (" fmt(lo[k]) "-" fmt(hi[k]) ")"
}
function ratio(a, b, m) {
	ka = a SUBSEP key SUBSEP m; kb = b SUBSEP key SUBSEP m
	if (!(ka in med) || !(kb in med) || med[kb] == 0) return "-"
	r = med[ka] / med[kb]
	return r >= 0.1 ? sprintf("%.2f", r) : sprintf("1/%.0f", 1 / r)
}
function later(x, y,   p, q) {
	split(x, p, SUBSEP); split(y, q, SUBSEP)
	if (p[3] != q[3]) return p[3] + 0 < q[3] + 0
	if (p[1] != q[1]) return p[1] < q[1]
	return p[2] + 0 > q[2] + 0
}
NR == 1 { next }
{
	k = $1 SUBSEP $3 SUBSEP $4 SUBSEP $5 SUBSEP $7
	lo[k] = $9; med[k] = $10; hi[k] = $11; reps[$3 SUBSEP $4 SUBSEP $5] = $6
	labels[$1] = 1
	g = $3 SUBSEP $4 SUBSEP $5
	if (!(g in seen)) { seen[g] = 1; order[++ng] = g }
	dev[$1] = $2
}
END {
	nl = split("vsvm vsvm-e2 vsvm-modroot llvmpipe pocl", L, " ")
	# rows: vCPUs descending, then op, then size
	for (a = 2; a <= ng; a++) {
		v = order[a]
		for (b = a - 1; b >= 1 && later(order[b], v); b--)
			order[b + 1] = order[b]
		order[b + 1] = v
	}
	print "Devices: " (("vsvm" in dev) ? "vsvm = " dev["vsvm"] : "") \
	      (("llvmpipe" in dev) ? "; llvmpipe = " dev["llvmpipe"] : "") \
	      (("pocl" in dev) ? "; pocl = " dev["pocl"] : "") "."
	print ""
	for (pass = 1; pass <= 2; pass++) {
		m = pass == 1 ? "elements_per_s" : "event_elements_per_s"
		if (pass == 1)
			print "Elements/s, wall time (clEnqueueNDRangeKernel to clFinish), median (min-max):"
		else
			print "Elements/s, event profiling (COMMAND_START of the first kernel to COMMAND_END of the last), median (min-max):"
		print ""
		hdr = "| op | Mi elements | vCPUs | reps |"; sep = "|---|---|---|---|"
		for (i = 1; i <= nl; i++) if (L[i] in labels) { hdr = hdr " " L[i] " |"; sep = sep "---|" }
		hdr = hdr " vsvm / llvmpipe | vsvm / pocl |"; sep = sep "---|---|"
		if ("vsvm-e2" in labels) { hdr = hdr " vsvm-e2 / llvmpipe | vsvm-e2 / pocl |"; sep = sep "---|---|" }
		print hdr; print sep
		for (j = 1; j <= ng; j++) {
			key = order[j]
			split(key, f, SUBSEP)
			line = "| " f[1] " | " f[2] " | " f[3] " | " reps[key] " |"
			for (i = 1; i <= nl; i++) if (L[i] in labels) line = line " " cell(L[i], m) " |"
			line = line " " ratio("vsvm", "llvmpipe", m) " | " ratio("vsvm", "pocl", m) " |"
			if ("vsvm-e2" in labels)
				line = line " " ratio("vsvm-e2", "llvmpipe", m) " | " ratio("vsvm-e2", "pocl", m) " |"
			print line
		}
		print ""
	}
	print "vsvm: instructions executed (debugfs vsvm_stats deltas over the timed part) and the cost per instruction (wall time / count), median (min-max):"
	print ""
	print "| run | op | Mi elements | vCPUs | lane-insts / element | ns / lane-inst | ns / wave-inst |"
	print "|---|---|---|---|---|---|---|"
	for (i = 1; i <= 2; i++) {
		l = i == 1 ? "vsvm" : "vsvm-e2"
		for (j = 1; j <= ng; j++) {
			key = order[j]
			if (!((l SUBSEP key SUBSEP "lane_insts") in med)) continue
			split(key, f, SUBSEP)
			print "| " l " | " f[1] " | " f[2] " | " f[3] " | " cell(l, "lane_insts_per_element") \
			      " | " cell(l, "ns_per_lane_inst") " | " cell(l, "ns_per_wave_inst") " |"
		}
	}
	insts = ENVIRON["VADD_INSTS"] + 0
	if (!insts) exit
	print ""
	print "vsvm: vector add, cost per instruction from the static count: the launched program has " insts \
	      " instructions, straight-line, every one run by every lane (n is a multiple of the work-group size), so " \
	      insts " lane-instructions per element and " insts "/32 wave-instructions; wall time / count, median (min-max):"
	print ""
	print "| run | Mi elements | vCPUs | ns / lane-inst | ns / wave-inst |"
	print "|---|---|---|---|---|"
	for (i = 1; i <= 2; i++) {
		l = i == 1 ? "vsvm" : "vsvm-e2"
		for (j = 1; j <= ng; j++) {
			key = order[j]
			k = l SUBSEP key SUBSEP "elements_per_s"
			split(key, f, SUBSEP)
			if (f[1] != "vadd" || !(k in med)) continue
			c = 1e9 / insts
			print "| " l " | " f[2] " | " f[3] " | " sprintf("%.1f (%.1f-%.1f)", c / med[k], c / hi[k], c / lo[k]) \
			      " | " sprintf("%.0f (%.0f-%.0f)", 32 * c / med[k], 32 * c / hi[k], 32 * c / lo[k]) " |"
		}
	}
}' "$1"
