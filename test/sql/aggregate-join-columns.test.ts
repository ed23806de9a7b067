// Aggregates over a join whose sides have columns of the same name: `COUNT(*) FILTER (WHERE a.s ...)`
// and `COUNT(*) FILTER (WHERE b.s ...)` are two calls, not one (they were merged when calls were
// told apart by column names without their tables; found by the DuckDB-oracle property test,
// seed 782864019). The expected rows follow from the input by hand.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';
import { foldChangelog, rowValues } from './duckdb-oracle.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-sql-agg-join-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(
  join(dir, 'a.json'),
  [
    { k: 1, s: 'x' },
    { k: 1, s: 'y' },
    { k: 2, s: null },
  ]
    .map((r) => JSON.stringify(r) + '\n')
    .join(''),
);
writeFileSync(
  join(dir, 'b.json'),
  [
    { k: 1, s: 'x' },
    { k: 3, s: 'z' },
  ]
    .map((r) => JSON.stringify(r) + '\n')
    .join(''),
);

async function rows(sql: string, mode: 'streaming' | 'batch'): Promise<unknown[][]> {
  const tEnv = TableEnvironment.create();
  for (const t of ['a', 'b'])
    tEnv.executeSql(`CREATE TABLE ${t} (k INT, s STRING) WITH ('connector' = 'filesystem', 'path' = '${join(dir, `${t}.json`)}', 'format' = 'json')`);
  tEnv.executeSql(`SET 'execution.runtime-mode' = '${mode}'`);
  const t = tEnv.sqlQuery(sql);
  const result = t.execute();
  const out = t.updating
    ? foldChangelog((await result.changelog()).map((c) => ({ kind: c.kind, row: rowValues(t.columns, c.row) })))
    : (await result.collect()).map((r) => rowValues(t.columns, r));
  return out.map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v))).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
}

describe('aggregate calls over a join tell the sides apart', () => {
  for (const mode of ['streaming', 'batch'] as const) {
    it(`${mode}: FILTERs, arguments and GROUP BY naming a.s and b.s are different calls`, async () => {
      // FULL JOIN on k: (1,x)-(1,x), (1,y)-(1,x), (2,null)-none, none-(3,z).
      const q = `SELECT a.k AS g, COUNT(*) FILTER (WHERE a.s IS NOT NULL) AS ca, COUNT(*) FILTER (WHERE b.s IS NOT NULL) AS cb,
        MAX(a.s) AS ma, MAX(b.s) AS mb FROM a FULL JOIN b ON a.k = b.k GROUP BY a.k`;
      expect(await rows(q, mode)).toEqual([
        [1, 2, 2, 'y', 'x'],
        [2, 0, 0, null, null],
        [null, 0, 1, null, 'z'],
      ]);
      // A qualified GROUP BY column and its unqualified use in SELECT are still the same column.
      expect(await rows('SELECT s, COUNT(*) AS c FROM a GROUP BY a.s', mode)).toEqual([
        ['x', 1],
        ['y', 1],
        [null, 1],
      ]);
    });
  }
});
