import { describe, expect, it } from 'vitest';
import { Batch, CollectSink, ManualClock, StreamEnvironment, datagen, sequence } from '../../src/index.js';
import { readerContext } from '../../src/testing/index.js';

const rows = (seed: number, numberOfRows?: number, rowsPerSecond?: number) =>
  datagen({ seed, numberOfRows, rowsPerSecond, generator: (i, r) => ({ i, user: r.pick(['ann', 'bob', 'cy']), amount: r.int(1, 1000), f: r.next() }) });

const byIndex = (a: { i: number }, b: { i: number }) => a.i - b.i;

describe('sequence', () => {
  it('env.fromSequence emits from..to inclusive, in parallel ranges', async () => {
    const env = StreamEnvironment.create({ parallelism: 3, batchSize: 7 });
    const out = await env.fromSequence(5, 104).executeAndCollect();
    expect(out.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 5));
  });

  it('a reader restored from its snapshot continues with the next value', async () => {
    const src = sequence(1, 50);
    const splits = src.splits(1);
    const { ctx } = readerContext({ batchSize: 20 });
    const first = src.createReader(splits, ctx);
    const head: number[] = [];
    while (head.length < 20) head.push(...(first.poll() as Batch<number>).values);
    expect(head).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const saved = first.snapshotState!();
    const again = src.createReader(splits, ctx, saved);
    const rest: number[] = [];
    for (let r = again.poll(); r !== 'end'; r = again.poll()) rest.push(...(r as Batch<number>).values);
    expect(rest).toEqual(Array.from({ length: 30 }, (_, i) => i + 21));
  });
});

describe('datagen', () => {
  it('is deterministic by seed, whatever the parallelism', async () => {
    const run = (parallelism: number, seed: number) =>
      StreamEnvironment.create({ parallelism, batchSize: 64 }).fromSource(rows(seed, 1000)).executeAndCollect();
    const one = (await run(1, 42)).sort(byIndex);
    const four = (await run(4, 42)).sort(byIndex);
    expect(one).toHaveLength(1000);
    expect(one.map((r) => r.i)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(four).toEqual(one);
    const other = (await run(1, 43)).sort(byIndex);
    expect(other.filter((r, k) => r.amount === one[k]!.amount).length).toBeLessThan(50);
    // Values are spread, not stuck.
    expect(new Set(one.map((r) => r.user))).toEqual(new Set(['ann', 'bob', 'cy']));
    expect(Math.min(...one.map((r) => r.amount))).toBeLessThan(20);
    expect(Math.max(...one.map((r) => r.amount))).toBeGreaterThan(980);
  });

  it('a restored reader produces the same rows the original would have', () => {
    const src = rows(7, 300);
    const splits = src.splits(1);
    const { ctx } = readerContext({ batchSize: 100 });
    const original = src.createReader(splits, ctx);
    const all: unknown[] = [];
    all.push(...(original.poll() as Batch<unknown>).values);
    const saved = original.snapshotState!();
    const tail1 = [...(original.poll() as Batch<unknown>).values, ...(original.poll() as Batch<unknown>).values];
    expect(original.poll()).toBe('end');
    const restored = src.createReader(splits, ctx, JSON.parse(JSON.stringify(saved)));
    const tail2 = [...(restored.poll() as Batch<unknown>).values, ...(restored.poll() as Batch<unknown>).values];
    expect(restored.poll()).toBe('end');
    expect(tail2).toEqual(tail1);
    expect(all.length + tail1.length).toBe(300);
  });

  it('follows rowsPerSecond on the job clock', async () => {
    const clock = new ManualClock(0);
    const env = StreamEnvironment.create({ clock, parallelism: 2 });
    const sink = new CollectSink<{ i: number }>();
    env.fromSource(rows(1, 50, 20)).sinkTo(sink);
    const job = env.executeAsync('rate');
    const settle = () => new Promise((r) => setTimeout(r, 60));
    // Waits until the readers caught up with the clock, then a little more to see they stop there.
    const reaches = async (n: number) => {
      for (let t = 0; t < 400 && sink.values.length < n; t++) await new Promise((r) => setTimeout(r, 5));
      await settle();
      return sink.values.length;
    };
    await settle();
    expect(sink.values).toHaveLength(0);
    clock.advance(500);
    expect(await reaches(10)).toBe(10);
    clock.advance(1000);
    expect(await reaches(30)).toBe(30);
    clock.advance(10_000);
    await job.result;
    expect(sink.values.sort(byIndex).map((r) => r.i)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('without numberOfRows it is unbounded', async () => {
    const src = rows(3);
    expect(src.bounded).toBe(false);
    const { ctx } = readerContext({ batchSize: 500 });
    const reader = src.createReader(src.splits(1), ctx);
    for (let k = 0; k < 10; k++) expect((reader.poll() as Batch<unknown>).length).toBe(500);
  });
});
