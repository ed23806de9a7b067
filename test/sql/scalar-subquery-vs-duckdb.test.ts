// Scalar subqueries (in WHERE, in SELECT, in a SELECT without FROM) and IN with several columns in
// Weir against DuckDB on the same random rows (fast-check): streaming (the changelog folded into
// its final table; the subquery's value changes as its input arrives), batch mode and parallelism 2.
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';
import { multiset } from './duckdb-oracle.js';
import { engines as enginesIn, expectDuckDbRowsAtParallelism2, sampledTables, tables, type Rec } from './two-random-tables.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-sql-scalar-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const engines = (a: Rec[], b: Rec[]) => enginesIn(dir, a, b);

// DuckDB has no correlated IN with several columns: it reads the same condition as EXISTS.
const DUCK: Record<string, string> = {
  'SELECT k, n FROM a WHERE (n, s) IN (SELECT n, s FROM b WHERE b.k = a.k)':
    'SELECT k, n FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.k = a.k AND b.n = a.n AND b.s = a.s)',
};
const duckOf = (q: string) => DUCK[q] ?? q;

const QUERIES = [
  'SELECT k, n FROM a WHERE n > (SELECT AVG(n) FROM b)',
  'SELECT k, (SELECT MAX(n) FROM b) AS m FROM a',
  "SELECT k, n FROM a WHERE n = (SELECT MIN(k) FROM b WHERE s = 'p') OR k IS NULL",
  'SELECT s, COUNT(*) AS c FROM a WHERE n <= (SELECT COUNT(*) FROM b) GROUP BY s',
  'SELECT x.k, y.n FROM a x JOIN b y ON x.k = y.k WHERE x.n >= (SELECT MIN(n) FROM b)',
  'SELECT (SELECT COUNT(*) FROM a) AS c, (SELECT SUM(n) FROM b) AS t',
  // Two subqueries in one query, one of them over a grouped changelog.
  'SELECT k, n - (SELECT MIN(n) FROM a) AS d FROM a WHERE k < (SELECT MAX(c) FROM (SELECT k, COUNT(*) AS c FROM b GROUP BY k) g)',
  // IN with several columns: uncorrelated, correlated, and NOT IN where nothing is NULL.
  'SELECT k, n FROM a WHERE (k, n) IN (SELECT n, k FROM b)',
  'SELECT k, s FROM a WHERE (k, s) IN (SELECT k, s FROM b WHERE n > 0)',
  'SELECT k, n FROM a WHERE (n, s) IN (SELECT n, s FROM b WHERE b.k = a.k)',
  'SELECT k, n FROM a WHERE (COALESCE(k, 0), COALESCE(n, 0)) NOT IN (SELECT COALESCE(n, 0), COALESCE(k, 0) FROM b)',
];

