#!/bin/bash
# report_board.sh: synthetic population (30k people) -> ingest -> run (inequality
# and monitoring outputs) -> checks of the SII against the generator's gradient
# (FLU_65: uptake 0.72 x (0.88 .. 1.10) linear in IMD decile, true quintile SII
# about 17.6 points) and of disclosure control; no SPC icon or flag from a
# series with too few events -> `healthgap report` HTML read as a person would
# (no raw identifier, no NHS lozenge, the SYNTHETIC DATA marking and the area
# name) and with chromium: a screenshot and the PDF, every page of which must
# carry the marking (pdftotext) and whose pages pdftoppm renders.
# Screenshots are kept in $HG_SHOTS (default build/report-shots).
set -eu
hg=$HG
w=$TMPDIR
shots=${HG_SHOTS:-$(dirname "$hg")/report-shots}
"$hg" synth --people 30000 --seed 5 --out "$w/raw" >/dev/null 2>&1
"$hg" ingest --persons "$w/raw/persons.csv" --events "$w/raw/events.csv" --store "$w/store" \
	--no-progress --extract-date 2026-03-31 --area-name "NHS Example ICB" >/dev/null 2>&1
pack=$(cd "$(dirname "$0")/../.." && pwd)/packs/core20plus5
"$hg" run "$pack/core20plus5.hg" --store "$w/store" --out "$w/res" --format csv,json --threads 2
for f in inequalities.csv inequalities.json monitoring.csv monitoring.json; do
	test -s "$w/res/$f" || { echo "missing $f"; exit 1; }
done
head -1 "$w/res/inequalities.csv" | grep -q '^indicator_id,indicator_name,period_start,period_end,breakdown,measure,category,reference,value,lower_ci95,upper_ci95,lower_ci99_8,upper_ci99_8,comparison,polarity,value_type,pct_ethnicity_not_stated,pct_imd_unknown,note$'
# FLU_65 quintile SII over all 20 quarters: the true gradient lies in most 95% CIs
python3 - "$w/res" <<'PY'
import csv, sys, math
d = sys.argv[1]
rows = list(csv.DictReader(open(d + "/inequalities.csv")))
sii = [r for r in rows if r["indicator_id"] == "FLU_65" and r["measure"] == "sii"]
assert len(sii) == 20, len(sii)
true = 100 * 0.72 * 0.22 * 10 / 9
cover = sum(1 for r in sii if r["value"] and float(r["lower_ci95"]) <= true <= float(r["upper_ci95"]))
mean = sum(float(r["value"]) for r in sii if r["value"]) / 20
print(f"FLU_65 SII mean {mean:.2f} vs true {true:.2f}; true value within the 95% CI in {cover}/20 quarters")
assert cover >= 14 and abs(mean - true) < 4, (cover, mean)
# disclosure: every SII with a value has all quintiles published in indicators.csv
pub = {}
for r in csv.DictReader(open(d + "/indicators.csv")):
    if r["breakdown"] in ("imd_quintile", "imd_decile"):
        pub.setdefault((r["indicator_id"], r["period_end"], r["breakdown"]), []).append(r)
bad = 0
for r in rows:
    if r["measure"] == "sii" and r["value"]:
        cells = [c for c in pub[(r["indicator_id"], r["period_end"], r["breakdown"])] if c["category"] != "Unknown"]
        bad += any(c["suppressed"] == "true" for c in cells)
    if r["measure"] == "sii" and not r["value"] and "suppressed" in r["note"]:
        pass
assert bad == 0, bad
mon = list(csv.DictReader(open(d + "/monitoring.csv")))
assert any(m["variation_icon"] for m in mon)
for m in mon:
    if not m["value"]:
        assert not m["mean"] or m["note"].startswith("not charted"), m
    if m["spc_status"] == "too_few_events":   # no signal from small counts
        assert not m["mean"] and not m["variation_icon"] and not m["special_cause_flag"], m
        assert "too few events for SPC" in m["note"], m
few = {(m["indicator_id"], m["series"]) for m in mon if m["spc_status"] == "too_few_events"}
assert few, "30,000 people should leave some series with too few events"
print("series with too few events for SPC:", len(few))
import json
st = json.load(open(d + "/metadata.json"))["data_status"]
assert st == {"synthetic": True, "area_name": "NHS Example ICB", "imd_version": "IMD2019",
              "marking": "SYNTHETIC DATA"}, st
print("monitoring rows", len(mon), "inequality rows", len(rows))
PY
"$hg" report --results "$w/res" --objectives "$pack/objectives.csv" --out "$w/report.html"
grep -q '<h2>Executive summary</h2>' "$w/report.html"
grep -q 'id="sii-FLU_65-t"' "$w/report.html"
grep -q 'id="funnel-FLU_65-t"' "$w/report.html"
if grep -Eq '<(script|link)|src="http|href="http' "$w/report.html"; then
	echo "report is not self-contained"; exit 1
