import { describe, expect, it } from 'vitest';
import { CollectSink } from '../../src/index.js';
import { NexmarkGenerator, type NexmarkOptions } from '../../src/connectors/nexmark/index.js';
import { QUERIES } from '../../bench/query-registry.js';
import { runWeirQuery } from '../../bench/weir-job.js';

// 20 000 events at 1 000 events/s: 20 s of event time, so the windowed queries fire many windows.
const options: NexmarkOptions = { events: 20_000, eventsPerSecond: 1000, seed: 11 };
const canonical = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).sort();

describe('Nexmark queries: Weir jobs equal the hand-written loops', () => {
  for (const q of Object.values(QUERIES)) {
    for (const parallelism of [1, 2]) {
      it(`${q.name} (${q.title}) at parallelism ${parallelism}`, async () => {
        const expected: unknown[] = [];
        const n = q.baseline(new NexmarkGenerator(options), options.events!, expected);
        expect(n).toBe(expected.length);
        expect(n).toBeGreaterThan(0);
        const sink = new CollectSink<unknown>();
        await runWeirQuery(q, options, parallelism, sink);
        expect(canonical(sink.values)).toEqual(canonical(expected));
      });
    }
  }

  it('q5 and q7 find the windows the benchmark defines', () => {
    const hot: { windowEnd: number }[] = [];
    QUERIES.q5!.baseline(new NexmarkGenerator(options), options.events!, hot);
    // Sliding windows every 2 s over 20 s of bids, plus the four that close after the last bid.
    expect(new Set(hot.map((h) => h.windowEnd)).size).toBe(14);
    const highest: { windowEnd: number }[] = [];
    QUERIES.q7!.baseline(new NexmarkGenerator(options), options.events!, highest);
    expect(new Set(highest.map((h) => h.windowEnd)).size).toBe(2);
  });
});
