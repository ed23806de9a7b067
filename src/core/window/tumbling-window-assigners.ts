import { NO_TIMESTAMP } from '../batch.js';
import { toMillis, type Duration } from '../duration.js';
import { EventTimeTrigger } from './event-time-trigger.js';
import { ProcessingTimeTrigger } from './processing-time-trigger.js';
import type { Trigger } from './trigger.js';
import { missingTimestamp, type WindowAssigner, type WindowAssignerContext } from './window-assigner.js';
import { TimeWindow } from './window.js';

function checkTumbling(name: string, size: Duration, offset: Duration | undefined): [number, number] {
  const s = toMillis(size);
  const o = offset === undefined ? 0 : typeof offset === 'number' ? offset : toMillis(offset);
  if (s <= 0) throw new RangeError(`${name}.of: size must be positive`);
  if (Math.abs(o) >= s) throw new RangeError(`${name}.of: offset must be smaller than the size (|${o}| >= ${s})`);
  return [s, o];
}

/**
 * Fixed-size, non-overlapping event-time windows. `offset` shifts the alignment (e.g. `'-8h'` as a
 * number of ms for days in another time zone: `TumblingEventTimeWindows.of('1d', -8 * 3600_000)`).
 *
 * @example
 * bids.keyBy((b) => b.auction).window(TumblingEventTimeWindows.of('10s')).aggregate(count())
 */
export class TumblingEventTimeWindows implements WindowAssigner<unknown, TimeWindow> {
  readonly isEventTime = true;
  readonly merging = false;
  readonly alignment;
  private constructor(
    readonly size: number,
    readonly offset: number,
  ) {
    this.alignment = { size, slide: size, offset };
  }
  static of(size: Duration, offset?: Duration): TumblingEventTimeWindows {
    return new TumblingEventTimeWindows(...checkTumbling('TumblingEventTimeWindows', size, offset));
  }
  assignWindows(_e: unknown, timestamp: number, _ctx?: WindowAssignerContext): TimeWindow[] {
    if (timestamp === NO_TIMESTAMP) throw missingTimestamp(this.toString());
    const start = TimeWindow.getWindowStartWithOffset(timestamp, this.offset, this.size);
    return [new TimeWindow(start, start + this.size)];
  }
  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return EventTimeTrigger.create();
  }
  toString(): string {
    return `TumblingEventTimeWindows(${this.size})`;
  }
}

/**
 * Fixed-size, non-overlapping windows of processing time (the clock when a record arrives).
 *
 * @example
 * keyed.window(TumblingProcessingTimeWindows.of('1s')).reduce((a, b) => a + b)
 */
export class TumblingProcessingTimeWindows implements WindowAssigner<unknown, TimeWindow> {
  readonly isEventTime = false;
  readonly merging = false;
  private constructor(
    readonly size: number,
    readonly offset: number,
  ) {}
  static of(size: Duration, offset?: Duration): TumblingProcessingTimeWindows {
    return new TumblingProcessingTimeWindows(...checkTumbling('TumblingProcessingTimeWindows', size, offset));
  }
  assignWindows(_e: unknown, _t: number, ctx: WindowAssignerContext): TimeWindow[] {
    const start = TimeWindow.getWindowStartWithOffset(ctx.getCurrentProcessingTime(), this.offset, this.size);
    return [new TimeWindow(start, start + this.size)];
  }
  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return ProcessingTimeTrigger.create();
  }
  toString(): string {
    return `TumblingProcessingTimeWindows(${this.size})`;
  }
}
