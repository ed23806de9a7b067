import { describe, expect, it } from 'vitest';
import { ManualClock, StreamEnvironment, WatermarkStrategy, arraySource, valueState, type ValueState } from '../../src/index.js';

type Ev = { key: string; ts: number; cancel?: boolean };

describe('timers in a KeyedProcessFunction', () => {
  it('event-time timers fire per key, in time order, when the watermark passes them; deleted ones do not fire', async () => {
    const events: Ev[] = [
      { key: 'a', ts: 100 },
      { key: 'b', ts: 150 },
      { key: 'a', ts: 200 },
      { key: 'b', ts: 210, cancel: true },
      { key: 'a', ts: 400 },
      { key: 'c', ts: 1000 },
    ];
    const env = StreamEnvironment.create({ batchSize: 1 });
    const out = await env
      .fromSource(
        arraySource(events),
        WatermarkStrategy.monotonousTimestamps<Ev>((e) => e.ts),
      )
      .keyBy((e) => e.key)
      .process<string>({
        processElement(e, ctx, out) {
          const timers = ctx.timerService();
          // A timer 100 ms after each event; the same time twice is one timer.
          timers.registerEventTimeTimer(e.ts + 100);
          timers.registerEventTimeTimer(e.ts + 100);
          if (e.cancel) timers.deleteEventTimeTimer(150 + 100);
          out.collect(`in ${e.key}@${e.ts} wm=${timers.currentWatermark()}`);
        },
        onTimer(ts, ctx, out) {
          out.collect(`timer ${ctx.getCurrentKey()}@${ts} ${ctx.timeDomain()} ts=${ctx.timestamp()} wm=${ctx.timerService().currentWatermark()}`);
        },
      })
      .executeAndCollect();
    expect(out).toEqual([
      'in a@100 wm=-Infinity',
      'in b@150 wm=99',
      'in a@200 wm=149',
      'in b@210 wm=199',
      // Not before: watermark 199 is still before the timer at 200.
      'timer a@200 EVENT_TIME ts=200 wm=209',
      'in a@400 wm=209',
      'timer a@300 EVENT_TIME ts=300 wm=399',
      'timer b@310 EVENT_TIME ts=310 wm=399',
      'in c@1000 wm=399',
      'timer a@500 EVENT_TIME ts=500 wm=999',
      // The end of input is the final watermark: every pending event-time timer fires.
      'timer c@1100 EVENT_TIME ts=1100 wm=Infinity',
    ]);
  });

  it('timers and state of one key do not touch another key', async () => {
    const env = StreamEnvironment.create({ parallelism: 2, batchSize: 3 });
    const out = await env
      .fromSource(
        arraySource(['x', 'y', 'x', 'z', 'y', 'x']),
        WatermarkStrategy.noWatermarks<string>(() => 5),
      )
      .keyBy((k) => k)
      .process<string>({
        open(ctx) {
          (this as any).n = ctx.state.getState(valueState<number>('n', { defaultValue: 0 }));
        },
        processElement(_k, ctx) {
          const n: ValueState<number> = (this as any).n;
          n.update(n.value()! + 1);
          ctx.timerService().registerEventTimeTimer(n.value()!);
        },
        onTimer(ts, ctx, out) {
          const n: ValueState<number> = (this as any).n;
          out.collect(`${ctx.getCurrentKey()}@${ts} n=${n.value()}`);
        },
      })
      .executeAndCollect();
    expect(out.sort()).toEqual(['x@1 n=3', 'x@2 n=3', 'x@3 n=3', 'y@1 n=2', 'y@2 n=2', 'z@1 n=1']);
  });

  it('processing-time timers follow the ManualClock; those pending at the end of input fire then', async () => {
    const clock = new ManualClock(0);
    const env = StreamEnvironment.create({ clock, batchSize: 1 });
    const out = await env
      .fromArray([
        { key: 'a', at: 0 },
        { key: 'b', at: 50 },
        { key: 'a', at: 120 },
        { key: 'b', at: 130 },
        { key: 'a', at: 500 },
      ])
      // Moves processing time between records (one record per batch).
      .map((e) => (clock.setTime(e.at), e))
      .keyBy((e) => e.key)
      .process<string>({
        processElement(e, ctx, out) {
          const t = ctx.timerService();
          t.registerProcessingTimeTimer(t.currentProcessingTime() + 100);
          if (e.key === 'b' && e.at === 130) t.deleteProcessingTimeTimer(230);
          out.collect(`in ${e.key} now=${t.currentProcessingTime()}`);
        },
        onTimer(ts, ctx, out) {
          out.collect(`timer ${ctx.getCurrentKey()}@${ts} ${ctx.timeDomain()} now=${clock.now()} ts=${ctx.timestamp()}`);
        },
      })
      .executeAndCollect();
    expect(out).toEqual([
      'in a now=0',
      'in b now=50',
      'timer a@100 PROCESSING_TIME now=100 ts=-Infinity',
      'in a now=120',
      'in b now=130',
      'timer b@150 PROCESSING_TIME now=150 ts=-Infinity',
      'timer a@220 PROCESSING_TIME now=220 ts=-Infinity',
      'in a now=500',
      // Pending when the input ended (processing time is still 500): fires at the end.
      'timer a@600 PROCESSING_TIME now=500 ts=-Infinity',
    ]);
  });

  it('a timer that re-registers itself still lets a bounded job finish', async () => {
    const env = StreamEnvironment.create();
    const out = await env
      .fromSource(
        arraySource([
          { k: 'a', ts: 0 },
          { k: 'a', ts: 25 },
        ]),
        WatermarkStrategy.monotonousTimestamps((e: { ts: number }) => e.ts),
      )
      .keyBy((e) => e.k)
      .process<number>({
        processElement(e, ctx) {
          if (e.ts === 0) ctx.timerService().registerEventTimeTimer(10);
          else ctx.timerService().registerEventTimeTimer(50);
        },
        onTimer(ts, ctx, out) {
          out.collect(ts);
          ctx.timerService().registerEventTimeTimer(ts + 10);
        },
      })
      .executeAndCollect();
    // 10 and 20 fire on watermarks; at the end, 30..50 (up to the latest pending timer) fire and 60 is dropped.
    expect(out).toEqual([10, 20, 30, 40, 50]);
  });
});
