import { toMillis, type Duration } from '../duration.js';
import { reducingState } from '../state.js';
import { TriggerResult, type OnMergeContext, type Trigger, type TriggerContext } from './trigger.js';
import type { Window } from './window.js';

const fireAt = reducingState<number>('fire-time', (a, b) => Math.min(a, b));

/** Start of the interval-aligned period containing `t` (towards minus infinity). */
export function alignDown(t: number, interval: number): number {
  const r = t % interval;
  return r < 0 ? t - r - interval : t - r;
}

/**
 * Fires early results every `interval` of event time, and once more at the end of the window.
 *
 * @example
 * keyed.window(TumblingEventTimeWindows.of('1h')).trigger(ContinuousEventTimeTrigger.of('1 min'))
 */
export class ContinuousEventTimeTrigger implements Trigger<unknown, Window> {
  private constructor(readonly interval: number) {}
  static of(interval: Duration): ContinuousEventTimeTrigger {
    const ms = toMillis(interval);
    if (ms <= 0) throw new RangeError('ContinuousEventTimeTrigger.of: interval must be positive');
    return new ContinuousEventTimeTrigger(ms);
  }
  onElement(_e: unknown, timestamp: number, window: Window, ctx: TriggerContext): TriggerResult {
    if (window.maxTimestamp() <= ctx.getCurrentWatermark()) return TriggerResult.FIRE;
    ctx.registerEventTimeTimer(window.maxTimestamp());
    if (ctx.getPartitionedState(fireAt).get() === undefined) this.registerNext(alignDown(timestamp, this.interval), window, ctx);
    return TriggerResult.CONTINUE;
  }
  onEventTime(time: number, window: Window, ctx: TriggerContext): TriggerResult {
    if (time === window.maxTimestamp()) return TriggerResult.FIRE;
    const state = ctx.getPartitionedState(fireAt);
    if (state.get() === time) {
      state.clear();
      this.registerNext(time, window, ctx);
      return TriggerResult.FIRE;
    }
    return TriggerResult.CONTINUE;
  }
  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  private registerNext(time: number, window: Window, ctx: TriggerContext): void {
    const next = Math.min(time + this.interval, window.maxTimestamp());
    ctx.getPartitionedState(fireAt).add(next);
    ctx.registerEventTimeTimer(next);
  }
  canMerge(): boolean {
    return true;
  }
  onMerge(window: Window, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(fireAt);
    const next = ctx.getPartitionedState(fireAt).get();
    if (next !== undefined) ctx.registerEventTimeTimer(next);
    if (window.maxTimestamp() > ctx.getCurrentWatermark()) ctx.registerEventTimeTimer(window.maxTimestamp());
  }
  clear(window: Window, ctx: TriggerContext): void {
    const state = ctx.getPartitionedState(fireAt);
    const next = state.get();
    if (next !== undefined) ctx.deleteEventTimeTimer(next);
    state.clear();
    ctx.deleteEventTimeTimer(window.maxTimestamp());
  }
  toString(): string {
    return `ContinuousEventTimeTrigger(${this.interval})`;
  }
}
