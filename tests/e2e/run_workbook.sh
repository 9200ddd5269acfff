#!/bin/bash
# run_workbook.sh: the analyst's workbook (issue 12, section 4). A synthetic
# population (3,000 people) -> ingest -> run three of the Core20PLUS5 pack's
# indicators (a proportion, a rate, a count), then open
# indicators.xlsx as a zip and read its XML (python's zipfile; no spreadsheet
# library): the sheets indicators, inequalities, monitoring and notes; every
# cell typed as its CSV column: numbers stored as numbers (never strings) that
# Excel reads as the CSV's numbers (6 decimals at most, no 15-digit floats),
# shown with the formats asked for (#,##0 counts, #,##0.0 values - one decimal
# for percentages - 0.00 ratios); dates as Excel dates with a date format;
# booleans as booleans; a frozen header row, a filter over every row, set
# column widths, the status marking in every page header; the notes sheet with
# the marking, the disclosure rule in words, the provenance hashes of
# metadata.json and every indicator's definition. Every output is mode 0640.
set -eu
pack=$(cd "$(dirname "$0")/../.." && pwd)/packs/core20plus5
cd "$TMPDIR"
fail() { echo "FAIL: $*"; exit 1; }
"$HG" synth --people 3000 --seed 3 --out raw --quiet
"$HG" ingest --persons raw/persons.csv --events raw/events.csv --store store --no-progress \
	--extract-date 2026-03-31 --area-name "NHS Example & Test ICB" > /dev/null
# three indicators of the pack, over two years: every kind of cell, few enough rows to be quick
cat > wb.hg << HG
periods quarterly from 2023-04-01 to 2025-03-31
codelist flu_vacc = "$pack/codelists/flu_vacc.csv"
codelist ae = "$pack/codelists/ae_attend.csv"
indicator FLU_65 "Flu vaccination, aged 65 and over"
  proportion
  denominator: registered and alive and age >= 65
  numerator:   exists(flu_vacc in last 12 months)
  by imd_quintile, ethnicity, sex
  source "UKHSA seasonal flu vaccine uptake, 65 and over"
indicator AE_RATE "A&E attendances, crude rate per 1,000 people per year"
  rate per 1000 per year
  population: registered
  events:     ae in setting ae
  by imd_quintile, ethnicity
indicator VACC_N "People vaccinated against flu"
  count
  numerator: registered and exists(flu_vacc in last 12 months)
  by imd_quintile
HG
printf 'indicator_id,target_value,target_date,gap_reduction_target,polarity\nFLU_65,75,2025-03-31,0.2,higher_is_better\n' > objectives.csv
"$HG" run wb.hg --store store --out res --threads 2 --quiet --objectives objectives.csv 2> run.log ||
	fail "run: $(cat run.log)"
