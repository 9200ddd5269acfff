#!/bin/bash
# synth -> ingest: a clean synthetic population is accepted whole; with
# --corrupt-rate every injected bad row, and nothing else, is quarantined,
# and read = accepted + quarantined for each file.
set -eu
cd "$TMPDIR"
fail() { echo "FAIL: $*"; exit 1; }

$HG synth --people 20000 --seed 11 --out clean > /dev/null
$HG ingest --persons clean/persons.csv --events clean/events.csv --store s1 --no-progress > log1 ||
	fail "clean ingest: $(cat log1)"
grep -q "quarantined 0 " log1 || fail "clean data had rejections: $(cat log1)"
grep -q "IMD: IMD2019" log1 || fail "synthetic IMD lookup not found beside persons.csv: $(cat log1)"
$HG info s1 | grep -q "SYNTHETIC" || fail "store does not say its geography is synthetic"

$HG synth --people 20000 --seed 11 --out bad --corrupt-rate 0.01 > /dev/null
[ -s bad/corruptions.csv ] || fail "no corruptions.csv"
$HG ingest --persons bad/persons.csv --events bad/events.csv --store s2 --no-progress \
	--max-reject-rate 0.05 > log2 || fail "corrupt ingest: $(cat log2)"
cat log2
snap=s2/$(cat s2/CURRENT)
for f in persons events; do
	# lines the generator corrupted vs lines ingest quarantined
	awk -F, -v f=$f 'NR > 1 && $1 ~ f { print $2 }' bad/corruptions.csv | sort -n > want.$f
	python3 - "$snap/quarantine_$f.csv" > got.$f <<'PY'
import csv, sys
with open(sys.argv[1], newline='') as fh:
    for row in csv.DictReader(fh):
        print(row['line'])
PY
	sort -n -o got.$f got.$f
	[ -s want.$f ] || fail "generator corrupted no $f rows"
	diff want.$f got.$f > diff.$f || fail "$f: corrupted vs quarantined lines differ: $(head diff.$f)"
	read_n=$(grep "^$f " log2 | sed 's/.*read \([0-9]*\) = accepted \([0-9]*\) + quarantined \([0-9]*\).*/\1 \2 \3/')
	set -- $read_n
	[ $1 = $(($2 + $3)) ] || fail "$f: $1 != $2 + $3"
	[ $3 = $(wc -l < want.$f) ] || fail "$f: quarantined $3, corrupted $(wc -l < want.$f)"
done
# every kind the generator claims to inject was rejected for a reason
kinds=$(awk -F, 'NR > 1 { print $3 }' bad/corruptions.csv | sort -u | wc -l)
[ "$kinds" -ge 12 ] || fail "only $kinds corruption kinds injected"
echo "reconciled: $(wc -l < want.persons) person and $(wc -l < want.events) event corruptions, $kinds kinds"
