import type { Clock } from '../../core/clock.js';

/**
 * Marks a source idle when it has sent no data for `timeout` of processing time, and active again
 * on its next data. It runs on a clock timer rather than in the poll loop, so it also sees sources
 * whose `poll` is a promise that stays pending (an async iterable waiting for its producer). The
 * timer is rescheduled lazily: data only records the time, so the cost per batch is one `now()`.
 *
 * @example
 * const idleness = new IdlenessDetector(60_000, clock, (idle) => output.emit(idleElement(idle)));
 * idleness.start();
 * // per batch: idleness.onData(); at the end: idleness.stop();
 */
export class IdlenessDetector {
  private lastData = 0;
  private idle = false;
  private cancel: (() => void) | undefined;
  private stopped = false;

  constructor(
    private readonly timeout: number,
    private readonly clock: Clock,
    /** Called on each change: `true` when the source became idle, `false` when it became active. */
    private readonly onChange: (idle: boolean) => void,
  ) {}

  start(): void {
    this.lastData = this.clock.now();
    this.arm();
  }

  /** The source produced data. */
  onData(): void {
    this.lastData = this.clock.now();
    if (this.idle) {
      this.idle = false;
      this.onChange(false);
    }
    if (!this.cancel) this.arm();
  }

  stop(): void {
    this.stopped = true;
    this.cancel?.();
    this.cancel = undefined;
  }

  get isIdle(): boolean {
    return this.idle;
  }

  private arm(): void {
    if (this.stopped) return;
    this.cancel = this.clock.schedule(this.lastData + this.timeout, () => this.check());
  }

  private check(): void {
    this.cancel = undefined;
    if (this.stopped || this.idle) return;
    if (this.clock.now() - this.lastData >= this.timeout) {
      this.idle = true;
      this.onChange(true);
    } else this.arm();
  }
}
