import { NO_TIMESTAMP } from '../batch.js';
import { toMillis, type Duration } from '../duration.js';
import { EventTimeTrigger } from './event-time-trigger.js';
import { ProcessingTimeTrigger } from './processing-time-trigger.js';
import type { Trigger } from './trigger.js';
import { mergeTimeWindows, missingTimestamp, type WindowAssigner, type WindowAssignerContext } from './window-assigner.js';
import { TimeWindow } from './window.js';

type GapFn<T> = (element: T) => number;

function gapOf<T>(gap: GapFn<T>, element: T, name: string): number {
  const g = gap(element);
  if (!(g > 0)) throw new RangeError(`${name}: the session gap must be positive, got ${g} for ${JSON.stringify(element)}`);
  return g;
}

/**
 * Sessions of event time: a window per key that grows while records arrive less than `gap` apart.
 * Each record starts the window `[t, t + gap)`; overlapping windows of a key merge.
 *
 * @example
 * clicks.keyBy((c) => c.user).window(EventTimeSessionWindows.withGap('30 min')).process(fn)
 */
export class EventTimeSessionWindows<T = unknown> implements WindowAssigner<T, TimeWindow> {
  readonly isEventTime = true;
  readonly merging = true;
  private constructor(
    private readonly gap: GapFn<T>,
    private readonly label: string,
  ) {}
  static withGap(gap: Duration): EventTimeSessionWindows {
    const ms = toMillis(gap);
    if (ms <= 0) throw new RangeError('EventTimeSessionWindows.withGap: gap must be positive');
    return new EventTimeSessionWindows(() => ms, String(ms));
  }
  /** The gap comes from each record (in ms), e.g. per user tier. */
  static withDynamicGap<T>(gap: (element: T) => number): EventTimeSessionWindows<T> {
    return new EventTimeSessionWindows(gap, 'dynamic');
  }
  assignWindows(element: T, timestamp: number, _ctx?: WindowAssignerContext): TimeWindow[] {
    if (timestamp === NO_TIMESTAMP) throw missingTimestamp(this.toString());
    return [new TimeWindow(timestamp, timestamp + gapOf(this.gap, element, this.toString()))];
  }
  mergeWindows(windows: TimeWindow[], callback: (toBeMerged: TimeWindow[], mergeResult: TimeWindow) => void): void {
    mergeTimeWindows(windows, callback);
  }
  getDefaultTrigger(): Trigger<T, TimeWindow> {
    return EventTimeTrigger.create();
  }
  toString(): string {
    return `EventTimeSessionWindows(${this.label})`;
  }
}

/**
 * Sessions of processing time.
 *
 * @example
 * keyed.window(ProcessingTimeSessionWindows.withGap('5s')).reduce((a, b) => a + b)
 */
export class ProcessingTimeSessionWindows<T = unknown> implements WindowAssigner<T, TimeWindow> {
  readonly isEventTime = false;
  readonly merging = true;
  private constructor(
    private readonly gap: GapFn<T>,
    private readonly label: string,
  ) {}
  static withGap(gap: Duration): ProcessingTimeSessionWindows {
    const ms = toMillis(gap);
    if (ms <= 0) throw new RangeError('ProcessingTimeSessionWindows.withGap: gap must be positive');
    return new ProcessingTimeSessionWindows(() => ms, String(ms));
  }
  static withDynamicGap<T>(gap: (element: T) => number): ProcessingTimeSessionWindows<T> {
    return new ProcessingTimeSessionWindows(gap, 'dynamic');
  }
  assignWindows(element: T, _t: number, ctx: WindowAssignerContext): TimeWindow[] {
    const now = ctx.getCurrentProcessingTime();
    return [new TimeWindow(now, now + gapOf(this.gap, element, this.toString()))];
  }
  mergeWindows(windows: TimeWindow[], callback: (toBeMerged: TimeWindow[], mergeResult: TimeWindow) => void): void {
    mergeTimeWindows(windows, callback);
  }
  getDefaultTrigger(): Trigger<T, TimeWindow> {
    return ProcessingTimeTrigger.create();
  }
  toString(): string {
    return `ProcessingTimeSessionWindows(${this.label})`;
  }
}
