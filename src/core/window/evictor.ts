import type { Window } from './window.js';

/** A buffered window element with its event time. */
export interface TimestampedValue<T> {
  readonly value: T;
  readonly timestamp: number;
}

export interface EvictorContext {
  getCurrentProcessingTime(): number;
  getCurrentWatermark(): number;
}

/**
 * Removes elements from a window before and/or after the window function runs, as Flink's
 * `Evictor`. Both methods return the elements to keep, in order. An evictor makes the window keep
 * every element (no incremental aggregation), since elements may be removed later.
 *
 * @example
 * const keepPositive: Evictor<number, TimeWindow> = {
 *   evictBefore: (els) => els.filter((e) => e.value > 0),
 *   evictAfter: (els) => els,
 * };
 */
export interface Evictor<T, W extends Window> {
  evictBefore(elements: TimestampedValue<T>[], window: W, ctx: EvictorContext): TimestampedValue<T>[];
  evictAfter(elements: TimestampedValue<T>[], window: W, ctx: EvictorContext): TimestampedValue<T>[];
  toString(): string;
}
