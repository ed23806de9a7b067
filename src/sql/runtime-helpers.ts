import { SqlError } from './sql-error.js';
import { decimalHelpers } from './types/decimal-inline.js';
import { addFraction } from './types/micros.js';
import { utcMillis } from './types/temporal.js';

/**
 * Functions that compiled expressions call for SQL NULL semantics, casts and string functions.
 * Compiled code reaches them as `$`; each is small so V8 inlines it into the generated function.
 */
export const helpers = {
  ...decimalHelpers,
  add: (a: number | null, b: number | null) => (a === null || b === null ? null : a + b),
  sub: (a: number | null, b: number | null) => (a === null || b === null ? null : a - b),
  mul: (a: number | null, b: number | null) => (a === null || b === null ? null : a * b),
  div: (a: number | null, b: number | null) => (a === null || b === null ? null : divide(a, b)),
  idiv: (a: number | null, b: number | null) => (a === null || b === null ? null : Math.trunc(divide(a, b))),
  mod: (a: number | null, b: number | null) => (a === null || b === null ? null : a % b),
  neg: (a: number | null) => (a === null ? null : -a),
  eq: (a: unknown, b: unknown) => (a === null || b === null ? null : a === b),
  ne: (a: unknown, b: unknown) => (a === null || b === null ? null : a !== b),
  lt: (a: any, b: any) => (a === null || b === null ? null : a < b),
  le: (a: any, b: any) => (a === null || b === null ? null : a <= b),
  gt: (a: any, b: any) => (a === null || b === null ? null : a > b),
  ge: (a: any, b: any) => (a === null || b === null ? null : a >= b),
  // Three-valued logic: FALSE AND NULL is FALSE, TRUE OR NULL is TRUE.
  and: (a: boolean | null, b: boolean | null) => (a === false || b === false ? false : a === null || b === null ? null : true),
  or: (a: boolean | null, b: boolean | null) => (a === true || b === true ? true : a === null || b === null ? null : false),
  not: (a: boolean | null) => (a === null ? null : !a),
  concat: (a: string | null, b: string | null) => (a === null || b === null ? null : a + b),
  inList(a: unknown, list: readonly unknown[], hasNull: boolean): boolean | null {
    if (a === null) return null;
    for (let i = 0; i < list.length; i++) if (list[i] === a) return true;
    return hasNull ? null : false;
  },
  like: (a: string | null, re: RegExp | null) => (a === null || re === null ? null : re.test(a)),
  likeDynamic: (a: string | null, p: string | null) => (a === null || p === null ? null : likePattern(p).test(a)),
  upper: (a: string | null) => (a === null ? null : a.toUpperCase()),
  lower: (a: string | null) => (a === null ? null : a.toLowerCase()),
  charLength: (a: string | null) => (a === null ? null : [...a].length),
  substring(s: string | null, start: number | null, len?: number | null): string | null {
    if (s === null || start === null || len === null) return null;
    // SQL positions are 1-based; a start before 1 shortens the length, as the standard says.
    const from = start - 1;
    const to = len === undefined ? s.length : from + len;
    if (len !== undefined && len < 0) throw new SqlError(`SUBSTRING: negative length ${len}`);
    return s.slice(Math.max(0, from), Math.max(0, to));
  },
  trim(s: string | null, chars: string | null, side: 'BOTH' | 'LEADING' | 'TRAILING'): string | null {
    if (s === null || chars === null) return null;
    let a = 0;
    let b = s.length;
    if (side !== 'TRAILING') while (a < b && chars.includes(s[a]!)) a++;
    if (side !== 'LEADING') while (b > a && chars.includes(s[b - 1]!)) b--;
    return s.slice(a, b);
  },
  castInt(v: unknown): number | null {
    if (v === null) return null;
    if (typeof v === 'number') return Math.trunc(v) | 0;
    if (typeof v === 'boolean') return v ? 1 : 0;
    return parseInteger(String(v), 'INT');
  },
  castBigint(v: unknown): number | null {
    if (v === null) return null;
    if (typeof v === 'number') return Math.trunc(v);
    if (typeof v === 'boolean') return v ? 1 : 0;
    return parseInteger(String(v), 'BIGINT');
  },
  castDouble(v: unknown): number | null {
    if (v === null) return null;
    if (typeof v === 'number') return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    const s = String(v).trim();
    const n = Number(s);
    if (s === '' || Number.isNaN(n)) throw new SqlError(`Cannot cast '${s}' to DOUBLE`);
    return n;
  },
  castBoolean(v: unknown): boolean | null {
    if (v === null) return null;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number') return v !== 0;
    const s = String(v).trim().toLowerCase();
    if (s === 'true') return true;
    if (s === 'false') return false;
    throw new SqlError(`Cannot cast '${String(v)}' to BOOLEAN`);
  },
  castTimestamp(v: unknown): number | null {
    if (v === null) return null;
    if (typeof v === 'number') return v;
    return parseTimestamp(String(v));
  },
  /** DOUBLE as text the way Flink writes it: always with a decimal point or exponent. */
  doubleToString: (v: number | null) => (v === null ? null : formatDouble(v)),
  boolToString: (v: boolean | null) => (v === null ? null : v ? 'TRUE' : 'FALSE'),
  numToString: (v: number | null) => (v === null ? null : String(v)),
  tsToString: (v: number | null) => (v === null ? null : formatTimestamp(v)),
  /** A TIMESTAMP value read from a file or a generator: text, epoch milliseconds, or empty. */
  readTimestamp: (v: unknown) => (v === null || v === undefined || v === '' ? null : typeof v === 'number' ? v : parseTimestamp(String(v))),
  readInt: (v: unknown, col: string) => (v === null || v === undefined || v === '' ? null : readNumber(v, col, true)),
  readDouble: (v: unknown, col: string) => (v === null || v === undefined || v === '' ? null : readNumber(v, col, false)),
  readString: (v: unknown) => (v === null || v === undefined ? null : typeof v === 'string' ? v : String(v)),
  readBoolean: (v: unknown, col: string): boolean | null => {
    if (v === null || v === undefined || v === '') return null;
    if (typeof v === 'boolean') return v;
    const s = String(v).toLowerCase();
    if (s === 'true') return true;
    if (s === 'false') return false;
    throw new SqlError(`Column '${col}': '${String(v)}' is not a BOOLEAN`);
  },
};

