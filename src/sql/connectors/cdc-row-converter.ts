import type { Column } from '../expression-compiler.js';
import type { Row } from '../operators/calc-operator.js';
import { formatTimestamp, parseTimestamp } from '../runtime-helpers.js';
import { SqlError } from '../sql-error.js';
import type { SqlType, SqlTypeName } from '../sql-types.js';
import { decimalFromNumber, parseDecimalText } from '../types/decimal.js';
import { MicroDate } from '../../core/micro-date.js';
import { withMicros } from '../types/micros.js';
import { DAY, parseDate, parseTime, utcMillis } from '../types/temporal.js';
import { parseInstant } from '../types/instant-text.js';

type Convert = (v: unknown, column: string, type: SqlType) => unknown;

const fail = (column: string, v: unknown, type: string): never => {
  throw new SqlError(`Column '${column}': ${describe(v)} from the database is not ${type}`);
};

function describe(v: unknown): string {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'a date out of range' : `the date ${v.toISOString()}`;
  if (Buffer.isBuffer(v)) return `${v.length} bytes`;
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v);
  return `'${s.length > 60 ? s.slice(0, 57) + '...' : s}'`;
}

/** A date-time the driver parsed in local time (DATETIME, `timestamp`): the same wall clock, as UTC milliseconds. */
const wallClock = (d: Date): number => utcMillis(d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds());

/** A driver's Date at precision p: the microseconds a MicroDate carries are kept only above 3. */
const finer = (ms: number, d: Date, p: number): number => (p > 3 && d instanceof MicroDate ? withMicros(ms, d.micros) : ms);
const precisionOf = (t: SqlType): number => t.precision ?? 3;

function integer(v: unknown, column: string, type: string, min: number, max: number): number {
  const n = typeof v === 'number' ? v : typeof v === 'bigint' || typeof v === 'string' ? Number(v) : typeof v === 'boolean' ? (v ? 1 : 0) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) fail(column, v, type === 'BIGINT' ? 'a BIGINT Weir keeps exactly (|n| <= 2^53)' : 'an INT');
  return n;
}

/**
 * How a database value (as `pg`, `mysql2` or the binlog decoder give it) becomes a value of the
 * column's SQL type: DECIMAL text to DOUBLE or STRING without change, BIGINT text to a number only
 * when exact, DATETIME/`timestamp` to TIMESTAMP's epoch milliseconds of the same wall clock,
 * JSON objects and byte strings to STRING (JSON text, hex). A value that does not fit fails naming
 * the column, never turns into NULL.
 */
