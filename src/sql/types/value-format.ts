import { formatDouble, formatTimestamp } from '../runtime-helpers.js';
import type { SqlType } from '../sql-types.js';
import { decimalToNumber, decimalToString, pow10, rescale } from './decimal.js';
import { formatDate, formatTime, formatTimestampP } from './temporal.js';
import { toLocalTime } from './time-zone.js';

/**
 * Values as text the way Flink writes them: `CAST(x AS STRING)`, the print sink and the SQL
 * client. DECIMAL(10, 2) 1 is `1.00`, DATE `2024-01-31`, TIME `12:00:00`, TIMESTAMP(p) with p
 * fraction digits, ARRAY `[1, 2]`, MAP `{a=1, b=2}`, ROW `(1, abc)`; NULL inside them is `NULL`.
 * `booleans`: `TRUE`/`FALSE` (CAST, the client) or `true`/`false` (the print sink, as Flink's).
 *
 * @example
 * textOf({ name: 'DECIMAL', precision: 10, scale: 2 })(150n) // '1.50'
 */
export function textOf(type: SqlType, booleans: 'upper' | 'lower' = 'upper'): (v: unknown) => string {
  switch (type.name) {
    case 'DECIMAL': {
      const s = type.scale ?? 0;
      // Values a sink received are already text.
      return (v) => (typeof v === 'bigint' ? decimalToString(v, s) : String(v));
    }
    case 'DOUBLE':
      return (v) => (typeof v === 'number' ? formatDouble(v) : String(v));
    case 'BOOLEAN':
      return booleans === 'upper' ? (v) => (typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : String(v)) : (v) => String(v);
    case 'DATE':
      return (v) => (typeof v === 'number' ? formatDate(v) : String(v));
    case 'TIME':
      return (v) => (typeof v === 'number' ? formatTime(v, type.precision ?? 0) : String(v));
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      const p = type.precision ?? 3;
      // A TIMESTAMP(3) column can take a finer value (an INSERT's implicit cast): cut to its millisecond.
      const text = (ms: number) => (p === 3 ? formatTimestamp(Math.floor(ms)) : formatTimestampP(ms, p));
      // A result's TIMESTAMP_LTZ is shown as the wall clock of the session's zone.
      const local = type.name === 'TIMESTAMP_LTZ' && type.zone ? toLocalTime(type.zone) : undefined;
      if (local) return (v) => (typeof v === 'number' ? text(local(v)) : String(v));
      return (v) => (typeof v === 'number' ? text(v) : String(v));
    }
    case 'ARRAY': {
      const el = nestedText(type.element!, booleans);
      return (v) => `[${(v as unknown[]).map(el).join(', ')}]`;
    }
    case 'MAP': {
      const k = nestedText(type.key!, booleans);
      const val = nestedText(type.value!, booleans);
      return (v) =>
        `{${entriesOf(v)
          .map(([a, b]) => `${k(a)}=${val(b)}`)
          .join(', ')}}`;
    }
    case 'ROW': {
      const fs = type.fields!.map((f) => ({ name: f.name, text: nestedText(f.type, booleans) }));
      return (v) => `(${fs.map((f) => f.text((v as Record<string, unknown>)[f.name])).join(', ')})`;
    }
    default:
      return (v) => String(v);
  }
}

function nestedText(type: SqlType, booleans: 'upper' | 'lower'): (v: unknown) => string {
  const t = textOf(type, booleans);
  return (v) => (v === null || v === undefined ? 'NULL' : t(v));
}

const entriesOf = (v: unknown): [unknown, unknown][] => (v instanceof Map ? [...v.entries()] : Object.entries(v as object));

/** What an INSERT does to a query's value for a sink column: `sinkValueOf` the sink's type, after a DECIMAL took the sink's scale. */
export function sinkConversion(from: SqlType, to: SqlType): ((v: unknown) => unknown) | undefined {
  if (from.name === 'DECIMAL' && to.name === 'DECIMAL' && (from.scale ?? 0) !== (to.scale ?? 0)) {
    const [a, b] = [from.scale ?? 0, to.scale ?? 0];
    return (v) => (v === null ? null : decimalToString(rescale(v as bigint, a, b), b));
  }
  // The implicit casts of an INSERT, as Flink's: a DECIMAL into a DOUBLE column, an integer into a DECIMAL one.
  if (from.name === 'DECIMAL' && to.name === 'DOUBLE') {
    const s = from.scale ?? 0;
    return (v) => (v === null ? null : decimalToNumber(v as bigint, s));
  }
  if ((from.name === 'INT' || from.name === 'BIGINT') && to.name === 'DECIMAL') {
    const s = to.scale ?? 0;
    return (v) => (v === null ? null : decimalToString(BigInt(v as number) * pow10(s), s));
  }
  return sinkValueOf(from.name === to.name ? to : from);
}

/**
 * A value as a sink receives it: DECIMAL, DATE, TIME and TIMESTAMP as text (exact, and JSON can
 * carry it), a MAP as a plain object, values inside ARRAY, MAP and ROW the same way.
 */
export function sinkValueOf(type: SqlType): ((v: unknown) => unknown) | undefined {
  switch (type.name) {
    case 'DECIMAL':
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      const t = textOf(type);
      return (v) => (v === null ? null : t(v));
    }
    case 'ARRAY': {
      const el = sinkValueOf(type.element!);
      return el ? (v) => (v === null ? null : (v as unknown[]).map((x) => (x === null ? null : el(x)))) : undefined;
    }
    case 'MAP': {
      const k = sinkValueOf(type.key!) ?? ((x: unknown) => x);
      const val = sinkValueOf(type.value!) ?? ((x: unknown) => x);
      return (v) => (v === null ? null : Object.fromEntries(entriesOf(v).map(([a, b]) => [String(a === null ? null : k(a)), b === null ? null : val(b)])));
    }
    case 'ROW': {
      const fs = type.fields!.map((f) => ({ name: f.name, conv: sinkValueOf(f.type) }));
      if (fs.every((f) => !f.conv)) return undefined;
      return (v) => {
        if (v === null) return null;
        const out: Record<string, unknown> = {};
        for (const f of fs) {
          const x = (v as Record<string, unknown>)[f.name] ?? null;
          out[f.name] = f.conv && x !== null ? f.conv(x) : x;
        }
        return out;
      };
    }
    default:
      return undefined;
  }
}