export type Helpers = typeof helpers;

function divide(a: number, b: number): number {
  if (b === 0) throw new SqlError('Division by zero');
  return a / b;
}

function parseInteger(text: string, type: string): number {
  const s = text.trim();
  if (!/^[-+]?[0-9]+$/.test(s)) throw new SqlError(`Cannot cast '${text}' to ${type}`);
  const n = Number(s);
  if (type === 'INT' && (n > 2147483647 || n < -2147483648)) throw new SqlError(`'${text}' is out of the range of INT`);
  return n;
}

function readNumber(v: unknown, col: string, integer: boolean): number {
  const n = typeof v === 'number' ? v : Number(String(v).trim());
  if (Number.isNaN(n) || (integer && !Number.isInteger(n))) throw new SqlError(`Column '${col}': '${String(v)}' is not ${integer ? 'an integer' : 'a number'}`);
  return n;
}

const TS = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?$/;

/**
 * 'yyyy-MM-dd[ HH:mm[:ss[.fff]]]' (or with 'T') as epoch milliseconds of that wall-clock time in
 * UTC: whole (three digits kept) for `precision` <= 3, with up to six digits' microseconds as the
 * fraction above.
 */
export function parseTimestamp(text: string, precision = 3): number {
  const m = TS.exec(text.trim());
  if (!m) throw new SqlError(`Cannot read '${text}' as a TIMESTAMP (expected 'yyyy-MM-dd HH:mm:ss.SSS')`);
  return addFraction(utcMillis(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)), m[7], precision);
}

/** Epoch milliseconds as 'yyyy-MM-dd HH:mm:ss.SSS', as Flink shows TIMESTAMP(3). */
const DAY_MS = 86_400_000;
/** Years 0000-9999, where the ISO text has four-digit years. */
const FAST_FROM = -62_167_219_200_000;
const FAST_TO = 253_402_300_800_000;
let lastDay = NaN;
let lastDayText = '';
const two = (n: number) => (n < 10 ? '0' : '') + n;

/**
 * `yyyy-MM-dd HH:mm:ss.SSS` of epoch milliseconds (UTC). Sinks format every TIMESTAMP this way,
 * and rows in a row are mostly of the same day, so the date's text is kept and only the time of
 * day is computed (a Date and its ISO string per value cost Nexmark q10 a tenth of its time).
 */
export function formatTimestamp(ms: number): string {
  if (!(ms >= FAST_FROM && ms < FAST_TO)) return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
  const day = Math.floor(ms / DAY_MS);
  if (day !== lastDay) {
    lastDay = day;
    lastDayText = new Date(day * DAY_MS).toISOString().slice(0, 10);
  }
  let t = ms - day * DAY_MS;
  const h = Math.floor(t / 3_600_000);
  t -= h * 3_600_000;
  const m = Math.floor(t / 60_000);
  t -= m * 60_000;
  const s = Math.floor(t / 1000);
  const f = t - s * 1000;
  return `${lastDayText} ${two(h)}:${two(m)}:${two(s)}.${f < 10 ? '00' : f < 100 ? '0' : ''}${f}`;
}

export function formatDouble(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/** SQL LIKE pattern (% and _) as an anchored regular expression. */
export function likePattern(p: string): RegExp {
  let re = '';
  for (const ch of p) re += ch === '%' ? '[\\s\\S]*' : ch === '_' ? '[\\s\\S]' : ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`^${re}$`);
}
