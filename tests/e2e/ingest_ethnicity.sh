#!/bin/bash
# Ethnicity from the coded record (ingest --ethnicity-codelist; docs/data-model.md
# "Ethnicity from the record"): the errors (an ethnicity column as well, a codelist
# without a category column, a category that is none, an invalid ethnicity_hospital
# value quarantined), the manifest's account, and the OpenSAFELY ethnicity codelists
# of ../shared read as published (skipped without them). The rules themselves are
# tests/lang/ethnicity_from_codes.test.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
shared=${HEALTHGAP_SHARED:-${SHARED:-$root/../shared}}
cd "$TMPDIR"
fail() { echo "FAIL: $*"; exit 1; }

cat > persons.csv <<'CSV'
person_id,date_of_birth,sex,ethnicity_hospital,lsoa,practice,registered_from
p1,1980-01-01,1,,E01000001,A81001,2010-01-01
p2,1980-01-01,2,N,E01000001,A81001,2010-01-01
p3,1980-01-01,2,Q,E01000001,A81001,2010-01-01
CSV
cat > events.csv <<'CSV'
person_id,date,code,value,setting
p1,2020-01-01,92561000000109,,gp
p1,2021-01-01,38341003,,gp
CSV
printf 'code,term,ethnic_category\n92561000000109,Northern Irish,C\n' > letters.csv
printf 'code,term\n92561000000109,Northern Irish\n' > nocat.csv
printf 'code,term,category\n92561000000109,Northern Irish,Q\n' > badcat.csv

$HG ingest --persons persons.csv --events events.csv --store s0 --no-progress \
	--ethnicity-codelist nocat.csv > out 2> err && fail "a codelist without a category column"
grep -q "nocat.csv:1: no category column" err || fail "message: $(cat err)"
$HG ingest --persons persons.csv --events events.csv --store s0 --no-progress \
	--ethnicity-codelist badcat.csv > out 2> err && fail "a category that is none"
grep -q "badcat.csv:2: category 'Q' is not an NHS ethnic category" err || fail "message: $(cat err)"
sed 's/ethnicity_hospital/ethnicity/' persons.csv > with_col.csv
$HG ingest --persons with_col.csv --events events.csv --store s0 --no-progress \
	--ethnicity-codelist letters.csv > out 2> err && fail "both an ethnicity column and a codelist"
grep -q "has an ethnicity column: --ethnicity-codelist" err || fail "message: $(cat err)"

$HG ingest --persons persons.csv --events events.csv --store s1 --no-progress \
	--max-reject-rate 0.5 --ethnicity-codelist letters.csv > out 2> err || fail "ingest: $(cat err)"
grep -q "read 3 = accepted 2 + quarantined 1" out || fail "reconciliation: $(cat out)"
grep -q "rejected: invalid ethnic category" out || fail "ethnicity_hospital Q: $(cat out)"
grep -q "first at line 4, ethnicity_hospital: 'Q'" out || fail "first value: $(cat out)"
m=$(ls -d s1/snap-*)/manifest.json
[ "$(jq -r '.ethnicity.from_codes, .ethnicity.from_hospital, .ethnicity.none_recorded' "$m" | tr '\n' ' ')" = "1 1 0 " ] ||
	fail "manifest ethnicity: $(jq -c .ethnicity "$m")"
[ "$(jq -r .ethnicity.source "$m")" = "latest recorded code" ] || fail "source: $(jq -c .ethnicity "$m")"

if [ ! -d "$shared/codelists" ]; then
	echo "SKIP part: $shared/codelists absent (the OpenSAFELY ethnicity codelists)"
	exit 0
fi
n=0
for f in "$shared"/codelists/*/opensafely-ethnicity*.csv; do
	$HG ingest --persons persons.csv --events events.csv --store "s-$n" --no-progress \
		--max-reject-rate 0.5 --ethnicity-codelist "$f" > out 2> err ||
		fail "the published $f: $(cat err)"
	m=$(ls -d "s-$n"/snap-*)/manifest.json
	codes=$(jq -r .ethnicity.codelist_codes "$m")
	[ "$codes" -gt 250 ] || fail "$f: only $codes codes read"
	n=$((n + 1))
done
[ $n -gt 0 ] || fail "no OpenSAFELY ethnicity codelist found in $shared/codelists"
echo "ok: $n published ethnicity codelists read"
