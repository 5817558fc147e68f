#!/bin/bash
# SPDX-License-Identifier: MIT
# Render vsvm_bench's CSV files (one per vCPU count) as a PNG with gnuplot
# (Debian's gnuplot-nox): bandwidth against size for vsvm, test_hmm and
# memcpy, one panel per operation (to device memory, to system memory,
# first-touch device read), medians with min-max bars, solid lines for the
# 2-vCPU run and dashed ones for the 1-vCPU run. Also writes the figures as
# Markdown tables (for the README) next to the PNG.
#
# usage: plot-bench.sh [--title TEXT] OUT.png CSV...
set -euo pipefail
. "$(dirname "$0")/lib.sh"

title="vsvm_bench"
if [ "${1:-}" = --title ]; then
	title=$2
	shift 2
fi
[ $# -ge 2 ] || die "usage: plot-bench.sh [--title TEXT] OUT.png CSV..."
png=$1
shift
command -v gnuplot >/dev/null || die "gnuplot missing: scripts/install-deps.sh gnuplot-nox"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# All rows in one file, the header once.
awk 'FNR > 1' "$@" >"$tmp/all.csv"

# One data file per tool, operation and vCPU count: size median min max.
# Figures derived from medians have no min and max: no bar.
awk -F, -v d="$tmp" '$6 == "MB/s" && $8 != "" {
	f = d "/" $1 "_" $2 "_" $4 ".dat"
	print $3, $8, ($7 == "" ? $8 : $7), ($9 == "" ? $8 : $9) >> f
}' "$tmp/all.csv"

# plot commands of one panel: each SERIES is tool:op:label:colour
panel() {
	local first=1 s tool op label colour v dt f
	for s in "$@"; do
		IFS=: read -r tool op label colour <<<"$s"
		for v in 2 1; do
			f=$tmp/${tool}_${op}_$v.dat
			[ -f "$f" ] || continue
			dt=1
			[ "$v" = 1 ] && dt=2
			[ $first = 1 ] || printf ', '
			first=0
			printf "'%s' using 1:2:3:4 with yerrorlines lw 2 dt %s lc rgb '%s' pt 7 ps 0.6 title '%s, %s vCPU'" \
				"$f" "$dt" "$colour" "$label" "$v"
		done
	done
}

vsvm=vsvm:%s:vsvm:#1f77b4
hmm=test_hmm:%s:test_hmm:#d62728
mcpy=memcpy:copy:memcpy:#7f7f7f
# shellcheck disable=SC2059
{
	cat <<EOF
set terminal pngcairo size 1500,560 font 'DejaVu Sans,10' noenhanced
set output '$png'
set datafile separator ' '
set logscale xy 2
set xlabel 'size (MiB)'
set ylabel 'MB/s (median, min-max bars)'
set xtics (2, 8, 32, 128, 256)
set xrange [1.7:300]
set grid
set key bottom right font ',8'
set multiplot layout 1,3 title '$title'
set title 'migration to device memory (test_hmm: its ioctl minus its copy back, medians)'
EOF
	echo "plot $(panel "$(printf "$vsvm" to-dev)" "$(printf "$hmm" to-dev)" "$mcpy")"
	echo "set title 'migration to system memory'"
	echo "plot $(panel "$(printf "$vsvm" to-sys)" "$(printf "$hmm" to-sys)" "$mcpy")"
	echo "set title 'first-touch device read (THP)'"
	echo "plot $(panel "$(printf "$vsvm" first-touch-read)" "$(printf "$hmm" first-touch-read)" "$mcpy")"
	echo "unset multiplot"
} >"$tmp/plot.gp"
gnuplot "$tmp/plot.gp"

# Markdown: one table per operation, vsvm and test_hmm side by side.
md=${png%.png}.md
awk -F, '
function fmt(k) {
	if (!(k in med) || med[k] == "")
		return "-"
	if (lo[k] == "")
		return sprintf("%.0f", med[k])
	return sprintf("%.0f (%.0f-%.0f)", med[k], lo[k], hi[k])
}
function ratio(a, b) { return (a in med) && (b in med) && med[a] != "" && med[b] > 0 ? sprintf("%.2fx", med[a] / med[b]) : "-" }
$6 == "MB/s" {
	k = $1 SUBSEP $2 SUBSEP $3 SUBSEP $4
	med[k] = $8; lo[k] = $7; hi[k] = $9
	if (!($3 in seen_size)) { seen_size[$3] = 1; sizes[++ns] = $3 }
	if (!($4 in seen_cpu)) { seen_cpu[$4] = 1; cpus[++nc] = $4 }
}
$6 == "us" { lat[$2 SUBSEP $4] = sprintf("%.0f (%.0f-%.0f)", $8, $7, $9) }
END {
	# most vCPUs first
	for (i = 1; i <= nc; i++)
		for (j = i + 1; j <= nc; j++)
			if (cpus[j] + 0 > cpus[i] + 0) { t = cpus[i]; cpus[i] = cpus[j]; cpus[j] = t }
	split("to-dev to-sys first-touch-read fault-part", ops, " ")
	name["to-dev"] = "Migration to device memory (vsvm PREFETCH to VRAM; test_hmm MIGRATE_TO_DEV without its copy back: medians only)"
	name["to-sys"] = "Migration to system memory (vsvm PREFETCH to system; test_hmm MIGRATE_TO_SYS)"
	name["first-touch-read"] = "First-touch device read and copy out (vsvm COPY job into a mirrored buffer; test_hmm READ, its copy to the caller included)"
	name["fault-part"] = "Fault part of the first-touch read (first-touch minus mirrored read, medians)"
	for (o = 1; o <= 4; o++) {
		op = ops[o]
		printf "%s, MB/s, median (min-max):\n\n", name[op]
		print "| size | vCPUs | vsvm | test_hmm | memcpy | vsvm / test_hmm | vsvm / memcpy |"
		print "|---|---|---|---|---|---|---|"
		for (c = 1; c <= nc; c++)
			for (s = 1; s <= ns; s++) {
				v = "vsvm" SUBSEP op SUBSEP sizes[s] SUBSEP cpus[c]
				h = "test_hmm" SUBSEP op SUBSEP sizes[s] SUBSEP cpus[c]
				m = "memcpy" SUBSEP "copy" SUBSEP sizes[s] SUBSEP cpus[c]
				if (!(v in med) && !(h in med))
					continue
				printf "| %s MiB | %s | %s | %s | %s | %s | %s |\n", sizes[s], cpus[c], fmt(v), fmt(h), op == "fault-part" ? "" : fmt(m), ratio(v, h), op == "fault-part" ? "" : ratio(v, m)
			}
		print ""
	}
	for (c = 1; c <= nc; c++)
		if (("fault-2m-migrate" SUBSEP cpus[c]) in lat)
			printf "One 2 MiB GPU fault with migration to VRAM, %s vCPU(s): %s us (faulting job %s us, NOP job %s us, median (min-max))\n\n", cpus[c], lat["fault-2m-migrate" SUBSEP cpus[c]], lat["fault-2m-migrate-job" SUBSEP cpus[c]], lat["nop-job" SUBSEP cpus[c]]
}' "$tmp/all.csv" >"$md"
stage "plot: $png, tables: $md"
