#!/bin/bash
# synth_cli.sh: `healthgap synth` from the command line: help and usage errors,
# output layout (headers, synthetic reference marked, File 1 with a BOM),
# determinism across runs and thread counts, corruptions.csv, and real
# geography with --reference/--area when ../shared is present.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
fail() {
	echo "FAIL: $*"
	exit 1
}
expect_rc() { # expect_rc RC CMD...: run CMD, require exit status RC
	local want=$1
	shift
	"$@" >"$TMPDIR/out" 2>"$TMPDIR/err"
	local rc=$?
	[ "$rc" = "$want" ] || { cat "$TMPDIR/err"; fail "'$*' exited $rc, expected $want"; }
}

[ -x "$HG" ] || fail "no binary at $HG"

# help and usage errors
expect_rc 0 "$HG" synth --help
grep -q -- "--people" "$TMPDIR/out" || fail "help text lacks --people"
expect_rc 2 "$HG" synth
expect_rc 2 "$HG" synth --people abc --out "$TMPDIR/x"
expect_rc 2 "$HG" synth --people 10
expect_rc 2 "$HG" synth --people 10 --out "$TMPDIR/x" --bogus 1
expect_rc 2 "$HG" synth --people 10 --out "$TMPDIR/x" --corrupt-rate 0.9
expect_rc 2 "$HG" synth --people 10 --out "$TMPDIR/x" --area E08000003
expect_rc 2 "$HG" synth --people 10 --out "$TMPDIR/x" --start 2021-02-30
expect_rc 2 "$HG" synth --people 10 --out "$TMPDIR/x" --codelists /nonexistent/codelists
grep -q "/nonexistent/codelists" "$TMPDIR/err" || fail "codelist error does not name the directory"

# a synthetic population, twice, with different thread counts
expect_rc 0 "$HG" synth --people 5000 --seed 11 --out "$TMPDIR/a" --threads 1 --quiet
expect_rc 0 "$HG" synth --people 5000 --seed 11 --out "$TMPDIR/b" --threads 2 --quiet
for f in persons.csv events.csv reference/practices.csv \
	reference/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv; do
	cmp -s "$TMPDIR/a/$f" "$TMPDIR/b/$f" || fail "$f differs between identical runs"
done
head -1 "$TMPDIR/a/persons.csv" | grep -qx \
	"person_id,date_of_birth,sex,ethnicity,lsoa,practice,registered_from,registered_to,date_of_death,flag_homeless,flag_learning_disability,flag_carer" ||
	fail "persons.csv header"
head -1 "$TMPDIR/a/events.csv" | grep -qx "person_id,date,code,value,setting" || fail "events.csv header"
[ "$(wc -l <"$TMPDIR/a/persons.csv")" = 5001 ] || fail "persons.csv should have 5000 rows"
[ -s "$TMPDIR/a/reference/SYNTHETIC" ] || fail "no SYNTHETIC marker"
head -c 3 "$TMPDIR/a/reference/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv" |
	od -An -tx1 | grep -q "ef bb bf" || fail "File 1 lacks the UTF-8 BOM"
[ ! -e "$TMPDIR/a/corruptions.csv" ] || fail "corruptions.csv without --corrupt-rate"
awk -F, 'NR > 1 && $5 !~ /^E019[0-9][0-9][0-9][0-9][0-9]$/ { bad = 1 } END { exit bad }' "$TMPDIR/a/persons.csv" ||
	fail "synthetic LSOA codes must be E019xxxxx"
awk -F, 'NR > 1 && $5 !~ /^(gp|rx|ae|apc|op|mh|mat|cancer)$/ { bad = 1 } END { exit bad }' \
	"$TMPDIR/a/events.csv" || fail "unknown setting in clean events"
expect_rc 0 "$HG" synth --people 5000 --seed 12 --out "$TMPDIR/c" --quiet
cmp -s "$TMPDIR/a/events.csv" "$TMPDIR/c/events.csv" && fail "a different seed gave the same events"

