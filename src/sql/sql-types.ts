import { SqlError, type SqlPosition } from './sql-error.js';

/**
 * The SQL types. Values in rows: INT, BIGINT and DOUBLE are JS numbers (BIGINT is exact up to
 * 2^53), DECIMAL(p,s) a bigint holding the value times 10^s, STRING/VARCHAR strings, BOOLEAN
 * booleans, TIMESTAMP(p) epoch milliseconds of the wall-clock time read as UTC, TIMESTAMP_LTZ(p)
 * epoch milliseconds, DATE days since 1970-01-01, TIME milliseconds of the day, ARRAY a JS array,
 * MAP a JS Map, ROW a plain object keyed by field name; NULL is `null`. INTERVAL (day to second)
 * is milliseconds and INTERVAL_MONTHS (year to month) months; they only appear inside expressions.
 */
export type SqlTypeName =
  | 'INT'
  | 'BIGINT'
  | 'DOUBLE'
  | 'DECIMAL'
  | 'STRING'
  | 'BOOLEAN'
  | 'TIMESTAMP'
  | 'TIMESTAMP_LTZ'
  | 'DATE'
  | 'TIME'
  | 'INTERVAL'
  | 'INTERVAL_MONTHS'
  | 'ARRAY'
  | 'MAP'
  | 'ROW'
  | 'NULL';

export interface SqlType {
  readonly name: SqlTypeName;
  /** VARCHAR(n) length, TIMESTAMP(p) precision or DECIMAL(p, s) precision, as written. */
  readonly precision?: number;
  /** DECIMAL(p, s) scale. */
  readonly scale?: number;
  /** ARRAY<element>. */
  readonly element?: SqlType;
  /** MAP<key, value>. */
  readonly key?: SqlType;
  readonly value?: SqlType;
  /** ROW<name type, ...>. */
  readonly fields?: readonly { readonly name: string; readonly type: SqlType }[];
  /** TIMESTAMP_LTZ of a result: the time zone the client shows it in (`table.local-time-zone`). */
  readonly zone?: string;
}

export const T = {
  INT: { name: 'INT' },
  BIGINT: { name: 'BIGINT' },
  DOUBLE: { name: 'DOUBLE' },
  STRING: { name: 'STRING' },
  BOOLEAN: { name: 'BOOLEAN' },
  TIMESTAMP: { name: 'TIMESTAMP', precision: 3 },
  TIMESTAMP_LTZ: { name: 'TIMESTAMP_LTZ', precision: 3 },
  DATE: { name: 'DATE' },
  TIME: { name: 'TIME' },
  INTERVAL: { name: 'INTERVAL' },
  INTERVAL_MONTHS: { name: 'INTERVAL_MONTHS' },
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
  TIMESTAMP_LTZ: 'TIMESTAMP_LTZ',
  DATE: 'DATE',
  TIME: 'TIME',
  DECIMAL: 'DECIMAL',
  DEC: 'DECIMAL',
  NUMERIC: 'DECIMAL',
};

/** Type names that later slices will add, so the error can say "not supported yet". */
const LATER = ['MULTISET', 'BYTES', 'BINARY', 'VARBINARY', 'INTERVAL', 'RAW'];

/** The type named `upper` (already upper-cased), or an error naming what is supported. */
export function typeNamed(upper: string, precision: number | undefined, pos: SqlPosition, sql: string, scale?: number): SqlType {
  const name = ALIASES[upper];
  if (name === 'TIMESTAMP' || name === 'TIMESTAMP_LTZ') {
    // Up to microseconds, held as the fraction of the milliseconds (types/micros.ts); 7 to 9 keep microseconds.
    if (precision !== undefined && (precision < 0 || precision > 9)) throw new SqlError(`${name}(${precision}): the precision must be 0 to 9`, pos, sql);
    return { name, precision: precision ?? 3 };
  }
  if (name === 'DECIMAL') {
    const p = precision ?? 10;
    const s = scale ?? 0;
    if (p < 1 || p > 38) throw new SqlError(`DECIMAL(${p}, ${s}): the precision must be 1 to 38`, pos, sql);
    if (s < 0 || s > p) throw new SqlError(`DECIMAL(${p}, ${s}): the scale must be 0 to the precision`, pos, sql);
    return { name, precision: p, scale: s };
  }
  if (name === 'TIME') {
    // TIME(p) keeps what TIMESTAMP(p) does; p also says how many fraction digits a sink writes.
    if (precision !== undefined && (precision < 0 || precision > 9)) throw new SqlError(`TIME(${precision}): the precision must be 0 to 9`, pos, sql);
    return precision ? { name, precision } : { name };
  }
  if (name) return precision === undefined ? { name } : { name, precision };
  if (LATER.includes(upper))
    throw new SqlError(
      `Type ${upper} is not supported yet (supported: INT, BIGINT, DOUBLE, DECIMAL, STRING/VARCHAR, BOOLEAN, DATE, TIME, TIMESTAMP, TIMESTAMP_LTZ, ARRAY, MAP, ROW)`,
      pos,
      sql,
    );
  throw new SqlError(`Unknown type ${upper}`, pos, sql);
}

/** How DESCRIBE shows a type, as Flink does. */
export function formatType(t: SqlType, notNull = false): string {
  const base =
    t.name === 'STRING' && t.precision !== undefined
      ? `VARCHAR(${t.precision})`
      : t.name === 'TIMESTAMP'
        ? `TIMESTAMP(${t.precision ?? 3})`
        : t.name === 'TIMESTAMP_LTZ'
          ? `TIMESTAMP_LTZ(${t.precision ?? 3})`
          : t.name === 'DECIMAL'
            ? `DECIMAL(${t.precision ?? 10}, ${t.scale ?? 0})`
            : t.name === 'ARRAY'
              ? `ARRAY<${formatType(t.element!)}>`
              : t.name === 'MAP'
                ? `MAP<${formatType(t.key!)}, ${formatType(t.value!)}>`
                : t.name === 'ROW'
                  ? `ROW<${t.fields!.map((f) => `\`${f.name}\` ${formatType(f.type)}`).join(', ')}>`
                  : t.name;
  return notNull ? `${base} NOT NULL` : base;
}

export const isNumeric = (t: SqlType): boolean => t.name === 'INT' || t.name === 'BIGINT' || t.name === 'DOUBLE' || t.name === 'NULL';

/** The wider of two numeric types (INT < BIGINT < DOUBLE). */
export function widerNumeric(a: SqlType, b: SqlType): SqlType {
  const rank = (t: SqlType) => (t.name === 'DOUBLE' ? 3 : t.name === 'BIGINT' ? 2 : t.name === 'INT' ? 1 : 0);
  return rank(a) >= rank(b) ? (a.name === 'NULL' ? T.INT : a) : b;
}
