import type mysql from 'mysql2/promise';
import { ConfigError } from '../../core/errors.js';
import type { Connection } from './mysql-catalog.js';
import type { ResolvedMysqlCdcOptions } from './mysql-cdc-options.js';

const INTEGER_TYPES = ['tinyint', 'smallint', 'mediumint', 'int', 'bigint'];
const SYSTEM_SCHEMAS = ['mysql', 'information_schema', 'performance_schema', 'sys'];

/** One table the source captures, as it was when the job first started. */
export interface CapturedTable {
  readonly database: string;
  readonly table: string;
  /** The primary key's columns, in key order. */
  readonly keyColumns: readonly string[];
  /**
   * The key column the snapshot is split on: the first key column when it is an integer. A table
   * whose key starts with another type is read as one chunk (its order in JS would not be the
   * server's collation order, which chunk bounds must follow).
   */
  readonly chunkColumn?: string;
  /** Every column, in table order (the schema schema-change handling starts from). */
  readonly columns: readonly string[];
}

/** `database.table`, the id splits and changes name a table by. */
export const tableIdOf = (t: { readonly database: string; readonly table: string }): string => `${t.database}.${t.table}`;

/** Back-quoted `database`.`table`. */
export const quotedTable = (t: CapturedTable): string => `\`${t.database.replace(/`/g, '``')}\`.\`${t.table.replace(/`/g, '``')}\``;

/**
 * The base tables whose database matches `database-name` and whose name matches `table-name`
 * (whole names, as regular expressions), each with its primary key. No match, or a matched table
 * without a primary key, fails naming the patterns or the table.
 */
export async function capturedTables(c: Connection, o: ResolvedMysqlCdcOptions): Promise<CapturedTable[]> {
  const matched = await matchingTables(c, o);
  if (matched.length === 0)
    throw new ConfigError(
      o.database === ''
        ? `mysql-cdc: no table matches 'tables' = '${o.table}' (or the user may not SELECT it)`
        : `mysql-cdc: no table matches 'database-name' = '${o.database}' and 'table-name' = '${o.table}' (or the user may not SELECT it)`,
    );
  const out: CapturedTable[] = [];
  for (const t of matched) out.push(await describeTable(c, t.database, t.table));
  return out;
}

/** The base tables whose database and name match the patterns, by name only. */
export async function matchingTables(c: Connection, o: ResolvedMysqlCdcOptions): Promise<{ database: string; table: string }[]> {
  const [tables] = await c.query<mysql.RowDataPacket[]>(
    `SELECT TABLE_SCHEMA AS db, TABLE_NAME AS name FROM information_schema.TABLES
      WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN (${SYSTEM_SCHEMAS.map(() => '?').join(', ')})
      ORDER BY TABLE_SCHEMA, TABLE_NAME`,
    SYSTEM_SCHEMAS,
  );
  return tables.map((t) => ({ database: String(t.db), table: String(t.name) })).filter((t) => o.matches(t.database, t.table));
}

/** One table's key and columns; a table without a primary key fails naming it. */
export async function describeTable(c: Connection, database: string, table: string): Promise<CapturedTable> {
  const [cols] = await c.query<mysql.RowDataPacket[]>(
    `SELECT COLUMN_NAME AS name, DATA_TYPE AS type, COLUMN_KEY AS ckey FROM information_schema.COLUMNS
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [database, table],
  );
  const [keys] = await c.query<mysql.RowDataPacket[]>(
    `SELECT COLUMN_NAME AS name FROM information_schema.KEY_COLUMN_USAGE
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION`,
    [database, table],
  );
  if (keys.length === 0) throw new ConfigError(`mysql-cdc: ${database}.${table} has no primary key; a captured table needs one (changes are applied by it)`);
  const keyColumns = keys.map((k) => String(k.name));
  const firstType = String(cols.find((col) => col.name === keyColumns[0])?.type ?? '').toLowerCase();
  return {
    database,
    table,
    keyColumns,
    ...(INTEGER_TYPES.includes(firstType) ? { chunkColumn: keyColumns[0]! } : {}),
    columns: cols.map((col) => String(col.name)),
  };
}
