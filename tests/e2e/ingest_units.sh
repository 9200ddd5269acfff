#!/bin/bash
# ingest_units.sh: pathways.csv and appointments.csv at ingest (issue 16, section 1).
# Every rejection reason of the two files once, with the exact words the terminal
# shows (reason, count, first line, field, value and what was expected; never an
# identifier), the quarantine files (line, field, reason, record), the counts
# reconciling (read = accepted + quarantined) on the terminal and in the manifest,
# the stored columns read back through a pack, and a snapshot written before the unit
# tables existed (their files and counts removed, the manifest re-signed) still
# opening and verifying, with no pathways and no appointments.
set -u
cd "$TMPDIR"
fail() { echo "FAIL: $*"; exit 1; }
has() { grep -qxF -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "$1 lacks the line: $2"; }; }

printf 'person_id,date_of_birth,sex,ethnicity,date_of_death\n' > persons.csv
printf 'P1,1960-01-01,1,A,\nP2,1980-05-05,2,M,\nP3,1950-01-01,1,H,2024-06-30\nP4,2020-01-01,2,B,\n' >> persons.csv
printf 'person_id,date,code,value,setting\nP1,2020-01-01,x,,gp\n' > events.csv

# pathways: 4 good rows, then one per reason, in the order the rules are applied
cat > pathways.csv << 'EOF'
person_id,pathway_id,provider,specialty,clock_start,clock_stop,priority,removal_reason
P1,W1,RXX,110,2024-01-01,,P2,
P2,W2,rxx01,130,2023-06-01,2024-02-01,2,30
P3,W3,,,2024-03-01,2024-06-30,P1a,36
P4,W4,RYY,X02,2024-09-09,,,
P1,W5,RXX,110,2024-01-01
P9,W6,RXX,110,2024-01-01,,,
P1,,RXX,110,2024-01-01,,,
P1,W1,RXX,110,2024-01-01,,,
P1,W7,RXX,11,2024-01-01,,,
P1,W8,R-X,110,2024-01-01,,,
P1,W9,RXX,110,,,,
P1,W10,RXX,110,2024-13-01,,,
P1,W11,RXX,110,1899-12-31,,,
P4,W12,RXX,110,2019-12-31,,,
P3,W13,RXX,110,2024-01-01,2024-07-01,,
P1,W14,RXX,110,2024-02-01,2024-01-31,,
P1,W15,RXX,110,2024-01-01,,P5,
P1,W16,RXX,110,2024-01-01,2024-02-01,,37
P1,W17,RXX,110,2024-01-01,,,30
P1,"W18,RXX,110,2024-01-01,,,
EOF
# appointments: 5 good rows, then one per reason of its own
cat > appointments.csv << 'EOF'
person_id,date,setting,specialty,provider,outcome,attendance_type
P1,2024-02-01,op,110,RXX,attended,first
P1,2024-03-01,OP,110,RXX,did not attend,follow-up
P2,2024-02-02,gp,,,DNA,
P2,2024-02-03,,130,RXX,5,1
P4,2024-02-04,op,X02,RYY,cancelled_by_provider,4
P1,2024-02-01,ae,110,RXX,attended,first
P1,2024-02-01,op,110,RXX,attended,second
P1,2024-02-01,op,110,RXX,turned up,first
P1,,op,110,RXX,attended,first
P9,2024-02-01,op,110,RXX,attended,first
EOF
"$HG" ingest --persons persons.csv --events events.csv --pathways pathways.csv \
	--appointments appointments.csv --store store --no-progress --extract-date 2025-03-31 \
	--max-reject-rate 1 > ing.out 2> ing.err || fail "ingest: $(cat ing.err)"
