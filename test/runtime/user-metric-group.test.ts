import { describe, expect, it } from 'vitest';
import { UserMetrics } from '../../src/runtime/metrics/user-metric-group.js';

describe('UserMetrics (the MetricGroup of a subtask)', () => {
  it('keeps one counter per name, and reports counters, gauges and subgroups by name', () => {
    const m = new UserMetrics('Count');
    m.group.counter('seen').inc();
    m.group.counter('seen').inc(4);
    m.group.counter('seen').dec();
    let size = 7;
    m.group.gauge('cache', () => size);
    m.group.addGroup('io').counter('reads').inc(2);
    size = 9;
    expect(m.samples(1)).toEqual([
      { name: 'seen', type: 'counter', subtask: 1, value: 4 },
      { name: 'cache', type: 'gauge', subtask: 1, value: 9 },
      { name: 'io_reads', type: 'counter', subtask: 1, value: 2 },
    ]);
  });

  it('a histogram reports the statistics of its last window of values', () => {
    const m = new UserMetrics('Count');
    const h = m.group.histogram('latency', 100);
    for (let i = 0; i < 250; i++) h.update((i * 37) % 250);
    // The last 100 values, and their statistics by plain code.
    const last = Array.from({ length: 100 }, (_, k) => ((150 + k) * 37) % 250).sort((a, b) => a - b);
    const mean = last.reduce((s, v) => s + v, 0) / 100;
    const at = (q: number) => {
      const pos = q * 99;
      const lo = Math.floor(pos);
      return last[lo]! + (last[Math.min(lo + 1, 99)]! - last[lo]!) * (pos - lo);
    };
    const s = m.samples(0)[0]!;
    expect(s.value).toBe(250);
    expect(s.histogram).toMatchObject({ size: 100, min: last[0], max: last[99], sum: (249 * 250) / 2 });
    expect(s.histogram!.mean).toBeCloseTo(mean, 9);
    expect(s.histogram!.stdDev).toBeCloseTo(Math.sqrt(last.reduce((x, v) => x + (v - mean) ** 2, 0) / 99), 9);
    for (const q of [0.5, 0.75, 0.95, 0.98, 0.99, 0.999]) expect(s.histogram!.quantiles[String(q)]).toBeCloseTo(at(q), 9);
  });

  it('a meter counts events and their rate per second', () => {
    const m = new UserMetrics('Count');
    const meter = m.group.meter('events');
    meter.markEvent(10);
    meter.markEvent();
    expect(meter.getCount()).toBe(11);
    expect(meter.getRate()).toBeGreaterThan(0);
  });

  it('refuses a name Prometheus does not take, and one name used for two kinds of metric', () => {
    const m = new UserMetrics('Count');
    expect(() => m.group.counter('orders seen')).toThrow("Metric name 'orders seen' of operator 'Count'");
    m.group.counter('n');
    expect(() => m.group.histogram('n')).toThrow("Metric 'n' of operator 'Count' is a counter, not a histogram");
    expect(() => m.group.histogram('h', 0)).toThrow('window 0');
  });

  it('a gauge that throws reports NaN instead of failing the report', () => {
    const m = new UserMetrics('Count');
    m.group.gauge('broken', () => {
      throw new Error('no');
    });
    expect(m.samples(0)[0]!.value).toBeNaN();
  });
});
