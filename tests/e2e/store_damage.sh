#!/bin/bash
# A damaged store gets nothing (issue 11, defect 1), as a user meets it: info,
# verify and run on damaged copies of a store (an id out of range, a bad event
# offset, a bad string-table offset, unsorted dates, a tampered manifest, a
# truncated file; unsorted dates and every other damage are in
# tests/unit/test_store.c) each fail with a message naming the file and the fix, and
# never crash (the suite runs again under ASan + UBSan); and a running server
# that meets a damaged new snapshot, even one whose checksums were redone to
# match, keeps serving the old one, says why, and adopts the next good one.
set -u
here=$(cd "$(dirname "$0")" && pwd)
cd "$TMPDIR"
. "$here/lib/server.sh" || exit 1
command -v curl > /dev/null || { echo "curl is not installed"; exit 77; }
command -v python3 > /dev/null || { echo "python3 is not installed"; exit 77; }

hg_make_store
snap=store/snap-000001

# damage DIR FILE KIND: change one file of the snapshot in DIR (python: exact bytes)
damage() {
	python3 - "$@" << 'PY'
import struct, sys, os
d, f, kind = sys.argv[1], sys.argv[2], sys.argv[3]
p = os.path.join(d, f)
b = bytearray(open(p, "rb").read())
if kind == "u32":        # the first element far out of range
    b[0:4] = struct.pack("<I", 0x7fffffff)
elif kind == "u64":      # person 1's events end past every event
    b[8:16] = struct.pack("<Q", 1 << 40)
elif kind == "stroff":   # string 1 of a table starts past the data
    b[8:12] = struct.pack("<I", 0x7fffffff)
elif kind == "future":   # the first event after the extract date (in 2106)
    b[0:4] = struct.pack("<i", 50000)
elif kind == "text":     # a manifest edited by hand
    b = b.replace(b'"persons": 2000', b'"persons": 1999')
elif kind == "truncate":
    b = b[: len(b) // 2]
open(p, "wb").write(bytes(b))
PY
}

# resign DIR FILE: record FILE's new checksum and size in the manifest and the
# manifest's own checksum, as a careful forger would (only open's checks are left)
resign() {
	python3 - "$@" << 'PY'
import hashlib, json, os, sys
d, f = sys.argv[1], sys.argv[2]
h = lambda b: hashlib.blake2b(b, digest_size=32).hexdigest()
m = json.load(open(os.path.join(d, "manifest.json")))
b = open(os.path.join(d, f), "rb").read()
m["files"][f]["blake2b256"], m["files"][f]["bytes"] = h(b), len(b)
text = json.dumps(m, indent=2, sort_keys=True).encode()
open(os.path.join(d, "manifest.json"), "wb").write(text)
open(os.path.join(d, "manifest.blake2b"), "w").write(h(text) + "\n")
PY
}

# expect_fail WHAT PATTERN CMD...: CMD must exit 1-125 (not a signal) and say PATTERN
expect_fail() {
	local what=$1 pat=$2
	shift 2
	"$@" > out 2> err
	local rc=$?
	[ $rc -ge 1 ] && [ $rc -le 125 ] || fail "$what: exit $rc (a crash?): $(tail -5 err)"
	grep -q "AddressSanitizer\|runtime error" err && fail "$what: sanitizer report: $(head -5 err)"
	grep -q -- "$pat" err || fail "$what: expected '$pat' in: $(cat err)"
}

cases=(
	"practice id|person.practice.u32|u32|person.practice.u32: row 1: not a practice"
	"event offset|event.offset.u64|u64|event.offset.u64: row 3"
	"string offset|dict.code.str|stroff|dict.code.str: "
	"event after the extract date|event.date.i32|future|event.date.i32: row 1 (an event of person"
	"manifest edited|manifest.json|text|does not match its checksum"
	"truncated file|event.code.u32|truncate|event.code.u32:"
)
n=0
for c in "${cases[@]}"; do
	IFS='|' read -r what file kind pat <<< "$c"
	n=$((n + 1))
	rm -rf bad && cp -r store bad
	damage bad/snap-000001 "$file" "$kind"
	echo "== $what"
	expect_fail "verify ($what)" "$file" $HG verify bad
	if [ "$kind" != text ] && [ "$kind" != truncate ]; then
		grep -q "checksum mismatch" err || fail "verify ($what) should name the checksum: $(cat err)"
		resign bad/snap-000001 "$file" # past the checksums: open's checks must hold alone
		expect_fail "verify, re-signed ($what)" "$pat" $HG verify bad
	fi
	expect_fail "info ($what)" "$pat" $HG info bad
	grep -q "healthgap verify" err || fail "info ($what): no fix named: $(cat err)"
	expect_fail "run ($what)" "$pat" $HG run pack --store bad --out out-run --sdc none
done
[ $n = 6 ] || fail "ran $n cases"

echo "== serve keeps the old snapshot when the new one is damaged"
hg_start_server --poll 1
login adm admin-password-123 adm.jar > /dev/null
[ "$(status /api/meta -b adm.jar)" = 200 ] || fail "meta: $(cat body)"
grep -q '"snapshot":"snap-000001"' body || fail "meta snapshot: $(cat body)"
# a new snapshot whose practice ids run past the dictionary, checksums redone
cp -r store/snap-000001 store/snap-000002
damage store/snap-000002 person.practice.u32 u32
resign store/snap-000002 person.practice.u32
echo snap-000002 > store/CURRENT.new && mv store/CURRENT.new store/CURRENT
for _ in $(seq 1 100); do
	grep -q "keeping the previous results" serve.err && break
	sleep 0.1
done
grep -q "keeping the previous results.*person.practice.u32: row 1: not a practice" serve.err ||
	fail "the refusal is not logged: $(tail -5 serve.err)"
kill -0 $SRV_PID 2> /dev/null || fail "the server died: $(tail -20 serve.err)"
sleep 1.5 # more polls: the damaged snapshot is not tried (and logged) again
[ "$(grep -c "keeping the previous results" serve.err)" = 1 ] || fail "refused more than once: $(cat serve.err)"
[ "$(status /api/meta -b adm.jar)" = 200 ] || fail "meta after the refusal: $(cat body)"
grep -q '"snapshot":"snap-000001"' body || fail "the old snapshot is not served: $(cat body)"
[ "$(status /api/indicators -b adm.jar)" = 200 ] || fail "indicators after the refusal: $(cat body)"
$HG audit list --data-dir dd > audit.out 2>&1 || fail "audit list: $(cat audit.out)"
grep -q "snapshot_refused.*snapshot=snap-000002" audit.out || fail "no snapshot_refused audit entry: $(cat audit.out)"
# a damaged one whose checksums were not redone: verify refuses it too
cp -r store/snap-000001 store/snap-000003
damage store/snap-000003 event.date.i32 future
echo snap-000003 > store/CURRENT.new && mv store/CURRENT.new store/CURRENT
for _ in $(seq 1 100); do
	[ "$(grep -c "keeping the previous results" serve.err)" = 2 ] && break
	sleep 0.1
done
grep -q "event.date.i32: checksum mismatch" serve.err ||
	fail "the second refusal: $(tail -5 serve.err)"
# the next good snapshot is adopted
$HG ingest --persons persons.csv --events events.csv --reference ref --store store --no-progress > /dev/null 2>&1 ||
	fail "ingest of a good snapshot"
for _ in $(seq 1 100); do
	[ "$(status /api/meta -b adm.jar)" = 200 ] || fail "meta: $(cat body)"
	grep -q '"snapshot":"snap-000004"' body && break
	sleep 0.2
done
grep -q '"snapshot":"snap-000004"' body || fail "the good snapshot was not adopted: $(cat body)"
hg_stop_server
grep -q "AddressSanitizer\|runtime error" serve.err && fail "sanitizer report: $(head -20 serve.err)"
echo "store_damage: ok"
