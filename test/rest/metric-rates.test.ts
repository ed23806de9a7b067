import { describe, expect, it } from 'vitest';
import type { OperatorMetricsSnapshot } from '../../src/graph/job-executor.js';
import { MetricRates } from '../../src/rest/metric-rates.js';

const at = (recordsIn: number, recordsOut: number): OperatorMetricsSnapshot[] => [
  { name: 'op', parallelism: 1, recordsIn, recordsOut, busyMs: 0, counters: {} },
];

describe('MetricRates', () => {
  it('divides the growth since the oldest sample in the window by the seconds passed', () => {
    const r = new MetricRates(10_000);
    r.sample(at(0, 0), 0);
    r.sample(at(100, 50), 1_000);
    expect(r.rates(at(400, 200), 2_000)).toEqual([{ inPerSecond: 200, outPerSecond: 100, busyMsPerSecond: 0, backPressuredMsPerSecond: 0 }]);
  });

  it('forgets samples older than the window', () => {
    const r = new MetricRates(2_000);
    for (let t = 0; t <= 10_000; t += 1_000) r.sample(at(t < 5_000 ? 0 : (t - 5_000) * 10, 0), t);
    // Only the last seconds count: 10 records per ms there, none before.
    expect(r.rates(at(50_000, 0), 10_000)[0]!.inPerSecond).toBeGreaterThanOrEqual(10_000);
  });

  it('never reports a negative rate after a restart reset the counts', () => {
    const r = new MetricRates(10_000);
    r.sample(at(1_000, 1_000), 0);
    expect(r.rates(at(10, 10), 1_000)).toEqual([{ inPerSecond: 0, outPerSecond: 0, busyMsPerSecond: 0, backPressuredMsPerSecond: 0 }]);
  });

  it('turns busy and back-pressured milliseconds into milliseconds per second per subtask, at most 1000', () => {
    const r = new MetricRates(10_000);
    const times = (busyTimeMs: number, backPressuredTimeMs: number): OperatorMetricsSnapshot[] => [
      { name: 'op', parallelism: 2, recordsIn: 0, recordsOut: 0, busyMs: 0, counters: {}, busyTimeMs, backPressuredTimeMs },
    ];
    r.sample(times(0, 0), 0);
    // Two subtasks over two seconds: 800 ms busy is 200 ms per second each.
    expect(r.rates(times(800, 6_000), 2_000)[0]).toMatchObject({ busyMsPerSecond: 200, backPressuredMsPerSecond: 1000 });
  });
});
