import { MicroDate } from '../../core/micro-date.js';
import { rowMaker, type RowMaker } from '../postgres-cdc/row-maker.js';
import { columnReaders, Kind, type ColumnReader, type ZongjiTable } from './binlog-columns.js';
import type { Row } from './row-changes.js';

/**
 * Weir's own decoder of binlog rows events (WRITE/UPDATE/DELETE_ROWS, v1 and v2): reads the row
 * images straight from the packet bytes into one object literal per row (a generated maker per
 * column list, as the snapshot readers do), with the values `@vlasky/zongji` gives for the options
 * the binlog reader runs it with (DATE and DATETIME as text, TIMESTAMP as a Date, a MicroDate when it has microseconds, JSON as text,
 * DECIMAL as exact text, 64-bit integers beyond 2^53 as exact text, FLOAT as its shortest decimal).
 * Its generic value reader, DECIMAL parser and per-value copies were most of the log reader's time.
 */
export interface TableDecoder {
  readonly names: readonly string[];
  readonly readers: readonly ColumnReader[];
  readonly make: RowMaker;
  /** One row's values, reused from row to row (the maker copies them into the row). */
  readonly values: unknown[];
}

/** Event type codes of the rows events decoded here; MariaDB's compressed ones are left to zongji. */
export const ROWS_EVENT_TYPES: Readonly<Record<number, 'writerows' | 'updaterows' | 'deleterows'>> = {
  23: 'writerows',
  24: 'updaterows',
  25: 'deleterows',
  30: 'writerows',
  31: 'updaterows',
  32: 'deleterows',
};

const decoders = new WeakMap<ZongjiTable, TableDecoder | null>();

/** The decoder for zongji's table map entry (cached with it), or undefined when a column is left to zongji. */
export function tableDecoder(t: ZongjiTable): TableDecoder | undefined {
  let d = decoders.get(t);
  if (d === undefined) {
    const readers = columnReaders(t);
    const names = t.columns.map((c) => c.name);
    d = readers ? { names, readers, make: rowMaker(names), values: new Array(names.length) } : null;
    decoders.set(t, d);
  }
  return d ?? undefined;
}

/** The shortest decimal (as a number) that rounds to the same float32 as `x`. */
export function shortestFloat32(x: number): number {
  if (!Number.isFinite(x)) return x;
  for (let p = 1; p <= 9; p++) {
    const n = Number(x.toPrecision(p));
    if (Math.fround(n) === x) return n;
  }
  return x;
}

// The read position: the decoder never re-enters, so one cursor serves every call.
let buf: Buffer;
let pos = 0;

/**
 * Decodes the rows event whose body (after the 19-byte common header) is `b[start, end)` (`end`
 * before any checksum) and appends its row images to `out`: one per row, before then after for an update.
 */
export function decodeRowsEvent(b: Buffer, start: number, end: number, eventType: number, t: TableDecoder, out: Row[]): void {
  buf = b;
  pos = start + 8; // table id (6), flags (2)
  if (eventType >= 30) pos += b.readUInt16LE(pos); // v2: extra data, its length counting itself
  const columns = lengthCoded();
  if (columns !== t.readers.length) throw new Error(`binlog rows event with ${columns} columns for a table map of ${t.readers.length}`);
  const bitmapBytes = (columns + 7) >> 3;
  const present = pos;
  pos += bitmapBytes;
  let presentAfter = present;
  if (eventType === 24 || eventType === 31) {
    presentAfter = pos;
    pos += bitmapBytes;
  }
  while (pos < end) {
    out.push(readRow(t, present));
    if (presentAfter !== present) out.push(readRow(t, presentAfter));
  }
  if (pos !== end) throw new Error(`binlog rows event overran its end by ${pos - end} bytes`);
}

function lengthCoded(): number {
  const first = buf[pos++]!;
  if (first < 251) return first;
  const n = first === 252 ? 2 : first === 253 ? 3 : 8;
  const v = buf.readUIntLE(pos, Math.min(n, 6));
  pos += n;
  return v;
}

function readRow(t: TableDecoder, present: number): Row {
  const readers = t.readers;
  const values = t.values;
  const n = readers.length;
  let count = 0;
  for (let i = 0; i < n; i++) if (buf[present + (i >> 3)]! & (1 << (i & 7))) count++;
  const nulls = pos;
  pos += (count + 7) >> 3;
  for (let i = 0, k = 0; i < n; i++) {
    if ((buf[present + (i >> 3)]! & (1 << (i & 7))) === 0) values[i] = null;
    else {
      values[i] = buf[nulls + (k >> 3)]! & (1 << (k & 7)) ? null : readValue(readers[i]!);
      k++;
    }
  }
  return t.make(values);
}

const TWO32 = 4294967296;
const ZEROS = ['', '0', '00', '000', '0000', '00000', '000000', '0000000', '00000000', '000000000'];
/** Bytes of a DECIMAL digit group of 0..9 digits. */
const DIGIT_BYTES = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4];

