import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CollectSink } from '../../src/index.js';
import { committedLines } from '../checkpoint/committed-lines.js';
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

  // A collecting sink keeps a job in one thread; through `weir run -p 2` with file sinks, the same
  // jobs run in worker-thread slots and their rows cross slots (all queries in one job, one process).
  it('every query at parallelism 2 in worker-thread slots', () => {
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
    const out = mkdtempSync(join(tmpdir(), 'weir-nexmark-'));
    try {
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'run', 'test/nexmark/nexmark-query-job.ts', '-p', '2', '--no-progress'], {
        cwd: root,
        env: { ...process.env, WEIR_NEXMARK_OUT: out, WEIR_NEXMARK_OPTIONS: JSON.stringify(options) },
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      expect(readdirSync(out).filter((n) => n.startsWith('worker-')).length, 'slot workers that ran the job').toBe(2);
      for (const q of Object.values(QUERIES)) {
        const expected: unknown[] = [];
        q.baseline(new NexmarkGenerator(options), options.events!, expected);
        expect(committedLines(join(out, q.name)).sort(), q.name).toEqual(canonical(expected));
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);

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
