#!/bin/bash
# worklist_server.sh: "Patients to act on" through the dashboard (issue 13):
# a practice user gets its own practice's worklists (page, JSON, CSV, XLSX)
# and nobody else's - the pseudonyms are exactly those `healthgap worklist
# --practice` lists for that practice, and no pseudonym of the other two
# practices appears in any response; the CSV is byte for byte the CLI's;
# the overview links HYP's gap to the list (closes: HYP) for the practice user
# only; analyst, viewer and admin get 403 on every person-level route (and see the
# list's aggregate count indicator instead); without a session 401 or the
# login page; every view and download is in the audit log with who, which
# worklist and how many rows. Exit 0 pass, 1 fail, 77 skip.
set -u
here=$(cd "$(dirname "$0")" && pwd)
[ -x "$HG" ] || { echo "skip: no binary at $HG"; exit 77; }
command -v curl > /dev/null || { echo "curl is not installed"; exit 77; }
T=${TMPDIR:-/tmp}/wlsrv.$$
mkdir -p "$T" && cd "$T" || exit 1
. "$here/lib/server.sh" || exit 1
PY=$(python3 -c 'import sys; print(sys.executable)')
python3() { "$PY" "$@"; }

hg_make_store
# a worklist on lib/server.sh's pack: the hypertension register in three age groups
cat >> pack/test.hg << 'PACK'
segmentation age_risk "Age group"
  segment "80 and over" = age >= 80
  segment "65 to 79" = age >= 65
  otherwise "Under 65"
worklist HYPWL "Hypertension register review"
  who: registered and alive and age >= 18 and exists(hyp)
  priority: age_risk
  reason "Aged 80 or over" = age >= 80
  column "Diagnosed" = last_date(hyp)
  column "Age group" = age_risk
  closes: HYP
  source "test definition"
PACK
# the lists `healthgap worklist` writes for each practice, as at the same default date
for p in A81001 A81002 A81003; do
	$HG worklist pack --store store --practice $p --data-dir dd --out cli-$p.csv > cli.log 2>&1 ||
		fail "healthgap worklist $p: $(cat cli.log)"
	tail -n +2 cli-$p.csv | cut -d, -f4 | sort > ids-$p.txt
done
own=$(wc -l < ids-A81001.txt)
[ "$own" -gt 20 ] || fail "A81001's list is too short to test with ($own)"
cat ids-A81002.txt ids-A81003.txt > others.txt
[ "$(wc -l < others.txt)" -gt 40 ] || fail "the other practices' lists are too short"
hg_start_server --area-name "NHS Test ICB"

# no pseudonym of another practice in FILE
no_others() { ! grep -qFf "$T/others.txt" "$1" || fail "$2: another practice's patient appears"; }

echo "== without a session"
[ "$(status /api/worklists)" = 401 ] || fail "/api/worklists without a session: $(status /api/worklists)"
[ "$(status /worklists)" = 303 ] || fail "/worklists without a session should go to /login"
[ "$(status /worklists/HYPWL.csv)" = 303 ] || fail "a download without a session"

