import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CollectSink, count, type Collector, LATE_RECORDS_DROPPED, OutputTag, SlidingEventTimeWindows, TumblingEventTimeWindows } from '../../src/index.js';
import { ev, events, type Ev } from './window-helpers.js';

/** Watermark each record sees: the max timestamp before it - delay - 1 (see events()). */
function watermarksBefore(evs: Ev[], delay: number): number[] {
  let max = -Infinity;
  return evs.map((e) => {
    const wm = max - delay - 1;
    max = Math.max(max, e.t);
    return wm;
  });
}

describe('late data', () => {
  it('allowed lateness re-fires a window for late records; later ones go to the side output', async () => {
    const late = new OutputTag<Ev>('late');
    const { env, stream } = events([ev('a', 10), ev('a', 120), ev('a', 20), ev('a', 200), ev('a', 30)]);
    const main = stream
      .keyBy((e) => e.k)
      .window(TumblingEventTimeWindows.of(100))
      .allowedLateness(50)
      .sideOutputLateData(late)
      .aggregate(count(), (_k, w, [n], out: Collector<string>) => out.collect(`${w.start}:${n}`));
    const results = new CollectSink<string>();
    const lateOut = new CollectSink<Ev>();
    main.sinkTo(results);
    main.getSideOutput(late).sinkTo(lateOut);
    await env.execute();
    expect(results.values).toEqual(['0:1', '0:2', '100:1', '200:1']);
    expect(lateOut.values).toEqual([ev('a', 30)]);
    expect(lateOut.timestamps).toEqual([30]);
  });

  it('without a side output, late records are counted in numLateRecordsDropped (sliced and general operator)', async () => {
    for (const lateness of [0, 10]) {
      const { env, stream } = events([ev('a', 10), ev('a', 500), ev('a', 20), ev('a', 30)]);
      const out = new CollectSink<number>();
      stream
        .keyBy((e) => e.k)
        .window(TumblingEventTimeWindows.of(100))
        .allowedLateness(lateness)
        .aggregate(count())
        .name('w')
        .sinkTo(out);
      const result = await env.execute();
      expect(out.values).toEqual([1, 1]);
      expect(result.metrics.find((m) => m.name === 'w')!.counters[LATE_RECORDS_DROPPED]).toBe(2);
    }
  });

  it('property: records behind watermark + lateness go to the side output, all others are counted', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ k: fc.constantFrom('a', 'b'), t: fc.integer({ min: 0, max: 1000 }), v: fc.constant(1) }), { maxLength: 40 }),
        fc.integer({ min: 0, max: 200 }),
        fc.constantFrom(0, 30, 120),
        fc.constantFrom(50, 100),
        async (evs, delay, lateness, size) => {
          const tag = new OutputTag<Ev>('late');
          const { env, stream } = events(evs, delay);
          const main = stream
            .keyBy((e) => e.k)
            .window(TumblingEventTimeWindows.of(size))
            .allowedLateness(lateness)
            .sideOutputLateData(tag)
            .aggregate(count(), (k, w, [n], out: Collector<readonly [string, number]>) => out.collect([`${k}|${w.start}`, n] as const));
          const results = new CollectSink<readonly [string, number]>();
          const lateOut = new CollectSink<Ev>();
          main.sinkTo(results);
          main.getSideOutput(tag).sinkTo(lateOut);
          await env.execute();

          const wms = watermarksBefore(evs, delay);
          const isLate = (e: Ev, i: number) => Math.floor(e.t / size) * size + size - 1 + lateness <= wms[i]!;
          expect(lateOut.values).toEqual(evs.filter(isLate));
          const expected = new Map<string, number>();
          evs.forEach((e, i) => {
            if (isLate(e, i)) return;
            const id = `${e.k}|${Math.floor(e.t / size) * size}`;
            expected.set(id, (expected.get(id) ?? 0) + 1);
          });
          // The last firing of each window has seen every record that was not late.
          const last = new Map(results.values.map(([id, n]) => [id, n]));
          expect(last).toEqual(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('sliding windows: a record is late only when its last window has passed', async () => {
    const tag = new OutputTag<Ev>('late');
    // Window ends 100, 150, 200...; at t=160 the watermark is 159: a record at 60 still fits [50,150)? No: 149 <= 159.
    const { env, stream } = events([ev('a', 120), ev('a', 160), ev('a', 60), ev('a', 110)]);
    const main = stream
      .keyBy((e) => e.k)
      .window(SlidingEventTimeWindows.of(100, 50))
      .sideOutputLateData(tag)
      .aggregate(count(), (_k, w, [n], o: Collector<string>) => o.collect(`${w.start}:${n}`));
    const res = new CollectSink<string>();
    const lateOut = new CollectSink<Ev>();
    main.sinkTo(res);
    main.getSideOutput(tag).sinkTo(lateOut);
    await env.execute();
    expect(lateOut.values).toEqual([ev('a', 60)]);
    // 110 arrives after [50,150) fired (wm 159): it only counts in [100,200).
    expect(res.values).toEqual(['50:1', '100:3', '150:1']);
  });
});
