#!/bin/bash
# The dashboard in a real browser: Debian chromium driven by playwright-core
# (tests/browser). Logs in, opens the overview and an indicator, checks its
# charts, downloads the CSV and compares it with the table, logs out; a
# viewer cannot reach practice breakdowns. Every page is read for raw
# identifiers and its SYNTHETIC DATA marking; every page of every role at 360,
# 390, 414 and 1366 px must not scroll sideways and its charts' text must stay
# legible (issue 12). The place filter keeps only a PCN's rows (issue 15). Screenshots go to
# $BUILD/screenshots. Skips (77) when chromium or the npm package cannot be
# installed.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TMPDIR"
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
# synthetic reference data (the marker synth writes) and a polarity for HYP
mkdir -p ref && touch ref/SYNTHETIC
hg_make_store
# the place filter (issue 15) needs place breakdowns: PCN, sub-ICB and PCN by deprivation
sed -i 's/^  by imd_quintile, imd_decile, ethnicity, sex, age_band, practice$/&, pcn, sub_icb, pcn x imd_quintile/' \
	pack/test.hg
grep -q 'pcn x imd_quintile' pack/test.hg || fail "pack/test.hg: the by line changed"
printf 'indicator_id,target_value,target_date,gap_reduction_target,polarity\nHYP,,,0.2,lower_is_better\n' \
	> pack/objectives.csv
hg_start_server --area-name "NHS Test ICB"
shots=${SCREENSHOTS:-$BUILD/screenshots}
HG_URL=$URL SHOTS=$shots node "$root/tests/browser/dashboard.test.js" || fail "browser tests"
hg_stop_server
