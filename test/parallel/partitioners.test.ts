import { describe, expect, it } from 'vitest';
import { CollectSink, StreamEnvironment, WatermarkStrategy } from '../../src/index.js';
import { rescaleTargets } from '../../src/runtime/graph-layout.js';

/** Runs `build` at parallelism 3 in one thread and returns [subtask, value] pairs seen by the last operator. */
async function route(build: (env: StreamEnvironment) => import('../../src/index.js').DataStream<number>) {
  const env = StreamEnvironment.create({ parallelism: 3, slotMode: 'single-thread', batchSize: 4 });
  const out = new CollectSink<[number, number]>();
  build(env)
    .process<[number, number]>({
      open(ctx) {
        (this as unknown as { i: number }).i = ctx.subtaskIndex;
      },
      processElement(v, _ctx, o) {
        o.collect([(this as unknown as { i: number }).i, v]);
      },
    })
    .sinkTo(out);
  await env.execute();
  return out.values;
}

describe('partitioners', () => {
  it('broadcast sends every record to every subtask', async () => {
    const seen = await route((env) => env.fromArray([1, 2, 3, 4, 5, 6]).broadcast());
    expect(seen).toHaveLength(18);
    for (const s of [0, 1, 2])
      expect(
        seen
          .filter(([i]) => i === s)
          .map(([, v]) => v)
          .sort(),
      ).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('global sends everything to the first subtask', async () => {
    const seen = await route((env) => env.fromArray([1, 2, 3, 4, 5, 6]).global());
    expect(seen.every(([i]) => i === 0)).toBe(true);
    expect(seen).toHaveLength(6);
  });

  it('custom partitions by the user function on the key', async () => {
    const seen = await route((env) =>
      env.fromArray([1, 2, 3, 4, 5, 6, 7, 8, 9]).partitionCustom(
        (k: number, n) => k % n,
        (v) => v,
      ),
    );
    for (const [i, v] of seen) expect(i).toBe(v % 3);
  });

  it('a custom partitioner that returns no valid channel fails the job with the key and the value it returned', async () => {
    await expect(
      route((env) =>
        env.fromArray([1, 2, 3]).partitionCustom(
          (k: number) => k * 10,
          (v) => v,
        ),
      ),
    ).rejects.toThrow(/custom partitioner.*partition\(\) returned 10, not a channel in 0\.\.2/s);
  });

  it('keyBy keeps each record with its timestamp and key when a batch splits over subtasks', async () => {
    const env = StreamEnvironment.create({ parallelism: 3, slotMode: 'single-thread', batchSize: 64 });
    const out = new CollectSink<string>();
    env
      .fromArray(Array.from({ length: 200 }, (_, i) => i))
      .assignTimestampsAndWatermarks(WatermarkStrategy.monotonousTimestamps<number>((v) => 1000 + v))
      .keyBy((v) => v % 13)
      .process<string>({ processElement: (v, ctx, o) => o.collect(`${v} ${ctx.timestamp()} ${String(ctx.getCurrentKey())}`) })
      .sinkTo(out);
    await env.execute();
    expect(out.values.sort()).toEqual(Array.from({ length: 200 }, (_, i) => `${i} ${1000 + i} ${i % 13}`).sort());
  });

  it('keyBy sends each key to exactly one subtask', async () => {
    const seen = await route((env) =>
      env
        .fromArray(Array.from({ length: 300 }, (_, i) => i % 10))
        .keyBy((v) => v)
        .filter(() => true),
    );
    const owner = new Map<number, Set<number>>();
    for (const [i, v] of seen) owner.set(v, (owner.get(v) ?? new Set()).add(i));
    for (const subtasks of owner.values()) expect(subtasks.size).toBe(1);
    expect(seen).toHaveLength(300);
  });

  it('rebalance spreads records over all subtasks', async () => {
    const seen = await route((env) =>
      env
        .fromArray(Array.from({ length: 60 }, (_, i) => i))
        .setParallelism(1)
        .rebalance(),
    );
    expect(new Set(seen.map(([i]) => i))).toEqual(new Set([0, 1, 2]));
  });

  it('rescale connects each upstream subtask to a fixed local subset', () => {
    expect([0, 1].map((u) => rescaleTargets(u, 2, ['a', 'b', 'c', 'd']))).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect([0, 1, 2, 3].map((u) => rescaleTargets(u, 4, ['a', 'b']))).toEqual([['a'], ['a'], ['b'], ['b']]);
  });

  it('the plan shows which operators are chained into one task', () => {
    const env = StreamEnvironment.create({ parallelism: 2 });
    env
      .fromElements(1, 2)
      .map((x) => x + 1)
      .filter((x) => x > 0)
      .keyBy((x) => x)
      .sum()
      .print();
    const plan = JSON.parse(env.explain());
    expect(plan.chains).toEqual(['Collection Source -> Map -> Filter', 'Keyed Reduce -> Print']);
  });
});
