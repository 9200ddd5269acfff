#!/bin/bash
# lang_cases.sh: the definition-language tests in tests/lang/*.test (jq style:
# one file per case, sections introduced by "--- NAME" lines):
#   --- pack       the definition (codelists inline with codes(...))
#   --- packfile   instead of pack: a pack in the repository (e.g. packs/core20plus5)
#   --- rows       an extended regular expression: compare only the rows it matches
#   --- persons    persons.csv          --- events   events.csv
#   --- pathways   pathways.csv         --- appointments  appointments.csv (optional)
#   --- args       extra `healthgap run` arguments (default: --sdc none)
#   --- ingest     extra `healthgap ingest` arguments (run in the case's folder, so a
#                  "--- file" such as an --ethnicity-codelist is named by its PATH)
#   --- expect     expected rows; the header names the indicators.csv columns compared
#   --- error      text that the error output must contain (instead of expect)
#   --- output     lines that the run's output (stdout and stderr) must each contain
#   --- file PATH  a file written at PATH beside the pack (codelist files; args
#                  such as --codelists DIR name them: the run starts in that folder)
# Each case is ingested (with tests/lang/reference IMD) and run; exit 0 when all pass.
# LANG_CASE=REGEX runs only the cases whose name matches; LANG_DIR=DIR runs the cases
# in DIR instead (tests/lang/pending: cases that the program fails today).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
fail=0 n=0
section() { # file name -> the section's lines
	awk -v s="$2" '/^--- /{on = ($2 == s); next} on' "$1"
}
files() { # file dir -> each "--- file PATH" section written to dir/PATH
	awk -v d="$2" '/^--- /{out = ""; if ($2 == "file") {out = d "/" $3;
		system("mkdir -p \"$(dirname \"" out "\")\""); printf "" >out}; next}
		out != "" {print >out}' "$1"
}
project() { # csv cols -> the columns named in cols (comma list), in that order (RFC 4180 aware)
	local sel=${2//,/, }
	echo "$2"
	sqlite3 :memory: ".import --csv $1 r" ".mode list" ".separator ," ".headers off" "SELECT $sel FROM r"
}
for t in "${LANG_DIR:-$root/tests/lang}"/*.test; do
	name=$(basename "$t" .test)
	[[ $name =~ ${LANG_CASE:-.} ]] || continue
	n=$((n + 1))
	w="$(cd "$TMPDIR" && pwd)/$name"
	mkdir -p "$w"
	files "$t" "$w"
	section "$t" pack >"$w/pack.hg"
	packfile=$(section "$t" packfile)
	pack="$w/pack.hg"
	[ -n "$packfile" ] && pack="$root/$packfile"
	section "$t" persons >"$w/persons.csv"
	section "$t" events >"$w/events.csv"
	units=()
	for u in pathways appointments; do
		section "$t" $u >"$w/$u.csv"
		[ -s "$w/$u.csv" ] && units+=(--$u "$w/$u.csv")
	done
	args=$(section "$t" args)
	[ -n "$args" ] || args="--sdc none"
	iargs=$(section "$t" ingest)
	# shellcheck disable=SC2086
	if ! (cd "$w" && "$HG" ingest --persons "$w/persons.csv" --events "$w/events.csv" \
		"${units[@]}" --store "$w/store" --reference "$root/tests/lang/reference" --no-progress \
		--extract-date 2026-12-31 $iargs) >"$w/ingest.log" 2>&1; then
		echo "FAIL $name: ingest failed"; cat "$w/ingest.log"; fail=$((fail + 1)); continue
	fi
	# shellcheck disable=SC2086
	(cd "$w" && "$HG" run "$pack" --store "$w/store" --out "$w/out" --format csv $args) \
		>"$w/run.log" 2>&1
	rc=$?
	missing=0
	while IFS= read -r line; do
		if [ -n "$line" ] && ! grep -qF -- "$line" "$w/run.log"; then
			echo "FAIL $name: expected output containing: $line"; missing=1
		fi
	done < <(section "$t" output)
	if [ $missing = 1 ]; then
		cat "$w/run.log"; fail=$((fail + 1)); continue
	fi
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
	rows=$(section "$t" rows)
	project "$w/out/indicators.csv" "$cols" | awk -v re="$rows" 'NR == 1 || re == "" || $0 ~ re' >"$w/got.csv"
	if ! diff -u "$w/expect.csv" "$w/got.csv"; then
		echo "FAIL $name"; fail=$((fail + 1))
	fi
done
echo "$((n - fail)) of $n language cases passed"
[ $fail = 0 ]
