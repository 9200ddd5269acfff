#!/bin/bash
# bench/engine/run.sh [BUILD] [PEOPLE...]: the measures engine against DuckDB.
# For each population size (default 1000000 and 5000000 people; synthetic
# data and stores are cached under bench/out/engine/):
#   - healthgap runs the whole Core20PLUS5 pack (16 indicators, 20 quarters
#     plus 17 rolling years for life expectancy) and, like for like, the
#     three-indicator pack bench/engine/three.hg, from the store;
#   - DuckDB (@duckdb/node-api, 2 threads) loads the same CSVs into tables
#     (load time reported separately) and computes CVDP001HYP, CVDP007HYP and
#     the A&E rate by IMD quintile x ethnicity x quarter in SQL
#     (bench/engine/duckdb_query.mjs); its counts are checked against
#     healthgap's (they must be identical).
# Prints wall times, the DuckDB/healthgap ratio, peak RSS (/usr/bin/time -v)
# and the store's size.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
shift || true
sizes=${*:-1000000 5000000}
hg="$build/healthgap"
[ -x "$hg" ] || { echo "no binary $hg (make first)"; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found (apt-get install time)"; exit 1; }
if [ ! -d "$root/bench/node_modules/@duckdb/node-api" ]; then
	(cd "$root/bench" && npm install --no-audit --no-fund > /dev/null)
fi
out="$root/bench/out/engine"
mkdir -p "$out"
secs() { grep 'Elapsed (wall clock)' "$1" | awk '{print $NF}' |
	awk -F: '{ if (NF == 3) print $1 * 3600 + $2 * 60 + $3; else print $1 * 60 + $2 }'; }
peak() { grep 'Maximum resident' "$1" | awk '{printf "%.0f", $6 / 1024}'; }

for people in $sizes; do
	d="$out/$people"
	mkdir -p "$d"
	cd "$d"
	if [ ! -s data/events.csv ] || [ ! -f data/done ]; then
		rm -rf data store
		"$hg" synth --people "$people" --seed 1 --out data > /dev/null
		touch data/done
	fi
	if [ ! -f store/CURRENT ]; then
		rm -rf store
		"$hg" ingest --persons data/persons.csv --events data/events.csv --store store \
			--no-progress > ingest.log
	fi
	store_mb=$(du -sm "store/$(cat store/CURRENT)" | cut -f1)
	events=$(($(wc -l < data/events.csv) - 1))
	echo "== $people people, $events events; store $store_mb MB; $(nproc) cores"
	sync

	rm -rf run_pack run_three
	HEALTHGAP_ENGINE_STATS=1 /usr/bin/time -v "$hg" run "$root/packs/core20plus5" --store store \
		--out run_pack --sdc none --format csv > pack.log 2> pack.time
	HEALTHGAP_ENGINE_STATS=1 /usr/bin/time -v "$hg" run "$root/bench/engine/three.hg" --store store \
		--out run_three --sdc none --format csv > three.log 2> three.time
	imd=$(ls data/reference/imd2019/*.csv | head -1)
	/usr/bin/time -v node "$root/bench/engine/duckdb_query.mjs" data/persons.csv data/events.csv \
		"$imd" "$root/packs/core20plus5/codelists" duck.csv > duck.json 2> duck.time

	python3 - "$d" "$store_mb" <<'PY'
import csv, json, re, sys
d, store_mb = sys.argv[1], float(sys.argv[2])
def wall(f):
    t = open(f).read()
    m = re.search(r'Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)', t).group(1).split(':')
    return sum(float(x) * 60 ** i for i, x in enumerate(reversed(m)))
def rss(f):
    return int(re.search(r'Maximum resident set size \(kbytes\): (\d+)', open(f).read()).group(1)) / 1024
def engine(f):
    m = re.search(r'engine: .*?([\d.]+) s \(cpu ([\d.]+) s\), (\d+) person-periods, ([\d.]+)M/s', open(f).read())
    return (float(m.group(1)), int(m.group(3)), float(m.group(4))) if m else (float('nan'), 0, 0)
duck = json.load(open(f'{d}/duck.json'))
# identical counts?
hg = {}
for r in csv.DictReader(open(f'{d}/run_three/indicators.csv')):
    if r['breakdown'] == 'imd_quintile x ethnicity' and r['denominator'] != '0':
        q, e = r['category'].split(' / ')
        hg[(r['indicator_id'], r['period_end'], q, e)] = (float(r['numerator']), float(r['denominator']))
dk = {}
for r in csv.DictReader(open(f'{d}/duck.csv')):
    dk[(r['indicator_id'], r['period_end'], r['imd_quintile'], r['ethnicity'])] = (float(r['numerator']), float(r['denominator']))
same = hg == dk
pw, tw, dq, dl = wall(f'{d}/pack.time'), wall(f'{d}/three.time'), duck['query_seconds'], duck['load_seconds']
pe, ppp, prate = engine(f'{d}/pack.time')
te, tpp, trate = engine(f'{d}/three.time')
print(f"{'':34}{'wall s':>9}{'engine s':>10}{'M person-periods/s':>20}{'peak MB':>9}")
print(f"{'healthgap run, whole pack':34}{pw:>9.2f}{pe:>10.2f}{prate:>20.2f}{rss(f'{d}/pack.time'):>9.0f}")
print(f"{'healthgap run, 3 indicators':34}{tw:>9.2f}{te:>10.2f}{trate:>20.2f}{rss(f'{d}/three.time'):>9.0f}")
print(f"{'DuckDB load CSVs into tables':34}{dl:>9.2f}")
print(f"{'DuckDB SQL, 3 indicators':34}{dq:>9.2f}{'':>39}{rss(f'{d}/duck.time'):>9.0f}")
print(f"DuckDB query / healthgap: {dq / pw:.1f}x (whole pack), {dq / tw:.1f}x (3 indicators); "
      f"with DuckDB's load: {(dq + dl) / pw:.1f}x")
print(f"peak RSS / store size: {rss(f'{d}/pack.time') / store_mb:.2f} (whole pack), "
      f"{rss(f'{d}/three.time') / store_mb:.2f} (3 indicators); store {store_mb:.0f} MB")
print(f"DuckDB and healthgap counts: {'identical' if same else 'DIFFER'} ({len(dk)} cells)")
if not same:
    sys.exit(1)
PY
done
