#!/bin/bash
# bench/serve/run.sh [BUILD] [PEOPLE]: load test of the dashboard. Builds a
# synthetic store (PEOPLE, default 50,000), starts `healthgap serve` with the
# Core20PLUS5 pack, logs in, and runs wrk (one session, as a browser or an
# API client would) against:
#   api   GET /api/indicators/{id} and /api/indicators/{id}?breakdown=B for every
#         indicator and each of its breakdowns, round-robin (the JSON API), at 50 and
#         200 connections;
#   page  GET /indicators/{id} and the overview, round-robin (server-rendered
#         pages with SVG charts), at 50 and 200 connections;
#   soak  the api mix at 200 connections for BENCH_SOAK seconds (default 120).
# Each run lasts BENCH_SECONDS (default 20). Reports requests/s, p50 and p99
# latency, errors (non-2xx and socket errors) and the server's resident memory
# after each run, and fails if any run had an error. The session's request
# limit and the per-address connection limit are raised (the load comes from
# one session at one address); everything else is as deployed, audit included.
# BENCH_PERF=1 records `perf` samples of the server during the 200-connection
# api run into bench/serve/out/perf.data.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
people=${2:-${BENCH_PEOPLE:-50000}}
secs=${BENCH_SECONDS:-20}
soak=${BENCH_SOAK:-120}
hg="$root/$build/healthgap"
command -v wrk > /dev/null || { echo "wrk is not installed (scripts/install-deps.sh --bench)"; exit 1; }
work=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2> /dev/null && wait "$pid" 2> /dev/null
	rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
"$hg" synth --people "$people" --seed 1 --out raw > /dev/null
"$hg" ingest --persons raw/persons.csv --events raw/events.csv --store store --no-progress > /dev/null
echo "bench-password-123" | "$hg" user add bench --role analyst --data-dir dd > /dev/null
"$hg" serve --store store --pack "$root/packs/core20plus5" --data-dir dd --port 0 \
	--rate-limit 100000000 --conn-per-address 1024 > serve.out 2> serve.err &
pid=$!
port=
for _ in $(seq 1 600); do
	port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' serve.out 2> /dev/null)
	[ -n "$port" ] && break
	sleep 0.1
done
[ -n "$port" ] || { echo "server did not start: $(cat serve.err)"; exit 1; }
url="http://127.0.0.1:$port"
curl -s -c jar -H 'Content-Type: application/json' \
	-d '{"username":"bench","password":"bench-password-123"}' "$url/api/login" > /dev/null
cookie=$(awk '$6 == "hg_session" {print $7}' jar)
curl -s -b jar "$url/api/indicators" > list.json
python3 - "$url" "$cookie" > api.paths 3> page.paths << 'PY'
import json, os, sys, urllib.parse, urllib.request
url, cookie = sys.argv[1:]
def get(path):
    r = urllib.request.Request(url + path, headers={"Cookie": "hg_session=" + cookie})
    return json.load(urllib.request.urlopen(r))
inds = [i["indicator_id"] for i in json.load(open("list.json"))["indicators"]]
for i in inds:   # every indicator, and each of its breakdowns
    print(f"/api/indicators/{i}")
    for b in sorted({r["breakdown"] for r in get(f"/api/indicators/{i}")["rows"]}):
        print(f"/api/indicators/{i}?breakdown=" + urllib.parse.quote(b))
with os.fdopen(3, "w") as f:
    print("/", file=f)
    for i in inds:
        print(f"/indicators/{i}", file=f)
PY
cat > mix.lua << 'LUA'
-- round-robin over the paths in the file named by WRK_PATHS, each thread from its own start
local paths, i = {}, 0
for line in io.lines(os.getenv("WRK_PATHS")) do paths[#paths + 1] = line end
function init(args) i = math.random(#paths) end
function request()
	i = i % #paths + 1
	return wrk.format("GET", paths[i])
end
LUA
rss() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
# run NAME PATHS CONNECTIONS SECONDS: one wrk run and its summary line
run() {
	WRK_PATHS=$2 wrk -t2 -c"$3" -d"$4s" --latency -s mix.lua -H "Cookie: hg_session=$cookie" \
		"$url" > "wrk.$1" || { echo "wrk failed: $(cat "wrk.$1")"; exit 1; }
	local rps p50 p99 non2xx sock
	rps=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' "wrk.$1")
	p50=$(awk '$1 == "50%" {print $2}' "wrk.$1")
	p99=$(awk '$1 == "99%" {print $2}' "wrk.$1")
	non2xx=$(awk '/Non-2xx/ {print $NF}' "wrk.$1")
	sock=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "wrk.$1")
	printf '%-10s %6s %5s %9s %10s %10s %8s %8s %10s kB\n' "$1" "$3" "$4" "$rps" "$p50" \
		"$p99" "${non2xx:-0}" "${sock:-0}" "$(rss)"
	[ "${non2xx:-0}" = 0 ] && [ "${sock:-0}" = 0 ] || errors=1
}
errors=0
echo "healthgap serve: $people people, $(wc -l < api.paths) API paths, $(wc -l < page.paths) pages"
echo "  server RSS at start: $(rss) kB"
WRK_PATHS=api.paths wrk -t2 -c50 -d3s -s mix.lua -H "Cookie: hg_session=$cookie" "$url" > /dev/null
WRK_PATHS=page.paths wrk -t2 -c50 -d3s -s mix.lua -H "Cookie: hg_session=$cookie" "$url" > /dev/null
echo "  after warm-up: $(rss) kB"
printf '%-10s %6s %5s %9s %10s %10s %8s %8s %13s\n' run conns secs "req/s" p50 p99 non-2xx \
	socket "server RSS"
run api-50 api.paths 50 "$secs"
if [ "${BENCH_PERF:-0}" = 1 ]; then
	mkdir -p "$root/bench/serve/out"
	perf record -F 999 -g -p "$pid" -o "$root/bench/serve/out/perf.data" -- sleep "$secs" \
		> /dev/null 2>&1 &
	perf_pid=$!
fi
run api-200 api.paths 200 "$secs"
[ "${BENCH_PERF:-0}" = 1 ] && wait "$perf_pid"
run page-50 page.paths 50 "$secs"
run page-200 page.paths 200 "$secs"
run soak api.paths 200 "$soak"
echo "  audit entries written: $(sqlite3 dd/healthgap.db 'SELECT count(*) FROM audit' 2> /dev/null || echo '?')"
[ "$errors" = 0 ] || { echo "errors during the runs"; exit 1; }
