import type { AggregateFunction } from '../state.js';

/**
 * Number of records. All built-ins implement `merge`, so sliding windows can share slices and
 * session windows can merge; `count`, `sumOf` and `avgOf` also `retract`, so a keyed `aggregate`
 * can apply them to a changelog (`minOf` and `maxOf` cannot: their accumulator forgets the rest).
 *
 * @example
 * bids.keyBy((b) => b.auction).window(SlidingEventTimeWindows.of('10s', '2s')).aggregate(count())
 */
export function count<T = unknown>(): AggregateFunction<T, number, number> {
  return { createAccumulator: () => 0, add: (_v, acc) => acc + 1, getResult: (acc) => acc, merge: (a, b) => a + b, retract: (_v, acc) => acc - 1 };
}

/**
 * Sum of a number taken from each record (or of the records, on a stream of numbers).
 *
 * @example
 * .aggregate(sumOf((b: Bid) => b.price))
 */
export function sumOf(): AggregateFunction<number, number, number>;
export function sumOf<T>(fn: (value: T) => number): AggregateFunction<T, number, number>;
export function sumOf<T>(fn?: (value: T) => number): AggregateFunction<T, number, number> {
  const get = fn ?? ((v: T) => v as unknown as number);
  return { createAccumulator: () => 0, add: (v, acc) => acc + get(v), getResult: (acc) => acc, merge: (a, b) => a + b, retract: (v, acc) => acc - get(v) };
}

/** Running sum and count of an average; `merge` updates the first argument only. */
export interface AvgAccumulator {
  sum: number;
  count: number;
}

/**
 * Arithmetic mean (NaN for an empty window, which never fires).
 *
 * @example
 * .aggregate(avgOf((b: Bid) => b.price))
 */
export function avgOf(): AggregateFunction<number, AvgAccumulator, number>;
export function avgOf<T>(fn: (value: T) => number): AggregateFunction<T, AvgAccumulator, number>;
export function avgOf<T>(fn?: (value: T) => number): AggregateFunction<T, AvgAccumulator, number> {
  const get = fn ?? ((v: T) => v as unknown as number);
  return {
    createAccumulator: () => ({ sum: 0, count: 0 }),
    add: (v, acc) => {
      acc.sum += get(v);
      acc.count++;
      return acc;
    },
    getResult: (acc) => acc.sum / acc.count,
    merge: (a, b) => {
      a.sum += b.sum;
      a.count += b.count;
      return a;
    },
    retract: (v, acc) => {
      acc.sum -= get(v);
      acc.count--;
      return acc;
    },
  };
}

/**
 * Smallest number taken from each record.
 *
 * @example
 * .aggregate(minOf((b: Bid) => b.price))
 */
export function minOf(): AggregateFunction<number, number, number>;
export function minOf<T>(fn: (value: T) => number): AggregateFunction<T, number, number>;
export function minOf<T>(fn?: (value: T) => number): AggregateFunction<T, number, number> {
  const get = fn ?? ((v: T) => v as unknown as number);
  return { createAccumulator: () => Infinity, add: (v, acc) => Math.min(acc, get(v)), getResult: (acc) => acc, merge: (a, b) => Math.min(a, b) };
}

/**
 * Largest number taken from each record.
 *
 * @example
 * .aggregate(maxOf((b: Bid) => b.price))
 */
export function maxOf(): AggregateFunction<number, number, number>;
export function maxOf<T>(fn: (value: T) => number): AggregateFunction<T, number, number>;
export function maxOf<T>(fn?: (value: T) => number): AggregateFunction<T, number, number> {
  const get = fn ?? ((v: T) => v as unknown as number);
  return { createAccumulator: () => -Infinity, add: (v, acc) => Math.max(acc, get(v)), getResult: (acc) => acc, merge: (a, b) => Math.max(a, b) };
}
