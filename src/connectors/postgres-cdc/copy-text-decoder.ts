import { MicroDate } from '../../core/micro-date.js';
import type { Row } from './row-changes.js';
import { rowMaker, type RowMaker } from './row-maker.js';
import { isDriverTimestampParser, withTextMicros } from './timestamp-micros.js';

/** A column of the rows a COPY sends: its name and type, as a query's row description gives them. */
export interface CopyColumn {
  readonly name: string;
  readonly typeOid: number;
}

/** A text-format value parser, as `pg`'s type registry hands them out. */
export type TextParser = (text: string) => unknown;

// How a column's text becomes its value. The fast kinds compute exactly what `pg`'s default parser
// of the type returns, without the parser's regular expressions; everything else calls the parser.
const PARSE = 0;
const TEXT = 1;
const INTEGER = 2;
const BOOL = 3;
const DATE = 4;
const TIMESTAMP = 5;
const TIMESTAMPTZ = 6;

/**
 * The kind of a column whose parser is `p`. A fast kind is taken only when `p` is the driver's own
 * parser for the type (by name): a parser the application registered instead is always called.
 */
function kindOf(oid: number, p: TextParser): number {
  const name = p.name;
  if (name === 'noParse' || name === 'keepText') return TEXT;
  switch (oid) {
    case 20: // int8: the driver's parser returns the text
      return name === 'parseBigInteger' ? TEXT : PARSE;
    case 21:
    case 23:
    case 26:
      return name === 'parseInteger' ? INTEGER : PARSE;
    case 16:
      return name === 'parseBool' ? BOOL : PARSE;
    case 1082:
      return name === 'parseDate' ? DATE : PARSE;
    case 1114:
      return isDriverTimestampParser(p) ? TIMESTAMP : PARSE;
    case 1184:
      return isDriverTimestampParser(p) ? TIMESTAMPTZ : PARSE;
    default:
      return PARSE;
  }
}

const BACKSLASH = 92;

