import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  avgOf,
  count,
  EventTimeSessionWindows,
  maxOf,
  minOf,
  SlidingEventTimeWindows,
  sumOf,
  TumblingEventTimeWindows,
  valueState,
  type DataStream,
  type TimeWindow,
} from '../../src/index.js';
import { ev, events, type Ev } from './window-helpers.js';

const keyed = (evs: Ev[], delay = 0) => events(evs, delay).stream.keyBy((e) => e.k);

describe('event-time windows', () => {
  it('tumbling: aggregate(count()) gives a DataStream<number>, results stamped with the window end - 1', async () => {
    const { env, stream } = events([ev('a', 0), ev('a', 999), ev('b', 500), ev('a', 1000), ev('a', 2500)]);
    const counts = stream
      .keyBy((e) => e.k)
      .window(TumblingEventTimeWindows.of('1s'))
      .aggregate(count());
    expectTypeOf(counts).toEqualTypeOf<DataStream<number>>();
    const sink = new (await import('../../src/index.js')).CollectSink<number>();
    counts.sinkTo(sink);
    await env.execute();
    expect(sink.values).toEqual([2, 1, 1, 1]);
    expect(sink.timestamps).toEqual([999, 999, 1999, 2999]);
  });

  it('built-in aggregates: sum, avg, min, max', async () => {
    const evs = [ev('a', 1, 4), ev('a', 2, 10), ev('a', 3, 1), ev('b', 4, 7)];
    const run = (agg: Parameters<ReturnType<ReturnType<typeof keyed>['window']>['aggregate']>[0]) =>
      keyed(evs).window(TumblingEventTimeWindows.of(100)).aggregate(agg).executeAndCollect();
    expect(await run(sumOf((e: Ev) => e.v))).toEqual([15, 7]);
    expect(await run(avgOf((e: Ev) => e.v))).toEqual([5, 7]);
    expect(await run(minOf((e: Ev) => e.v))).toEqual([1, 7]);
    expect(await run(maxOf((e: Ev) => e.v))).toEqual([10, 7]);
  });

  it('sliding windows: every window that holds a record fires once, per key, in window order', async () => {
    const out = await keyed([ev('a', 0, 1), ev('a', 1500, 2), ev('b', 3000, 5), ev('a', 12_000, 3)])
      .window(SlidingEventTimeWindows.of('10s', '5s'))
      .reduce(
        (x, y) => ({ ...x, v: x.v + y.v }),
        (key, w: TimeWindow, [r], out) => out.collect(`${key}[${w.start},${w.end})=${r!.v}`),
      )
      .executeAndCollect();
    expect(out).toEqual(['a[-5000,5000)=3', 'b[-5000,5000)=5', 'a[0,10000)=3', 'b[0,10000)=5', 'a[5000,15000)=3', 'a[10000,20000)=3']);
  });

  it('incremental and full window functions give the same results', async () => {
    const evs = Array.from({ length: 60 }, (_, i) => ev(i % 3 === 0 ? 'x' : 'y', i * 37, i));
    const assigner = SlidingEventTimeWindows.of(300, 100);
    const incremental = await keyed(evs)
      .window(assigner)
      .aggregate(
        sumOf((e: Ev) => e.v),
        { process: (k, ctx, [s], out) => out.collect(`${k}@${ctx.window.end}:${s}`) },
      )
      .executeAndCollect();
    const full = await keyed(evs)
      .window(assigner)
      .process<string>({ process: (k, ctx, els, out) => out.collect(`${k}@${ctx.window.end}:${els.reduce((a, e) => a + e.v, 0)}`) })
      .executeAndCollect();
    const applied = await keyed(evs)
      .window(assigner)
      .apply<string>((k, w, els, out) => out.collect(`${k}@${w.end}:${els.reduce((a, e) => a + e.v, 0)}`))
      .executeAndCollect();
    expect(incremental.length).toBeGreaterThan(10);
    expect(full.slice().sort()).toEqual(incremental.slice().sort());
    expect(applied.slice().sort()).toEqual(incremental.slice().sort());
  });

  it('process window function: window state per window, global state per key, context times', async () => {
    const out = await keyed([ev('a', 0), ev('a', 50), ev('a', 150), ev('b', 160)])
      .window(TumblingEventTimeWindows.of(100))
      .process<string>({
        process(key, ctx, els, out) {
          const fired = ctx.globalState.getState(valueState<number>('windows-seen'));
          fired.update((fired.value() ?? 0) + 1);
          const mine = ctx.windowState.getState(valueState<number>('n'));
          mine.update((mine.value() ?? 0) + els.length);
          out.collect(`${key}:${ctx.window.start}:${els.length}:${mine.value()}:${fired.value()}:${ctx.currentWatermark() >= ctx.window.maxTimestamp()}`);
        },
        clear(ctx) {
          ctx.windowState.getState(valueState<number>('n')).clear();
        },
      })
      .executeAndCollect();
    expect(out).toEqual(['a:0:2:2:1:true', 'a:100:1:1:2:true', 'b:100:1:1:1:true']);
  });

  it('session windows merge per key; contents and results follow the merge', async () => {
    // a: 0, 4 and 8 chain into one session (gap 5); 20 starts a new one. 12 arrives late-ish but in order.
    const evs = [ev('a', 0, 1), ev('b', 1, 100), ev('a', 8, 3), ev('a', 4, 2), ev('a', 20, 4)];
    const agg = await keyed(evs, 10)
      .window(EventTimeSessionWindows.withGap(5))
      .aggregate(
        sumOf((e: Ev) => e.v),
        (k, w, [s], out) => out.collect(`${k}[${w.start},${w.end})=${s}`),
      )
      .executeAndCollect();
    expect(agg.sort()).toEqual(['a[0,13)=6', 'a[20,25)=4', 'b[1,6)=100']);
    const full = await keyed(evs, 10)
      .window(EventTimeSessionWindows.withGap(5))
      .apply<string>((k, w, els, out) => out.collect(`${k}[${w.start},${w.end})=${els.map((e) => e.v).join('+')}`))
      .executeAndCollect();
    expect(full.sort()).toEqual(['a[0,13)=1+3+2', 'a[20,25)=4', 'b[1,6)=100']);
    const reduced = await keyed(evs, 10)
      .window(EventTimeSessionWindows.withDynamicGap<Ev>((e) => (e.k === 'a' ? 15 : 1)))
      .reduce((x, y) => ({ ...x, v: x.v + y.v }))
      .executeAndCollect();
    expect(reduced.map((e) => e.v).sort((x, y) => x - y)).toEqual([10, 100]);
  });

  it('session windows need AggregateFunction.merge', async () => {
    const noMerge = { createAccumulator: () => 0, add: (_: Ev, a: number) => a + 1, getResult: (a: number) => a };
    const err = await keyed([ev('a', 0)])
      .window(EventTimeSessionWindows.withGap(5))
      .aggregate(noMerge)
      .executeAndCollect()
      .catch((e) => e);
    expect(String(err)).toMatch(/needs a merge\(\) method/);
  });

  it('a window function that throws fails the job naming the operator, key and window', async () => {
    const err = await keyed([ev('a', 0)])
      .window(TumblingEventTimeWindows.of(10))
      .process({
        process: () => {
          throw new Error('kaput');
        },
      })
      .executeAndCollect()
      .catch((e) => e);
    expect(String(err.message)).toMatch(/Window\(TumblingEventTimeWindows\(10\), Process\)/);
    expect(String(err.message)).toMatch(/kaput/);
    expect(String(err.message)).toMatch(/"key":"a"/);
  });

  it('records without a timestamp fail event-time windows with a hint', async () => {
    const env = (await import('../../src/index.js')).StreamEnvironment.create();
    const err = await env
      .fromElements(1, 2)
      .keyBy((x) => x)
      .window(TumblingEventTimeWindows.of(10))
      .aggregate(count())
      .executeAndCollect()
      .catch((e) => e);
    expect(String(err.message)).toMatch(/without an event timestamp/);
  });

  it('explain shows a keyed window node', () => {
    const { env, stream } = events([]);
    stream
      .keyBy((e) => e.k)
      .window(SlidingEventTimeWindows.of('10s', '2s'))
      .aggregate(count())
      .uid('hot-items')
      .print();
    const plan = JSON.parse(env.explain());
    const node = plan.nodes.find((n: any) => n.kind === 'slicedWindow');
    expect(node).toMatchObject({ keyed: true, uid: 'hot-items', name: 'Window(SlidingEventTimeWindows(10000, 2000), Aggregate)' });
    expect(node.inputs[0][0].partitioner).toBe('hash');
  });
});