/**
 * MySQL's latin1 is Windows-1252: ISO-8859-1 but for 0x80-0x9F, which hold these characters (and
 * U+FFFD for the five bytes Windows-1252 leaves undefined, as zongji's iconv-lite decodes them).
 */
const CP1252_80_9F =
  '\u20ac\ufffd\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\ufffd\u017d\ufffd\ufffd\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\ufffd\u017e\u0178';
const C1 = /[\x80-\x9f]/;
const C1_ALL = /[\x80-\x9f]/g;
const windows1252 = (c: string): string => CP1252_80_9F[c.charCodeAt(0) - 0x80]!;

const pad = (v: number, width: number): string => {
  const s = String(v);
  return s.length >= width ? s : ZEROS[width - s.length] + s;
};
const pad2 = (v: number): string => (v < 10 ? '0' + v : String(v));

function readValue(r: ColumnReader): unknown {
  const b = buf;
  const p = pos;
  switch (r.kind) {
    case Kind.Int8:
      pos = p + 1;
      return (b[p]! << 24) >> 24;
    case Kind.UInt8:
      pos = p + 1;
      return b[p]!;
    case Kind.Int16:
      pos = p + 2;
      return ((b[p]! | (b[p + 1]! << 8)) << 16) >> 16;
    case Kind.UInt16:
      pos = p + 2;
      return b[p]! | (b[p + 1]! << 8);
    case Kind.Int24:
      pos = p + 3;
      return ((b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) << 8) >> 8;
    case Kind.UInt24:
      pos = p + 3;
      return b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16);
    case Kind.Int32:
      pos = p + 4;
      return b.readInt32LE(p);
    case Kind.UInt32:
      pos = p + 4;
      return b.readUInt32LE(p);
    case Kind.Int64: {
      pos = p + 8;
      const hi = b.readInt32LE(p + 4);
      // Exact as a number within +-(2^53 - 1); exact text beyond, as the catalog prints it.
      if (hi >= -2097152 && hi < 2097152) {
        const v = hi * TWO32 + b.readUInt32LE(p);
        if (v >= Number.MIN_SAFE_INTEGER) return v;
      }
      return b.readBigInt64LE(p).toString();
    }
    case Kind.UInt64: {
      pos = p + 8;
      const hi = b.readUInt32LE(p + 4);
      return hi < 2097152 ? hi * TWO32 + b.readUInt32LE(p) : b.readBigUInt64LE(p).toString();
    }
    case Kind.Float:
      pos = p + 4;
      return shortestFloat32(b.readFloatLE(p));
    case Kind.Double:
      pos = p + 8;
      return b.readDoubleLE(p);
    case Kind.Decimal:
      return readDecimal(r.intDigits, r.fracDigits);
    case Kind.Date: {
      pos = p + 3;
      const v = b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16);
      return pad(v >>> 9, 4) + '-' + pad2((v >> 5) & 15) + '-' + pad2(v & 31);
    }
    case Kind.Time2:
      return readTime2(r.size);
    case Kind.DateTime2: {
      pos = p + 5;
      // 1 sign bit, 17 bits year*13+month, 5 day, 5 hour, 6 minute, 6 second.
      const high = b.readInt32BE(p);
      const low = b.readInt32BE(p + 1);
      const ym = (high >> 14) & 0x1ffff;
      const text =
        pad(Math.floor(ym / 13), 4) +
        '-' +
        pad2(ym % 13) +
        '-' +
        pad2((low >> 17) & 31) +
        ' ' +
        pad2((low >> 12) & 31) +
        ':' +
        pad2((low >> 6) & 63) +
        ':' +
        pad2(low & 63);
      return r.size === 0 ? text : text + '.' + pad(readFraction(r.size), r.size);
    }
    case Kind.Timestamp2: {
      pos = p + 4;
      const seconds = b.readInt32BE(p);
      if (r.size === 0) return new Date(seconds * 1000);
      const f = readFraction(r.size);
      if (r.size <= 3) return new Date(seconds * 1000 + f * 10 ** (3 - r.size));
      // TIMESTAMP(4..6): the microseconds a Date cannot hold go into a MicroDate.
      const us = f * 10 ** (6 - r.size);
      const micros = us % 1000;
      const at = seconds * 1000 + (us - micros) / 1000;
      return micros === 0 ? new Date(at) : new MicroDate(at, micros);
    }
    case Kind.Year:
      pos = p + 1;
      return b[p]! + 1900;
    case Kind.Bit:
      pos = p + r.size;
      return Buffer.from(b.subarray(p, pos));
    case Kind.Enum: {
      pos = p + r.size;
      const i = r.size === 1 ? b[p]! : b.readUInt16LE(p);
      // 0 is the empty string an invalid value was stored as.
      return i === 0 ? '' : r.members[i - 1];
    }
    case Kind.Set:
      return readSet(r);
    case Kind.Text: {
      const len = r.size === 1 ? b[p]! : b.readUIntLE(p, r.size);
      const from = p + r.size;
      pos = from + len;
      return b.toString('utf8', from, pos);
    }
    case Kind.Latin1: {
      const len = r.size === 1 ? b[p]! : b.readUIntLE(p, r.size);
      const from = p + r.size;
      pos = from + len;
      const text = b.toString('latin1', from, pos);
      return C1.test(text) ? text.replace(C1_ALL, windows1252) : text;
    }
    case Kind.Bytes: {
      const len = r.size === 1 ? b[p]! : b.readUIntLE(p, r.size);
      const from = p + r.size;
      pos = from + len;
      return Buffer.from(b.subarray(from, pos));
    }
    case Kind.Binary:
      return readPadded(r.size, r.intDigits);
    case Kind.Uuid: {
      const h = readPadded(r.size, 16).toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    }
  }
}

