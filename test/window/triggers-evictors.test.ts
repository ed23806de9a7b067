import { describe, expect, it } from 'vitest';
import {
  ContinuousEventTimeTrigger,
  CountEvictor,
  CountTrigger,
  DeltaEvictor,
  EventTimeSessionWindows,
  EventTimeTrigger,
  GlobalWindows,
  PurgingTrigger,
  StreamEnvironment,
  TimeEvictor,
  TumblingEventTimeWindows,
  count,
  reducingState,
  sumOf,
  TriggerResult,
  type Trigger,
  type GlobalWindow,
  type Collector,
} from '../../src/index.js';
import { ev, events, type Ev } from './window-helpers.js';

const keyed = (evs: Ev[], delay = 0) => events(evs, delay).stream.keyBy((e) => e.k);
const vals = (els: Ev[]) => els.map((e) => e.v).join(',');
const seq = (n: number, k = 'a') => Array.from({ length: n }, (_, i) => ev(k, i * 10, i + 1));

describe('triggers', () => {
  it('CountTrigger fires every n elements and keeps contents; PurgingTrigger purges them', async () => {
    const keep = await keyed(seq(7))
      .window(GlobalWindows.create())
      .trigger(CountTrigger.of(3))
      .apply<string>((_k, _w, els, out) => out.collect(vals(els)))
      .executeAndCollect();
    expect(keep).toEqual(['1,2,3', '1,2,3,4,5,6']);
    const purge = await keyed(seq(7))
      .window(GlobalWindows.create())
      .trigger(PurgingTrigger.of(CountTrigger.of(3)))
      .apply<string>((_k, _w, els, out) => out.collect(vals(els)))
      .executeAndCollect();
    expect(purge).toEqual(['1,2,3', '4,5,6']);
  });

  it('CountTrigger on a time window also keeps the count per key and window', async () => {
    const evs = [ev('a', 1), ev('b', 2), ev('a', 3), ev('a', 150), ev('a', 160)];
    const out = await keyed(evs)
      .window(TumblingEventTimeWindows.of(100))
      .trigger(CountTrigger.of(2))
      .aggregate(count(), (k, w, [n], o) => o.collect(`${k}${w.start}:${n}`))
      .executeAndCollect();
    expect(out).toEqual(['a0:2', 'a100:2']);
  });

  it('ContinuousEventTimeTrigger fires early results every interval and at the window end', async () => {
    // Records of key z only move the watermark along.
    const evs = [ev('a', 0, 1), ev('z', 110), ev('a', 120, 2), ev('z', 210), ev('a', 250, 3), ev('z', 310), ev('a', 999, 4), ev('z', 5000)];
    const out = await keyed(evs)
      .window(TumblingEventTimeWindows.of(1000))
      .trigger(ContinuousEventTimeTrigger.of(100))
      .aggregate(
        sumOf((e: Ev) => e.v),
        (k, w, [s], o: Collector<string>) => o.collect(`${k}${w.start}:${s}`),
      )
      .executeAndCollect();
    // Early firings at 100 (1), 200 (1+2), 300 (1+2+3), then every 100 ms up to the window end.
    expect(out.filter((s) => s.startsWith('a'))).toEqual(['a0:1', 'a0:3', 'a0:6', ...Array(7).fill('a0:10')]);
  });

  it('a custom trigger with window-scoped state works, and merges with sessions', async () => {
    const seen = reducingState<number>('seen', (a, b) => a + b);
    const everySecond: Trigger<Ev, GlobalWindow> = {
      onElement(_e, _t, _w, ctx) {
        const s = ctx.getPartitionedState(seen);
        s.add(1);
        return s.get()! % 2 === 0 ? TriggerResult.FIRE_AND_PURGE : TriggerResult.CONTINUE;
      },
      onEventTime: () => TriggerResult.CONTINUE,
      onProcessingTime: () => TriggerResult.CONTINUE,
      clear: (_w, ctx) => ctx.getPartitionedState(seen).clear(),
    };
    const out = await keyed(seq(5))
      .window(GlobalWindows.create())
      .trigger(everySecond)
      .apply<string>((_k, _w, els, o) => o.collect(vals(els)))
      .executeAndCollect();
    expect(out).toEqual(['1,2', '3,4']);

    // Count state of two merged sessions adds up: 2 + 1 elements reach the count of 3.
    const evs = [ev('a', 0, 1), ev('a', 2, 2), ev('a', 20, 3), ev('a', 11, 4)];
    const merged = await keyed(evs, 100)
      .window(EventTimeSessionWindows.withGap(10))
      .trigger(CountTrigger.of(3))
      .apply<string>((_k, w, els, o) => o.collect(`[${w.start},${w.end}):${vals(els)}`))
      .executeAndCollect();
    expect(merged).toEqual(['[0,30):1,2,3,4']);
  });

  it('a trigger that cannot merge is rejected for session windows', async () => {
    const { onElement, onEventTime, onProcessingTime, clear } = EventTimeTrigger.create();
    const plain: Trigger<Ev, any> = { onElement, onEventTime, onProcessingTime, clear };
    const err = await keyed([ev('a', 1)])
      .window(EventTimeSessionWindows.withGap(5))
      .trigger(plain)
      .aggregate(count())
      .executeAndCollect()
      .catch((e) => e);
    expect(String(err.message)).toMatch(/does not support merging/);
  });
});

