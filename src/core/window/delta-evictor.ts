import type { Evictor, TimestampedValue } from './evictor.js';
import type { Window } from './window.js';

/**
 * Removes the elements whose delta to the latest element is at least `threshold`, as Flink's
 * `DeltaEvictor`: `deltaFn(element, last) >= threshold` is evicted.
 *
 * @example
 * .evictor(DeltaEvictor.of(100, (a: Trade, b: Trade) => Math.abs(a.price - b.price)))
 */
export class DeltaEvictor<T> implements Evictor<T, Window> {
  private constructor(
    readonly threshold: number,
    private readonly deltaFn: (a: T, b: T) => number,
    readonly doEvictAfter: boolean,
  ) {}
  static of<T>(threshold: number, deltaFn: (a: T, b: T) => number, doEvictAfter = false): DeltaEvictor<T> {
    return new DeltaEvictor(threshold, deltaFn, doEvictAfter);
  }
  private evict(els: TimestampedValue<T>[]): TimestampedValue<T>[] {
    if (els.length === 0) return els;
    const last = els[els.length - 1]!.value;
    return els.filter((e) => this.deltaFn(e.value, last) < this.threshold);
  }
  evictBefore(els: TimestampedValue<T>[]): TimestampedValue<T>[] {
    return this.doEvictAfter ? els : this.evict(els);
  }
  evictAfter(els: TimestampedValue<T>[]): TimestampedValue<T>[] {
    return this.doEvictAfter ? this.evict(els) : els;
  }
  toString(): string {
    return `DeltaEvictor(${this.threshold})`;
  }
}