/** A length-prefixed value zero-padded back to `width` bytes. */
function readPadded(prefix: number, width: number): Buffer {
  const len = prefix === 1 ? buf[pos]! : buf.readUInt16LE(pos);
  const from = pos + prefix;
  pos = from + len;
  const out = Buffer.alloc(width);
  buf.copy(out, 0, from, pos);
  return out;
}

/** A fractional-seconds field of `digits` digits (big-endian, ceil(digits/2) bytes, signed), as zongji reads it. */
function readFraction(digits: number): number {
  const n = (digits + 1) >> 1;
  let f = buf.readIntBE(pos, n);
  pos += n;
  if (digits % 2 !== 0) f /= 10;
  return f < 0 ? -f : f;
}

/** TIME2: 1 sign bit, 1 unused, 10 bits hour, 6 minute, 6 second; negative values are stored bit-flipped. */
function readTime2(digits: number): string {
  let raw = buf.readIntBE(pos, 3);
  pos += 3;
  const f = digits === 0 ? 0 : readFraction(digits);
  const negative = (raw & 0x800000) === 0;
  if (negative) raw ^= 0xffffff;
  const hour = (raw >> 12) & 0x3ff;
  let second = raw & 0x3f;
  if (negative && f === 0) second++;
  const text = (negative ? '-' : '') + pad(hour, hour > 99 ? 3 : 2) + ':' + pad2((raw >> 6) & 0x3f) + ':' + pad2(second);
  return digits === 0 ? text : text + '.' + pad(f, digits);
}

function readSet(r: ColumnReader): string {
  const p = pos;
  pos = p + r.size;
  let low: number;
  let high = 0;
  if (r.size === 8) {
    low = buf.readUInt32LE(p);
    high = buf.readUInt32LE(p + 4);
  } else low = buf.readUIntLE(p, r.size);
  let out = '';
  for (let i = 0; i < 32 && low !== 0; i++, low >>>= 1) if (low & 1) out = out === '' ? r.members[i]! : out + ',' + r.members[i];
  for (let i = 32; high !== 0; i++, high >>>= 1) if (high & 1) out = out === '' ? r.members[i]! : out + ',' + r.members[i];
  return out;
}

/**
 * DECIMAL(intDigits + fracDigits, fracDigits) as exact text: groups of 9 digits in 4 big-endian
 * bytes, the leftover integer digits first and the leftover fraction digits last in fewer bytes;
 * the first byte's top bit is the sign (set when positive), and a negative value has every bit flipped.
 */
function readDecimal(intDigits: number, fracDigits: number): string {
  const negative = (buf[pos]! & 0x80) === 0;
  decimalFlip = negative ? 0xff : 0;
  decimalFirst = true;
  let int = '';
  const lead = intDigits % 9;
  if (lead > 0) {
    const v = decimalGroup(DIGIT_BYTES[lead]!);
    if (v !== 0) int = String(v);
  }
  for (let g = Math.floor(intDigits / 9); g > 0; g--) {
    const v = decimalGroup(4);
    int = int === '' ? (v === 0 ? '' : String(v)) : int + pad(v, 9);
  }
  let text = (negative ? '-' : '') + (int === '' ? '0' : int);
  if (fracDigits === 0) return text;
  text += '.';
  for (let g = Math.floor(fracDigits / 9); g > 0; g--) text += pad(decimalGroup(4), 9);
  const tail = fracDigits % 9;
  if (tail > 0) text += pad(decimalGroup(DIGIT_BYTES[tail]!), tail);
  return text;
}

let decimalFlip = 0;
let decimalFirst = false;

/** One DECIMAL digit group of `bytes` bytes; the packet is left as it is (the sign bit is cleared on the value read). */
function decimalGroup(bytes: number): number {
  let v = 0;
  for (let i = 0; i < bytes; i++) {
    let byte = buf[pos + i]! ^ decimalFlip;
    if (decimalFirst) {
      byte ^= 0x80;
      decimalFirst = false;
    }
    v = v * 256 + byte;
  }
  pos += bytes;
  return v;
}
