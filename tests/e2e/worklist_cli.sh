#!/bin/bash
# worklist_cli.sh: `healthgap worklist` (docs/language.md "Worklists") on a
# hand-built population of two practices: only the asked practice's patients;
# who is on the list as at the date; priority groups in the segmentation's
# order ("Other" last without `otherwise`); within a group Core20 first, then
# more PLUS flags, then the order key (missing last), then the pseudonym; the
# reasons and columns shown; the .xlsx has a summary and a sheet per list;
# every run is in the audit log (who, practice, date, rows) before the file is
# written; the aggregate indicator in `run`; errors for an unknown practice,
# an unknown list, a missing --data-dir and an unknown output type, with
# nothing written. Exit 0 pass, 1 fail, 77 skip.
set -u
fail() { echo "FAIL: $*"; exit 1; }
[ -x "$HG" ] || { echo "skip: no binary at $HG"; exit 77; }
root=$(cd "$(dirname "$0")/../.." && pwd)
T=${TMPDIR:-/tmp}/wl.$$
mkdir -p "$T"
has() { grep -qF -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "$1 lacks: $2"; }; }

# A00001: w1..w6 (w7 at A00002 has the same codes); lsoa E01000001 = decile 1,
# E01000005 = decile 5. BP code 1000003 (systolic value), hypertension 1000002.
cat >"$T/persons.csv" <<'EOF'
person_id,date_of_birth,sex,ethnicity,lsoa,practice,registered_from,registered_to,date_of_death,flag_carer,flag_homeless
w1,1950-01-01,1,A,E01000005,A00001,2010-01-01,,,0,0
w2,1950-01-01,2,A,E01000001,A00001,2010-01-01,,,0,0
w3,1960-01-01,1,A,E01000005,A00001,2010-01-01,,,1,1
w4,1970-01-01,2,A,E01000005,A00001,2010-01-01,,,1,0
w5,1980-01-01,1,A,E01000005,A00001,2010-01-01,,,0,0
w6,1955-01-01,1,A,E01000001,A00001,2010-01-01,,2023-05-01,0,0
w7,1950-01-01,1,A,E01000001,A00002,2010-01-01,,,0,0
w8,1990-01-01,2,A,E01000005,A00001,2010-01-01,,,0,0
EOF
# w1: hyp, BP 190 -> very high; w2: hyp, BP 170 -> high, Core20; w3: hyp, BP 165
# -> high, 2 PLUS flags; w4: hyp, BP 168 -> high, 1 PLUS flag; w5: hyp, no BP ->
# Other; w6: died (not registered); w7: other practice; w8: no hypertension.
cat >"$T/events.csv" <<'EOF'
person_id,date,code,value,setting
w1,2015-01-01,1000002,,gp
w1,2023-05-01,1000003,190,gp
w2,2015-01-01,1000002,,gp
w2,2023-05-02,1000003,170,gp
w3,2015-01-01,1000002,,gp
w3,2023-05-03,1000003,165,gp
w4,2015-01-01,1000002,,gp
w4,2023-05-04,1000003,168,gp
w5,2015-01-01,1000002,,gp
w6,2015-01-01,1000002,,gp
w6,2023-01-01,1000003,200,gp
w7,2015-01-01,1000002,,gp
w7,2023-05-01,1000003,195,gp
w8,2023-06-30,1000003,120,gp
EOF
"$HG" ingest --persons "$T/persons.csv" --events "$T/events.csv" --store "$T/store" \
	--reference "$root/tests/lang/reference" --no-progress --extract-date 2026-12-31 \
	>"$T/ingest.log" 2>&1 || { cat "$T/ingest.log"; fail "ingest"; }
cat >"$T/pack.hg" <<'EOF'
periods range from 2023-01-01 to 2023-12-31
codelist hyp = codes("1000002")
codelist sbp = codes("1000003")
let sys = last_value(sbp in last 12 months)
segmentation risk "Risk"
  segment "Very high" = sys > 180
  segment "High" = sys > 160
worklist HYP "Hypertension over target"
  who: registered and exists(hyp)
  priority: risk
  order: core20, plus, sys descending
  reason "No BP in 12 months" = sys is missing
  reason "Over 160" = sys > 160
  column "Last systolic" = sys
  column "Date" = last_date(sbp)
  column "Raised" = sys > 140
  column "Group" = risk
EOF
printf 'pw12345678901\npw12345678901\n' | "$HG" user add --data-dir "$T/dd" --role admin admin1 \
	>"$T/user.log" 2>&1 || { cat "$T/user.log"; fail "user add"; }

"$HG" worklist "$T/pack.hg" --store "$T/store" --practice A00001 --data-dir "$T/dd" \
	--as-at 2023-12-31 --out "$T/wl.csv" >"$T/wl.log" 2>&1 || { cat "$T/wl.log"; fail "worklist"; }
