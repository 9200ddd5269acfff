#!/bin/bash
# lib/server.sh: helpers shared by the dashboard's end-to-end tests (sourced;
# tests/run.sh runs only tests/e2e/*.sh, not this folder; run directly it
# exits at once). hg_make_store writes a small
# deterministic population (2,000 people, 10 LSOAs over every IMD decile,
# 3 practices named in ref/practices.csv, two in one PCN) and a one-indicator
# pack, ingests it, and adds four users.
[ "${BASH_SOURCE[0]}" = "$0" ] && exit 0

fail() { echo "FAIL: $*"; exit 1; }

hg_make_store() {
	mkdir -p ref/imd2019
	{
		echo "LSOA code (2011),LSOA name (2011),Index of Multiple Deprivation (IMD) Decile"
		for d in 1 2 3 4 5 6 7 8 9 10; do printf 'E0100%04d,Test %d,%d\n' "$d" "$d" "$d"; done
	} > ref/imd2019/File_1_test.csv
	printf '%s\n' "practice_code,practice_name,pcn_code,pcn_name,sub_icb_code,sub_icb_name" \
		"A81001,Riverside Surgery,U00001,Test PCN One,E38000001,NHS Test Shire Long Valley and Estuary Towns ICB - 99Z9Z" \
		"A81002,Hill Street Practice,U00001,Test PCN One,E38000001,NHS Test Shire Long Valley and Estuary Towns ICB - 99Z9Z" \
		"A81003,Park Medical Centre,U00002,Test PCN Two,E38000001,NHS Test Shire Long Valley and Estuary Towns ICB - 99Z9Z" > ref/practices.csv
	awk 'BEGIN {
		print "person_id,date_of_birth,sex,ethnicity,lsoa,practice,registered_from,registered_to,date_of_death"
		split("A,A,A,B,D,H,J,M,N,R,Z,A", eth, ",")
		for (i = 1; i <= 2000; i++) {
			y = 1935 + (i * 7) % 85; m = 1 + i % 12; d = 1 + i % 28
			reg = y < 2000 ? "2000-01-01" : sprintf("%04d-%02d-%02d", y, m, d)
			printf "T%05d,%04d-%02d-%02d,%d,%s,E0100%04d,A8100%d,%s,,\n", i, y, m, d,
				1 + i % 2, eth[1 + i % 12], 1 + (i * 3) % 10, 1 + i % 3, reg
		}
	}' > persons.csv
	awk 'BEGIN {
		print "person_id,date,code,value,setting"
		for (i = 1; i <= 2000; i++) {
			dec = 1 + (i * 3) % 10
			y = 1935 + (i * 7) % 85
			if (y < 2005 && (i * 13) % 100 < 10 + 3 * (10 - dec)) printf "T%05d,2020-06-01,38341003,,gp\n", i
		}
	}' > events.csv
	mkdir -p pack
	cat > pack/test.hg <<'PACK'
periods quarterly from 2024-04-01 to 2025-03-31
codelist hyp = codes("38341003")
indicator HYP "Hypertension: prevalence, aged 18 and over"
  proportion
  denominator: registered and alive and age >= 18
  numerator: exists(hyp)
  by imd_quintile, imd_decile, ethnicity, sex, age_band, practice
  source "test definition"
PACK
	$HG ingest --persons persons.csv --events events.csv --reference ref --store store \
		--no-progress > ingest.log 2>&1 || fail "ingest: $(tail -3 ingest.log)"
	echo "analyst-password-1" | $HG user add ana --role analyst --data-dir dd > /dev/null || fail "user add ana"
	echo "viewer-password-1" | $HG user add vic --role viewer --data-dir dd > /dev/null || fail "user add vic"
	echo "practice-password-1" | $HG user add pat --role practice --practice A81001 --store store --data-dir dd > /dev/null ||
		fail "user add pat"
	echo "admin-password-123" | $HG user add adm --role admin --data-dir dd > /dev/null || fail "user add adm"
}

# hg_start_server [extra serve options]: starts the server on a free port; sets PORT, URL, SRV_PID.
hg_start_server() {
	$HG serve --store store --pack pack --data-dir dd --port 0 "$@" > serve.out 2> serve.err &
	SRV_PID=$!
	for _ in $(seq 1 300); do
		PORT=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' serve.out 2> /dev/null)
		[ -n "$PORT" ] && break
		kill -0 $SRV_PID 2> /dev/null || fail "server died: $(cat serve.err)"
		sleep 0.1
	done
	[ -n "$PORT" ] || fail "server did not start: $(cat serve.err)"
	URL="http://127.0.0.1:$PORT"
	trap 'kill $SRV_PID 2> /dev/null; wait $SRV_PID 2> /dev/null' EXIT
}

hg_stop_server() {
	kill -TERM $SRV_PID
	wait $SRV_PID || fail "server exited with status $?: $(tail -5 serve.err)"
	trap - EXIT
}

# login USER PASSWORD JAR: prints the CSRF token.
login() {
	curl -s -c "$3" -H 'Content-Type: application/json' \
		-d "{\"username\":\"$1\",\"password\":\"$2\"}" "$URL/api/login" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])'
}

# status URL [curl args]: prints the HTTP status code; the body goes to body.
status() {
	local u=$1
	shift
	curl -s -o body -w '%{http_code}' "$@" "$URL$u"
}
