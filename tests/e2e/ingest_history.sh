#!/bin/bash
# registrations.csv and addresses.csv at ingest (docs/data-model.md "As-at histories"):
# every rejection reason with its field (a malformed code, a missing or unreadable from,
# to before from, a start before birth, an overlap, an unknown person), the counts that
# reconcile, the manifest's gaps and moves on the last day, a header without a column,
# and a synthetic population's histories ingested with nothing rejected. How the
# periods are used is tests/lang/history_as_at.test and history_person_time.test.
set -u
cd "$TMPDIR"
fail() { echo "FAIL: $*"; exit 1; }

cat > persons.csv <<'CSV'
person_id,date_of_birth,sex,lsoa,practice,registered_from
p1,1980-01-01,1,E01000001,A81001,2010-01-01
p2,1990-01-01,2,E01000002,A81002,2011-01-01
CSV
printf 'person_id,date,code,value,setting\n' > events.csv
cat > regs.csv <<'CSV'
person_id,practice,from,to
p1,A81001,2000-01-01,2010-12-31
p1,A81002,2010-12-31,2015-06-30
p1,A81003,2016-01-01,
p1,a81004,2017-01-01,
p2,A81001,,
p2,A81001,1989-01-01,
p2,A81001,2020-01-01,2019-01-01
p2,A81002,2020-xx-01,
p2,A81001,2012-01-01,
p2,A81002,2013-01-01,2014-01-01
zz,A81001,2010-01-01,
CSV
cat > addr.csv <<'CSV'
person_id,lsoa,from,to
p1,E01000001,1980-01-01,2019-12-31
p1,E0100000X,2020-01-01,
p2,E01000002,1990-01-01,
CSV
$HG ingest --persons persons.csv --events events.csv --store s1 --no-progress \
	--registrations regs.csv --addresses addr.csv --max-reject-rate 1 > out 2> err ||
	fail "ingest: $(cat err)"
grep -q "registrations (regs.csv): read 11 = accepted 4 + quarantined 7" out ||
	fail "registrations reconciliation: $(cat out)"
grep -q "addresses (addr.csv): read 3 = accepted 2 + quarantined 1" out ||
	fail "addresses reconciliation: $(cat out)"
q=$(ls -d s1/snap-*)/quarantine_registrations.csv
for want in "5,practice,malformed practice code" "6,from,missing date" \
	"7,from,date before date of birth" "8,to,registration dates out of order" \
	"9,from,invalid date" "11,from,overlaps an earlier period" \
	"12,person_id,row for unknown person"; do
	grep -q "^$want" "$q" || fail "quarantine lacks '$want': $(cat "$q")"
done
grep -q '^3,lsoa,malformed LSOA code' "$(ls -d s1/snap-*)/quarantine_addresses.csv" ||
	fail "addresses quarantine: $(cat "$(ls -d s1/snap-*)"/quarantine_addresses.csv)"
m=$(ls -d s1/snap-*)/manifest.json
# p1: A81001 to 2010-12-31 then A81002 from 2010-12-31 (a move on the last day), a gap
# from 2015-07-01 to 2015-12-31, then A81003 open
[ "$(jq -r '.ingest.registrations.moves_on_the_last_day, .ingest.registrations.gaps' "$m" |
	tr '\n' ' ')" = "1 1 " ] || fail "manifest: $(jq -c .ingest.registrations "$m")"
[ "$(jq -r '.counts.registrations, .counts.addresses' "$m" | tr '\n' ' ')" = "4 2 " ] ||
	fail "counts: $(jq -c .counts "$m")"
$HG verify s1 > /dev/null || fail "verify"

printf 'person_id,practice,start\np1,A81001,2000-01-01\n' > nofrom.csv
$HG ingest --persons persons.csv --events events.csv --store s2 --no-progress \
	--registrations nofrom.csv > out 2> err && fail "a file without from"
grep -q "no from column" err || fail "message: $(cat err)"
[ -e s2/CURRENT ] && fail "a snapshot was written"

$HG synth --people 400 --seed 5 --out syn 2> /dev/null || fail "synth"
$HG ingest --persons syn/persons.csv --events syn/events.csv --store s3 --no-progress \
	--registrations syn/registrations.csv --addresses syn/addresses.csv > out 2> err ||
	fail "synthetic histories: $(cat err)"
grep -q "registrations (syn/registrations.csv): read \([0-9]*\) = accepted \1 + quarantined 0" out ||
	fail "synthetic registrations rejected: $(cat out)"
grep -q "addresses (syn/addresses.csv): read \([0-9]*\) = accepted \1 + quarantined 0" out ||
	fail "synthetic addresses rejected: $(cat out)"
echo "ingest_history: ok"
