#!/bin/bash
# codelists_official.sh: the Core20PLUS5 pack run with the official
# OpenCodelists files in $SHARED/codelists instead of its own subsets, without
# editing the pack: --codelists DIR (each file found by its name or as a
# download ending -NAME.csv) and --codelist NAME=FILE. On a small synthetic
# store with extra events coded with official hypertension codes that the
# pack's own hyp list lacks, the run must succeed, say which codelists were
# replaced and from where, change the pack hash, and count more people on the
# hypertension register (CVDP001HYP) than with the pack's own lists.
# Skips when $SHARED/codelists is absent. Exit 0 pass, 1 fail, 77 skip.
set -u
fail() { echo "FAIL: $*"; exit 1; }
[ -x "$HG" ] || { echo "skip: no binary at $HG"; exit 77; }
root=$(cd "$(dirname "$0")/../.." && pwd)
T=${TMPDIR:-/tmp}
CL=${SHARED:-$root/../shared}/codelists
DIR=$CL/deaths-at-home-covid19 # QOF refsets hyp_cod, ast_cod, copd_cod, dm_cod ...
HYPRES=$CL/hypertension-sro/nhsd-primary-care-domain-refsets-hypres_cod.csv
SMI=$CL/nhs-covid-vaccination-coverage/primis-covid19-vacc-uptake-sev_mental.csv
for f in "$DIR/nhsd-primary-care-domain-refsets-hyp_cod.csv" "$HYPRES" "$SMI"; do
	[ -f "$f" ] || { echo "skip: no official codelist $f (shared data absent)"; exit 77; }
done
has() { grep -qF -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "$1 lacks: $2"; }; }
pack=$root/packs/core20plus5

"$HG" synth --people 5000 --seed 7 --out "$T/data" >"$T/synth.log" 2>&1 ||
	{ cat "$T/synth.log"; fail "synth"; }
# official hyp_cod codes the pack's own list does not have
official=$(tail -n +2 "$DIR/nhsd-primary-care-domain-refsets-hyp_cod.csv" | cut -d, -f1 |
	grep -vxFf <(tail -n +2 "$pack/codelists/hyp_cod.csv" | cut -d, -f1) | head -3)
[ "$(echo "$official" | wc -l)" = 3 ] || fail "expected official-only hyp codes"
# a hypertension diagnosis with one of them for 300 people (most not on the register yet)
tail -n +2 "$T/data/persons.csv" | cut -d, -f1 | head -300 | awk -v codes="$official" '
	BEGIN { n = split(codes, c, "\n") }
	{ print $1 ",2020-01-15," c[NR % n + 1] ",,gp" }' >>"$T/data/events.csv"
"$HG" ingest --persons "$T/data/persons.csv" --events "$T/data/events.csv" --store "$T/store" \
	--reference "$T/data/reference" --no-progress >"$T/ingest.log" 2>&1 ||
	{ cat "$T/ingest.log"; fail "ingest"; }

"$HG" run "$pack" --store "$T/store" --out "$T/own" --sdc none --format csv \
	>"$T/own.out" 2>"$T/own.err" || { cat "$T/own.err"; fail "run with the pack's own lists"; }
has "$T/own.out" "codelist hyp: 5 of 5 codes found"

"$HG" run "$pack" --store "$T/store" --out "$T/off" --sdc none --format csv \
	--codelists "$DIR" --codelist "hyp_res=$HYPRES" --codelist "smi=$SMI" \
	>"$T/off.out" 2>"$T/off.err" || { cat "$T/off.err"; fail "run with the official lists"; }
cat "$T/off.out"
has "$T/off.out" "codelist hyp: 8 of 106 codes found"
has "$T/off.out" "(read from $DIR/nhsd-primary-care-domain-refsets-hyp_cod.csv, --codelists)"
has "$T/off.out" "codelist hyp_res: 1 of 1 codes found"
has "$T/off.out" "(read from $HYPRES, --codelist)"
has "$T/off.out" "(read from $SMI, --codelist)"
has "$T/off.out" "(read from $DIR/nhsd-primary-care-domain-refsets-ast_cod.csv, --codelists)"

hash() { sed -n 's/.*"pack_hash_blake2b256": *"\([0-9a-f]*\)".*/\1/p' "$1/metadata.json"; }
[ -n "$(hash "$T/own")" ] || fail "no pack hash in $T/own/metadata.json"
[ "$(hash "$T/own")" != "$(hash "$T/off")" ] || fail "the pack hash ignores the codelists read"

# CVDP001HYP numerator, all people, every period: official >= own, and > somewhere
num() { # dir -> "period_end numerator" per line, for CVDP001HYP all/All
	sqlite3 -csv :memory: ".import --csv $1/indicators.csv t" \
		"select period_end, numerator from t where indicator_id = 'CVDP001HYP'
		 and breakdown = 'all' order by period_end"
}
command -v sqlite3 >/dev/null || fail "sqlite3 is needed"
num "$T/own" >"$T/own.num"
num "$T/off" >"$T/off.num"
[ -s "$T/own.num" ] || fail "no CVDP001HYP rows"
paste -d, "$T/own.num" "$T/off.num" | awk -F, '
	$1 != $3 { print "period mismatch: " $0; bad = 1 }
	$4 + 0 < $2 + 0 { print "official numerator below own: " $0; bad = 1 }
	$4 + 0 > $2 + 0 { more++ }
	END { if (!more) print "official lists never count more"; exit bad || !more }' ||
	fail "CVDP001HYP with the official codelists"
echo "codelists_official: ok ($(wc -l <"$T/own.num") periods)"
