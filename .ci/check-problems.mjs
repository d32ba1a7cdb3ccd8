// Reads the demo's problems and quarantine with DuckDB, a Parquet reader independent of Spark,
// and checks the contract's columns, the row counts against the manifests, and unique ids.
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';

const dir = process.argv[2];
const db = await DuckDBInstance.create(':memory:');
const con = await db.connect();
const rows = async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJson();
const fail = (message) => { console.error(`check-problems: ${message}`); process.exit(1); };

const expected = ['problem_id', 'problem', 'solution', 'answer', 'rubric', 'source', 'competition',
  'category', 'level', 'benchmark', 'origin', 'metadata'];
const columns = (await rows(`DESCRIBE SELECT * FROM '${dir}/problems/*.parquet'`)).map((r) => r.column_name);
if (JSON.stringify(columns) !== JSON.stringify(expected)) fail(`columns ${columns} != ${expected}`);

for (const name of ['problems', 'quarantine']) {
  const manifest = JSON.parse(readFileSync(`${dir}/${name}/.manifest.json`, 'utf8'));
  const [{ n }] = await rows(`SELECT count(*) AS n FROM '${dir}/${name}/*.parquet'`);
  if (Number(n) !== manifest.rows) fail(`${name}: DuckDB reads ${n} rows, the manifest says ${manifest.rows}`);
  console.log(`check-problems: ${name}: ${n} rows, as the manifest says`);
}
const [{ ids, n }] = await rows(`SELECT count(DISTINCT problem_id) AS ids, count(*) AS n FROM '${dir}/problems/*.parquet'`);
if (ids !== n) fail(`${n} rows but ${ids} distinct ids`);
if (Number(n) <= 1500) fail(`only ${n} problems`);
const bad = await rows(`SELECT count(*) AS n FROM '${dir}/quarantine/*.parquet' WHERE reason IS NULL OR raw IS NULL`);
if (Number(bad[0].n) !== 0) fail('quarantined rows without reason or raw text');
console.log(`check-problems: ${n} problems with unique ids; contract columns present`);
