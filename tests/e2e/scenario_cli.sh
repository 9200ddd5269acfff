#!/bin/bash
# scenario_cli.sh: `healthgap scenario` on a small synthetic run (10,000 people):
# every scenario of packs/core20plus5/scenarios runs (500 draws) and writes its
# tables; the headline states the SYNTHETIC marking; close_gap's people match
# the run's published quintile cells by hand; the PSA gives the same files for a
# seed whatever the threads and different ones for another seed; errors name
# the file and the fix and write nothing.
set -eu
hg=$HG
w=$TMPDIR
root=$(cd "$(dirname "$0")/../.." && pwd)
"$hg" synth --people 10000 --seed 5 --out "$w/raw" >/dev/null 2>&1
"$hg" ingest --persons "$w/raw/persons.csv" --events "$w/raw/events.csv" --store "$w/store" \
	--no-progress --extract-date 2026-03-31 >/dev/null 2>&1
"$hg" run "$root/packs/core20plus5/core20plus5.hg" --store "$w/store" --out "$w/res" \
	--format csv,json --threads 2 >/dev/null 2>&1
out=$("$hg" scenario "$root/packs/core20plus5/scenarios" --results "$w/res" --out "$w/scn" \
	--draws 500 --threads 2 --write-draws 2>"$w/err") || { cat "$w/err"; echo "scenario failed"; exit 1; }
test "$(ls "$w/scn" | wc -l)" = 16 || { ls "$w/scn"; echo "expected 16 scenario folders"; exit 1; }
for d in "$w"/scn/*/; do
	for f in scenario.json summary.csv by_year.csv by_group.csv dcea.csv equity_profile.csv \
		ceac.csv tornado.csv parameters.csv psa_draws.csv; do
		test -s "$d/$f" || { echo "missing $d$f"; exit 1; }
	done
done
echo "$out" | grep -q "^hyp_gap_half: Reaching .* more people in the most deprived fifth" ||
	{ echo "$out"; echo "no headline"; exit 1; }
echo "$out" | grep -q "SYNTHETIC DATA" || { echo "no marking"; exit 1; }
python3 - "$w/res" "$w/scn" <<'PY'
import csv, json, math, sys
res, scn = sys.argv[1], sys.argv[2]
j = json.load(open(scn + "/hyp_gap_half/scenario.json"))
assert j["synthetic"] is True and j["marking"] == "SYNTHETIC DATA", j["marking"]
# close_gap 0.5 in quintile 1, by hand from the published cells (k7: to the nearest 5)
end = j["indicator"]["period_end"]
cells = {r["category"]: r for r in csv.DictReader(open(res + "/indicators.csv"))
         if r["indicator_id"] == "CVDP007HYP" and r["period_end"] == end and r["breakdown"] == "imd_quintile"}
q1, q5 = cells["1"], cells["5"]
need = (float(q5["value"]) - float(q1["value"])) / 100 * float(q1["denominator"])
want = 5 * math.floor(math.ceil(0.5 * need - 1e-9) / 5 + 0.5)
got = [g for g in j["horizons"][0]["by_group"] if g["breakdown"] == "imd_quintile" and g["category"] == "1"][0]
assert got["people_moved"] == want, (got["people_moved"], want)
assert j["people_reached"] == want
# every figure states its sources
assert all(p["source"] for p in j["parameters"]), "a parameter without a source"
h5 = j["horizons"][-1]
assert h5["years"] == 5
m = h5["metrics"]
assert m["events_averted"]["lower_95"] <= m["events_averted"]["value"] <= m["events_averted"]["upper_95"]
assert 0 <= h5["p_cost_saving"] <= 1 and len(j["psa"]["ceac"]) == 51
d = h5["dcea"]
assert len(d["by_quintile"]) == 5 and len(d["profile"]) == 21
# the gap narrows, by the people moved (this population has a gap in CVDP007HYP)
ind = j["indicator"]
assert want > 0, "seed 5 should leave a gap to close"
assert ind["computed"] and abs(ind["gap_q1_q5_after"]) < abs(ind["gap_q1_q5_before"]), ind
after1 = (float(q1["numerator"]) + want) / float(q1["denominator"]) * 100
assert abs(ind["by_quintile_after"][0] - after1) < 1e-6, (ind["by_quintile_after"][0], after1)
print("hyp_gap_half:", j["people_reached"], "people;", j["headline"])
PY
# the board report's "case for acting" page
"$hg" report --results "$w/res" --scenarios "$w/scn" --out "$w/report.html" >/dev/null
grep -q 'id="case-for-acting"' "$w/report.html" || { echo "no case for acting page"; exit 1; }
grep -q "Synthetic data.</b> These scenarios" "$w/report.html" || { echo "not marked synthetic"; exit 1; }
grep -q "Reaching .* more people" "$w/report.html" || { echo "no headline on the page"; exit 1; }
# the same seed gives the same files whatever the threads; another seed does not
"$hg" scenario "$root/packs/core20plus5/scenarios/hyp_gap_half.scn" --results "$w/res" --out "$w/a" \
	--draws 500 --threads 1 >/dev/null
cmp -s "$w/a/hyp_gap_half/summary.csv" "$w/scn/hyp_gap_half/summary.csv" ||
	{ echo "PSA differs with threads"; exit 1; }
"$hg" scenario "$root/packs/core20plus5/scenarios/hyp_gap_half.scn" --results "$w/res" --out "$w/b" \
	--draws 500 --seed 9 >/dev/null
if cmp -s "$w/b/hyp_gap_half/summary.csv" "$w/scn/hyp_gap_half/summary.csv"; then
	echo "the seed changes nothing"; exit 1
fi
# errors: a misspelt intervention, a missing results folder; nothing written
printf 'intervention: hypertensoin\nindicator: CVDP007HYP\nreach: people 10\nlibrary: %s\n' \
	"$root/packs/interventions/interventions.csv" >"$w/bad.scn"
if "$hg" scenario "$w/bad.scn" --results "$w/res" --out "$w/c" 2>"$w/err"; then
	echo "a misspelt intervention was accepted"; exit 1
fi
grep -q "did you mean 'hypertension'" "$w/err" || { cat "$w/err"; exit 1; }
test ! -e "$w/c" || { echo "written on error"; exit 1; }
if "$hg" scenario "$root/packs/core20plus5/scenarios/hyp_gap_half.scn" --results "$w/nope" \
	--out "$w/c" 2>"$w/err"; then
	echo "a missing results folder was accepted"; exit 1
fi
grep -q "nope" "$w/err" || { cat "$w/err"; exit 1; }
echo "scenario_cli: ok"