describe('scalar subqueries and IN with several columns vs DuckDB', () => {
  it("give DuckDB's rows in streaming (final table of the changelog) and in batch mode", async () => {
    await fc.assert(
      fc.asyncProperty(tables, async ({ a, b }) => {
        const e = await engines(a, b);
        try {
          for (const q of QUERIES) {
            const expected = multiset(await e.duck(duckOf(q)));
            // In streaming, as in Flink, COUNT over no rows yields no row (so the subquery is NULL, not 0);
            // batch mode gives 0, as Flink's batch and DuckDB: a global aggregation's matter, not the subquery's.
            const countOfNothing = (q.includes('COUNT(*) FROM a)') && a.length === 0) || (q.includes('COUNT(*) FROM b)') && b.length === 0);
            if (!countOfNothing) expect(multiset((await e.weir(q)).rows), q).toEqual(expected);
            const batch = await e.weir(q, { batch: true });
            if (!q.includes('GROUP BY s')) expect(batch.updating, q).toBe(false);
            expect(multiset(batch.rows), `${q} (batch)`).toEqual(expected);
          }
        } finally {
          e.close();
        }
      }),
      { numRuns: 8 },
    );
  }, 240_000);

  it('at parallelism 2 give the same rows', async () => {
    const { a, b } = sampledTables(120, 7);
    const e = await engines(a, b);
    try {
      await expectDuckDbRowsAtParallelism2(e, [QUERIES[0]!, QUERIES[3]!, QUERIES[4]!, QUERIES[6]!, QUERIES[7]!]);
    } finally {
      e.close();
    }
  });

  it('over an empty table: COUNT(*) is 0 in batch mode (also at parallelism 2), no row and so NULL in streaming', async () => {
    const e = await engines([], [{ k: 1, n: 0, s: 'p' }]);
    try {
      const counts = 'SELECT (SELECT COUNT(*) FROM a) AS c, (SELECT SUM(n) FROM a) AS t';
      const filtered = 'SELECT k, n FROM b WHERE n <= (SELECT COUNT(*) FROM a)';
      const expected: Record<string, string[]> = { [counts]: multiset(await e.duck(counts)), [filtered]: multiset(await e.duck(filtered)) };
      expect(expected[counts]).toEqual(multiset([[0, null]]));
      expect(expected[filtered]).toEqual(multiset([[1, 0]]));
      for (const parallelism of [1, 2])
        for (const q of [counts, filtered])
          expect(multiset((await e.weir(q, { batch: true, parallelism })).rows), `${q} p=${parallelism}`).toEqual(expected[q]);
      // Streaming, as Flink's: the aggregation has no row until one arrives, so the subquery is NULL.
      expect(multiset((await e.weir(counts)).rows)).toEqual(multiset([[null, null]]));
      expect((await e.weir(filtered)).rows).toEqual([]);
    } finally {
      e.close();
    }
  });

  it('over a changelog the value follows the subquery: the rows are taken back and emitted with the new value', async () => {
    const e = await engines(
      [
        { k: 1, n: 1, s: 'p' },
        { k: 2, n: 5, s: 'q' },
      ],
      [
        { k: 1, n: 2, s: 'p' },
        { k: 2, n: 4, s: 'p' },
      ],
    );
    try {
      const q = 'SELECT k, (SELECT MAX(n) FROM b) AS m FROM a';
      const out = await e.weir(q);
      expect(out.updating).toBe(true);
      // Whether a row of a met an earlier MAX depends on which input the job read first; every row
      // emitted with a value that is not the last one must be taken back (the fold below checks that
      // none is left), and by an update, not by a delete.
      const early = out.changes.filter((c) => (c.kind === '+I' || c.kind === '+U') && c.row[1] !== 4).length;
      expect(out.kinds.filter((k) => k === '-U').length).toBe(early);
      expect(out.kinds).not.toContain('-D');
      expect(multiset(out.rows)).toEqual(multiset(await e.duck(q)));
      expect(multiset(out.rows)).toEqual(
        multiset([
          [1, 4],
          [2, 4],
        ]),
      );
    } finally {
      e.close();
    }
  });

  it('a subquery that returns more than one row fails the job, naming the subquery', async () => {
    const e = await engines(
      [{ k: 1, n: 1, s: 'p' }],
      [
        { k: 1, n: 2, s: 'p' },
        { k: 2, n: 4, s: 'p' },
      ],
    );
    try {
      const q = 'SELECT k FROM a WHERE n < (SELECT n FROM b)';
      await expect(e.duck(q)).rejects.toThrow(/More than one row/);
      await expect(e.weir(q)).rejects.toThrow(/the scalar subquery \(SELECT n FROM b\) returned more than one row/);
      await expect(e.weir(q, { batch: true })).rejects.toThrow(/returned more than one row/);
    } finally {
      e.close();
    }
  });

  it('EXPLAIN shows the join with the one-row subquery, named by its text', async () => {
    const tEnv = TableEnvironment.create();
    tEnv.executeSql("CREATE TABLE t (k INT, n INT) WITH ('connector' = 'datagen')");
    const plan = await tEnv.executeSql('EXPLAIN SELECT k FROM t WHERE n > (SELECT MAX(n) FROM t) AND k > 0').format();
    expect(plan).toContain('Join(joinType=[LeftOuterJoin], where=[true], singleRowJoin=[(SELECT MAX(n) FROM t)])');
    expect(plan).toContain('sqlScalarJoin');
  });

  it('refuse what is not there yet, naming it', () => {
    const tEnv = TableEnvironment.create();
    tEnv.executeSql("CREATE TABLE t (k INT, n INT) WITH ('connector' = 'datagen')");
    expect(() => tEnv.sqlQuery('SELECT k, n FROM t WHERE n > (SELECT k, n FROM t)')).toThrow(/must select one column, not 2/);
    expect(() => tEnv.sqlQuery('SELECT k FROM t WHERE (k, n) IN (SELECT k FROM t)')).toThrow(/must select 2 columns/);
    expect(() => tEnv.sqlQuery('SELECT k FROM t WHERE (k, n) NOT IN (SELECT k, n FROM t)')).toThrow(/NOT IN with several columns/);
    expect(() => tEnv.sqlQuery('SELECT k, COUNT(*) + (SELECT MAX(n) FROM t) FROM t GROUP BY k')).toThrow(/Scalar subqueries are supported in WHERE/);
    expect(() => tEnv.sqlQuery('SELECT (k, n) FROM t')).toThrow(/only before IN/);
  });
});
