#!/bin/bash
# "Patients to act on" in a real browser (Debian chromium driven by
# playwright-core, as tests/e2e/browser.sh): a practice user reaches its
# worklists from the navigation, opens a list, sees only its own patients
# (the pseudonyms `healthgap worklist --practice` lists), downloads the CSV
# and gets the CLI's file; the list reads as cards at 390 px without sideways
# scrolling; an analyst has no link and gets the 403 page. Screenshots (1366
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
