/** Default number of key groups, as Flink's default max parallelism. */
export const DEFAULT_MAX_PARALLELISM = 128;

/**
 * Keys are compared by value: primitives as they are, arrays and plain objects (composite keys such
 * as `[user, day]`) by their JSON form, so two equal tuples land on the same state. Object keys
 * compare with their property order; prefer arrays. A string that starts with NUL is encoded too,
 * so it never collides with an encoded object.
 *
 * @example
 * normalizeKey(['a', 1]) === normalizeKey(['a', 1]); // true
 */
export function normalizeKey(key: unknown): unknown {
  if (typeof key === 'string') return key.charCodeAt(0) === 0 ? '\u0000' + JSON.stringify(key) : key;
  if (key === null || typeof key !== 'object') return key;
  return '\u0000' + JSON.stringify(key);
}

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** A stable 32-bit hash of a normalized key; the same on every thread, process and version. */
export function hashKey(key: unknown): number {
  switch (typeof key) {
    case 'number':
      if (Number.isInteger(key) && key >= -0x80000000 && key <= 0x7fffffff) return mix(key | 0);
      f64[0] = key;
      return mix(u32[0]! ^ Math.imul(u32[1]!, 0x9e3779b1));
    case 'string': {
      let h = 0x811c9dc5;
      for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
      return mix(h);
    }
    case 'boolean':
      return mix(key ? 1 : 2);
    case 'bigint':
      return hashKey(key.toString());
    case 'undefined':
      return 0;
    case 'object':
      return key === null ? 0 : hashKey(normalizeKey(key));
    default:
      throw new TypeError(`A ${typeof key} cannot be a key: use a primitive, an array or a plain object`);
  }
}

/**
 * The key group a key belongs to: `hash(key) % maxParallelism`.
 *
 * @example
 * keyGroupFor('user-1', 128); // a number in 0..127, the same on every run
 */
export function keyGroupFor(key: unknown, maxParallelism: number): number {
  return hashKey(normalizeKey(key)) % maxParallelism;
}

/** A contiguous, inclusive range of key groups owned by one subtask. */
export interface KeyGroupRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The key groups subtask `index` of `parallelism` owns (Flink's assignment): ranges are contiguous,
 * disjoint, and cover `0..maxParallelism-1` when `parallelism <= maxParallelism`.
 *
 * @example
 * keyGroupRangeFor(128, 3, 1); // { start: 43, end: 85 }
 */
export function keyGroupRangeFor(maxParallelism: number, parallelism: number, index: number): KeyGroupRange {
  return {
    start: Math.floor((index * maxParallelism + parallelism - 1) / parallelism),
    end: Math.floor(((index + 1) * maxParallelism - 1) / parallelism),
  };
}

/** The subtask that owns key group `keyGroup`. */
export function subtaskForKeyGroup(maxParallelism: number, parallelism: number, keyGroup: number): number {
  return Math.floor((keyGroup * parallelism) / maxParallelism);
}
