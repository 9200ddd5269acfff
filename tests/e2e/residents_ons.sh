#!/bin/bash
# denominator: residents over the ONS file as published (docs/data-model.md "Resident
# populations"): shared/reference/population/ons_mid2019_lsoa11_syoa_by_sex_wide.csv.gz
# (decompressed, otherwise untouched) for a store of people in three City of London and
# Barking LSOAs: the denominator is the file's all-ages total of exactly those LSOAs (the
# rows' all_ages column, which the loader does not read: it sums age0 .. age90plus), by
# local authority from the official IMD file, and metadata.json records the file's hash.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
shared=${HEALTHGAP_SHARED:-${SHARED:-$root/../shared}}
cd "$TMPDIR"
fail() { echo "FAIL: $*"; exit 1; }
gz=$shared/reference/population/ons_mid2019_lsoa11_syoa_by_sex_wide.csv.gz
[ -f "$gz" ] || { echo "skip: $gz absent (the ONS population file of shared/)"; exit 77; }
zcat "$gz" > pop.csv || fail "zcat"
cat > persons.csv <<'CSV'
person_id,date_of_birth,sex,lsoa,practice,registered_from
p1,1950-01-01,1,E01000001,A00001,2010-01-01
p2,1960-01-01,2,E01000002,A00001,2010-01-01
p3,1970-01-01,1,E01000027,A00002,2010-01-01
CSV
printf 'person_id,date,code,value,setting\np1,2019-03-01,X1,,ae\np3,2019-05-01,X1,,ae\n' > events.csv
cat > pack.hg <<'HG'
periods range from 2019-01-01 to 2019-12-31
codelist x = codes("X1")
indicator R "A&E attendances per 1,000 residents"
  rate per 1000
  denominator: residents
  events: x
  by local_authority, sex
HG
$HG ingest --persons persons.csv --events events.csv --store st --no-progress \
	--reference "$shared/reference" --extract-date 2020-01-01 > ingest.log 2>&1 ||
	fail "ingest: $(cat ingest.log)"
$HG run pack.hg --store st --out out --sdc none --format csv --population pop.csv \
	> run.log 2>&1 || fail "run: $(cat run.log)"
# the published all_ages of the three LSOAs, both sexes
want=$(awk -F, 'NR > 1 && ($1 == "\"E01000001\"" || $1 == "\"E01000002\"" ||
	$1 == "\"E01000027\"") {s += $6} END {print s}' pop.csv)
la=$(awk -F, 'NR > 1 && $1 == "\"E01000027\"" {s += $6} END {print s}' pop.csv)
[ "$want" -gt 1000 ] || fail "reference total $want"
grep -q ",all,All,2,$want," out/indicators.csv ||
	fail "all: want 2 events over $want: $(grep ,all, out/indicators.csv)"
grep -q ",local_authority,Barking and Dagenham (E09000002),1,$la," out/indicators.csv ||
	fail "Barking: $(grep local_authority out/indicators.csv)"
[ "$(jq -r '.population.area_lsoas, .population.hash_blake2b256' out/metadata.json |
	tr '\n' ' ')" = "3 $(b2sum -l 256 pop.csv | cut -c1-64) " ] ||
	fail "metadata: $(jq -c .population out/metadata.json)"
echo "residents_ons: ok"