for f in res/*; do
	[ "$(stat -c %a "$f")" = 640 ] || fail "$f has mode $(stat -c %a "$f"), not 0640"
done
python3 - res << 'PY' || fail "workbook checks"
import csv, json, re, sys, zipfile
res = sys.argv[1]
z = zipfile.ZipFile(f"{res}/indicators.xlsx")
def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)
wbx = z.read("xl/workbook.xml").decode()
names = re.findall(r'<sheet name="([^"]+)"', wbx)
if names != ["indicators", "inequalities", "monitoring", "notes"]:
    fail(f"sheets are {names}")
shared = [re.sub(r"<[^>]+>", "", s) for s in
          re.findall(r"<si>(.*?)</si>", z.read("xl/sharedStrings.xml").decode(), re.S)]
shared = [s.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">") for s in shared]
styles = z.read("xl/styles.xml").decode()
fmts = {int(i): c for i, c in re.findall(r'<numFmt numFmtId="(\d+)" formatCode="([^"]*)"', styles)}
xfs = re.findall(r"<xf [^>]*?numFmtId=\"(\d+)\"", styles.split("<cellXfs")[1])
def fmt_of(attrs):
    m = re.search(r'\bs="(\d+)"', attrs)
    return fmts.get(int(xfs[int(m.group(1))]), "General") if m else "General"
def col_index(ref):
    n = 0
    for ch in re.match(r"[A-Z]+", ref).group(0):
        n = n * 26 + ord(ch) - 64
    return n - 1

def sheet(n):
    """rows: list of {col: (type, value, format)}, and the sheet's XML"""
    x = z.read(f"xl/worksheets/sheet{n}.xml").decode()
    rows = []
    for body in re.findall(r"<row [^>]*>(.*?)</row>", x, re.S):
        row = {}
        for ref, attrs, inner in re.findall(r'<c r="([A-Z]+\d+)"([^>]*?)(?:/>|>(.*?)</c>)', body):
            t = re.search(r'\bt="(\w+)"', attrs)
            t = t.group(1) if t else "n"
            v = re.search(r"<v>(.*?)</v>", inner or "")
            v = v.group(1) if v else ""
            if t == "s":
                v = shared[int(v)]
            row[col_index(ref)] = (t, v, fmt_of(attrs))
        rows.append(row)
    return rows, x

def read_csv(name):
    with open(f"{res}/{name}", newline="") as f:
        return list(csv.reader(f))

def check_layout(n, name, rows, x, ncols):
    if not re.search(r'<pane [^>]*ySplit="1"[^>]*state="frozen"', x):
        fail(f"{name}: the header row is not frozen")
    m = re.search(r'<autoFilter ref="A1:([A-Z]+)(\d+)"', x)
    if not m or int(m.group(2)) != len(rows) or col_index(m.group(1)) != ncols - 1:
        fail(f"{name}: the filter does not cover the header and all {len(rows) - 1} rows")
    if len(re.findall(r'<col [^>]*customWidth="1"', x)) < ncols:
        fail(f"{name}: not every column has a width")
    if "NHS Example &amp;&amp; Test ICB" not in x or "SYNTHETIC DATA" not in x:
        fail(f"{name}: the page header lacks the marking")

def check_against_csv(name, rows, table, kinds):
    """each cell has the CSV's value, typed: kinds maps column -> (type, format check)"""
    head = table[0]
    if [rows[0][k][1] for k in range(len(head))] != head:
        fail(f"{name}: the header differs from the CSV's")
    if len(rows) != len(table):
        fail(f"{name}: {len(rows) - 1} rows, the CSV has {len(table) - 1}")
    for i in range(1, len(table)):
        for k, want in enumerate(table[i]):
            t, v, f = rows[i].get(k, ("", "", "General"))
            kind = kinds(head[k], table[i])
            if want == "":
                if v != "":
                    fail(f"{name} row {i} {head[k]}: '{v}' where the CSV is empty")
                continue
            if kind == "date":
                serial = int(v)
                y, m_, d = map(int, want.split("-"))
                import datetime
                if datetime.date(1899, 12, 30) + datetime.timedelta(serial) != datetime.date(y, m_, d):
                    fail(f"{name} row {i} {head[k]}: date {serial} is not {want}")
                if t != "n" or f != "yyyy-mm-dd":
                    fail(f"{name} row {i} {head[k]}: a date stored as {t} with format {f}")
            elif kind == "bool":
                if t != "b" or v != ("1" if want == "true" else "0"):
                    fail(f"{name} row {i} {head[k]}: boolean {want} stored as {t} {v}")
            elif kind == "text":
                if t != "s" or v != want:
                    fail(f"{name} row {i} {head[k]}: text '{want}' stored as {t} '{v}'")
            else:
                if t != "n":
                    fail(f"{name} row {i} {head[k]}: the number {want} is stored as {t}")
                # Excel keeps 15 significant digits: what it reads must be the CSV's
                # number (at most 6 decimals), not a 15-digit float
                if float("%.15g" % float(v)) != float(want):
                    fail(f"{name} row {i} {head[k]}: {v} is not the CSV's {want}")
                if f != kind:
                    fail(f"{name} row {i} {head[k]}: format {f}, expected {kind}")

ind_rows, x1 = sheet(1)
ind = read_csv("indicators.csv")
def ind_kind(col, row):
    if col in ("period_start", "period_end"): return "date"
    if col == "suppressed": return "bool"
    if col in ("numerator", "denominator"): return "#,##0"
    if col in ("value", "lower_ci95", "upper_ci95", "lower_ci99_8", "upper_ci99_8"):
        return "#,##0" if row[13] == "count" else "#,##0.0"
    return "text"
check_layout(1, "indicators", ind_rows, x1, 16)
check_against_csv("indicators", ind_rows, ind, ind_kind)
if not any(r[13] == "proportion_percent" and r[8] for r in ind[1:]):
    fail("no percentage to check the one-decimal format on")
if not any(r[13] == "count" and r[8] for r in ind[1:]):
    fail("no count to check the whole-number format on")

ineq_rows, x2 = sheet(2)
ineq = read_csv("inequalities.csv")
def ineq_kind(col, row):
    if col in ("period_start", "period_end"): return "date"
    if col in ("pct_ethnicity_not_stated", "pct_imd_unknown"): return "0.0"
    if col in ("value", "lower_ci95", "upper_ci95", "lower_ci99_8", "upper_ci99_8"):
        m = row[5]
        if m == "rii" or "ratio" in m or m == "gap_rel": return "0.00"
        if m.startswith("people"): return "#,##0"
        return "#,##0.0"
    return "text"
check_layout(2, "inequalities", ineq_rows, x2, 19)
check_against_csv("inequalities", ineq_rows, ineq, ineq_kind)
if not any(r[5] == "rii" and r[8] for r in ineq[1:]):
    fail("no RII to check the ratio format on")

mon_rows, x3 = sheet(3)
mon = read_csv("monitoring.csv")
value_type = {r[0]: r[13] for r in ind[1:]}
def mon_kind(col, row):
    if col in ("period_start", "period_end"): return "date"
    if col in ("special_cause_flag", "short_group_warning"): return "bool"
    if col in ("pct_ethnicity_not_stated", "pct_imd_unknown"): return "0.0"
    if col in ("value", "mean", "lower_process_limit", "upper_process_limit",
               "lower_near_limit", "upper_near_limit", "target"):
        return "#,##0" if value_type[row[0]] == "count" and row[2] == "value" else "#,##0.0"
    return "text"
check_layout(3, "monitoring", mon_rows, x3, 24)
check_against_csv("monitoring", mon_rows, mon, mon_kind)

notes, x4 = sheet(4)
text = {r.get(0, ("", "", ""))[1]: r.get(1, ("", "", ""))[1] for r in notes}
meta = json.load(open(f"{res}/metadata.json"))
if not notes[0][0][1].startswith("SYNTHETIC DATA - NHS Example & Test ICB"):
    fail(f"notes: first line is {notes[0][0][1]!r}, not the marking")
if text.get("store manifest hash (BLAKE2b-256)") != meta["store_manifest_hash_blake2b256"]:
    fail("notes: the store manifest hash differs from metadata.json's")
if text.get("pack hash (BLAKE2b-256)") != meta["pack_hash_blake2b256"]:
    fail("notes: the pack hash differs from metadata.json's")
ineq_meta = json.load(open(f"{res}/inequalities.json"))["objectives"]
if text.get("objectives hash (BLAKE2b-256)") != ineq_meta["hash_blake2b256"] or not text.get("objectives"):
    fail("notes: the objectives file and hash are not those of inequalities.json")
if meta["disclosure_control"]["description"] not in text.get("disclosure control", ""):
    fail(f"notes: disclosure control says {text.get('disclosure control')!r}")
if "snap-000001" not in text.get("source", ""):
    fail(f"notes: source says {text.get('source')!r}")
ids = {r[0] for r in ind[1:]}
defined = {r[0][1] for r in notes if 0 in r and r[0][1] in ids and 2 in r}
if defined != ids:
    fail(f"notes: definitions of {sorted(ids - defined)} are missing")
print(f"workbook: 4 sheets, {len(ind) - 1} + {len(ineq) - 1} + {len(mon) - 1} rows typed as the CSVs")
PY
echo "workbook checks pass"