describe('evictors and count windows', () => {
  it('CountEvictor keeps the last n, before or after the function', async () => {
    const before = await keyed(seq(6))
      .window(GlobalWindows.create())
      .trigger(CountTrigger.of(2))
      .evictor(CountEvictor.of(3))
      .apply<string>((_k, _w, els, o) => o.collect(vals(els)))
      .executeAndCollect();
    expect(before).toEqual(['1,2', '2,3,4', '4,5,6']);
    const after = await keyed(seq(6))
      .window(GlobalWindows.create())
      .trigger(CountTrigger.of(2))
      .evictor(CountEvictor.of(1, true))
      .apply<string>((_k, _w, els, o) => o.collect(vals(els)))
      .executeAndCollect();
    expect(after).toEqual(['1,2', '2,3,4', '4,5,6']);
  });

  it('TimeEvictor keeps elements within the span of the newest; evictors also work with reduce/aggregate', async () => {
    const out = await keyed(seq(6))
      .window(GlobalWindows.create())
      .trigger(CountTrigger.of(3))
      .evictor(TimeEvictor.of(15))
      .aggregate(sumOf((e: Ev) => e.v))
      .executeAndCollect();
    // timestamps 0..50 step 10: at 3 elements keep t > 20-15 -> [10,20] = 2+3; at 6 keep t > 35 -> [40,50] = 5+6
    expect(out).toEqual([5, 11]);
  });

  it('DeltaEvictor drops elements too far from the newest', async () => {
    const evs = [ev('a', 1, 1), ev('a', 2, 50), ev('a', 3, 52), ev('a', 4, 55)];
    const out = await keyed(evs)
      .window(GlobalWindows.create())
      .trigger(CountTrigger.of(4))
      .evictor(DeltaEvictor.of(10, (x: Ev, y: Ev) => Math.abs(x.v - y.v)))
      .reduce((x, y) => ({ ...x, v: x.v + y.v }))
      .executeAndCollect();
    expect(out.map((e) => e.v)).toEqual([157]);
  });

  it('countWindow: tumbling and sliding, per key', async () => {
    const evs = [...seq(5, 'a'), ...seq(3, 'b')];
    const tumbling = await keyed(evs)
      .countWindow(2)
      .apply<string>((k, _w, els, o) => o.collect(`${k}:${vals(els)}`))
      .executeAndCollect();
    expect(tumbling).toEqual(['a:1,2', 'a:3,4', 'b:1,2']);
    const sliding = await keyed(evs)
      .countWindow(3, 2)
      .aggregate(sumOf((e: Ev) => e.v))
      .executeAndCollect();
    expect(sliding).toEqual([3, 9, 3]);
  });

  it('count windows work without event time', async () => {
    const env = StreamEnvironment.create();
    const out = await env
      .fromElements(1, 2, 3, 4, 5)
      .keyBy((x) => x % 2)
      .countWindow(2)
      .reduce((a, b) => a + b)
      .executeAndCollect();
    expect(out.sort()).toEqual([4, 6]);
  });
});

