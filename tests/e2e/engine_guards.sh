#!/bin/bash
# engine_guards.sh: the planner's guards (src/engine/plan.c, "skipping unneeded
# code") change no output. bench/segments/with.hg (the Core20PLUS5 pack plus the
# eFI, CMS, Bridges to Health segments and transitions: many guarded scores and
# segment rules) runs on a small synthetic store with guards and with
# HEALTHGAP_NO_GUARDS=1 (each lane group's code as it was planned); every output
# file must be byte-identical, and the guarded run must be the default. The code run
# as at one date (a transitions indicator's day before, an event's date, a worklist's
# as-at date) is guarded too: the worklists of the Core20PLUS5 and frailty packs for
# one practice must also be byte-identical with and without guards.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
hg=${HG:-$root/build/healthgap}
t=$(mktemp -d "${TMPDIR:-/tmp}/guards.XXXXXX")
trap 'rm -rf "$t"' EXIT
"$hg" synth --people 3000 --seed 7 --out "$t/d" --quiet
"$hg" ingest --persons "$t/d/persons.csv" --events "$t/d/events.csv" --store "$t/s" \
	--no-progress > /dev/null
for v in on off; do
	if [ $v = on ]; then
		"$hg" run "$root/bench/segments/with.hg" --store "$t/s" --out "$t/$v" --sdc none \
			--format csv --threads 2 > /dev/null 2> "$t/$v.err"
	else
		HEALTHGAP_NO_GUARDS=1 "$hg" run "$root/bench/segments/with.hg" --store "$t/s" \
			--out "$t/$v" --sdc none --format csv --threads 2 > /dev/null 2> "$t/$v.err"
	fi
done
n=0
for f in "$t"/on/*.csv; do
	b=$(basename "$f")
	cmp -s "$f" "$t/off/$b" || { echo "FAIL: $b differs with and without guards"; exit 1; }
	n=$((n + 1))
done
[ "$n" -ge 3 ] || { echo "FAIL: only $n output files"; exit 1; }
grep -q . "$t/on/indicators.csv" || { echo "FAIL: no indicator rows"; exit 1; }
printf 'pw12345678901\npw12345678901\n' | "$hg" user add --data-dir "$t/dd" --role admin a1 \
	> /dev/null
practice=$(sed -n 2p "$t/d/persons.csv" | cut -d, -f6)
for pack in core20plus5 frailty; do
	"$hg" worklist "$root/packs/$pack" --store "$t/s" --practice "$practice" \
		--data-dir "$t/dd" --out "$t/wl-$pack-on.csv" > /dev/null
	HEALTHGAP_NO_GUARDS=1 "$hg" worklist "$root/packs/$pack" --store "$t/s" \
		--practice "$practice" --data-dir "$t/dd" --out "$t/wl-$pack-off.csv" > /dev/null
	[ "$(wc -l < "$t/wl-$pack-on.csv")" -gt 5 ] || { echo "FAIL: $pack worklist nearly empty"; exit 1; }
	cmp -s "$t/wl-$pack-on.csv" "$t/wl-$pack-off.csv" ||
		{ echo "FAIL: $pack worklists differ with and without guards"; exit 1; }
done
echo "PASS: $n output files and two packs' worklists identical with and without guards"
