#!/bin/bash
# segments_server.sh: the "Population segments" page (issue 13) on a small
# pack with a segmentation, a count by it (overall, x IMD quintile, x
# ethnicity, x age band, practice x it), its transitions and a rate by it:
# the shares on the page are the published counts over their margins; the
# flow matrix is the transitions' published counts; the service-use table
# has the rate; the drill lists the practices to an analyst, only its own
# practice to a practice user and nothing of practices to a viewer; an IMD
# quintile's flows come from its own rows; a pack without a segmentation has
# no such page in the navigation; a worklist's aggregate is not taken for a
# segmentation; the board report gets a segments page (shares by IMD
# quintile, the segment differing most in words, the largest move). Exit 0
# pass, 1 fail, 77 skip.
set -u
here=$(cd "$(dirname "$0")" && pwd)
[ -x "$HG" ] || { echo "skip: no binary at $HG"; exit 77; }
command -v curl > /dev/null || { echo "curl is not installed"; exit 77; }
T=${TMPDIR:-/tmp}/segsrv.$$
mkdir -p "$T" && cd "$T" || exit 1
. "$here/lib/server.sh" || exit 1
PY=$(python3 -c 'import sys; print(sys.executable)')
python3() { "$PY" "$@"; }

hg_make_store
echo "== a pack without segmentations: no page in the navigation"
hg_start_server
login ana analyst-password-1 ana.jar > /dev/null
[ "$(status / -b ana.jar)" = 200 ] || fail "overview"
! grep -q 'href="/segments"' body || fail "a pack without segmentations links to /segments"
[ "$(status /segments -b ana.jar)" = 200 ] && grep -q "no segmentation indicators" body ||
	fail "/segments without segmentations"
hg_stop_server

cat >> pack/test.hg << 'PACK'
segmentation seg "Test segments"
  segment "Long-term condition" = exists(hyp)
  segment "Older" = age >= 65
  otherwise "Healthy"
indicator SEG "People by segment"
  count
  numerator: registered and alive
  by seg, seg x imd_quintile, seg x ethnicity, seg x age_band, practice x seg, imd_quintile, ethnicity, age_band, practice
indicator SEG_FLOW "Movement between segments"
  transitions of seg
  population: registered
  by imd_quintile
  periods rolling 12 months quarterly from 2024-04-01 to 2025-03-31
indicator SEG_RATE "Hypertension codes per 1,000 per year"
  rate per 1000 per year
  population: registered
  events: hyp
  by seg
worklist WLX "People to review"
  who: registered and alive and exists(hyp)
  priority: seg
segmentation older "Segments of people 65 and over"
  segment "Hypertension" = exists(hyp)
  otherwise "No hypertension"
indicator OLDER "People 65 and over by segment"
  count
  numerator: registered and alive and age >= 65
  by older, older x age_band
PACK
hg_start_server
echo "== analyst: shares, flows, service use, the drill"
login ana analyst-password-1 ana.jar > /dev/null
[ "$(status /segments -b ana.jar)" = 200 ] || fail "/segments: $(head -c 300 body)"
cp body seg.html
grep -q 'href="/segments"' seg.html || fail "no 'Population segments' in the navigation"
for s in "Segments overall" "Segments by deprivation quintile" "Segments by ethnic group" \
	"Segments by age band" "Where people moved: Movement between segments" \
	"Use of services and outcomes by segment" "Hypertension codes per 1,000 per year"; do
	grep -qF "$s" seg.html || fail "the page lacks: $s"
