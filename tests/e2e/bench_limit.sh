#!/bin/bash
# bench_limit.sh: bench/limit's hand-written baseline (issue 18) and the engine agree cell
# for cell on bench/engine/three.hg over a small synthetic population, on 1 and 2 threads:
# every numerator and denominator of the imd_quintile x ethnicity breakdown (the check
# bench/limit/run.sh makes on every benchmark run, kept here so that a change to the engine
# or to the baseline that breaks it fails the suite, not only the benchmark). The bare scan
# must run and print its checksum.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TMPDIR"
fail() { echo "FAIL: $*"; exit 1; }
lim="$BUILD/bench_limit"
# the baseline is built with the plain build's flags only (make does not track SAN=1)
if ldd "$HG" 2> /dev/null | grep -q libasan; then
	echo "bench_limit: skipped under ASan (the baseline is checked on the plain build)"
	exit 77
fi
make -C "$root" --no-print-directory BUILD="$BUILD" "$lim" > make.log 2>&1 || fail "make bench_limit: $(tail -3 make.log)"

$HG synth --people 3000 --seed 11 --out data > /dev/null
$HG ingest --persons data/persons.csv --events data/events.csv --store st --no-progress > ingest.log ||
	fail "ingest: $(cat ingest.log)"
$HG run "$root/bench/engine/three.hg" --store st --out run --sdc none --format csv > run.log 2>&1 ||
	fail "run: $(cat run.log)"
for t in 1 2; do
	"$lim" st "$root/packs/core20plus5/codelists" limit$t.csv $t 2> limit.err || fail "limit: $(cat limit.err)"
	grep -q "^limit: $t threads" limit.err || fail "limit printed no timing: $(cat limit.err)"
	python3 - run/indicators.csv limit$t.csv <<'PY' || fail "baseline and engine differ ($t threads)"
import csv, sys
hg = {}
for r in csv.DictReader(open(sys.argv[1])):
    if r['breakdown'] == 'imd_quintile x ethnicity':
        hg[(r['indicator_id'], r['period_end'], r['category'])] = (float(r['numerator'] or 0), float(r['denominator']))
lim = {}
for r in csv.DictReader(open(sys.argv[2])):
    lim[(r['indicator_id'], r['period_end'], r['category'])] = (float(r['numerator']), float(r['denominator']))
assert len(lim) == 3 * 20 * 36, len(lim)
bad = [k for k in set(hg) | set(lim) if hg.get(k, (0, 0)) != lim.get(k, (0, 0))]
nonzero = sum(1 for v in lim.values() if v[0] > 0)
print(f"{len(bad)} cells differ of {len(lim)}; {nonzero} with a non-zero numerator")
sys.exit(1 if bad or nonzero < 100 else 0)
PY
done
sum=$("$lim" --scan st 2 2> scan.err) || fail "scan: $(cat scan.err)"
[[ $sum =~ ^[0-9]+$ ]] || fail "scan printed no checksum: $sum"
echo "bench_limit: baseline and engine identical on 2,160 cells (1 and 2 threads)"
