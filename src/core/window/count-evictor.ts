import type { Evictor, TimestampedValue } from './evictor.js';
import type { Window } from './window.js';

/**
 * Keeps at most `maxCount` elements: the latest ones. Before the window function by default, or
 * after it with `doEvictAfter`.
 *
 * @example
 * keyed.window(GlobalWindows.create()).evictor(CountEvictor.of(10)).trigger(CountTrigger.of(2))
 */
export class CountEvictor implements Evictor<unknown, Window> {
  private constructor(
    readonly maxCount: number,
    readonly doEvictAfter: boolean,
  ) {}
  static of(maxCount: number, doEvictAfter = false): CountEvictor {
    if (!Number.isInteger(maxCount) || maxCount < 0) throw new RangeError(`CountEvictor.of: count must be a non-negative integer, got ${maxCount}`);
    return new CountEvictor(maxCount, doEvictAfter);
  }
  private evict<T>(els: TimestampedValue<T>[]): TimestampedValue<T>[] {
    return els.length <= this.maxCount ? els : els.slice(els.length - this.maxCount);
  }
  evictBefore<T>(els: TimestampedValue<T>[]): TimestampedValue<T>[] {
    return this.doEvictAfter ? els : this.evict(els);
  }
  evictAfter<T>(els: TimestampedValue<T>[]): TimestampedValue<T>[] {
    return this.doEvictAfter ? this.evict(els) : els;
  }
  toString(): string {
    return `CountEvictor(${this.maxCount})`;
  }
}
