#!/bin/bash
# bench/segments/run.sh [BUILD] [PEOPLE]: what scores, segments and transitions
# add to a pack's run time (issue 13: no more than 50% for 1M people over 20
# quarters). On one synthetic store (default 1,000,000 people, seed 1; cached
# under bench/out/segments/) it runs, alternately and BENCH_REPS times each
# (default 3):
#   - the Core20PLUS5 pack alone (packs/core20plus5), and
#   - bench/segments/with.hg: the same pack plus the eFI and CMS scores, the
#     Bridges to Health segmentation, counts by each, flows between segments
#     every quarter and CVDP007HYP by segment (20 quarters);
# and reports the median wall and CPU (user + sys) times of each, and the
# increase, with --sdc none --format csv (disclosure control and the
# workbook are the same code for any count; they are not what is measured).
# Prints "target met" or "target NOT met" (by the CPU increase of the medians:
# the wall times of a shared machine vary by more than the difference; the
# least of the runs' CPU is printed too) and exits 0 either way,
# so bench/run.sh goes on to the other benchmarks. The figures so far, and what
# the engine does about them, are in docs/performance.md ("Issue 13").
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
people=${2:-1000000}
reps=${BENCH_REPS:-3}
hg="$build/healthgap"
[ -x "$hg" ] || { echo "no binary $hg (make first)"; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found (apt-get install time)"; exit 1; }
d="$root/bench/out/segments/$people"
mkdir -p "$d"
cd "$d"
if [ ! -f data/done ]; then
	rm -rf data store
	"$hg" synth --people "$people" --seed 1 --out data --quiet
	touch data/done
fi
if [ ! -f store/CURRENT ]; then
	rm -rf store
	"$hg" ingest --persons data/persons.csv --events data/events.csv --store store \
		--no-progress > ingest.log
fi
echo "== $people people, $(($(wc -l < data/events.csv) - 1)) events; $(nproc) cores; $reps runs each"
for i in $(seq "$reps"); do
	for v in base with; do
		pack="$root/packs/core20plus5"
		[ $v = with ] && pack="$root/bench/segments/with.hg"
		rm -rf "run_$v"
		HEALTHGAP_ENGINE_STATS=1 /usr/bin/time -v "$hg" run "$pack" --store store \
			--out "run_$v" --sdc none --format csv > "$v.$i.log" 2> "$v.$i.time"
	done
done
python3 - "$d" "$reps" <<'PY'
import re, statistics, sys
d, reps = sys.argv[1], int(sys.argv[2])
def times(v):
    wall, cpu = [], []
    for i in range(1, reps + 1):
        t = open(f"{d}/{v}.{i}.time").read()
        m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1).split(":")
        wall.append(sum(float(x) * 60 ** k for k, x in enumerate(reversed(m))))
        cpu.append(float(re.search(r"User time \(seconds\): (\S+)", t).group(1))
                   + float(re.search(r"System time \(seconds\): (\S+)", t).group(1)))
    return statistics.median(wall), statistics.median(cpu), min(cpu)
bw, bc, bl = times("base")
ww, wc, wl = times("with")
print(f"Core20PLUS5 pack alone           wall {bw:7.2f} s   cpu {bc:7.2f} s")
print(f"plus scores, segments, flows     wall {ww:7.2f} s   cpu {wc:7.2f} s")
print(f"increase                         wall {100 * (ww / bw - 1):+6.1f}%   cpu {100 * (wc / bc - 1):+6.1f}%"
      "   (target: at most +50% of CPU)")
print(f"least of the {reps} runs, CPU: pack {bl:.2f} s, with {wl:.2f} s, {100 * (wl / bl - 1):+.1f}%"
      " (the steadier figure on a machine whose runs are either quiet or slow)")
print("target met" if wc / bc <= 1.5 else "target NOT met")
PY
