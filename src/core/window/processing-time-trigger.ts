import { TriggerResult, type OnMergeContext, type Trigger, type TriggerContext } from './trigger.js';
import type { Window } from './window.js';

/**
 * Fires when the processing-time clock reaches the end of the window; the default of
 * processing-time assigners.
 *
 * @example
 * keyed.window(TumblingProcessingTimeWindows.of('5s')).trigger(ProcessingTimeTrigger.create())
 */
export class ProcessingTimeTrigger implements Trigger<unknown, Window> {
  private static readonly instance = new ProcessingTimeTrigger();
  private constructor() {}
  static create(): ProcessingTimeTrigger {
    return ProcessingTimeTrigger.instance;
  }
  onElement(_e: unknown, _t: number, window: Window, ctx: TriggerContext): TriggerResult {
    ctx.registerProcessingTimeTimer(window.maxTimestamp());
    return TriggerResult.CONTINUE;
  }
  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onProcessingTime(): TriggerResult {
    return TriggerResult.FIRE;
  }
  canMerge(): boolean {
    return true;
  }
  onMerge(window: Window, ctx: OnMergeContext): void {
    if (window.maxTimestamp() > ctx.getCurrentProcessingTime()) ctx.registerProcessingTimeTimer(window.maxTimestamp());
  }
  clear(window: Window, ctx: TriggerContext): void {
    ctx.deleteProcessingTimeTimer(window.maxTimestamp());
  }
  toString(): string {
    return 'ProcessingTimeTrigger';
  }
}
