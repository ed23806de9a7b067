import { toMillis, type Duration } from './duration.js';

/** Turns observed event times into watermarks, as Flink's `WatermarkGenerator`. */
export interface WatermarkGenerator {
  /** Called per record with its event time. May return a watermark to emit at once (punctuated). */
  onEvent(timestamp: number): number | undefined;
  /** Called periodically and at the end of every batch: the current watermark. */
  onPeriodicEmit(): number;
}

/**
 * How a source assigns event time and watermarks.
 *
 * @example
 * WatermarkStrategy.boundedOutOfOrderness<Bid>('5s', (b) => b.dateTime).withIdleness('1 min')
 */
export class WatermarkStrategy<T> {
  private constructor(
    readonly createGenerator: () => WatermarkGenerator,
    readonly timestampAssigner: ((value: T, previous: number) => number) | undefined,
    readonly idleTimeout: number | undefined,
  ) {}

  /** Watermark = highest timestamp seen - `maxOutOfOrderness` - 1 ms. */
  static boundedOutOfOrderness<T>(maxOutOfOrderness: Duration, timestamp?: (value: T, previous: number) => number): WatermarkStrategy<T> {
    const delay = toMillis(maxOutOfOrderness);
    return new WatermarkStrategy<T>(() => new BoundedOutOfOrdernessGenerator(delay), timestamp, undefined);
  }

  /** For timestamps that never decrease. */
  static monotonousTimestamps<T>(timestamp?: (value: T, previous: number) => number): WatermarkStrategy<T> {
    return WatermarkStrategy.boundedOutOfOrderness<T>(0, timestamp);
  }

  /** Only timestamps; no watermarks until the end of input. */
  static noWatermarks<T>(timestamp?: (value: T, previous: number) => number): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => ({ onEvent: () => undefined, onPeriodicEmit: () => -Infinity }), timestamp, undefined);
  }

  /** A custom generator. */
  static forGenerator<T>(create: () => WatermarkGenerator, timestamp?: (value: T, previous: number) => number): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(create, timestamp, undefined);
  }

  /** Same strategy with a different timestamp assigner. */
  withTimestampAssigner<U extends T>(timestamp: (value: U, previous: number) => number): WatermarkStrategy<U> {
    return new WatermarkStrategy<U>(this.createGenerator, timestamp, this.idleTimeout);
  }

  /** A source (split) that sends nothing for `timeout` is marked idle and stops holding back the watermark. */
  withIdleness(timeout: Duration): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(this.createGenerator, this.timestampAssigner, toMillis(timeout));
  }
}

export class BoundedOutOfOrdernessGenerator implements WatermarkGenerator {
  private max = -Infinity;
  constructor(private readonly delay: number) {}
  onEvent(timestamp: number): undefined {
    if (timestamp > this.max) this.max = timestamp;
    return undefined;
  }
  onPeriodicEmit(): number {
    return this.max - this.delay - 1;
  }
}
