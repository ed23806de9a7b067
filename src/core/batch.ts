import type { RowKind } from './row-kind.js';

/** Event time of a record that has none (as Flink's `Long.MIN_VALUE`). */
export const NO_TIMESTAMP = -Infinity;
/** The watermark that ends event time: every event-time timer and window fires on it. */
export const MAX_WATERMARK = Infinity;
export const MIN_WATERMARK = -Infinity;

/**
 * Records travel between operators in batches: parallel arrays of values, event timestamps and,
 * after a `keyBy`, the keys the exchange already computed (so keyed operators do not call the key
 * selector again). A changelog also carries each row's {@link RowKind} in `kinds`; without it every
 * row is an insertion. Operators read a batch and build new ones; they never mutate one they were
 * given, because a fan-out hands the same batch to several consumers.
 */
export class Batch<T> {
  constructor(
    readonly values: T[],
    readonly timestamps: number[],
    readonly keys: unknown[] | undefined = undefined,
    /** One {@link RowKind} per row, or undefined for an insert-only batch. */
    readonly kinds: Uint8Array | undefined = undefined,
  ) {}
  get length(): number {
    return this.values.length;
  }
  static of<T>(values: T[], timestamp = NO_TIMESTAMP): Batch<T> {
    return new Batch(values, new Array<number>(values.length).fill(timestamp));
  }
  /**
   * A changelog batch: each value with its row kind.
   *
   * @example
   * Batch.changelog([{ id: 1, n: 5 }, { id: 1, n: 5 }, { id: 1, n: 6 }], [RowKind.INSERT, RowKind.UPDATE_BEFORE, RowKind.UPDATE_AFTER]);
   */
  static changelog<T>(values: T[], kinds: ArrayLike<RowKind>, timestamp = NO_TIMESTAMP): Batch<T> {
    if (kinds.length !== values.length) throw new RangeError(`Batch.changelog: ${values.length} values but ${kinds.length} row kinds`);
    return new Batch(values, new Array<number>(values.length).fill(timestamp), undefined, Uint8Array.from(kinds));
  }
}

/** The row kinds of the records at `indices` of `kinds` (for operators that keep a subset of a batch). */
export function pickKinds(kinds: Uint8Array | undefined, indices: ArrayLike<number>, count: number): Uint8Array | undefined {
  if (kinds === undefined) return undefined;
  const out = new Uint8Array(count);
  for (let i = 0; i < count; i++) out[i] = kinds[indices[i]!]!;
  return out;
}

/**
 * Collects records one at a time into a batch, for operators whose output count is not known in
 * advance (flatMap, process, windows). `take()` hands the batch over and starts a new one.
 */
export class BatchBuilder<T> {
  private values: T[] = [];
  private timestamps: number[] = [];
  /** Row kinds, allocated by the first row that is not an insertion. */
  private kinds: number[] | undefined;
  private n = 0;
  add(value: T, timestamp: number): void {
    const i = this.n++;
    this.values[i] = value;
    this.timestamps[i] = timestamp;
    if (this.kinds !== undefined) this.kinds[i] = 0;
  }
  /** Adds a row of a changelog; an insertion costs what {@link add} costs. */
  addRow(value: T, timestamp: number, kind: RowKind): void {
    if (kind !== 0 && this.kinds === undefined) this.kinds = new Array<number>(this.n).fill(0);
    const i = this.n++;
    this.values[i] = value;
    this.timestamps[i] = timestamp;
    if (this.kinds !== undefined) this.kinds[i] = kind;
  }
  get length(): number {
    return this.n;
  }
  take(): Batch<T> {
    const n = this.n;
    const values = this.values;
    const timestamps = this.timestamps;
    if (values.length !== n) values.length = timestamps.length = n;
    // The next batch starts with room for as many records as this one had: an operator's batches
    // are mostly alike in size (a window end fires thousands of keys), and growing arrays by one
    // record at a time copied them over and over (allocation sampling: ~15 bytes per Nexmark q5 event).
    this.values = new Array<T>(n);
    this.timestamps = new Array<number>(n);
    this.n = 0;
    const kinds = this.kinds;
    if (kinds === undefined) return new Batch(values, timestamps);
    this.kinds = undefined;
    return new Batch(values, timestamps, undefined, Uint8Array.from(kinds));
  }
}
