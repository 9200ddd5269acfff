#!/bin/bash
# trust_pack.sh: packs/inclusive-elective-recovery on a small synthetic trust (issue 16)
# against an independent implementation (python3, from the CSVs and the synthetic IMD
# lookup, not the store) of the waiting-list snapshot and the DNA rates, by the rules of
# docs/language.md "Indicators over pathways and appointments" and "Percentiles": for each
# of the pack's 12 quarter ends E, by all, IMD quintile, ethnic group and detailed ethnic
# category (docs/data-model.md "Ethnicity": the letter as recorded; Z Not stated; 99, X or
# blank Not known),
#   WL_OPEN     pathways open at E (clock start <= E, no stop <= E) / pathways on the list in
#               the quarter (clock start <= E, no stop before its start)
#   WL_OVER_18, WL_OVER_52  open pathways waiting more than 126 / 364 days / open pathways
#   WL_MEDIAN, WL_P92   type 7 percentiles of (E - clock start) / 7 over open pathways
#   DNA_FIRST, DNA_FOLLOWUP  outpatient appointments dated in the quarter, first (follow-up),
#               attended or not: not attended / both
# Numerators and denominators must be identical (--sdc none) and values equal to the
# published 6 decimals. Also: the pack runs with disclosure control and writes its
# inequalities (SII, gaps) for the waiting list and DNA rates.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TMPDIR"
fail() { echo "FAIL: $*"; exit 1; }
pack="$root/packs/inclusive-elective-recovery"

$HG synth --people 4000 --seed 7 --out data > /dev/null 2>&1
$HG ingest --persons data/persons.csv --events data/events.csv --pathways data/pathways.csv \
	--appointments data/appointments.csv --store st --no-progress > ingest.log ||
	fail "ingest: $(cat ingest.log)"
$HG run "$pack" --store st --out out --sdc none --format csv > run.log 2>&1 ||
	fail "run: $(cat run.log)"
