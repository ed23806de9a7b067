import { toMillis, type Duration } from '../duration.js';
import type { Evictor, TimestampedValue } from './evictor.js';
import type { Window } from './window.js';

/**
 * Keeps the elements whose timestamp is within `windowSize` of the latest element's timestamp
 * (`timestamp > max - windowSize`). Elements without a timestamp are kept.
 *
 * @example
 * keyed.window(GlobalWindows.create()).evictor(TimeEvictor.of('10s')).trigger(CountTrigger.of(5))
 */
export class TimeEvictor implements Evictor<unknown, Window> {
  private constructor(
    readonly windowSize: number,
    readonly doEvictAfter: boolean,
  ) {}
  static of(windowSize: Duration, doEvictAfter = false): TimeEvictor {
    return new TimeEvictor(toMillis(windowSize), doEvictAfter);
  }
  private evict<T>(els: TimestampedValue<T>[]): TimestampedValue<T>[] {
    let max = -Infinity;
    for (const e of els) if (e.timestamp > max) max = e.timestamp;
    if (max === -Infinity) return els;
    const cutoff = max - this.windowSize;
    return els.filter((e) => e.timestamp === -Infinity || e.timestamp > cutoff);
  }
  evictBefore<T>(els: TimestampedValue<T>[]): TimestampedValue<T>[] {
    return this.doEvictAfter ? els : this.evict(els);
  }
  evictAfter<T>(els: TimestampedValue<T>[]): TimestampedValue<T>[] {
    return this.doEvictAfter ? this.evict(els) : els;
  }
  toString(): string {
    return `TimeEvictor(${this.windowSize})`;
  }
}
