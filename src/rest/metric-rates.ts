import type { OperatorMetricsSnapshot } from '../graph/job-executor.js';

interface Sample {
  readonly at: number;
  readonly recordsIn: number[];
  readonly recordsOut: number[];
}

/** Records per second of each operator, in and out. */
export interface OperatorRates {
  readonly inPerSecond: number;
  readonly outPerSecond: number;
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
    this.samples.push({ at, recordsIn: metrics.map((m) => m.recordsIn), recordsOut: metrics.map((m) => m.recordsOut) });
    // Keep one sample older than the window, so the window is always covered once it has passed.
    while (this.samples.length > 2 && at - this.samples[1]!.at >= this.windowMs) this.samples.shift();
  }

  rates(metrics: readonly OperatorMetricsSnapshot[], at: number): OperatorRates[] {
    const oldest = this.samples[0];
    const seconds = oldest ? (at - oldest.at) / 1000 : 0;
    return metrics.map((m, i) => {
      if (!oldest || seconds <= 0) return { inPerSecond: 0, outPerSecond: 0 };
      // A restart resets the counters: never report a negative rate.
      return {
        inPerSecond: Math.max(0, (m.recordsIn - (oldest.recordsIn[i] ?? 0)) / seconds),
        outPerSecond: Math.max(0, (m.recordsOut - (oldest.recordsOut[i] ?? 0)) / seconds),
      };
    });
  }
}
