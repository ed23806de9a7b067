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
  values: T[] = [];
  timestamps: number[] = [];
  add(value: T, timestamp: number): void {
    this.values.push(value);
    this.timestamps.push(timestamp);
  }
  get length(): number {
    return this.values.length;
  }
  take(): Batch<T> {
    const b = new Batch(this.values, this.timestamps);
    this.values = [];
    this.timestamps = [];
    return b;
  }
}
