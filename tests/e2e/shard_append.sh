#!/bin/bash
# shard_append.sh: `ingest --append` over a sharded store that `ingest --shards` made (issue
# 17; docs/scale.md "Appending to a sharded store"). A synthetic population (2,000 people)
# is ingested with --shards 3 without its last 20 persons and last week of events; the batch
# (those persons, the week, and the 20's earlier events) is appended to it:
#   - the shards are those of `ingest`, `ingest --append`, then `shard --shards 3` (every
#     file byte-identical but the manifests), so the batch's persons went to their shards by
#     shard's rule (the last shard grows by 20 and the boundaries move); verify passes; the
#     old shard snapshots are gone; info shows the source's new snapshot;
#   - run by one process and mpirun -np 2 publishes byte for byte what one process publishes
#     over the appended unsharded store (mpirun part skipped when missing);
#   - a batch over --max-reject-rate (exit 3), and a kill -9 while the shards are written
#     again, leave shards.json and the shards as they were, verifiable; the append then
#     succeeds;
#   - a kill between the new shards.json and the source's CURRENT (made by hand) is rolled
#     forward: the next append starts from the snapshot the shards were split from.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TMPDIR"
fail() { echo "FAIL: $*"; exit 1; }
has_mpi=1
command -v mpirun > /dev/null && ldd "$HG" 2> /dev/null | grep -q libmpi || has_mpi=0
mpi() { ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" mpirun --allow-run-as-root --oversubscribe \
	--mca btl self,vader -x ASAN_OPTIONS -x UBSAN_OPTIONS "$@"; }

"$HG" synth --people 2000 --seed 13 --out raw --quiet
# base: all but the last 20 persons, their events before the week; batch: the 20 and the week
python3 - << 'PY'
import csv
ps = open("raw/persons.csv").read().splitlines()
head, rows = ps[0], ps[1:]
new = {r.split(",")[0] for r in rows[-20:]}
open("base_p.csv", "w").write("\n".join([head] + rows[:-20]) + "\n")
open("batch_p.csv", "w").write("\n".join([head] + rows[-20:]) + "\n")
ev = open("raw/events.csv").read().splitlines()
b, w = [ev[0]], [ev[0]]
for line in ev[1:]:
    pid, date = line.split(",")[:2]
    (w if pid in new or date > "2026-03-24" else b).append(line)
assert len(w) > 100 and len(b) > 10000, (len(w), len(b))
open("base_e.csv", "w").write("\n".join(b) + "\n")
open("batch_e.csv", "w").write("\n".join(w) + "\n")
PY
opts=(--no-progress --extract-date 2026-03-31 --reference raw/reference)
"$HG" ingest --persons base_p.csv --events base_e.csv --store st "${opts[@]}" > /dev/null || fail "ingest st"
"$HG" ingest --persons base_p.csv --events base_e.csv --store sh --shards 3 "${opts[@]}" > /dev/null ||
	fail "ingest --shards"
"$HG" ingest --append --persons batch_p.csv --events batch_e.csv --store st "${opts[@]}" > /dev/null ||
	fail "append st"
"$HG" shard st --shards 3 --out ref > /dev/null || fail "shard st"
sum() { find "$1" -type f -exec b2sum {} + | sort -k2 | b2sum; }

# a batch over --max-reject-rate: exit 3, the shards as they were
cp batch_e.csv bad_e.csv
printf 'nobody-here,2026-03-30,1000002,,gp\n' >> bad_e.csv
shards_before=$(sum sh/shard-0000)$(sum sh/shard-0002)
rc=0
"$HG" ingest --append --persons batch_p.csv --events bad_e.csv --store sh --max-reject-rate 0 \
	"${opts[@]}" > e.log 2>&1 || rc=$?
[ $rc = 3 ] || fail "over --max-reject-rate: exit $rc: $(cat e.log)"
grep -q 'sh: its shards were not changed' e.log || fail "reject message: $(cat e.log)"
[ "$(sum sh/shard-0000)$(sum sh/shard-0002)" = "$shards_before" ] || fail "the rejected batch changed the shards"
[ "$(cat sh/source/CURRENT)" = snap-000001 ] || fail "the rejected batch was made current in sh/source"
sj=$(b2sum < sh/shards.json)

# kill -9 while the shards are written again: the old split stays, whole
"$HG" ingest --append --persons batch_p.csv --events batch_e.csv --store sh "${opts[@]}" > /dev/null 2>&1 &
pid=$!
end=$((SECONDS + 120))
while [ $SECONDS -lt $end ] && kill -0 $pid 2> /dev/null; do
	compgen -G 'sh/shard-000*/.tmp-*' > /dev/null && break
done
if kill -9 $pid 2> /dev/null; then
	wait $pid 2> /dev/null || true
	[ "$(b2sum < sh/shards.json)" = "$sj" ] || fail "a kill -9 during the split changed shards.json"
	"$HG" verify sh > /dev/null || fail "verify after kill -9"
	[ "$(cat sh/source/CURRENT)" = snap-000001 ] || fail "the killed batch was made current in sh/source"
else
	wait $pid 2> /dev/null || fail "the append that was to be killed failed"
	echo "note: the append finished before it could be killed"
	rm -rf sh
	"$HG" ingest --persons base_p.csv --events base_e.csv --store sh --shards 3 "${opts[@]}" > /dev/null
fi
"$HG" ingest --append --persons batch_p.csv --events batch_e.csv --store sh "${opts[@]}" > a.log 2>&1 ||
	fail "append over sh: $(cat a.log)"
grep -q 'split again into sh.s shards' a.log || fail "append said: $(cat a.log)"
"$HG" verify sh > /dev/null || fail "verify sh after the append"
"$HG" info sh | grep -q "3 shards of snapshot $(cat sh/source/CURRENT)" || fail "info: $("$HG" info sh)"

# the same shards as append then shard
for k in 0 1 2; do
	[ "$(ls sh/shard-000$k | grep -c '^snap-')" = 1 ] || fail "shard $k: old snapshots kept: $(ls sh/shard-000$k)"
	a=ref/shard-000$k/$(cat ref/shard-000$k/CURRENT) b=sh/shard-000$k/$(cat sh/shard-000$k/CURRENT)
	[ "$(ls "$a")" = "$(ls "$b")" ] || fail "shard $k: other files"
	n=0
	for f in "$a"/*; do
		f=$(basename "$f")
		case $f in manifest.json | manifest.blake2b) continue ;; esac
		cmp -s "$a/$f" "$b/$f" || fail "shard $k: $f differs from append then shard"
		n=$((n + 1))
	done
	[ $n -gt 20 ] || fail "shard $k: only $n files compared"
done
python3 - << 'PY' || fail "shards.json"
import json
a, b = (json.load(open(f"{d}/shards.json")) for d in ("ref", "sh"))
assert [s["persons"] for s in a["shards"]] == [s["persons"] for s in b["shards"]]
assert sum(s["persons"] for s in b["shards"]) == 2000, b["shards"]
PY
ls sh/code_events* | wc -l | grep -q '^1$' || fail "old code_events files kept: $(ls sh)"

# runs publish what one process publishes over the appended store
args=("$root/tests/e2e/mpi/pack.hg" --codelists "$root/packs/core20plus5/codelists" --quiet --threads 1)
. "$root/tests/e2e/lib/outputs.sh" # same DIR_A DIR_B LABEL
"$HG" run "${args[@]}" --store st --out one 2> r.log || fail "run st: $(cat r.log)"
"$HG" run "${args[@]}" --store sh --out s1 2> r.log || fail "run sh: $(cat r.log)"
same one s1 "one process over the appended shards"
if [ $has_mpi = 1 ]; then
	mpi -np 2 "$HG" run "${args[@]}" --store sh --out np2 2> r.log || fail "mpirun -np 2: $(cat r.log)"
	same one np2 "mpirun -np 2 over the appended shards"
else
	echo "note: mpirun or an MPI build missing: the distributed run was not made"
fi

# a kill between shards.json and the source's CURRENT (made by hand): rolled forward
listed=$(cat sh/source/CURRENT)
echo snap-000001 > sh/source/CURRENT
head -1 batch_p.csv > none_p.csv
printf 'person_id,date,code,value,setting\n%s,2026-03-30,1000002,,gp\n' "$(sed -n 2p batch_p.csv | cut -d, -f1)" > one_e.csv
"$HG" ingest --append --persons none_p.csv --events one_e.csv --store sh "${opts[@]}" > a.log 2>&1 ||
	fail "append after the hand-made kill: $(cat a.log)"
python3 - "$listed" << 'PY' || fail "the append did not start from the listed snapshot"
import json, sys
m = json.load(open("sh/source/" + open("sh/source/CURRENT").read().strip() + "/manifest.json"))
assert m["lineage"]["parent"] == sys.argv[1], (m["lineage"]["parent"], sys.argv[1])
s = json.load(open("sh/shards.json"))
assert s["source"]["persons"] == 2000, s["source"]
PY
"$HG" verify sh > /dev/null || fail "verify after the roll-forward"
echo "shard_append: ok"
