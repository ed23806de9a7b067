// IN / NOT IN / EXISTS / NOT EXISTS subqueries in Weir against DuckDB on the same random rows
// (fast-check), with NULLs and duplicates: streaming (the changelog folded into its final table
// in plain code), batch mode (final rows, insert-only) and at parallelism 2; NOT IN's NULL semantics.
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';
import { multiset, type Values } from './duckdb-oracle.js';
import { engines as enginesIn, expectDuckDbRowsAtParallelism2, sampledTables, tables, type Rec } from './two-random-tables.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-sql-subquery-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const engines = (a: Rec[], b: Rec[]) => enginesIn(dir, a, b);

const QUERIES = [
  'SELECT k, n FROM a WHERE k IN (SELECT k FROM b)',
  'SELECT k, s FROM a WHERE s IN (SELECT s FROM b WHERE n > 1) AND n IS NOT NULL',
  'SELECT k, n FROM a WHERE k NOT IN (SELECT k FROM b)',
  'SELECT k, n FROM a WHERE NOT (n IN (SELECT k FROM b WHERE s = a.s OR s IS NULL))'.replace('a.s', "'p'"),
  // Neither side may be NULL: a plain anti join on the key.
  'SELECT k, n FROM a WHERE COALESCE(k, -1) NOT IN (SELECT COALESCE(n, -1) FROM b)',
  'SELECT * FROM a WHERE EXISTS (SELECT * FROM b WHERE b.k = a.k)',
  'SELECT k, s FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.k = a.k AND a.s = b.s AND b.n > 1)',
  'SELECT k, s FROM a x WHERE EXISTS (SELECT 1 FROM b WHERE n = x.k) AND k > 0',
  'SELECT k FROM a WHERE EXISTS (SELECT * FROM b WHERE n > 2)',
  'SELECT k FROM a WHERE NOT EXISTS (SELECT * FROM b WHERE n > 2)',
  // Over changelogs, and under a GROUP BY and a join.
  'SELECT k, n FROM a WHERE n IN (SELECT COUNT(*) FROM b GROUP BY k)',
  'SELECT k FROM a WHERE k NOT IN (SELECT MAX(n) FROM b GROUP BY s)',
  'SELECT s, COUNT(*) AS c FROM a WHERE k IN (SELECT n FROM b) GROUP BY s',
  "SELECT x.k, y.n FROM a x JOIN b y ON x.k = y.k WHERE x.n NOT IN (SELECT n FROM b WHERE s = 'p')",
  'SELECT k, n FROM a WHERE k IN (SELECT k FROM b) AND NOT EXISTS (SELECT 1 FROM b WHERE b.n = a.n)',
  // Correlated IN: the value and the correlating equalities are the join keys.
  'SELECT k, n FROM a WHERE n IN (SELECT n FROM b WHERE b.k = a.k AND s IS NOT NULL)',
  'SELECT k, s FROM a WHERE COALESCE(n, 0) NOT IN (SELECT COALESCE(n, 0) FROM b WHERE b.s = a.s)',
];

