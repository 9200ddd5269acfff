#!/bin/bash
# The dashboard's JSON API as a client sees it: 401 without a session (JSON
# error), 403 outside the role, the practice role limited to its practice,
# no suppressed number anywhere, CSRF rejection, security headers, body size
# limit, recompute on a new snapshot, idle and absolute session expiry, login
# throttling per account and per address, and audit verification detecting
# tampering.
set -u
here=$(cd "$(dirname "$0")" && pwd)
cd "$TMPDIR"
. "$here/lib/server.sh" || exit 1
command -v curl > /dev/null || { echo "curl is not installed"; exit 77; }
command -v sqlite3 > /dev/null || { echo "sqlite3 is not installed"; exit 77; }
# the real interpreter: a version manager's shim can take seconds per start on a busy machine,
# longer than the sessions here stay idle
PY=$(python3 -c 'import sys; print(sys.executable)')
python3() { "$PY" "$@"; }

hg_make_store
# a practice user's code is checked against the store (issue 12): a code not in the data is
# refused with the store's codes, and so is a practice user without --store; nobody is added
echo "practice-password-9" | $HG user add zed --role practice --practice Y99999 --store store \
	--data-dir dd > zed.out 2>&1 && fail "user add accepted a practice not in the store"
grep -qx "healthgap user: practice 'Y99999' is not in the store store (its 3 practices include A81002, A81003, A81001); give the ODS code of a practice in the data" zed.out ||
	fail "user add Y99999: $(cat zed.out)"
echo "practice-password-9" | $HG user add zed --role practice --practice A81001 --data-dir dd > zed.out 2>&1 &&
	fail "user add accepted a practice user without --store"
grep -q "a practice user needs --practice CODE and --store DIR" zed.out || fail "no --store: $(cat zed.out)"
$HG user list --data-dir dd | grep -q "^zed " && fail "a refused practice user was added"
$HG serve --store store --pack pack --data-dir dd --sdc none 2> err
[ $? = 2 ] || fail "--sdc none must be refused"
$HG serve --store store --pack pack --data-dir dd --area-name "$(printf 'bad\tname')" 2> err
[ $? = 2 ] && grep -q "area-name" err || fail "a control character in --area-name must be refused"
# Two servers on the same data directory: this one with sessions long enough for a machine
# under load (the checks below wait on sanitizers and python), then, for the expiry and
# throttling checks, one whose sessions idle out after 3 s and end after 9 s.
limits=(--throttle-account 3 --throttle-address 6 --lockout 60 --poll 1 --conn-timeout 2
	--area-name "NHS Test ICB")
hg_start_server --idle-timeout 120 --session-lifetime 600 "${limits[@]}"

echo "== 401 without a session, with a JSON error"
for u in /api/indicators /api/indicators/HYP /api/population /api/meta /download/HYP.csv; do
	[ "$(status $u)" = 401 ] || fail "$u without session: $(cat body)"
	python3 -c 'import json,sys; assert json.load(open("body"))["error"]' || fail "$u: not a JSON error"
done
[ "$(status /)" = 303 ] || fail "page without session should redirect to /login"

echo "== security headers"
curl -s -D hdr -o /dev/null "$URL/login"
grep -qi "^Content-Security-Policy: .*script-src 'self'" hdr || fail "CSP: $(cat hdr)"
grep -qi "frame-ancestors 'none'" hdr || fail "frame-ancestors"
grep -qi "^X-Content-Type-Options: nosniff" hdr || fail "nosniff"
grep -qi "^Referrer-Policy: no-referrer" hdr || fail "Referrer-Policy"
grep -i "^Set-Cookie: hg_pre=" hdr | grep -qi "HttpOnly; SameSite=Strict" || fail "cookie flags"
grep -qi "unsafe-inline" hdr && fail "CSP allows inline"

