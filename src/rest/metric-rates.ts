import type { OperatorMetricsSnapshot } from '../graph/job-executor.js';

interface Sample {
  readonly at: number;
  readonly recordsIn: number[];
  readonly recordsOut: number[];
  readonly busy: number[];
  readonly backPressured: number[];
}

/** Records per second of each operator, in and out. */
export interface OperatorRates {
  readonly inPerSecond: number;
  readonly outPerSecond: number;
  /** Milliseconds per second its subtasks were busy, averaged over them (Flink's `busyTimeMsPerSecond`, 0–1000). */
  readonly busyMsPerSecond: number;
  /** Milliseconds per second its subtasks were back-pressured, averaged over them (`backPressuredTimeMsPerSecond`). */
  readonly backPressuredMsPerSecond: number;
}

/**
 * Per-second rates of the operators' record counts over the last `windowMs`, as Flink's `MeterView`
 * turns a counter into `numRecordsInPerSecond`. `sample` is called about once a second (by the REST
 * server's timer, never on the data path); `rates` compares the numbers now with the oldest sample
 * still in the window.
 *
 * @example
 * const rates = new MetricRates(10_000);
 * rates.sample(client.metrics(), Date.now());
 * rates.rates(client.metrics(), Date.now())[0]?.inPerSecond
 */
export class MetricRates {
  private readonly samples: Sample[] = [];

  constructor(private readonly windowMs: number) {}

  sample(metrics: readonly OperatorMetricsSnapshot[], at: number): void {
    this.samples.push({
      at,
      recordsIn: metrics.map((m) => m.recordsIn),
      recordsOut: metrics.map((m) => m.recordsOut),
      busy: metrics.map((m) => m.busyTimeMs ?? 0),
      backPressured: metrics.map((m) => m.backPressuredTimeMs ?? 0),
    });
    // Keep one sample older than the window, so the window is always covered once it has passed.
    while (this.samples.length > 2 && at - this.samples[1]!.at >= this.windowMs) this.samples.shift();
  }

  rates(metrics: readonly OperatorMetricsSnapshot[], at: number): OperatorRates[] {
    const oldest = this.samples[0];
    const seconds = oldest ? (at - oldest.at) / 1000 : 0;
    return metrics.map((m, i) => {
      if (!oldest || seconds <= 0) return { inPerSecond: 0, outPerSecond: 0, busyMsPerSecond: 0, backPressuredMsPerSecond: 0 };
      // A restart resets the counters: never report a negative rate.
      const perSubtask = (now: number, then: number) => Math.min(1000, Math.max(0, (now - then) / seconds / Math.max(1, m.parallelism)));
      return {
        inPerSecond: Math.max(0, (m.recordsIn - (oldest.recordsIn[i] ?? 0)) / seconds),
        outPerSecond: Math.max(0, (m.recordsOut - (oldest.recordsOut[i] ?? 0)) / seconds),
        busyMsPerSecond: perSubtask(m.busyTimeMs ?? 0, oldest.busy[i] ?? 0),
        backPressuredMsPerSecond: perSubtask(m.backPressuredTimeMs ?? 0, oldest.backPressured[i] ?? 0),
      };
    });
  }
}
