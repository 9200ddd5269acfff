#!/bin/bash
# sdc_attack.sh: a differencing attack on disclosure control (issue 11, defect 6).
# The attacker holds every published cell of the Core20PLUS5 pack (k7) and every
# identity that holds by construction, from the pack's definitions and the docs:
#   - each breakdown's cells add up to "All" (numerators and denominators);
#   - a two-way breakdown's rows and columns add up to the one-way cells;
#   - two IMD deciles add up to their quintile; the two Unknowns are equal;
#   - indicators that count the same count it in every cell: AE_RATE and AE_DSR
#     numerators; the denominators of EMERG_ADM_DSR, AE_DSR, AE_RATE and GP_DNA
#     (people registered at mid-period, same periods); CVDP007HYP's denominator
#     and CVDP001HYP's numerator (adults on the hypertension register).
# It knows a published count r stands for a raw count in [r-2, r+2] that is 0 or
# above 7 (else it would be suppressed), and propagates intervals through the
# identities until nothing changes. Every small count (1..7, the counts the rule
# protects) behind a suppressed cell must stay uncertain by more than +-2:
# interval width above 4. The raw
# counts (a --sdc none run) are used only to know which counts are small and to
# check that the identities hold.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TMPDIR"
command -v python3 > /dev/null || { echo "python3 not installed"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
$HG synth --people 20000 --seed 3 --out data > /dev/null 2>&1 || fail "synth"
$HG ingest --persons data/persons.csv --events data/events.csv --store st --no-progress \
	> /dev/null 2>&1 || fail "ingest"
for k in k7 none; do
	$HG run "$root/packs/core20plus5" --store st --out "out_$k" --sdc "$k" --format csv --quiet \
		> "run_$k.log" 2>&1 || fail "run --sdc $k: $(cat "run_$k.log")"
done
python3 - << 'PY'
import csv, sys
from collections import defaultdict
K, BIG = 7, 10 ** 9
pub = list(csv.DictReader(open("out_k7/indicators.csv", newline="")))
raw = {(r["indicator_id"], r["period_start"], r["period_end"], r["breakdown"], r["category"]): r
       for r in csv.DictReader(open("out_none/indicators.csv", newline=""))}
# union-find over (cell, "N"|"D"): equal counts share one interval
parent = {}
def find(x):
    parent.setdefault(x, x)
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x
def union(a, b):
    ra, rb = find(a), find(b)
    if ra != rb:
        parent[ra] = rb
cells = {}
for r in pub:
    key = (r["indicator_id"], r["period_start"], r["period_end"], r["breakdown"], r["category"])
    cells[key] = r
def rawv(key, q):
    return float(raw[key]["numerator" if q == "N" else "denominator"])
# equalities by construction
for key in cells:
    ind, ps, pe, bd, cat = key
    if ind == "AE_RATE" and (("AE_DSR",) + key[1:]) in cells:
        union((key, "N"), (("AE_DSR",) + key[1:], "N"))
    if ind == "CVDP007HYP" and (("CVDP001HYP",) + key[1:]) in cells:
        union((key, "D"), (("CVDP001HYP",) + key[1:], "N"))
    for other in ("EMERG_ADM_DSR", "AE_DSR", "AE_RATE", "GP_DNA"):
        if ind in ("EMERG_ADM_DSR", "AE_DSR", "AE_RATE", "GP_DNA") and ((other,) + key[1:]) in cells:
            union((key, "D"), ((other,) + key[1:], "D"))
# sums: (total, [parts]) over variables
sums = []
groups = defaultdict(list)
for key in cells:
    groups[key[:4]].append(key)
def group(ind, ps, pe, bd):
    return groups.get((ind, ps, pe, bd), [])
for (ind, ps, pe, bd), keys in groups.items():
    if bd == "all":
        continue
    allk = (ind, ps, pe, "all", "All")
    sums.append((allk, keys))
    if " x " in bd:
        d1, d2 = bd.split(" x ")
        for dim, pos in ((d1, 0), (d2, 1)):
            one = {k[4]: k for k in group(ind, ps, pe, dim)}
            by = defaultdict(list)
            for k in keys:
                by[k[4].split(" / ")[pos]].append(k)
            for c, parts in by.items():
                if c in one:
                    sums.append((one[c], parts))
    for dd, qq in (("imd_decile", "imd_quintile"), ("imd_decile x sex", "imd_quintile x sex")):
        if bd != qq:
            continue
        dec = {k[4]: k for k in group(ind, ps, pe, dd)}
        for k in keys:
            parts = k[4].split(" / ")
            q = parts[0]
            rest = (" / " + parts[1]) if len(parts) > 1 else ""
            if q == "Unknown":
                if "Unknown" + rest in dec:
                    for qd in "ND":
                        union((k, qd), (dec["Unknown" + rest], qd))
                continue
            d = [dec.get(f"{2 * int(q) - 1}{rest}"), dec.get(f"{2 * int(q)}{rest}")]
            if all(d):
                sums.append((k, d))
# the identities must hold on the raw counts, else this attacker would be wrong
for tot, parts in sums:
    for q in "ND":
        if abs(rawv(tot, q) - sum(rawv(p, q) for p in parts)) > 1e-6:
            sys.exit(f"FAIL: identity does not hold: {tot} {q}")
for x in list(parent):
    if abs(rawv(x[0], x[1]) - rawv(find(x)[0], find(x)[1])) > 1e-6:
        sys.exit(f"FAIL: equality does not hold: {x} ~ {find(x)}")
# intervals from the published cells
lo, hi = {}, {}
def tighten(v, a, b):
    v = find(v)
    a2, b2 = max(lo.get(v, 0), a), min(hi.get(v, BIG), b)
    changed = (a2, b2) != (lo.get(v, 0), hi.get(v, BIG))
    lo[v], hi[v] = a2, b2
    return changed
for key, r in cells.items():
    for q, col in (("N", "numerator"), ("D", "denominator")):
        if r["suppressed"] == "true":
            tighten((key, q), 0, BIG)
        else:
            v = float(r[col])
            tighten((key, q), 0, 0) if v == 0 else tighten((key, q), max(v - 2, K + 1), v + 2)
for _ in range(200):
    changed = False
    for tot, parts in sums:
        for q in "ND":
            t, ps_ = find((tot, q)), [find((p, q)) for p in parts]
            slo, shi = sum(lo[p] for p in ps_), sum(hi[p] for p in ps_)
            changed |= tighten(t, slo, shi)
            for i, p in enumerate(ps_):
                olo, ohi = slo - lo[p], shi - hi[p]
                changed |= tighten(p, lo[t] - ohi, hi[t] - olo)
    if not changed:
        break
small = leaks = 0
for key, r in cells.items():
    if r["suppressed"] != "true":
        continue
    n, d = rawv(key, "N"), rawv(key, "D")
    sens = [q for q, v in (("N", n), ("D", d)) if 1 <= v <= K]
    for q in sens:
        small += 1
        v = find((key, q))
        if hi[v] - lo[v] <= 4:
            leaks += 1
            if leaks <= 10:
                print(f"recoverable: {key} {q} in [{lo[v]}, {hi[v]}] (raw {rawv(key, q):.0f})")
print(f"{small} small counts behind suppressed cells; {leaks} recoverable to within +-2; "
      f"{len(sums)} sums, {len(parent)} counts in equalities")
if small == 0:
    sys.exit("FAIL: the population has no small counts to attack")
if leaks:
    sys.exit("FAIL: disclosure control can be differenced")
PY
echo "ok: no small count recoverable"
