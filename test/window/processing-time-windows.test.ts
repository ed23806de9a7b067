import { describe, expect, it } from 'vitest';
import {
  ContinuousProcessingTimeTrigger,
  GlobalWindows,
  ManualClock,
  ProcessingTimeSessionWindows,
  SlidingProcessingTimeWindows,
  StreamEnvironment,
  TumblingProcessingTimeWindows,
  count,
} from '../../src/index.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

/** A job input where `'+N'` advances the manual clock by N ms once everything before it was processed. */
function driven(script: string[], clock: ManualClock) {
  return (async function* () {
    for (const s of script) {
      if (s.startsWith('+')) {
        await tick();
        clock.advance(Number(s.slice(1)));
      } else yield s;
    }
  })();
}

function setup(script: string[]) {
  const clock = new ManualClock(0);
  const env = StreamEnvironment.create({ clock, batchSize: 1 });
  return env.fromAsyncIterable(driven(script, clock)).keyBy((s) => s);
}

describe('processing-time windows (ManualClock)', () => {
  it('tumbling windows fire when the clock passes their end, and the rest at end of input', async () => {
    const out = await setup(['a', 'a', 'b', '+1000', 'a', '+500', 'a', 'b'])
      .window(TumblingProcessingTimeWindows.of('1s'))
      .aggregate(count(), (k, w, [n], o) => o.collect(`${k}[${w.start},${w.end})=${n}`))
      .executeAndCollect();
    expect(out).toEqual(['a[0,1000)=2', 'b[0,1000)=1', 'a[1000,2000)=2', 'b[1000,2000)=1']);
  });

  it('sliding processing-time windows', async () => {
    const out = await setup(['a', '+500', 'a', '+500', 'a'])
      .window(SlidingProcessingTimeWindows.of(1000, 500))
      .aggregate(count(), (_k, w, [n], o) => o.collect(`${w.start}:${n}`))
      .executeAndCollect();
    expect(out).toEqual(['-500:1', '0:2', '500:2', '1000:1']);
  });

  it('processing-time sessions merge while records arrive within the gap', async () => {
    const out = await setup(['a', '+200', 'a', '+200', 'a', '+1000', 'a'])
      .window(ProcessingTimeSessionWindows.withGap(300))
      .aggregate(count(), (_k, w, [n], o) => o.collect(`[${w.start},${w.end})=${n}`))
      .executeAndCollect();
    expect(out).toEqual(['[0,700)=3', '[1400,1700)=1']);
  });

  it('ContinuousProcessingTimeTrigger reports a global window every interval; the job still ends', async () => {
    const out = await setup(['a', '+100', 'a', '+100', '+100', 'a'])
      .window(GlobalWindows.create())
      .trigger(ContinuousProcessingTimeTrigger.of(100))
      .aggregate(count())
      .executeAndCollect();
    // firings at 100 (1), 200 (2), 300 (2), then once more at the end of input (3)
    expect(out).toEqual([1, 2, 2, 3]);
  });
});
