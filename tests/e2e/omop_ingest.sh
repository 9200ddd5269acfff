#!/bin/bash
# omop_ingest.sh: ingest --omop on hand-built OMOP CDM tables (issue 15, part 5;
# docs/omop.md): each mapping edge (gender, race and NHS ethnic category concepts, month-only
# births, visits to settings, source values or concept ids as codes, flags, deaths, several
# observation periods as a registration history) lands in the store as the native row would,
# and each value that cannot be mapped is rejected by the native rules with its OMOP file's
# line (persons, registrations) or its omop_source (events), and the exact terminal message.
set -eu
cd "$TMPDIR"
fail() { echo "FAIL: $*"; exit 1; }

$HG synth --people 5 --seed 1 --out ref > /dev/null 2>&1 || fail "synth"
mkdir -p o && cp -r ref/reference o/reference
cd o
cat > location.csv << 'T'
location_id,address_1,location_source_value
1,,E01900001
2,,E01900002
T
cat > care_site.csv << 'T'
care_site_id,care_site_name,care_site_source_value
10,A practice,Y00001
T
cat > person.csv << 'T'
person_id,gender_concept_id,year_of_birth,month_of_birth,day_of_birth,race_concept_id,race_source_value,race_source_concept_id,location_id,care_site_id,person_source_value
1,8507,1950,3,4,8527,A,,1,10,PA
2,8532,1960,5,,38003574,,,2,10,PB
3,8570,1970,1,1,0,,700367,1,10,
4,8551,1980,1,1,8515,White,,1,10,PD
5,0,1990,1,1,0,,,1,10,PE
6,12345,1990,1,1,0,,,1,10,PF
7,8507,1990,,,0,,,1,10,PG
8,8507,1990,1,1,0,,,99,10,PH
9,8507.0,1991,1,1,8527,c,,2,10,PI
T
cat > death.csv << 'T'
person_id,death_date,death_type_concept_id
9,2020-06-30,32817
77,2020-01-01,32817
T
cat > observation_period.csv << 'T'
observation_period_id,person_id,observation_period_start_date,observation_period_end_date,period_type_concept_id
1,1,2000-01-01,2026-03-31,32817
2,2,2000-01-01,2030-01-01,32817
3,3,2000-01-01,2026-03-31,32817
4,4,2000-01-01,2026-03-31,32817
5,5,2000-01-01,2026-03-31,32817
9,9,2000-01-01,2010-12-31,32817
10,9,2012-01-01,2020-06-30,32817
11,9,2015-01-01,2016-01-01,32817
12,555,2000-01-01,2026-03-31,32817
13,4,2026-01-01,2025-01-01,32817
T
cat > visit_occurrence.csv << 'T'
visit_occurrence_id,person_id,visit_concept_id,visit_start_date,visit_source_value
100,1,9201,2020-01-01,
101,1,9203,2020-01-02,
102,1,9202,2020-01-03,mh
103,1,99999,2020-01-04,
104,1,581477,2020-01-05,GP
T
cat > condition_occurrence.csv << 'T'
condition_occurrence_id,person_id,condition_concept_id,condition_start_date,visit_occurrence_id,condition_source_value
1,1,201826,2020-01-01,100,E11
2,1,0,2020-01-02,101,X01
3,1,201826,2020-01-03,102,F20
4,1,201826,2020-01-04,103,E11
5,1,201826,2020-01-05,777,E11
6,555,201826,2020-01-05,,E11
7,1,201826,2020-01-05,104,E11
T
cat > drug_exposure.csv << 'T'
drug_exposure_id,person_id,drug_concept_id,drug_exposure_start_date,drug_source_value
1,1,1503297,2020-02-01,325072002
T
cat > measurement.csv << 'T'
measurement_id,person_id,measurement_concept_id,measurement_date,value_as_number,measurement_source_value
1,1,3004249,2020-03-01,142.0,271649006
2,1,3004249,2020-03-02,abc,271649006
T
cat > observation.csv << 'T'
observation_id,person_id,observation_concept_id,observation_date,value_as_number,observation_source_value
1,1,0,2020-01-01,1,flag_homeless
2,2,0,2020-01-01,0,flag_homeless
3,1,4087921,2019-01-01,,ETH1
T
cd ..

$HG ingest --omop o --store s --no-progress --extract-date 2026-03-31 --max-reject-rate 1 \
	> log 2> err || fail "ingest --omop: $(cat log err)"