done
[ "$(grep -o '<svg[^>]*class="hg-chart' seg.html | wc -l)" -ge 4 ] || fail "the stacked charts are missing"
for bd in seg "seg x imd_quintile" imd_quintile all; do
	curl -s -b ana.jar -G --data-urlencode "breakdown=$bd" "$URL/api/indicators/SEG" > "api-$bd.json"
done
curl -s -b ana.jar -G --data-urlencode "breakdown=transition" "$URL/api/indicators/SEG_FLOW" > api-flow.json
python3 - << 'PY' || fail "the page's figures are not the published counts over their margins"
import html, json, re
page = html.unescape(open("seg.html").read())
def rows(bd):
    return json.load(open("api-%s.json" % bd))["rows"]
def pct(v):
    return "{:,.1f}%".format(v)
def cell(table_caption, group, k):
    # the k-th figure cell of the row headed `group` in the table with this caption
    t = page.split(table_caption, 1)[1].split("</table>", 1)[0]
    row = t.split('<th scope="row">' + group + "</th>", 1)[1].split("</tr>", 1)[0]
    return re.findall(r'<td class="num[^"]*">(.*?)</td>', row)[k]
allnum = rows("all")[0]["numerator"]
seg = {r["category"]: r["numerator"] for r in rows("seg")}
assert allnum and seg["Healthy"], (allnum, seg)
c = cell("Segments overall", "Whole area", 2)
assert c.startswith(pct(100 * seg["Healthy"] / allnum)), (c, seg, allnum)
q1 = {r["category"]: r["numerator"] for r in rows("imd_quintile")}["1"]
x = {r["category"]: r for r in rows("seg x imd_quintile")}["Older / 1"]
c = cell("Segments by deprivation quintile", "1 (most deprived)", 1)
if x["suppressed"]:
    assert c.startswith("-"), c
else:
    assert c.startswith(pct(100 * x["numerator"] / q1)), (c, x, q1)
flows = {r["category"]: r for r in rows("flow")}
hh = flows["Healthy -> Healthy"]["numerator"]
t = page.split("Where people moved", 1)[1].split("</table>", 1)[0]
row = t.split('<th scope="row">Healthy</th>', 1)[1].split("</tr>", 1)[0]
assert ">{:.0f}<".format(hh) in row, (hh, row)
PY
python3 - << 'PY' || fail "an age band with nobody 65 and over is drawn (as suppressed) for OLDER"
import re
page = open("seg.html").read()
# OLDER's card by age band: the last "Segments by age band" on the page (its segmentation is last)
card = [c for c in page.split("<section") if "Segments by age band" in c][-1]
groups = re.findall(r'<th scope="row">([^<]*)</th>', card)
assert groups and all(g in ("65-69", "70-74", "75-79", "80-84", "85-89", "90+") for g in groups), groups
n = re.search(r"(\d+) groups with nobody in them are not shown", card)
assert n and int(n.group(1)) >= 13, card[-400:]  # the 13 bands under 65 (and Unknown, if empty)
PY
link=$(grep -o '/segments?s=[0-9]*&amp;segment=2#practices-[0-9]*' seg.html | head -1 | sed 's/&amp;/\&/')
[ -n "$link" ] || fail "no drill from the segment 'Healthy' to the practices"
[ "$(status "${link%%#*}" -b ana.jar)" = 200 ] || fail "the drill"
grep -q "Healthy by practice" body || fail "the drill's heading"
for p in A81001 A81002 A81003; do grep -q ">$p</a>" body || fail "the drill lacks $p"; done
[ "$(status '/segments?imd=1' -b ana.jar)" = 200 ] || fail "flows in quintile 1"
grep -q '<option value="1" selected>' body || fail "quintile 1 is not the one chosen"
[ "$(status '/segments?imd=9&s=x' -b ana.jar)" = 200 ] || fail "bad parameters must fall back, not fail"

echo "== viewer and practice user"
login vic viewer-password-1 vic.jar > /dev/null
[ "$(status "${link%%#*}" -b vic.jar)" = 200 ] || fail "viewer /segments"
! grep -q "A8100" body || fail "a practice reached a viewer"
! grep -q "by practice" body || fail "a viewer has the drill to practices"
grep -q "Segments by deprivation quintile" body || fail "a viewer lacks the shares by deprivation"
login pat practice-password-1 pat.jar > /dev/null
[ "$(status "${link%%#*}" -b pat.jar)" = 200 ] || fail "practice /segments"
grep -q "Segments in your practice" body || fail "a practice user lacks its own practice's shares"
grep -q ">A81001</a>" body || fail "a practice user's drill lacks its practice"
! grep -q "A81002\|A81003" body || fail "another practice reached a practice user"
! grep -q "Segments by deprivation quintile" body || fail "a practice user sees the area by deprivation"
! grep -q "People to review" seg.html || fail "a worklist's aggregate is taken for a segmentation"
hg_stop_server

echo "== the board report's segments page"
$HG run pack --store store --out res > run.log 2>&1 || fail "run: $(tail -3 run.log)"
python3 -c 'import json; assert json.load(open("res/metadata.json"))["worklists"] == ["WLX"]' ||
	fail "metadata.json lacks the worklists"
$HG report --results res --out report.html > report.log 2>&1 || fail "report: $(cat report.log)"
sed -n '/<section class="page" id="segments">/,/<\/section>/p' report.html > board-seg.html
grep -q "<h3>People by segment, period ending" board-seg.html || fail "the board report lacks the segments page"
! grep -q "People to review" board-seg.html || fail "the board report takes a worklist for a segmentation"
grep -q 'class="hg-chart' board-seg.html || fail "the board's segments chart"
grep -q "percentage points .*, the largest difference of any segment" board-seg.html ||
	fail "the board does not say which segment differs most by deprivation"
grep -q "Movement between segments, .*: the largest move between segments was [0-9]* people from <b>" \
	board-seg.html || fail "the board does not give the largest move"
cd / && rm -rf "$T"
echo "segments_server: ok"
