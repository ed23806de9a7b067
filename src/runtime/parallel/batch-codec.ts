import { Packr } from 'msgpackr';

/**
 * How record values cross between slot threads. Measured on this machine (docs/performance.md):
 * structured clone of object arrays is the slowest, msgpackr with record structures about 5x
 * faster, and columns of typed arrays (transferred, not copied) about 16x faster. So batches of
 * numbers, strings and flat records of numbers/strings/booleans travel as columns; anything else
 * goes through msgpackr (with its structured-clone extension, so Maps, Dates, cycles survive).
 */
export type EncodedValues =
  | { readonly f: 'n'; readonly d: ArrayBuffer }
  /** Numbers that are all int32 (no -0): 4 bytes each, and decoded as small integers (see {@link intsOf}). */
  | { readonly f: 'i'; readonly d: ArrayBuffer }
  | { readonly f: 's'; readonly d: string[] }
  | { readonly f: 'o'; readonly names: string[]; readonly cols: EncodedColumn[]; readonly n: number }
  | { readonly f: 'm'; readonly d: Uint8Array }
  /** Values left to the channel's structured clone: msgpackr would rename an own `__proto__` key. */
  | { readonly f: 'c'; readonly d: unknown[] };

export type EncodedColumn =
  | { readonly t: 'n'; readonly d: ArrayBuffer }
  | { readonly t: 'i'; readonly d: ArrayBuffer }
  | { readonly t: 's'; readonly d: string[] }
  /** Dictionary-encoded strings: each distinct string once, and an index per record. */
  | { readonly t: 'sd'; readonly dict: string[]; readonly idx: ArrayBuffer }
  | { readonly t: 'b'; readonly d: ArrayBuffer };

/**
 * Strings repeat a lot in records (categories, urls, names from a small set): sending each distinct
 * one once per batch saves copying and, on the receiving side, allocating them again.
 */
function stringColumn(col: string[], transfer: ArrayBuffer[]): EncodedColumn {
  const ids = new Map<string, number>();
  const dict: string[] = [];
  const idx = new Uint32Array(col.length);
  for (let i = 0; i < col.length; i++) {
    const v = col[i]!;
    let id = ids.get(v);
    if (id === undefined) {
      id = dict.length;
      ids.set(v, id);
      dict.push(v);
    }
    idx[i] = id;
  }
  if (dict.length * 2 > col.length) return { t: 's', d: col };
  transfer.push(idx.buffer as ArrayBuffer);
  return { t: 'sd', dict, idx: idx.buffer as ArrayBuffer };
}

const packr = new Packr({ useRecords: true, structuredClone: true, moreTypes: true });

/** Whether `v` survives a trip through an Int32Array unchanged (-0 would come back as 0). */
function isInt32(v: number): boolean {
  return (v | 0) === v && (v !== 0 || 1 / v > 0);
}

function numbers(values: unknown[]): Float64Array | Int32Array | undefined {
  const n = values.length;
  const out = new Float64Array(n);
  let ints = true;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v !== 'number') return undefined;
    out[i] = v;
    if (ints && !isInt32(v)) ints = false;
  }
  return ints ? Int32Array.from(out) : out;
}

/**
 * An int32 view of a number column, when every value is an int32. Keys, ids and counts mostly are;
 * decoded from doubles they would come back as heap numbers (a Float64Array's elements are doubles),
 * which every read boxes, every Map lookup of state compares as boxes, and every record field holds
 * as a double, while the same values from a key selector on the sending side are small integers.
 */
function intsOf(col: Float64Array): Int32Array | undefined {
  for (let i = 0; i < col.length; i++) if (!isInt32(col[i]!)) return undefined;
  return Int32Array.from(col);
}

function strings(values: unknown[]): string[] | undefined {
  for (let i = 0; i < values.length; i++) if (typeof values[i] !== 'string') return undefined;
  return values as string[];
}

type ColumnFiller = (values: unknown[], cols: unknown[], n: number) => boolean;
const fillers = new Map<string, ColumnFiller>();

/**
 * One compiled column filler per record shape (field names and kinds): named loads the JIT can
 * cache, where a loop over the names made every load a generic keyed lookup. It returns false on
 * the first record that is not of the shape (another prototype, other or more fields, another type).
 */
function filler(names: string[], kinds: string[]): ColumnFiller {
  const key = names.join('\u0000') + '\u0001' + kinds.join(',');
  let f = fillers.get(key);
  if (!f) {
    const cols = names.map((_, c) => `c${c} = cols[${c}]`).join(', ');
    const fields = names
      .map((name, c) => {
        const store = kinds[c] === 'boolean' ? `c${c}[i] = v${c} ? 1 : 0;` : `c${c}[i] = v${c};`;
        return `const v${c} = r[${JSON.stringify(name)}]; if (typeof v${c} !== '${kinds[c]}') return false; ${store}`;
      })
      .join('\n');
    const body = `return function fill(values, cols, n) {
  ${names.length > 0 ? `const ${cols};` : ''}
  for (let i = 0; i < n; i++) {
    const r = values[i];
    if (r === null || typeof r !== 'object' || Object.getPrototypeOf(r) !== P) return false;
    let count = 0;
    for (const _ in r) count++;
    if (count !== ${names.length}) return false;
    ${fields}
  }
  return true;
};`;
    f = new Function('P', body)(Object.prototype) as ColumnFiller;
    fillers.set(key, f);
  }
  return f;
}

