import pg from 'pg';
import { MicroDate } from '../../core/micro-date.js';
import type { Row } from './row-changes.js';
import { TEXT_OIDS } from './text-types.js';
import { withTextMicros } from './timestamp-micros.js';

/** Turns one column value's text (bytes `start` to `end` of `b`) into the value a row carries. */
type ValueParser = (b: Buffer, start: number, end: number) => unknown;

export interface RelationColumn {
  readonly name: string;
  readonly flags: number;
  readonly typeOid: number;
  readonly typeMod: number;
  readonly parse: ValueParser;
}

export interface RelationMessage {
  readonly tag: 'relation';
  readonly relationOid: number;
  readonly schema: string;
  readonly name: string;
  readonly columns: readonly RelationColumn[];
  readonly keyColumns: readonly string[];
}

/** A row change. Unchanged TOAST values (sent as "unchanged" under REPLICA IDENTITY DEFAULT) are undefined. */
export interface ChangeMessage {
  readonly tag: 'insert' | 'update' | 'delete';
  readonly relation: RelationMessage;
  readonly new: Row | null;
  readonly old: Row | null;
  /** The key columns of the old row, when the server sent only those. */
  readonly key: Row | null;
}

export type PgoutputMessage =
  | { readonly tag: 'begin'; readonly commitLsn: bigint; /** Epoch ms. */ readonly commitTime: number }
  | { readonly tag: 'commit'; readonly commitLsn: bigint; readonly commitEndLsn: bigint }
  | { readonly tag: 'message'; readonly prefix: string; readonly content: Buffer }
  | { readonly tag: 'other' }
  | RelationMessage
  | ChangeMessage;

/** ms between 1970 and PostgreSQL's epoch, 2000-01-01. */
const PG_EPOCH_MS = 946_684_800_000;
const OTHER = { tag: 'other' } as const;

/**
 * Decodes pgoutput (protocol version 1) messages into rows with the same values the snapshot's
 * queries give (`pg`'s type parsers, json and jsonb kept as text). Written for the log split's
 * rate: rows are plain objects built in column order (one hidden class per table), values are
 * read from the message's bytes without an intermediate reader object, and the commonest types
 * (integers, int8, text, timestamps) skip the generic text parsers when those are `pg`'s own.
 *
 * @example
 * const decoder = new PgoutputDecoder();
 * const m = decoder.decode(xlogData, 25); // the message after the XLogData header
 * if (m.tag === 'insert') emit(m.new);
 */
export class PgoutputDecoder {
  private readonly relations = new Map<number, RelationMessage>();
  private p = 0;

  /** The message that starts at byte `at` of `b`. */
  decode(b: Buffer, at = 0): PgoutputMessage {
    this.p = at + 1;
    switch (b[at]) {
      case 0x42 /* B */: {
        const commitLsn = b.readBigUInt64BE(at + 1);
        const us = b.readUInt32BE(at + 9) * 4294967296 + b.readUInt32BE(at + 13);
        return { tag: 'begin', commitLsn, commitTime: Math.floor(us / 1000) + PG_EPOCH_MS };
      }
      case 0x43 /* C */:
        return { tag: 'commit', commitLsn: b.readBigUInt64BE(at + 2), commitEndLsn: b.readBigUInt64BE(at + 10) };
      case 0x49 /* I */: {
        const relation = this.relation(b);
        this.p++; // 'N'
        return { tag: 'insert', relation, new: this.tuple(b, relation, null), old: null, key: null };
      }
      case 0x55 /* U */: {
        const relation = this.relation(b);
        let sub = b[this.p++];
        let old: Row | null = null;
        let key: Row | null = null;
        if (sub === 0x4b /* K */ || sub === 0x4f /* O */) {
          const before = this.tuple(b, relation, null);
          if (sub === 0x4b) key = keyOf(before, relation);
          else old = before;
          sub = b[this.p++];
        }
        if (sub !== 0x4e /* N */) throw new Error(`pgoutput: unknown update submessage ${String(sub)}`);
        return { tag: 'update', relation, new: this.tuple(b, relation, old), old, key };
      }
      case 0x44 /* D */: {
        const relation = this.relation(b);
        const sub = b[this.p++];
        const before = this.tuple(b, relation, null);
        return sub === 0x4b
          ? { tag: 'delete', relation, new: null, old: null, key: keyOf(before, relation) }
          : { tag: 'delete', relation, new: null, old: before, key: null };
      }
      case 0x52 /* R */:
        return this.relationMessage(b);
      case 0x4d /* M */: {
        this.p += 1 + 8; // flags, LSN
        const prefix = this.string(b);
        const n = b.readInt32BE(this.p);
        return { tag: 'message', prefix, content: b.subarray(this.p + 4, this.p + 4 + n) };
      }
      default:
        // Origin, Type, Truncate: nothing the connector follows.
        return OTHER;
    }
  }

  private relation(b: Buffer): RelationMessage {
    const oid = b.readUInt32BE(this.p);
    this.p += 4;
    const r = this.relations.get(oid);
    if (!r) throw new Error(`pgoutput: a change of relation ${oid} before its Relation message`);
    return r;
  }

  private relationMessage(b: Buffer): RelationMessage {
    const relationOid = b.readUInt32BE(this.p);
    this.p += 4;
    const schema = this.string(b);
    const name = this.string(b);
    this.p++; // replica identity setting
    const n = b.readUInt16BE(this.p);
    this.p += 2;
    const columns: RelationColumn[] = [];
    for (let i = 0; i < n; i++) {
      const flags = b[this.p++]!;
      const col = this.string(b);
      const typeOid = b.readUInt32BE(this.p);
      const typeMod = b.readInt32BE(this.p + 4);
      this.p += 8;
      columns.push({ name: col, flags, typeOid, typeMod, parse: parserFor(typeOid) });
    }
    const m: RelationMessage = { tag: 'relation', relationOid, schema, name, columns, keyColumns: columns.filter((c) => c.flags & 1).map((c) => c.name) };
    this.relations.set(relationOid, m);
    return m;
  }

