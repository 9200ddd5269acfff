#!/bin/bash
# The ingest, keygen, info and verify commands as a user runs them: exit
# codes, messages naming file/line/field, NHS numbers never in output, and
# tampering detected by verify.
set -u
cd "$TMPDIR"
fail() { echo "FAIL: $*"; exit 1; }

$HG keygen --out key > /dev/null || fail "keygen"
[ "$(stat -c %a key)" = 600 ] || fail "key mode is $(stat -c %a key)"
$HG keygen --out key 2> err && fail "keygen overwrote a key"
grep -q "refusing to overwrite" err || fail "keygen message: $(cat err)"

cat > persons.csv <<'CSV'
nhs_number,date_of_birth,sex,ethnicity,lsoa,practice,registered_from,registered_to,date_of_death,flag_carer
9434765919,1950-01-01,1,A,E01000001,A81001,2010-01-01,,,1
4010232137,1962-07,2,N,E01000002,A81002,2011-01-01,,,0
9434765918,1970-01-01,2,,E01000003,A81001,2010-01-01,,,0
CSV
cat > events.csv <<'CSV'
nhs_number,date,code,value,setting
9434765919,2024-01-01,38341003,,gp
9434765919,2024-01-01,72313002,138,gp
4010232137,2024-02-01,271649006,152,gp
4010232137,2024-02-01,bad code,,gp
CSV
$HG ingest --persons persons.csv --events events.csv --store store --no-progress > out 2> err
[ $? = 1 ] || fail "an nhs_number column without --key-file must fail"
grep -q "give --key-file" err || fail "no-key message: $(cat err)"
$HG ingest --persons persons.csv --events events.csv --store store --key-file key --no-progress > out 2> err
rc=$?
[ $rc = 3 ] || fail "expected exit 3 (reject rate), got $rc: $(cat err)"
grep -q "read 3 = accepted 2 + quarantined 1" out || fail "persons reconciliation: $(cat out)"
grep -q "read 4 = accepted 3 + quarantined 1" out || fail "events reconciliation: $(cat out)"
grep -q "not made current" err || fail "reject message: $(cat err)"
[ -e store/CURRENT ] && fail "a rejected snapshot was made current"

$HG ingest --persons persons.csv --events events.csv --store store --key-file key \
	--max-reject-rate 0.5 --no-progress > out 2> err || fail "ingest: $(cat err)"
cat out
for n in 9434765919 4010232137 9434765918; do
	grep -rq "$n" store out err && fail "NHS number $n found in store or output"
done
grep -q '"\*\*\*\*\*\*\*\*\*\*,1970-01-01' store/snap-*/quarantine_persons.csv ||
	fail "quarantine row not masked"
$HG info store > info || fail "info"
grep -q "persons: *2" info || fail "info persons: $(cat info)"
grep -q "HMAC-SHA256" info || fail "info pseudonymisation"
$HG info store --json | python3 -c 'import json,sys; m=json.load(sys.stdin); assert m["counts"]["events"]==3' ||
	fail "info --json"
$HG verify store > /dev/null || fail "verify clean store"

# tamper with one column: verify must fail and name the file
snap=store/$(cat store/CURRENT)
printf '\x01' | dd of=$snap/event.value.f32 bs=1 seek=0 conv=notrunc 2> /dev/null
$HG verify store > out 2> err && fail "verify missed tampering"
grep -q "event.value.f32: checksum mismatch" err || fail "verify message: $(cat err)"

# usage errors exit 2 and say what is missing
$HG ingest --persons persons.csv 2> err; [ $? = 2 ] || fail "usage exit code"
grep -q "required" err || fail "usage message"
$HG ingest --persons nope.csv --events events.csv --store s2 2> err; [ $? = 1 ] || fail "missing file exit"
grep -q "nope.csv: cannot open" err || fail "missing file message: $(cat err)"
$HG info /nonexistent 2> err; [ $? = 1 ] || fail "info on missing store"
# a path longer than any path may be is refused, never cut short (core/fs.h, HG_ARG_MAX)
long=$(printf 'x%.0s' $(seq 1 1100))
$HG ingest --persons persons.csv --events events.csv --store "s/$long" 2> err; [ $? = 2 ] ||
	fail "an over-long path was accepted"
grep -q "at most 1024 bytes" err || fail "over-long path message: $(cat err)"
[ ! -e "s/$(printf 'x%.0s' $(seq 1 200))" ] || fail "a store was written under a cut-short path"
# a flag column whose name a pack could not write (fuzz_ingest: NUL bytes in the name wrote a
# manifest that did not open) is refused at the header, naming the field
printf 'person_id,date_of_birth,sex,practice,registered_from,flag_a-b\np1,1980-01-01,1,A81001,2010-01-01,1\n' > badflag.csv
printf 'person_id,date,code,value,setting\n' > noevents.csv
$HG ingest --persons badflag.csv --events noevents.csv --store sbf --no-progress 2> err &&
	fail "a flag named flag_a-b was accepted"
grep -q "badflag.csv:1: field 6: a flag column's name after flag_ must be letters, digits and underscores" err ||
	fail "flag name message: $(cat err)"
[ ! -e sbf/CURRENT ] || fail "a store was written for a bad flag name"
echo "ingest CLI behaves"
