import { reducingState } from '../state.js';
import { TriggerResult, type OnMergeContext, type Trigger, type TriggerContext } from './trigger.js';
import type { Window } from './window.js';

const countState = reducingState<number>('count', (a, b) => a + b);

/**
 * Fires every `maxCount` records of a window (the count restarts after each firing).
 *
 * @example
 * keyed.window(GlobalWindows.create()).trigger(PurgingTrigger.of(CountTrigger.of(100)))
 */
export class CountTrigger implements Trigger<unknown, Window> {
  private constructor(readonly maxCount: number) {}
  static of(maxCount: number): CountTrigger {
    if (!Number.isInteger(maxCount) || maxCount < 1) throw new RangeError(`CountTrigger.of: count must be a positive integer, got ${maxCount}`);
    return new CountTrigger(maxCount);
  }
  onElement(_e: unknown, _t: number, _w: Window, ctx: TriggerContext): TriggerResult {
    const count = ctx.getPartitionedState(countState);
    count.add(1);
    if (count.get()! >= this.maxCount) {
      count.clear();
      return TriggerResult.FIRE;
    }
    return TriggerResult.CONTINUE;
  }
  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  canMerge(): boolean {
    return true;
  }
  onMerge(_w: Window, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(countState);
  }
  clear(_w: Window, ctx: TriggerContext): void {
    ctx.getPartitionedState(countState).clear();
  }
  toString(): string {
    return `CountTrigger(${this.maxCount})`;
  }
}
