// DuckDB peer for bench/engine: load persons.csv, events.csv, the IMD lookup and
// the pack's codelists into tables (timed as "load"), then compute CVDP001HYP,
// CVDP007HYP (20 financial quarters 2021-22 to 2025-26) and the A&E crude rate
// (20 rolling 12-month periods ending at the same quarter ends: attendances of
// people registered on the attendance's date over the population registered at
// mid-period) by IMD quintile x ethnicity in SQL (timed as "query"), with the
// same rules as the healthgap pack (docs/language.md). Writes the result rows as
// CSV to OUT and prints timings as JSON.
//   node duckdb_query.mjs PERSONS EVENTS IMD_CSV CODELIST_DIR OUT_CSV
import { DuckDBInstance } from '@duckdb/node-api';
import { writeFileSync } from 'node:fs';

const [persons, events, imd, cldir, out] = process.argv.slice(2);
const db = await DuckDBInstance.create(':memory:', { threads: String(process.env.BENCH_THREADS || 2) });
const con = await db.connect();
const lists = ['hyp_cod', 'hypres_cod', 'sbp_cod', 'dbp_cod', 'ae_attend'];

const t0 = performance.now();
await con.run(`CREATE TABLE persons AS SELECT * FROM read_csv('${persons}', header = true, all_varchar = true)`);
await con.run(`CREATE TABLE events AS SELECT * FROM read_csv('${events}', header = true,
  columns = {'person_id': 'VARCHAR', 'date': 'DATE', 'code': 'VARCHAR', 'value': 'DOUBLE', 'setting': 'VARCHAR'})`);
await con.run(`CREATE TABLE imd AS SELECT column0 AS lsoa, CAST(column5 AS INTEGER) AS decile
  FROM read_csv('${imd}', header = false, skip = 1, all_varchar = true)`);
await con.run(`CREATE TABLE codelist AS ` + lists.map((l) =>
  `SELECT '${l}' AS list, code FROM read_csv('${cldir}/${l}.csv', header = true, all_varchar = true)`).join(' UNION ALL '));
const t1 = performance.now();

