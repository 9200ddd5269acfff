#!/bin/bash
# bench/scale/run.sh [BUILD] [PEOPLE...]: distributed runs and appends (issue 17,
# docs/scale.md). For each population size (default 1000000 and 5000000; synthetic data
# and stores cached under bench/out/scale/):
#   - the whole Core20PLUS5 pack by one process (1 thread, then all cores) and by
#     `mpirun -np 1` and `-np 2` (1 thread per rank): wall time, the pass's time and
#     person-periods/s (the slowest rank's), peak RSS per rank (/usr/bin/time -v around
#     each rank), and a check that every run's indicators.csv, inequalities.csv and
#     monitoring.csv are byte-identical;
#   - the store split into 2 shards (healthgap shard: its CPU time) and `mpirun -np 2` over
#     them (each rank maps only its shard), checked byte-identical too;
#   - the machine's load average before and after each run (a shared machine: read CPU
#     seconds, not wall times, when it is loaded);
#   BENCH_CONFIGS picks the runs (default "one_t1 one_t0 np1_t1 np2_t1 sh2_np2_t1"; the
#   first is the reference the others are compared with);
#   - for the first size only (BENCH_APPEND=0 skips it): one week of events appended to the
#     store of the rest (ingest --append) against a full ingest of everything: the ratio;
#   - the projection for 60 million people on N nodes from the measured rate, printed with
#     its arithmetic.
# Needs mpirun (scripts/install-deps.sh) and /usr/bin/time (apt-get install time).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
shift || true
sizes=${*:-1000000 5000000}
hg="$build/healthgap"
[ -x "$hg" ] || { echo "no binary $hg (make first)"; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found (apt-get install time)"; exit 1; }
command -v mpirun > /dev/null || { echo "mpirun not found (scripts/install-deps.sh)"; exit 1; }
ldd "$hg" | grep -q libmpi || { echo "$hg was built without MPI"; exit 1; }
out="$root/bench/out/scale"
mkdir -p "$out"
pack="$root/packs/core20plus5"
mpi() { mpirun --allow-run-as-root --oversubscribe --mca btl self,vader -x HEALTHGAP_ENGINE_STATS "$@"; }
wall() { awk '/Elapsed \(wall clock\)/ {print $NF}' "$1" | head -1 |
	awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }'; }
# the largest peak RSS of the ranks (MB); per-rank values listed
rss() { awk '/Maximum resident/ {printf "%s%.0f", sep, $6 / 1024; sep = " "}' "$1"; }
# user + system CPU seconds of every process in the file
cpu() { awk '/User time|System time/ {s += $NF} END {printf "%.2f", s}' "$1"; }
# the seconds of run's "... person-periods in 4.02s" line
runs() { sed -n 's/.*person-periods in \([0-9.]*\)s.*/\1/p' "$1" | head -1; }
pass() { grep -o 'engine: .*' "$1" | awk '{for (i = 1; i <= NF; i++) if ($i == "s" && $(i+1) == "(cpu") print $(i-1)}' |
	sort -n | tail -1; }
# the passes' CPU seconds, summed over ranks (a shared machine's wall times mislead)
pcpu() { grep -o 'engine: .*' "$1" | awk '{for (i = 1; i <= NF; i++) if ($i == "(cpu") s += $(i+1)} END {print s}'; }
pps() { grep -o 'engine: .*person-periods' "$1" | awk '{for (i = 1; i <= NF; i++) if ($i == "person-periods") s += $(i-1)} END {print s}'; }
first=1
for people in $sizes; do
	d="$out/$people"
	mkdir -p "$d"
	cd "$d"
	if [ ! -f data/done ]; then
		rm -rf data store
		"$hg" synth --people "$people" --seed 1 --out data > /dev/null
		touch data/done
	fi
	if [ ! -f store/CURRENT ]; then
		rm -rf store
		/usr/bin/time -v "$hg" ingest --persons data/persons.csv --events data/events.csv \
			--store store --no-progress --extract-date 2026-03-31 > ingest.log 2> ingest.time
	fi
	store_mb=$(du -sm "store/$(cat store/CURRENT)" | cut -f1)
	events=$(($(wc -l < data/events.csv) - 1))
	echo "== $people people, $events events; store $store_mb MB; $(nproc) cores"
	if [[ " ${BENCH_CONFIGS:-sh2} " == *sh2* ]] && [ ! -f shards2/shards.json ]; then
		rm -rf shards2
		/usr/bin/time -v "$hg" shard store --shards 2 --out shards2 > /dev/null 2> shard.time
		echo "   healthgap shard --shards 2: $(wall shard.time) s wall, $(cpu shard.time) s CPU," \
			"peak RSS $(rss shard.time) MB; shards $(du -sm shards2/shard-0000 | cut -f1) MB" \
			"and $(du -sm shards2/shard-0001 | cut -f1) MB"
	fi
	ref=
	for name in ${BENCH_CONFIGS:-one_t1 one_t0 np1_t1 np2_t1 sh2_np2_t1}; do
		kind=${name%_t*}
		thr=${name##*_t}
		src=store
		case "$kind" in sh2_*) src=shards2; kind=${kind#sh2_} ;; esac
		rm -rf "run_$name"
		sync
		load0=$(cut -d' ' -f1 /proc/loadavg)
		if [ "$kind" = one ]; then
			HEALTHGAP_ENGINE_STATS=1 /usr/bin/time -v "$hg" run "$pack" --store "$src" \
				--out "run_$name" --threads "$thr" --quiet > /dev/null 2> "$name.log"
		else
			HEALTHGAP_ENGINE_STATS=1 mpi -np "${kind#np}" /usr/bin/time -v "$hg" run "$pack" \
				--store "$src" --out "run_$name" --threads "$thr" --quiet > /dev/null 2> "$name.log"
		fi
		load1=$(cut -d' ' -f1 /proc/loadavg)
		ref=${ref:-$name}
		for f in indicators.csv inequalities.csv monitoring.csv; do
			cmp -s "run_$ref/$f" "run_$name/$f" || { echo "FAIL: $name's $f differs from $ref's"; exit 1; }
		done
		pp=$(pps "$name.log")
		p=$(pass "$name.log")
		pc=$(pcpu "$name.log")
		printf '%-28s run %6.2f s (whole process %6.2f s wall, %6.2f s CPU); pass %6.2f s wall, %6.2f s CPU, %s person-periods, %5.2fM/s per CPU second; peak RSS per rank (MB): %s; load %s -> %s\n' \
			"$([ "$kind" = one ] && echo "1 process" || echo "mpirun -np ${kind#np}"), $([ "$thr" = 0 ] && echo "$(nproc)" || echo "$thr") thr$([ "$src" = shards2 ] && echo ", 2 shards")" \
			"$(runs "$name.log")" "$(wall "$name.log")" "$(cpu "$name.log")" "$p" "$pc" "$pp" "$(echo "$pp $pc" | awk '{print $1 / $2 / 1e6}')" "$(rss "$name.log")" "$load0" "$load1"
	done
	echo "   outputs byte-identical across the runs"
	pp=$(pps "$ref.log")
	p1=$(pcpu "$ref.log")
	# 60M people: person-periods scale with people; one rank per core
	python3 - "$people" "$pp" "$p1" "$store_mb" "$events" "$ref" << 'PY'
import sys
people, pp, p1, store_mb, events = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
rate = pp / p1                      # person-periods per CPU second of the pass (one core)
ppp = pp / people                   # person-periods per person (the pack's periods)
target = 60e6 * ppp
print(f"   projection: {ppp:.1f} person-periods per person x 60M people = {target / 1e9:.2f}G person-periods;"
      f" one core does {rate / 1e6:.2f}M/s (measured: {sys.argv[6]}'s pass, per CPU second)")
for nodes, cores in ((1, 32), (4, 32), (16, 32)):
    t = target / (rate * nodes * cores)
    print(f"   {nodes:>2} node(s) x {cores} cores = {nodes * cores} ranks: {target / 1e9:.2f}G / ({rate / 1e6:.2f}M/s x {nodes * cores}) = {t:.0f} s of pass"
          f"; store {store_mb / people * 60e6 / 1024:.0f} GB in all, {store_mb / people * 60e6 / 1024 / (nodes * cores):.1f} GB read per rank")
PY
	if [ "$first" = 1 ] && [ "${BENCH_APPEND:-1}" = 1 ]; then
		first=0
		# one week of events (the last 7 days before the extract date) as a batch
		if [ ! -f week/done ]; then
			rm -rf week
			mkdir -p week/hist week/batch
			cp -r data/reference week/hist/
			cp data/SYNTHETIC week/hist/ 2> /dev/null || true
			cp data/persons.csv week/hist/persons.csv
			head -1 data/persons.csv > week/batch/persons.csv
			awk -F, 'NR == 1 { print > "week/hist/events.csv"; print > "week/batch/events.csv"; next }
				$2 > "2026-03-24" { print > "week/batch/events.csv"; next } { print > "week/hist/events.csv" }' \
				data/events.csv
			touch week/done
		fi
		rm -rf week/store
		"$hg" ingest --persons week/hist/persons.csv --events week/hist/events.csv --store week/store \
			--no-progress --extract-date 2026-03-31 > /dev/null
		sync
		/usr/bin/time -v "$hg" ingest --append --persons week/batch/persons.csv \
			--events week/batch/events.csv --store week/store --reference week/hist/reference \
			--no-progress --extract-date 2026-03-31 > append.log 2> append.time
		full=$(wall ingest.time)
		app=$(wall append.time)
		wk=$(($(wc -l < week/batch/events.csv) - 1))
		echo "   append of one week ($wk events) to the $people-person store: $app s wall, $(cpu append.time) s CPU" \
			"(peak RSS $(rss append.time) MB) against a full ingest of everything: $full s wall, $(cpu ingest.time) s CPU" \
			"(peak RSS $(rss ingest.time) MB): ratio $(echo "$app $full" | awk '{printf "%.3f", $1 / $2}') wall," \
			"$(echo "$(cpu append.time) $(cpu ingest.time)" | awk '{printf "%.3f", $1 / $2}') CPU"
		"$hg" verify week/store > /dev/null
		rm -rf run_week
		HEALTHGAP_ENGINE_STATS=1 "$hg" run "$pack" --store week/store --out run_week --threads 1 --quiet 2> week.log > /dev/null
		for f in indicators.csv inequalities.csv monitoring.csv; do
			cmp -s "run_$ref/$f" "run_week/$f" || { echo "FAIL: the appended store's $f differs"; exit 1; }
		done
		echo "   the appended store publishes byte for byte what the full ingest does" \
			"(run $(runs week.log) s against $(runs "$ref.log") s)"
	fi
	cd "$root"
done
