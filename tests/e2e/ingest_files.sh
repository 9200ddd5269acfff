#!/bin/bash
# ingest_files.sh: real-world files at ingest (issue 12, section 5), each with
# the exact words the terminal shows: DD/MM/YYYY dates (stop early, say which
# --date-format reads them; read with it), date-times at 00:00:00 (read),
# upper-case settings (read), a semicolon file (detected and said), Latin-1
# bytes (rejected with the line; converted with --encoding latin1), a missing
# ethnicity column (a warning before any row is read), the first failing value
# of each rejection reason with its line and the expected format, and a file
# whose first 1,000 rows all fail one rule (stopped, no snapshot written).
set -u
cd "$TMPDIR"
fail() { echo "FAIL: $*"; exit 1; }
# has FILE TEXT: FILE holds TEXT as a whole line
has() { grep -qxF -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "$1 lacks the line: $2"; }; }
ingest() { # ingest NAME [OPTIONS]: persons.csv and events.csv into store-NAME
	local n=$1
	shift
	"$HG" ingest --persons persons.csv --events events.csv --store "store-$n" --no-progress \
		--extract-date 2025-03-31 "$@" > "$n.out" 2> "$n.err"
}
events() { printf 'person_id,date,code,value,setting\nP1,2020-01-01,x,,gp\nP2,2020-02-01,y,,apc\n' > events.csv; }

# 1. DD/MM/YYYY dates: every row fails, so ingest stops at once and says why
printf 'person_id,date_of_birth,sex,ethnicity\nP1,23/04/1997,1,A\nP2,02/05/1960,2,B\n' > persons.csv
events
ingest ddmm
rc=$?
[ $rc = 1 ] || fail "DD/MM/YYYY dates: exit $rc (want 1)"
has ddmm.err "healthgap ingest: persons.csv: all 2 rows fail the same rule, so ingest stopped and wrote nothing: invalid date (first at line 2, date_of_birth: '23/04/1997'; expected YYYY-MM-DD or YYYY-MM: it looks like DD/MM/YYYY or MM/DD/YYYY, which healthgap will not guess (01/02 is either): give --date-format DD/MM/YYYY or --date-format MM/DD/YYYY)"
has ddmm.out "persons.csv: comma-separated, UTF-8; dates YYYY-MM-DD, given as DD/MM/YYYY or MM/DD/YYYY"
[ -e store-ddmm ] && fail "a snapshot of nothing was written"
printf 'person_id,date,code,value,setting\nP1,23/04/2020,x,,gp\nP2,1/2/2021,y,,apc\n' > events.csv
ingest ddmm2 --date-format DD/MM/YYYY || fail "--date-format DD/MM/YYYY: $(cat ddmm2.err)"
has ddmm2.out "persons.csv: comma-separated, UTF-8; dates DD/MM/YYYY (--date-format), given as DD/MM/YYYY or MM/DD/YYYY"
has ddmm2.out "persons (persons.csv): read 2 = accepted 2 + quarantined 0 (0.00%)"
has ddmm2.out "events (events.csv): read 2 = accepted 2 + quarantined 0 (0.00%)"
"$HG" info store-ddmm2 --json | python3 -c '
import json, sys
m = json.load(sys.stdin)
assert m["date_range"] == {"first_event": "2020-04-23", "last_event": "2021-02-01"}, m["date_range"]' ||
	fail "DD/MM/YYYY dates read wrongly"
"$HG" ingest --persons persons.csv --events events.csv --store s --date-format 23/04 2> bad.err
rc=$?
[ $rc = 2 ] || fail "a bad --date-format must be a usage error (exit $rc)"
grep -qF "healthgap ingest: --date-format '23/04' is not a date format healthgap reads: give YYYY-MM-DD (the default), DD/MM/YYYY, MM/DD/YYYY" bad.err ||
	fail "--date-format message: $(head -2 bad.err)"

# 2. date-times at midnight, upper-case settings, a semicolon file
printf 'person_id;date_of_birth;sex;ethnicity\nP1;1997-04-23 00:00:00;1;A\nP2;1960-05-02T00:00:00Z;2;B\n' > persons.csv
printf 'person_id;date;code;value;setting\nP1;2020-01-01 00:00:00;x;;GP\nP2;2020-02-01 00:00;y;1.5;APC\n' > events.csv
ingest real || fail "a semicolon file with date-times and GP: $(cat real.err)"
has real.out "persons.csv: semicolon-separated, UTF-8; dates YYYY-MM-DD, given as YYYY-MM-DD hh:mm:ss (date-times: read as dates when the time is 00:00:00)"
has real.out "persons (persons.csv): read 2 = accepted 2 + quarantined 0 (0.00%)"
has real.out "events (events.csv): read 2 = accepted 2 + quarantined 0 (0.00%)"
"$HG" info store-real --json | python3 -c '
import json, sys
m = json.load(sys.stdin)
s = m["counts"]["events_by_setting"]
assert s["gp"] == 1 and s["apc"] == 1, s' || fail "upper-case settings not stored as gp/apc"
# a time of day other than midnight is not a date
printf 'person_id;date;code;value;setting\nP1;2020-01-01 00:00:00;x;;GP\nP2;2020-02-01 14:30:00;y;;apc\n' > events.csv
ingest time --max-reject-rate 1 || fail "time of day: $(cat time.err)"
has time.out "    rejected: invalid date                             1"
has time.out "              first at line 3, date: '2020-02-01 14:30:00'; expected YYYY-MM-DD: a date-time is read as its date only when the time is 00:00:00"

