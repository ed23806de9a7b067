// Two small random tables `a` and `b` (k INT, n INT, s STRING, few values, NULLs and duplicates)
// for the tests that compare a query in Weir with DuckDB over the same rows: the set operations and
// the IN / EXISTS subqueries.
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';
import { duckdb, foldChangelog, multiset, rowValues, type Values } from './duckdb-oracle.js';

export interface Rec {
  k: number | null;
  n: number | null;
  s: string | null;
}
export const rec = fc.record({
  k: fc.option(fc.integer({ min: 0, max: 3 }), { freq: 5 }),
  n: fc.option(fc.integer({ min: 0, max: 3 }), { freq: 5 }),
  s: fc.option(fc.constantFrom('p', 'q'), { freq: 5 }),
});
export const tables = fc.record({ a: fc.array(rec, { minLength: 0, maxLength: 20 }), b: fc.array(rec, { minLength: 0, maxLength: 20 }) });

/** One fixed pair of tables of `size` rows each, drawn from `seed`: the input of the checks at parallelism 2. */
export function sampledTables(size: number, seed: number): { a: Rec[]; b: Rec[] } {
  const [pair] = fc.sample(fc.record({ a: fc.array(rec, { minLength: size, maxLength: size }), b: fc.array(rec, { minLength: size, maxLength: size }) }), {
    numRuns: 1,
    seed,
  });
  return pair!;
}

let run = 0;
/** Both engines over the same rows; Weir's changelog is folded into its final table. */
export async function engines(dir: string, a: Rec[], b: Rec[]) {
  const files: Record<string, string> = {};
  for (const [name, rows] of Object.entries({ a, b })) {
    const path = join(dir, `${name}-${run}.json`);
    writeFileSync(path, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
    files[name] = path;
  }
  run++;
  const oracle = await duckdb(
    Object.fromEntries(
      Object.entries(files).map(([name, path]) => [
        name,
        `read_json('${path}', format = 'newline_delimited', columns = {'k': 'INTEGER', 'n': 'INTEGER', 's': 'VARCHAR'})`,
      ]),
    ),
  );
  return {
    duck: (sql: string) => oracle.query(sql),
    async weir(
      sql: string,
      opts: { parallelism?: number; batch?: boolean } = {},
    ): Promise<{ rows: Values[]; updating: boolean; kinds: string[]; changes: { kind: string; row: Values }[] }> {
      const tEnv = TableEnvironment.create();
      for (const name of ['a', 'b'])
        tEnv.executeSql(`CREATE TABLE ${name} (k INT, n INT, s STRING) WITH ('connector' = 'filesystem', 'path' = '${files[name]}', 'format' = 'json')`);
      tEnv.executeSql(`SET 'parallelism.default' = '${opts.parallelism ?? 1}'`);
      if (opts.batch) tEnv.executeSql("SET 'execution.runtime-mode' = 'batch'");
      const t = tEnv.sqlQuery(sql);
      const result = t.execute();
      if (!t.updating) return { rows: (await result.collect()).map((row) => rowValues(t.columns, row)), updating: false, kinds: [], changes: [] };
      const changes = (await result.changelog()).map((c) => ({ kind: c.kind, row: rowValues(t.columns, c.row) }));
      return { rows: foldChangelog(changes), updating: true, kinds: changes.map((c) => c.kind), changes };
    },
    close: () => oracle.close(),
  };
}

export type Engines = Awaited<ReturnType<typeof engines>>;

/** Expects each query's rows at parallelism 2, in streaming (the folded changelog) and in batch mode, to be DuckDB's. */
export async function expectDuckDbRowsAtParallelism2(e: Engines, queries: readonly string[]): Promise<void> {
  for (const q of queries) {
    const expected = multiset(await e.duck(q));
    expect(multiset((await e.weir(q, { parallelism: 2 })).rows), q).toEqual(expected);
    expect(multiset((await e.weir(q, { parallelism: 2, batch: true })).rows), `${q} (batch)`).toEqual(expected);
  }
}
