import type { OperatorContext, TimerService } from '../../core/operator.js';
import { windowNamespace, type Window } from '../../core/window/window.js';

/**
 * When a window's state goes away, as Flink's window operator decides it: an event-time window is
 * kept `allowedLateness` after its max timestamp, a processing-time window until its max timestamp.
 * The cleanup timer lives in the window's namespace, next to the trigger's timers.
 */
export class WindowCleanup {
  private readonly timers: TimerService;
  private readonly lateness: number;

  constructor(
    private readonly ctx: OperatorContext<unknown>,
    private readonly eventTime: boolean,
    allowedLateness: number,
  ) {
    this.timers = ctx.keyed!.timers;
    this.lateness = eventTime ? allowedLateness : 0;
  }

  cleanupTime(w: Window): number {
    return w.maxTimestamp() + this.lateness;
  }

  /** The watermark passed the window's cleanup time: records for it are late. */
  isWindowLate(w: Window): boolean {
    return this.eventTime && this.cleanupTime(w) <= this.ctx.currentWatermark();
  }

  /** A record is late for every window it could belong to. */
  isElementLate(timestamp: number): boolean {
    return this.eventTime && timestamp + this.lateness <= this.ctx.currentWatermark();
  }

  /** The timer that fires at `time` in `eventTime` domain is the window's cleanup timer. */
  isCleanupTimer(w: Window, time: number, eventTime: boolean): boolean {
    return eventTime === this.eventTime && time === this.cleanupTime(w);
  }

  register(w: Window): void {
    const t = this.cleanupTime(w);
    if (t === Infinity) return;
    if (this.eventTime) this.timers.registerEventTimeTimer(windowNamespace(w), t);
    else this.timers.registerProcessingTimeTimer(windowNamespace(w), t);
  }

  delete(w: Window): void {
    const t = this.cleanupTime(w);
    if (t === Infinity) return;
    if (this.eventTime) this.timers.deleteEventTimeTimer(windowNamespace(w), t);
    else this.timers.deleteProcessingTimeTimer(windowNamespace(w), t);
  }
}
