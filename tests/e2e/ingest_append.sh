#!/bin/bash
# ingest_append.sh: `healthgap ingest --append` (issue 17; src/ingest/append.c,
# docs/data-model.md "Appending a batch").
#  1. A synthetic population (3,000 people) split into a history (the first 2,800 people,
#     their events to 2025-12-31) and a batch (200 new people, every later event and the
#     new people's): history + append publishes byte for byte what one ingest of the whole
#     does (tests/e2e/mpi/pack.hg: indicators, inequalities, monitoring), the parent's event
#     files are hard links in the new snapshot (same inode), info shows the lineage and
#     verify checks the chain.
#  2. A second append: a known pseudonym replaces its row (a death), a new person with a
#     new practice is added, an event of an unknown person is quarantined and the counts
#     reconcile; a third snapshot's chain is checked back to the first.
#  2b. --compact writes the parent's segments again as one (same outputs, two segments).
#  3. A parent whose manifest was rewritten (self-consistent, re-checksummed) breaks the
#     chain: verify fails naming it. Bad appends (no store, an extract date before the
#     store's) fail and write nothing.
#  4. kill -9 while the batch is parsed and while the new snapshot is written leaves the
#     previous snapshot current and verifiable; the next append completes.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TMPDIR"
fail() { echo "FAIL: $*"; exit 1; }
"$HG" synth --people 3000 --seed 7 --out raw --quiet
python3 - << 'PY'
import csv, os, shutil
P = list(csv.reader(open("raw/persons.csv")))
old, new = P[1:2801], P[2801:]
ids = {r[0] for r in old}
for d in ("hist", "batch"):
    os.makedirs(d)
    shutil.copytree("raw/reference", f"{d}/reference")
    open(f"{d}/SYNTHETIC", "w").close()
csv.writer(open("hist/persons.csv", "w", newline="")).writerows([P[0]] + old)
csv.writer(open("batch/persons.csv", "w", newline="")).writerows([P[0]] + new)
E = list(csv.reader(open("raw/events.csv")))
with open("hist/events.csv", "w", newline="") as a, open("batch/events.csv", "w", newline="") as b:
    wa, wb = csv.writer(a), csv.writer(b)
    wa.writerow(E[0]); wb.writerow(E[0])
    for r in E[1:]:
        (wa if r[0] in ids and r[1] <= "2025-12-31" else wb).writerow(r)
PY
ing() { "$HG" ingest --no-progress --extract-date 2026-03-31 "$@"; }
ing --persons raw/persons.csv --events raw/events.csv --store whole > /dev/null
ing --persons hist/persons.csv --events hist/events.csv --store store > /dev/null
ing --append --persons batch/persons.csv --events batch/events.csv --store store > append.log ||
	fail "append: $(cat append.log)"
grep -q 'appended to snap-000001: 200 new persons, 0 updated' append.log || fail "$(cat append.log)"
[ "$(cat store/CURRENT)" = snap-000002 ] || fail "CURRENT is $(cat store/CURRENT)"
[ "$(stat -c %i store/snap-000001/event.date.i32)" = "$(stat -c %i store/snap-000002/event.date.i32)" ] ||
	fail "the parent's event dates were copied, not linked"
[ -f store/snap-000002/seg1.event.date.i32 ] || fail "no segment for the batch's events"
"$HG" info store > info.log
grep -q '^lineage: *appended to snap-000001 .*200 new persons, 0 updated, .* 2 event segments' info.log ||
	fail "info: $(cat info.log)"
grep -q '^persons: *3000$' info.log || fail "info: $(grep persons: info.log)"
[ "$("$HG" info store | grep '^events:')" = "$("$HG" info whole | grep '^events:')" ] ||
	fail "events differ from the whole ingest"
"$HG" verify store > verify.log || fail "verify: $(cat verify.log)"
grep -q 'lineage: 1 appended snapshot checked back to snap-000001' verify.log || fail "$(cat verify.log)"
run() { "$HG" run "$root/tests/e2e/mpi/pack.hg" --store "$1" --out "$2" --threads 2 --quiet \
	--codelists "$root/packs/core20plus5/codelists" --format csv,json 2> "$2.log" || fail "run $1: $(cat "$2.log")"; }
