#!/bin/bash
# server_scenario.sh: the dashboard's case for acting page (/scenarios, issue 14):
# `healthgap scenario` on the small test store's run, `serve --scenarios DIR`;
# a viewer sees the nav link, the headline, the figures, the charts and every
# parameter's source, with the SYNTHETIC-or-not marking of the frame; an unknown
# scenario is 404; the view is audited; without --scenarios there is no link and
# the page says how to make them.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$(dirname "$0")/lib/server.sh"
cd "$TMPDIR"
hg_make_store
$HG run pack/test.hg --store store --out res --format csv,json --threads 2 >/dev/null 2>&1 ||
	fail "run"
cat >scn.scn <<SCN
title: Hypertension treated to target for 50 more people in the most deprived fifth
intervention: hypertension
indicator: HYP
reach: people 50 quintiles 1
moves_indicator: no
library: $root/packs/interventions/interventions.csv
SCN
$HG scenario scn.scn --results res --out scn --draws 300 >scn.out 2>&1 || fail "scenario: $(cat scn.out)"
hg_start_server --scenarios scn
tok=$(login vic viewer-password-1 jar)
[ "$(status / -b jar)" = 200 ] || fail "overview"
grep -q 'href="/scenarios"' body || fail "no nav link to the case for acting"
[ "$(status /scenarios -b jar)" = 200 ] || fail "/scenarios: $(head -c 300 body)"
grep -q '<h1>The case for acting</h1>' body || fail "no page title"
grep -q 'id="headline">Reaching 50 more people in the most deprived fifth' body ||
	fail "no headline: $(grep -o 'id="headline">[^<]*' body)"
grep -q 'Events averted by year' body || fail "no events chart"
grep -q 'Probability of being cost-effective' body || fail "no acceptability curve"
grep -q 'id="no-dcea"' body || fail "the test pack has no population rate: the page must say why there is no DCEA"
grep -q 'ETT16' body || fail "the sources are not shown"
grep -q '<svg' body || fail "no chart"
[ "$(status '/scenarios?id=scn' -b jar)" = 200 ] || fail "the scenario by id"
[ "$(status '/scenarios?id=nope' -b jar)" = 404 ] || fail "an unknown scenario is not 404"
[ "$(status /scenarios)" = 303 ] || [ "$(status /scenarios)" = 302 ] || fail "not signed in"
hg_stop_server
$HG audit list --data-dir dd 2>/dev/null | grep -q "page scenarios scn" || fail "the view is not audited"
hg_start_server
tok=$(login vic viewer-password-1 jar)
[ "$(status / -b jar)" = 200 ] || fail "overview"
if grep -q 'href="/scenarios"' body; then fail "a nav link without scenarios"; fi
[ "$(status /scenarios -b jar)" = 200 ] || fail "/scenarios without scenarios"
grep -q 'No scenarios' body || fail "no advice without scenarios"
hg_stop_server
echo "server_scenario: ok"
