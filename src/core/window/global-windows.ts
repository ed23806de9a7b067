import { TriggerResult, type Trigger } from './trigger.js';
import type { WindowAssigner, WindowAssignerContext } from './window-assigner.js';
import { GlobalWindow } from './window.js';

/**
 * The trigger of `GlobalWindows`: never fires, so a custom trigger must be set.
 *
 * @example
 * GlobalWindows.create().getDefaultTrigger() === NeverTrigger.INSTANCE
 */
export class NeverTrigger implements Trigger<unknown, GlobalWindow> {
  static readonly INSTANCE = new NeverTrigger();
  onElement(): TriggerResult {
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
  onMerge(): void {}
  clear(): void {}
  toString(): string {
    return 'NeverTrigger';
  }
}

/**
 * One window per key that holds everything; use with a trigger (and usually an evictor). This is
 * how `countWindow` is built.
 *
 * @example
 * keyed.window(GlobalWindows.create()).trigger(PurgingTrigger.of(CountTrigger.of(100))).reduce(sum)
 */
export class GlobalWindows implements WindowAssigner<unknown, GlobalWindow> {
  private static readonly instance = new GlobalWindows();
  private static readonly windows = [GlobalWindow.INSTANCE];
  readonly isEventTime = false;
  readonly merging = false;
  private constructor() {}
  static create(): GlobalWindows {
    return GlobalWindows.instance;
  }
  assignWindows(_e?: unknown, _t?: number, _ctx?: WindowAssignerContext): GlobalWindow[] {
    return GlobalWindows.windows;
  }
  getDefaultTrigger(): Trigger<unknown, GlobalWindow> {
    return NeverTrigger.INSTANCE;
  }
  toString(): string {
    return 'GlobalWindows()';
  }
}
