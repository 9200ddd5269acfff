#!/bin/bash
# shard.sh: sharded stores (issue 17; store/shard.h, docs/scale.md "Sharded stores").
# A synthetic population (3,000 people, with pathways, appointments and registration and
# address histories) is ingested, the last week of events appended (two event segments),
# and the store split into 3 shards by `healthgap shard`:
#   - verify passes on the sharded store and on each shard alone; each per-person file of
#     the shards, laid end to end, is the source's (person ids, columns; events, pathways,
#     appointments and history periods likewise), every dictionary the same bytes;
#   - run over the sharded store by one process (it iterates the shards) publishes
#     byte-identical indicators/inequalities/monitoring CSV and JSON to the unsharded
#     store's, for the MPI test pack and for a pathway-and-appointment pack, and
#     metadata.json names the source snapshot and its manifest hash;
#   - mpirun -np 1, 2 and 4 over 3 shards (4 ranks: one idle) and -np 2 over 2 shards
#     (one each) publish the same bytes, each rank reading only its own shards;
#   - a percentile pack over several shards in one process, a shard replaced by another
#     split's, a damaged shard, --out over a sharded store and a command given the
#     sharded directory for one store are clear errors; sealed NHS numbers shard with their persons.
# The mpirun parts skip (the rest runs) when mpirun is missing or the binary lacks MPI.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TMPDIR"
fail() { echo "FAIL: $*"; exit 1; }
has_mpi=1
command -v mpirun > /dev/null && ldd "$HG" 2> /dev/null | grep -q libmpi || has_mpi=0
mpi() { ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" mpirun --allow-run-as-root --oversubscribe \
	--mca btl self,vader -x ASAN_OPTIONS -x UBSAN_OPTIONS -x HEALTHGAP_ENGINE_STATS "$@"; }

"$HG" synth --people 3000 --seed 5 --out raw --quiet
# all but the last week of events, then the week appended: two event segments
awk -F, 'NR == 1 { print > "hist.csv"; print > "week.csv"; next }
	$2 > "2026-03-24" { print > "week.csv"; next } { print > "hist.csv" }' raw/events.csv
head -1 raw/persons.csv > nobody.csv
"$HG" ingest --persons raw/persons.csv --events hist.csv --pathways raw/pathways.csv \
	--appointments raw/appointments.csv --registrations raw/registrations.csv \
	--addresses raw/addresses.csv --store store --no-progress --extract-date 2026-03-31 > /dev/null
"$HG" ingest --append --persons nobody.csv --events week.csv --store store --reference raw/reference \
	--no-progress --extract-date 2026-03-31 > /dev/null
snap=store/$(cat store/CURRENT)
grep -q '"event_segments"' "$snap/manifest.json" || fail "the appended store has no segments"

"$HG" shard store --shards 3 --out sh3 > shard.log || fail "shard: $(cat shard.log)"
"$HG" verify sh3 > verify.log || fail "verify sh3: $(cat verify.log)"
grep -q "sharded store" verify.log || fail "verify does not say it checked a sharded store"
for k in 0 1 2; do
	"$HG" verify sh3/shard-000$k > /dev/null || fail "verify sh3/shard-000$k"
done
"$HG" info sh3 | grep -q "3 shards of snapshot $(cat store/CURRENT)" || fail "info sh3"

# the shards' files laid end to end are the source's
shards=(sh3/shard-0000/snap-000001 sh3/shard-0001/snap-000001 sh3/shard-0002/snap-000001)
for f in person.dob.i32 person.sex.u8 person.lsoa.u32 person.practice.u32 person.flags.u64 \
	registration.from.i32 registration.practice.u32 address.lsoa.u32 address.to.i32 \
	pathway.clock_start.i32 pathway.provider.u32 appointment.date.i32 appointment.outcome.u8; do
	[ -s "$snap/$f" ] || fail "the source has no $f: the test would not see it"
	cat "${shards[@]/%//$f}" | cmp -s - "$snap/$f" || fail "$f: the shards' rows are not the source's"
done
# the events were merged from two segments at open: compare through the stores' own counts
ev=$(python3 -c "import json; print(json.load(open('$snap/manifest.json'))['counts']['events'])")
ev3=$(python3 -c "import json; print(sum(json.load(open(f'sh3/shard-000{k}/snap-000001/manifest.json'))['counts']['events'] for k in range(3)))")
[ "$ev" = "$ev3" ] || fail "the shards hold $ev3 events, the source $ev"
for f in dict.code.str dict.practice.str dict.lsoa.str dict.specialty.str dict.lsoa_local_quintile.u8; do
	for s in "${shards[@]}"; do
		cmp -s "$s/$f" "${shards[0]}/$f" || fail "$s/$f differs from shard 0's"
	done
done

# one process over the sharded store against the unsharded store
printf 'indicator_id,target_value,target_date,gap_reduction_target,polarity\nHYP,15,2026-03-31,0.2,lower_is_better\nFLU_65,75,2026-03-31,0.2,higher_is_better\n' > objectives.csv
args=("$root/tests/e2e/mpi/pack.hg" --codelists "$root/packs/core20plus5/codelists"
	--objectives objectives.csv --quiet)
. "$root/tests/e2e/lib/outputs.sh" # same DIR_A DIR_B LABEL
"$HG" run "${args[@]}" --store store --out one --threads 2 2> one.log || fail "unsharded: $(cat one.log)"
grep -q 'suppressed: disclosure control' one/indicators.csv || fail "nothing suppressed: no disclosure control seen"
HEALTHGAP_ENGINE_STATS=1 "$HG" run "${args[@]}" --store sh3 --out s1 --threads 1 2> s1.log ||
	fail "one process over sh3: $(cat s1.log)"
same one s1 "one process over 3 shards"
grep -q 'reads shards 0-3 of 3' s1.log || fail "one process did not read the 3 shards"
python3 - one/metadata.json s1/metadata.json << 'PY' || fail "metadata.json of the sharded run"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
assert a["store_snapshot"] == b["store_snapshot"], (a["store_snapshot"], b["store_snapshot"])
assert a["store_manifest_hash_blake2b256"] == b["store_manifest_hash_blake2b256"]
assert b["store_shards"] == 3 and "store_shards" not in a
PY

# the codelist coverage (codes found, events) is the whole store's, not the first shard's
cov=("$root/tests/e2e/mpi/pack.hg" --codelists "$root/packs/core20plus5/codelists" --check)
"$HG" run "${cov[@]}" --store store | grep -v ' ok against ' > cov_one.txt
"$HG" run "${cov[@]}" --store sh3 | grep -v ' ok against ' > cov_sh3.txt
grep -q ' events' cov_one.txt || fail "no coverage lines"
cmp -s cov_one.txt cov_sh3.txt || fail "coverage over sh3 differs: $(diff cov_one.txt cov_sh3.txt | head -4)"

# pathways and appointments: the elective recovery pack without its percentiles (beside a
# link to the packs it reads codelists from)
mkdir -p packs/ier
ln -s "$root/packs/core20plus5" packs/core20plus5
python3 - "$root/packs/inclusive-elective-recovery/inclusive-elective-recovery.hg" << 'PY' > packs/ier/ier.hg
import sys
for block in open(sys.argv[1]).read().split("\n\n"):
    if "\n  percentile " not in block:
        print(block, end="\n\n")
PY
grep -q 'over appointments' packs/ier/ier.hg && grep -q 'over pathways' packs/ier/ier.hg || fail "packs/ier/ier.hg lost its unit indicators"
"$HG" run packs/ier/ier.hg --store store --out ier_one --quiet --objectives objectives.csv 2> ier.log ||
	fail "ier unsharded: $(cat ier.log)"
"$HG" run packs/ier/ier.hg --store sh3 --out ier_s1 --quiet --objectives objectives.csv 2> ier.log ||
	fail "ier over sh3: $(cat ier.log)"
grep -q '^DNA_FIRST,' ier_one/indicators.csv || fail "no appointment rows"
grep -q '^WL_OPEN,' ier_one/indicators.csv || fail "no pathway rows"
same ier_one ier_s1 "elective recovery over 3 shards"

# a percentile cannot be summed over shards: an error naming it, nothing written
"$HG" run "$root/packs/inclusive-elective-recovery" --store sh3 --out pct --quiet 2> pct.log &&
	fail "a percentile pack ran over 3 shards in one process"
grep -q 'WL_MEDIAN is a percentile' pct.log || fail "percentile error: $(cat pct.log)"
[ ! -e pct/indicators.csv ] || fail "the percentile run wrote outputs"

if [ $has_mpi = 1 ]; then
	for n in 1 2 4; do
		HEALTHGAP_ENGINE_STATS=1 mpi -np $n "$HG" run "${args[@]}" --store sh3 --out np$n --threads 1 \
			2> np$n.log || fail "mpirun -np $n over 3 shards: $(cat np$n.log)"
		same one np$n "mpirun -np $n over 3 shards"
		# each shard read by exactly one rank
		got=$(grep -o 'reads shards [0-9]*-[0-9]*' np$n.log | awk '{print $3}' | sort -n |
			awk -F- '{for (k = $1; k < $2; k++) printf "%d ", k}')
		[ "$got" = "0 1 2 " ] || fail "-np $n: the ranks read shards '$got', not 0 1 2 once each"
	done
	grep -q 'rank 0 of 4 reads shards 0-0' np4.log || fail "-np 4 over 3 shards: no idle rank"
	"$HG" shard store --shards 2 --out sh2 > /dev/null || fail "shard --shards 2"
	mpi -np 2 "$HG" run "${args[@]}" --store sh2 --out np2s2 --threads 1 --sdc none \
		--format csv,json 2> np.log || fail "mpirun -np 2 over 2 shards: $(cat np.log)"
	"$HG" run "${args[@]}" --store store --out one_none --sdc none --format csv,json 2> /dev/null
	same one_none np2s2 "mpirun -np 2 over 2 shards (--sdc none)"
	mpi -np 2 "$HG" run packs/ier/ier.hg --store sh2 --out ier_np2 --quiet --objectives objectives.csv \
		2> np.log || fail "ier mpirun -np 2: $(cat np.log)"
	same ier_one ier_np2 "elective recovery, mpirun -np 2 over 2 shards"
else
	echo "note: mpirun or an MPI build missing: the distributed parts were not run"
fi

# errors: a shard replaced by another split's, a damaged shard, --out in use, bad counts
"$HG" shard store --shards 3 --out sh3 > out.log 2>&1 && fail "shard wrote over a sharded store"
grep -q 'already holds a sharded store' out.log || fail "--out in use: $(cat out.log)"
"$HG" shard store --shards 0 --out x > out.log 2>&1 && fail "--shards 0 accepted"
"$HG" shard store --shards 3001 --out x > out.log 2>&1 && fail "more shards than persons accepted"
grep -q "no more than the store's 3000 persons" out.log || fail "--shards 3001: $(cat out.log)"
cp -r sh3 mixed
"$HG" shard store --shards 2 --out other > /dev/null
rm -rf mixed/shard-0001 && cp -r other/shard-0001 mixed/shard-0001
"$HG" verify mixed > out.log 2>&1 && fail "verify passed a shard from another split"
grep -q 'not the one shards.json lists' out.log || fail "verify mixed: $(cat out.log)"
"$HG" run "${args[@]}" --store mixed --out mixed_out 2> out.log && fail "run over a mixed split"
grep -q 'not the one shards.json lists' out.log || fail "run mixed: $(cat out.log)"
cp -r sh3 bad
printf 'x' >> bad/shard-0002/snap-000001/person.sex.u8
"$HG" verify bad > out.log 2>&1 && fail "verify passed a damaged shard"
grep -q 'shard-0002' out.log || fail "verify bad does not name the shard: $(cat out.log)"
cp -r sh3 badce
printf 'xxxxxxxx' >> badce/code_events.u64
"$HG" run "${args[@]}" --store badce --out badce_out 2> out.log && fail "run with damaged code_events.u64"
grep -q 'code_events.u64: does not match its checksum' out.log || fail "badce: $(cat out.log)"
"$HG" info --json sh3 > out.log 2>&1 && fail "info --json read a sharded directory as one store"
grep -q 'a sharded store (shards.json)' out.log || fail "info --json sh3: $(cat out.log)"

# sealed NHS numbers shard with their persons
python3 - << 'PY'
nums, n = [], 400000000
while len(nums) < 6:
    n += 7
    d = str(n).zfill(9)
    c = 11 - sum(int(x) * (10 - i) for i, x in enumerate(d)) % 11
    c = 0 if c == 11 else c
    if c != 10:
        nums.append(d + str(c))
with open("rp.csv", "w") as f:
    f.write("nhs_number,date_of_birth,sex,lsoa,practice,registered_from\n")
    for i, x in enumerate(nums):
        f.write(f"{x},1950-01-0{i+1},1,E01000001,{'A00001' if i < 3 else 'A00002'},2010-01-01\n")
with open("re.csv", "w") as f:
    f.write("nhs_number,date,code,value,setting\n")
    for x in nums:
        f.write(f"{x},2015-01-01,1000002,,gp\n")
PY
mkdir -p pub keys
"$HG" keygen --out pseudo.key > /dev/null
for p in A00001 A00002; do
	"$HG" keygen --reid --practice $p --out keys > /dev/null
	cp keys/$p.pub pub/
done
"$HG" ingest --persons rp.csv --events re.csv --store rstore --key-file pseudo.key --reid-keys pub \
	--reference "$root/tests/lang/reference" --no-progress --extract-date 2026-12-31 > /dev/null 2>&1
"$HG" shard rstore --shards 2 --out rsh > /dev/null || fail "shard a store with sealed NHS numbers"
"$HG" verify rsh > /dev/null || fail "verify rsh"
rs=rstore/$(cat rstore/CURRENT)
cat rsh/shard-0000/snap-000001/person.reid.b58 rsh/shard-0001/snap-000001/person.reid.b58 |
	cmp -s - "$rs/person.reid.b58" || fail "the sealed NHS numbers are not the source's, in order"
echo "shard: ok"
