import { NO_TIMESTAMP } from '../batch.js';
import { toMillis, type Duration } from '../duration.js';
import { EventTimeTrigger } from './event-time-trigger.js';
import { ProcessingTimeTrigger } from './processing-time-trigger.js';
import type { Trigger } from './trigger.js';
import { missingTimestamp, type WindowAssigner, type WindowAssignerContext } from './window-assigner.js';
import { TimeWindow } from './window.js';

function checkSliding(name: string, size: Duration, slide: Duration, offset: Duration | undefined): [number, number, number] {
  const s = toMillis(size);
  const sl = toMillis(slide);
  const o = offset === undefined ? 0 : typeof offset === 'number' ? offset : toMillis(offset);
  if (s <= 0 || sl <= 0) throw new RangeError(`${name}.of: size and slide must be positive`);
  if (Math.abs(o) >= sl) throw new RangeError(`${name}.of: offset must be smaller than the slide (|${o}| >= ${sl})`);
  return [s, sl, o];
}

/** Every window of length `size`, starting every `slide` (aligned to `offset`), that contains `t`. */
export function slidingWindowsFor(t: number, size: number, slide: number, offset: number): TimeWindow[] {
  const out: TimeWindow[] = [];
  for (let start = TimeWindow.getWindowStartWithOffset(t, offset, slide); start > t - size; start -= slide) out.push(new TimeWindow(start, start + size));
  return out;
}

/**
 * Overlapping event-time windows of length `size`, one starting every `slide`: each record belongs
 * to `size / slide` windows. With `reduce` or `aggregate` (with `merge`) the runtime aggregates each
 * record once, into a shared slice, and combines slices when a window fires.
 *
 * @example
 * bids.keyBy((b) => b.auction).window(SlidingEventTimeWindows.of('10s', '2s')).aggregate(count())
 */
export class SlidingEventTimeWindows implements WindowAssigner<unknown, TimeWindow> {
  readonly isEventTime = true;
  readonly merging = false;
  readonly alignment;
  private constructor(
    readonly size: number,
    readonly slide: number,
    readonly offset: number,
  ) {
    this.alignment = { size, slide, offset };
  }
  static of(size: Duration, slide: Duration, offset?: Duration): SlidingEventTimeWindows {
    return new SlidingEventTimeWindows(...checkSliding('SlidingEventTimeWindows', size, slide, offset));
  }
  assignWindows(_e: unknown, timestamp: number, _ctx?: WindowAssignerContext): TimeWindow[] {
    if (timestamp === NO_TIMESTAMP) throw missingTimestamp(this.toString());
    return slidingWindowsFor(timestamp, this.size, this.slide, this.offset);
  }
  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return EventTimeTrigger.create();
  }
  toString(): string {
    return `SlidingEventTimeWindows(${this.size}, ${this.slide})`;
  }
}

/**
 * Overlapping windows of processing time.
 *
 * @example
 * keyed.window(SlidingProcessingTimeWindows.of('1 min', '10s')).aggregate(sumOf((e) => e.bytes))
 */
export class SlidingProcessingTimeWindows implements WindowAssigner<unknown, TimeWindow> {
  readonly isEventTime = false;
  readonly merging = false;
  private constructor(
    readonly size: number,
    readonly slide: number,
    readonly offset: number,
  ) {}
  static of(size: Duration, slide: Duration, offset?: Duration): SlidingProcessingTimeWindows {
    return new SlidingProcessingTimeWindows(...checkSliding('SlidingProcessingTimeWindows', size, slide, offset));
  }
  assignWindows(_e: unknown, _t: number, ctx: WindowAssignerContext): TimeWindow[] {
    return slidingWindowsFor(ctx.getCurrentProcessingTime(), this.size, this.slide, this.offset);
  }
  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return ProcessingTimeTrigger.create();
  }
  toString(): string {
    return `SlidingProcessingTimeWindows(${this.size}, ${this.slide})`;
  }
}
