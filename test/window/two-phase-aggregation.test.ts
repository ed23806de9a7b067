import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  OutputTag,
  SlidingEventTimeWindows,
  StreamEnvironment,
  TumblingEventTimeWindows,
  count,
  sumOf,
  type AggregateFunction,
  type Collector,
  type WindowOperatorSpec,
} from '../../src/index.js';
import { twoPhaseAggregationPass } from '../../src/graph/planning/two-phase-aggregation-pass.js';
import { assignUidsPass } from '../../src/graph/planning/assign-uids-pass.js';
import { assignParallelismPass } from '../../src/graph/planning/assign-parallelism-pass.js';
import type { StreamGraph } from '../../src/graph/stream-graph.js';
import { LocalWindowAggregateOperator } from '../../src/runtime/window/local-window-aggregate-operator.js';
import { OperatorHarness } from '../../src/testing/index.js';
import type { ExecutionConfig } from '../../src/graph/job-executor.js';
import { events, type Ev } from './window-helpers.js';

type Acc = { sum: number; n: number };
const sumCount: AggregateFunction<Ev, Acc, string> = {
  createAccumulator: () => ({ sum: 0, n: 0 }),
  add: (e, a) => ({ sum: a.sum + e.v, n: a.n + 1 }),
  getResult: (a) => `${a.sum}/${a.n}`,
  merge: (a, b) => ({ sum: a.sum + b.sum, n: a.n + b.n }),
};

// Few keys and a short time range, so that a key's slice often gets several partial aggregates
// (the watermark flushes the local phase while later records still fall into open slices).
const input = fc.array(fc.record({ k: fc.constantFrom('a', 'b'), t: fc.integer({ min: -100, max: 400 }), v: fc.integer({ min: 0, max: 9 }) }), {
  maxLength: 150,
  size: 'large',
});
const geometry = fc
  .record({
    slide: fc.integer({ min: 5, max: 120 }),
    factor: fc.integer({ min: 1, max: 4 }),
    offsetSeed: fc.integer({ min: -500, max: 500 }),
    tumbling: fc.boolean(),
  })
  .map(({ slide, factor, offsetSeed, tumbling }) => {
    const size = tumbling ? slide : slide * factor + (factor > 1 ? Math.floor(slide / 3) : 0);
    return { size, slide, offset: offsetSeed % slide };
  });

type Strategy = 'ONE_PHASE' | 'TWO_PHASE';

async function windowed(
  evs: Ev[],
  delay: number,
  g: { size: number; slide: number; offset: number },
  strategy: Strategy,
  parallelism: number,
  batchSize: number,
): Promise<string[]> {
  const { stream } = events(evs, delay, { aggPhaseStrategy: strategy, batchSize, slotMode: 'single-thread' });
  const assigner = g.size === g.slide ? TumblingEventTimeWindows.of(g.size, g.offset) : SlidingEventTimeWindows.of(g.size, g.slide, g.offset);
  const keyed = stream.keyBy((e) => e.k).window(assigner);
  const agg = keyed.aggregate(sumCount, (k, w, [r], o: Collector<string>) => o.collect(`agg ${k}|${w.start}|${r}`)).setParallelism(parallelism);
  const red = stream
    .keyBy((e) => e.k)
    .window(assigner)
    .reduce(
      (x, y) => ({ ...x, v: x.v + y.v }),
      (k, w, [r], o: Collector<string>) => o.collect(`reduce ${k}|${w.start}|${r!.v}`),
    )
    .setParallelism(parallelism);
  return (await agg.union(red).executeAndCollect()).sort();
}