has ing.out "pathways (pathways.csv): read 20 = accepted 4 + quarantined 16 (80.00%)"
has ing.out "appointments (appointments.csv): read 10 = accepted 5 + quarantined 5 (50.00%)"
# each reason: its name and count, then its first failing row (identifiers withheld),
# in the section of its file
sed -n '/^pathways (/,/^appointments (/p' ing.out > pw.out
sed -n '/^appointments (/,/^IMD/p' ing.out > ap.out
F=pw.out
exp() { # exp REASON COUNT FIRST: in file $F
	local line
	line=$(printf '    rejected: %-40s %s' "$1" "$2")
	has $F "$line"
	grep -A1 -xF -- "$line" $F | tail -1 | grep -qxF -- "              first at $3" ||
		fail "'$1' first failing row: want '$3', got '$(grep -A1 -xF -- "$line" $F | tail -1)'"
}
exp "wrong number of fields" 1 "line 6, (record); expected as many fields as the header"
exp "malformed quoting" 1 "line 21, (record); expected a quoted field to end with a quote then the separator or the line end"
exp "row for unknown person" 1 "line 7, person_id; expected a person of persons.csv whose row was accepted"
exp "missing or malformed pathway_id" 1 "line 8, pathway_id; expected 1 to 64 characters, no commas or control characters"
exp "duplicate pathway_id" 1 "line 9, pathway_id; expected one row per pathway_id"
exp "malformed specialty code" 1 "line 10, specialty: '11'; expected a treatment function code of 3 letters or digits (110, 130, X02), or blank"
exp "malformed provider code" 1 "line 11, provider: 'R-X'; expected an ODS organisation code of 3 to 6 capital letters and digits (RXX, RXX01), or blank"
exp "missing date" 1 "line 12, clock_start: ''; expected a date in every row"
exp "invalid date" 1 "line 13, clock_start: '2024-13-01'; expected YYYY-MM-DD"
exp "date outside 1900-01-01..extract date" 1 "line 14, clock_start: '1899-12-31'; expected a date from 1900-01-01 to the extract date (--extract-date, default today)"
exp "date before date of birth" 1 "line 15, clock_start: '2019-12-31'; expected a date on or after the person's date of birth"
exp "date after date of death" 1 "line 16, clock_stop: '2024-07-01'; expected a date on or before the person's date of death"
exp "clock_stop before clock_start" 1 "line 17, clock_stop: '2024-01-31'; expected a clock_stop on or after clock_start, or blank (still waiting)"
exp "invalid priority" 1 "line 18, priority: 'P5'; expected P1, P2, P3, P4 (or 1-4, P1a, P1b; any case), or blank"
exp "invalid removal_reason" 1 "line 19, removal_reason: '37'; expected an RTT clock-stop status 30-36, or blank"
exp "removal_reason without a clock_stop" 1 "line 20, removal_reason: '30'; expected a clock_stop when removal_reason is given"
F=ap.out
exp "row for unknown person" 1 "line 11, person_id; expected a person of persons.csv whose row was accepted"
exp "missing date" 1 "line 10, date: ''; expected a date in every row"
exp "appointment setting not op or gp" 1 "line 7, setting: 'ae'; expected op or gp (any case), or blank (op)"
exp "invalid attendance_type" 1 "line 8, attendance_type: 'second'; expected first or follow-up (or FIRST ATTENDANCE codes 1-4), or blank"
exp "invalid outcome" 1 "line 9, outcome: 'turned up'; expected attended, did not attend, cancelled by patient or cancelled by provider (or ATTENDED OR DID NOT ATTEND codes 2-7)"
grep -q "P9" ing.out && fail "an identifier reached the terminal"
# the quarantine files: one row per rejected row, with line, field and reason
snap=store/$(cat store/CURRENT)
qrows() { python3 -c 'import csv, sys; print(len(list(csv.reader(open(sys.argv[1])))) - 1)' "$1"; }
[ "$(qrows "$snap/quarantine_pathways.csv")" = 16 ] || fail "quarantine_pathways.csv rows"
[ "$(qrows "$snap/quarantine_appointments.csv")" = 5 ] || fail "quarantine_appointments.csv rows"
grep -qxF '18,priority,invalid priority,"P1,W15,RXX,110,2024-01-01,,P5,"' "$snap/quarantine_pathways.csv" ||
	fail "quarantine_pathways.csv: $(cat "$snap/quarantine_pathways.csv")"
grep -qxF '10,date,missing date,"P1,,op,110,RXX,attended,first"' "$snap/quarantine_appointments.csv" ||
	fail "quarantine_appointments.csv: $(cat "$snap/quarantine_appointments.csv")"
# the manifest: counts that reconcile, per reason
python3 - "$snap/manifest.json" << 'EOF' || fail "manifest counts"
import json, sys
m = json.load(open(sys.argv[1]))
c = m["counts"]
assert c["pathways"] == 4 and c["appointments"] == 5, c
assert c["specialties"] == 3 and c["providers"] == 3, c  # 110 130 X02; RXX RXX01 RYY
for role, read, acc in (("pathways", 20, 4), ("appointments", 10, 5)):
    r = m["ingest"][role]
    assert r["read"] == read and r["accepted"] == acc and r["quarantined"] == read - acc, r
    assert r["read"] == r["accepted"] + r["quarantined"]
    assert sum(r["rejected_by_reason"].values()) == r["quarantined"], r
    assert len(r["rejected_by_reason"]) == {"pathways": 16, "appointments": 5}[role], r
EOF
"$HG" verify store > /dev/null || fail "verify of the snapshot with unit tables"

# a snapshot from before the unit tables: their files and counts gone, manifest re-signed
cp -r "$snap" old
rm old/pathway.* old/appointment.* old/dict.specialty.str old/dict.provider.str \
	old/quarantine_pathways.csv old/quarantine_appointments.csv
python3 - old/manifest.json << 'EOF'
import json, sys
p = sys.argv[1]
m = json.load(open(p))
for k in ("pathways", "appointments", "specialties", "providers"):
    del m["counts"][k]
for k in ("pathways", "appointments"):
    m["ingest"].pop(k, None)
m["sources"] = [s for s in m["sources"] if s.get("role") not in ("pathways", "appointments")]
m["files"] = {k: v for k, v in m["files"].items()
              if not k.startswith(("pathway.", "appointment.", "dict.specialty", "dict.provider",
                                   "quarantine_pathways", "quarantine_appointments"))}
open(p, "w").write(json.dumps(m, indent=2))
EOF
printf '%s\n' "$(b2sum -l 256 old/manifest.json | cut -c1-64)" > old/manifest.blake2b
"$HG" verify old > v.out 2>&1 || fail "a snapshot without unit tables does not verify: $(cat v.out)"
"$HG" info old --json > info.json 2> info.err || fail "info of a snapshot without unit tables: $(cat info.err)"
# and one with only one of the two counts is damaged, not quietly read
python3 - old/manifest.json << 'EOF'
import json, sys
p = sys.argv[1]
m = json.load(open(p))
m["counts"]["pathways"] = 0
open(p, "w").write(json.dumps(m, indent=2))
EOF
printf '%s\n' "$(b2sum -l 256 old/manifest.json | cut -c1-64)" > old/manifest.blake2b
"$HG" info old > half.out 2>&1 && fail "a manifest counting pathways but not appointments opened"
grep -qF "counts has one of pathways and appointments without the other" half.out || fail "half manifest: $(cat half.out)"
echo "ingest_units: ok"
