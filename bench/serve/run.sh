#!/bin/bash
# bench/serve/run.sh [BUILD] [PEOPLE]: load test of the dashboard API. Builds a
# synthetic store (PEOPLE, default 50,000), starts `healthgap serve` with the
# Core20PLUS5 pack, logs in, and runs wrk with 200 connections for 30 s
# (BENCH_SECONDS) against /api/indicators/{id} with the session cookie.
# Reports requests/s, p99 latency, errors (non-2xx and socket errors) and the
# server's resident memory before, after a warm-up, and after the run.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
people=${2:-${BENCH_PEOPLE:-50000}}
secs=${BENCH_SECONDS:-30}
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
"$hg" serve --store store --pack "$root/packs/core20plus5" --data-dir dd --port 0 > serve.out 2> serve.err &
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
id=$(curl -s -b jar "$url/api/indicators" | python3 -c 'import json,sys; print(json.load(sys.stdin)["indicators"][0]["indicator_id"])')
target="$url/api/indicators/$id"
bytes=$(curl -s -b jar "$target" | wc -c)
rss() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
rss0=$(rss)
wrk -t2 -c200 -d5s -H "Cookie: hg_session=$cookie" "$target" > /dev/null
rss1=$(rss)
wrk -t2 -c200 -d"${secs}s" --latency -H "Cookie: hg_session=$cookie" "$target" > wrk.out
rss2=$(rss)
cat wrk.out
rps=$(awk '/^Requests\/sec/ {print $2}' wrk.out)
p99=$(awk '$1 == "99%" {print $2}' wrk.out)
non2xx=$(awk '/Non-2xx/ {print $NF}' wrk.out)
sock=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' wrk.out)
echo
echo "healthgap serve: GET /api/indicators/$id ($bytes bytes, $people people), 200 connections, ${secs}s"
echo "  requests/s   $rps"
echo "  p99 latency  $p99"
echo "  errors       non-2xx ${non2xx:-0}, socket ${sock:-0}"
echo "  server RSS   ${rss0} kB at start, ${rss1} kB after warm-up, ${rss2} kB after the run"
[ "${non2xx:-0}" = 0 ] && [ "${sock:-0}" = 0 ] || { echo "errors during the run"; exit 1; }