describe('two-phase window aggregation (local partial aggregates before the keyBy exchange)', () => {
  it('property: results equal the one-phase plan, at parallelism 1 and 3, whatever the watermarks and batch sizes', async () => {
    await fc.assert(
      fc.asyncProperty(input, fc.integer({ min: 0, max: 150 }), geometry, fc.constantFrom(1, 3, 64), async (evs, delay, g, batchSize) => {
        const expected = await windowed(evs, delay, g, 'ONE_PHASE', 1, batchSize);
        expect(await windowed(evs, delay, g, 'TWO_PHASE', 1, batchSize)).toEqual(expected);
        expect(await windowed(evs, delay, g, 'TWO_PHASE', 3, batchSize)).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('the local phase emits what it buffered when its input goes idle, barriers come, or the watermark passes a slice', async () => {
    const spec: WindowOperatorSpec = {
      assigner: SlidingEventTimeWindows.of(10, 5),
      trigger: undefined,
      evictor: undefined,
      allowedLateness: 0,
      lateDataTag: undefined,
      fn: { type: 'aggregate', aggregate: count(), window: undefined },
    };
    const h = await OperatorHarness.forOperator<Ev, number>(new LocalWindowAggregateOperator(spec, (e: unknown) => (e as Ev).k));
    const feed = () => {
      h.processElement({ k: 'a', t: 1, v: 0 }, 1);
      h.processElement({ k: 'a', t: 3, v: 0 }, 3);
      h.processElement({ k: 'b', t: 7, v: 0 }, 7);
    };
    feed();
    h.processWatermark(3); // before the end of the first slice (5): nothing leaves yet
    expect(h.output()).toEqual([]);
    h.processIdle(true);
    // Partial counts per key and slice, at the slice's last timestamp, ahead of the idle status.
    expect(h.output()).toEqual([
      { value: 2, timestamp: 4 },
      { value: 1, timestamp: 9 },
    ]);
    h.clearOutput();
    h.processIdle(false);
    feed();
    h.checkpoint(1);
    expect(h.values()).toEqual([2, 1]);
    h.clearOutput();
    feed();
    h.processWatermark(4); // the watermark reaches the last timestamp of slice (0, 5]…
    expect(h.values()).toEqual([2]); // …which leaves; b's slice (5, 10] is still open
    h.clearOutput();
    h.processElement({ k: 'b', t: 8, v: 0 }, 8);
    h.processWatermark(8);
    expect(h.values()).toEqual([]);
    h.processWatermark(9); // b's open slice kept folding: one partial of 2, not two pieces
    expect(h.output()).toEqual([{ value: 2, timestamp: 9 }]);
  });

  /** The two-phase pass on `graph` with uids and parallelism assigned, as planning runs it; `split` says whether it changed the graph. */
  function planTwoPhaseAggregation(graph: StreamGraph, c: ExecutionConfig): { plan: StreamGraph; split: boolean } {
    const input = assignParallelismPass.run(assignUidsPass.run(graph.copy(), c), c);
    const plan = twoPhaseAggregationPass.run(input, c);
    return { plan, split: plan !== input };
  }

  function graphOf(build: (env: StreamEnvironment) => void, parallelism = 2) {
    const env = StreamEnvironment.create({ parallelism });
    build(env);
    return env.graph;
  }
  const config = (parallelism: number, aggPhaseStrategy?: ExecutionConfig['aggPhaseStrategy']): ExecutionConfig =>
    ({ parallelism, maxParallelism: 128, batchSize: 1024, autoWatermarkInterval: 200, ...(aggPhaseStrategy ? { aggPhaseStrategy } : {}) }) as ExecutionConfig;
  const sliding = (env: StreamEnvironment) =>
    env
      .fromElements(1, 2, 3)
      .keyBy((x) => x % 2)
      .window(SlidingEventTimeWindows.of(10, 5))
      .aggregate(count())
      .print();

  it('splits a mergeable window aggregate behind a keyBy: a local phase chained to its input, state uids kept', () => {
    const graph = graphOf(sliding);
    const { plan } = planTwoPhaseAggregation(graph, config(2));
    expect(plan.nodes.map((n) => n.kind)).toEqual(['source', 'localWindowAggregate', 'window', 'sink']);
    const [, local, window] = plan.nodes;
    expect(local!.inputs[0]![0]!.partitioner.type).toBe('forward');
    expect(window!.inputs[0]![0]!.partitioner).toMatchObject({ type: 'hash', keysFromBatch: true });
    expect(window!.params).toMatchObject({ preAggregated: true });
    // The window keeps the uid its state had in the unsplit graph; the sink keeps its own too.
    expect(window!.uid).toBe('window-1');
    expect(plan.nodes[3]!.uid).toBe('sink-2');
    expect(plan.chains(() => 2).map((c) => c.map((id) => plan.node(id).kind))).toEqual([
      ['source', 'localWindowAggregate'],
      ['window', 'sink'],
    ]);
  });

  it('splits a windowAll behind a parallel stream: partial aggregates from each subtask, one merge', () => {
    const graph = graphOf((env) =>
      env
        .fromSequence(1, 100)
        .map((x) => x)
        .windowAll(TumblingEventTimeWindows.of(10))
        .aggregate(sumOf())
        .print(),
    );
    const { plan } = planTwoPhaseAggregation(graph, config(2));
    expect(plan.nodes.map((n) => n.kind)).toEqual(['source', 'map', 'localWindowAggregate', 'window', 'sink']);
    expect(plan.nodes[2]!.parallelism).toBe(2);
    expect(plan.nodes[3]!.parallelism).toBe(1);
  });

  it('leaves the plan alone when it would not pay or cannot hold', () => {
    const graph = graphOf(sliding);
    expect(planTwoPhaseAggregation(graph, config(1)).split).toBe(false);
    expect(planTwoPhaseAggregation(graph, config(2, 'ONE_PHASE')).split).toBe(false);
    expect(planTwoPhaseAggregation(graph, config(1, 'TWO_PHASE')).split).toBe(true);
    const noMerge = graphOf((env) =>
      env
        .fromElements(1)
        .keyBy((x) => x)
        .window(SlidingEventTimeWindows.of(10, 5))
        .aggregate({ createAccumulator: () => 0, add: (v: number, a: number) => a + v, getResult: (a: number) => a })
        .print(),
    );
    expect(planTwoPhaseAggregation(noMerge, config(2)).split).toBe(false);
    const lateSide = graphOf((env) => {
      const w = env
        .fromElements(1)
        .keyBy((x) => x)
        .window(TumblingEventTimeWindows.of(10))
        .sideOutputLateData(new OutputTag<number>('late'))
        .aggregate(sumOf());
      w.print();
    });
    expect(planTwoPhaseAggregation(lateSide, config(2)).split).toBe(false);
  });

  it('explain() shows the plan that runs', () => {
    const env = StreamEnvironment.create({ parallelism: 2 });
    sliding(env);
    const plan = JSON.parse(env.explain()) as { chains: string[] };
    expect(plan.chains[0]).toMatch(/ -> LocalWindowAggregate\(SlidingEventTimeWindows\(10, 5\)\)$/);
    expect(() => StreamEnvironment.create({ 'table.optimizer.agg-phase-strategy': 'three' })).toThrow(/agg-phase-strategy/);
  });
});
