import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  CollectSink,
  OutputTag,
  SlidingEventTimeWindows,
  StreamEnvironment,
  TumblingEventTimeWindows,
  count,
  maxOf,
  type DataStream,
} from '../../src/index.js';
import { ev, events, type Ev } from './window-helpers.js';

describe('windowAll', () => {
  it('aggregates the whole stream in one subtask, even when the job runs with parallelism 4', async () => {
    const evs = Array.from({ length: 40 }, (_, i) => ev(`k${i % 5}`, i * 10, i));
    const { env, stream } = events(evs, 0, { parallelism: 4 });
    const counts = stream.windowAll(TumblingEventTimeWindows.of(100)).aggregate(count());
    expectTypeOf(counts).toEqualTypeOf<DataStream<number>>();
    const out = await counts.executeAndCollect();
    expect(out).toEqual([10, 10, 10, 10]);
    const plan = JSON.parse(env.explain());
    expect(plan.nodes.find((n: any) => n.kind === 'slicedWindow')).toMatchObject({ parallelism: 1, name: expect.stringMatching(/^WindowAll\(/) });
  });

  it('process, apply and reduce with a window function; late data side output', async () => {
    const late = new OutputTag<Ev>('late');
    const { env, stream } = events([ev('a', 5, 1), ev('b', 50, 2), ev('c', 150, 3), ev('d', 20, 4), ev('e', 160, 5)]);
    const procd = stream
      .windowAll(TumblingEventTimeWindows.of(100))
      .sideOutputLateData(late)
      .process<string>({ process: (ctx, els, out) => out.collect(`${ctx.window.start}:${els.map((e) => e.k).join('')}`) });
    const lateOut = new CollectSink<string>();
    procd
      .getSideOutput(late)
      .map((e) => e.k)
      .sinkTo(lateOut);
    const main = new CollectSink<string>();
    procd.sinkTo(main);
    await env.execute();
    expect(main.values).toEqual(['0:ab', '100:ce']);
    expect(lateOut.values).toEqual(['d']);

    const applied = await events([ev('a', 5, 1), ev('b', 50, 2)])
      .stream.windowAll(SlidingEventTimeWindows.of(100, 50))
      .apply<number>((w, els, out) => out.collect(w.end * 10 + els.length))
      .executeAndCollect();
    expect(applied).toEqual([501, 1002, 1501]);
    const reduced = await events([ev('a', 5, 1), ev('b', 50, 2)])
      .stream.windowAll(TumblingEventTimeWindows.of(100))
      .reduce(
        (x, y) => ({ ...x, v: x.v + y.v }),
        (w, [r], out) => out.collect(`${w.end}:${r!.v}`),
      )
      .executeAndCollect();
    expect(reduced).toEqual(['100:3']);
    const max = await events([ev('a', 5, 1), ev('b', 50, 2)])
      .stream.windowAll(TumblingEventTimeWindows.of(100))
      .aggregate(maxOf((e: Ev) => e.v))
      .executeAndCollect();
    expect(max).toEqual([2]);
  });

  it('countWindowAll', async () => {
    const env = StreamEnvironment.create();
    const out = await env
      .fromElements(1, 2, 3, 4, 5)
      .countWindowAll(2)
      .reduce((a, b) => a + b)
      .executeAndCollect();
    expect(out).toEqual([3, 7]);
    const env2 = StreamEnvironment.create();
    const sliding = await env2
      .fromElements(1, 2, 3, 4, 5)
      .countWindowAll(3, 1)
      .apply<string>((_w, els, out) => out.collect(els.join('')))
      .executeAndCollect();
    expect(sliding).toEqual(['1', '12', '123', '234', '345']);
  });
});