const CONVERTERS: Record<SqlTypeName, Convert> = {
  INT: (v, c) => integer(v, c, 'INT', -2147483648, 2147483647),
  BIGINT: (v, c) => integer(v, c, 'BIGINT', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
  DOUBLE: (v, c) => {
    // NaN and the infinities are values of PostgreSQL's real and double precision.
    if (typeof v === 'number') return v;
    const n = typeof v === 'string' || typeof v === 'bigint' ? Number(v) : NaN;
    if (Number.isNaN(n) && v !== 'NaN') fail(c, v, 'a DOUBLE');
    return n;
  },
  STRING: (v) =>
    typeof v === 'string'
      ? v
      : v instanceof Date
        ? formatTimestamp(wallClock(v))
        : Buffer.isBuffer(v)
          ? v.toString('hex')
          : typeof v === 'object'
            ? JSON.stringify(v)
            : String(v),
  BOOLEAN: (v, c) =>
    typeof v === 'boolean' ? v : typeof v === 'number' ? v !== 0 : v === 't' || v === '1' ? true : v === 'f' || v === '0' ? false : fail(c, v, 'a BOOLEAN'),
  TIMESTAMP: (v, c, t) => {
    // A driver's Date of a year beyond JavaScript's range (PostgreSQL goes to 294276) is invalid.
    if (v instanceof Date)
      return Number.isNaN(v.getTime()) ? fail(c, v, 'a TIMESTAMP Weir can hold (years up to 275759)') : finer(wallClock(v), v, precisionOf(t));
    if (typeof v === 'number') return v;
    if (typeof v === 'string') {
      try {
        return parseTimestamp(v, precisionOf(t));
      } catch {
        return fail(c, v, 'a TIMESTAMP');
      }
    }
    return fail(c, v, 'a TIMESTAMP');
  },
  // DECIMAL and NUMERIC arrive as text from both drivers: parsed exactly at the column's scale.
  DECIMAL: (v, c, t) => {
    const s = t.scale ?? 0;
    const d =
      typeof v === 'string'
        ? parseDecimalText(v, s)
        : typeof v === 'number'
          ? decimalFromNumber(v, s)
          : typeof v === 'bigint'
            ? v * 10n ** BigInt(s)
            : undefined;
    return d ?? fail(c, v, `a DECIMAL(${t.precision ?? 10}, ${s})`);
  },
  DATE: (v, c) => {
    if (v instanceof Date) return Math.floor(wallClock(v) / DAY);
    if (typeof v === 'string') {
      try {
        return parseDate(v.slice(0, 10));
      } catch {
        return fail(c, v, 'a DATE');
      }
    }
    return typeof v === 'number' ? v : fail(c, v, 'a DATE');
  },
  TIME: (v, c, t) => {
    if (typeof v === 'string') {
      try {
        return parseTime(v, t.precision ?? 0);
      } catch {
        return fail(c, v, 'a TIME');
      }
    }
    return typeof v === 'number' ? v : fail(c, v, 'a TIME');
  },
  // An instant: `timestamptz` and a binlog TIMESTAMP come as Dates of that instant; a MySQL
  // snapshot reads TIMESTAMP as text in its UTC session, so text without an offset is UTC.
  TIMESTAMP_LTZ: (v, c, t) => {
    if (v instanceof Date) return finer(v.getTime(), v, precisionOf(t));
    if (typeof v === 'number') return v;
    if (typeof v !== 'string') return fail(c, v, 'a TIMESTAMP_LTZ');
    const ms = parseInstant(v, precisionOf(t));
    return Number.isNaN(ms) ? fail(c, v, 'a TIMESTAMP_LTZ') : ms;
  },
  ARRAY: (v, c) => (Array.isArray(v) ? v : fail(c, v, 'an ARRAY')),
  MAP: (v, c) => (v instanceof Map ? v : typeof v === 'object' && v !== null ? new Map(Object.entries(v)) : fail(c, v, 'a MAP')),
  ROW: (v, c) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : fail(c, v, 'a ROW')),
  INTERVAL: (v, c) => fail(c, v, 'an INTERVAL column (not a column type)'),
  INTERVAL_MONTHS: (v, c) => fail(c, v, 'an INTERVAL column (not a column type)'),
  NULL: (v) => v,
};

/**
 * The convert step of a CDC table: each declared column read from the change's row (a metadata
 * column from the metadata key the source added) and turned into the declared type. The old row
 * of a PostgreSQL update or delete under the default REPLICA IDENTITY holds only the key: its other
 * columns are NULL, as in Flink CDC. Any other row without a declared column fails naming it: a
 * wrong name in the DDL, or a TOAST value left out of the log, would otherwise reach the sink as NULL.
 */
export function cdcRowConverter(table: string, columns: readonly Column[], metadata: ReadonlyMap<string, string>, key: readonly string[]): (raw: Row) => Row {
  const fields = columns.map((c) => ({ name: c.name, from: metadata.get(c.name) ?? c.name, convert: CONVERTERS[c.type.name], type: c.type }));
  const metaKeys = new Set(metadata.values());
  const onlyKey = (raw: Row) => Object.keys(raw).filter((k) => raw[k] !== undefined && !metaKeys.has(k)).length === key.length;
  const n = fields.length;
  return (raw) => {
    const out: Row = {};
    for (let i = 0; i < n; i++) {
      const f = fields[i]!;
      const v = raw[f.from];
      if (v === undefined && !onlyKey(raw)) {
        throw new SqlError(
          `Table '${table}': column '${f.from}' is not in the change read from the database (columns there: ${Object.keys(raw).join(', ')}); ` +
            'check the column names, and for PostgreSQL an unchanged TOAST value needs REPLICA IDENTITY FULL',
        );
      }
      out[f.name] = v === null || v === undefined ? null : f.convert(v, f.name, f.type);
    }
    return out;
  };
}

/**
 * The convert step of a jdbc scan: each column of a row read from the table turned into its
 * declared type as a CDC row's are (a value that does not fit fails naming the column).
 */
export function databaseRowConverter(columns: readonly Column[]): (raw: Row) => Row {
  const fields = columns.map((c) => ({ name: c.name, convert: CONVERTERS[c.type.name], type: c.type }));
  return (raw) => {
    const out: Row = {};
    for (const f of fields) {
      const v = raw[f.name];
      out[f.name] = v === null || v === undefined ? null : f.convert(v, f.name, f.type);
    }
    return out;
  };
}
