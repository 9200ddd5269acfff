#!/bin/bash
# bench/scenario/run.sh [BUILD] [PEOPLE]: the 10,000-draw PSA of the 16 scenarios of
# packs/core20plus5/scenarios (one per indicator of the pack; issue 14) on 2 threads,
# over a synthetic run of PEOPLE people (default 30000). Prints each scenario's
# analysis time (deterministic results, DCEA, PSA, tornado: what the program
# reports), their total against the 2 s target, and the command's wall time with
# its file writing. A benchmark, not a test: it never fails on time.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
people=${2:-30000}
hg="$build/healthgap"
[ -x "$hg" ] || { echo "no binary $hg (make first)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$hg" synth --people "$people" --seed 5 --out "$work/raw" >/dev/null 2>&1
"$hg" ingest --persons "$work/raw/persons.csv" --events "$work/raw/events.csv" \
	--store "$work/store" --no-progress --extract-date 2026-03-31 >/dev/null 2>&1
"$hg" run "$root/packs/core20plus5/core20plus5.hg" --store "$work/store" --out "$work/res" \
	--format csv,json --threads 2 >/dev/null 2>&1
start=$(date +%s.%N)
"$hg" scenario "$root/packs/core20plus5/scenarios" --results "$work/res" --out "$work/scn" \
	--draws 10000 --threads 2 >"$work/out.txt"
end=$(date +%s.%N)
grep -o '^[a-z0-9_]*:\|[0-9]* draws in [0-9.]* s' "$work/out.txt" | paste - - |
	awk '{printf "  %-22s %s draws in %s s\n", $1, $2, $5; t += $5; n++}
	     END {printf "PSA of %d scenarios, 10,000 draws each, 2 threads: %.2f s (target < 2 s)\n", n, t}'
awk -v s="$start" -v e="$end" 'BEGIN {printf "healthgap scenario wall time with its outputs: %.2f s\n", e - s}'
