import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CollectSink, count, type Collector, LATE_RECORDS_DROPPED, OutputTag, SlidingEventTimeWindows, type WindowOperatorSpec } from '../../src/index.js';
import { canUseSlicing } from '../../src/graph/planning/window-operator-choice-pass.js';
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

/** Starts of the windows [s, s + size) with s ≡ offset (mod slide) that hold t. */
function windowStarts(t: number, size: number, slide: number, offset: number): number[] {
  const starts: number[] = [];
  for (let s = offset + Math.floor((t - offset) / slide) * slide; s > t - size; s -= slide) starts.push(s);
  return starts;
}

/** Flink's rule: late when no window took the record (none holds it, or all fired) and it is at or behind the watermark. */
function flinkLate(evs: Ev[], delay: number, size: number, slide: number, offset: number): Ev[] {
  const wms = watermarksBefore(evs, delay);
  return evs.filter((e, i) => {
    const taken = windowStarts(e.t, size, slide, offset).some((s) => s + size - 1 > wms[i]!);
    return !taken && e.t <= wms[i]!;
  });
}

type Path = 'sliced' | 'general';

/** Window counts and late records of one run; `general` forces the general operator with a process function. */
async function run(evs: Ev[], delay: number, size: number, slide: number, offset: number, path: Path): Promise<{ results: string[]; late: Ev[] }> {
  const tag = new OutputTag<Ev>('late');
  const { env, stream } = events(evs, delay);
  const windowed = stream
    .keyBy((e) => e.k)
    .window(SlidingEventTimeWindows.of(size, slide, offset))
    .sideOutputLateData(tag);
  const main =
    path === 'sliced'
      ? windowed.aggregate(count(), (k, w, [n], o: Collector<string>) => o.collect(`${k}|${w.start}|${n}`))
      : windowed.process({ process: (k, ctx, els, o: Collector<string>) => o.collect(`${k}|${ctx.window.start}|${[...els].length}`) });
  const results = new CollectSink<string>();
  const late = new CollectSink<Ev>();
  main.sinkTo(results);
  main.getSideOutput(tag).sinkTo(late);
  await env.execute();
  return { results: results.values.slice().sort(), late: late.values };
}

describe('records in the gaps between sliding windows (slide > size)', () => {
  it('the two paths under test are the sliced and the general operator', () => {
    const spec = (type: 'aggregate' | 'process'): WindowOperatorSpec => ({
      assigner: SlidingEventTimeWindows.of(500, 700),
      trigger: undefined,
      evictor: undefined,
      allowedLateness: 0,
      lateDataTag: 'late',
      fn: type === 'aggregate' ? { type, aggregate: count(), window: undefined } : { type, window: { process() {} } },
    });
    expect(canUseSlicing(spec('aggregate'))).toBe(true);
    expect(canUseSlicing(spec('process'))).toBe(false);
  });

  it('a record in a gap ahead of the watermark is dropped by assignment, not called late (issue reproduction)', async () => {
    // Watermark 550 when 620 arrives: [0, 500) has fired, 620 lies in the gap [500, 700), ahead of the watermark.
    const evs = [ev('a', 100), ev('a', 651), ev('a', 620), ev('a', 800)];
    for (const path of ['sliced', 'general'] as const) {
      const { results, late } = await run(evs, 100, 500, 700, 0, path);
      expect(late, path).toEqual([]);
      expect(results, path).toEqual(['a|0|1', 'a|700|1']);
    }
    // Without a side output, in one phase and in two (partial aggregates per slice before the exchange).
    for (const aggPhaseStrategy of ['ONE_PHASE', 'TWO_PHASE'] as const) {
      const { env, stream } = events(evs, 100, { aggPhaseStrategy, slotMode: 'single-thread' });
      const out = new CollectSink<number>();
      stream
        .keyBy((e) => e.k)
        .window(SlidingEventTimeWindows.of(500, 700))
        .aggregate(count())
        .name('w')
        .sinkTo(out);
      const result = await env.execute();
      expect(out.values, aggPhaseStrategy).toEqual([1, 1]);
      const late = result.metrics.map((m) => m.counters[LATE_RECORDS_DROPPED] ?? 0).reduce((a, b) => a + b, 0);
      expect(late, aggPhaseStrategy).toBe(0);
    }
  });

  it('a record in a gap at or behind the watermark is late, as in Flink', async () => {
    // 560 arrives with the watermark at 699: no window holds it and it is behind the watermark.
    const evs = [ev('a', 100), ev('a', 800), ev('a', 560), ev('a', 750)];
    for (const path of ['sliced', 'general'] as const) {
      const { late } = await run(evs, 100, 500, 700, 0, path);
      expect(late, path).toEqual([ev('a', 560)]);
    }
  });

  it("property: sliced and general operator call the same records late, by Flink's rule, and emit the same windows", async () => {
    const geometry = fc
      .record({ size: fc.integer({ min: 5, max: 200 }), slide: fc.integer({ min: 5, max: 200 }), offsetSeed: fc.integer({ min: -1000, max: 1000 }) })
      .map(({ size, slide, offsetSeed }) => ({ size, slide, offset: offsetSeed % slide }));
    const input = fc.array(fc.record({ k: fc.constantFrom('a', 'b'), t: fc.integer({ min: -300, max: 900 }), v: fc.constant(1) }), {
      maxLength: 40,
      size: 'large',
    });
    await fc.assert(
      fc.asyncProperty(input, fc.integer({ min: 0, max: 300 }), geometry, async (evs, delay, { size, slide, offset }) => {
        const expectedLate = flinkLate(evs, delay, size, slide, offset);
        const sliced = await run(evs, delay, size, slide, offset, 'sliced');
        const general = await run(evs, delay, size, slide, offset, 'general');
        expect(sliced.late).toEqual(expectedLate);
        expect(general.late).toEqual(expectedLate);
        expect(sliced.results).toEqual(general.results);
      }),
      { numRuns: 120 },
    );
  });
});