describe('window function types', () => {
  it('a window function that returns its results infers the output type', async () => {
    const out = keyed([ev('a', 1, 2), ev('a', 2, 3)])
      .window(TumblingEventTimeWindows.of(10))
      .aggregate(
        sumOf((e: Ev) => e.v),
        (key, w, [total]) => [{ key, end: w.end, total: total! }],
      );
    expectTypeOf(out).toEqualTypeOf<DataStream<{ key: string; end: number; total: number }>>();
    expect(await out.executeAndCollect()).toEqual([{ key: 'a', end: 10, total: 5 }]);
    const applied = keyed([ev('b', 1)])
      .window(TumblingEventTimeWindows.of(10))
      .apply((key, _w, els) => [`${key}:${els.length}`]);
    expectTypeOf(applied).toEqualTypeOf<DataStream<string>>();
    expect(await applied.executeAndCollect()).toEqual(['b:1']);
  });
});

describe('windowed stream shorthands and types', () => {
  it('sum, min, max, minBy, maxBy per window', async () => {
    const evs = [ev('a', 1, 4), ev('a', 2, 10), ev('a', 3, 1), ev('a', 120, 7)];
    const w = () => keyed(evs).window(TumblingEventTimeWindows.of(100));
    expect((await w().sum('v').executeAndCollect()).map((e) => e.v)).toEqual([15, 7]);
    expect((await w().min('v').executeAndCollect()).map((e) => e.v)).toEqual([1, 7]);
    expect((await w().max('v').executeAndCollect()).map((e) => e.v)).toEqual([10, 7]);
    expect((await w().minBy('v').executeAndCollect()).map((e) => e.t)).toEqual([3, 120]);
    expect((await w().maxBy('v').executeAndCollect()).map((e) => e.t)).toEqual([2, 120]);
    const { StreamEnvironment: SE } = await import('../../src/index.js');
    const nums = await SE.create().fromElements(3, 1, 2).countWindowAll(3).sum().executeAndCollect();
    expect(nums).toEqual([6]);
  });

  it('windowed streams stay covariant in their element type, as DataStream is', async () => {
    const { WindowedStream: WS, AllWindowedStream: AWS } = await import('../../src/index.js');
    expectTypeOf<InstanceType<typeof WS<1, string, TimeWindow>>>().toMatchTypeOf<InstanceType<typeof WS<number, string, TimeWindow>>>();
    expectTypeOf<InstanceType<typeof AWS<1, TimeWindow>>>().toMatchTypeOf<InstanceType<typeof AWS<number, TimeWindow>>>();
    expectTypeOf<DataStream<1>>().toMatchTypeOf<DataStream<number>>();
  });
});
