#!/bin/bash
# engine_portable.sh: outputs do not depend on the machine. The engine's hot lane
# loops are built twice (HG_CLONES in src/engine/vm.c: baseline x86-64 and AVX2) and
# the loader picks one copy by the CPU; docs/performance.md says both do the same IEEE
# operations on every lane. This runs the binary under QEMU's user-mode emulator as a
# CPU without AVX2 (`qemu-x86_64 -cpu Nehalem`), so the baseline copies run, and
#   - every language case (tests/lang: expected values written by hand) must pass;
#   - the Core20PLUS5 pack with disclosure control and bench/segments/with.hg (scores,
#     segments, transitions) on a synthetic store must give byte-identical files to the
#     same runs with the AVX2 copies (natively on a machine with AVX2, else under
#     `qemu-x86_64 -cpu max`, which has it);
#   - HEALTHGAP_ENGINE_STATS must report "lanes baseline" for the one and "lanes avx2"
#     for the other (the same test as the loader's), so the comparison is of both copies.
# Skips on a machine that is not x86-64, without qemu-x86_64 (scripts/install-deps.sh
# installs qemu-user), or for a sanitizer build (too slow emulated; the plain build is
# the one whose copies differ).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
hg=${HG:-$root/build/healthgap}
[ "$(uname -m)" = x86_64 ] || { echo "SKIP: not an x86-64 machine"; exit 77; }
command -v qemu-x86_64 > /dev/null || { echo "SKIP: qemu-x86_64 not found (apt-get install qemu-user)"; exit 77; }
if ldd "$hg" 2> /dev/null | grep -q libasan; then
	echo "SKIP: sanitizer build (the plain build runs this)"
	exit 77
fi
t=$(mktemp -d "${TMPDIR:-/tmp}/portable.XXXXXX")
trap 'rm -rf "$t"' EXIT
hg=$(cd "$(dirname "$hg")" && pwd)/$(basename "$hg")
printf '#!/bin/sh\nexec qemu-x86_64 -cpu Nehalem "%s" "$@"\n' "$hg" > "$t/hg-base"
chmod +x "$t/hg-base"
wide=$hg
if ! grep -qw avx2 /proc/cpuinfo; then
	printf '#!/bin/sh\nexec qemu-x86_64 -cpu max "%s" "$@"\n' "$hg" > "$t/hg-wide"
	chmod +x "$t/hg-wide"
	wide=$t/hg-wide
fi

# 1. every language case on the baseline copies
mkdir -p "$t/lang"
if ! HG=$t/hg-base TMPDIR=$t/lang bash "$root/tests/e2e/lang_cases.sh" > "$t/lang.log" 2>&1; then
	echo "FAIL: language cases on a CPU without AVX2:"
	grep -E "FAIL|passed" "$t/lang.log" | head -20
	exit 1
fi
cases=$(grep -o '^[0-9]* of [0-9]*' "$t/lang.log" | tail -1)

# 2. packs on a synthetic store, both copies, byte for byte
"$hg" synth --people 2000 --seed 11 --out "$t/d" --quiet
"$hg" ingest --persons "$t/d/persons.csv" --events "$t/d/events.csv" --store "$t/s" \
	--no-progress > /dev/null
n=0
for pack in packs/core20plus5 bench/segments/with.hg; do
	for v in base wide; do
		bin=$t/hg-base
		[ $v = wide ] && bin=$wide
		args=(--format csv)
		[ "$pack" = packs/core20plus5 ] || args+=(--sdc none)
		HEALTHGAP_ENGINE_STATS=1 "$bin" run "$root/$pack" --store "$t/s" --out "$t/$v" \
			"${args[@]}" > /dev/null 2> "$t/$v.err" || { echo "FAIL: $pack ($v):"; cat "$t/$v.err"; exit 1; }
	done
	grep -q 'lanes baseline$' "$t/base.err" ||
		{ echo "FAIL: the emulated Nehalem did not run the baseline copies:"; grep engine: "$t/base.err"; exit 1; }
	grep -q 'lanes avx2$' "$t/wide.err" ||
		{ echo "FAIL: the AVX2 copies did not run:"; grep engine: "$t/wide.err"; exit 1; }
	for f in "$t"/base/*.csv; do
		b=$(basename "$f")
		cmp -s "$f" "$t/wide/$b" || { echo "FAIL: $pack's $b differs between the baseline and AVX2 copies"; exit 1; }
		n=$((n + 1))
	done
	grep -q . "$t/base/indicators.csv" || { echo "FAIL: $pack gave no indicator rows"; exit 1; }
	rm -rf "$t/base" "$t/wide"
done
[ "$n" -ge 6 ] || { echo "FAIL: only $n output files compared"; exit 1; }
echo "PASS: without AVX2, $cases language cases; $n output files of two packs identical on the baseline and AVX2 copies"
