import { TriggerResult, type OnMergeContext, type Trigger, type TriggerContext } from './trigger.js';
import type { Window } from './window.js';

/**
 * Wraps a trigger so that every firing also purges the window contents (FIRE becomes FIRE_AND_PURGE).
 *
 * @example
 * .trigger(PurgingTrigger.of(CountTrigger.of(10)))
 */
export class PurgingTrigger<T, W extends Window> implements Trigger<T, W> {
  private constructor(readonly nested: Trigger<T, W>) {}
  static of<T, W extends Window>(nested: Trigger<T, W>): PurgingTrigger<T, W> {
    return new PurgingTrigger(nested);
  }
  private static purging(r: TriggerResult): TriggerResult {
    return r === TriggerResult.FIRE ? TriggerResult.FIRE_AND_PURGE : r;
  }
  onElement(element: T, timestamp: number, window: W, ctx: TriggerContext): TriggerResult {
    return PurgingTrigger.purging(this.nested.onElement(element, timestamp, window, ctx));
  }
  onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    return PurgingTrigger.purging(this.nested.onEventTime(time, window, ctx));
  }
  onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    return PurgingTrigger.purging(this.nested.onProcessingTime(time, window, ctx));
  }
  canMerge(): boolean {
    return this.nested.canMerge?.() ?? false;
  }
  onMerge(window: W, ctx: OnMergeContext): void {
    this.nested.onMerge?.(window, ctx);
  }
  clear(window: W, ctx: TriggerContext): void {
    this.nested.clear(window, ctx);
  }
  toString(): string {
    return `PurgingTrigger(${this.nested.toString()})`;
  }
}