echo "== practice user: its own patients only"
P=$(login pat practice-password-1 pat.jar)
[ ${#P} = 64 ] || fail "practice login"
[ "$(status /api/worklists -b pat.jar)" = 200 ] || fail "/api/worklists: $(cat body)"
OWN=$own python3 - << 'PY' || fail "/api/worklists summary"
import json, os
d = json.load(open("body"))
assert d["practice"] == "A81001", d["practice"]
assert d["data_status"]["marking"] == "OFFICIAL-SENSITIVE", d["data_status"]
(w,) = d["worklists"]
assert w["id"] == "HYPWL" and w["patients"] == int(os.environ["OWN"]), w
assert [g["name"] for g in w["groups"]] == ["80 and over", "65 to 79", "Under 65"], w["groups"]
assert sum(g["patients"] for g in w["groups"]) == w["patients"], w
PY
[ "$(status /api/worklists/HYPWL -b pat.jar)" = 200 ] || fail "/api/worklists/HYPWL: $(cat body)"
cp body api-list.json
no_others api-list.json "the JSON list"
python3 - << 'PY' > api-ids.txt || fail "/api/worklists/HYPWL rows"
import json
d = json.load(open("api-list.json"))
c = d["columns"]
assert c[:4] == ["Worklist", "Priority", "Priority group", "Patient (pseudonym)"], c
assert "Reasons" in c and "Diagnosed" in c and "Age group" in c, c
pr, ids = c.index("Practice"), c.index("Patient (pseudonym)")
assert all(r[pr] == "A81001" for r in d["rows"]), "a row of another practice"
ranks = [int(r[1]) for r in d["rows"]]
assert ranks == sorted(ranks), "not in priority order"
old = [r for r in d["rows"] if r[2] == "80 and over"]
assert all(r[c.index("Reasons")] == "Aged 80 or over" for r in old), old[:2]
print("\n".join(sorted(r[ids] for r in d["rows"])))
PY
cmp -s api-ids.txt ids-A81001.txt || { diff api-ids.txt ids-A81001.txt | head; fail "the JSON list is not the practice's list"; }

[ "$(status / -b pat.jar)" = 200 ] || fail "practice overview"
grep -q 'class="hg-wl-link" href="/worklists/HYPWL"' body ||
	fail "the overview does not link HYP's gap (closes: HYP) to its worklist"
[ "$(status /worklists -b pat.jar)" = 200 ] || fail "/worklists page: $(status /worklists -b pat.jar)"
grep -q "Patients to act on" body && grep -q "<strong>$own</strong> patients" body ||
	fail "the worklists page lacks the list's count"
grep -q 'href="/worklists"' body || fail "no 'Patients to act on' in a practice user's navigation"
[ "$(status /worklists/HYPWL -b pat.jar)" = 200 ] || fail "/worklists/HYPWL page"
cp body page.html
no_others page.html "the list page"
[ "$(grep -o 'data-label="Patient (pseudonym)">T[0-9]*<' page.html | wc -l)" = "$own" ] ||
	fail "the page does not list each of the practice's $own patients"
grep -q "OFFICIAL-SENSITIVE" page.html || fail "the page lacks its marking"
curl -s -b pat.jar -D hdr -o dl.csv "$URL/worklists/HYPWL.csv"
grep -qi "^Content-Disposition: attachment; filename=\"HYPWL-A81001-" hdr || fail "CSV disposition: $(cat hdr)"
cmp -s dl.csv cli-A81001.csv || { diff dl.csv cli-A81001.csv | head; fail "the CSV is not the CLI's"; }
no_others dl.csv "the CSV"
curl -s -b pat.jar -o dl.xlsx "$URL/worklists/HYPWL.xlsx"
unzip -p dl.xlsx xl/workbook.xml | grep -q 'name="HYPWL"' || fail "the workbook lacks the list's sheet"
unzip -p dl.xlsx xl/workbook.xml | grep -q 'name="Summary"' || fail "the workbook lacks the summary"
unzip -p dl.xlsx xl/sharedStrings.xml > xl.txt
no_others xl.txt "the workbook"
grep -q "$(head -1 ids-A81001.txt)" xl.txt || fail "the workbook lacks the practice's patients"
[ "$(status /worklists/NOPE -b pat.jar)" = 404 ] || fail "an unknown list"
[ "$(status /api/worklists/NOPE -b pat.jar)" = 404 ] || fail "an unknown list (API)"
[ "$(status /worklists/HYPWL.pdf -b pat.jar)" = 404 ] || fail "an unknown download type"
[ "$(status /worklists/HYPWL -b pat.jar -X POST)" = 405 ] || fail "POST to a list"

echo "== analyst, viewer and admin: 403 on every person-level route"
for u in "ana analyst-password-1" "vic viewer-password-1" "adm admin-password-123"; do
	set -- $u
	login $1 $2 $1.jar > /dev/null
	for path in /worklists /worklists/HYPWL /worklists/HYPWL.csv /worklists/HYPWL.xlsx \
		/api/worklists /api/worklists/HYPWL; do
		[ "$(status $path -b $1.jar)" = 403 ] || fail "$1 $path: $(head -c 200 body)"
		! grep -q "T0[0-9][0-9][0-9][0-9]" body || fail "$1 $path: a pseudonym in the refusal"
	done
	[ "$(status / -b $1.jar)" = 200 ] || fail "$1 overview"
	! grep -q 'href="/worklists"' body || fail "$1 has 'Patients to act on' in the navigation"
	! grep -q 'hg-wl-link' body || fail "$1 has links to worklists on the overview"
done
# the aggregate: the list's count indicator, with disclosure control, for the analyst
[ "$(status '/api/indicators/HYPWL?breakdown=practice' -b ana.jar)" = 200 ] || fail "the aggregate indicator"
python3 -c '
import json
rows = json.load(open("body"))["rows"]
assert {r["category"] for r in rows} == {"A81001", "A81002", "A81003"}, rows
assert all(r["numerator"] is None or r["numerator"] % 5 == 0 for r in rows), "not rounded"
' || fail "the aggregate's practice rows"
[ "$(status '/api/indicators/HYPWL?breakdown=practice' -b vic.jar)" = 403 ] || fail "viewer: practice counts"

echo "== the audit log: who, which worklist, how many rows"
[ "$(status /api/audit -b adm.jar)" = 200 ] || fail "/api/audit"
OWN=$own python3 - << 'PY' || fail "audit entries"
import json, os
n = os.environ["OWN"]
e = json.load(open("body"))["entries"]
def has(actor, action, *words):
    assert any(x["actor"] == actor and x["action"] == action and all(w in x["detail"] for w in words)
               for x in e), (actor, action, words)
has("pat", "worklist_view", "summary", "practice=A81001", "HYPWL=" + n)
has("pat", "worklist_view", "list=HYPWL", "practice=A81001", "rows=" + n)
has("pat", "worklist_view", "api list=HYPWL", "rows=" + n)
has("pat", "worklist_download", "csv", "list=HYPWL", "practice=A81001", "rows=" + n)
has("pat", "worklist_download", "xlsx", "list=HYPWL", "rows=" + n)
for who in ("ana", "vic", "adm"):
    has(who, "forbidden", "worklist")
PY
$HG audit verify --data-dir dd > /dev/null || fail "the audit chain"
hg_stop_server
cd / && rm -rf "$T"
echo "worklist_server: ok"