# the terminal: each rejection's first value and its line in the OMOP file
want() { grep -qF -- "$1" log || fail "ingest said no '$1': $(cat log)"; }
want "OMOP o: 9 persons, 11 event rows (codes: source values), 5 visits, 2 flag rows"
want "OMOP events in the converted events.csv: lines 2-8 from condition_occurrence.csv, 9 from drug_exposure.csv, 10-11 from measurement.csv, 12 from observation.csv"
want "persons (s/.tmp-"
want "read 9 = accepted 6 + quarantined 3"
want "first at line 7, sex: 'gender_concept_id 12345'; expected 1, 2, 9, 0 or M, F, I, U"
want "first at line 8, date_of_birth: '1990'; expected YYYY-MM-DD or YYYY-MM"
want "first at line 9, lsoa: 'location_id 99 not in location.csv'; expected E01 or W01"
want "warning:  sex blank (recorded as not known)        1"
want "read 11 = accepted 7 + quarantined 4"
want "first at line 5, setting: 'visit_concept_id 99999'; expected gp, rx, ae"
want "first at line 11, value: 'abc'; expected a number"
want "registrations (s/.tmp-"
want "read 10 = accepted 7 + quarantined 3"
grep -qF "o/death.csv: 1 rows for a person_id not in person.csv were not used" err ||
	fail "no warning for the unmatched death: $(cat err)"
! ls -a s | grep -q omop || fail "the converted files were left in the store"
snap=s/$(cat s/CURRENT)
# the quarantine: the native reason and, in each record, the OMOP file and line
q() { grep -qF -- "$2" $snap/quarantine_$1.csv || fail "quarantine_$1.csv lacks '$2': $(cat $snap/quarantine_$1.csv)"; }
q persons "7,sex,invalid sex code,"
q persons ",person.csv:7"
q persons "8,date_of_birth,invalid date"
q persons "9,lsoa,malformed LSOA code,"
q events "visit_concept_id 99999,condition_occurrence.csv:5"
q events "visit_occurrence_id not in visit_occurrence,condition_occurrence.csv:6"
q events "event for unknown person"
q events ",condition_occurrence.csv:7"
q events "value is not a number"
q events ",measurement.csv:3"
q registrations "10,person_id,row for unknown person"
q registrations "9,from,overlaps an earlier period"
q registrations ",observation_period.csv:9"
# a person's latest period out of order is quarantined alone: the person and their other
# period stay (persons.csv takes the latest period its rules accept)
q registrations "11,to,registration dates out of order"

# the store, column by column
python3 - $snap << 'PY' || fail "store columns"
import json, struct, sys, datetime as dt
d = sys.argv[1]
def col(name, fmt):
    b = open(f"{d}/{name}", "rb").read()
    return list(struct.unpack(f"<{len(b) // struct.calcsize(fmt)}{fmt}", b))
def strs(name):
    b = open(f"{d}/{name}", "rb").read()
    n = struct.unpack_from("<I", b)[0]
    off = struct.unpack_from(f"<{n + 1}I", b, 4)
    base = 4 + 4 * (n + 1)
    return [b[base + off[i]:base + off[i + 1] - 1].decode() for i in range(n)]
def day(s):
    return (dt.date.fromisoformat(s) - dt.date(1970, 1, 1)).days
ids = strs("person.id.str")
assert ids == ["PA", "PB", "3", "PD", "PE", "PI"], ids
sex = col("person.sex.u8", "B")
assert sex == [1, 2, 9, 0, 0, 1], sex          # 8507 8532 8570 8551 0 8507.0
eth = bytes(col("person.eth_cat.u8", "B"))
assert eth == b"AHNL\0C", eth                   # source value, race concept, NHS source concept, 8515 Asian, none, 'c'
assert col("person.dob_month_only.u8", "B") == [0, 1, 0, 0, 0, 0]
assert col("person.dob.i32", "i")[1] == day("1960-05-01")
dod = col("person.dod.i32", "i")
assert dod[5] == day("2020-06-30") and dod[0] == 0x7FFFFFFF, dod
assert col("person.flags.u64", "Q") == [1, 0, 0, 0, 0, 0]
m = json.load(open(f"{d}/manifest.json"))
assert m["flags"] == ["homeless"], m["flags"]
bys = m["counts"]["events_by_setting"]
assert bys == {"gp": 3, "rx": 1, "ae": 1, "apc": 1, "op": 0, "mh": 1, "mat": 0, "cancer": 0} or \
    {k: v for k, v in bys.items() if v} == {"gp": 3, "rx": 1, "ae": 1, "apc": 1, "mh": 1}, bys
assert strs("dict.code.str") == ["E11", "X01", "F20", "325072002", "271649006", "ETH1"], strs("dict.code.str")
assert m["ingest"]["registrations"]["gaps"] == 1, m["ingest"]["registrations"]
# PI: two periods (2000-2010, 2012 to their death), the still-open ones open
off = col("registration.offset.u64", "Q")
fr, to = col("registration.from.i32", "i"), col("registration.to.i32", "i")
assert off[6] - off[5] == 2 and to[off[5]] == day("2010-12-31"), (off, to)
assert to[off[1]] == 0x7FFFFFFF, "an end after the extract date is still registered"
assert to[off[0]] == 0x7FFFFFFF, "an end on the extract date is still registered"
ev = col("event.value.f32", "f")
assert 142.0 in ev, ev
PY