echo "== login"
[ "$(status /api/login -H 'Content-Type: application/json' -d '{"username":"ana","password":"wrong-password-x"}')" = 401 ] ||
	fail "wrong password: $(cat body)"
[ "$(status /api/login -d 'username=ana&password=analyst-password-1')" = 415 ] ||
	fail "a form-encoded API login must be refused"
A=$(login ana analyst-password-1 ana.jar)
[ ${#A} = 64 ] || fail "analyst login: no CSRF token"
grep -q "#HttpOnly_127.0.0.1" ana.jar || fail "session cookie is not HttpOnly"
# each part logs in just before it starts

echo "== analyst: every breakdown, downloads"
[ "$(status /api/indicators -b ana.jar)" = 200 ] || fail "list: $(cat body)"
python3 - << 'PY' || fail "indicator list"
import json
d = json.load(open("body"))
i = d["indicators"][0]
assert i["indicator_id"] == "HYP" and i["value"] is not None, i
assert i["quintile_gap"] is not None and i["most_deprived_quintile"] > i["least_deprived_quintile"], i
PY
[ "$(status '/api/indicators/HYP?period=all' -b ana.jar)" = 200 ] || fail "indicator: $(cat body)"
python3 - << 'PY' || fail "analyst rows"
import json
rows = json.load(open("body"))["rows"]
bds = {r["breakdown"] for r in rows}
assert bds == {"all", "imd_quintile", "imd_decile", "ethnicity", "sex", "age_band", "practice"}, bds
assert len({r["period_end"] for r in rows}) == 4
cols = ["indicator_id", "indicator_name", "period_start", "period_end", "breakdown", "category",
        "numerator", "denominator", "value", "lower_ci95", "upper_ci95", "lower_ci99_8",
        "upper_ci99_8", "value_type", "suppressed", "note"]
for r in rows:
    assert list(r.keys()) == cols, r.keys()
    if r["suppressed"]:
        assert all(r[c] is None for c in cols[6:13]), r
    else:
        for c in ("numerator", "denominator"):
            assert r[c] % 5 == 0, r   # rounded to 5: never a raw small count
assert any(r["suppressed"] for r in rows), "the test data should exercise suppression"
PY
[ "$(status '/api/indicators/HYP?breakdown=practice' -b ana.jar)" = 200 ] || fail "analyst practice rows"
[ "$(status '/api/indicators/HYP?breakdown=nope' -b ana.jar)" = 404 ] || fail "unknown breakdown"
[ "$(status '/api/indicators/NOPE' -b ana.jar)" = 404 ] || fail "unknown indicator"
[ "$(status '/api/indicators/HYP?period=1999-01-01' -b ana.jar)" = 404 ] || fail "unknown period"
# downloads for people: readable headers and groups, every row marked with the data's status
# (this store's reference data are not synthetic, and serve names the area)
A=$(login ana analyst-password-1 ana.jar)
[ "$(status '/download/HYP.csv?breakdown=imd_quintile' -b ana.jar)" = 200 ] || fail "csv download"
head -1 body | grep -q "^Indicator,Indicator ID,Period start,Period end,Breakdown,Group,Numerator" ||
	fail "csv header: $(head -1 body)"
[ "$(wc -l < body)" = 7 ] || fail "csv rows: $(cat body)"
python3 - << 'PY' || fail "csv for people: $(head -3 body)"
import csv
rows = list(csv.DictReader(open("body")))
assert all(r["Data status"] == "OFFICIAL-SENSITIVE - NHS Test ICB" for r in rows), rows[0]
assert {r["Breakdown"] for r in rows} == {"Deprivation quintile (IMD 2019)"}, rows[0]
groups = {r["Group"] for r in rows}
assert "1 (most deprived)" in groups and "5 (least deprived)" in groups, groups
assert all(r["Unit"] == "% of people" for r in rows), rows[0]
assert not any("imd_quintile" in v or "proportion_percent" in v for r in rows for v in r.values())
PY
[ "$(status '/download/HYP.csv?breakdown=imd_quintile&columns=codes' -b ana.jar)" = 200 ] ||
	fail "csv download with codes"
head -1 body | grep -q "^indicator_id,indicator_name,period_start,period_end,breakdown,category,numerator.*,note,data_status$" ||
	fail "csv codes header: $(head -1 body)"
grep -q ",imd_quintile,1,.*,OFFICIAL-SENSITIVE - NHS Test ICB$" body || fail "csv codes rows: $(head -3 body)"
[ "$(status '/download/HYP.xlsx' -b ana.jar)" = 200 ] || fail "xlsx download"
head -c 2 body | grep -q PK || fail "xlsx is not a zip"
python3 - << 'PY' || fail "xlsx marking"
import zipfile
z = zipfile.ZipFile("body")
strings = z.read("xl/sharedStrings.xml").decode()
assert "OFFICIAL-SENSITIVE - NHS Test ICB" in strings, "no marking in the workbook"
assert "Deprivation quintile (IMD 2019)" in strings and "imd_quintile" not in strings
assert "OFFICIAL-SENSITIVE" in z.read("xl/worksheets/sheet1.xml").decode(), "no page header"
assert len([n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]) == 2, "no about sheet"
PY
A=$(login ana analyst-password-1 ana.jar) # a fresh session, as above
[ "$(status '/api/indicators/HYP' -b ana.jar)" = 200 ] || fail "indicator rows"
python3 -c 'import json; s=json.load(open("body"))["data_status"]; assert s["marking"]=="OFFICIAL-SENSITIVE" and s["area_name"]=="NHS Test ICB" and not s["synthetic"], s' ||
	fail "no data_status: $(head -c 300 body)"
[ "$(status /api/population -b ana.jar)" = 200 ] || fail "population"
python3 -c 'import json; d=json.load(open("body")); assert d["scope"]=="area" and len(d["pyramids"])==6' ||
	fail "population body"
grep -q "T0" body && fail "a person id appeared in the population"

echo "== viewer: no practice breakdowns, no downloads, no admin"
V=$(login vic viewer-password-1 vic.jar)
[ "$(status '/api/indicators/HYP?breakdown=practice' -b vic.jar)" = 403 ] || fail "viewer practice: $(cat body)"
[ "$(status '/api/indicators/HYP?period=all' -b vic.jar)" = 200 ] || fail "viewer rows"
python3 -c 'import json; assert all(r["breakdown"]!="practice" for r in json.load(open("body"))["rows"])' ||
	fail "viewer saw practice rows"
grep -q "A8100" body && fail "a practice code reached a viewer"
[ "$(status /download/HYP.csv -b vic.jar)" = 403 ] || fail "viewer download"
[ "$(status /api/audit -b vic.jar)" = 403 ] || fail "viewer audit"
[ "$(status /api/users -b vic.jar)" = 403 ] || fail "viewer users"

echo "== practice role: its own practice only"
login pat practice-password-1 pat.jar > /dev/null
[ "$(status '/api/indicators/HYP?breakdown=imd_quintile' -b pat.jar)" = 403 ] || fail "practice imd"
[ "$(status '/api/indicators/HYP?period=all' -b pat.jar)" = 200 ] || fail "practice rows"
python3 - << 'PY' || fail "practice rows: $(head -c 600 body)"
import json
rows = json.load(open("body"))["rows"]
assert rows
for r in rows:
    assert (r["breakdown"] == "all") or (r["breakdown"] == "practice" and r["category"] == "A81001"), r
assert any(r["breakdown"] == "practice" for r in rows)
PY
grep -q "A81002" body && fail "another practice reached a practice user"
[ "$(status /api/population -b pat.jar)" = 200 ] || fail "practice population"
python3 -c 'import json; d=json.load(open("body")); assert d["scope"]=="A81001", d["scope"]' || fail "scope"
[ "$(status /api/indicators -b pat.jar)" = 200 ] || fail "practice list"
python3 -c 'import json; i=json.load(open("body"))["indicators"][0]; assert i["scope"]=="A81001" and i["quintile_gap"] is None, i' ||
	fail "practice headline must be its own practice, with no area quintile gap"

echo "== inequalities and monitoring (issue 6): roles, nothing from a suppressed cell"
A=$(login ana analyst-password-1 ana.jar)
for u in /api/indicators/HYP/inequalities /api/indicators/HYP/monitoring; do
	[ "$(status $u)" = 401 ] || fail "$u without session: $(cat body)"
done
[ "$(status /api/indicators/NOPE/inequalities -b ana.jar)" = 404 ] || fail "unknown indicator"
[ "$(status /api/indicators/HYP/nope -b ana.jar)" = 404 ] || fail "unknown sub-endpoint"
[ "$(status '/api/indicators/HYP/inequalities?period=1999-01-01' -b ana.jar)" = 404 ] || fail "unknown period"
[ "$(status '/api/indicators/HYP?period=all' -b ana.jar)" = 200 ] || fail "rows"
cp body rows.json
for p in 2024-06-30 2024-09-30 2024-12-31 2025-03-31; do
	[ "$(status "/api/indicators/HYP/inequalities?period=$p" -b ana.jar)" = 200 ] || fail "inequalities: $(cat body)"
	cp body "ineq-$p.json"
done
[ "$(status /api/indicators/HYP/monitoring -b ana.jar)" = 200 ] || fail "monitoring: $(cat body)"
cp body mon.json
python3 - << 'PY' || fail "analyst inequalities/monitoring"
import glob, json
rows = json.load(open("rows.json"))["rows"]
sup = {(r["period_end"], r["breakdown"]) for r in rows if r["suppressed"]}
assert sup, "the test data should exercise suppression"
cells = {(r["period_end"], r["breakdown"], r["category"]): r for r in rows}
n_sii = 0
for f in glob.glob("ineq-*.json"):
    d = json.load(open(f))
    ms = d["measures"]
    assert ms and d["funnel"] and len(d["funnel"]["practices"]) == 3 or not f.endswith("03-31.json"), f
    for m in ms:
        key = (m["period_end"], m["breakdown"])
        if m["measure"] in ("sii", "rii") and m["value"] is not None:
            n_sii += 1
            # an SII needs every quantile published
            assert key not in sup, m
        if m["measure"] in ("gap_abs", "gap_rel") and m["value"] is not None:
            q = "5" if m["breakdown"] == "imd_quintile" else "10"
            assert not cells[key + ("1",)]["suppressed"] and not cells[key + (q,)]["suppressed"], m
        if m["measure"] in ("vs_all", "gap_to_best") and m["value"] is not None:
            assert not cells[key + (m["category"],)]["suppressed"], m
assert n_sii >= 4, n_sii
mon = json.load(open("mon.json"))["series"]
assert {s["series"] for s in mon} == {"value", "sii", "gap_abs"}, mon
for s in mon:
    for p in s["points"]:
        if s["series"] == "value" and p["value"] is not None:
            assert not cells[(p["period_end"], "all", "All")]["suppressed"], p
PY
[ "$(status /api/indicators -b ana.jar)" = 200 ] || fail "list"
python3 -c 'import json; m=json.load(open("body"))["indicators"][0]["monitoring"]; assert m["variation_icon"] and m["gap_series"]=="sii", m' ||
	fail "icons in the indicator list: $(cat body)"
V=$(login vic viewer-password-1 vic.jar)
[ "$(status /api/indicators/HYP/inequalities -b vic.jar)" = 200 ] || fail "viewer inequalities"
python3 -c 'import json; d=json.load(open("body")); assert d["funnel"] is None and d["measures"] and all(m["breakdown"]!="practice" for m in d["measures"]), d["funnel"]' ||
	fail "a viewer got practice measures or the funnel"
grep -q "A8100" body && fail "a practice code reached a viewer"
login pat practice-password-1 pat.jar > /dev/null
[ "$(status /api/indicators/HYP/inequalities -b pat.jar)" = 200 ] || fail "practice inequalities"
python3 - << 'PY' || fail "practice inequalities: $(head -c 600 body)"
import json
d = json.load(open("body"))
assert [p["practice"] for p in d["funnel"]["practices"]] == ["A81001"], d["funnel"]["practices"]
for m in d["measures"]:
    assert m["breakdown"] == "All" or (m["breakdown"] == "practice" and m["category"] in ("A81001", "")), m
PY
grep -q "A81002\|A81003" body && fail "another practice reached a practice user"
[ "$(status /api/indicators/HYP/monitoring -b pat.jar)" = 200 ] || fail "practice monitoring"
python3 -c 'import json; s=json.load(open("body"))["series"]; assert [x["series"] for x in s]==["value"], s' ||
	fail "a practice user got the area's deprivation series"

echo "== admin"
login adm admin-password-123 adm.jar > /dev/null
[ "$(status /api/audit -b adm.jar)" = 200 ] || fail "admin audit"
grep -q '"action":"login"' body || fail "audit lists logins"
[ "$(status /api/users -b adm.jar)" = 200 ] || fail "admin users"
grep -q "password\|argon2" body && fail "user list leaks hashes"

echo "== CSRF"
A=$(login ana analyst-password-1 ana.jar)
[ "$(status /api/logout -b ana.jar -X POST)" = 403 ] || fail "logout without CSRF token"
[ "$(status /api/logout -b ana.jar -X POST -H "X-CSRF-Token: $V")" = 403 ] || fail "another session's token"
[ "$(status /logout -b ana.jar -d csrf=0000)" = 403 ] || fail "form logout with a wrong token"
[ "$(status /login -d 'username=ana&password=analyst-password-1&csrf=abc')" = 403 ] ||
	fail "form login without the pre-session cookie"
[ "$(status /api/indicators -b ana.jar)" = 200 ] || fail "session must survive rejected requests"
[ "$(status /api/logout -b ana.jar -X POST -H "X-CSRF-Token: $A")" = 200 ] || fail "logout"
[ "$(status /api/indicators -b ana.jar)" = 401 ] || fail "session still valid after logout"

echo "== request size limit"
head -c 20000 /dev/zero | tr '\0' a > big
[ "$(status /api/login -H 'Content-Type: application/json' --data-binary @big)" = 413 ] || fail "big body"

echo "== a slow client is disconnected"
exec 3<> /dev/tcp/127.0.0.1/$PORT
printf 'GET /login HTTP/1.1\r\nHost: x\r\n' >&3 # never finishes its headers
t0=$(date +%s)
cat <&3 > /dev/null # returns when the server closes the connection
exec 3<&-
[ $(($(date +%s) - t0)) -le 6 ] || fail "a slow client held a connection for $(($(date +%s) - t0)) s"

echo "== recompute when the store changes"
login adm admin-password-123 adm.jar > /dev/null
[ "$(status /api/meta -b adm.jar)" = 200 ] || fail "meta"
grep -q '"snapshot":"snap-000001"' body || fail "meta snapshot: $(cat body)"
grep -q '"disclosure_control":"k7"' body || fail "meta sdc"
$HG ingest --persons persons.csv --events events.csv --reference ref --store store --no-progress > /dev/null 2>&1 ||
	fail "second ingest"
for _ in $(seq 1 100); do
	[ "$(status /api/meta -b adm.jar)" = 200 ] || fail "meta: $(cat body)"
	grep -q '"snapshot":"snap-000002"' body && break
	sleep 0.2
done
grep -q '"snapshot":"snap-000002"' body || fail "not recomputed: $(cat body)"

hg_stop_server
hg_start_server --idle-timeout 3 --session-lifetime 9 "${limits[@]}"
echo "== idle and absolute expiry"
A=$(login ana analyst-password-1 idle.jar)
sleep 4
[ "$(status /api/indicators -b idle.jar)" = 401 ] || fail "idle session still valid"
A=$(login ana analyst-password-1 abs.jar)
for _ in 1 2 3 4 5; do
	[ "$(status /api/me -b abs.jar)" = 200 ] || fail "active session expired early: $(date +%s.%N) $(cat body)"
	sleep 1.2
done
expired=0 # still active (within the idle limit): only the absolute lifetime can end it
for _ in $(seq 1 8); do
	sleep 1
	[ "$(status /api/me -b abs.jar)" = 401 ] && expired=1 && break
done
[ $expired = 1 ] || fail "session outlived its absolute lifetime"

echo "== throttling per account"
for _ in 1 2 3; do
	[ "$(status /api/login -H 'Content-Type: application/json' -d '{"username":"vic","password":"not-the-password"}')" = 401 ] ||
		fail "wrong password"
done
[ "$(status /api/login -H 'Content-Type: application/json' -d '{"username":"vic","password":"viewer-password-1"}')" = 429 ] ||
	fail "locked account accepted a login: $(cat body)"
echo "== throttling per address"
for u in x1 x2 x3; do
	status /api/login -H 'Content-Type: application/json' -d "{\"username\":\"$u\",\"password\":\"nothing-here-1\"}" > /dev/null
done
[ "$(status /api/login -H 'Content-Type: application/json' -d '{"username":"ana","password":"analyst-password-1"}')" = 429 ] ||
	fail "locked address accepted a login: $(cat body)"

hg_stop_server

if command -v openssl > /dev/null; then
	echo "== TLS: Secure cookies and HSTS"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 \
		-subj "/CN=127.0.0.1" > /dev/null 2>&1 || fail "openssl"
	$HG serve --store store --pack pack --data-dir dd --port 0 --tls-cert cert.pem --tls-key key.pem \
		> tls.out 2> tls.err &
	tls_pid=$!
	for _ in $(seq 1 300); do
		tport=$(sed -n 's|.*listening on https://127.0.0.1:\([0-9]*\)/.*|\1|p' tls.out 2> /dev/null)
		[ -n "$tport" ] && break
		sleep 0.1
	done
	[ -n "$tport" ] || fail "TLS server did not start: $(cat tls.err)"
	curl -sk -D tlshdr -o /dev/null "https://127.0.0.1:$tport/login"
	kill -TERM $tls_pid
	wait $tls_pid || fail "TLS server exit status"
	grep -i "^Set-Cookie: hg_pre=" tlshdr | grep -qi "; Secure" || fail "no Secure cookie under TLS"
	grep -qi "^Strict-Transport-Security" tlshdr || fail "no HSTS under TLS"
fi

echo "== audit chain"
$HG audit verify --data-dir dd > out || fail "audit verify on an intact log: $(cat out)"
grep -q "intact" out || fail "verify message"
$HG audit list --data-dir dd --limit 500 > list
for a in login login_failed login_locked logout view download forbidden csrf_rejected user_add results_recomputed; do
	grep -q " $a " list || fail "audit has no $a entry"
done
# test person ids are T + 5 digits (a timestamp such as 2026-11-23T00:04 must not match)
grep -Eq "analyst-password|viewer-password|T[0-9]{5}" list && fail "a password or person id in the audit"
sqlite3 dd/healthgap.db "UPDATE audit SET detail='x' WHERE seq=3" 2> err && fail "the audit table accepted an UPDATE"
sqlite3 dd/healthgap.db "DROP TRIGGER audit_no_update; UPDATE audit SET actor='mallory' WHERE seq=5" ||
	fail "tamper"
$HG audit verify --data-dir dd > out 2> err && fail "audit verify missed an edit"
grep -q "entry 5" err || fail "verify should name entry 5: $(cat err)"
echo "all server API checks passed"
