#!/bin/bash
# serve_residents.sh: `healthgap serve --population FILE` (docs/data-model.md "Resident
# populations"): the dashboard computes a pack's `denominator: residents` indicators as
# `run --population` does. A pack with one is refused without the file (the server does
# not start, naming the indicator and the option); with it, the API's rows are run's rows
# (the same disclosure control): the denominator of the all row is the file's total over
# the store's 10 LSOAs (10 LSOAs x 2 sexes x (10 aged 0 + 1 at each of 1 .. 89 + 1 aged
# 90+) = 2,000).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=lib/server.sh
. "$root/tests/e2e/lib/server.sh"
command -v curl > /dev/null || { echo "curl is not installed"; exit 77; }
cd "$TMPDIR"
hg_make_store
cat >> pack/test.hg <<'PACK'
indicator RES "Hypertension codes per 1000 residents"
  rate per 1000
  denominator: residents
  events: hyp
  by local_authority, sex
PACK
awk 'BEGIN {
	printf "lsoa_code,gender"
	for (a = 0; a < 90; a++) printf ",age%d", a
	print ",age90plus"
	for (d = 1; d <= 10; d++) for (s = 1; s <= 2; s++) {
		printf "E0100%04d,%s,10", d, s == 1 ? "m" : "f"
		for (a = 1; a <= 90; a++) printf ",1"
		print ""
	}
}' > pop.csv
$HG serve --store store --pack pack --data-dir dd --port 0 > noserve.out 2> noserve.err &&
	fail "serve started without --population"
grep -q "indicator RES has 'denominator: residents'.*--population FILE" noserve.err ||
	fail "no --population: $(cat noserve.err)"
$HG run pack --store store --out out --format csv --population pop.csv > run.log 2>&1 ||
	fail "run: $(cat run.log)"
want=$(awk -F, '$1 == "RES" && $5 == "all"' out/indicators.csv | tail -1) # the latest period
[ -n "$want" ] || fail "run wrote no RES all row"
echo "$want" | awk -F, '$8 != 2000 {exit 1}' || fail "run's denominator: $want"
hg_start_server --population pop.csv
login ana analyst-password-1 ana.jar > /dev/null
[ "$(status '/api/indicators/RES?breakdown=all' -b ana.jar)" = 200 ] ||
	fail "RES rows: $(cat body)"
got=$(python3 -c 'import json,sys
r = json.load(open("body"))["rows"]
print(len(r), int(r[-1]["denominator"]), int(r[-1]["numerator"]))')
[ "$got" = "1 2000 $(echo "$want" | cut -d, -f7)" ] || fail "server's RES rows: $got; run: $want"
hg_stop_server
echo "serve_residents: ok"
