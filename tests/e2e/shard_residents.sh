#!/bin/bash
# shard_residents.sh: resident denominators over a sharded store (issue 17; docs/scale.md
# "Sharded stores", docs/language.md "Resident populations"). A synthetic population (2,000
# people with address histories) is ingested and split into 3 shards (`ingest --shards 3`);
# a pack of `denominator: residents` rates, a DSR and life expectancy, with a population file
# of ONS's published shape covering two thirds of the store's LSOAs, is run by one process
# over the unsharded store (the reference), by one process over the shards and by
# mpirun -np 2 and 3 over them: indicators, inequalities and monitoring (CSV and JSON) and
# metadata.json's population record are byte-identical, with disclosure control and without.
# The residents' denominators are added once (not once per shard or rank): the published
# denominator of "All" is the file's total of the area. The mpirun part skips (the rest
# runs) when mpirun or an MPI build is missing.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TMPDIR"
fail() { echo "FAIL: $*"; exit 1; }
has_mpi=1
command -v mpirun > /dev/null && ldd "$HG" 2> /dev/null | grep -q libmpi || has_mpi=0
mpi() { ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" mpirun --allow-run-as-root --oversubscribe \
	--mca btl self,vader -x ASAN_OPTIONS -x UBSAN_OPTIONS "$@"; }

"$HG" synth --people 2000 --seed 11 --out raw --quiet
in=(--persons raw/persons.csv --events raw/events.csv --registrations raw/registrations.csv
	--addresses raw/addresses.csv --no-progress --extract-date 2026-03-31)
"$HG" ingest "${in[@]}" --store st > /dev/null 2>&1 || fail "ingest"
"$HG" ingest "${in[@]}" --store sh --shards 3 > /dev/null 2>&1 || fail "ingest --shards 3"

# ONS's wide layout (one row per LSOA and sex, age0 .. age89, age90plus) for two thirds of
# the LSOAs where someone lives or lived, estimates made up from the codes
python3 - << 'PY'
import csv
lsoas = set()
for f, col in (("raw/persons.csv", "lsoa"), ("raw/addresses.csv", "lsoa")):
    for r in csv.DictReader(open(f)):
        if r[col]:
            lsoas.add(r[col])
keep = sorted(lsoas)[: 2 * len(lsoas) // 3]
assert len(keep) >= 4 and len(keep) < len(lsoas), (len(keep), len(lsoas))
with open("pop.csv", "w") as o:
    o.write("lsoa_code,gender," + ",".join(f"age{a}" for a in range(90)) + ",age90plus\n")
    for i, l in enumerate(keep):
        for s in "mf":
            n = [(i * 7 + a * 3 + (s == "f") * 5) % 23 + 1 for a in range(91)]
            o.write(f"{l},{s}," + ",".join(map(str, n)) + "\n")
total = sum((i * 7 + a * 3 + k * 5) % 23 + 1 for i in range(len(keep)) for k in (0, 1) for a in range(91))
open("total.txt", "w").write(str(total))
PY
cat > pack.hg << 'HG'
periods rolling 12 months quarterly from 2025-04-01 to 2026-03-31

indicator GP_RES "GP events per 1,000 residents per year"
  rate per 1000 per year
  denominator: residents
  events: any in setting gp
  by local_authority, imd_quintile, sex, age_band

indicator AE_RES "A&E attendances per 1,000 residents aged 0 to 74 per year"
  rate per 1000 per year
  denominator: residents
  events: any in setting ae
  ages 0 to 74
  by imd_quintile, sex

indicator GP_DSR "GP events, age-standardised per 100,000 residents per year"
  dsr per 100000 per year
  denominator: residents
  events: any in setting gp
  by imd_quintile, sex

indicator LE_RES "Life expectancy at birth of residents"
  life_expectancy
  denominator: residents
  events: deaths
  by imd_quintile
  periods rolling 36 months annual from 2023-04-01 to 2026-03-31
HG
. "$root/tests/e2e/lib/outputs.sh"
same_pop() { # same DIR_A DIR_B LABEL, and the population record
	same "$@"
	[ "$(jq -c .population "$1/metadata.json")" = "$(jq -c .population "$2/metadata.json")" ] ||
		fail "$3: metadata.json's population differs"
}
for sdc in default none; do
	opt=(pack.hg --population pop.csv --quiet --threads 1 --format csv,json)
	[ $sdc = none ] && opt+=(--sdc none)
	"$HG" run "${opt[@]}" --store st --out one_$sdc 2> one.log || fail "run st ($sdc): $(cat one.log)"
	"$HG" run "${opt[@]}" --store sh --out s1_$sdc 2> s1.log || fail "run sh ($sdc): $(cat s1.log)"
	same_pop one_$sdc s1_$sdc "one process over 3 shards (sdc $sdc)"
	if [ $has_mpi = 1 ]; then
		for n in 2 3; do
			mpi -np $n "$HG" run "${opt[@]}" --store sh --out np${n}_$sdc 2> np.log ||
				fail "mpirun -np $n ($sdc): $(cat np.log)"
			same_pop one_$sdc np${n}_$sdc "mpirun -np $n over 3 shards (sdc $sdc)"
		done
	fi
done
[ $has_mpi = 1 ] || echo "note: mpirun or an MPI build missing: the distributed runs were not made"
# what the comparison rests on: residents' rows, and the area's total as the denominator of
# All (once, not once per shard or rank)
total=$(cat total.txt)
for i in GP_RES AE_RES GP_DSR LE_RES; do
	grep -q "^$i," one_none/indicators.csv || fail "no $i rows"
done
python3 - "$total" << 'PY' || fail "the denominator of GP_RES All is not the file's total"
import csv, sys
rows = [r for r in csv.DictReader(open("one_none/indicators.csv"))
        if r["indicator_id"] == "GP_RES" and r["breakdown"] == "all"]
assert rows, "no All rows"
for r in rows:
    assert float(r["denominator"]) == float(sys.argv[1]), (r["denominator"], sys.argv[1])
    assert float(r["numerator"]) > 0, r
PY
grep -q 'suppressed' one_default/indicators.csv || fail "nothing suppressed: no disclosure control seen"
[ "$(jq -r .population.area_lsoas one_none/metadata.json)" -ge 4 ] || fail "metadata: $(jq -c .population one_none/metadata.json)"
echo "shard_residents: ok"
