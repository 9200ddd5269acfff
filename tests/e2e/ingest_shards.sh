#!/bin/bash
# ingest_shards.sh: `healthgap ingest --shards N` (issue 17; docs/scale.md "Ingesting into
# shards"): ingest, then split, in one command.
#   - a synthetic population (2,000 people, with pathways, appointments and registration and
#     address histories) ingested with --shards 3 gives the same shards as `ingest` then
#     `shard --shards 3`: every file of every shard byte-identical but the manifest, whose
#     only differences are the ingest's time and the source's manifest hash; shards.json the
#     same but for those hashes and the source's path; the same code_events.u64; the source
#     store kept as DIR/source with the same quarantine files; verify (which checks the source
#     store too: a damaged one fails) and info pass;
#   - run over it by one process and mpirun -np 2 and 3 publishes byte for byte what one
#     process publishes over the unsharded store (the mpirun part skips when mpirun or an
#     MPI build is missing);
#   - atomicity: an existing non-empty --store, more shards than persons and a batch over
#     --max-reject-rate leave --store as it was (absent, or untouched); a kill -9 at several
#     points leaves --store absent or whole and verifiable, and the next ingest --shards
#     succeeds;
#   - --append to a sharded store without its source (made by `shard`) and an ingest into a
#     sharded store are clear errors naming the fix, and leave it unchanged; --append with
#     --shards is a usage error.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TMPDIR"
fail() { echo "FAIL: $*"; exit 1; }
has_mpi=1
command -v mpirun > /dev/null && ldd "$HG" 2> /dev/null | grep -q libmpi || has_mpi=0
mpi() { ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" mpirun --allow-run-as-root --oversubscribe \
	--mca btl self,vader -x ASAN_OPTIONS -x UBSAN_OPTIONS -x HEALTHGAP_ENGINE_STATS "$@"; }

"$HG" synth --people 2000 --seed 9 --out raw --quiet
# two bad event rows: quarantined (and reconciled) as in any ingest
cp raw/events.csv ev.csv
printf 'nobody-here,2025-01-01,1000002,,gp\n%s,not-a-date,1000002,,gp\n' \
	"$(sed -n 2p raw/persons.csv | cut -d, -f1)" >> ev.csv
in=(--persons raw/persons.csv --events ev.csv --pathways raw/pathways.csv
	--appointments raw/appointments.csv --registrations raw/registrations.csv
	--addresses raw/addresses.csv --no-progress --extract-date 2026-03-31)
"$HG" ingest "${in[@]}" --store st > st.log 2>&1 || fail "ingest: $(cat st.log)"
"$HG" shard st --shards 3 --out sha > /dev/null || fail "shard st"
"$HG" ingest "${in[@]}" --store shb --shards 3 > shb.log 2>&1 || fail "ingest --shards 3: $(cat shb.log)"
grep -q 'split into 3 shards: shb is a sharded store' shb.log || fail "ingest --shards said: $(cat shb.log)"
# the same validation, quarantine and reconciliation report as a plain ingest
diff <(grep -v 'is now current\|split into' st.log) <(grep -v 'is now current\|split into' shb.log) ||
	fail "ingest --shards reported other counts than ingest"
grep -q 'events (ev.csv): read .* quarantined 2 ' shb.log || fail "the bad rows were not quarantined: $(cat shb.log)"
[ ! -e .shb.shards-tmp ] || fail "the staging directory was left behind"

"$HG" verify shb > v.log 2>&1 || fail "verify shb: $(cat v.log)"
"$HG" verify shb/source > /dev/null || fail "verify shb/source"
grep -q "every shard's and the source store's" v.log || fail "verify did not check the source: $(cat v.log)"
cp -r shb dmg
printf 'x' >> dmg/source/snap-000001/person.sex.u8
"$HG" verify dmg > e.log 2>&1 && fail "verify passed a damaged source store"
grep -q 'dmg/source/snap-000001' e.log || fail "verify dmg does not name the source: $(cat e.log)"
rm -rf dmg
"$HG" info shb | grep -q '3 shards of snapshot snap-000001' || fail "info shb: $(cat v.log)"
for q in quarantine_persons.csv quarantine_events.csv; do
	cmp -s st/snap-000001/$q shb/source/snap-000001/$q || fail "$q differs from the plain ingest's"
done
[ "$(wc -l < shb/source/snap-000001/quarantine_events.csv)" -ge 3 ] || fail "no quarantined events kept"

# the shards: every file the same bytes but the manifests, which differ only by the time of
# ingest and the source's manifest hash
cmp -s sha/code_events.u64 shb/code_events.u64 || fail "code_events.u64 differs"
for k in 0 1 2; do
	a=sha/shard-000$k/snap-000001 b=shb/shard-000$k/snap-000001
	[ "$(ls "$a")" = "$(ls "$b")" ] || fail "shard $k: other files: $(diff <(ls "$a") <(ls "$b"))"
	n=0
	for f in "$a"/*; do
		f=$(basename "$f")
		case $f in manifest.json | manifest.blake2b) continue ;; esac
		cmp -s "$a/$f" "$b/$f" || fail "shard $k: $f differs"
		n=$((n + 1))
	done
	[ $n -gt 40 ] || fail "shard $k: only $n files compared"
done
python3 - << 'PY' || fail "manifests or shards.json differ beyond the time and the source's hash"
import json
def norm_manifest(m):
    m.pop("created")
    m["shard"].pop("source_manifest")
    return m
for k in range(3):
    a, b = (json.load(open(f"{d}/shard-000{k}/snap-000001/manifest.json")) for d in ("sha", "shb"))
    assert a["created"] != b["created"] or a == b
    assert norm_manifest(a) == norm_manifest(b), k
a, b = (json.load(open(f"{d}/shards.json")) for d in ("sha", "shb"))
assert a["source"]["store"] == "st" and b["source"]["store"] == "shb/source", (a["source"], b["source"])
for x in (a, b):
    x["source"].pop("store"); x["source"].pop("manifest")
    for s in x["shards"]:
        s.pop("manifest")
assert a == b
PY

# runs over it publish what one process publishes over the unsharded store
printf 'indicator_id,target_value,target_date,gap_reduction_target,polarity\nHYP,15,2026-03-31,0.2,lower_is_better\n' > objectives.csv
args=("$root/tests/e2e/mpi/pack.hg" --codelists "$root/packs/core20plus5/codelists"
	--objectives objectives.csv --quiet)
. "$root/tests/e2e/lib/outputs.sh" # same DIR_A DIR_B LABEL
"$HG" run "${args[@]}" --store st --out one --threads 1 2> one.log || fail "run st: $(cat one.log)"
grep -q 'suppressed: disclosure control' one/indicators.csv || fail "nothing suppressed: no disclosure control seen"
"$HG" run "${args[@]}" --store shb --out s1 --threads 1 2> s1.log || fail "run shb: $(cat s1.log)"
same one s1 "one process over ingest --shards 3"
if [ $has_mpi = 1 ]; then
	for n in 2 3; do
		mpi -np $n "$HG" run "${args[@]}" --store shb --out np$n --threads 1 2> np$n.log ||
			fail "mpirun -np $n over shb: $(cat np$n.log)"
		same one np$n "mpirun -np $n over ingest --shards 3"
	done
else
	echo "note: mpirun or an MPI build missing: the distributed runs were not made"
fi

# failures leave --store as it was
sum() { find "$1" -type f -exec b2sum {} + | sort -k2 | b2sum; }
before=$(sum shb)
"$HG" ingest "${in[@]}" --store shb --shards 2 > e.log 2>&1 && fail "ingest --shards over a sharded store"
grep -q 'shb already exists and is not an empty directory (it holds a sharded store)' e.log ||
	fail "over shb: $(cat e.log)"
"$HG" ingest "${in[@]}" --store st --shards 2 > e.log 2>&1 && fail "ingest --shards over a store"
grep -q 'give a new directory' e.log || fail "over st: $(cat e.log)"
"$HG" ingest "${in[@]}" --store many --shards 2001 > e.log 2>&1 && fail "2001 shards of 2000 persons"
grep -q "no more than the store's 2000 persons" e.log || fail "2001 shards: $(cat e.log)"
[ ! -e many ] && [ ! -e .many.shards-tmp ] || fail "a failed split left files: $(ls -a)"
# over --max-reject-rate: exit 3, nothing at --store, the quarantine kept in the staging dir
rc=0
"$HG" ingest "${in[@]}" --store rej --shards 2 --max-reject-rate 0 > e.log 2>&1 || rc=$?
[ $rc = 3 ] || fail "over --max-reject-rate: exit $rc: $(cat e.log)"
grep -q 'rej was not written (the source store, unpublished, is .rej.shards-tmp/source' e.log ||
	fail "reject message: $(cat e.log)"
[ ! -e rej ] || fail "a rejected ingest --shards wrote rej"
ls .rej.shards-tmp/source/snap-000001/quarantine_events.csv > /dev/null || fail "the quarantine is not kept"
mkdir rej # an empty directory is taken (and the staging dir of the rejected run removed)
"$HG" ingest "${in[@]}" --store rej --shards 2 > e.log 2>&1 || fail "into an empty dir: $(cat e.log)"
[ ! -e .rej.shards-tmp ] && "$HG" verify rej > /dev/null || fail "rej after the rerun"

# kill -9 while the source is written and while it is split: --store absent (or, when the
# command won the race and finished, whole and verifiable); then the next run works
killed=0
for phase in source split; do
	rm -rf k
	"$HG" ingest "${in[@]}" --store k --shards 3 > /dev/null 2>&1 &
	pid=$!
	end=$((SECONDS + 120))
	while [ $SECONDS -lt $end ] && kill -0 $pid 2> /dev/null; do
		if [ $phase = source ]; then
			compgen -G '.k.shards-tmp/source/.tmp-*/person.*' > /dev/null && break
		else
			[ -e .k.shards-tmp/shard-0000 ] && break
		fi
	done
	if kill -9 $pid 2> /dev/null; then
		killed=$((killed + 1))
	else
		echo "note: ingest --shards finished before it could be killed ($phase)"
	fi
	wait $pid 2> /dev/null || true
	if [ -e k ]; then
		"$HG" verify k > /dev/null 2>&1 || fail "kill -9 ($phase) left a k that does not verify"
	fi
	[ -e k ] || "$HG" ingest "${in[@]}" --store k --shards 3 > e.log 2>&1 ||
		fail "rerun after a kill -9 ($phase): $(cat e.log)"
	[ ! -e .k.shards-tmp ] && "$HG" verify k > /dev/null || fail "k after the rerun ($phase)"
done
[ $killed -gt 0 ] || fail "no ingest --shards was killed while it ran"

# appending to a sharded store without its source (made by `shard`), and ingesting into a
# sharded store, are refused naming the fix (appends to one ingest --shards made:
# tests/e2e/shard_append.sh)
head -1 raw/persons.csv > nobody.csv
printf 'person_id,date,code,value,setting\n' > noev.csv
before_a=$(sum sha)
"$HG" ingest --append --persons nobody.csv --events noev.csv --store sha --no-progress \
	--reference raw/reference --extract-date 2026-03-31 > e.log 2>&1 && fail "append to a sharded store without its source"
grep -q 'sha is a sharded store (shards.json) without its source store (sha/source, kept by ingest --shards).*Append the batch to the store it was split from, then split that again into a new directory: healthgap shard SOURCE --shards N --out NEWDIR' e.log ||
	fail "append message: $(cat e.log)"
[ "$(sum sha)" = "$before_a" ] || fail "the refused append changed sha"
"$HG" ingest "${in[@]}" --store shb > e.log 2>&1 && fail "a plain ingest into a sharded store"
grep -q 'shb is a sharded store (shards.json): no snapshot can be written into it' e.log ||
	fail "ingest into shb: $(cat e.log)"
"$HG" ingest "${in[@]}" --store x --shards 2 --append > e.log 2>&1 && fail "--shards with --append"
grep -q -- '--shards writes a new sharded store and --append adds to an existing store: give --append alone' e.log ||
	fail "--shards --append: $(cat e.log)"
[ "$(sum shb)" = "$before" ] || fail "the refused commands changed shb"
echo "ingest_shards: ok"