/** Zones whose local time is UTC at every date: local dates and timestamps are then made without the zone lookup. */
const UTC_ZONES = new Set(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT', 'Universal', 'Etc/Universal', 'Zulu', 'Etc/Zulu']);

let zoneOf: { tz: string | undefined; utc: boolean } | undefined;

/**
 * Whether the process's local time zone is UTC. Asking Intl costs milliseconds, so the answer is
 * kept for as long as `process.env.TZ` (which Node lets a program change) stays the same.
 */
function localIsUtc(): boolean {
  const tz = process.env.TZ;
  if (zoneOf?.tz !== tz || zoneOf === undefined) zoneOf = { tz, utc: UTC_ZONES.has(new Intl.DateTimeFormat().resolvedOptions().timeZone) };
  return zoneOf.utc;
}

/**
 * Turns the lines of `COPY ... TO STDOUT` (text format: tab-separated, `\N` for NULL, backslash
 * escapes) into rows holding the values a SELECT through the `pg` driver would hold: the same type
 * parsers, with the common types (integers, text, numerics, booleans, dates and timestamps) read
 * straight from the line.
 *
 * @example
 * const d = new CopyTextDecoder([{ name: 'id', typeOid: 23 }, { name: 's', typeOid: 25 }], (oid) => pg.types.getTypeParser(oid));
 * d.decode('1\thello'); // { id: 1, s: 'hello' }
 */
export class CopyTextDecoder {
  private readonly names: string[];
  private readonly make: RowMaker;
  /** The values of the line being decoded, for `make`. */
  private readonly values: unknown[];
  private readonly kinds: Int32Array;
  private readonly parsers: TextParser[];
  private readonly utc = localIsUtc();

  constructor(columns: readonly CopyColumn[], parserOf: (oid: number) => TextParser) {
    this.names = columns.map((c) => c.name);
    this.make = rowMaker(this.names);
    this.values = new Array<unknown>(columns.length).fill(null);
    const parsers = columns.map((c) => parserOf(c.typeOid));
    this.kinds = Int32Array.from(columns, (c, i) => kindOf(c.typeOid, parsers[i]!));
    this.parsers = parsers.map((p, i) => withTextMicros(columns[i]!.typeOid, p));
  }

  /** One line of COPY text, without its newline. */
  decode(line: string): Row {
    return this.decodeAt(line, 0, line.length, line.indexOf('\\') >= 0);
  }

  /**
   * The line `text[start, end)`; `escaped` says whether it holds a backslash (NULLs and escapes
   * both start with one; most lines have none).
   */
  decodeAt(text: string, start: number, end: number, escaped: boolean): Row {
    const kinds = this.kinds;
    const n = kinds.length;
    const values = this.values;
    let pos = start;
    for (let c = 0; c < n; c++) {
      const last = c === n - 1;
      let stop = text.indexOf('\t', pos);
      if (stop < 0 || stop > end) stop = end;
      if (last !== (stop === end)) throw new Error(`a COPY line without ${n} fields: ${text.slice(start, Math.min(end, start + 200))}`);
      let v: unknown;
      if (escaped && stop - pos === 2 && text.charCodeAt(pos) === BACKSLASH && text.charCodeAt(pos + 1) === 78 /* N */) v = null;
      else {
        const k = kinds[c]!;
        if (k === INTEGER) v = integerAt(text, pos, stop);
        else if (k === BOOL) v = text.charCodeAt(pos) === 116; /* t */
        else {
          if (k === DATE) v = dateAt(text, pos, stop, this.utc);
          else if (k === TIMESTAMP || k === TIMESTAMPTZ) v = timestampAt(text, pos, stop, k === TIMESTAMPTZ, this.utc);
          if (v === undefined) {
            let field = text.slice(pos, stop);
            if (escaped && field.indexOf('\\') >= 0) field = unescapeCopy(field);
            v = k === TEXT ? field : this.parsers[c]!(field);
          }
        }
      }
      values[c] = v;
      pos = stop + 1;
    }
    return this.make(values);
  }
}

/** A decimal integer (optional minus sign) from `s[pos, end)`. */
function integerAt(s: string, pos: number, end: number): number {
  let neg = false;
  if (s.charCodeAt(pos) === 45) {
    neg = true;
    pos++;
  }
  let v = 0;
  for (; pos < end; pos++) v = v * 10 + (s.charCodeAt(pos) - 48);
  return neg ? -v : v;
}

const digit = (s: string, i: number): number => {
  const d = s.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
};
const twoDigits = (s: string, i: number): number => digit(s, i) * 10 + digit(s, i + 1);

/** `YYYY-MM-DD` at `s[pos]`, or NaN for another shape (a year not of four digits, BC, infinity). */
function ymdAt(s: string, pos: number): number {
  if (s.charCodeAt(pos + 4) !== 45 || s.charCodeAt(pos + 7) !== 45) return NaN;
  return twoDigits(s, pos) * 100 + twoDigits(s, pos + 2);
}

/**
 * A date as the driver's parser makes it (local midnight), or undefined for text it handles
 * otherwise: years before 100 (which `Date` would move to the 1900s), BC, infinity.
 */
function dateAt(s: string, pos: number, end: number, utc: boolean): Date | undefined {
  const year = ymdAt(s, pos);
  if (end - pos !== 10 || !(year >= 100)) return undefined;
  const month = twoDigits(s, pos + 5) - 1;
  const day = twoDigits(s, pos + 8);
  if (month + day !== month + day) return undefined;
  return utc ? new Date(Date.UTC(year, month, day)) : new Date(year, month, day);
}

/**
 * A timestamp as the driver's parser makes it: local time without a zone, the instant with one
 * (`+05`, `-03:30`); the milliseconds computed as it does (fraction times 1000, cut by `Date`).
 * Undefined for any other shape, which goes to the parser.
 */
function timestampAt(s: string, pos: number, end: number, zoned: boolean, utc: boolean): Date | undefined {
  const year = ymdAt(s, pos);
  if (!(year >= 100) || end - pos < 19 || s.charCodeAt(pos + 10) !== 32 || s.charCodeAt(pos + 13) !== 58 || s.charCodeAt(pos + 16) !== 58) return undefined;
  const month = twoDigits(s, pos + 5) - 1;
  const day = twoDigits(s, pos + 8);
  const hour = twoDigits(s, pos + 11);
  const minute = twoDigits(s, pos + 14);
  const second = twoDigits(s, pos + 17);
  let i = pos + 19;
  let ms = 0;
  // Below the millisecond, which a Date does not hold: kept in a MicroDate.
  let micros = 0;
  if (i < end && s.charCodeAt(i) === 46) {
    let frac = 0;
    let scale = 1;
    for (i++; i < end; i++) {
      const d = digit(s, i);
      if (d !== d) break;
      frac = frac * 10 + d;
      scale *= 10;
    }
    // Both exact, so the quotient is the double nearest the fraction, as the parser's parseFloat.
    ms = 1000 * (frac / scale);
    if (scale > 1000 && scale <= 1_000_000) micros = (frac * (1_000_000 / scale)) % 1000;
  }
  // NaN when a field was not digits.
  const fields = month + day + hour + minute + second;
  if (fields !== fields) return undefined;
  if (!zoned) {
    if (i !== end) return undefined;
    const local = utc ? new Date(utcMs(year, month, day, hour, minute, second, ms)) : new Date(year, month, day, hour, minute, second, ms);
    return micros === 0 ? local : new MicroDate(local.getTime(), micros);
  }
  const sign = s.charCodeAt(i);
  if (sign !== 43 && sign !== 45) return undefined;
  let offset = twoDigits(s, i + 1) * 3600;
  i += 3;
  for (let unit = 60; unit >= 1 && i < end; unit /= 60) {
    if (s.charCodeAt(i) !== 58) return undefined;
    offset += twoDigits(s, i + 1) * unit;
    i += 3;
  }
  if (i !== end || offset !== offset) return undefined;
  const instant = utcMs(year, month, day, hour, minute, second, ms) - (sign === 45 ? -offset : offset) * 1000;
  return micros === 0 ? new Date(instant) : new MicroDate(instant, micros);
}

/**
 * `Date.UTC` of a valid date and time (year 100 and later, `ms` cut to an integer as it does), by
 * integer arithmetic: days since the epoch from the proleptic Gregorian calendar.
 */
function utcMs(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): number {
  // Counted from March, so that the leap day ends a year.
  const y = month < 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 10) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  const days = era * 146097 + doe - 719468;
  return days * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + Math.trunc(ms);
}

