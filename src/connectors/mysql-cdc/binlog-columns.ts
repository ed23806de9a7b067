/**
 * How each column of a binlog table map is read: one {@link ColumnReader} per column, built once per
 * table map from the columns `@vlasky/zongji` looked up for it (type codes, per-column metadata,
 * charset, `COLUMN_TYPE`). A table with a column this reader does not handle gets none, and its rows
 * are left to zongji's own decoder.
 */

/** Binlog column type codes (MySQL's enum_field_types), those read here. */
const T = {
  TINY: 1,
  SHORT: 2,
  LONG: 3,
  FLOAT: 4,
  DOUBLE: 5,
  LONGLONG: 8,
  INT24: 9,
  DATE: 10,
  YEAR: 13,
  VARCHAR: 15,
  BIT: 16,
  TIMESTAMP2: 17,
  DATETIME2: 18,
  TIME2: 19,
  NEWDECIMAL: 246,
  ENUM: 247,
  SET: 248,
  TINY_BLOB: 249,
  MEDIUM_BLOB: 250,
  LONG_BLOB: 251,
  BLOB: 252,
  STRING: 254,
} as const;

/** What a column's value is read as: a switch on it is the decoder's whole dispatch. */
export enum Kind {
  Int8,
  UInt8,
  Int16,
  UInt16,
  Int24,
  UInt24,
  Int32,
  UInt32,
  Int64,
  UInt64,
  Float,
  Double,
  Decimal,
  Date,
  Time2,
  DateTime2,
  Timestamp2,
  Year,
  Bit,
  Enum,
  Set,
  /** UTF-8 text behind a `size`-byte length. */
  Text,
  /** MySQL's latin1 (Windows-1252) text behind a `size`-byte length. */
  Latin1,
  /** Bytes behind a `size`-byte length. */
  Bytes,
  /** BINARY(width): the row image drops trailing zero bytes, the value has them back. */
  Binary,
  /** MariaDB UUID: 16 bytes (zero bytes dropped as for BINARY), as 8-4-4-4-12 hex. */
  Uuid,
}

export interface ColumnReader {
  readonly kind: Kind;
  /** Length prefix bytes (Text, Bytes), value bytes (Bit, Enum, Set), fractional digits (temporals), width (Binary). */
  readonly size: number;
  /** ENUM and SET members, in declaration order. */
  readonly members: readonly string[];
  /** DECIMAL: digits before and after the point. */
  readonly intDigits: number;
  readonly fracDigits: number;
}

/** The columns of zongji's table map entry that a reader is built from. */
export interface ZongjiTable {
  readonly parentSchema: string;
  readonly tableName: string;
  readonly columns: readonly { name: string; type: number; charset: string | null; metadata?: Record<string, number> }[];
  readonly columnSchemas: readonly { COLUMN_TYPE: string; UNSIGNED?: boolean; ENUM_VALUES?: string[]; SET_VALUES?: string[] }[];
}

const UTF8 = new Set(['utf8', 'utf8mb3', 'utf8mb4']);

/** The text reader for a column's charset, if it has one here (zongji transcodes the others). */
const textKind = (charset: string | null): Kind | undefined =>
  charset === null || UTF8.has(charset) ? Kind.Text : charset === 'latin1' ? Kind.Latin1 : undefined;
const INTS: Record<number, [Kind, Kind]> = {
  [T.TINY]: [Kind.Int8, Kind.UInt8],
  [T.SHORT]: [Kind.Int16, Kind.UInt16],
  [T.INT24]: [Kind.Int24, Kind.UInt24],
  [T.LONG]: [Kind.Int32, Kind.UInt32],
  [T.LONGLONG]: [Kind.Int64, Kind.UInt64],
};
const SIMPLE: Record<number, Kind> = {
  [T.FLOAT]: Kind.Float,
  [T.DOUBLE]: Kind.Double,
  [T.DATE]: Kind.Date,
  [T.YEAR]: Kind.Year,
};
const TEMPORAL: Record<number, Kind> = { [T.TIME2]: Kind.Time2, [T.DATETIME2]: Kind.DateTime2, [T.TIMESTAMP2]: Kind.Timestamp2 };
const BLOBS = new Set<number>([T.TINY_BLOB, T.MEDIUM_BLOB, T.LONG_BLOB, T.BLOB]);

