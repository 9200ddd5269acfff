#!/bin/bash
# "Patients to act on" and "Population segments" in a real browser (Debian chromium driven by
# playwright-core, as tests/e2e/browser.sh): a practice user reaches its
# worklists from the navigation, opens a list, sees only its own patients
# (the pseudonyms `healthgap worklist --practice` lists), downloads the CSV
# and gets the CLI's file; the list reads as cards at 390 px without sideways
# scrolling; an analyst has no link and gets the 403 page; the segments page
# has its charts, flows and drill and fits 390 px. Screenshots (1366
# and 390 px) go to $BUILD/screenshots. Skips (77) when chromium or the npm
# package cannot be installed.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
T=${TMPDIR:-/tmp}/brwl.$$
mkdir -p "$T" && cd "$T" || exit 1
. "$root/tests/e2e/lib/server.sh"
if [ ! -x /usr/bin/chromium ]; then
	"$root/scripts/install-deps.sh" --browser > deps.log 2>&1
	[ -x /usr/bin/chromium ] || { echo "chromium could not be installed (scripts/install-deps.sh --browser)"; exit 77; }
fi
command -v node > /dev/null || { echo "node is not installed"; exit 77; }
if [ ! -d "$root/tests/browser/node_modules/playwright-core" ]; then
	(cd "$root/tests/browser" && npm install --no-audit --no-fund > /dev/null 2>&1) ||
		{ echo "npm install playwright-core failed (offline?)"; exit 77; }
fi
mkdir -p ref && touch ref/SYNTHETIC
hg_make_store
cat >> pack/test.hg << 'PACK'
segmentation age_risk "Age group"
  segment "80 and over" = age >= 80
  segment "65 to 79" = age >= 65
  otherwise "Under 65"
worklist HYPWL "Hypertension register review"
  who: registered and alive and age >= 18 and exists(hyp)
  priority: age_risk
  reason "Aged 80 or over: review frailty and targets" = age >= 80
  column "Diagnosed" = last_date(hyp)
  column "Age group" = age_risk
  source "test definition"
segmentation seg "Test segments"
  segment "Long-term condition" = exists(hyp)
  segment "Older" = age >= 65
  otherwise "Healthy"
indicator SEG "People by segment"
  count
  numerator: registered and alive
  by seg, seg x imd_quintile, seg x ethnicity, seg x age_band, practice x seg, imd_quintile, ethnicity, age_band, practice
indicator SEG_FLOW "Movement between segments"
  transitions of seg
  population: registered
  by imd_quintile
  periods rolling 12 months quarterly from 2024-04-01 to 2025-03-31
indicator SEG_RATE "Hypertension codes per 1,000 per year"
  rate per 1000 per year
  population: registered
  events: hyp
  by seg
PACK
for p in A81001 A81002 A81003; do
	$HG worklist pack --store store --practice $p --data-dir dd --out cli-$p.csv > cli.log 2>&1 ||
		fail "healthgap worklist $p: $(cat cli.log)"
done
hg_start_server --area-name "NHS Test ICB"
shots=${SCREENSHOTS:-$BUILD/screenshots}
HG_URL=$URL SHOTS=$shots WL_DIR=$T node "$root/tests/browser/worklist.test.js" || fail "browser worklist tests"
hg_stop_server
cd / && rm -rf "$T"