/** Undoes COPY's text escapes (`\\`, `\t`, `\n`, ..., and the octal and hex forms, which it reads but does not write). */
export function unescapeCopy(text: string): string {
  let out = '';
  let from = 0;
  for (let i = text.indexOf('\\'); i >= 0 && i < text.length - 1; i = text.indexOf('\\', from)) {
    out += text.slice(from, i);
    const c = text[i + 1]!;
    let len = 2;
    let ch: string;
    if (c === 'b') ch = '\b';
    else if (c === 'f') ch = '\f';
    else if (c === 'n') ch = '\n';
    else if (c === 'r') ch = '\r';
    else if (c === 't') ch = '\t';
    else if (c === 'v') ch = '\v';
    else if (c >= '0' && c <= '7') {
      while (len < 4 && text[i + len]! >= '0' && text[i + len]! <= '7') len++;
      ch = String.fromCharCode(parseInt(text.slice(i + 1, i + len), 8) & 0xff);
    } else if (c === 'x' && /[0-9a-fA-F]/.test(text[i + 2] ?? '')) {
      len = /[0-9a-fA-F]/.test(text[i + 3] ?? '') ? 4 : 3;
      ch = String.fromCharCode(parseInt(text.slice(i + 2, i + len), 16));
    } else ch = c;
    out += ch;
    from = i + len;
  }
  return out + text.slice(from);
}
