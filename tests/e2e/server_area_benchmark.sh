#!/bin/bash
# server_area_benchmark.sh: a practice user's area benchmark never gives away
# another practice's figure (rescache.h, HG_AREA_MIN_PRACTICES). With three
# practices published the practice user sees the area's "all" rows, series
# and funnel beside its own; with two, the area minus its own practice would
# be the other practice's figure, so it gets none of them (while the analyst
# still sees every row), and its pages still render. Exit 0 pass, 1 fail, 77 skip.
set -u
here=$(cd "$(dirname "$0")" && pwd)
[ -x "$HG" ] || { echo "skip: no binary at $HG"; exit 77; }
command -v curl > /dev/null || { echo "curl is not installed"; exit 77; }
T=${TMPDIR:-/tmp}/areabm.$$
mkdir -p "$T" && cd "$T" || exit 1
. "$here/lib/server.sh" || exit 1
PY=$(python3 -c 'import sys; print(sys.executable)')
python3() { "$PY" "$@"; }

# check ROLE-JAR WANT_AREA: the area's figures for the practice user, present or not
check() {
	[ "$(status /api/indicators/HYP -b pat.jar)" = 200 ] || fail "rows: $(cat body)"
	WANT=$1 python3 - << 'PY' || fail "$2: the area's rows"
import json, os
rows = json.load(open("body"))["rows"]
area = [r for r in rows if r["breakdown"] == "all"]
own = [r for r in rows if r["breakdown"] == "practice"]
assert own and all(r["category"] == "A81001" for r in own), own
assert bool(area) == (os.environ["WANT"] == "1"), area
PY
	[ "$(status /api/indicators/HYP/monitoring -b pat.jar)" = 200 ] || fail "monitoring"
	WANT=$1 python3 -c '
import json, os
s = json.load(open("body"))["series"]
assert bool(s) == (os.environ["WANT"] == "1"), s' || fail "$2: the area series"
	[ "$(status /api/indicators/HYP/inequalities -b pat.jar)" = 200 ] || fail "inequalities"
	WANT=$1 python3 -c '
import json, os
f = json.load(open("body"))["funnel"]
assert (f is not None) == (os.environ["WANT"] == "1"), f' || fail "$2: the funnel"
	for p in / /indicators/HYP "/indicators/HYP?period=all"; do
		[ "$(status "$p" -b pat.jar)" = 200 ] || fail "$2: page $p"
	done
	[ "$(status /api/indicators/HYP -b ana.jar)" = 200 ] || fail "analyst rows"
	python3 -c '
import json
rows = json.load(open("body"))["rows"]
assert any(r["breakdown"] == "all" for r in rows)' || fail "$2: the analyst lost the area row"
}

hg_make_store
hg_start_server
login pat practice-password-1 pat.jar > /dev/null
login ana analyst-password-1 ana.jar > /dev/null
echo "== three practices: the area is a benchmark"
check 1 "three practices"
hg_stop_server

echo "== two practices: no area figure for the practice user"
sed 's/,A81003,/,A81002,/' persons.csv > persons2.csv
grep -q A81003 persons2.csv && fail "persons2.csv still has A81003"
rm -rf store
$HG ingest --persons persons2.csv --events events.csv --reference ref --store store \
	--no-progress > ingest2.log 2>&1 || fail "ingest: $(tail -3 ingest2.log)"
hg_start_server
login pat practice-password-1 pat.jar > /dev/null
login ana analyst-password-1 ana.jar > /dev/null
check 0 "two practices"
hg_stop_server
cd / && rm -rf "$T"
echo "server_area_benchmark: ok"