describe('IN and EXISTS subqueries vs DuckDB', () => {
  it("give DuckDB's rows in streaming (final table of the changelog) and in batch mode", async () => {
    await fc.assert(
      fc.asyncProperty(tables, async ({ a, b }) => {
        const e = await engines(a, b);
        try {
          for (const q of QUERIES) {
            const expected = multiset(await e.duck(q));
            expect(multiset((await e.weir(q)).rows), q).toEqual(expected);
            const batch = await e.weir(q, { batch: true });
            // A GROUP BY over the semi join stays a changelog in batch mode too.
            if (!q.includes('GROUP BY s')) expect(batch.updating, q).toBe(false);
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
    const { a, b } = sampledTables(150, 11);
    const e = await engines(a, b);
    try {
      await expectDuckDbRowsAtParallelism2(e, [QUERIES[0]!, QUERIES[2]!, QUERIES[4]!, QUERIES[6]!, QUERIES[10]!]);
    } finally {
      e.close();
    }
  });

  it('NOT IN: an empty subquery keeps every row (NULL too); a NULL on either side drops the row', async () => {
    const a = [
      { k: 1, n: 1, s: 'p' },
      { k: null, n: 2, s: 'p' },
      { k: 2, n: 3, s: 'p' },
    ];
    const q = 'SELECT n FROM a WHERE k NOT IN (SELECT k FROM b)';
    const cases: [Rec[], number[]][] = [
      [[], [1, 2, 3]],
      [[{ k: 1, n: 0, s: null }], [3]],
      [
        [
          { k: 1, n: 0, s: null },
          { k: null, n: 0, s: null },
        ],
        [],
      ],
    ];
    for (const [b, want] of cases) {
      const e = await engines(a, b);
      try {
        expect(multiset((await e.duck(q)) as Values[])).toEqual(multiset(want.map((n) => [n])));
        expect(multiset((await e.weir(q)).rows)).toEqual(multiset(want.map((n) => [n])));
        expect(multiset((await e.weir(q, { batch: true })).rows)).toEqual(multiset(want.map((n) => [n])));
      } finally {
        e.close();
      }
    }
  });

  it('IN over insert-only inputs is insert-only; NOT IN and NOT EXISTS take rows back', async () => {
    const e = await engines([{ k: 1, n: 1, s: 'p' }], [{ k: 1, n: 1, s: 'p' }]);
    try {
      expect((await e.weir(QUERIES[0]!)).updating).toBe(false);
      expect((await e.weir(QUERIES[2]!)).updating).toBe(true);
      expect((await e.weir(QUERIES[6]!)).updating).toBe(true);
    } finally {
      e.close();
    }
  });
});

describe('subqueries Weir does not run', () => {
  it.each([
    ['SELECT k FROM a WHERE k IN (SELECT k, n FROM b)', 'The subquery of IN must select one column, not 2'],
    ['SELECT k FROM a WHERE k > 0 OR k IN (SELECT k FROM b)', 'IN (SELECT ...) subqueries are supported only as conditions of WHERE joined by AND'],
    ['SELECT k, EXISTS (SELECT k FROM b) AS e FROM a', 'EXISTS subqueries are supported only as conditions of WHERE joined by AND'],
    ['SELECT k FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.n > a.n)', "The correlated condition 'b.n > a.n' of an EXISTS subquery is not supported"],
    ['SELECT k FROM a WHERE s IN (SELECT k FROM b)', 'IN compares STRING with INT of the subquery; use CAST'],
    ['SELECT k FROM a WHERE n NOT IN (SELECT n FROM b WHERE b.k = a.k)', 'NOT IN with a correlated subquery is supported only where neither side can be NULL'],
    ['SELECT k FROM a WHERE n IN (SELECT n FROM b WHERE b.k = a.kk)', "Column 'kk' not found"],
    [
      'SELECT k FROM a WHERE EXISTS (SELECT COUNT(*) FROM b WHERE b.k = a.k)',
      'A correlated EXISTS subquery with GROUP BY, aggregates, ORDER BY or LIMIT is not supported',
    ],
  ])('%s', async (sql, message) => {
    const e = await engines([], []);
    try {
      await expect(e.weir(sql)).rejects.toThrow(message);
    } finally {
      e.close();
    }
  });
});

describe('the plan', () => {
  it('names the semi and anti joins by the condition as written, and the set operation', () => {
    const t = TableEnvironment.create();
    for (const name of ['a', 'b']) t.executeSql(`CREATE TABLE ${name} (k INT, n INT, s STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '3')`);
    const plan = JSON.parse(
      t.sqlQuery('SELECT k FROM a WHERE k NOT IN (SELECT n FROM b) AND EXISTS (SELECT * FROM b WHERE b.k = a.n) EXCEPT SELECT n FROM b').explain(),
    ) as { nodes: { name: string; kind: string; changelog: string }[] };
    const named = plan.nodes.map((n) => [n.kind, n.name, n.changelog]);
    expect(named).toContainEqual(['sqlSemiJoin', 'Join(joinType=[LeftAntiJoin], where=[k NOT IN (SELECT n FROM b)])', 'changelog']);
    expect(named).toContainEqual(['sqlSemiJoin', 'Join(joinType=[LeftSemiJoin], where=[EXISTS (SELECT * FROM b WHERE b.k = a.n)])', 'changelog']);
    expect(named).toContainEqual(['sqlSetOp', 'SetOp(EXCEPT, select=[k])', 'changelog']);
  });
});
