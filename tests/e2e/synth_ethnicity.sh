#!/bin/bash
# synth_ethnicity.sh: `synth --ethnicity-as codes` (issue 15, part 2; docs/synthetic-data.md
# "Ethnicity as codes"). The same population (same seed) written with the ethnicity column
# and with SNOMED CT codes: every other row is the same, the coded record is realistic (one
# code, two different codes over time, a later not-stated code, none), and ingest
# --ethnicity-codelist with the codelist synth wrote derives the column's category for every
# person (the stores' ethnicity columns byte-identical) and a pack's results by ethnicity and
# ethnicity_detailed are identical. Also through --format omop, and the codelist's codes
# against the OpenCodelists ethnicity list of ../shared (skipped without it).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
shared=${HEALTHGAP_SHARED:-${SHARED:-$root/../shared}}
cd "$TMPDIR"
fail() {
	echo "FAIL: $*"
	exit 1
}
list=ethnicity_2001_census.csv

# usage errors
$HG synth --people 10 --out x --ethnicity-as letters > out 2> err && fail "--ethnicity-as letters"
grep -q "give column or codes" err || fail "message: $(cat err)"
mkdir -p fake/core20plus5/codelists # the other packs' lists are found beside it
for d in "$root"/packs/*; do [ "${d##*/}" = core20plus5 ] || ln -s "$d" fake/; done
cp "$root"/packs/core20plus5/codelists/*.csv fake/core20plus5/codelists/
rm fake/core20plus5/codelists/$list
$HG synth --people 10 --out x --ethnicity-as codes --codelists fake/core20plus5/codelists \
	> out 2> err && fail "--ethnicity-as codes without the codelist"
grep -q "codelists/$list not found" err || fail "message: $(cat err)"

$HG synth --people 2000 --seed 3 --out col --quiet || fail "synth"
$HG synth --people 2000 --seed 3 --out codes --ethnicity-as codes --quiet --threads 2 ||
	fail "synth codes"
$HG synth --people 2000 --seed 3 --out codes1 --ethnicity-as codes --quiet --threads 1 ||
	fail "synth codes, one thread"
for f in persons.csv events.csv; do
	cmp -s codes/$f codes1/$f || fail "$f differs between 1 and 2 threads"
done
[ ! -e col/$list ] || fail "the codelist written without --ethnicity-as codes"
cmp -s codes/$list "$root/packs/core20plus5/codelists/$list" || fail "codes/$list is not the pack's"
head -1 codes/persons.csv | grep -q '^person_id,date_of_birth,sex,ethnicity_hospital,lsoa,' ||
	fail "header: $(head -1 codes/persons.csv)"
cmp -s <(cut -d, -f1-3,5- col/persons.csv) <(cut -d, -f1-3,5- codes/persons.csv) ||
	fail "persons.csv differs in other columns than ethnicity"
tail -n +2 codes/$list | cut -d, -f1 | sed 's/.*/,&,/' > eth_codes
grep -vFf eth_codes codes/events.csv | cmp -s - col/events.csv ||
	fail "events.csv without the ethnicity codes is not the column population's"
for f in registrations.csv addresses.csv pathways.csv appointments.csv; do
	cmp -s col/$f codes/$f || fail "$f differs"
done

# the record: how many people have 0, 1, 2 codes, two stated categories, a later Z
python3 - codes > record.txt << 'PY' || fail "record: $(cat record.txt)"
import csv, sys, collections
d = sys.argv[1]
cat = {r["code"]: r["ethnic_category"] for r in csv.DictReader(open(d + "/ethnicity_2001_census.csv"))}
col = {r["person_id"]: r["ethnicity_hospital"] for r in csv.DictReader(open(d + "/persons.csv"))}
rec = collections.defaultdict(list)
for r in csv.DictReader(open(d + "/events.csv")):
    if r["code"] in cat:
        rec[r["person_id"]].append((r["date"], cat[r["code"]]))
n = len(col)
none = sum(1 for p in col if p not in rec)
one = sum(1 for v in rec.values() if len(v) == 1)
two_stated = sum(1 for v in rec.values() if len({k for _, k in v if k != "Z"}) == 2)
later_z = sum(1 for v in rec.values() if len(v) == 2 and sorted(v)[1][1] == "Z" and sorted(v)[0][1] != "Z")
hosp_only = sum(1 for p, h in col.items() if p not in rec and h)
print(n, none, one, two_stated, later_z, hosp_only)
assert 0.70 * n < one < 0.85 * n, "one code"
assert 0.05 * n < two_stated < 0.15 * n, "two stated codes"
assert 0.01 * n < later_z < 0.08 * n, "a later not-stated code"
assert 0.08 * n < none < 0.20 * n and 0.03 * n < hosp_only < none, "no code, hospital"
PY

