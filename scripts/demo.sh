#!/bin/bash
# scripts/demo.sh BUILD: the demonstration behind `make demo`. Synthesises a
# population (offline, synthetic geography) with a trust's pathways and
# appointments, its ethnicity recorded as SNOMED CT codes in the events (as a
# GP record holds it), ingests it into a store deriving each person's ethnicity
# from those codes (--ethnicity-codelist), shows what is in it, and runs every
# later stage the binary offers: the three indicator packs with `run`, and one
# dashboard per pack with `serve` (Core20PLUS5 on DEMO_PORT, default 8080; the
# trust's inclusive elective recovery pack on DEMO_PORT + 1; the children and
# young people's Core20PLUS5 on DEMO_PORT + 2), each with its own data
# directory (users, sessions, audit log) and the same one-time demo login.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
hg="$root/$build/healthgap"
data="$root/demo-data"
people=${DEMO_PEOPLE:-200000}
has() { "$hg" --help | grep -q "^  $1 "; }

mkdir -p "$data"
echo "== 1. synthetic population: $people people (seed 1)"
# made again when the size, the synthesiser or the code lists it draws from change (a
# population from an older synthesiser could lack events that today's packs read)
key="$people $(cat "$root"/src/synth/*.[ch] "$root"/packs/*/codelists/*.csv | sha256sum | cut -c1-16)"
if [ ! -s "$data/raw/events.csv" ] || [ ! -s "$data/raw/registrations.csv" ] ||
	[ ! -s "$data/raw/pathways.csv" ] || [ ! -s "$data/raw/ethnicity_2001_census.csv" ] ||
	[ "$(cat "$data/raw/people" 2>/dev/null)" != "$key" ]; then
	rm -rf "$data/raw"
	# ethnicity as a GP record holds it: SNOMED CT codes in events.csv (and a hospital-recorded
	# category for people with none), not a column (docs/synthetic-data.md "Ethnicity as codes")
	"$hg" synth --people "$people" --seed 1 --out "$data/raw" --ethnicity-as codes
	echo "$key" > "$data/raw/people"
fi
echo "== 2. ingest (validation, quarantine, IMD join, registration and address histories,"
echo "   ethnicity from the latest recorded SNOMED CT code, a trust's pathways and appointments)"
echo "   into $data/store"
"$hg" ingest --persons "$data/raw/persons.csv" --events "$data/raw/events.csv" \
	--registrations "$data/raw/registrations.csv" --addresses "$data/raw/addresses.csv" \
	--pathways "$data/raw/pathways.csv" --appointments "$data/raw/appointments.csv" \
	--ethnicity-codelist "$data/raw/ethnicity_2001_census.csv" --store "$data/store"
# every ingest adds a snapshot of the whole population: keep only this one
"$hg" prune --store "$data/store" --keep 1 | tail -1
echo "== 3. the store"
"$hg" info "$data/store"
"$hg" verify "$data/store"
echo "== 4. a statistic, PHEindicatormethods-exact: Wilson intervals"
printf 'area,x,n\nQ1 (most deprived),412,1000\nQ5 (least deprived),611,1000\n' |
	"$hg" stats proportion --group area --multiplier 100 --digits 1
if has run; then
	echo "== 5. the packs: Core20PLUS5, inclusive elective recovery (trusts), children and young people"
	"$hg" run "$root/packs/core20plus5" --store "$data/store" --out "$data/results"
	"$hg" run "$root/packs/inclusive-elective-recovery" --store "$data/store" --out "$data/results-trust" --quiet
	"$hg" run "$root/packs/core20plus5-cyp" --store "$data/store" --out "$data/results-cyp" --quiet
	echo "results in $data/results, $data/results-trust and $data/results-cyp"
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
	echo "== 6. the dashboards: one server per pack"
	# a demo analyst with a fresh random password, shown once (reset on every run)
	pw=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20)
	demo_user() { # demo_user DATA_DIR
		if "$hg" user list --data-dir "$1" | grep -q '^demo '; then
			echo "$pw" | "$hg" user passwd demo --data-dir "$1" > /dev/null
		else
			echo "$pw" | "$hg" user add demo --role analyst --data-dir "$1" > /dev/null
		fi
	}
	demo_user "$data/server"
	demo_user "$data/server-trust"
	demo_user "$data/server-cyp"
	echo "   http://127.0.0.1:$port        Core20PLUS5"
	echo "   http://127.0.0.1:$((port + 1))        inclusive elective recovery (trust)"
	echo "   http://127.0.0.1:$((port + 2))        children and young people's Core20PLUS5"
	echo "   log in to each as:  demo  /  $pw"
	echo "   (role analyst; Ctrl-C stops the servers)"
	"$hg" serve --store "$data/store" --pack "$root/packs/inclusive-elective-recovery" \
		--data-dir "$data/server-trust" --port "$((port + 1))" > "$data/server-trust.log" 2>&1 &
	trust_pid=$!
	"$hg" serve --store "$data/store" --pack "$root/packs/core20plus5-cyp" \
		--data-dir "$data/server-cyp" --port "$((port + 2))" > "$data/server-cyp.log" 2>&1 &
	cyp_pid=$!
	# the two servers in the background stop with the first (they ignore Ctrl-C themselves)
	trap 'kill $trust_pid $cyp_pid 2> /dev/null; wait $trust_pid $cyp_pid 2> /dev/null' EXIT
	"$hg" serve --store "$data/store" --pack "$root/packs/core20plus5" \
		--data-dir "$data/server" --port "$port"
	exit 0
fi
echo "demo complete: data in $data"