run whole r_whole
run store r_append
for f in indicators.csv indicators.json inequalities.csv inequalities.json monitoring.csv; do
	cmp -s "r_whole/$f" "r_append/$f" ||
		fail "$f after the append differs from the whole ingest's: $(diff r_whole/$f r_append/$f | head -4)"
done

# 2. a second batch: an update, a new person at a new practice, an unknown person's event
known=$(sed -n 2p hist/persons.csv | cut -d, -f1)
head -1 raw/persons.csv > p2.csv
sed -n 2p hist/persons.csv | awk -F, -v OFS=, '{ $9 = "2026-03-01"; print }' >> p2.csv
echo "NEWP1,1990-01-01,1,A,,Z99999,2020-01-01,,,0,0,0" >> p2.csv
printf 'person_id,date,code,value,setting\n%s,2026-02-01,F50.0,,mh\nNEWP1,2026-03-02,F50.0,,mh\nNOBODY,2026-03-02,F50.0,,mh\n' "$known" > e2.csv
ing --append --persons p2.csv --events e2.csv --store store --reference hist/reference \
	--max-reject-rate 0.5 > append2.log || fail "second append: $(cat append2.log)"
grep -q '1 new persons, 1 updated, 2 events' append2.log || fail "$(cat append2.log)"
"$HG" info store > info2.log
grep -q '^persons: *3001$' info2.log || fail "$(grep persons: info2.log)"
grep -q '^practices: *2$' info2.log || fail "$(grep practices: info2.log)"
grep -q '^ingest events  read 3, accepted 2, quarantined 1' info2.log || fail "$(grep ingest info2.log)"
grep -q 'NOBODY\|unknown' store/snap-000003/quarantine_events.csv || fail "no quarantined row"
"$HG" info store --json | python3 -c '
import json, sys
m = json.load(sys.stdin)
assert m["lineage"]["parent"] == "snap-000002", m["lineage"]
assert len(m["event_segments"]) == 3 and m["event_segments"][2] == {"persons": 3001, "events": 2}, m["event_segments"]
assert sum(s["events"] for s in m["event_segments"]) == m["counts"]["events"]
' || fail "manifest segments or lineage"
"$HG" verify store | grep -q 'lineage: 2 appended snapshots checked back to snap-000001' ||
	fail "verify: $("$HG" verify store)"

# 2b. --compact: the parent's three segments written again as one, then the batch's: the
# same data (byte-identical outputs to the uncompacted append's), two segments, verifiable
cp -a store cstore && cp -a store lstore
printf 'person_id,date,code,value,setting\n%s,2026-02-15,F50.0,,mh\n' "$known" > e3.csv
head -1 raw/persons.csv > p3.csv
ing --append --persons p3.csv --events e3.csv --store lstore --reference hist/reference > /dev/null ||
	fail "append to lstore"
ing --append --compact --persons p3.csv --events e3.csv --store cstore --reference hist/reference \
	> /dev/null || fail "append --compact"
"$HG" info cstore --json | python3 -c '
import json, sys
m = json.load(sys.stdin)
assert len(m["event_segments"]) == 2, m["event_segments"]
assert m["lineage"]["compacted_segments"] == 3, m["lineage"]
assert not any(f.startswith(("event.", "seg")) for f in m["lineage"]["linked_files"]), m["lineage"]
' || fail "--compact: manifest segments"
[ ! -e cstore/snap-000004/seg2.event.date.i32 ] || fail "--compact kept a third segment"
"$HG" verify cstore > /dev/null || fail "verify after --compact"
run lstore r_l
run cstore r_c
for f in indicators.csv inequalities.csv monitoring.csv; do
	cmp -s "r_l/$f" "r_c/$f" || fail "--compact: $f differs from the uncompacted append's"
done
ing --compact --persons p3.csv --events e3.csv --store cstore > bad.log 2>&1 &&
	fail "--compact without --append"
grep -q 'give --append too' bad.log || fail "$(cat bad.log)"

