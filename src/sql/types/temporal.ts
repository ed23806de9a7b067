import { SqlError } from '../sql-error.js';
import { addFraction, splitSecond } from './micros.js';

/**
 * DATE, TIME and TIMESTAMP values at run time: DATE is days since 1970-01-01, TIME milliseconds of
 * the day, TIMESTAMP epoch milliseconds of the wall-clock time read as UTC (TIMESTAMP_LTZ: epoch
 * milliseconds, shown in UTC, Weir's session time zone); above precision 3 with the microseconds
 * as the fraction (micros.ts). Formats follow Java's
 * SimpleDateFormat letters, as Flink's DATE_FORMAT and TO_TIMESTAMP do.
 *
 * @example
 * formatDate(parseDate('2024-02-29')) // '2024-02-29'
 */
export const DAY = 86_400_000;

/**
 * `Date.UTC` for every year: `Date.UTC` itself reads years 0 to 99 as 1900 to 1999, which would
 * turn a database's `0001-01-01` into 1901.
 *
 * @example
 * utcMillis(1, 0, 1) // -62135596800000, 0001-01-01T00:00:00Z
 */
export function utcMillis(year: number, month0: number, day: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const d = new Date(Date.UTC(2000, month0, day, h, mi, s, ms));
  d.setUTCFullYear(year + d.getUTCFullYear() - 2000);
  return d.getTime();
}

const DATE = /^\s*(-?\d{1,4})-(\d{1,2})-(\d{1,2})\s*$/;
const TIME = /^\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*$/;

export function parseDate(text: string): number {
  const m = DATE.exec(text);
  const ms = m ? utcMillis(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || !validDay(ms, Number(m[2]), Number(m[3]))) throw new SqlError(`Cannot read '${text}' as a DATE (expected 'yyyy-MM-dd')`);
  return Math.floor(ms / DAY);
}

/** A TIME of `precision` fraction digits (its milliseconds, with the microseconds as the fraction above 3). */
export function parseTime(text: string, precision = 3): number {
  const m = TIME.exec(text);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 59) throw new SqlError(`Cannot read '${text}' as a TIME (expected 'HH:mm:ss')`);
  return addFraction(Number(m[1]) * 3_600_000 + Number(m[2]) * 60_000 + Number(m[3] ?? 0) * 1000, m[4], precision);
}

const validDay = (ms: number, month: number, day: number) => !Number.isNaN(ms) && new Date(ms).getUTCMonth() === month - 1 && new Date(ms).getUTCDate() === day;
const pad = (n: number, w: number) => String(n).padStart(w, '0');

