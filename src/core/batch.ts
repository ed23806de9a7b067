/** Event time of a record that has none (as Flink's `Long.MIN_VALUE`). */
export const NO_TIMESTAMP = -Infinity;
/** The watermark that ends event time: every event-time timer and window fires on it. */
export const MAX_WATERMARK = Infinity;
export const MIN_WATERMARK = -Infinity;

/**
 * Records travel between operators in batches: parallel arrays of values, event timestamps and,
 * after a `keyBy`, the keys the exchange already computed (so keyed operators do not call the key
 * selector again). Operators read a batch and build new ones; they never mutate one they were given,
 * because a fan-out hands the same batch to several consumers.
 */
export class Batch<T> {
  constructor(
    readonly values: T[],
    readonly timestamps: number[],
    readonly keys: unknown[] | undefined = undefined,
  ) {}
  get length(): number {
    return this.values.length;
  }
  static of<T>(values: T[], timestamp = NO_TIMESTAMP): Batch<T> {
    return new Batch(values, new Array<number>(values.length).fill(timestamp));
  }
}

/**
 * Collects records one at a time into a batch, for operators whose output count is not known in
 * advance (flatMap, process, windows). `take()` hands the batch over and starts a new one.
 */
export class BatchBuilder<T> {
  private values: T[] = [];
  private timestamps: number[] = [];
  private n = 0;
  add(value: T, timestamp: number): void {
    const i = this.n++;
    this.values[i] = value;
    this.timestamps[i] = timestamp;
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
    return new Batch(values, timestamps);
  }
}
