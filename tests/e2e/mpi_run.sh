#!/bin/bash
# mpi_run.sh: distributed runs (issue 17; engine/dist.h, docs/scale.md). A synthetic
# population (3,000 people) -> ingest -> the pack tests/e2e/mpi/pack.hg (proportions
# with a practice and a two-way breakdown, a mean, counts, a crude and a person-time
# rate, a DSR, life expectancy, a segmentation breakdown, transitions, a worklist's
# aggregate, objectives for the inequality outputs) run by one process, then by
# `mpirun -np N` for N = 1, 2 and 4 (oversubscribed): indicators.csv/.json,
# inequalities.csv/.json and monitoring.csv/.json must be byte-identical to the one
# process's with disclosure control (k7) and without it (none), and indicators.xlsx
# too but for its run_at time; each rank must have evaluated its own range of
# persons (HEALTHGAP_ENGINE_STATS: the ranges tile the store) and only rank 0 writes.
# Skips when mpirun is missing or the binary was built without MPI.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
command -v mpirun > /dev/null || { echo "mpirun not installed (scripts/install-deps.sh)"; exit 77; }
ldd "$HG" 2> /dev/null | grep -q libmpi ||
	{ echo "$HG was built without MPI (no pkg-config ompi-c at build time)"; exit 77; }
cd "$TMPDIR"
fail() { echo "FAIL: $*"; exit 1; }
# Under ASan, the ranks run without the leak check: Open MPI leaves allocations of its
# plugins, which MPI_Finalize unloads (so they cannot even be named to suppress them); the
# one-process runs below keep it, and every other sanitizer check stays on in the ranks.
mpi() { ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" mpirun --allow-run-as-root --oversubscribe \
	--mca btl self,vader -x ASAN_OPTIONS -x UBSAN_OPTIONS -x HEALTHGAP_ENGINE_STATS "$@"; }

"$HG" synth --people 3000 --seed 5 --out raw --quiet
"$HG" ingest --persons raw/persons.csv --events raw/events.csv --store store --no-progress \
	--extract-date 2026-03-31 > /dev/null
printf 'indicator_id,target_value,target_date,gap_reduction_target,polarity\nHYP,15,2026-03-31,0.2,lower_is_better\nFLU_65,75,2026-03-31,0.2,higher_is_better\n' > objectives.csv
args=("$root/tests/e2e/mpi/pack.hg" --store store --codelists "$root/packs/core20plus5/codelists"
	--objectives objectives.csv --quiet)
. "$root/tests/e2e/lib/outputs.sh" # same DIR_A DIR_B LABEL

"$HG" run "${args[@]}" --out one --threads 2 2> one.log || fail "one process: $(cat one.log)"
grep -q '^HYP,.*,imd_quintile,sii,' one/inequalities.csv ||
	fail "no inequality outputs"
grep -q 'suppressed: disclosure control' one/indicators.csv ||
	fail "the k7 run suppressed nothing: the test would not see disclosure control"
grep -q '^BP_FLOW,.*-> ' one/indicators.csv || fail "no transitions rows"
for n in 1 2 4; do
	HEALTHGAP_ENGINE_STATS=1 mpi -np $n "$HG" run "${args[@]}" --out np$n --threads 1 2> np$n.log ||
		fail "mpirun -np $n: $(cat np$n.log)"
	same one np$n "mpirun -np $n (k7)"
	grep -q "\"mpi_ranks\": $n" np$n/metadata.json || [ $n = 1 ] ||
		fail "np$n/metadata.json does not record $n ranks"
	# the ranks' person ranges tile [0, 3000)
	ranges=$(grep -o 'persons [0-9]*-[0-9]*' np$n.log | awk '{print $2}' | sort -t- -k1,1n)
	[ "$(echo "$ranges" | wc -l)" = $n ] || fail "-np $n: $(echo "$ranges" | wc -l) passes, not $n"
	echo "$ranges" | awk -F- -v n=3000 'BEGIN{e=0} {if ($1 != e) exit 1; e = $2} END{if (e != n) exit 1}' ||
		fail "-np $n: the ranks' person ranges do not tile the store: $ranges"
	[ "$(grep -c 'healthgap run: 10 indicators' np$n.log)" = 1 ] ||
		fail "-np $n: more than one rank reported writing"
done
# the workbook: every part the same but its run_at time
python3 - one/indicators.xlsx np4/indicators.xlsx << 'PY' || fail "indicators.xlsx differs"
import re, sys, zipfile
a, b = (zipfile.ZipFile(p) for p in sys.argv[1:])
assert a.namelist() == b.namelist()
for n in a.namelist():
    if n == "docProps/core.xml":
        continue
    x, y = (re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"T", z.read(n)) for z in (a, b))
    if x != y:
        print("differs:", n)
        sys.exit(1)
PY
# without disclosure control every raw count, mean and person-year is published
"$HG" run "${args[@]}" --out one_none --threads 2 --sdc none --format csv,json 2> one.log ||
	fail "one process --sdc none: $(cat one.log)"
mpi -np 4 "$HG" run "${args[@]}" --out np4_none --threads 1 --sdc none --format csv,json 2> np.log ||
	fail "mpirun -np 4 --sdc none: $(cat np.log)"
same one_none np4_none "mpirun -np 4 (--sdc none)"
grep -q '^BMI_MEAN,.*,[0-9]*\.[0-9]' one_none/indicators.csv || fail "no mean values"
grep -q '^DNA_PT,.*,[0-9]*\.[0-9]*,[0-9]' one_none/indicators.csv || fail "no person-years"
echo "ok: mpirun -np 1, 2, 4 publish what one process does, byte for byte"
