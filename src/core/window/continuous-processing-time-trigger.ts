import { toMillis, type Duration } from '../duration.js';
import { reducingState } from '../state.js';
import { alignDown } from './continuous-event-time-trigger.js';
import { TriggerResult, type OnMergeContext, type Trigger, type TriggerContext } from './trigger.js';
import type { Window } from './window.js';

const fireAt = reducingState<number>('fire-time', (a, b) => Math.min(a, b));

/**
 * Fires every `interval` of processing time while the window has data (e.g. running totals of a
 * global window every 10 seconds).
 *
 * @example
 * keyed.window(GlobalWindows.create()).trigger(ContinuousProcessingTimeTrigger.of('10s'))
 */
export class ContinuousProcessingTimeTrigger implements Trigger<unknown, Window> {
  private constructor(readonly interval: number) {}
  static of(interval: Duration): ContinuousProcessingTimeTrigger {
    const ms = toMillis(interval);
    if (ms <= 0) throw new RangeError('ContinuousProcessingTimeTrigger.of: interval must be positive');
    return new ContinuousProcessingTimeTrigger(ms);
  }
  onElement(_e: unknown, _t: number, window: Window, ctx: TriggerContext): TriggerResult {
    if (ctx.getPartitionedState(fireAt).get() === undefined) this.registerNext(alignDown(ctx.getCurrentProcessingTime(), this.interval), window, ctx);
    return TriggerResult.CONTINUE;
  }
  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onProcessingTime(time: number, window: Window, ctx: TriggerContext): TriggerResult {
    const state = ctx.getPartitionedState(fireAt);
    if (state.get() === time) {
      state.clear();
      this.registerNext(time, window, ctx);
      return TriggerResult.FIRE;
    }
    return TriggerResult.CONTINUE;
  }
  private registerNext(time: number, window: Window, ctx: TriggerContext): void {
    const next = Math.min(time + this.interval, window.maxTimestamp());
    ctx.getPartitionedState(fireAt).add(next);
    ctx.registerProcessingTimeTimer(next);
  }
  canMerge(): boolean {
    return true;
  }
  onMerge(_w: Window, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(fireAt);
    const next = ctx.getPartitionedState(fireAt).get();
    if (next !== undefined) ctx.registerProcessingTimeTimer(next);
  }
  clear(_w: Window, ctx: TriggerContext): void {
    const state = ctx.getPartitionedState(fireAt);
    const next = state.get();
    if (next !== undefined) ctx.deleteProcessingTimeTimer(next);
    state.clear();
  }
  toString(): string {
    return `ContinuousProcessingTimeTrigger(${this.interval})`;
  }
}