function flatRecords(values: unknown[], transfer: ArrayBuffer[]): EncodedValues | undefined {
  const first = values[0];
  if (first === null || typeof first !== 'object' || Array.isArray(first) || Object.getPrototypeOf(first) !== Object.prototype) return undefined;
  const names = Object.keys(first);
  const n = values.length;
  const kinds = names.map((k) => typeof (first as Record<string, unknown>)[k]);
  if (kinds.some((t) => t !== 'number' && t !== 'string' && t !== 'boolean')) return undefined;
  const cols: (Float64Array | string[] | Uint8Array)[] = kinds.map((t) =>
    t === 'number' ? new Float64Array(n) : t === 'string' ? new Array<string>(n) : new Uint8Array(n),
  );
  if (!filler(names, kinds)(values, cols, n)) return undefined;
  const encoded: EncodedColumn[] = cols.map((col, c) => {
    if (kinds[c] === 'string') return stringColumn(col as string[], transfer);
    if (kinds[c] === 'number') {
      const ints = intsOf(col as Float64Array);
      const buf = (ints ?? (col as Float64Array)).buffer as ArrayBuffer;
      transfer.push(buf);
      return { t: ints ? 'i' : 'n', d: buf };
    }
    const buf = (col as Uint8Array).buffer as ArrayBuffer;
    transfer.push(buf);
    return { t: 'b', d: buf };
  });
  return { f: 'o', names, cols: encoded, n };
}

/** Encodes record values; typed-array buffers to transfer are pushed onto `transfer`. */
export function encodeValues(values: unknown[], transfer: ArrayBuffer[]): EncodedValues {
  if (values.length > 0) {
    const t = typeof values[0];
    if (t === 'number') {
      const d = numbers(values);
      if (d) {
        transfer.push(d.buffer as ArrayBuffer);
        return { f: d instanceof Int32Array ? 'i' : 'n', d: d.buffer as ArrayBuffer };
      }
    } else if (t === 'string') {
      const d = strings(values);
      if (d) return { f: 's', d };
    } else if (t === 'object') {
      const e = flatRecords(values, transfer);
      if (e) return e;
    }
  }
  // msgpackr reads an own `__proto__` key back as `__proto_` (its guard against prototype
  // pollution), so values holding one (JSON.parse makes them) cross as a structured clone instead.
  return hasOwnProtoKey(values, new Set()) ? { f: 'c', d: values } : { f: 'm', d: packr.pack(values) };
}

/** Whether any plain object, array element, Map or Set member inside `v` has an own `__proto__` key. */
function hasOwnProtoKey(v: unknown, seen: Set<object>): boolean {
  if (typeof v !== 'object' || v === null || seen.has(v)) return false;
  seen.add(v);
  if (Array.isArray(v)) {
    for (const x of v) if (hasOwnProtoKey(x, seen)) return true;
    return false;
  }
  if (v instanceof Map) {
    for (const [k, x] of v) if (hasOwnProtoKey(k, seen) || hasOwnProtoKey(x, seen)) return true;
    return false;
  }
  if (v instanceof Set) {
    for (const x of v) if (hasOwnProtoKey(x, seen)) return true;
    return false;
  }
  if (Object.hasOwn(v, '__proto__')) return true;
  for (const k in v) if (Object.hasOwn(v, k) && hasOwnProtoKey((v as Record<string, unknown>)[k], seen)) return true;
  return false;
}

type RowBuilder = (cols: unknown[], i: number) => unknown;
const builders = new Map<string, RowBuilder>();

/** One compiled constructor per record shape, so decoded records share a hidden class. */
function builder(names: string[]): RowBuilder {
  // The count first: joined alone, one field named '' and no field at all would share a key.
  const key = `${names.length}:${names.join('\u0000')}`;
  let b = builders.get(key);
  if (!b) {
    // `"__proto__": x` in a literal sets the prototype; only a computed key makes it a field.
    const body = `return {${names.map((n, c) => `${n === '__proto__' ? '["__proto__"]' : JSON.stringify(n)}: cols[${c}][i]`).join(', ')}};`;
    b = new Function('cols', 'i', body) as RowBuilder;
    builders.set(key, b);
  }
  return b;
}

/** An array of small integers (Smi elements, no boxes) holding `col`'s values. */
function smallInts(col: Int32Array): number[] {
  const n = col.length;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = col[i]!;
  return out;
}

export function decodeValues(e: EncodedValues): unknown[] {
  switch (e.f) {
    case 'n':
      return Array.from(new Float64Array(e.d));
    case 'i':
      return smallInts(new Int32Array(e.d));
    case 's':
      return e.d;
    case 'm':
      return packr.unpack(e.d) as unknown[];
    case 'c':
      return e.d;
    case 'o': {
      const cols = e.cols.map((c) => {
        if (c.t === 's') return c.d;
        if (c.t === 'n') return new Float64Array(c.d);
        if (c.t === 'i') return new Int32Array(c.d);
        if (c.t === 'sd') return Array.from(new Uint32Array(c.idx), (i) => c.dict[i]!);
        return Array.from(new Uint8Array(c.d), (x) => x === 1);
      });
      const build = builder(e.names);
      const out = new Array<unknown>(e.n);
      for (let i = 0; i < e.n; i++) out[i] = build(cols, i);
      return out;
    }
  }
}
