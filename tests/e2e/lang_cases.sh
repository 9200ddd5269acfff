#!/bin/bash
# lang_cases.sh: the definition-language tests in tests/lang/*.test (jq style:
# one file per case, sections introduced by "--- NAME" lines):
#   --- pack       the definition (codelists inline with codes(...))
#   --- persons    persons.csv          --- events   events.csv
#   --- args       extra `healthgap run` arguments (default: --sdc none)
#   --- expect     expected rows; the header names the indicators.csv columns compared
#   --- error      text that the error output must contain (instead of expect)
# Each case is ingested (with tests/lang/reference IMD) and run; exit 0 when all pass.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
fail=0 n=0
section() { # file name -> the section's lines
	awk -v s="$2" '/^--- /{on = ($2 == s); next} on' "$1"
}
project() { # csv cols -> the columns named in cols (comma list), in that order
	awk -F, -v cols="$2" 'BEGIN{nc = split(cols, want, ",")}
	NR == 1 {for (i = 1; i <= NF; i++) idx[$i] = i; print cols; next}
	{line = ""; for (k = 1; k <= nc; k++) line = line (k > 1 ? "," : "") $(idx[want[k]]); print line}' "$1"
}
for t in "$root"/tests/lang/*.test; do
	n=$((n + 1))
	name=$(basename "$t" .test)
	w="$TMPDIR/$name"
	mkdir -p "$w"
	section "$t" pack >"$w/pack.hg"
	section "$t" persons >"$w/persons.csv"
	section "$t" events >"$w/events.csv"
	args=$(section "$t" args)
	[ -n "$args" ] || args="--sdc none"
	if ! "$HG" ingest --persons "$w/persons.csv" --events "$w/events.csv" --store "$w/store" \
		--reference "$root/tests/lang/reference" --no-progress --extract-date 2026-12-31 \
		>"$w/ingest.log" 2>&1; then
		echo "FAIL $name: ingest failed"; cat "$w/ingest.log"; fail=$((fail + 1)); continue
	fi
	# shellcheck disable=SC2086
	"$HG" run "$w/pack.hg" --store "$w/store" --out "$w/out" --format csv $args \
		>"$w/run.log" 2>&1
	rc=$?
	want_err=$(section "$t" error)
	if [ -n "$want_err" ]; then
		if [ $rc = 0 ] || ! grep -qF -- "$want_err" "$w/run.log"; then
			echo "FAIL $name: expected error containing: $want_err"; cat "$w/run.log"
			fail=$((fail + 1))
		fi
		continue
	fi
	if [ $rc != 0 ]; then
		echo "FAIL $name: run exited $rc"; cat "$w/run.log"; fail=$((fail + 1)); continue
	fi
	section "$t" expect >"$w/expect.csv"
	cols=$(head -1 "$w/expect.csv")
	project "$w/out/indicators.csv" "$cols" >"$w/got.csv"
	if ! diff -u "$w/expect.csv" "$w/got.csv"; then
		echo "FAIL $name"; fail=$((fail + 1))
	fi
done
echo "$((n - fail)) of $n language cases passed"
[ $fail = 0 ]
