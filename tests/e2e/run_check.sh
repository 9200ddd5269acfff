#!/bin/bash
# run_check.sh: `healthgap run` against a store before anything runs (no
# shared data needed): one line per codelist with the codes found and events,
# every data problem listed by `run --check PACK --store DIR` (flags the store
# lacks, practices it does not have, codelists matching nothing; "did you
# mean"), warnings that --strict turns into errors with nothing written,
# --quiet, and the warning for an indicator whose denominator is 0 in every
# period; `serve` takes the same codelist options. Exit 0 pass, 1 fail.
set -u
fail() { echo "FAIL: $*"; exit 1; }
[ -x "$HG" ] || { echo "skip: no binary at $HG"; exit 77; }
root=$(cd "$(dirname "$0")/../.." && pwd)
T=${TMPDIR:-/tmp}
has() { grep -qF -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "$1 lacks: $2"; }; }
hasnt() { ! grep -qF -- "$2" "$1" || { echo "--- $1:"; cat "$1"; fail "$1 has: $2"; }; }

cat >"$T/persons.csv" <<'EOF'
person_id,date_of_birth,sex,ethnicity,lsoa,practice,registered_from,flag_diabetic
p1,1960-01-01,1,A,E01000001,A00001,2010-01-01,1
p2,1970-01-01,2,A,E01000001,A00001,2010-01-01,0
p3,1980-01-01,2,A,E01000001,A00002,2010-01-01,0
EOF
cat >"$T/events.csv" <<'EOF'
person_id,date,code,value,setting
p1,2023-03-01,38341003,,gp
p2,2023-04-01,38341003,,gp
p2,2023-05-01,K029,,apc
p3,2023-06-01,K02.9,,apc
EOF
"$HG" ingest --persons "$T/persons.csv" --events "$T/events.csv" --store "$T/store" \
	--reference "$root/tests/lang/reference" --no-progress --extract-date 2026-12-31 \
	>"$T/ingest.log" 2>&1 || { cat "$T/ingest.log"; fail "ingest"; }

# a pack with four data problems and one codelist by prefix
cat >"$T/bad.hg" <<'EOF'
periods range from 2023-01-01 to 2023-12-31
codelist hyp     = codes("38341003")
codelist nothing = codes("99999999")
codelist caries  = codes("K02.9")
let diab = flag_diabetes
let here = practice = "A0001"
indicator HYP "hypertension"
  proportion
  denominator: registered
  numerator: exists(hyp) or exists(nothing)
  by flag_ld
indicator DIAB "diabetes here"
  proportion
  denominator: registered and here
  numerator: diab
indicator CAR "caries"
  count
  numerator: count(caries)
EOF
"$HG" run --check "$T/bad.hg" >"$T/c0.out" 2>&1 || { cat "$T/c0.out"; fail "--check without a store"; }
has "$T/c0.out" "3 indicators, ok"

"$HG" run --check "$T/bad.hg" --store "$T/store" >"$T/c1.out" 2>"$T/c1.err"
[ $? = 1 ] || fail "--check --store with errors should exit 1"
has "$T/c1.err" "bad.hg:5:12: error: the store has no flag 'flag_diabetes' (did you mean 'flag_diabetic'?"
has "$T/c1.err" "bad.hg:11:6: warning: the store has no flag 'flag_ld'"
has "$T/c1.err" "bad.hg:6:23: warning: the store has no practice \"A0001\" (did you mean \"A00001\"?)"
has "$T/c1.err" "bad.hg:3:10: warning: codelist 'nothing' matches no event in the store (0 of 1 codes found)"
has "$T/c1.err" "1 error in the pack against the store"
has "$T/c1.out" "codelist hyp: 1 of 1 codes found, 2 events"
has "$T/c1.out" "codelist caries: 1 of 1 codes found by prefix (2 store codes), 2 events"
has "$T/c1.out" "codelist nothing: 0 of 1 codes found, 0 events"

# without the missing flag: warnings only; --strict makes them errors
sed 's/^let diab = flag_diabetes/let diab = flag_diabetic/' "$T/bad.hg" >"$T/warn.hg"
"$HG" run --check "$T/warn.hg" --store "$T/store" >"$T/c2.out" 2>"$T/c2.err" ||
	{ cat "$T/c2.err"; fail "--check with warnings only should pass"; }
has "$T/c2.out" "3 indicators, ok against"
has "$T/c2.err" "warning: codelist 'nothing' matches no event in the store"
"$HG" run --check --strict "$T/warn.hg" --store "$T/store" >"$T/c3.out" 2>"$T/c3.err"
[ $? = 1 ] || fail "--check --strict with warnings should exit 1"
has "$T/c3.err" "warn.hg:3:10: error: codelist 'nothing' matches no event in the store"
has "$T/c3.err" "3 errors in the pack against the store"

# a run: warnings, one line per codelist, a zero denominator
cat >>"$T/warn.hg" <<'EOF'
indicator NONE "nobody"
  proportion
  denominator: age > 200
  numerator: alive
EOF
"$HG" run "$T/warn.hg" --store "$T/store" --out "$T/out" --format csv >"$T/r1.out" 2>"$T/r1.err" ||
	{ cat "$T/r1.err"; fail "run with warnings should pass"; }
[ -s "$T/out/indicators.csv" ] || fail "no indicators.csv"
has "$T/r1.out" "codelist hyp: 1 of 1 codes found, 2 events"
has "$T/r1.err" "warning: codelist 'nothing' matches no event in the store"
has "$T/r1.err" "warning: indicator NONE (nobody) has a denominator of 0 in every period"
hasnt "$T/r1.err" "indicator HYP"

"$HG" run "$T/warn.hg" --store "$T/store" --out "$T/out2" --quiet >"$T/r2.out" 2>"$T/r2.err" ||
	fail "--quiet run"
hasnt "$T/r2.out" "codelist "
has "$T/r2.err" "warning: codelist 'nothing' matches no event in the store"

"$HG" run "$T/warn.hg" --store "$T/store" --out "$T/out3" --strict >"$T/r3.out" 2>"$T/r3.err"
[ $? != 0 ] || fail "--strict run with a codelist matching nothing should fail"
[ ! -e "$T/out3" ] || fail "--strict wrote $T/out3"
has "$T/r3.err" "nothing was run or written"

# only the zero denominator left: --strict fails after the pass, before writing
sed 's/exists(hyp) or exists(nothing)/exists(hyp)/; /^codelist nothing/d' "$T/warn.hg" >"$T/zero.hg"
sed -i 's/^let here = practice = "A0001"/let here = practice = "A00001"/; s/^  by flag_ld$//' "$T/zero.hg"
"$HG" run "$T/zero.hg" --store "$T/store" --out "$T/out4" --strict >"$T/r4.out" 2>"$T/r4.err"
[ $? != 0 ] || { cat "$T/r4.err"; fail "--strict run with a zero denominator should fail"; }
[ ! -e "$T/out4/indicators.csv" ] || fail "--strict wrote indicators.csv"
has "$T/r4.err" "error: indicator NONE (nobody) has a denominator of 0 in every period"
# serve takes the same codelist options: a name the pack lacks stops it before it listens
"$HG" serve --store "$T/store" --pack "$T/zero.hg" --data-dir "$T/srv" --port 0 \
	--codelist "hpy=$T/events.csv" >"$T/s1.out" 2>"$T/s1.err"
[ $? = 1 ] || fail "serve with an unknown --codelist NAME should exit 1"
has "$T/s1.err" "the pack has no codelist 'hpy' (did you mean 'hyp'?)"
echo "run_check: ok"