ing() { # ing DIR STORE [ARGS]
	local d=$1 s=$2
	shift 2
	$HG ingest --persons $d/persons.csv --events $d/events.csv --registrations $d/registrations.csv \
		--addresses $d/addresses.csv --store $s --no-progress --extract-date 2026-03-31 "$@" \
		> $s.log 2>&1 || fail "ingest $d: $(cat $s.log)"
}
ing col scol
ing codes scodes --ethnicity-codelist codes/$list
a=scol/$(cat scol/CURRENT) b=scodes/$(cat scodes/CURRENT)
for f in person.eth_cat.u8 person.eth_group.u8 person.id.str; do
	cmp -s $a/$f $b/$f || fail "$f: the derived ethnicity differs from the column's"
done
jq -e '.ethnicity | .source == "latest recorded code" and .from_codes > 1500 and
	.from_hospital > 50 and .not_stated_codes_only > 50 and .none_recorded > 20 and
	.conflicts_on_latest_date == 0' $b/manifest.json > /dev/null ||
	fail "manifest: $(jq -c .ethnicity $b/manifest.json)"

# a pack by ethnicity and ethnicity_detailed: identical results
ln -s "$root/packs/core20plus5/codelists" codelists
cat > eth.hg << 'HG'
periods quarterly from 2024-04-01 to 2026-03-31
codelist hyp = "codelists/hyp_cod.csv"
indicator HYP_ETH "Hypertension register by ethnicity"
  proportion
  denominator: registered and alive
  numerator:   exists(hyp)
  by ethnicity, ethnicity_detailed, imd_quintile x ethnicity
HG
for s in scol scodes; do
	$HG run eth.hg --store $s --out r_$s --sdc none --format csv > run_$s.log 2>&1 ||
		fail "run $s: $(cat run_$s.log)"
done
cmp -s r_scol/indicators.csv r_scodes/indicators.csv || fail "indicators.csv differs"
grep -q "ethnicity_detailed,Asian: Pakistani" r_scodes/indicators.csv ||
	fail "no detailed rows: $(head -3 r_scodes/indicators.csv)"

# the same through OMOP: the hospital value as race, read back as ethnicity_hospital
$HG synth --people 2000 --seed 3 --out omop --ethnicity-as codes --format omop --quiet ||
	fail "synth omop"
[ -f omop/$list ] || fail "no codelist beside the OMOP tables"
$HG ingest --omop omop --ethnicity-codelist omop/$list --store somop --no-progress \
	--extract-date 2026-03-31 > somop.log 2>&1 || fail "ingest omop: $(cat somop.log)"
o=somop/$(cat somop/CURRENT)
for f in person.eth_cat.u8 person.eth_group.u8; do
	cmp -s $a/$f $o/$f || fail "$f: OMOP with codes differs from the column"
done

if [ ! -d "$shared/codelists" ]; then
	echo "SKIP part: $shared/codelists absent (the codelist's check against OpenCodelists)"
	exit 0
fi
python3 - "$root/packs/core20plus5/codelists/$list" "$shared" << 'PY' || fail "codelist check"
import csv, glob, sys
g16 = "?ABCDEFGHJKLMNPRSZ"
pub = {}
for f in glob.glob(sys.argv[2] + "/codelists/*/opensafely-ethnicity-snomed-0removed.csv"):
    for r in csv.DictReader(open(f)):
        pub[r.get("code") or r["snomedcode"]] = g16[int(r["Grouping_16"])]
mapping = {}
for f in glob.glob(sys.argv[2] + "/reference/ethnicity/ethnicity_categories_snomed_mapping.csv"):
    for r in csv.DictReader(open(f, encoding="utf-8-sig")):
        mapping[r["code"]] = r["ethnic_category"]
assert pub, "no opensafely-ethnicity-snomed-0removed.csv"
for r in csv.DictReader(open(sys.argv[1])):
    c, k = r["code"], r["ethnic_category"]
    want = pub.get(c) or mapping.get(c)
    assert want == k, (c, k, want)
    assert "2001 census" in r["term"], r
print("ok: every code's category is the published one")
PY
echo "ok: $(cat record.txt) (people, no code, one code, two stated, later Z, hospital only)"
