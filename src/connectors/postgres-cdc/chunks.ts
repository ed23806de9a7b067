import { ConfigError } from '../../core/errors.js';

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

/**
 * Boundaries every `step` keys from `min` to `max`, for a table whose chunk column is its whole
 * primary key, or undefined when the keys are too sparse for that: the table's `max - min + 1`
 * keys over its estimated row count (the distribution factor) above `upperBound`, or no estimate.
 * The step is `chunkSize` times the factor (never less than `chunkSize`), so a chunk holds about
 * `chunkSize` rows; since the keys are distinct integers it holds at most `step` whatever the
 * estimate says, which `upperBound` caps at `upperBound * chunkSize`. This spares the server the
 * walk of the whole index that finding exact boundaries costs before the first row can be read.
 *
 * @example
 * evenBoundaries(1n, 100n, 100, 30, 2); // ['31', '61', '91']
 */
export function evenBoundaries(min: bigint, max: bigint, estimatedRows: number, chunkSize: number, upperBound: number): string[] | undefined {
  if (!(estimatedRows > 0) || max < min) return undefined;
  const keys = max - min + 1n;
  const factor = Number(keys) / estimatedRows;
  if (!(factor <= upperBound)) return undefined;
  const step = BigInt(Math.ceil(chunkSize * Math.max(1, factor)));
  const out: string[] = [];
  for (let b = min + step; b <= max; b += step) out.push(b.toString());
  return out;
}

/** Option `chunk-key.even-distribution.factor.upper-bound` (see {@link evenBoundaries}). */
export const EVEN_DISTRIBUTION_OPTION = 'chunk-key.even-distribution.factor.upper-bound';

/**
 * Default of {@link EVEN_DISTRIBUTION_OPTION}. Lower than Flink CDC's 1000: a reader holds up to
 * four chunks' rows, and a chunk of distinct integer keys holds at most this many times
 * `chunkSize` rows when the table is split evenly.
 */
export const EVEN_DISTRIBUTION_DEFAULT = 10;

/** The option's value checked: 0 (the exact walk always) or a number from 1 on; fails naming `source`. */
export function evenDistributionBound(source: string, v: number | undefined): number {
  const n = v ?? EVEN_DISTRIBUTION_DEFAULT;
  if (typeof n !== 'number' || !(n === 0 || n >= 1) || !Number.isFinite(n))
    throw new ConfigError(`${source}: '${EVEN_DISTRIBUTION_OPTION}' must be 0 (off) or a number from 1 on, got ${String(v)}`);
  return n;
}

/**
 * The order chunks are handed out in: each table's open-ended last chunk (keys from its last
 * boundary up, with no upper bound) first, then the others in key order. Rows inserted after the
 * table was cut land in that chunk's range; read first, it holds only those inserted in the
 * moments before, and every later one is a change after its low mark, which the log split
 * emits, so a table written to during a long snapshot cannot grow it without bound.
 *
 * @example
 * snapshotOrder(chunksAt(['10', '20'])); // ['chunk-2', 'chunk-0', 'chunk-1']
 */
export function snapshotOrder(chunks: readonly Chunk[]): string[] {
  return [...chunks.filter((c) => c.hi === null), ...chunks.filter((c) => c.hi !== null)].map((c) => c.id);
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