/**
 * The members of `enum(...)` or `set(...)` as the catalog spells the type: quoted, a quote inside
 * doubled (a member may hold commas, which splitting at commas would cut).
 */
export function membersOf(columnType: string): string[] {
  const out: string[] = [];
  const open = columnType.indexOf('(');
  for (let i = open + 1; i < columnType.length; i++) {
    if (columnType[i] !== "'") continue;
    let s = '';
    for (i++; i < columnType.length; i++) {
      if (columnType[i] === "'") {
        if (columnType[i + 1] !== "'") break;
        i++;
      }
      s += columnType[i];
    }
    out.push(s);
  }
  return out;
}

const reader = (kind: Kind, size = 0, members: readonly string[] = [], intDigits = 0, fracDigits = 0): ColumnReader => ({
  kind,
  size,
  members,
  intDigits,
  fracDigits,
});

/** The reader of one column, or undefined when its values are left to zongji. */
function columnReader(c: ZongjiTable['columns'][number], s: ZongjiTable['columnSchemas'][number]): ColumnReader | undefined {
  const m = c.metadata ?? {};
  const def = s.COLUMN_TYPE;
  const ints = INTS[c.type];
  if (ints) return reader(ints[(s.UNSIGNED ?? def.includes('unsigned')) ? 1 : 0]);
  const simple = SIMPLE[c.type];
  if (simple !== undefined) return reader(simple);
  const temporal = TEMPORAL[c.type];
  if (temporal !== undefined) return reader(temporal, m.decimals ?? 0);
  switch (c.type) {
    case T.NEWDECIMAL:
      return reader(Kind.Decimal, 0, [], m.precision! - m.decimals!, m.decimals!);
    case T.BIT:
      return reader(Kind.Bit, (m.bits! + 7) >> 3);
    case T.ENUM:
      return reader(Kind.Enum, m.size!, s.ENUM_VALUES ?? membersOf(def));
    case T.SET:
      return reader(Kind.Set, m.size!, s.SET_VALUES ?? membersOf(def));
    case T.VARCHAR:
    case T.STRING: {
      const prefix = m.max_length! > 255 ? 2 : 1;
      if (def === 'uuid') return reader(Kind.Uuid, prefix);
      if (def.startsWith('binary')) return reader(Kind.Binary, prefix, [], parseInt(def.slice(7), 10));
      if (def.startsWith('varbin')) return reader(Kind.Bytes, prefix);
      // MariaDB's INET4/INET6/VECTOR ride on binary strings too.
      const text = textKind(c.charset);
      return def.startsWith('inet') || def.startsWith('vector') || text === undefined ? undefined : reader(text, prefix);
    }
  }
  if (BLOBS.has(c.type)) {
    if (c.charset === null) return reader(Kind.Bytes, m.length_size!);
    const text = textKind(c.charset);
    return text === undefined ? undefined : reader(text, m.length_size!);
  }
  // MySQL binary JSON, GEOMETRY, MariaDB COMPRESSED columns, pre-5.6 temporals (their MariaDB
  // "hires" form is told apart by COLUMN_TYPE only): zongji's decoder.
  return undefined;
}

/** Readers for every column of the table map, or undefined if any column is left to zongji. */
export function columnReaders(t: ZongjiTable): ColumnReader[] | undefined {
  if (!t.columns || !t.columnSchemas || t.columnSchemas.length < t.columns.length) return undefined;
  const out: ColumnReader[] = [];
  for (let i = 0; i < t.columns.length; i++) {
    const r = columnReader(t.columns[i]!, t.columnSchemas[i]!);
    if (!r) return undefined;
    out.push(r);
  }
  return out;
}
