#!/bin/bash
# engine_baseline.sh: the planner's event-free baselines, shared instructions and
# window tables (docs/performance.md, step 19) change no output. The Core20PLUS5
# pack and bench/segments/with.hg (the pack plus the eFI, CMS, Bridges to Health
# segments and transitions) run on a small synthetic store with registration and
# address histories (when synth writes them), as planned and with HEALTHGAP_NO_BASELINE=1,
# HEALTHGAP_NO_SHARE=1 and HEALTHGAP_NO_TABLES=1 (each alone and all three):
# every output file must be byte-identical. The worklists of the Core20PLUS5 and
# frailty packs for one practice (code run as at one date, which shares
# instructions too) must also be identical.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
hg=${HG:-$root/build/healthgap}
t=$(mktemp -d "${TMPDIR:-/tmp}/baseline.XXXXXX")
trap 'rm -rf "$t"' EXIT
"$hg" synth --people 3000 --seed 11 --out "$t/d" --quiet
args=(--persons "$t/d/persons.csv" --events "$t/d/events.csv" --store "$t/s" --no-progress)
for f in registrations addresses pathways appointments; do
	[ -f "$t/d/$f.csv" ] && args+=(--"$f" "$t/d/$f.csv")
done
"$hg" ingest "${args[@]}" > /dev/null
offs=("X=1" "HEALTHGAP_NO_BASELINE=1" "HEALTHGAP_NO_SHARE=1" "HEALTHGAP_NO_TABLES=1"
	"HEALTHGAP_NO_BASELINE=1 HEALTHGAP_NO_SHARE=1 HEALTHGAP_NO_TABLES=1")
n=0
for pack in "$root/packs/core20plus5" "$root/bench/segments/with.hg"; do
	for k in "${!offs[@]}"; do
		# shellcheck disable=SC2086 # the settings are words
		env ${offs[$k]} "$hg" run "$pack" --store "$t/s" --out "$t/o$k" --sdc none \
			--format csv --threads 2 > /dev/null 2> "$t/o$k.err"
	done
	grep -q . "$t/o0/indicators.csv" || { echo "FAIL: no indicator rows"; exit 1; }
	for k in 1 2 3 4; do
		for f in "$t"/o0/*.csv; do
			b=$(basename "$f")
			cmp -s "$f" "$t/o$k/$b" ||
				{ echo "FAIL: $(basename "$pack") $b differs with ${offs[$k]}"; exit 1; }
			n=$((n + 1))
		done
	done
	rm -rf "$t"/o?
done
[ "$n" -ge 24 ] || { echo "FAIL: only $n comparisons"; exit 1; }
printf 'pw12345678901\npw12345678901\n' | "$hg" user add --data-dir "$t/dd" --role admin a1 \
	> /dev/null
practice=$(sed -n 2p "$t/d/persons.csv" | cut -d, -f6)
for pack in core20plus5 frailty; do
	"$hg" worklist "$root/packs/$pack" --store "$t/s" --practice "$practice" \
		--data-dir "$t/dd" --out "$t/wl-$pack-on.csv" > /dev/null 2>> "$t/wl.err"
	HEALTHGAP_NO_BASELINE=1 HEALTHGAP_NO_SHARE=1 HEALTHGAP_NO_TABLES=1 "$hg" worklist \
		"$root/packs/$pack" --store "$t/s" --practice "$practice" --data-dir "$t/dd" \
		--out "$t/wl-$pack-off.csv" > /dev/null 2>> "$t/wl.err"
	[ "$(wc -l < "$t/wl-$pack-on.csv")" -gt 5 ] || { echo "FAIL: $pack worklist nearly empty"; exit 1; }
	cmp -s "$t/wl-$pack-on.csv" "$t/wl-$pack-off.csv" ||
		{ echo "FAIL: $pack worklists differ"; exit 1; }
done
echo "PASS: $n output files and two packs' worklists identical with and without baselines, shared instructions and window tables"
