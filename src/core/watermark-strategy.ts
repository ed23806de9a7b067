import { toMillis, type Duration } from './duration.js';

/**
 * Turns observed event times into watermarks, as Flink's `WatermarkGenerator`. The source calls it
 * on its own task only, never concurrently.
 *
 * @example
 * // Event time follows processing time when there is no data: at most 5 s behind the clock.
 * const lagging = (clock: Clock): WatermarkGenerator => {
 *   let max = -Infinity;
 *   return { onEvent: (ts) => void (max = Math.max(max, ts)), onPeriodicEmit: () => Math.max(max, clock.now() - 5000) - 1 };
 * };
 */
export interface WatermarkGenerator {
  /** Called per record with its event time. May return a watermark, emitted after the batch (punctuated watermarks). */
  onEvent(timestamp: number): number | undefined;
  /**
   * The current watermark. Called after every batch, and for custom generators also every
   * `pipeline.auto-watermark-interval` of processing time (default 200 ms) while the source is not idle.
   */
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
    return new WatermarkStrategy<T>(() => new NoWatermarksGenerator(), timestamp, undefined);
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

/**
 * The generator of {@link WatermarkStrategy.noWatermarks}: no watermark until the end of input.
 *
 * @example
 * new NoWatermarksGenerator().onPeriodicEmit(); // -Infinity
 */
export class NoWatermarksGenerator implements WatermarkGenerator {
  onEvent(): undefined {
    return undefined;
  }
  onPeriodicEmit(): number {
    return -Infinity;
  }
}

/**
 * Whether a generator's watermark can change without new events, so it must be asked periodically.
 *
 * @example
 * needsPeriodicEmit(new BoundedOutOfOrdernessGenerator(5000)); // false: it moves only with events
 */
export function needsPeriodicEmit(gen: WatermarkGenerator): boolean {
  return !(gen instanceof BoundedOutOfOrdernessGenerator || gen instanceof NoWatermarksGenerator);
}