imd=$(ls data/reference/imd2019/*.csv | head -1)
python3 - "$imd" out/indicators.csv << 'PY'
import csv, sys, datetime as dt
imd_path, hg_path = sys.argv[1], sys.argv[2]
D = dt.date.fromisoformat
decile = {r[0]: int(r[5]) for r in list(csv.reader(open(imd_path)))[1:]}
def eth_group(c):
    c = c.strip().upper()
    for g, letters in (("White", "ABC"), ("Mixed", "DEFG"), ("Asian", "HJKL"),
                       ("Black", "MNP"), ("Other", "RS")):
        if len(c) == 1 and c in letters:
            return g
    return "Not stated"
DETAILED = dict(zip("ABCTDEFGHJKLMNPRSWZ", (
    "White: British", "White: Irish", "White: Any other White background",
    "White: Gypsy or Irish Traveller", "Mixed: White and Black Caribbean",
    "Mixed: White and Black African", "Mixed: White and Asian",
    "Mixed: Any other mixed background", "Asian: Indian", "Asian: Pakistani",
    "Asian: Bangladeshi", "Asian: Any other Asian background", "Black: Caribbean",
    "Black: African", "Black: Any other Black background", "Other: Chinese",
    "Other: Any other ethnic group", "Other: Arab", "Not stated")))
def eth_detailed(c):
    c = c.strip().upper()
    return DETAILED.get(c, "Not known") if len(c) == 1 else "Not known"
person = {}
for r in csv.DictReader(open("data/persons.csv")):
    d = decile.get(r["lsoa"])
    person[r["person_id"]] = {"imd_quintile": str((d + 1) // 2) if d else "Unknown",
                              "ethnicity": eth_group(r["ethnicity"]),
                              "ethnicity_detailed": eth_detailed(r["ethnicity"])}
pathways = [(r["person_id"], D(r["clock_start"]), D(r["clock_stop"]) if r["clock_stop"] else None)
            for r in csv.DictReader(open("data/pathways.csv"))]
appts = [(r["person_id"], D(r["date"]), r["setting"], r["outcome"], r["attendance_type"])
         for r in csv.DictReader(open("data/appointments.csv"))]
def type7(x, p):
    x = sorted(x)
    h = (len(x) - 1) * p
    lo = int(h // 1)
    hi = min(lo + 1, len(x) - 1)
    g = h - lo
    return x[lo] if g == 0 or x[hi] == x[lo] else (1 - g) * x[lo] + g * x[hi]
want = {}
BDS = ("all", "imd_quintile", "ethnicity", "ethnicity_detailed")
def add(ind, pe, pid, num, val=None):
    """one unit in the denominator of ind (num: in the numerator; val: its value)"""
    for bd in BDS:
        cat = "All" if bd == "all" else person[pid][bd]
        c = want.setdefault((ind, pe, bd, cat), [0, 0, []])
        c[0] += num
        c[1] += 1
        if val is not None:
            c[2].append(val)
quarters = []
for k in range(12):
    y, m = 2023 + (3 + 3 * k) // 12, (3 + 3 * k) % 12 + 1
    s = dt.date(y, m, 1)
    e = (dt.date(y + (m + 2) // 12, (m + 2) % 12 + 1, 1)) - dt.timedelta(days=1)
    quarters.append((s, e))
for s, e in quarters:
    pe = e.isoformat()
    for pid, a, b in pathways:
        if a > e or (b is not None and b < s):
            continue  # not on the list at any time in the quarter
        is_open = b is None or b > e
        add("WL_OPEN", pe, pid, is_open)
        if is_open:
            w = (e - a).days / 7
            add("WL_OVER_18", pe, pid, w > 18)
            add("WL_OVER_52", pe, pid, w > 52)
            add("WL_MEDIAN", pe, pid, 1, w)
            add("WL_P92", pe, pid, 1, w)
    for pid, d, setting, outcome, typ in appts:
        if not (s <= d <= e) or setting != "op" or outcome not in ("attended", "did not attend"):
            continue
        ind = {"first": "DNA_FIRST", "follow-up": "DNA_FOLLOWUP"}.get(typ)
        if ind:
            add(ind, pe, pid, outcome == "did not attend")
def value(ind, c):
    if ind == "WL_OPEN":
        return c[0]
    if ind in ("WL_MEDIAN", "WL_P92"):
        return type7(c[2], 0.5 if ind == "WL_MEDIAN" else 0.92)
    return 100 * c[0] / c[1]
got = {}
for r in csv.DictReader(open(hg_path)):
    key = (r["indicator_id"], r["period_end"], r["breakdown"], r["category"])
    if key[0] in {k[0] for k in want} and key[2] in BDS \
            and r["denominator"] not in ("", "0"):
        got[key] = r
bad = 0
if set(got) != set(want):
    print("cells only in healthgap:", sorted(set(got) - set(want))[:5])
    print("cells only in python:", sorted(set(want) - set(got))[:5])
    bad += 1
for key in sorted(set(got) & set(want)):
    c, r = want[key], got[key]
    num = len(c[2]) if key[0] in ("WL_MEDIAN", "WL_P92") else c[0]
    v = value(key[0], c)
    if int(r["numerator"]) != num or int(r["denominator"]) != c[1] or \
            abs(float(r["value"]) - v) > 5e-7 * max(1, abs(v)):
        bad += 1
        if bad < 10:
            print("differ", key, "healthgap", r["numerator"], r["denominator"], r["value"],
                  "python", num, c[1], v)
print("%d cells compared, %d differ" % (len(want), bad))
sys.exit(1 if bad else 0)
PY
[ $? = 0 ] || fail "healthgap and the independent implementation differ"
# with disclosure control, and the inequality measures of the waiting list and DNA rates
$HG run "$pack" --store st --out out_k7 --format csv,json > run_k7.log 2>&1 ||
	fail "run with disclosure control: $(cat run_k7.log)"
for ind in WL_PER_1000 WL_OVER_18 WL_MEDIAN DNA_FIRST; do
	grep -q "^$ind," out_k7/inequalities.csv || fail "no inequality measures for $ind"
done
# the board report has no "Population segments" page: the pack has no segmentation, and
# its counts by specialty or ethnicity_detailed are not one
$HG report --results out_k7 --objectives "$pack/objectives.csv" --out board.html > report.log 2>&1 ||
	fail "report: $(cat report.log)"
grep -q 'id="WL_MEDIAN"\|WL_MEDIAN' board.html || fail "no WL_MEDIAN in the board report"
! grep -q 'id="segments"' board.html || fail "the board report has a segments page without segmentations"
echo "trust_pack: ok"