# 3. a parent whose manifest no longer is the one recorded
cp -a store broken
python3 - broken/snap-000002 << 'PY'
import hashlib, json, sys
d = sys.argv[1]
m = json.load(open(f"{d}/manifest.json"))
m["created"] = "2000-01-01T00:00:00Z"
text = json.dumps(m, indent=2, sort_keys=True)
open(f"{d}/manifest.json", "w").write(text)
open(f"{d}/manifest.blake2b", "w").write(hashlib.blake2b(text.encode(), digest_size=32).hexdigest() + "\n")
PY
"$HG" verify broken/snap-000002 > /dev/null || fail "the rewritten parent should verify on its own"
if "$HG" verify broken > broken.log 2>&1; then fail "a broken chain verified: $(cat broken.log)"; fi
grep -q 'chain is broken' broken.log || fail "$(cat broken.log)"
if ing --append --persons p2.csv --events e2.csv --store nostore > bad.log 2>&1; then fail "append to no store"; fi
[ ! -e nostore/CURRENT ] || fail "an append to no store made one"
if ing --append --persons p2.csv --events e2.csv --store store --reference hist/reference \
	--extract-date 2020-01-01 > bad.log 2>&1; then
	fail "an append before the store's extract date"
fi
grep -q 'before the store' bad.log || fail "$(cat bad.log)"
[ "$(cat store/CURRENT)" = snap-000003 ] && [ ! -e store/snap-000004 ] || fail "a failed append wrote a snapshot"

# 4. kill -9 during an append
awk 'BEGIN { print "person_id,date_of_birth,sex,ethnicity,lsoa,practice,registered_from,registered_to,date_of_death";
  for (i = 0; i < 20000; i++) printf "P%d,19%02d-0%d-1%d,%d,A,,A8%04d,2000-01-01,,\n", i, 20+i%80, 1+i%9, i%10, 1+i%2, i%50 }' > kp.csv
awk 'BEGIN { srand(1); print "person_id,date,code,value,setting";
  for (i = 0; i < 100000; i++) printf "P%d,20%02d-%02d-%02d,C%d,%d,gp\n", int(rand()*20000), 10+i%10, 1+i%12, 1+i%28, i%500, 100+i%60 }' > ke.csv
awk 'BEGIN { srand(2); print "person_id,date,code,value,setting";
  for (i = 0; i < 2000000; i++) printf "P%d,2025-%02d-%02d,C%d,%d,gp\n", int(rand()*20000), 1+i%12, 1+i%28, i%700, 100+i%60 }' > kb.csv
head -1 kp.csv > kp0.csv
"$HG" ingest --persons kp.csv --events ke.csv --store kstore --no-progress --extract-date 2026-03-31 > /dev/null
before=$("$HG" info kstore | grep '^events:')
for phase in parse write; do
	"$HG" ingest --append --persons kp0.csv --events kb.csv --store kstore --no-progress \
		--extract-date 2026-03-31 > /dev/null 2>&1 &
	pid=$!
	if [ $phase = parse ]; then
		sleep 0.3
	else
		end=$((SECONDS + 120))
		while [ $SECONDS -lt $end ]; do
			compgen -G 'kstore/.tmp-*/seg1.event.offset.u64' > /dev/null && break
			kill -0 $pid 2> /dev/null || break
		done
	fi
	kill -0 $pid 2> /dev/null || fail "the append finished before it could be killed ($phase)"
	kill -9 $pid
	wait $pid 2> /dev/null || true
	[ "$(cat kstore/CURRENT)" = snap-000001 ] || fail "CURRENT changed after kill -9 ($phase)"
	"$HG" verify kstore > /dev/null || fail "verify after kill -9 ($phase)"
	[ "$("$HG" info kstore | grep '^events:')" = "$before" ] || fail "content changed ($phase)"
done
"$HG" ingest --append --persons kp0.csv --events kb.csv --store kstore --no-progress \
	--extract-date 2026-03-31 > /dev/null || fail "the append after the kills"
[ "$(cat kstore/CURRENT)" = snap-000002 ] || fail "CURRENT is $(cat kstore/CURRENT)"
! compgen -G 'kstore/.tmp-*' > /dev/null || fail "stale temporary not removed"
"$HG" verify kstore > /dev/null || fail "verify after the append"
"$HG" info kstore | grep -q '^events: *2100000 ' || fail "$("$HG" info kstore | grep events:)"
echo "ok: append = whole ingest, lineage and chain checked, kill -9 leaves the parent current"