export function formatDate(days: number): string {
  const d = new Date(days * DAY);
  const y = d.getUTCFullYear();
  return `${y < 0 ? '-' + pad(-y, 4) : pad(y, 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

/** A TIME as `HH:mm:ss`, with `precision` fraction digits (microseconds rounded, then cut) when above 0. */
export function formatTime(value: number, precision = 0): string {
  if (precision > 3) {
    const { secondMs, digits } = splitSecond(value, precision);
    return `${formatTime(secondMs)}.${digits}`;
  }
  const ms = Math.floor(value);
  const s = Math.floor(ms / 1000);
  const whole = `${pad(Math.floor(s / 3600), 2)}:${pad(Math.floor(s / 60) % 60, 2)}:${pad(s % 60, 2)}`;
  return precision > 0
    ? `${whole}.${pad(ms % 1000, 3)
        .padEnd(precision, '0')
        .slice(0, precision)}`
    : whole;
}

/**
 * A TIMESTAMP(p) as Flink prints it: `yyyy-MM-dd HH:mm:ss` and p fraction digits (microseconds
 * rounded to whole ones, then cut to p; past the sixth digit zeros).
 */
export function formatTimestampP(value: number, p: number): string {
  if (p > 3) {
    const { secondMs, digits } = splitSecond(value, p);
    return `${formatTimestampP(secondMs, 0)}.${digits}`;
  }
  const base = new Date(Math.floor(value)).toISOString().replace('T', ' ').replace('Z', '');
  if (p === 3) return base;
  const whole = base.slice(0, 19);
  if (p === 0) return whole;
  return `${whole}.${base.slice(20, 23).padEnd(p, '0').slice(0, p)}`;
}

const UNITS_MS: Record<string, number> = { MILLISECOND: 1, SECOND: 1000, MINUTE: 60_000, HOUR: 3_600_000, DAY, WEEK: 7 * DAY };

/** EXTRACT(unit FROM ts) over epoch milliseconds (BIGINT, as Flink's). */
export function extractField(unit: string, ms: number): number {
  const d = new Date(ms);
  switch (unit) {
    case 'YEAR':
      return d.getUTCFullYear();
    case 'QUARTER':
      return Math.floor(d.getUTCMonth() / 3) + 1;
    case 'MONTH':
      return d.getUTCMonth() + 1;
    case 'WEEK':
      return isoWeek(d);
    case 'DAY':
    case 'DAYOFMONTH':
      return d.getUTCDate();
    case 'DOW':
    case 'DAYOFWEEK':
      return d.getUTCDay() + 1;
    case 'DOY':
    case 'DAYOFYEAR':
      return Math.floor((ms - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY) + 1;
    case 'HOUR':
      return d.getUTCHours();
    case 'MINUTE':
      return d.getUTCMinutes();
    case 'SECOND':
      return d.getUTCSeconds();
    case 'MILLISECOND':
      return d.getUTCSeconds() * 1000 + d.getUTCMilliseconds();
    case 'EPOCH':
      return Math.floor(ms / 1000);
  }
  throw new SqlError(`EXTRACT: unknown unit ${unit}`);
}

function isoWeek(d: Date): number {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const dow = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - dow);
  return Math.ceil(((t.getTime() - Date.UTC(t.getUTCFullYear(), 0, 1)) / DAY + 1) / 7);
}

export const EXTRACT_UNITS = ['YEAR', 'QUARTER', 'MONTH', 'WEEK', 'DAY', 'DOW', 'DOY', 'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', 'EPOCH'];
export const TIME_UNITS = ['MILLISECOND', 'SECOND', 'MINUTE', 'HOUR', 'DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR'];

/** TIMESTAMPADD(unit, n, ts): months and years by the calendar (the day clamped to the month's end), others by milliseconds. */
export function addUnits(unit: string, n: number, ms: number): number {
  const months = unit === 'MONTH' ? n : unit === 'QUARTER' ? 3 * n : unit === 'YEAR' ? 12 * n : undefined;
  if (months === undefined) return ms + n * UNITS_MS[unit]!;
  return addMonths(ms, months);
}

export function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + months;
  const y = Math.floor(total / 12);
  const m = total - y * 12;
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const dayMs = ms - Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  return Date.UTC(y, m, Math.min(d.getUTCDate(), last)) + dayMs;
}

/** TIMESTAMPDIFF(unit, a, b): whole units from a to b, truncated toward zero (months by the calendar). */
export function diffUnits(unit: string, a: number, b: number): number {
  const perMonth = unit === 'MONTH' ? 1 : unit === 'QUARTER' ? 3 : unit === 'YEAR' ? 12 : undefined;
  if (perMonth === undefined) return Math.trunc((b - a) / UNITS_MS[unit]!);
  const da = new Date(a);
  const db = new Date(b);
  let months = (db.getUTCFullYear() - da.getUTCFullYear()) * 12 + db.getUTCMonth() - da.getUTCMonth();
  // A month is whole only when the later day-and-time of month has been reached.
  if (months > 0 && addMonths(a, months) > b) months--;
  else if (months < 0 && addMonths(a, months) < b) months++;
  return Math.trunc(months / perMonth);
}

/** FLOOR(ts TO unit) / CEIL(ts TO unit). */
export function floorTo(unit: string, ms: number, ceil: boolean): number {
  const d = new Date(ms);
  let f: number;
  switch (unit) {
    case 'YEAR':
      f = Date.UTC(d.getUTCFullYear(), 0, 1);
      break;
    case 'QUARTER':
      f = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - (d.getUTCMonth() % 3), 1);
      break;
    case 'MONTH':
      f = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
      break;
    case 'WEEK': {
      // Weeks start on Sunday, as Calcite's.
      const day = Math.floor(ms / DAY) * DAY;
      f = day - new Date(day).getUTCDay() * DAY;
      break;
    }
    default: {
      const u = UNITS_MS[unit]!;
      f = Math.floor(ms / u) * u;
    }
  }
  if (!ceil || f === ms) return f;
  return unit === 'YEAR'
    ? addMonths(f, 12)
    : unit === 'QUARTER'
      ? addMonths(f, 3)
      : unit === 'MONTH'
        ? addMonths(f, 1)
        : f + (unit === 'WEEK' ? 7 * DAY : UNITS_MS[unit]!);
}

type Part = { readonly letter: string; readonly width: number } | { readonly text: string };

/** A SimpleDateFormat pattern split into fields and literal text ('quoted' text is literal, '' a quote). */
export function compilePattern(pattern: string): readonly Part[] {
  const parts: Part[] = [];
  for (let i = 0; i < pattern.length;) {
    const ch = pattern[i]!;
    if (ch === "'") {
      let text = '';
      i++;
      while (i < pattern.length) {
        if (pattern[i] === "'" && pattern[i + 1] === "'") {
          text += "'";
          i += 2;
        } else if (pattern[i] === "'") {
          i++;
          break;
        } else text += pattern[i++];
      }
      parts.push({ text: text === '' ? "'" : text });
    } else if (/[A-Za-z]/.test(ch)) {
      let j = i;
      while (pattern[j] === ch) j++;
      if (!'yMdHhmsSaEDkKuw'.includes(ch)) throw new SqlError(`Date format '${pattern}': unknown pattern letter '${ch}'`);
      parts.push({ letter: ch, width: j - i });
      i = j;
    } else {
      parts.push({ text: ch });
      i++;
    }
  }
  return parts;
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Epoch milliseconds formatted by a compiled pattern (UTC). */
export function formatWith(parts: readonly Part[], ms: number): string {
  const d = new Date(ms);
  let out = '';
  for (const p of parts) {
    if ('text' in p) {
      out += p.text;
      continue;
    }
    const w = p.width;
    switch (p.letter) {
      case 'y': {
        const y = d.getUTCFullYear();
        out += w === 2 ? pad(y % 100, 2) : pad(y, w);
        break;
      }
      case 'M': {
        const m = d.getUTCMonth();
        out += w >= 4 ? MONTHS[m] : w === 3 ? MONTHS[m]!.slice(0, 3) : pad(m + 1, w);
        break;
      }
      case 'd':
        out += pad(d.getUTCDate(), w);
        break;
      case 'D':
        out += pad(extractField('DOY', ms), w);
        break;
      case 'H':
        out += pad(d.getUTCHours(), w);
        break;
      case 'k':
        out += pad(d.getUTCHours() || 24, w);
        break;
      case 'h':
        out += pad(d.getUTCHours() % 12 || 12, w);
        break;
      case 'K':
        out += pad(d.getUTCHours() % 12, w);
        break;
      case 'm':
        out += pad(d.getUTCMinutes(), w);
        break;
      case 's':
        out += pad(d.getUTCSeconds(), w);
        break;
      case 'S':
        out += pad(d.getUTCMilliseconds(), 3).padEnd(w, '0').slice(0, Math.max(w, 3));
        break;
      case 'a':
        out += d.getUTCHours() < 12 ? 'AM' : 'PM';
        break;
      case 'E':
        out += w >= 4 ? DAYS[d.getUTCDay()] : DAYS[d.getUTCDay()]!.slice(0, 3);
        break;
      case 'u':
        out += String(d.getUTCDay() || 7);
        break;
      case 'w':
        out += pad(isoWeek(d), w);
        break;
    }
  }
  return out;
}

/** Text read by a compiled pattern as epoch milliseconds (UTC), or null when it does not match (as Flink's TO_TIMESTAMP). */
export function parseWith(parts: readonly Part[], text: string): number | null {
  let i = 0;
  let y = 1970;
  let mo = 1;
  let d = 1;
  let h = 0;
  let mi = 0;
  let s = 0;
  let ms = 0;
  let pm: boolean | undefined;
  for (const p of parts) {
    if ('text' in p) {
      if (!text.startsWith(p.text, i)) return null;
      i += p.text.length;
      continue;
    }
    if (p.letter === 'a') {
      const t = text.slice(i, i + 2).toUpperCase();
      if (t !== 'AM' && t !== 'PM') return null;
      pm = t === 'PM';
      i += 2;
      continue;
    }
    // A field as wide as its pattern when another field follows at once, else all its digits.
    const m = /^\d+/.exec(text.slice(i));
    if (!m) return null;
    const digits = m[0].length > p.width && p.width > 1 && p.letter !== 'y' ? m[0].slice(0, p.width) : m[0];
    const n = Number(digits);
    i += digits.length;
    switch (p.letter) {
      case 'y':
        y = n;
        break;
      case 'M':
        mo = n;
        break;
      case 'd':
        d = n;
        break;
      case 'H':
      case 'k':
      case 'h':
      case 'K':
        h = n;
        break;
      case 'm':
        mi = n;
        break;
      case 's':
        s = n;
        break;
      case 'S':
        ms = Number(digits.slice(0, 3).padEnd(3, '0'));
        break;
      default:
        return null;
    }
  }
  if (i !== text.length) return null;
  if (pm !== undefined) h = (h % 12) + (pm ? 12 : 0);
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 59) return null;
  const out = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  return validDay(out - (((out % DAY) + DAY) % DAY), mo, d) || new Date(out).getUTCDate() === d ? out : null;
}