has "$T/wl.log" "HYP: 5 people of practice A00001 as at 2023-12-31"
# the order: Very high (w1); High: w2 (Core20) before w3 (2 flags) before w4 (1 flag); Other: w5
got=$(cut -d, -f2-4,10-16 "$T/wl.csv")
want='Priority,Priority group,Patient (pseudonym),Core20,PLUS groups,Reasons,Last systolic,Date,Raised,Group
1,Very high,w1,No,,Over 160,190,2023-05-01,Yes,Very high
2,High,w2,Yes,,Over 160,170,2023-05-02,Yes,High
2,High,w3,No,carer; homeless,Over 160,165,2023-05-03,Yes,High
2,High,w4,No,carer,Over 160,168,2023-05-04,Yes,High
3,Other,w5,No,,No BP in 12 months,,,,'
[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got"); fail "worklist rows"; }
has "$T/wl.csv" "HYP,1,Very high,w1,A00001,73,Male,White,5,"
! grep -q "w6\|w7\|w8" "$T/wl.csv" || fail "the dead, another practice's or someone not on the list is listed"
"$HG" audit list --data-dir "$T/dd" >"$T/audit.txt"
has "$T/audit.txt" "worklist_export"
has "$T/audit.txt" "practice A00001 as at 2023-12-31: HYP 5 rows"
"$HG" audit verify --data-dir "$T/dd" >/dev/null || fail "audit chain"

# the other practice sees only its own patient
"$HG" worklist "$T/pack.hg" --store "$T/store" --practice A00002 --data-dir "$T/dd" \
	--as-at 2023-12-31 --out "$T/wl2.csv" >/dev/null 2>&1 || fail "worklist A00002"
[ "$(cut -d, -f4 "$T/wl2.csv" | tail -n +2)" = "w7" ] || { cat "$T/wl2.csv"; fail "A00002's list"; }

# workbook: a summary and the list's sheet
"$HG" worklist "$T/pack.hg" --store "$T/store" --practice A00001 --data-dir "$T/dd" \
	--as-at 2023-12-31 --out "$T/wl.xlsx" >/dev/null 2>&1 || fail "worklist xlsx"
unzip -l "$T/wl.xlsx" | grep -q "xl/worksheets/sheet2.xml" || fail "xlsx sheets"
unzip -p "$T/wl.xlsx" xl/workbook.xml | grep -q 'name="Summary"' || fail "xlsx summary sheet"
[ "$(stat -c %a "$T/wl.xlsx")" = 640 ] || fail "xlsx mode"

# errors: nothing written, nothing audited beyond the runs above
n0=$("$HG" audit list --data-dir "$T/dd" | grep -c worklist_export)
"$HG" worklist "$T/pack.hg" --store "$T/store" --practice Z99999 --data-dir "$T/dd" \
	--out "$T/e1.csv" >"$T/e1.log" 2>&1 && fail "unknown practice accepted"
has "$T/e1.log" "practice Z99999 has no patients in this store"
"$HG" worklist "$T/pack.hg" --store "$T/store" --practice A00001 --data-dir "$T/dd" \
	--list NOPE --out "$T/e2.csv" >"$T/e2.log" 2>&1 && fail "unknown list accepted"
has "$T/e2.log" "--list NOPE"
"$HG" worklist "$T/pack.hg" --store "$T/store" --practice A00001 --out "$T/e3.csv" \
	>"$T/e3.log" 2>&1 && fail "no --data-dir accepted"
has "$T/e3.log" "--data-dir"
"$HG" worklist "$T/pack.hg" --store "$T/store" --practice A00001 --data-dir "$T/dd" \
	--out "$T/e4.txt" >"$T/e4.log" 2>&1 && fail ".txt accepted"
has "$T/e4.log" "give a .csv or an .xlsx file"
for f in e1.csv e2.csv e3.csv e4.txt; do [ ! -e "$T/$f" ] || fail "$f written"; done
"$HG" audit list --data-dir "$T/dd" >"$T/audit2.txt"
[ "$(grep -c worklist_export "$T/audit2.txt")" = "$n0" ] || fail "a failed run was audited as an export"

# the aggregate indicator: people on the list by group (as at the period end)
"$HG" run "$T/pack.hg" --store "$T/store" --out "$T/out" --sdc none --format csv \
	>"$T/run.log" 2>&1 || { cat "$T/run.log"; fail "run"; }
has "$T/out/indicators.csv" "HYP,Hypertension over target,2023-01-01,2023-12-31,all,All,6,"
has "$T/out/indicators.csv" "HYP,Hypertension over target,2023-01-01,2023-12-31,practice x risk,A00001 / High,3,"
rm -rf "$T"
echo "worklist_cli: ok"
