#!/bin/bash
# scripts/demo.sh BUILD: the demonstration behind `make demo`. Synthesises a
# population (offline, synthetic geography), ingests it into a store, shows
# what is in it, and runs every later stage the binary offers (the indicator
# pack with `run`, the dashboard with `serve`).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
hg="$root/$build/healthgap"
data="$root/demo-data"
people=${DEMO_PEOPLE:-200000}
has() { "$hg" --help | grep -q "^  $1 "; }

mkdir -p "$data"
echo "== 1. synthetic population: $people people (seed 1)"
if [ ! -s "$data/raw/events.csv" ] || [ ! -s "$data/raw/registrations.csv" ] ||
	[ "$(cat "$data/raw/people" 2>/dev/null)" != "$people" ]; then
	rm -rf "$data/raw"
	"$hg" synth --people "$people" --seed 1 --out "$data/raw"
	echo "$people" > "$data/raw/people"
fi
echo "== 2. ingest (validation, quarantine, IMD join, registration and address histories) into $data/store"
"$hg" ingest --persons "$data/raw/persons.csv" --events "$data/raw/events.csv" \
	--registrations "$data/raw/registrations.csv" --addresses "$data/raw/addresses.csv" \
	--store "$data/store"
# every ingest adds a snapshot of the whole population: keep only this one
"$hg" prune --store "$data/store" --keep 1 | tail -1
echo "== 3. the store"
"$hg" info "$data/store"
"$hg" verify "$data/store"
echo "== 4. a statistic, PHEindicatormethods-exact: Wilson intervals"
printf 'area,x,n\nQ1 (most deprived),412,1000\nQ5 (least deprived),611,1000\n' |
	"$hg" stats proportion --group area --multiplier 100 --digits 1
if has run; then
	echo "== 5. the Core20PLUS5 pack"
	"$hg" run "$root/packs/core20plus5" --store "$data/store" --out "$data/results"
	echo "results in $data/results"
	if [ "${DEMO_ICS:-1}" != 0 ]; then
		echo "== 5b. the ICS pack: Core20PLUS5 with Bridges to Health segments, frailty (eFI) and"
		echo "   multimorbidity (CMS), and Core20PLUS5 indicators by segment (docs/segmentation.md;"
		echo "   DEMO_ICS=0 skips it)"
		"$hg" run "$root/packs/ics" --store "$data/store" --out "$data/results-ics" --quiet
		echo "results in $data/results-ics"
	fi
fi
if has serve; then
	port=${DEMO_PORT:-8080}
	echo "== 6. the dashboard on http://127.0.0.1:$port"
	# a demo analyst with a fresh random password, shown once (reset on every run)
	pw=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20)
	if "$hg" user list --data-dir "$data/server" | grep -q '^demo '; then
		echo "$pw" | "$hg" user passwd demo --data-dir "$data/server" > /dev/null
	else
		echo "$pw" | "$hg" user add demo --role analyst --data-dir "$data/server" > /dev/null
	fi
	echo "   open http://127.0.0.1:$port and log in as:  demo  /  $pw"
	echo "   (role analyst; Ctrl-C stops the server)"
	exec "$hg" serve --store "$data/store" --pack "$root/packs/core20plus5" \
		--data-dir "$data/server" --port "$port"
fi
echo "demo complete: data in $data"
