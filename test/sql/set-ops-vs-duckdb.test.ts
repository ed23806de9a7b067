// UNION, INTERSECT [ALL], EXCEPT [ALL] and SELECT DISTINCT in Weir against DuckDB on the same random rows
// (fast-check), with NULLs and duplicates: streaming (the changelog folded into its final table
// in plain code), batch mode (final rows, insert-only) and at parallelism 2.
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '../../src/index.js';
import { multiset, type Values } from './duckdb-oracle.js';
import { engines as enginesIn, expectDuckDbRowsAtParallelism2, sampledTables, tables, type Rec } from './two-random-tables.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-sql-setops-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const engines = (a: Rec[], b: Rec[]) => enginesIn(dir, a, b);

const QUERIES = [
  'SELECT k, s FROM a UNION SELECT k, s FROM b',
  'SELECT k, s FROM a UNION DISTINCT SELECT n, s FROM b WHERE n > 0',
  'SELECT k, s FROM a INTERSECT SELECT k, s FROM b',
  'SELECT k, n FROM a INTERSECT ALL SELECT k, n FROM b',
  'SELECT k, s FROM a EXCEPT SELECT k, s FROM b',
  'SELECT k, n FROM a EXCEPT ALL SELECT n, k FROM b',
  // INTERSECT binds tighter than UNION and EXCEPT; UNION ALL and EXCEPT read left to right.
  'SELECT k FROM a UNION ALL SELECT k FROM b EXCEPT SELECT n FROM a INTERSECT SELECT n FROM b',
  'SELECT k FROM a EXCEPT ALL (SELECT k FROM b UNION ALL SELECT n FROM b)',
  '(SELECT k FROM a UNION ALL SELECT n FROM a) INTERSECT ALL (SELECT n FROM b)',
  'SELECT k FROM a UNION SELECT n FROM a UNION ALL SELECT k FROM b',
  // Over changelogs: the counts of a GROUP BY.
  'SELECT k, COUNT(*) AS c FROM a GROUP BY k INTERSECT SELECT k, COUNT(*) AS c FROM b GROUP BY k',
  'SELECT s, MAX(n) AS m FROM a GROUP BY s EXCEPT SELECT s, MIN(n) AS m FROM b GROUP BY s',
  // Numbers widen: INT against DOUBLE.
  'SELECT k * 1.0 AS x FROM a INTERSECT SELECT n FROM b',
  // SELECT DISTINCT: the same count per distinct row, of one input.
  'SELECT DISTINCT k, s FROM a',
  'SELECT DISTINCT c FROM (SELECT k, COUNT(*) AS c FROM a GROUP BY k)',
  'SELECT DISTINCT k FROM a UNION ALL SELECT DISTINCT n FROM b',
];

describe('set operations vs DuckDB', () => {
  it("give DuckDB's rows in streaming (final table of the changelog) and in batch mode", async () => {
    await fc.assert(
      fc.asyncProperty(tables, async ({ a, b }) => {
        const e = await engines(a, b);
        try {
          for (const q of QUERIES) {
            const expected = multiset(await e.duck(q));
            expect(multiset((await e.weir(q)).rows), q).toEqual(expected);
            const batch = await e.weir(q, { batch: true });
            expect(batch.updating, q).toBe(false);
            expect(multiset(batch.rows), `${q} (batch)`).toEqual(expected);
          }
        } finally {
          e.close();
        }
      }),
      { numRuns: 8 },
    );
  }, 180_000);

  it('at parallelism 2 give the same rows', async () => {
    const { a, b } = sampledTables(150, 7);
    const e = await engines(a, b);
    try {
      await expectDuckDbRowsAtParallelism2(e, [QUERIES[0]!, QUERIES[3]!, QUERIES[5]!, QUERIES[9]!]);
    } finally {
      e.close();
    }
  });

  it('UNION, INTERSECT and SELECT DISTINCT of insert-only inputs are insert-only; EXCEPT takes rows back', async () => {
    const e = await engines(
      [
        { k: 1, n: 1, s: 'p' },
        { k: 2, n: 2, s: 'q' },
      ],
      [{ k: 1, n: 1, s: 'p' }],
    );
    try {
      expect((await e.weir(QUERIES[0]!)).updating).toBe(false);
      expect((await e.weir(QUERIES[2]!)).updating).toBe(false);
      expect((await e.weir('SELECT DISTINCT k, s FROM a')).updating).toBe(false);
      const except = await e.weir(QUERIES[4]!);
      expect(except.updating).toBe(true);
      expect(except.rows).toEqual([[2, 'q']]);
    } finally {
      e.close();
    }
  });

  it('ORDER BY and LIMIT apply to the whole set operation (batch mode)', async () => {
    const e = await engines(
      [
        { k: 3, n: 1, s: 'p' },
        { k: 1, n: 2, s: 'q' },
        { k: 2, n: 2, s: 'q' },
      ],
      [{ k: 2, n: 1, s: 'p' }],
    );
    try {
      const q = 'SELECT k FROM a EXCEPT SELECT k FROM b ORDER BY k DESC LIMIT 5';
      expect((await e.weir(q, { batch: true })).rows).toEqual([[3], [1]]);
    } finally {
      e.close();
    }
  });
});
