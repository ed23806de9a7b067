// WITH (common table expressions) and VALUES in Weir against DuckDB on the same random rows
// (fast-check): streaming (the changelog folded into its final table) and batch mode.
import fc from 'fast-check';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';
import { multiset } from './duckdb-oracle.js';
import { engines as enginesIn, tables, type Rec } from './two-random-tables.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-sql-with-values-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const engines = (a: Rec[], b: Rec[]) => enginesIn(dir, a, b);

const QUERIES = [
  // Several names, a later one reading an earlier one, then a join with a table.
  'WITH x AS (SELECT k, n FROM a WHERE n IS NOT NULL), y AS (SELECT k, COUNT(*) AS c FROM x GROUP BY k) SELECT y.k, y.c, b.s FROM y JOIN b ON y.k = b.k',
  // Column names in WITH, and a name read twice (a self-join) and in an IN subquery.
  'WITH t(x, y) AS (SELECT k, s FROM a) SELECT p.x, q.y FROM t p JOIN t q ON p.x = q.x WHERE p.x IN (SELECT k FROM b)',
  'WITH m AS (SELECT s, MAX(n) AS top FROM b GROUP BY s) SELECT a.k, a.n, m.top FROM a LEFT JOIN m ON a.s = m.s',
  // A WITH inside a subquery sees the outer names too.
  'WITH x AS (SELECT k FROM a) SELECT * FROM (WITH y AS (SELECT k FROM x WHERE k > 0) SELECT k FROM y) z',
  // VALUES as a table: joined, grouped, in IN, in UNION ALL.
  "SELECT v.x, v.y, a.n FROM (VALUES (1, 'p'), (2, 'q'), (NULL, 'p')) AS v(x, y) JOIN a ON a.k = v.x",
  "SELECT y, COUNT(*) AS c, MIN(x) AS lo FROM (VALUES (1, 'p'), (2, 'p'), (3, 'q'), (CAST(NULL AS INT), 'q')) AS v(x, y) GROUP BY y",
  'WITH v AS (SELECT * FROM (VALUES (0), (1)) AS t(k)) SELECT a.k, a.s FROM a WHERE a.k IN (SELECT k FROM v)',
  "SELECT k, s FROM a UNION ALL VALUES (9, 'z'), (10, NULL)",
  'SELECT n, s FROM b WHERE n IN (VALUES (1), (2))',
];

describe('WITH and VALUES vs DuckDB', () => {
  it("give DuckDB's rows in streaming (final table of the changelog) and in batch mode", async () => {
    await fc.assert(
      fc.asyncProperty(tables, async ({ a, b }) => {
        const e = await engines(a, b);
        try {
          for (const q of QUERIES) {
            const expected = multiset(await e.duck(q));
            expect(multiset((await e.weir(q)).rows), q).toEqual(expected);
            expect(multiset((await e.weir(q, { batch: true })).rows), `${q} (batch)`).toEqual(expected);
          }
        } finally {
          e.close();
        }
      }),
      { numRuns: 6 },
    );
  }, 180_000);

  it('INSERT INTO ... VALUES writes the rows, cast to the columns of the table', async () => {
    const out = join(dir, 'insert-values');
    const tEnv = TableEnvironment.create();
    tEnv.executeSql(`CREATE TABLE t (id BIGINT, name STRING, price DOUBLE) WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'json')`);
    await tEnv.executeSql("INSERT INTO t VALUES (1, 'a', 2), (2, NULL, 3.5), (3, 'c', NULL)").await();
    const rows = readdirSync(out)
      .filter((f) => !f.startsWith('.'))
      .flatMap((f) => readFileSync(join(out, f), 'utf8').trim().split('\n'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((r) => [r.id, r.name, r.price]).sort()).toEqual([
      [1, 'a', 2],
      [2, null, 3.5],
      [3, 'c', null],
    ]);
  });

  it('name what is wrong: a name given twice, rows of different widths, too many column names', () => {
    const tEnv = TableEnvironment.create();
    expect(() => tEnv.sqlQuery('WITH x AS (VALUES (1)), x AS (VALUES (2)) SELECT * FROM x')).toThrow(/WITH names 'x' twice/);
    expect(() => tEnv.sqlQuery('VALUES (1, 2), (3)')).toThrow(/as many values each/);
    expect(() => tEnv.sqlQuery('SELECT * FROM (VALUES (1)) AS t(a, b)')).toThrow(/2 column names given for 1 columns/);
    expect(() => tEnv.sqlQuery("VALUES (1), ('a')")).toThrow(/Column 1 of VALUES mixes/);
    expect(() => tEnv.sqlQuery('WITH RECURSIVE x AS (VALUES (1)) SELECT * FROM x')).toThrow(/WITH RECURSIVE is not supported/);
  });
});
