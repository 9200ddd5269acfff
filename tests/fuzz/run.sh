#!/bin/bash
# tests/fuzz/run.sh: run the libFuzzer targets of tests/fuzz (README.md, "Fuzzing").
#
#   tests/fuzz/run.sh FUZZ_BUILD SECONDS [TARGET...]          `make fuzz`: each target in turn,
#                                                             keeping its corpus in FUZZ_BUILD/corpus
#   tests/fuzz/run.sh --short FUZZ_BUILD SECONDS [TARGET...]  `make test`: the same from the seeds
#                                                             only, keeping nothing but crashes
# TARGET is csv, ingest, lang, stats, http or store (default: all). For each target:
#   1. every input in tests/fuzz/regress/TARGET (a crash found before, since fixed) must run clean;
#   2. tests/fuzz/pending/TARGET holds crash inputs of defects being fixed in someone else's code:
#      while one still crashes the target is skipped (with --short) or fuzzed anyway (long runs);
#   3. it fuzzes for SECONDS from its seeds (tests/fuzz/seeds/TARGET; tests/lang's cases for
#      lang and ingest, a sample of them with --short; the fixture store's own files for store).
# One line per target, as tests/run.sh prints end-to-end tests: "   ok   fuzz_T (...)",
# "   FAIL fuzz_T ..." or "   skip fuzz_T: why", with executions and libFuzzer's coverage
# (cov: edges, ft: features). A crash input is kept in FUZZ_BUILD/crashes/TARGET; once the
# defect is fixed it goes into tests/fuzz/regress/TARGET. Exit status 0 when none failed.
set -u
cd "$(dirname "$0")/../.."
root=$(pwd)
short=0
if [ "${1:-}" = --short ]; then
	short=1
	shift
fi
if [ $# -lt 2 ]; then
	echo "usage: tests/fuzz/run.sh [--short] FUZZ_BUILD SECONDS [TARGET...]" >&2
	exit 2
fi
build=$1 seconds=$2
shift 2
case "$build" in /*) ;; *) build="$root/$build" ;; esac
targets=("$@")
[ ${#targets[@]} = 0 ] && targets=(csv ingest lang stats http store)

# Scratch files on tmpfs when there is one: ingest and store write a snapshot per input.
base=${TMPDIR:-/tmp}
[ -d /dev/shm ] && [ -w /dev/shm ] && base=/dev/shm
work=$(mktemp -d "$base/hg-fuzz-run.XXXXXX")
trap 'rm -rf "$work"' EXIT
export HG_FUZZ_TMP="$work"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
failed=0

# tests/lang's cases: all of them, or every 12th for a short run (each is run once before
# fuzzing starts, and a case costs the ingest target a snapshot).
lang_cases() {
	if [ $short = 1 ]; then
		ls tests/lang/*.test | awk 'NR % 12 == 1'
	else
		ls tests/lang/*.test tests/lang/pending/*.test 2>/dev/null
	fi
}

# The starting inputs of target $1 into directory $2.
seeds() {
	local t=$1 dir=$2 f
	mkdir -p "$dir"
	[ -d "tests/fuzz/seeds/$t" ] && cp tests/fuzz/seeds/"$t"/* "$dir"/ 2>/dev/null
	case "$t" in
	lang) # the packs of the language cases, the fixture pack and the Core20PLUS5 pack
		for f in $(lang_cases); do
			awk '/^--- /{p=($0=="--- pack"); next} p' "$f" >"$dir/$(basename "$f" .test).hg"
		done
		cp tests/fuzz/data/pack.hg "$dir/fixture.hg"
		cp packs/core20plus5/core20plus5.hg "$dir/" ;;
	ingest) # a language case is a persons and events pair ("--- persons", "--- events")
		for f in $(lang_cases); do cp "$f" "$dir"/; done ;;
	esac
}

# Run the binary on each file given (after the log path); 0 when all ran clean.
replay() {
	local bin=$1 log=$2
	shift 2
	[ $# = 0 ] && return 0
	"$bin" -close_fd_mask=3 "$@" >"$log" 2>&1
}

for t in "${targets[@]}"; do
	bin="$build/fuzz_$t"
	name="fuzz_$t"
	if [ ! -x "$bin" ]; then
		echo "   FAIL $name: $bin not built (make fuzz-build)"
		failed=1
		continue
	fi
	tw="$work/$t"
	mkdir -p "$tw"
	regress=(tests/fuzz/regress/"$t"/*)
	[ -e "${regress[0]}" ] || regress=()
	if ! replay "$bin" "$tw/regress.log" "${regress[@]}"; then
		echo "   FAIL $name: a regression input crashes again; last lines:"
		grep -E "^Running:|ERROR|SUMMARY|invariant" "$tw/regress.log" | tail -8 | sed 's/^/      /'
		failed=1
		continue
	fi
	pending=(tests/fuzz/pending/"$t"/*)
	[ -e "${pending[0]}" ] || pending=()
	still=0
	for p in "${pending[@]}"; do
		if replay "$bin" "$tw/pending.log" "$p"; then
			echo "   note $name: $p no longer crashes: move it to tests/fuzz/regress/$t"
		else
			still=$((still + 1))
		fi
	done
	if [ "$still" != 0 ] && [ $short = 1 ]; then
		echo "   skip $name: $still input(s) in tests/fuzz/pending/$t still crash (README.md, \"Fuzzing\")"
		continue
	fi
	seeds "$t" "$tw/seeds"
	if [ $short = 1 ]; then
		corpus="$tw/corpus"
	else
		corpus="$build/corpus/$t"
	fi
	mkdir -p "$corpus" "$build/crashes/$t"
	dirs=("$corpus" "$tw/seeds")
	[ ${#regress[@]} != 0 ] && dirs+=("tests/fuzz/regress/$t")
	opts=(-max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -close_fd_mask=3
		-print_final_stats=1 -artifact_prefix="$build/crashes/$t/")
	[ -f "tests/fuzz/dict/$t.dict" ] && opts+=(-dict="tests/fuzz/dict/$t.dict")
	seed_env=()
	[ "$t" = store ] && seed_env=(HG_FUZZ_SEEDS_OUT="$tw/seeds")
	start=$(date +%s)
	env "${seed_env[@]}" "$bin" "${opts[@]}" "${dirs[@]}" >"$tw/fuzz.log" 2>&1
	rc=$?
	took=$(($(date +%s) - start))
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tw/fuzz.log" | tail -1)
	cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$tw/fuzz.log" | tail -1)
	summary="${runs:-?} runs in ${took} s, ${cov:-no coverage line}"
	[ $short = 0 ] && cp "$tw/fuzz.log" "$build/crashes/$t/last-run.log"
	if [ $rc = 0 ]; then
		echo "   ok   $name ($summary)"
	else
		failed=1
		echo "   FAIL $name (exit $rc; $summary); the report:"
		grep -E "ERROR|SUMMARY|invariant|Test unit written|^    #[0-9] " "$tw/fuzz.log" |
			head -20 | sed 's/^/      /'
		echo "      the input is in $build/crashes/$t/; once fixed, copy it to tests/fuzz/regress/$t/"
	fi
done
exit $failed
