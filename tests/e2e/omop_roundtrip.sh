#!/bin/bash
# omop_roundtrip.sh: the same synthetic population as native CSV and as OMOP CDM v5.4 tables
# (synth --format omop) gives byte-identical published results (issue 15, part 5;
# docs/omop.md): Core20PLUS5's indicators.csv, inequalities.csv and monitoring.csv, and the
# trust pack's (its pathways and appointments, which OMOP has no tables for, given beside
# --omop as native files). The two stores hold the same persons, histories and events
# (person columns byte-identical; event counts by setting equal).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TMPDIR"
fail() { echo "FAIL: $*"; exit 1; }

$HG synth --people 1000 --seed 7 --out nat > /dev/null 2>&1 || fail "synth csv"
$HG synth --people 1000 --seed 7 --out omop --format omop > /dev/null 2>&1 || fail "synth omop"
for t in person observation_period visit_occurrence condition_occurrence drug_exposure \
	procedure_occurrence measurement observation death location care_site location_history; do
	[ -f omop/$t.csv ] || fail "synth --format omop wrote no $t.csv"
done
[ ! -e omop/persons.csv ] || fail "synth --format omop left native persons.csv"
[ -d omop/reference ] || fail "no reference folder beside the OMOP tables"
# one person row per native person, the pseudonym as person_source_value
[ $(($(wc -l < omop/person.csv) - 1)) = $(($(wc -l < nat/persons.csv) - 1)) ] ||
	fail "person.csv and persons.csv differ in rows"
cut -d, -f1 nat/persons.csv | tail -n +2 > ids.nat
python3 -c "
import csv
for r in csv.DictReader(open('omop/person.csv')): print(r['person_source_value'])" > ids.omop
cmp -s ids.nat ids.omop || fail "person_source_value is not the native person_id, in order"

$HG ingest --persons nat/persons.csv --events nat/events.csv \
	--registrations nat/registrations.csv --addresses nat/addresses.csv \
	--pathways nat/pathways.csv --appointments nat/appointments.csv \
	--store snat --no-progress --extract-date 2026-03-31 > ingest_nat.log 2>&1 ||
	fail "native ingest: $(cat ingest_nat.log)"
$HG ingest --omop omop --pathways omop/pathways.csv --appointments omop/appointments.csv \
	--store somop --no-progress --extract-date 2026-03-31 > ingest_omop.log 2>&1 ||
	fail "OMOP ingest: $(cat ingest_omop.log)"
grep -q "^OMOP omop: 1000 persons" ingest_omop.log || fail "no OMOP summary: $(cat ingest_omop.log)"
grep -q "quarantined 0 " ingest_omop.log || fail "OMOP rows rejected: $(cat ingest_omop.log)"
! ls -a somop | grep -q omop || fail "the converted files were left in the store: $(ls -a somop)"

# the stores: every person column identical, the same events by setting
a=snat/$(cat snat/CURRENT) b=somop/$(cat somop/CURRENT)
for f in $(cd $a && ls person.* registration.* address.* event.offset.u64 pathway.* \
	appointment.*); do
	cmp -s $a/$f $b/$f || fail "store file $f differs between native and OMOP input"
done
python3 - $a/manifest.json $b/manifest.json << 'PY' || fail "manifest counts differ"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
for k in ("counts", "flags", "date_range", "completeness", "synthetic_population", "imd"):
    assert a[k] == b[k], (k, a[k], b[k])
for k in ("persons", "events", "registrations", "addresses"):
    assert a["ingest"][k] == b["ingest"][k], (k, a["ingest"][k], b["ingest"][k])
PY

for pack in core20plus5 inclusive-elective-recovery; do
	$HG run "$root/packs/$pack" --store snat --out r_nat_$pack > run_nat.log 2>&1 ||
		fail "run $pack (native): $(cat run_nat.log)"
	$HG run "$root/packs/$pack" --store somop --out r_omop_$pack > run_omop.log 2>&1 ||
		fail "run $pack (OMOP): $(cat run_omop.log)"
	for f in indicators.csv inequalities.csv monitoring.csv; do
		[ -s r_nat_$pack/$f ] || fail "$pack: no $f"
		cmp r_nat_$pack/$f r_omop_$pack/$f ||
			fail "$pack: $f differs between native and OMOP input"
	done
	echo "$pack: $(($(wc -l < r_nat_$pack/indicators.csv) - 1)) indicator rows identical"
done
echo "omop_roundtrip: native and OMOP input give byte-identical results"
