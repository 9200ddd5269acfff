#!/bin/bash
# engine_tally.sh: the run tallies (src/engine/engine.c, hg_run: a person's lanes
# added as runs of periods, folded into the cells after the pass) change no
# output. On a small synthetic store with registration and address histories,
# pathways and appointments, bench/segments/with.hg (the Core20PLUS5 pack with
# scores, segments and transitions), packs/core20plus5-cyp and packs/
# inclusive-elective-recovery (pathways, appointments, percentiles), and a pack
# that takes the other paths (more than 63 monthly lanes; a count of values that
# are not 0 or 1; age bands and a segmentation together) run with the tallies
# and with HEALTHGAP_NO_TALLY=1 (every addition cell by cell, as before), on 1
# and 2 threads; every output file must be byte-identical.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
hg=${HG:-$root/build/healthgap}
t=$(mktemp -d "${TMPDIR:-/tmp}/tally.XXXXXX")
trap 'rm -rf "$t"' EXIT
"$hg" synth --people 2000 --seed 5 --out "$t/d" --quiet
args=(--persons "$t/d/persons.csv" --events "$t/d/events.csv" --store "$t/s" --no-progress)
for f in registrations addresses pathways appointments; do
	[ -f "$t/d/$f.csv" ] && args+=(--"$f" "$t/d/$f.csv")
done
"$hg" ingest "${args[@]}" > /dev/null
c="$root/packs/core20plus5/codelists"
cat > "$t/other.hg" <<EOF
codelist sbp = "$c/sbp_cod.csv"
codelist ae  = "$c/ae_attend.csv"
periods monthly from 2019-01-01 to 2026-03-31
let adult = registered and alive and age >= 18
segmentation bp_band "Last systolic BP"
  segment "High"  = last_value(sbp) >= 140
  segment "Other" = registered
indicator MONTHLY "Adults with a systolic BP in the last year, monthly"
  proportion
  denominator: adult
  numerator:   exists(sbp in last 12 months)
  by age_band, sex x age_band, practice
indicator SBP_EVENTS "Systolic BP readings in the last year (a count of values)"
  count
  denominator: adult
  numerator:   count(sbp in last 12 months)
  by imd_quintile, bp_band
  periods quarterly from 2021-04-01 to 2026-03-31
indicator BANDS "Adults by BP band and age band"
  count
  numerator: adult
  by age_band x bp_band, bp_band x practice
  periods quarterly from 2021-04-01 to 2026-03-31
indicator AE_BY_AGE "A&E attendances by age band"
  rate per 1000 per year
  population: registered
  events:     ae in setting ae
  by age_band, bp_band, imd_quintile
  periods rolling 12 months quarterly from 2021-04-01 to 2026-03-31
EOF
n=0
for pack in "$root/bench/segments/with.hg" "$root/packs/core20plus5-cyp" \
	"$root/packs/inclusive-elective-recovery" "$t/other.hg"; do
	for th in 1 2; do
		rm -rf "$t/on" "$t/off"
		"$hg" run "$pack" --store "$t/s" --out "$t/on" --sdc none --format csv \
			--threads $th > /dev/null 2> "$t/on.err" ||
			{ echo "FAIL: $pack: $(cat "$t/on.err")"; exit 1; }
		HEALTHGAP_NO_TALLY=1 "$hg" run "$pack" --store "$t/s" --out "$t/off" --sdc none \
			--format csv --threads $th > /dev/null 2> "$t/off.err" ||
			{ echo "FAIL: $pack (no tallies): $(cat "$t/off.err")"; exit 1; }
		k=0
		for f in "$t"/on/*.csv; do
			b=$(basename "$f")
			cmp -s "$f" "$t/off/$b" ||
				{ echo "FAIL: $pack, $th threads: $b differs with and without tallies"; exit 1; }
			k=$((k + 1))
		done
		[ "$k" -ge 1 ] && [ "$(wc -l < "$t/on/indicators.csv")" -gt 1 ] ||
			{ echo "FAIL: $pack: no indicator rows"; exit 1; }
		n=$((n + k))
	done
done
echo "PASS: $n output files identical with and without run tallies"
