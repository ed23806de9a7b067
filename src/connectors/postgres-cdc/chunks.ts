/**
 * A primary-key range `[lo, hi)` of the table, read as one snapshot split; `null` bounds are open.
 * Keys are integers kept as decimal strings (PostgreSQL's int8 does not fit a JS number).
 */
export interface Chunk {
  readonly id: string;
  readonly lo: string | null;
  readonly hi: string | null;
}

/** Cuts the table at `boundaries` (sorted keys): n boundaries make n + 1 chunks covering every key. */
export function chunksAt(boundaries: readonly string[]): Chunk[] {
  const out: Chunk[] = [];
  for (let i = 0; i <= boundaries.length; i++) out.push({ id: `chunk-${i}`, lo: boundaries[i - 1] ?? null, hi: boundaries[i] ?? null });
  return out;
}

export function keyOf(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' || typeof value === 'string') return BigInt(value);
  throw new TypeError(`primary key value ${String(value)} is not an integer`);
}

export function inChunk(chunk: Chunk, key: bigint): boolean {
  return (chunk.lo === null || key >= BigInt(chunk.lo)) && (chunk.hi === null || key < BigInt(chunk.hi));
}

/** The chunk of `key` in `chunks` (sorted, contiguous, as {@link chunksAt} makes them), by binary search. */
export function chunkIndexOf(chunks: readonly Chunk[], key: bigint): number {
  let lo = 0;
  let hi = chunks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    const start = chunks[mid]!.lo;
    if (start !== null && key < BigInt(start)) hi = mid - 1;
    else lo = mid;
  }
  return lo;
}

/** What the key helpers read of a captured table (both CDC sources' tables have it). */
export interface KeyedTable {
  readonly keyColumns: readonly string[];
  /** The integer key column the snapshot is split on; absent: the table is read as one chunk. */
  readonly chunkColumn?: string;
}

/**
 * The primary key of `row` as text: drivers give one key as a number in a snapshot and as a string
 * or bigint in the log, which are one key.
 */
export function rowKeyOf(t: KeyedTable, row: Record<string, unknown>): string {
  const k = t.keyColumns;
  return k.length === 1 ? String(row[k[0]!]) : k.map((c) => String(row[c])).join('\u0000');
}

/** The value of the chunking column of `row`, or undefined for a table read as one chunk. */
export function chunkKeyOf(t: KeyedTable, row: Record<string, unknown>): bigint | undefined {
  return t.chunkColumn === undefined ? undefined : keyOf(row[t.chunkColumn]);
}

/** Whether a change's key falls in `chunk` (a table read as one chunk holds every key). */
export function inTableChunk(chunk: Chunk, chunkKey: bigint | undefined): boolean {
  return chunkKey === undefined || inChunk(chunk, chunkKey);
}