const sql = [
  // quarters: start ps, end pe, mid-period pm
  `CREATE TEMP TABLE q AS SELECT k::INTEGER AS k, (DATE '2021-04-01' + to_months(3 * k::INTEGER))::DATE AS ps,
     ((DATE '2021-04-01' + to_months(3 * k::INTEGER + 3))::DATE - 1) AS pe FROM range(20) t(k)`,
  // rolling 12-month periods for the A&E rate: start ps, end pe, mid-period pm
  `CREATE TEMP TABLE qa AS SELECT k::INTEGER AS k, (DATE '2020-07-01' + to_months(3 * k::INTEGER))::DATE AS ps,
     ((DATE '2020-07-01' + to_months(3 * k::INTEGER + 12))::DATE - 1) AS pe FROM range(20) t(k)`,
  `ALTER TABLE qa ADD COLUMN pm DATE`,
  `UPDATE qa SET pm = ps + CAST((pe - ps) // 2 AS INTEGER)`,
  `CREATE TEMP TABLE p AS SELECT person_id,
     CAST(CASE WHEN length(date_of_birth) = 7 THEN date_of_birth || '-01' ELSE date_of_birth END AS DATE) AS dob,
     NULLIF(practice, '') AS prac, CAST(registered_from AS DATE) AS rf, CAST(registered_to AS DATE) AS rt, CAST(date_of_death AS DATE) AS dod,
     CASE WHEN i.decile IS NULL THEN 'Unknown' ELSE CAST((i.decile + 1) // 2 AS VARCHAR) END AS imdq,
     CASE WHEN upper(ethnicity) IN ('A', 'B', 'C') THEN 'White' WHEN upper(ethnicity) IN ('D', 'E', 'F', 'G') THEN 'Mixed'
          WHEN upper(ethnicity) IN ('H', 'J', 'K', 'L') THEN 'Asian' WHEN upper(ethnicity) IN ('M', 'N', 'P') THEN 'Black'
          WHEN upper(ethnicity) IN ('R', 'S') THEN 'Other' ELSE 'Not stated' END AS eth
   FROM persons LEFT JOIN imd i ON i.lsoa = persons.lsoa`,
  `CREATE TEMP TABLE ev AS SELECT e.person_id, e.date, e.value, e.setting, c.list
   FROM events e JOIN codelist c ON c.code = e.code`,
  // adults registered (a practice, rf <= d <= rt, d <= death) and alive (no death before d) at each quarter end
  `CREATE TEMP TABLE adult AS SELECT q.k, p.person_id, p.imdq, p.eth,
     year(q.pe) - year(p.dob) - CASE WHEN month(q.pe) * 32 + day(q.pe) < month(p.dob) * 32 + day(p.dob) THEN 1 ELSE 0 END AS age
   FROM p, q WHERE p.prac IS NOT NULL AND p.rf <= q.pe AND (p.rt IS NULL OR p.rt >= q.pe) AND (p.dod IS NULL OR p.dod >= q.pe)
     AND year(q.pe) - year(p.dob) - CASE WHEN month(q.pe) * 32 + day(q.pe) < month(p.dob) * 32 + day(p.dob) THEN 1 ELSE 0 END >= 18`,
  // hypertension register: latest hyp code <= E with no resolution code after it (up to E)
  `CREATE TEMP TABLE hyp AS SELECT h.k, h.person_id FROM
     (SELECT q.k, q.pe, ev.person_id, max(ev.date) AS last_hyp FROM ev JOIN q ON ev.date <= q.pe
      WHERE ev.list = 'hyp_cod' GROUP BY ALL) h
   WHERE NOT EXISTS (SELECT 1 FROM ev r WHERE r.list = 'hypres_cod' AND r.person_id = h.person_id
     AND r.date > h.last_hyp AND r.date <= h.pe)`,
  // days with both a systolic and a diastolic value: the lowest of each
  `CREATE TEMP TABLE bp AS SELECT s.person_id, s.date, s.v AS sys, d.v AS dia FROM
     (SELECT person_id, date, min(value) AS v FROM ev WHERE list = 'sbp_cod' AND value IS NOT NULL GROUP BY ALL) s JOIN
     (SELECT person_id, date, min(value) AS v FROM ev WHERE list = 'dbp_cod' AND value IS NOT NULL GROUP BY ALL) d
     USING (person_id, date)`,
  `CREATE TEMP TABLE bpq AS SELECT q.k, bp.person_id, arg_max(bp.sys, bp.date) AS sys, arg_max(bp.dia, bp.date) AS dia
   FROM bp JOIN q ON bp.date > q.pe - INTERVAL 12 MONTH AND bp.date <= q.pe GROUP BY ALL`,
  // registered population at mid-period, and A&E attendances of people registered on the attendance's date
  `CREATE TEMP TABLE pop AS SELECT qa.k, p.imdq, p.eth, count(*) AS n FROM p, qa
   WHERE p.prac IS NOT NULL AND p.rf <= qa.pm AND (p.rt IS NULL OR p.rt >= qa.pm) AND (p.dod IS NULL OR p.dod >= qa.pm)
   GROUP BY ALL`,
  `CREATE TEMP TABLE aeq AS SELECT qa.k, p.imdq, p.eth, count(*) AS n FROM ev JOIN p USING (person_id)
   JOIN qa ON ev.date >= qa.ps AND ev.date <= qa.pe
   WHERE ev.list = 'ae_attend' AND ev.setting = 'ae' AND p.prac IS NOT NULL AND p.rf <= ev.date
     AND (p.rt IS NULL OR p.rt >= ev.date) AND (p.dod IS NULL OR p.dod >= ev.date) GROUP BY ALL`,
];
const final = `
  SELECT 'CVDP001HYP' AS indicator_id, q.pe AS period_end, a.imdq, a.eth,
         count(h.person_id) AS numerator, count(*) AS denominator
  FROM adult a JOIN q USING (k) LEFT JOIN hyp h USING (k, person_id) GROUP BY ALL
  UNION ALL
  SELECT 'CVDP007HYP', q.pe, a.imdq, a.eth,
         count(*) FILTER (WHERE CASE WHEN a.age < 80 THEN b.sys <= 140 AND b.dia <= 90 ELSE b.sys <= 150 AND b.dia <= 90 END),
         count(*)
  FROM adult a JOIN q USING (k) JOIN hyp h USING (k, person_id) LEFT JOIN bpq b USING (k, person_id) GROUP BY ALL
  UNION ALL
  SELECT 'AE_RATE', qa.pe, pop.imdq, pop.eth, coalesce(aeq.n, 0), pop.n
  FROM pop JOIN qa USING (k) LEFT JOIN aeq USING (k, imdq, eth)
  ORDER BY 1, 2, 3, 4`;
for (const s of sql) {
  const a = performance.now();
  await con.run(s);
  if (process.env.BENCH_VERBOSE) console.error(((performance.now() - a) / 1000).toFixed(2), s.slice(0, 60).replace(/\s+/g, ' '));
}
const r = await con.runAndReadAll(final);
const t2 = performance.now();
const rows = r.getRows();
writeFileSync(out, 'indicator_id,period_end,imd_quintile,ethnicity,numerator,denominator\n' +
  rows.map((x) => x.map(String).join(',')).join('\n') + '\n');
console.log(JSON.stringify({ load_seconds: (t1 - t0) / 1000, query_seconds: (t2 - t1) / 1000, rows: rows.length }));
