import { describe, expect, it } from 'vitest';
import { CollectSink, ManualClock, StreamEnvironment, WatermarkStrategy, asyncIterableSource, type WatermarkGenerator } from '../../src/index.js';

describe('periodic watermarks', () => {
  it('a custom generator is asked every auto-watermark interval, also while its source waits for data', async () => {
    const clock = new ManualClock(0);
    const env = StreamEnvironment.create({ clock, autoWatermarkInterval: '100ms' });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* stalls() {
      yield { ts: 1000 };
      await gate;
    }
    // Event time may lag processing time by at most 5 s, data or not.
    const lagging = (): WatermarkGenerator => {
      let max = -Infinity;
      return {
        onEvent: (ts) => void (max = Math.max(max, ts)),
        onPeriodicEmit: () => Math.max(max, clock.now() - 5000) - 1,
      };
    };
    const sink = new CollectSink<string>();
    let processed = 0;
    env
      .fromSource(
        asyncIterableSource(stalls()),
        WatermarkStrategy.forGenerator<{ ts: number }>(lagging, (e) => e.ts),
      )
      .keyBy(() => 'k')
      .process<string>({
        processElement(e, ctx) {
          processed++;
          ctx.timerService().registerEventTimeTimer(e.ts + 2000);
        },
        onTimer(ts, ctx, out) {
          out.collect(`timer@${ts} wm=${ctx.timerService().currentWatermark()} clock=${clock.now()}`);
        },
      })
      .sinkTo(sink);
    const job = env.executeAsync();
    while (processed < 1) await new Promise((r) => setTimeout(r, 5));
    clock.advance(7_900);
    expect(sink.values).toEqual([]);
    clock.advance(100); // the tick at 8000 emits 2999
    expect(sink.values).toEqual([]);
    clock.advance(100); // the tick at 8100 emits 3099: the timer at 3000 fires
    expect(sink.values).toEqual(['timer@3000 wm=3099 clock=8100']);
    release();
    await job.result;
  });
});