describe('more window lifecycles', () => {
  it('ContinuousEventTimeTrigger on a global window fires at each interval and once at the end, then the job ends', async () => {
    const evs = [ev('a', 0, 1), ev('a', 150, 2), ev('a', 260, 3)];
    const out = await keyed(evs)
      .window(GlobalWindows.create())
      .trigger(ContinuousEventTimeTrigger.of(100))
      .aggregate(sumOf((e: Ev) => e.v))
      .executeAndCollect();
    // 100 fires after record 150 (wm 149): 1+2; 200 after 260 (wm 259): 6. The final watermark fires
    // the pending 300 timer and the window's end (as Flink: the global window ends at the max watermark).
    expect(out).toEqual([3, 6, 6, 6]);
  });

  it('session windows with allowed lateness: a late record reopens and extends a fired session', async () => {
    const late = new (await import('../../src/index.js')).OutputTag<Ev>('late');
    const { env, stream } = events([ev('a', 0, 1), ev('a', 100, 2), ev('a', 8, 4), ev('a', 300, 8), ev('a', 50, 16)]);
    const main = stream
      .keyBy((e) => e.k)
      .window(EventTimeSessionWindows.withGap(10))
      .allowedLateness(100)
      .sideOutputLateData(late)
      .aggregate(
        sumOf((e: Ev) => e.v),
        (_k, w, [s]) => [`[${w.start},${w.end})=${s}`],
      );
    const res = new (await import('../../src/index.js')).CollectSink<string>();
    const lateOut = new (await import('../../src/index.js')).CollectSink<Ev>();
    main.sinkTo(res);
    main.getSideOutput(late).sinkTo(lateOut);
    await env.execute();
    // [0,10) fires at wm 99; 8 arrives within lateness: merged [0,18) fires at once; 50 is past 17 + 100 at wm 299.
    expect(res.values).toEqual(['[0,10)=1', '[0,18)=5', '[100,110)=2', '[300,310)=8']);
    expect(lateOut.values).toEqual([ev('a', 50, 16)]);
  });

  it('window functions are opened and closed, and can emit to side outputs', async () => {
    const tag = new (await import('../../src/index.js')).OutputTag<string>('big');
    const calls: string[] = [];
    const { env, stream } = events([ev('a', 1, 5), ev('b', 2, 50)]);
    const main = stream
      .keyBy((e) => e.k)
      .window(TumblingEventTimeWindows.of(10))
      .process<number>({
        open: () => void calls.push('open'),
        process(key, ctx, els, out) {
          const s = els.reduce((a, e) => a + e.v, 0);
          if (s > 10) ctx.output(tag, `${key}:${s}`);
          else out.collect(s);
        },
        close: () => void calls.push('close'),
      });
    const side = new (await import('../../src/index.js')).CollectSink<string>();
    const mainOut = new (await import('../../src/index.js')).CollectSink<number>();
    main.getSideOutput(tag).sinkTo(side);
    main.sinkTo(mainOut);
    await env.execute();
    expect(mainOut.values).toEqual([5]);
    expect(side.values).toEqual(['b:50']);
    expect(side.timestamps).toEqual([9]);
    expect(calls).toEqual(['open', 'close']);
  });
});