fi
# read as a person would: no code where words belong, no NHS lozenge, the marking
python3 - "$w/report.html" << 'PY'
import html, re, sys
RAW = [r"common_cause", r"special_cause", r"consistent_(fail|pass)", r"\binconsistent\b",
       r"(improvement|concern|neutral)_(high|low)", r"imd_quintile", r"imd_decile", r"age_band",
       r"proportion_percent", r"crude_rate_per", r"dsr_per_", r"life_expectancy_years",
       r"(higher|lower)_is_better", r"not_compared", r"\[M\]", r"High \(0\.0", r"Low \(0\.0"]
t = re.sub(r"<style>.*?</style>", "", open(sys.argv[1]).read(), flags=re.S)
text = html.unescape(re.sub(r"<[^>]+>", " ", t) + " ".join(re.findall(r'aria-label="([^"]*)"', t)))
for r in RAW:
    m = re.search(r, text)
    assert not m, "raw identifier %s: ...%s..." % (r, text[max(0, m.start() - 80):m.end() + 80])
assert ">NHS<" not in t and 'class="brand"' not in t, "the report must not use an NHS lozenge"
assert text.count("SYNTHETIC DATA") >= 3, "no status marking"
assert "NHS Example ICB" in text, "no area name"
assert re.search(r"percentage points (lower|higher)|points (lower|higher)|years (shorter|longer)", text), \
    "gaps are not in words"
PY
mkdir -p "$shots"
cp "$w/report.html" "$shots/report.html"
chromium=${HG_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ] || ! command -v pdftoppm >/dev/null; then
	echo "chromium or pdftoppm not installed (scripts/install-deps.sh --browser)"
	exit 77
fi
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
	--hide-scrollbars --window-size=1100,2400 --screenshot="$shots/report.png" \
	"file://$w/report.html" >/dev/null 2>&1
test -s "$shots/report.png"
"$hg" report --results "$w/res" --objectives "$pack/objectives.csv" --out "$w/report.html" --pdf
test -s "$w/report.pdf"
cp "$w/report.pdf" "$shots/report.pdf"
rm -f "$shots"/page-*.png
pdftoppm -r 60 -png "$w/report.pdf" "$shots/page"
pages=$(ls "$shots"/page-*.png | wc -l)
echo "report: $pages PDF pages rendered into $shots"
# the board's layout (issue 12): a two-page executive summary whose first page holds the ranked
# messages and the whole table at a glance, then one page per indicator (its heading on that
# page and nothing of the next), then one page of methods
python3 - "$w/report.html" "$w/report.pdf" "$w/res/monitoring.json" "$pages" << 'PY'
import html, json, re, subprocess, sys
page_html, pdf, mon, pages = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
names = [s["indicator_name"] for s in json.load(open(mon))["series"] if s["series"] == "value"]
assert pages == 2 + len(names) + 1, f"{pages} PDF pages for {len(names)} indicators (want {2 + len(names) + 1})"
def text(p):
    t = subprocess.run(["pdftotext", "-f", str(p), "-l", str(p), pdf, "-"], capture_output=True, text=True).stdout
    return " ".join(t.split())
def has(t, name):  # a name as printed (lines may break anywhere between words)
    return " ".join(html.unescape(name).split())[:40] in t
p1, p2 = text(1), text(2)
assert "Executive summary" in p1 and "Indicators at a glance" in p1, "page 1 does not hold the summary"
missing = [n for n in names if not has(p1, n)]
assert not missing, f"page 1 lacks the glance rows of {missing}"
assert "what stands out" in p2 and "The gaps, largest first" in p2, "page 2 is not the summary's second page"
for k, n in enumerate(names):
    t = text(3 + k)
    assert has(t, n), f"page {3 + k} is not {n}'s page"
    assert k + 1 == len(names) or not t.startswith(" ".join(names[k + 1].split())[:40]), k
assert "Methods and data quality" in text(pages), "the last page is not the methods"
h = open(page_html).read()
brief = re.search(r'<ol class="hg-brief">(.*?)</ol>', h, re.S).group(1)
items = re.findall(r"<li>", brief)
words = len(html.unescape(re.sub(r"<[^>]+>", " ", brief)).split())
print(f"executive summary: {len(items)} messages, {words} words; {pages} pages")
assert 4 <= len(items) <= 5 and 60 <= words <= 260, (len(items), words)
for want in ("The largest gaps", "widening", "target", "Practices that stand out"):
    assert want in brief, f"the summary lacks '{want}'"
PY
# every printed page carries the marking at its top and bottom
for p in $(seq 1 "$pages"); do
	n=$(pdftotext -f "$p" -l "$p" "$w/report.pdf" - | grep -c "SYNTHETIC DATA")
	[ "$n" -ge 2 ] || { echo "PDF page $p has the marking $n times"; exit 1; }
done
# the area name can be set for the report alone
"$hg" report --results "$w/res" --out "$w/r2.html" --area-name "NHS Other ICB"
grep -q "NHS Other ICB" "$w/r2.html"