  private string(b: Buffer): string {
    const end = b.indexOf(0, this.p);
    if (end < 0) throw new Error('pgoutput: unterminated string');
    const s = b.toString('utf8', this.p, end);
    this.p = end + 1;
    return s;
  }

  /** A TupleData; an unchanged TOAST value takes the old row's value, if the server sent one. */
  private tuple(b: Buffer, { columns }: RelationMessage, old: Row | null): Row {
    const n = b.readUInt16BE(this.p);
    let p = this.p + 2;
    const row: Row = {};
    for (let i = 0; i < n; i++) {
      const c = columns[i]!;
      const kind = b[p++];
      if (kind === 0x74 /* t */ || kind === 0x62 /* b */) {
        const len = b.readInt32BE(p);
        p += 4;
        row[c.name] = kind === 0x74 ? c.parse(b, p, p + len) : Buffer.from(b.subarray(p, p + len));
        p += len;
      } else if (kind === 0x6e /* n */) row[c.name] = null;
      else if (kind === 0x75 /* u */) row[c.name] = old === null ? undefined : old[c.name];
      else throw new Error(`pgoutput: unknown tuple value kind ${String(kind)}`);
    }
    this.p = p;
    return row;
  }
}

function keyOf(tuple: Row, relation: RelationMessage): Row {
  const key: Row = {};
  for (const k of relation.keyColumns) key[k] = tuple[k];
  return key;
}

const INT8 = 20;
const INTEGERS = [21, 23, 26]; // int2, int4, oid
const STRINGS = [25, 1043, 1042, 19]; // text, varchar, bpchar, name
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;
/** `pg`'s parsers as loaded: the fast paths stand in for these only, never for a parser an application set. */
const pgParsers = new Map<number, unknown>([INT8, ...INTEGERS, ...STRINGS, TIMESTAMP, TIMESTAMPTZ].map((o) => [o, pg.types.getTypeParser(o)]));

const utf8: ValueParser = (b, s, e) => b.toString('utf8', s, e);
const latin1: ValueParser = (b, s, e) => b.toString('latin1', s, e);

/** The text of an int2/int4/oid as a number, which is what parseInt gives. */
const integer: ValueParser = (b, s, e) => {
  const neg = b[s] === 0x2d;
  let v = 0;
  for (let i = neg ? s + 1 : s; i < e; i++) v = v * 10 + (b[i]! - 48);
  return neg ? -v : v;
};

function parserFor(oid: number): ValueParser {
  if (TEXT_OIDS.has(oid)) return utf8;
  const own = pg.types.getTypeParser(oid, 'text') as (v: string) => unknown;
  const parse = withTextMicros(oid, own);
  if (pgParsers.get(oid) === own) {
    if (oid === INT8) return latin1; // pg's int8 parser keeps the text
    if (INTEGERS.includes(oid)) return integer;
    if (STRINGS.includes(oid)) return utf8;
    if (oid === TIMESTAMP || oid === TIMESTAMPTZ) return (b, s, e) => timestamp(b, s, e, oid === TIMESTAMPTZ) ?? parse(b.toString('latin1', s, e));
  }
  return (b, s, e) => parse(b.toString('utf8', s, e));
}

/** Digits s..e-1 of b as a number, or -1 when one is not a digit. */
function digits(b: Buffer, s: number, e: number): number {
  let v = 0;
  for (let i = s; i < e; i++) {
    const d = b[i]! - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * `YYYY-MM-DD HH:MM:SS[.ffffff]` (and `+00` for timestamptz) as `pg`'s parser reads it: local time
 * without a zone, UTC with `+00`, the fraction as `1000 * parseFloat` ms. Anything else (other
 * years, zones, BC, infinity) is undefined and goes to `pg`'s parser.
 */
function timestamp(b: Buffer, s: number, e: number, tz: boolean): Date | undefined {
  let end = e;
  if (tz) {
    if (e - s < 22 || b[e - 3] !== 0x2b || b[e - 2] !== 0x30 || b[e - 1] !== 0x30) return undefined;
    end = e - 3;
  }
  const len = end - s;
  if (len < 19 || b[s + 4] !== 0x2d || b[s + 7] !== 0x2d || b[s + 10] !== 0x20 || b[s + 13] !== 0x3a || b[s + 16] !== 0x3a) return undefined;
  const year = digits(b, s, s + 4);
  const month = digits(b, s + 5, s + 7);
  const day = digits(b, s + 8, s + 10);
  const hour = digits(b, s + 11, s + 13);
  const minute = digits(b, s + 14, s + 16);
  const second = digits(b, s + 17, s + 19);
  if (year < 1000 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return undefined;
  let ms = 0;
  // Below the millisecond, which a Date does not hold: kept in a MicroDate.
  let micros = 0;
  if (len > 19) {
    const frac = digits(b, s + 20, end);
    if (b[s + 19] !== 0x2e || len === 20 || frac < 0) return undefined;
    ms = 1000 * parseFloat(b.toString('latin1', s + 19, end));
    if (len > 23 && len <= 26) micros = (frac * 10 ** (26 - len)) % 1000;
  }
  const d = tz ? new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms)) : new Date(year, month - 1, day, hour, minute, second, ms);
  return micros === 0 ? d : new MicroDate(d.getTime(), micros);
}