# 3. Latin-1 bytes: rejected with the line, or converted with --encoding latin1
printf 'person_id,date_of_birth,sex,ethnicity\nP1,1997-04-23,1,A\nP\xe92,1960-05-02,2,B\n' > persons.csv
printf 'person_id,date,code,value,setting\nP1,2020-01-01,x,,gp\nP\xe92,2020-02-01,y,,apc\n' > events.csv
ingest latin
rc=$?
[ $rc = 1 ] || fail "Latin-1 bytes: exit $rc (want 1)"
has latin.err "healthgap ingest: persons.csv:3: byte 2 of the line (0xE9) is not UTF-8: the file looks like Latin-1 or Windows-1252 (what Excel saves as plain 'CSV'); give --encoding latin1 to convert it, or save it as 'CSV UTF-8'"
ingest latin1 --encoding latin1 || fail "--encoding latin1: $(cat latin1.err)"
has latin1.out "persons.csv: comma-separated, Latin-1 (converted to UTF-8); dates YYYY-MM-DD"
has latin1.out "events (events.csv): read 2 = accepted 2 + quarantined 0 (0.00%)"
grep -q "$(printf 'P\xc3\xa92')" store-latin1/snap-*/person.id.str || fail "the id is not stored as UTF-8"
# the events file alone in Latin-1: its line is found by the parallel check
printf 'person_id,date_of_birth,sex,ethnicity\nP1,1997-04-23,1,A\n' > persons.csv
printf 'person_id,date,code,value,setting\nP1,2020-01-01,x,,gp\nP1,2020-01-02,caf\xe9,,gp\n' > events.csv
ingest latin2
has latin2.err "healthgap ingest: events.csv:3: byte 18 of the line (0xE9) is not UTF-8: the file looks like Latin-1 or Windows-1252 (what Excel saves as plain 'CSV'); give --encoding latin1 to convert it, or save it as 'CSV UTF-8'"

# 4. a missing ethnicity column is said up front, before any row is read
printf 'person_id,date_of_birth,sex,ethnicty,lsoa,practice,registered_from\nP1,1997-04-23,1,A,,,\nP2,1960-05-02,2,B,,,\n' > persons.csv
events
"$HG" ingest --persons persons.csv --events events.csv --store store-eth --no-progress \
	--extract-date 2025-03-31 > eth.log 2>&1 || fail "missing ethnicity: $(cat eth.log)"
has eth.log "warning: persons.csv has no ethnicity column (is 'ethnicty' it? name the column ethnicity): everyone's ethnicity is Not stated, so ethnicity breakdowns have one group"
has eth.log "note: persons.csv has no date_of_death column: everyone is taken as alive"
[ "$(grep -n 'has no ethnicity column' eth.log | cut -d: -f1)" -lt "$(grep -n '^persons (persons.csv): read' eth.log | cut -d: -f1)" ] ||
	fail "the missing column is said after the rows were read"

# 5. the first failing value of each reason, its line and what was expected
cat > persons.csv << 'CSV'
person_id,date_of_birth,sex,ethnicity,lsoa,practice,registered_from
P1,1950-01-01,1,A,E01000001,A81001,2000-01-01
P2,1950-01-01,X,A,E01000001,A81001,2000-01-01
P3,1950-01-01,1,Q,E01000001,A81001,2000-01-01
P4,1950-01-01,1,A,E1000001,A81001,2000-01-01
P5,1950-01-01,1,A,E01000001,a81001,2000-01-01
P6,1850-01-01,1,A,E01000001,A81001,2000-01-01
P7,1950-01-01,1,A,E01000001,A81001,2000-01-01
CSV
printf 'person_id,date,code,value,setting\nP1,2020-01-01,x,abc,gp\nP1,2020-01-01,x,,hospital\nP9,2020-01-01,x,,gp\nP7,2020-01-01,x,,gp\n' > events.csv
ingest first --max-reject-rate 1 || fail "first failing values: $(cat first.err)"
has first.out "              first at line 3, sex: 'X'; expected 1, 2, 9, 0 or M, F, I, U (any case), or blank"
has first.out "              first at line 4, ethnicity: 'Q'; expected an NHS ethnic category A-H, J-N, P, R-T, W, X, Z or 99, or blank"
has first.out "              first at line 5, lsoa: 'E1000001'; expected E01 or W01 and 6 digits (E01000001), or blank"
has first.out "              first at line 6, practice: 'a81001'; expected an ODS practice code: a capital letter and 5 digits (A81001), or blank"
has first.out "              first at line 7, date_of_birth: '1850-01-01'; expected a date from 1900-01-01 to the extract date (--extract-date, default today)"
has first.out "              first at line 2, value: 'abc'; expected a number, or blank"
has first.out "              first at line 3, setting: 'hospital'; expected gp, rx, ae, apc, op, mh, mat or cancer (any case)"
# an identifier is never shown
has first.out "              first at line 4, person_id; expected a person of persons.csv whose row was accepted"

# 6. the first 1,000 rows all fail one rule: stop there, write nothing
python3 -c '
print("person_id,date_of_birth,sex")
for i in range(1500):
    print(f"P{i},1950-01-01,1")
' > persons.csv
python3 -c '
print("person_id,date,code,value,setting")
for i in range(3000):
    print(f"P{i % 1500},2020-01-01,x,,hospital")
' > events.csv
ingest early
rc=$?
[ $rc = 1 ] || fail "all-failing events: exit $rc (want 1)"
has early.err "healthgap ingest: events.csv: the first 1,000 rows all fail the same rule, so ingest stopped and wrote nothing: unknown setting (first at line 2, setting: 'hospital'; expected gp, rx, ae, apc, op, mh, mat or cancer (any case))"
[ -e store-early ] && fail "a snapshot was written"
echo "real-world files: every case says what it found"