# concept ids as codes: a concept of 0 is no code; codelists then hold concept ids
$HG ingest --omop o --omop-codes concept --store s2 --no-progress --extract-date 2026-03-31 \
	--max-reject-rate 1 > log2 2>&1 || fail "--omop-codes concept: $(cat log2)"
grep -qF "(codes: concept ids)" log2 || fail "no codes note: $(cat log2)"
grep -qF "first at line 3, code: ''; expected" log2 || fail "concept 0 not rejected: $(cat log2)"
snap2=s2/$(cat s2/CURRENT)
grep -qF ",condition_occurrence.csv:3" $snap2/quarantine_events.csv || fail "no omop_source"
python3 - $snap2 << 'PY' || fail "concept codes"
import struct, sys
b = open(f"{sys.argv[1]}/dict.code.str", "rb").read()
n = struct.unpack_from("<I", b)[0]
codes = b[4 + 4 * (n + 1):].split(b"\0")[:n]
assert codes == [b"201826", b"1503297", b"3004249", b"4087921"], codes
PY
# an ethnicity codelist of concept ids: the latest recorded concept gives the category, and
# the person table's race is the fallback for people with none
printf 'concept_id,ethnic_category\n4087921,K\n' > eth_concepts.csv
$HG ingest --omop o --omop-codes concept --ethnicity-codelist eth_concepts.csv --store s3 \
	--no-progress --extract-date 2026-03-31 --max-reject-rate 1 > log3 2>&1 ||
	fail "--ethnicity-codelist of concept ids: $(cat log3)"
python3 - s3/$(cat s3/CURRENT) << 'PY' || fail "ethnicity from concept ids"
import sys
eth = open(f"{sys.argv[1]}/person.eth_cat.u8", "rb").read()
assert eth == b"KHNL\0C", eth   # PA's code K beats their race A; the others' race
PY

# a flag observation with a value other than 0, 1 or blank: persons.csv's flag rule rejects
# the person, showing why
cp -r o o2 && echo "4,9,0,2020-01-01,2,flag_homeless" >> o2/observation.csv
$HG ingest --omop o2 --store s5 --no-progress --extract-date 2026-03-31 --max-reject-rate 1 \
	> log5 2>&1 || fail "bad flag: $(cat log5)"
grep -qF "first at line 10, flag: 'observation value not 0 or 1'; expected 0, 1 or blank" log5 ||
	fail "bad flag value not shown: $(cat log5)"

# errors: what is wrong, where, and the fix
e() { # expected-status message args...
	local st=$1 msg=$2
	shift 2
	set +e
	$HG ingest "$@" > out 2>&1
	local rc=$?
	set -e
	[ $rc = $st ] || fail "status $rc, not $st, for $*: $(cat out)"
	grep -qF -- "$msg" out || fail "for $*: no '$msg' in: $(cat out)"
}
e 2 "--omop reads persons, events, registrations and addresses from the OMOP tables" \
	--omop o --persons x.csv --store s4
e 2 "--omop-codes 'ids': give source (each row's *_source_value, the default) or concept" \
	--omop o --omop-codes ids --store s4
e 1 "nowhere: not a folder: --omop takes the folder of the OMOP tables" --omop nowhere --store s4
mkdir -p bad && cp o/*.csv bad/ && rm bad/observation_period.csv
e 1 "bad: no observation_period.csv: the OMOP observation_period table is required" \
	--omop bad --store s4 --reference o/reference
cp o/observation_period.csv bad/ && sed -i "1s/gender_concept_id/gendr_concept_id/" bad/person.csv
e 1 "bad/person.csv:1: header has no gender_concept_id column (the OMOP CDM v5.4 person table has it) (is 'gendr_concept_id' it? name the column gender_concept_id)" \
	--omop bad --store s4 --reference o/reference
cp o/person.csv bad/ && echo "1,8507,1950,3,4,8527,A,,1,10,PZ" >> bad/person.csv
e 1 "bad/person.csv:11: person_id repeats the one on line 2: an OMOP person_id is unique" \
	--omop bad --store s4 --reference o/reference
[ ! -e s4/CURRENT ] || fail "a failed OMOP ingest made a snapshot current"
! ls -a s4 2> /dev/null | grep -q omop || fail "a failed OMOP ingest left its files"
echo "omop_ingest: every mapping edge and error as documented"
