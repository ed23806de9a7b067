// Built-in functions and the DECIMAL, DATE and TIMESTAMP types over the same random rows in Weir and
// in DuckDB: equal results as multisets. The rows come from fast-check (seeded), with NULLs in every
// column and the extremes of INT, so NULL semantics and edge values are exercised.
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';
import { duckdb, multiset, type Values } from './duckdb-oracle.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-sql-functions-'));
const path = join(dir, 't.json');
const SEED = Number(process.env.SQL_ORACLE_SEED ?? 2027);

const nullable = <T>(a: fc.Arbitrary<T>) => fc.option(a, { freq: 6, nil: null });
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const tsText = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
const row = fc.record({
  s: nullable(fc.stringMatching(/^[ab,X0-9-]{0,8}$/)),
  n: nullable(fc.oneof(fc.constantFrom(2147483647, -2147483648, 0, 1, -1), fc.integer({ min: -100_000, max: 100_000 }))),
  // DECIMAL(10, 2) as exact text, up to the type's extremes.
  d: nullable(
    fc.oneof(
      fc.constantFrom(99999999.99, -99999999.99, 0, 0.01, 0.1, 0.2),
      fc.integer({ min: -9_999_999_999, max: 9_999_999_999 }).map((c) => c / 100),
    ),
  ),
  ts: nullable(fc.integer({ min: 0, max: 4_102_444_799_999 })),
});
const rows = fc.sample(row, { seed: SEED, numRuns: 300 }).map((r, id) => ({
  id,
  s: r.s,
  n: r.n,
  d: r.d === null ? null : r.d.toFixed(2),
  ts: r.ts === null ? null : tsText(r.ts),
  dt: r.ts === null ? null : tsText(r.ts).slice(0, 10),
}));
writeFileSync(path, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');

const COLUMNS = 'id INT, s STRING, n INT, d DECIMAL(10, 2), ts TIMESTAMP(3), dt DATE';
const DUCK_COLUMNS = "{'id': 'INTEGER', 's': 'VARCHAR', 'n': 'INTEGER', 'd': 'DECIMAL(10,2)', 'ts': 'TIMESTAMP', 'dt': 'DATE'}";
const F = "'%Y-%m-%d %H:%M:%S.%g'";

/** [Weir's text, DuckDB's text of the same query] (one text when the two dialects agree). */
const QUERIES: (string | [string, string])[] = [
  [
    "SELECT id, REPLACE(s, 'a', 'XY'), CONCAT_WS('-', s, CAST(n AS STRING), s) FROM t",
    "SELECT id, replace(s, 'a', 'XY'), concat_ws('-', s, CAST(n AS VARCHAR), s) FROM t",
  ],
  [
    "SELECT id, SPLIT_INDEX(s, ',', 0), SPLIT_INDEX(s, ',', 1), SPLIT_INDEX(s, '-', 2) FROM t",
    "SELECT id, CASE WHEN s <> '' THEN string_split(s, ',')[1] END, CASE WHEN s <> '' THEN string_split(s, ',')[2] END, CASE WHEN s <> '' THEN string_split(s, '-')[3] END FROM t",
  ],
  [
    "SELECT id, REGEXP_EXTRACT(s, '([ab]+)(X)', 1), REGEXP_EXTRACT(s, '[0-9]+'), REGEXP_REPLACE(s, '[0-9]+', '#') FROM t",
    "SELECT id, CASE WHEN regexp_matches(s, '([ab]+)(X)') THEN regexp_extract(s, '([ab]+)(X)', 1) END, CASE WHEN regexp_matches(s, '[0-9]+') THEN regexp_extract(s, '[0-9]+') END, regexp_replace(s, '[0-9]+', '#', 'g') FROM t",
  ],
  [
    "SELECT id, LPAD(s, 5, 'xy'), RPAD(s, 5, 'xy'), POSITION('a' IN s), CHAR_LENGTH(s) FROM t",
    "SELECT id, lpad(s, 5, 'xy'), rpad(s, 5, 'xy'), position('a' in s), length(s) FROM t",
  ],
  [
    'SELECT id, TRY_CAST(s AS INT), CAST(TRY_CAST(s AS DECIMAL(10, 2)) AS STRING) FROM t',
    'SELECT id, TRY_CAST(s AS INTEGER), CAST(TRY_CAST(s AS DECIMAL(10, 2)) AS VARCHAR) FROM t',
  ],
  ['SELECT id, ABS(n), MOD(n, 7), SIGN(n) FROM t WHERE n > -2147483648', 'SELECT id, abs(n), n % 7, sign(n) FROM t WHERE n > -2147483648'],
  [
    'SELECT id, POWER(n, 2), SQRT(ABS(n * 1.0)), LN(ABS(n * 1.0) + 1.0), LOG10(ABS(n * 1.0) + 1.0), EXP(n / 100000.0) FROM t',
    'SELECT id, power(n, 2), sqrt(abs(n * 1.0)), ln(abs(n * 1.0) + 1.0), log10(abs(n * 1.0) + 1.0), exp(n / 100000.0) FROM t',
  ],
  ['SELECT id, FLOOR(n / 3.0), CEIL(n / 3.0) FROM t', 'SELECT id, floor(n / 3.0), ceil(n / 3.0) FROM t'],
  // DECIMAL is exact: sums, products and comparisons as text with the type's scale.
  [
    'SELECT id, CAST(d + d AS STRING), CAST(d * 3 AS STRING), CAST(d - n AS STRING), CAST(-d AS STRING), d > 100, d = n, d IN (0, 1, n), d BETWEEN -5 AND 5 FROM t',
    'SELECT id, CAST(d + d AS VARCHAR), CAST(d * 3 AS VARCHAR), CAST(d - n AS VARCHAR), CAST(-d AS VARCHAR), d > 100, d = n, d IN (0, 1, n), d BETWEEN -5 AND 5 FROM t',
  ],
  [
    'SELECT id, CAST(ROUND(d, 1) AS STRING), CAST(ROUND(d) AS STRING), CAST(FLOOR(d) AS STRING), CAST(CEIL(d) AS STRING), CAST(ABS(d) AS STRING) FROM t',
    'SELECT id, CAST(round(d, 1) AS VARCHAR), CAST(round(d, 0)::DECIMAL(18, 0) AS VARCHAR), CAST(floor(d)::DECIMAL(18, 0) AS VARCHAR), CAST(ceil(d)::DECIMAL(18, 0) AS VARCHAR), CAST(abs(d) AS VARCHAR) FROM t',
  ],
  ['SELECT id, CAST(d / 4 AS DOUBLE), CAST(d AS DOUBLE), CAST(d AS INT) FROM t', 'SELECT id, d / 4, CAST(d AS DOUBLE), CAST(trunc(d) AS INTEGER) FROM t'],
  [
    'SELECT CAST(SUM(d) AS STRING), COUNT(d), CAST(MIN(d) AS STRING), CAST(MAX(d) AS STRING), CAST(AVG(d) AS DOUBLE) FROM t',
    'SELECT CAST(SUM(d) AS VARCHAR), COUNT(d), CAST(MIN(d) AS VARCHAR), CAST(MAX(d) AS VARCHAR), AVG(d) FROM t',
  ],
  ['SELECT CAST(d AS STRING), COUNT(*) FROM t GROUP BY d', 'SELECT CAST(d AS VARCHAR), COUNT(*) FROM t GROUP BY d'],
  [
    'SELECT id, EXTRACT(YEAR FROM ts), EXTRACT(MONTH FROM ts), EXTRACT(DAY FROM ts), EXTRACT(HOUR FROM ts), EXTRACT(MINUTE FROM ts), EXTRACT(SECOND FROM ts), EXTRACT(QUARTER FROM ts), EXTRACT(DOY FROM ts) FROM t',
    'SELECT id, year(ts), month(ts), day(ts), hour(ts), minute(ts), second(ts), quarter(ts), dayofyear(ts) FROM t',
  ],
  [
    "SELECT id, DATE_FORMAT(ts, 'yyyy-MM-dd HH:mm:ss'), DATE_FORMAT(ts, 'yy/M/d'), YEAR(dt), MONTH(dt), DAYOFMONTH(dt) FROM t",
    "SELECT id, strftime(ts, '%Y-%m-%d %H:%M:%S'), strftime(ts, '%y/%-m/%-d'), year(dt), month(dt), day(dt) FROM t",
  ],
  [
    "SELECT id, TIMESTAMPDIFF(DAY, ts, TIMESTAMP '2000-01-01 00:00:00'), TIMESTAMPDIFF(HOUR, TIMESTAMP '2000-01-01 00:00:00', ts), TIMESTAMPDIFF(MONTH, ts, TIMESTAMP '2000-01-01 00:00:00'), TIMESTAMPDIFF(YEAR, TIMESTAMP '2000-02-29 12:00:00', ts) FROM t",
    "SELECT id, date_sub('day', ts, TIMESTAMP '2000-01-01 00:00:00'), date_sub('hour', TIMESTAMP '2000-01-01 00:00:00', ts), date_sub('month', ts, TIMESTAMP '2000-01-01 00:00:00'), date_sub('year', TIMESTAMP '2000-02-29 12:00:00', ts) FROM t",
  ],
  [
    `SELECT id, DATE_FORMAT(TIMESTAMPADD(MONTH, 1, ts), 'yyyy-MM-dd HH:mm:ss.SSS'), DATE_FORMAT(TIMESTAMPADD(HOUR, MOD(n, 1000), ts), 'yyyy-MM-dd HH:mm:ss.SSS'), DATE_FORMAT(ts + INTERVAL '90' MINUTE, 'yyyy-MM-dd HH:mm:ss.SSS'), DATE_FORMAT(ts - INTERVAL '2' DAY, 'yyyy-MM-dd HH:mm:ss.SSS') FROM t`,
    `SELECT id, strftime(ts + INTERVAL 1 MONTH, ${F}), strftime(ts + to_hours(n % 1000), ${F}), strftime(ts + INTERVAL 90 MINUTE, ${F}), strftime(ts - INTERVAL 2 DAY, ${F}) FROM t`,
  ],
  [
    `SELECT id, DATE_FORMAT(ts + INTERVAL '1' MONTH, 'yyyy-MM-dd HH:mm:ss.SSS'), DATE_FORMAT(ts - INTERVAL '2' YEAR, 'yyyy-MM-dd HH:mm:ss.SSS'), CAST(dt + INTERVAL '13' MONTHS AS STRING), CAST(INTERVAL '1' YEAR + dt AS STRING) FROM t`,
    `SELECT id, strftime(ts + INTERVAL 1 MONTH, ${F}), strftime(ts - INTERVAL 2 YEAR, ${F}), CAST(CAST(dt + INTERVAL 13 MONTH AS DATE) AS VARCHAR), CAST(CAST(INTERVAL 1 YEAR + dt AS DATE) AS VARCHAR) FROM t`,
  ],
  [
    "SELECT id, DATE_FORMAT(FLOOR(ts TO HOUR), 'yyyy-MM-dd HH:mm:ss.SSS'), DATE_FORMAT(FLOOR(ts TO MONTH), 'yyyy-MM-dd HH:mm:ss.SSS'), DATE_FORMAT(CEIL(ts TO DAY), 'yyyy-MM-dd HH:mm:ss.SSS') FROM t",
    `SELECT id, strftime(date_trunc('hour', ts), ${F}), strftime(date_trunc('month', ts), ${F}), strftime(CASE WHEN date_trunc('day', ts) = ts THEN ts ELSE date_trunc('day', ts) + INTERVAL 1 DAY END, ${F}) FROM t`,
  ],
  [
    "SELECT id, CAST(CAST(ts AS DATE) AS STRING), CAST(dt + INTERVAL '3' DAY AS STRING), CAST(dt AS STRING), dt < DATE '2000-01-01', CAST(CAST(ts AS TIME) AS STRING) FROM t",
    "SELECT id, CAST(CAST(ts AS DATE) AS VARCHAR), CAST(CAST(dt + INTERVAL 3 DAY AS DATE) AS VARCHAR), CAST(dt AS VARCHAR), dt < DATE '2000-01-01', strftime(ts, '%H:%M:%S') FROM t",
  ],
  ['SELECT id, ARRAY[n, id][2], CARDINALITY(ARRAY[s, s, s]), ARRAY[n, id][3] FROM t', 'SELECT id, [n, id][2], len([s, s, s]), [n, id][3] FROM t'],
];

let oracle: Awaited<ReturnType<typeof duckdb>>;
beforeAll(async () => {
  oracle = await duckdb({ t: `read_json('${path}', format = 'newline_delimited', columns = ${DUCK_COLUMNS})` });
});
afterAll(() => {
  oracle?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function weir(query: string, parallelism = 1): Promise<Values[]> {
  const tEnv = TableEnvironment.create();
  tEnv.executeSql(`SET 'parallelism.default' = '${parallelism}'`);
  tEnv.executeSql(`CREATE TABLE t (${COLUMNS}) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'json')`);
  const table = tEnv.sqlQuery(query);
  const out = await table.execute().collect();
  return out.map((r) => table.columns.map((c) => r[c.name]));
}

describe('functions and types agree with DuckDB', () => {
  it.each(QUERIES.map((q) => (typeof q === 'string' ? [q, q] : q)))('%s', async (q, duckQuery) => {
    const expected = await oracle.query(duckQuery);
    expect(expected.length).toBeGreaterThan(0);
    expect(multiset(await weir(q))).toEqual(multiset(expected));
  });
});

describe('at parallelism 2', () => {
  // DECIMAL values (bigints) as GROUP BY keys cross the hash exchange, alone and with another key.
  it.each([
    [
      'SELECT CAST(d AS STRING), COUNT(*), CAST(SUM(d) AS STRING) FROM t GROUP BY d',
      'SELECT CAST(d AS VARCHAR), COUNT(*), CAST(SUM(d) AS VARCHAR) FROM t GROUP BY d',
    ],
    [
      "SELECT CAST(d AS STRING), DATE_FORMAT(ts, 'yyyy'), COUNT(*) FROM t GROUP BY d, DATE_FORMAT(ts, 'yyyy')",
      "SELECT CAST(d AS VARCHAR), strftime(ts, '%Y'), COUNT(*) FROM t GROUP BY d, strftime(ts, '%Y')",
    ],
  ])('%s', async (q, duckQuery) => {
    expect(multiset(await weir(q, 2))).toEqual(multiset(await oracle.query(duckQuery)));
  });
});
