import { TriggerResult, type OnMergeContext, type Trigger, type TriggerContext } from './trigger.js';
import type { Window } from './window.js';

/**
 * Fires once the watermark passes the end of the window; the default of event-time assigners. A
 * record for a window the watermark already passed (allowed lateness) fires it again at once.
 *
 * @example
 * keyed.window(TumblingEventTimeWindows.of('1 min')).trigger(EventTimeTrigger.create())
 */
export class EventTimeTrigger implements Trigger<unknown, Window> {
  private static readonly instance = new EventTimeTrigger();
  private constructor() {}
  static create(): EventTimeTrigger {
    return EventTimeTrigger.instance;
  }
  onElement(_e: unknown, _t: number, window: Window, ctx: TriggerContext): TriggerResult {
    if (window.maxTimestamp() <= ctx.getCurrentWatermark()) return TriggerResult.FIRE;
    ctx.registerEventTimeTimer(window.maxTimestamp());
    return TriggerResult.CONTINUE;
  }
  onEventTime(time: number, window: Window): TriggerResult {
    return time === window.maxTimestamp() ? TriggerResult.FIRE : TriggerResult.CONTINUE;
  }
  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  canMerge(): boolean {
    return true;
  }
  onMerge(window: Window, ctx: OnMergeContext): void {
    // A merged session may end before the watermark; its existing timer then fires it.
    if (window.maxTimestamp() > ctx.getCurrentWatermark()) ctx.registerEventTimeTimer(window.maxTimestamp());
  }
  clear(window: Window, ctx: TriggerContext): void {
    ctx.deleteEventTimeTimer(window.maxTimestamp());
  }
  toString(): string {
    return 'EventTimeTrigger';
  }
}
