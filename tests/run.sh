#!/bin/bash
# tests/run.sh BUILD_DIR [BUILD_DIR...]: run the whole suite against each build
# (the Criterion unit tests, then every end-to-end script in tests/e2e, E2E_JOBS at a
# time: two on a machine with two CPUs, as the scripts are mostly one thread), then, when
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

# How many end-to-end scripts run at once (default: the number of CPUs, at most 2).
: "${E2E_JOBS:=$(($(nproc) > 1 ? 2 : 1))}"

# Print, in the scripts' order, every finished result not yet printed (tests, works,
# next_print, label: set by the loop below).
print_done() {
	# Only scripts already started have a work directory: when every started one has
	# finished (always so with E2E_JOBS=1), stop at the first not yet started.
	while [ "$next_print" -lt "${#works[@]}" ] && [ -e "${works[next_print]}/rc" ]; do
		local w=${works[next_print]} name rc secs
		name=$(basename "${tests[next_print]}" .sh)
		rc=$(cat "$w/rc") secs=$(cat "$w/secs")
		if [ "$rc" = 0 ]; then
			echo "   ok   $name (${secs} s)"
			pass=$((pass + 1))
		elif [ "$rc" = 77 ]; then
			echo "   skip $name: $(tail -1 "$w/log")"
			skip=$((skip + 1))
		else
			echo "   FAIL $name (exit $rc, ${secs} s); last lines:"
			tail -25 "$w/log" | sed 's/^/      /'
			fail=$((fail + 1))
			failed_names+=("$name ($label)")
		fi
		rm -rf "$w"
		next_print=$((next_print + 1))
	done
}

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

	echo "== end-to-end tests ($label, $E2E_JOBS at a time)"
	# E2E_JOBS scripts run at once (each in its own TMPDIR, servers on free ports);
	# results are printed in the scripts' order, each with its wall seconds.
	tests=(tests/e2e/*.sh)
	[ -e "${tests[0]}" ] || tests=()
	works=() starts=() next_print=0 running=0
	for i in "${!tests[@]}"; do
		works[i]=$(mktemp -d)
		mkdir "${works[i]}/tmp"
		starts[i]=$(date +%s)
		(
			HG="$build/healthgap" BUILD="$build" SHARED="$HEALTHGAP_SHARED" \
				TMPDIR="${works[i]}/tmp" bash "${tests[i]}" >"${works[i]}/log" 2>&1
			echo $? >"${works[i]}/rc.tmp"
			echo "$(($(date +%s) - ${starts[i]}))" >"${works[i]}/secs"
			mv "${works[i]}/rc.tmp" "${works[i]}/rc"
		) &
		running=$((running + 1))
		while [ "$running" -ge "$E2E_JOBS" ] || { [ "$i" = $((${#tests[@]} - 1)) ] && [ "$running" -gt 0 ]; }; do
			wait -n
			running=$((running - 1))
			print_done
		done
	done
	wait
	print_done
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
