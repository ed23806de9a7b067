import { MAX_WATERMARK } from '../../core/batch.js';
import type { OperatorContext, TimerService } from '../../core/operator.js';
import type { StateDescriptor } from '../../core/state.js';
import type { OnMergeContext } from '../../core/window/trigger.js';
import { windowNamespace, type Window } from '../../core/window/window.js';
import { WindowStateStore } from './window-state-store.js';

/**
 * The trigger context of a window operator, reused for every call: the operator points it at a
 * window with `setWindow` before calling the trigger. Timers go to the keyed timer service under
 * the window's namespace, state to keyed state scoped to the window.
 */
export class WindowTriggerContext implements OnMergeContext {
  window: Window = undefined as unknown as Window;
  /** Windows folded into `window` during the current `onMerge`. */
  mergedWindows: Window[] = [];
  /** Set at end of input: a global window must not schedule new processing-time firings then. */
  inputEnded = false;
  private readonly state: WindowStateStore;
  private readonly timers: TimerService;

  constructor(private readonly ctx: OperatorContext<unknown>) {
    this.state = new WindowStateStore(ctx.keyed!.state, 'trigger:');
    this.timers = ctx.keyed!.timers;
  }

  setWindow(w: Window, namespace = windowNamespace(w)): this {
    this.window = w;
    this.state.namespace = namespace;
    return this;
  }
  private get ns(): string {
    return this.state.namespace;
  }

  getCurrentProcessingTime(): number {
    return this.ctx.clock.now();
  }
  getCurrentWatermark(): number {
    return this.ctx.currentWatermark();
  }
  // A trigger that re-arms itself on a window that never ends (global windows) would loop forever
  // once event time or the input has ended, so those registrations are ignored then.
  registerEventTimeTimer(time: number): void {
    if (this.window.maxTimestamp() === MAX_WATERMARK && this.ctx.currentWatermark() === MAX_WATERMARK) return;
    this.timers.registerEventTimeTimer(this.ns, time);
  }
  registerProcessingTimeTimer(time: number): void {
    if (this.window.maxTimestamp() === MAX_WATERMARK && this.inputEnded) return;
    this.timers.registerProcessingTimeTimer(this.ns, time);
  }
  deleteEventTimeTimer(time: number): void {
    this.timers.deleteEventTimeTimer(this.ns, time);
  }
  deleteProcessingTimeTimer(time: number): void {
    this.timers.deleteProcessingTimeTimer(this.ns, time);
  }
  getPartitionedState(d: StateDescriptor): any {
    return this.state.get(d);
  }
  mergePartitionedState(d: StateDescriptor): void {
    this.state.merge(d, this.ns, this.mergedWindows.map(windowNamespace));
  }
}