# corruption: listed rows exist and the clean rows are unchanged
expect_rc 0 "$HG" synth --people 5000 --seed 11 --out "$TMPDIR/d" --corrupt-rate 0.02 --quiet
head -1 "$TMPDIR/d/corruptions.csv" | grep -qx "file,line,kind" || fail "corruptions.csv header"
n=$(($(wc -l <"$TMPDIR/d/corruptions.csv") - 1))
[ "$n" -gt 0 ] || fail "no corruptions listed"
awk -F, 'NR == FNR { if (FNR > 1 && $1 == "persons.csv") bad[$2] = 1; next }
	!(FNR in bad) { print }' "$TMPDIR/d/corruptions.csv" "$TMPDIR/d/persons.csv" |
	cmp -s - "$TMPDIR/a/persons.csv" || fail "removing listed rows does not give the clean persons.csv"
awk -F, 'NR == FNR { if (FNR > 1 && $1 == "events.csv") bad[$2] = 1; next }
	!(FNR in bad) { print }' "$TMPDIR/d/corruptions.csv" "$TMPDIR/d/events.csv" |
	cmp -s - "$TMPDIR/a/events.csv" || fail "removing listed rows does not give the clean events.csv"

# the population marker: without it (and with real-looking reference data) the marking is official
expect_rc 0 "$HG" synth --people 2000 --seed 12 --out "$TMPDIR/m" --quiet
[ -s "$TMPDIR/m/SYNTHETIC" ] || fail "no SYNTHETIC population marker beside persons.csv"
rm "$TMPDIR/m/reference/SYNTHETIC"
for marked in 1 0; do
	[ $marked = 0 ] && rm "$TMPDIR/m/SYNTHETIC"
	rm -rf "$TMPDIR/ms" "$TMPDIR/mo"
	"$HG" ingest --persons "$TMPDIR/m/persons.csv" --events "$TMPDIR/m/events.csv" \
		--store "$TMPDIR/ms" --no-progress > /dev/null || fail "ingest (marker $marked)"
	"$HG" run "$root/packs/core20plus5" --store "$TMPDIR/ms" --out "$TMPDIR/mo" --quiet \
		--format csv > /dev/null 2>&1 || fail "run (marker $marked)"
	want="SYNTHETIC DATA"
	[ $marked = 0 ] && want="OFFICIAL-SENSITIVE"
	grep -q "\"marking\": *\"$want\"" "$TMPDIR/mo/metadata.json" ||
		fail "marker $marked: metadata.json is not marked $want"
done

# real geography
if [ -d "${SHARED:-}/reference/imd2019" ]; then
	expect_rc 0 "$HG" synth --people 3000 --seed 5 --out "$TMPDIR/r" --quiet \
		--reference "$SHARED/reference" --area E08000003,E08000009
	[ ! -e "$TMPDIR/r/reference/SYNTHETIC" ] || fail "real geography marked synthetic"
	# a synthetic population on real geography is still synthetic (issue 9): every output says so
	[ -s "$TMPDIR/r/SYNTHETIC" ] || fail "no SYNTHETIC population marker beside persons.csv"
	"$HG" ingest --persons "$TMPDIR/r/persons.csv" --events "$TMPDIR/r/events.csv" \
		--reference "$SHARED/reference" --store "$TMPDIR/rs" --no-progress > /dev/null ||
		fail "ingest of the real-geography population"
	"$HG" run "$root/packs/core20plus5" --store "$TMPDIR/rs" --out "$TMPDIR/ro" --quiet \
		--format csv > /dev/null 2>&1 || fail "run on the real-geography population"
	grep -q '"marking": *"SYNTHETIC DATA"' "$TMPDIR/ro/metadata.json" ||
		fail "a synthetic population on real geography is not marked SYNTHETIC DATA"
	awk -F, 'NR == FNR { if ($3 == "E08000003" || $3 == "E08000009") ok[$1] = 1; next }
		FNR > 1 && !($5 in ok) { bad = 1 } END { exit bad }' \
		"$SHARED/reference/imd2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv" \
		"$TMPDIR/r/persons.csv" || fail "LSOA outside the requested areas"
	expect_rc 2 "$HG" synth --people 10 --out "$TMPDIR/r2" --reference "$SHARED/reference" \
		--area E99999999
	echo "real geography checked"
else
	echo "shared reference absent: real-geography part skipped"
fi
echo "ok"
