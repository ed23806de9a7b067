import { DuckDBInstance } from '@duckdb/node-api';
import type { SqlType } from '../../src/sql/sql-types.js';
import { decimalToNumber } from '../../src/sql/types/decimal.js';

/** A row as compared across engines: values in column order, numbers rounded so float noise is not a difference. */
export type Values = unknown[];

export function normalize(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return Number.isInteger(v) ? v : Number(v.toPrecision(12));
  return v ?? null;
}

/** Rows as a sorted list of JSON texts: equal lists mean equal multisets. */
export function multiset(rows: readonly Values[]): string[] {
  return rows.map((r) => JSON.stringify(r.map(normalize))).sort();
}

/**
 * DuckDB over the same files Weir reads: `tables` maps a table name to the DuckDB expression that
 * reads it (read_csv/read_json with the columns typed as in the Weir DDL).
 */
export async function duckdb(tables: Record<string, string>): Promise<{ query(sql: string): Promise<Values[]>; close(): void }> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  for (const [name, reader] of Object.entries(tables)) await conn.run(`CREATE TABLE ${name} AS SELECT * FROM ${reader}`);
  return {
    async query(sql) {
      return (await conn.runAndReadAll(sql)).getRowsJS() as Values[];
    },
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

/**
 * The final table of a changelog: +I/+U add a row, -U/-D remove one equal row, which must be there
 * (a retraction of a row the table does not hold is an error, not something to skip).
 */
export function foldChangelog(changes: readonly { kind: string; row: Values }[]): Values[] {
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

/**
 * A Weir row's values in column order, as DuckDB's rows give them: a DECIMAL (an unscaled bigint
 * in Weir) as the number it stands for. `normalize` then compares it to 12 digits.
 */
export function rowValues(columns: readonly { readonly name: string; readonly type: SqlType }[], row: Readonly<Record<string, unknown>>): Values {
  return columns.map((c) => {
    const v = row[c.name] ?? null;
    return c.type.name === 'DECIMAL' && typeof v === 'bigint' ? decimalToNumber(v, c.type.scale ?? 0) : v;
  });
}
