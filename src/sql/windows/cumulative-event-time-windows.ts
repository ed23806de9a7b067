import { NO_TIMESTAMP } from '../../core/batch.js';
import { EventTimeTrigger } from '../../core/window/event-time-trigger.js';
import type { Trigger } from '../../core/window/trigger.js';
import type { WindowAssigner } from '../../core/window/window-assigner.js';
import { TimeWindow } from '../../core/window/window.js';

/**
 * SQL's CUMULATE windows: within each `size`-aligned period, windows that all start at the period's
 * start and end every `step` (`[0, 2s)`, `[0, 4s)`, ... `[0, size)`), so a record belongs to the
 * windows ending after it. Windows of one period share their start, so they are not sliced.
 *
 * @example
 * keyed.window(new CumulativeEventTimeWindows(10_000, 60_000)) // running totals every 10 s, reset each minute
 */
export class CumulativeEventTimeWindows implements WindowAssigner<unknown, TimeWindow> {
  readonly isEventTime = true;
  readonly merging = false;
  constructor(
    readonly step: number,
    readonly size: number,
  ) {
    if (step <= 0 || size <= 0 || size % step !== 0)
      throw new RangeError(`CUMULATE: the size (${size} ms) must be a positive multiple of the step (${step} ms)`);
  }
  assignWindows(_e: unknown, timestamp: number): TimeWindow[] {
    if (timestamp === NO_TIMESTAMP) throw new Error(`${this.toString()} needs event-time timestamps`);
    const start = timestamp - (((timestamp % this.size) + this.size) % this.size);
    const out: TimeWindow[] = [];
    for (let end = start + this.step; end <= start + this.size; end += this.step) if (end > timestamp) out.push(new TimeWindow(start, end));
    return out;
  }
  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return EventTimeTrigger.create();
  }
  toString(): string {
    return `CumulativeEventTimeWindows(${this.step}, ${this.size})`;
  }
}
