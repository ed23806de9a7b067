import type pg from 'pg';
import { ConfigError } from '../../core/errors.js';
import type { ResolvedCdcOptions } from './postgres-cdc-options.js';

const INTEGER_TYPES = ['int2', 'int4', 'int8'];

/** One table the source captures, as it was when the job first started. */
export interface CapturedTable {
  readonly schema: string;
  readonly table: string;
  /** The primary key's columns, in key order. */
  readonly keyColumns: readonly string[];
  /** The first key column when it is an integer: the snapshot is split on it; otherwise the table is one chunk. */
  readonly chunkColumn?: string;
}

/** `schema.table`, the id splits and changes name a table by. */
export const tableIdOf = (t: { readonly schema: string; readonly table: string }): string => `${t.schema}.${t.table}`;

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;
/** Double-quoted `schema`.`table`. */
export const quotedTable = (t: { readonly schema: string; readonly table: string }): string => `${ident(t.schema)}.${ident(t.table)}`;

/**
 * The ordinary tables whose schema matches `schema-name` and whose name matches `table-name` (whole
 * names, as regular expressions), each with its primary key. No match, or a matched table without a
 * primary key, fails naming the patterns or the table.
 */
export async function capturedTables(client: pg.Client, o: ResolvedCdcOptions): Promise<CapturedTable[]> {
  const matched = await matchingTables(client, o);
  if (matched.length === 0)
    throw new ConfigError(
      o.schema === ''
        ? `postgres-cdc: no table matches 'tables' = '${o.table}'`
        : `postgres-cdc: no table matches 'schema-name' = '${o.schema}' and 'table-name' = '${o.table}'`,
    );
  const out: CapturedTable[] = [];
  for (const t of matched) out.push(await describeTable(client, t.schema, t.table));
  return out;
}

/** The ordinary tables the patterns match now, by name, in name order (none is no error). */
export async function matchingTables(client: pg.Client, o: ResolvedCdcOptions): Promise<{ schema: string; table: string }[]> {
  const { rows } = await client.query<{ schema: string; table: string }>(
    `SELECT n.nspname AS schema, c.relname AS table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
      ORDER BY 1, 2`,
  );
  return rows.filter((r) => o.matches(r.schema, r.table));
}

/** Table `schema`.`table` with its primary key; one without a primary key fails naming it. */
export async function describeTable(client: pg.Client, schema: string, table: string): Promise<CapturedTable> {
  const keys = await client.query<{ name: string; type: string }>(
    `SELECT a.attname AS name, ty.typname AS type
       FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
       JOIN pg_type ty ON ty.oid = a.atttypid
      WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY k.ord`,
    [quotedTable({ schema, table })],
  );
  if (keys.rows.length === 0)
    throw new ConfigError(`postgres-cdc: ${schema}.${table} has no primary key; a captured table needs one (changes are applied by it)`);
  const first = keys.rows[0]!;
  return {
    schema,
    table,
    keyColumns: keys.rows.map((k) => k.name),
    ...(INTEGER_TYPES.includes(first.type) ? { chunkColumn: first.name } : {}),
  };
}
