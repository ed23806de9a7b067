import type { Clock } from '../../core/clock.js';
import type { WatermarkGenerator } from '../../core/watermark-strategy.js';

/**
 * Calls a source's `WatermarkGenerator.onPeriodicEmit` every `interval` of processing time
 * (`pipeline.auto-watermark-interval`), also while the source has no data, so a generator whose
 * watermark follows processing time keeps advancing. The source also asks after every batch; this
 * covers the time between batches. Nothing is emitted while the source is idle, as in Flink.
 *
 * @example
 * const periodic = new PeriodicWatermarkEmitter(gen, 200, clock, (w) => output.pushWatermark(w), () => idleness?.isIdle ?? false);
 * periodic.start(); // ... periodic.stop();
 */
export class PeriodicWatermarkEmitter {
  private cancel: (() => void) | undefined;
  private stopped = false;

  constructor(
    private readonly generator: WatermarkGenerator,
    private readonly interval: number,
    private readonly clock: Clock,
    private readonly emit: (watermark: number) => void,
    private readonly isIdle: () => boolean,
  ) {}

  start(): void {
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    this.cancel?.();
    this.cancel = undefined;
  }

  private arm(): void {
    if (this.stopped) return;
    this.cancel = this.clock.schedule(this.clock.now() + this.interval, () => this.tick());
  }

  private tick(): void {
    if (this.stopped) return;
    if (!this.isIdle()) {
      const w = this.generator.onPeriodicEmit();
      if (w > -Infinity) this.emit(w);
    }
    this.arm();
  }
}
