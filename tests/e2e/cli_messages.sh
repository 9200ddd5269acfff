#!/bin/bash
# cli_messages.sh: the command line (issue 12, section 6), with the exact
# words: every error starts "healthgap CMD:", a misspelt command, method or
# option gets "did you mean", an option without its value or an ambiguous
# abbreviation says so; `healthgap prune` keeps the newest N snapshots and
# the current one and removes the rest (a dry run removes nothing); `stats
# --digits N` prints rounded numbers (the demo's example).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TMPDIR"
fail() { echo "FAIL: $*"; exit 1; }
# first FILE TEXT: the first line of FILE is TEXT
first() { [ "$(head -1 "$1")" = "$2" ] || fail "$1 starts '$(head -1 "$1")', not '$2'"; }
# line FILE TEXT: FILE holds TEXT as a whole line
line() { grep -qxF -- "$2" "$1" || { cat "$1"; fail "$1 lacks the line: $2"; }; }
usage() { # usage NAME ARGS...: exit 2, stderr in NAME
	local n=$1
	shift
	"$HG" "$@" > /dev/null 2> "$n"
	local rc=$?
	[ $rc = 2 ] || fail "healthgap $*: exit $rc, not 2"
}

usage c1 ingets --store s
first c1 "healthgap: unknown command 'ingets' (did you mean ingest?)"
usage c2 ingest --persons p.csv --sotre s
first c2 "healthgap ingest: unknown option '--sotre' (did you mean --store?)"
usage c3 run pack.hg --stroe s --out o
first c3 "healthgap run: unknown option '--stroe' (did you mean --store?)"
usage c4 run pack.hg --store
first c4 "healthgap run: --store needs a value"
usage c5 run pack.hg --s x
first c5 "healthgap run: '--s' is short for more than one option (--store, --sdc, --strict)"
usage c6 report --resluts r --out x.html
first c6 "healthgap report: unknown option '--resluts' (did you mean --results?)"
usage c7 synth --poeple 10 --out x
first c7 "healthgap synth: unknown option '--poeple' (did you mean --people?)"
usage c8 stats propotion
first c8 "healthgap stats: unknown method 'propotion' (did you mean proportion?)"
usage c9 stats proportion --multipler 100
first c9 "healthgap stats proportion: unknown option '--multipler' (did you mean --multiplier?)"
usage c10 prune --store s --kep 1
first c10 "healthgap prune: unknown option '--kep' (did you mean --keep?)"
usage c11 ingest --persons p.csv --events e.csv --store s --date-format 01/02
first c11 "healthgap ingest: --date-format '01/02' is not a date format healthgap reads: give YYYY-MM-DD (the default), DD/MM/YYYY, MM/DD/YYYY, DD-MM-YYYY, MM-DD-YYYY, DD.MM.YYYY, YYYY/MM/DD or YYYYMMDD"
usage c12 ingest --persons p.csv --events e.csv --store s --encoding ebcdic
first c12 "healthgap ingest: --encoding 'ebcdic' is not one healthgap reads: give utf-8 (the default) or latin1 (also read as Windows-1252)"
# a pack's error carries the prefix too (then its source line and a caret)
printf 'indicator X "x"\n  proportion of foo\n' > bad.hg
"$HG" run bad.hg --check 2> c13 && fail "a bad pack passed --check"
grep -q "^healthgap run: bad.hg:2:14: error: expected an indicator clause" c13 ||
	fail "pack error: $(head -1 c13)"

# prune: four snapshots, the newest one rejected (so not current)
printf 'person_id,date_of_birth,sex\nP1,1950-01-01,1\nP2,1950-01-01,1\n' > persons.csv
printf 'person_id,date,code,value,setting\nP1,2020-01-01,x,,gp\n' > events.csv
for i in 1 2 3; do
	"$HG" ingest --persons persons.csv --events events.csv --store st --no-progress > /dev/null 2>&1 ||
		fail "ingest $i"
done
printf 'person_id,date_of_birth,sex\nP1,1950-01-01,1\nP2,1950-13-01,1\n' > persons.csv
"$HG" ingest --persons persons.csv --events events.csv --store st --no-progress > /dev/null 2>&1
[ $? = 3 ] || fail "the fourth ingest should be rejected"
[ "$(cat st/CURRENT)" = snap-000003 ] || fail "CURRENT is $(cat st/CURRENT)"
"$HG" prune --store st --keep 1 --dry-run > dry || fail "prune --dry-run"
grep -qxE "would remove 2 of 4 snapshots in st, [0-9]+ kB" dry || fail "dry run: $(cat dry)"
[ "$(ls -d st/snap-* | wc -l)" = 4 ] || fail "a dry run removed snapshots"
"$HG" prune --store st --keep 1 > out || fail "prune"
grep -qxE "removed snap-00000[12] \([0-9]+ kB\)" out || fail "prune output: $(cat out)"
grep -qxE "removed 2 of 4 snapshots in st, [0-9]+ kB freed" out || fail "prune output: $(cat out)"
grep -qxE "kept         snap-000003 \([0-9]+ kB\), current" out || fail "prune did not keep the current snapshot: $(cat out)"
grep -qxE "kept         snap-000004 \([0-9]+ kB\)" out || fail "prune did not keep the newest snapshot: $(cat out)"
[ "$(cd st && ls -d snap-* | tr '\n' ' ')" = "snap-000003 snap-000004 " ] || fail "left: $(ls st)"
"$HG" verify st > /dev/null || fail "the store is damaged after prune"
"$HG" prune --store st/snap-000003 --keep 1 2> e1 && fail "prune of a snapshot directory"
first e1 "healthgap prune: st/snap-000003 is a snapshot, not a store: give the store's directory (the one holding CURRENT)"
mkdir notastore
"$HG" prune --store notastore --keep 1 2> e2 && fail "prune of a directory that is no store"
first e2 "healthgap prune: notastore: not a healthgap store (no CURRENT file)"
usage e3 prune --store st --keep 0
first e3 "healthgap prune: --keep must be 1 or more (the current snapshot is always kept), got 0"

# stats --digits: the demo's example, rounded
printf 'area,x,n\nQ1 (most deprived),412,1000\nQ5 (least deprived),611,1000\n' |
	"$HG" stats proportion --group area --multiplier 100 --digits 1 > p.csv || fail "stats --digits"
line p.csv "Q1 (most deprived),412,1000,41.2,38.2,44.3,95%,percentage,Wilson"
line p.csv "Q5 (least deprived),611,1000,61.1,58.0,64.1,95%,percentage,Wilson"
grep -q 'stats proportion --group area --multiplier 100 --digits 1' "$root/scripts/demo.sh" ||
	fail "the demo's example is not rounded"
echo "command line messages and prune behave"
