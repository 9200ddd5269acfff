#!/bin/bash
# bench/limit/run.sh [BUILD] [PEOPLE...]: the engine against the machine (issue 18).
# For each population size (default 1000000; synthetic data and store shared with
# bench/engine under bench/out/engine/PEOPLE), on 1 and 2 threads, RUNS times each
# (default 5; BENCH_RUNS=N):
#   - healthgap runs bench/engine/three.hg (HEALTHGAP_ENGINE_STATS: the evaluation's
#     wall and CPU time, after the store is open and the pack compiled);
#   - bench/limit/limit.c (BUILD/bench_limit), the hand-written C program for exactly
#     that query, evaluates it from the same store; its cells are checked against
#     healthgap's indicators.csv on every run (every cell of the imd_quintile x
#     ethnicity breakdown: numerator and denominator must be identical, or it fails);
#   - a bare scan reads the same columns (bench_limit --scan).
# Prints medians of the evaluation's wall and CPU seconds and the ratios
# engine/baseline and baseline/scan. The machine may be shared: the CPU seconds
# are the steadier figure; docs/performance.md has instruction counts (callgrind).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
shift || true
sizes=${*:-1000000}
runs=${BENCH_RUNS:-5}
hg="$build/healthgap"
[ -x "$hg" ] || { echo "no binary $hg (make first)"; exit 1; }
# BENCH_LIMIT=PATH: a baseline binary built elsewhere (to time an older healthgap against it)
lim=${BENCH_LIMIT:-$build/bench_limit}
[ -n "${BENCH_LIMIT:-}" ] || make -C "$root" --no-print-directory BUILD="$build" "$lim" > /dev/null

for people in $sizes; do
	d="$root/bench/out/engine/$people"
	mkdir -p "$d"
	cd "$d"
	if [ ! -s data/events.csv ] || [ ! -f data/done ]; then
		rm -rf data store
		"$hg" synth --people "$people" --seed 1 --out data > /dev/null
		touch data/done
	fi
	if [ ! -f store/CURRENT ]; then
		rm -rf store
		"$hg" ingest --persons data/persons.csv --events data/events.csv --store store \
			--no-progress > ingest.log
	fi
	echo "== $people people; $(nproc) cores; medians of $runs runs"
	: > limit.times
	for t in 1 2; do
		for r in $(seq "$runs"); do
			rm -rf run_limit
			HEALTHGAP_ENGINE_STATS=1 "$hg" run "$root/bench/engine/three.hg" --store store \
				--out run_limit --sdc none --format csv --threads "$t" > /dev/null 2> engine.err
			grep '^engine:' engine.err | sed "s/^/$t /" >> limit.times
			"$lim" store "$root/packs/core20plus5/codelists" limit.csv "$t" 2>> limit.err.tmp
			tail -1 limit.err.tmp | sed "s/^/$t /" >> limit.times
			"$lim" --scan store "$t" > /dev/null 2>> limit.err.tmp
			tail -1 limit.err.tmp | sed "s/^/$t /" >> limit.times
			python3 - run_limit/indicators.csv limit.csv <<'PY'
import csv, sys
hg = {}
for r in csv.DictReader(open(sys.argv[1])):
    if r['breakdown'] == 'imd_quintile x ethnicity':
        hg[(r['indicator_id'], r['period_end'], r['category'])] = (float(r['numerator'] or 0), float(r['denominator']))
lim = {}
for r in csv.DictReader(open(sys.argv[2])):
    k = (r['indicator_id'], r['period_end'], r['category'])
    v = (float(r['numerator']), float(r['denominator']))
    if k in hg or v != (0, 0):
        lim[k] = v
bad = [k for k in set(hg) | set(lim) if hg.get(k, (0, 0)) != lim.get(k, (0, 0))]
if bad or not hg:
    print(f"bench/limit: {len(bad)} of {len(hg)} cells differ from healthgap run, e.g. {sorted(bad)[:3]}")
    sys.exit(1)
PY
		done
	done
	rm -f limit.err.tmp
	python3 - limit.times "$(grep -c . limit.csv)" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    m = re.match(r'(\d) (engine|limit|scan):.*?([\d.]+) s \(cpu ([\d.]+) s\)', line)
    if m:
        rows.setdefault((int(m.group(1)), m.group(2)), []).append((float(m.group(3)), float(m.group(4))))
med = lambda xs, i: statistics.median(x[i] for x in xs)
print(f"{'threads':>7} {'':10}{'wall s':>9}{'cpu s':>9}")
for t in (1, 2):
    for w in ('engine', 'limit', 'scan'):
        xs = rows[(t, w)]
        print(f"{t:>7} {w:10}{med(xs, 0):>9.3f}{med(xs, 1):>9.3f}")
    e, l, s = rows[(t, 'engine')], rows[(t, 'limit')], rows[(t, 'scan')]
    print(f"{t:>7} engine/baseline {med(e, 0) / med(l, 0):.2f}x wall, {med(e, 1) / med(l, 1):.2f}x cpu; "
          f"baseline/scan {med(l, 0) / med(s, 0):.2f}x wall, {med(l, 1) / med(s, 1):.2f}x cpu")
print(f"cells: identical on every run ({int(sys.argv[2]) - 1} baseline cells)")
PY
done
