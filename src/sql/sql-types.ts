import { SqlError, type SqlPosition } from './sql-error.js';

/**
 * The SQL types of this slice. Values in rows: INT, BIGINT and DOUBLE are JS numbers (BIGINT is
 * exact up to 2^53), STRING/VARCHAR strings, BOOLEAN booleans, TIMESTAMP(p) epoch milliseconds
 * without a time zone; NULL is `null`.
 */
export type SqlTypeName = 'INT' | 'BIGINT' | 'DOUBLE' | 'STRING' | 'BOOLEAN' | 'TIMESTAMP' | 'NULL';

export interface SqlType {
  readonly name: SqlTypeName;
  /** VARCHAR(n) length or TIMESTAMP(p) precision, as written. */
  readonly precision?: number;
}

export const T = {
  INT: { name: 'INT' },
  BIGINT: { name: 'BIGINT' },
  DOUBLE: { name: 'DOUBLE' },
  STRING: { name: 'STRING' },
  BOOLEAN: { name: 'BOOLEAN' },
  TIMESTAMP: { name: 'TIMESTAMP', precision: 3 },
  NULL: { name: 'NULL' },
} as const satisfies Record<string, SqlType>;

const ALIASES: Record<string, SqlTypeName> = {
  INT: 'INT',
  INTEGER: 'INT',
  TINYINT: 'INT',
  SMALLINT: 'INT',
  BIGINT: 'BIGINT',
  DOUBLE: 'DOUBLE',
  FLOAT: 'DOUBLE',
  REAL: 'DOUBLE',
  STRING: 'STRING',
  VARCHAR: 'STRING',
  CHAR: 'STRING',
  BOOLEAN: 'BOOLEAN',
  TIMESTAMP: 'TIMESTAMP',
};

/** Type names that later slices will add, so the error can say "not supported yet". */
const LATER = ['DECIMAL', 'NUMERIC', 'DATE', 'TIME', 'TIMESTAMP_LTZ', 'ARRAY', 'MAP', 'ROW', 'MULTISET', 'BYTES', 'BINARY', 'VARBINARY', 'INTERVAL'];

/** The type named `upper` (already upper-cased), or an error naming what is supported. */
export function typeNamed(upper: string, precision: number | undefined, pos: SqlPosition, sql: string): SqlType {
  const name = ALIASES[upper];
  if (name === 'TIMESTAMP') {
    if (precision !== undefined && precision > 3)
      throw new SqlError(`TIMESTAMP(${precision}) is not supported yet: Weir keeps milliseconds, use TIMESTAMP(3)`, pos, sql);
    return { name, precision: precision ?? 3 };
  }
  if (name) return precision === undefined ? { name } : { name, precision };
  if (LATER.includes(upper))
    throw new SqlError(`Type ${upper} is not supported yet (supported: INT, BIGINT, DOUBLE, STRING/VARCHAR, BOOLEAN, TIMESTAMP(3))`, pos, sql);
  throw new SqlError(`Unknown type ${upper}`, pos, sql);
}

/** How DESCRIBE shows a type, as Flink does. */
export function formatType(t: SqlType, notNull = false): string {
  const base =
    t.name === 'STRING' && t.precision !== undefined ? `VARCHAR(${t.precision})` : t.name === 'TIMESTAMP' ? `TIMESTAMP(${t.precision ?? 3})` : t.name;
  return notNull ? `${base} NOT NULL` : base;
}

export const isNumeric = (t: SqlType): boolean => t.name === 'INT' || t.name === 'BIGINT' || t.name === 'DOUBLE' || t.name === 'NULL';

/** The wider of two numeric types (INT < BIGINT < DOUBLE). */
export function widerNumeric(a: SqlType, b: SqlType): SqlType {
  const rank = (t: SqlType) => (t.name === 'DOUBLE' ? 3 : t.name === 'BIGINT' ? 2 : t.name === 'INT' ? 1 : 0);
  return rank(a) >= rank(b) ? (a.name === 'NULL' ? T.INT : a) : b;
}
