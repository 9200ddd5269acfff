// DuckDB peer for bench/ingest: load persons.csv and events.csv with read_csv
// into an on-disk database file and report wall time and row counts as JSON.
import { DuckDBInstance } from '@duckdb/node-api';
import { rmSync } from 'node:fs';

const [persons, events, dbfile] = process.argv.slice(2);
rmSync(dbfile, { force: true });
rmSync(dbfile + '.wal', { force: true });
const t0 = performance.now();
const db = await DuckDBInstance.create(dbfile, { threads: String(process.env.BENCH_THREADS || 2) });
const con = await db.connect();
await con.run(`CREATE TABLE persons AS SELECT * FROM read_csv('${persons}', header = true)`);
await con.run(`CREATE TABLE events AS SELECT * FROM read_csv('${events}', header = true,
  types = {'value': 'DOUBLE'})`);
await con.run('CHECKPOINT');
const t1 = performance.now();
const r = await con.runAndReadAll('SELECT (SELECT count(*) FROM persons), (SELECT count(*) FROM events)');
const [np, ne] = r.getRows()[0].map(Number);
console.log(JSON.stringify({ seconds: (t1 - t0) / 1000, persons: np, events: ne }));
