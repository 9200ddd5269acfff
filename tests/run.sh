#!/bin/bash
# tests/run.sh BUILD_DIR [BUILD_DIR...]: run the whole suite against each build
# (the Criterion unit tests, then every end-to-end script in tests/e2e), then, when
# FUZZ_BUILD names the fuzz targets' build, each fuzz target once for a few seconds,
# and end with one summary line "N passed, N failed, N skipped".
# End-to-end scripts get HG (the binary), BUILD, SHARED (may not exist) and
# TMPDIR; they exit 0 to pass, 77 to skip (printing why), anything else fails.
set -u
cd "$(dirname "$0")/.."
root=$(pwd)
: "${HEALTHGAP_SHARED:=$root/../shared}"
export HEALTHGAP_SHARED
pass=0 fail=0 skip=0
failed_names=()

for build in "$@"; do
	case "$build" in /*) ;; *) build="$root/$build" ;; esac
	label=$(basename "$build")
	export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1"
	export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
	echo "== unit tests ($label)"
	tap=$(mktemp)
	"$build/test_unit" --jobs 2 --tap="$tap" >/dev/null 2>"$tap.err"
	rc=$?
	p=$(grep -c '^ok ' "$tap" | tr -d ' ')
	s=$(grep -c '^ok .*# SKIP' "$tap" | tr -d ' ')
	f=$(grep -c '^not ok ' "$tap" | tr -d ' ')
	p=$((p - s))
	grep '^not ok ' "$tap" | sed 's/^/   FAIL /'
	grep -A3 -E 'FAIL|CRASH|ERROR' "$tap.err" | head -40
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		f=1
		echo "   FAIL test_unit exited $rc"
		tail -20 "$tap.err"
	fi
	grep '# SKIP' "$tap" | sed 's/^ok [0-9]* - /   skip /' | head -20
	echo "   $p passed, $f failed, $s skipped"
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	[ "$f" != 0 ] && failed_names+=("unit ($label)")
	rm -f "$tap" "$tap.err"

	echo "== end-to-end tests ($label)"
	for t in tests/e2e/*.sh; do
		[ -e "$t" ] || continue
		name=$(basename "$t" .sh)
		work=$(mktemp -d)
		out="$work/log"
		HG="$build/healthgap" BUILD="$build" SHARED="$HEALTHGAP_SHARED" TMPDIR="$work" \
			bash "$t" >"$out" 2>&1
		rc=$?
		if [ $rc = 0 ]; then
			echo "   ok   $name"
			pass=$((pass + 1))
		elif [ $rc = 77 ]; then
			echo "   skip $name: $(tail -1 "$out")"
			skip=$((skip + 1))
		else
			echo "   FAIL $name (exit $rc); last lines:"
			tail -25 "$out" | sed 's/^/      /'
			fail=$((fail + 1))
			failed_names+=("$name ($label)")
		fi
		rm -rf "$work"
	done
done

# The fuzz targets, once (not per build), when `make test` built them into FUZZ_BUILD:
# each replays its regression inputs, then fuzzes for FUZZ_SHORT_SECONDS (tests/fuzz/run.sh).
if [ -n "${FUZZ_BUILD:-}" ]; then
	echo "== fuzz targets ($(basename "$FUZZ_BUILD"), ${FUZZ_SHORT_SECONDS:-10} s each)"
	out=$(mktemp)
	tests/fuzz/run.sh --short "$FUZZ_BUILD" "${FUZZ_SHORT_SECONDS:-10}" | tee "$out"
	rc=${PIPESTATUS[0]}
	p=$(grep -c '^   ok   fuzz_' "$out")
	f=$(grep -c '^   FAIL fuzz_' "$out")
	s=$(grep -c '^   skip fuzz_' "$out")
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		f=1
		echo "   FAIL tests/fuzz/run.sh exited $rc"
		failed_names+=("fuzz")
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
	for n in $(sed -n 's/^   FAIL \(fuzz_[a-z]*\).*/\1/p' "$out"); do
		failed_names+=("$n")
	done
	rm -f "$out"
fi

echo
[ ${#failed_names[@]} -gt 0 ] && echo "failed: ${failed_names[*]}"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
