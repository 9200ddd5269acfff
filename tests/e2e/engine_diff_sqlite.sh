#!/bin/bash
# engine_diff_sqlite.sh: differential test of the measures engine against an
# independent SQL implementation (sqlite3) on a synthetic population.
# CVDP001HYP and CVDP007HYP (as fixed in issue 4) and the A&E crude rate
# (AE_RATE, issue 9: attendances dated in the period of people registered on
# the attendance's date / the population registered at mid-period) by IMD
# quintile must have identical numerators and denominators, with `--sdc
# none`, for the pack's periods (20 quarters; 20 rolling 12-month periods)
# and for `--period-end` 2022-03-31, 2024-02-28, 2024-02-29 and 2025-09-30
# (each indicator's own length ending then: 3 months for the quarterly ones,
# 12 for the rolling ones; "the N months ending E" start the day after E - N
# months, the day clamped: 2023-03-01 for both February ends). The rules are
# docs/language.md's; the SQL reads the CSVs and the synthetic IMD lookup
# beside persons.csv, not the store.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TMPDIR"
pack="$root/packs/core20plus5"
command -v sqlite3 > /dev/null || { echo "sqlite3 CLI not installed"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

$HG synth --people 20000 --seed 7 --out data > /dev/null
$HG ingest --persons data/persons.csv --events data/events.csv --store st --no-progress > ingest.log ||
	fail "ingest: $(cat ingest.log)"
imd=$(ls data/reference/imd2019/*.csv | head -1)
[ -s "$imd" ] || fail "no synthetic IMD lookup beside persons.csv"

# healthgap: imd_quintile rows of the three indicators, from each run's indicators.csv
$HG run "$pack/core20plus5.hg" --store st --out out_q --sdc none --format csv > run.log 2>&1 ||
	fail "run: $(cat run.log)"
outs=out_q/indicators.csv
for e in 2022-03-31 2024-02-28 2024-02-29 2025-09-30; do
	$HG run "$pack/core20plus5.hg" --store st --out "out_$e" --sdc none --format csv \
		--period-end "$e" > run.log 2>&1 || fail "run --period-end $e: $(cat run.log)"
	outs="$outs out_$e/indicators.csv"
done
for f in $outs; do
	rm -f hgout.sqlite
	sqlite3 hgout.sqlite ".import --csv $f r" ".mode csv" \
		"SELECT indicator_id, period_start, period_end, category, numerator, denominator FROM r
		 WHERE indicator_id IN ('CVDP001HYP', 'CVDP007HYP', 'AE_RATE') AND breakdown = 'imd_quintile'
		   AND denominator != '0'" >> hg.csv || fail "reading $f"
done
tr -d '\r' < hg.csv > hg.tmp && mv hg.tmp hg.csv
sort -u -o hg.csv hg.csv  # a --period-end period may repeat one of the pack's

# the independent implementation
cat > load.sql <<EOF
CREATE TABLE persons(person_id, date_of_birth, sex, ethnicity, lsoa, practice, registered_from,
                     registered_to, date_of_death, f1, f2, f3);
CREATE TABLE events(person_id, date, code, value, setting);
CREATE TABLE imd(lsoa, name, lad, ladname, rank, decile);
CREATE TABLE cl_raw(code, term);
CREATE TABLE codelist(list, code);
.import --csv --skip 1 data/persons.csv persons
.import --csv --skip 1 data/events.csv events
.import --csv --skip 1 $imd imd
EOF
for l in hyp_cod hypres_cod sbp_cod dbp_cod ae_attend; do
	printf '.import --csv --skip 1 %s cl_raw\nINSERT INTO codelist SELECT %s, code FROM cl_raw;\nDELETE FROM cl_raw;\n' \
		"$pack/codelists/$l.csv" "'$l'" >> load.sql
done
cat > query.sql <<'EOF'
-- periods: CVDP's 20 quarters, AE_RATE's 20 rolling 12-month periods, and each
-- indicator's own length ending on the --period-end dates
CREATE TABLE q(ind TEXT, ps TEXT, pe TEXT);
WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < 19)
INSERT INTO q SELECT 'CVDP', date('2021-04-01', '+' || (3 * n) || ' months'),
                     date('2021-04-01', '+' || (3 * n + 3) || ' months', '-1 day') FROM k
UNION ALL SELECT 'AE', date('2020-07-01', '+' || (3 * n) || ' months'),
                     date('2020-07-01', '+' || (3 * n + 12) || ' months', '-1 day') FROM k;
INSERT INTO q VALUES ('CVDP', '2022-01-01', '2022-03-31'), ('CVDP', '2023-11-29', '2024-02-28'),
  ('CVDP', '2023-11-30', '2024-02-29'), ('CVDP', '2025-07-01', '2025-09-30'),
  ('AE', '2021-04-01', '2022-03-31'), ('AE', '2023-03-01', '2024-02-28'),
  ('AE', '2023-03-01', '2024-02-29'), ('AE', '2024-10-01', '2025-09-30');
-- mid-period (start + floor((end - start) / 2) days) and E minus 12 months (day clamped)
CREATE TABLE qq AS SELECT DISTINCT ind, ps, pe,
  date(julianday(ps) + CAST((julianday(pe) - julianday(ps)) / 2 AS INTEGER)) AS pm,
  min(date(pe, 'start of month', '-12 months', '+' || (CAST(strftime('%d', pe) AS INTEGER) - 1) || ' days'),
      date(pe, 'start of month', '-11 months', '-1 day')) AS lo12
FROM q;
CREATE TABLE p AS SELECT person_id,
  CASE WHEN length(date_of_birth) = 7 THEN date_of_birth || '-01' ELSE date_of_birth END AS dob,
  NULLIF(practice, '') AS prac,
  NULLIF(registered_from, '') AS rf, NULLIF(registered_to, '') AS rt, NULLIF(date_of_death, '') AS dod,
  COALESCE(CAST((CAST(i.decile AS INTEGER) + 1) / 2 AS TEXT), 'Unknown') AS imdq
FROM persons LEFT JOIN imd i ON i.lsoa = persons.lsoa;
CREATE TABLE ev AS SELECT e.person_id, e.date, CAST(NULLIF(e.value, '') AS REAL) AS value, e.setting, c.list
FROM events e JOIN codelist c ON c.code = e.code;
CREATE INDEX ev_i ON ev(list, person_id, date);
-- on a date d (at the start of the day): registered = a practice, rf <= d <= rt, d <= death;
-- alive = no death before d
CREATE TABLE adult AS SELECT qq.ps, qq.pe, p.person_id, p.imdq,
  CAST(substr(qq.pe, 1, 4) AS INTEGER) - CAST(substr(p.dob, 1, 4) AS INTEGER)
    - (substr(qq.pe, 6) < substr(p.dob, 6)) AS age
FROM p, qq
WHERE qq.ind = 'CVDP' AND p.prac IS NOT NULL AND p.rf <= qq.pe AND (p.rt IS NULL OR p.rt >= qq.pe)
  AND (p.dod IS NULL OR p.dod >= qq.pe)
  AND CAST(substr(qq.pe, 1, 4) AS INTEGER) - CAST(substr(p.dob, 1, 4) AS INTEGER)
    - (substr(qq.pe, 6) < substr(p.dob, 6)) >= 18;
-- on the register: a hyp code <= E and no resolution code after the latest one (up to E)
CREATE TABLE lasthyp AS SELECT a.ps, a.pe, a.person_id, max(h.date) AS last_hyp FROM adult a
JOIN ev h ON h.list = 'hyp_cod' AND h.person_id = a.person_id AND h.date <= a.pe GROUP BY 1, 2, 3;
CREATE TABLE hyp AS SELECT ps, pe, person_id FROM lasthyp l
WHERE NOT EXISTS (SELECT 1 FROM ev r WHERE r.list = 'hypres_cod' AND r.person_id = l.person_id
                  AND r.date > l.last_hyp AND r.date <= l.pe);
-- latest day in (E - 12 months, E] with a systolic and a diastolic value; lowest of each that day
CREATE TABLE bpday AS SELECT s.person_id, s.date, min(s.value) AS sys,
  (SELECT min(d.value) FROM ev d WHERE d.list = 'dbp_cod' AND d.person_id = s.person_id AND d.date = s.date
     AND d.value IS NOT NULL) AS dia
FROM ev s WHERE s.list = 'sbp_cod' AND s.value IS NOT NULL GROUP BY s.person_id, s.date;
DELETE FROM bpday WHERE dia IS NULL;
CREATE INDEX bpday_i ON bpday(person_id, date);
CREATE TABLE bp AS SELECT h.ps, h.pe, h.person_id, b.sys, b.dia FROM hyp h JOIN qq USING (ps, pe)
JOIN bpday b ON b.person_id = h.person_id AND b.date = (SELECT max(date) FROM bpday x
  WHERE x.person_id = h.person_id AND x.date > qq.lo12 AND x.date <= h.pe);
-- A&E: the population registered at mid-period; attendances in the period of people
-- registered on the attendance's date (whether or not they are in that population)
CREATE TABLE aepop AS SELECT qq.ps, qq.pe, p.imdq, count(*) AS n FROM p, qq
WHERE qq.ind = 'AE' AND p.prac IS NOT NULL AND p.rf <= qq.pm AND (p.rt IS NULL OR p.rt >= qq.pm)
  AND (p.dod IS NULL OR p.dod >= qq.pm) GROUP BY 1, 2, 3;
CREATE TABLE aeev AS SELECT qq.ps, qq.pe, p.imdq, count(*) AS n FROM qq
JOIN ev e ON e.list = 'ae_attend' AND e.setting = 'ae' AND e.date >= qq.ps AND e.date <= qq.pe
JOIN p ON p.person_id = e.person_id
WHERE qq.ind = 'AE' AND p.prac IS NOT NULL AND p.rf <= e.date AND (p.rt IS NULL OR p.rt >= e.date)
  AND (p.dod IS NULL OR p.dod >= e.date) GROUP BY 1, 2, 3;
.mode csv
.headers off
SELECT 'CVDP001HYP', a.ps, a.pe, a.imdq, count(h.person_id), count(*)
FROM adult a LEFT JOIN hyp h USING (ps, pe, person_id) GROUP BY 1, 2, 3, 4
UNION ALL
SELECT 'CVDP007HYP', h.ps, h.pe, a.imdq,
  sum(CASE WHEN b.person_id IS NULL THEN 0 WHEN a.age < 80 THEN b.sys <= 140 AND b.dia <= 90
           ELSE b.sys <= 150 AND b.dia <= 90 END), count(*)
FROM hyp h JOIN adult a USING (ps, pe, person_id) LEFT JOIN bp b USING (ps, pe, person_id) GROUP BY 1, 2, 3, 4
UNION ALL
SELECT 'AE_RATE', d.ps, d.pe, d.imdq, COALESCE(e.n, 0), d.n
FROM aepop d LEFT JOIN aeev e USING (ps, pe, imdq);
EOF
sqlite3 db.sqlite < load.sql || fail "sqlite load"
sqlite3 db.sqlite < query.sql | tr -d '\r' | sort > sql.csv || fail "sqlite query"

[ "$(wc -l < sql.csv)" -ge 300 ] || fail "too few SQL rows: $(wc -l < sql.csv)"
if ! diff hg.csv sql.csv > diff.txt; then
	head -20 diff.txt
	fail "healthgap and SQL counts differ ($(grep -c '^[<>]' diff.txt) lines)"
fi
for ind in CVDP001HYP CVDP007HYP AE_RATE; do
	n=$(grep -c "^$ind," sql.csv)
	num=$(awk -F, -v i=$ind '$1 == i { s += $5 } END { print s }' sql.csv)
	echo "$ind: $n rows identical (numerators sum to $num)"
	[ "$num" -gt 0 ] || fail "$ind: no numerator counted anywhere"
done
echo "ok: healthgap = sqlite for CVDP001HYP, CVDP007HYP, AE_RATE by IMD quintile, 24 periods each"
