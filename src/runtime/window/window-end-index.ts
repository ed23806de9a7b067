/**
 * Keys by the end of the next window they have to fire: a sorted list of the distinct window ends,
 * and per end the keys in the order they were added. Aligned windows share a few ends among many
 * keys, so an entry costs an array push instead of a timer (an object and three map updates).
 *
 * Entries are never removed: the owner checks, when an end comes due, that the key still waits for
 * that end, so a key added twice or moved to an earlier end fires once.
 *
 * @example
 * const index = new WindowEndIndex();
 * index.add(2000, 'a');
 * if (index.hasEndUpTo(2000)) index.take(); // ['a']
 */
export class WindowEndIndex {
  /** Distinct ends, ascending. Windows end on a grid and mostly come in time order: appends. */
  private readonly ends: number[] = [];
  private readonly buckets = new Map<number, unknown[]>();
  private lastEnd = NaN;
  private lastBucket: unknown[] = [];

  add(end: number, key: unknown): void {
    if (end === this.lastEnd) {
      this.lastBucket.push(key);
      return;
    }
    let b = this.buckets.get(end);
    if (b === undefined) {
      this.buckets.set(end, (b = []));
      const a = this.ends;
      let i = a.length;
      a.push(end);
      for (; i > 0 && a[i - 1]! > end; i--) a[i] = a[i - 1]!;
      a[i] = end;
    }
    b.push(key);
    this.lastEnd = end;
    this.lastBucket = b;
  }

  /** Whether some end with keys is at most `limit`. */
  hasEndUpTo(limit: number): boolean {
    return this.ends.length > 0 && this.ends[0]! <= limit;
  }

  /** The earliest end with keys (when there is one). */
  get firstEnd(): number {
    return this.ends[0]!;
  }

  /** Removes the earliest end and returns its keys. Keys added meanwhile to later ends stay. */
  take(): unknown[] {
    const end = this.ends.shift()!;
    const b = this.buckets.get(end)!;
    this.buckets.delete(end);
    if (end === this.lastEnd) this.lastEnd = NaN;
    return b;
  }
}
