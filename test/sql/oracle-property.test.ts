// The DuckDB-oracle property test: random queries (see random-queries.ts) over random bounded
// tables with NULLs give the same rows in Weir's batch mode, in Weir's streaming mode (the final
// table after folding its changelog) and in DuckDB. fast-check prints the seed and the shrunk
// query of a failure; SQL_ORACLE_SEED and SQL_ORACLE_RUNS replay or widen a run.
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import '../../src/index.js';
import { TableEnvironment } from '../../src/sql/index.js';
import { duckdb, type Values } from './duckdb-oracle.js';
import { DUCK_COLUMNS, queryArb, recArb, TABLE_COLUMNS, type Rec } from './random-queries.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-sql-property-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Numbers compared to 10 significant digits: sums of DOUBLEs in another order differ in the last bits. */
function canonical(rows: readonly Values[]): string[] {
  const value = (v: unknown): unknown => {
    if (typeof v === 'bigint') return Number(v);
    if (typeof v === 'number') return Number.isInteger(v) ? v : Number(v.toPrecision(10));
    return v ?? null;
  };
  return rows.map((r) => JSON.stringify(r.map(value))).sort();
}

/** The final table of a changelog: +I/+U add a row, -U/-D take back one equal row, which must be there. */
export function fold(changes: readonly { kind: string; row: Values }[]): Values[] {
  const table = new Map<string, Values[]>();
  for (const { kind, row } of changes) {
    const text = JSON.stringify(row);
    const same = table.get(text) ?? [];
    if (kind === '+I' || kind === '+U') table.set(text, [...same, row]);
    else if (same.length === 0) throw new Error(`${kind} of a row the table does not hold: ${text}`);
    else same.pop();
  }
  return [...table.values()].flat();
}

let run = 0;
/** Writes the tables as JSON Lines and runs `sql` in Weir (batch or streaming) over them. */
async function weir(files: Record<string, string>, sql: string, mode: 'batch' | 'streaming'): Promise<{ rows: Values[]; kinds: string[] }> {
  const tEnv = TableEnvironment.create();
  for (const [name, path] of Object.entries(files)) {
    tEnv.executeSql(`CREATE TABLE ${name} (${TABLE_COLUMNS}) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'json')`);
  }
  tEnv.executeSql(`SET 'execution.runtime-mode' = '${mode}'`);
  const t = tEnv.sqlQuery(sql);
  const result = t.execute();
  if (!t.updating) {
    const rows = (await result.collect()).map((row) => t.columns.map((c) => row[c.name]));
    return { rows, kinds: rows.map(() => '+I') };
  }
  const changes = (await result.changelog()).map((c) => ({ kind: c.kind, row: t.columns.map((col) => c.row[col.name]) }));
  return { rows: fold(changes), kinds: changes.map((c) => c.kind) };
}

function writeTables(a: Rec[], b: Rec[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [name, rows] of Object.entries({ a, b })) {
    const path = join(dir, `${name}-${run}.json`);
    writeFileSync(path, rows.map((r) => JSON.stringify(r) + '\n').join(''));
    files[name] = path;
  }
  run++;
  return files;
}

const tablesArb = fc.record({ a: fc.array(recArb, { maxLength: 30 }), b: fc.array(recArb, { maxLength: 30 }) });

describe('random queries: Weir batch = Weir streaming (folded) = DuckDB', () => {
  it('over random tables with NULLs', async () => {
    await fc.assert(
      fc.asyncProperty(tablesArb, queryArb, async ({ a, b }, q) => {
        const files = writeTables(a, b);
        const oracle = await duckdb(
          Object.fromEntries(
            Object.entries(files).map(([name, path]) => [name, `read_json('${path}', format = 'newline_delimited', columns = ${DUCK_COLUMNS})`]),
          ),
        );
        try {
          const expected = canonical(await oracle.query(q.duck));
          const streaming = await weir(files, q.weir, 'streaming');
          expect(canonical(streaming.rows), 'streaming').toEqual(expected);
          const batch = await weir(files, q.weir, 'batch');
          expect(canonical(batch.rows), 'batch').toEqual(expected);
        } finally {
          oracle.close();
        }
      }),
      {
        numRuns: Number(process.env.SQL_ORACLE_RUNS ?? 60),
        ...(process.env.SQL_ORACLE_SEED !== undefined ? { seed: Number(process.env.SQL_ORACLE_SEED) } : {}),
      },
    );
  }, 600_000);
});
