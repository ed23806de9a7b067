import { helpers, parseTimestamp } from '../runtime-helpers.js';
import { SqlError } from '../sql-error.js';
import { formatType, type SqlType } from '../sql-types.js';
import { fitsPrecision, decimalFromNumber, parseDecimalText } from './decimal.js';
import { parseDate, parseTime } from './temporal.js';

type Reader = (v: unknown, col: string) => unknown;

const empty = (v: unknown) => v === null || v === undefined || v === '';

/**
 * How a file source turns what it read (CSV text, or a JSON value) into a column's value, for the
 * types the first version's readers did not know; a value that does not fit fails naming the column.
 * ARRAY, MAP and ROW come from JSON arrays and objects.
 */
export function readerFor(type: SqlType): Reader {
  switch (type.name) {
    case 'DECIMAL': {
      const p = type.precision ?? 10;
      const s = type.scale ?? 0;
      return (v, col) => {
        if (empty(v)) return null;
        const d = typeof v === 'number' ? decimalFromNumber(v, s) : parseDecimalText(String(v), s);
        if (d === undefined || !fitsPrecision(d, p)) throw new SqlError(`Column '${col}': '${String(v)}' is not a ${formatType(type)}`);
        return d;
      };
    }
    case 'DATE':
      return (v, col) => (empty(v) ? null : typeof v === 'number' ? v : wrap(() => parseDate(String(v)), col, v));
    case 'TIME': {
      const p = type.precision ?? 0;
      return (v, col) => (empty(v) ? null : typeof v === 'number' ? v : wrap(() => parseTime(String(v), p), col, v));
    }
    case 'TIMESTAMP_LTZ': {
      const p = type.precision ?? 3;
      return (v, col) => (empty(v) ? null : wrap(() => timestampOf(typeof v === 'string' ? v.replace(/Z$/, '') : v, p), col, v));
    }
    case 'ARRAY': {
      const el = readerFor(type.element!);
      return (v, col) => {
        if (empty(v)) return null;
        if (!Array.isArray(v)) throw new SqlError(`Column '${col}': ${JSON.stringify(v)} is not an ARRAY (a JSON array)`);
        return v.map((x) => el(x, col));
      };
    }
    case 'MAP': {
      const k = readerFor(type.key!);
      const val = readerFor(type.value!);
      return (v, col) => {
        if (empty(v)) return null;
        if (typeof v !== 'object' || Array.isArray(v)) throw new SqlError(`Column '${col}': ${JSON.stringify(v)} is not a MAP (a JSON object)`);
        return new Map(Object.entries(v as object).map(([a, b]) => [k(a, col), val(b, col)]));
      };
    }
    case 'ROW': {
      const fs = type.fields!.map((f) => ({ name: f.name, read: readerFor(f.type) }));
      return (v, col) => {
        if (empty(v)) return null;
        if (typeof v !== 'object' || Array.isArray(v)) throw new SqlError(`Column '${col}': ${JSON.stringify(v)} is not a ROW (a JSON object)`);
        const out: Record<string, unknown> = {};
        for (const f of fs) out[f.name] = f.read((v as Record<string, unknown>)[f.name] ?? null, `${col}.${f.name}`);
        return out;
      };
    }
    case 'INT':
    case 'BIGINT':
      return helpers.readInt;
    case 'DOUBLE':
      return helpers.readDouble;
    case 'BOOLEAN':
      return helpers.readBoolean;
    case 'TIMESTAMP': {
      const p = type.precision ?? 3;
      if (p <= 3) return helpers.readTimestamp;
      return (v, col) => (empty(v) ? null : wrap(() => timestampOf(v, p), col, v));
    }
    default:
      return helpers.readString;
  }
}

/** Text or epoch milliseconds as a TIMESTAMP(p) value (microseconds kept above p 3). */
const timestampOf = (v: unknown, p: number): number => (typeof v === 'number' ? v : parseTimestamp(String(v), p));

function wrap<T>(f: () => T, col: string, v: unknown): T {
  try {
    return f();
  } catch (e) {
    throw new SqlError(`Column '${col}': ${(e as Error).message.replace(/^Cannot read /, '')} ('${String(v)}')`);
  }
}
