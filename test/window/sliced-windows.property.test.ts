import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SlidingEventTimeWindows, type Collector, TumblingEventTimeWindows, sumOf, type AggregateFunction, type WindowOperatorSpec } from '../../src/index.js';
import { canUseSlicing } from '../../src/graph/planning/window-operator-choice-pass.js';
import { events, type Ev } from './window-helpers.js';

type Acc = { sum: number; n: number };
const sumCount = (withMerge: boolean): AggregateFunction<Ev, Acc, string> => ({
  createAccumulator: () => ({ sum: 0, n: 0 }),
  add: (e, a) => ({ sum: a.sum + e.v, n: a.n + 1 }),
  getResult: (a) => `${a.sum}/${a.n}`,
  ...(withMerge ? { merge: (a: Acc, b: Acc) => ({ sum: a.sum + b.sum, n: a.n + b.n }) } : {}),
});

/**
 * Brute force: every window [s, s + size) (s ≡ offset mod slide) gets the records in it that
 * arrived while the watermark was still before its end; records past every window are dropped.
 */
function reference(evs: Ev[], delay: number, size: number, slide: number, offset: number): string[] {
  const out = new Map<string, Acc>();
  let max = -Infinity;
  for (const e of evs) {
    const wm = max - delay - 1;
    max = Math.max(max, e.t);
    let s = offset + Math.floor((e.t - offset) / slide) * slide;
    for (; s > e.t - size; s -= slide) {
      if (s + size - 1 <= wm) continue;
      const id = `${e.k}|${s}`;
      const a = out.get(id) ?? { sum: 0, n: 0 };
      out.set(id, { sum: a.sum + e.v, n: a.n + 1 });
    }
  }
  return [...out].map(([id, a]) => `${id}|${a.sum}/${a.n}`).sort();
}

const geometry = fc
  .record({
    slide: fc.integer({ min: 5, max: 120 }),
    factor: fc.integer({ min: 1, max: 5 }),
    extra: fc.integer({ min: 0, max: 3 }),
    offsetSeed: fc.integer({ min: -1000, max: 1000 }),
  })
  .map(({ slide, factor, extra, offsetSeed }) => {
    // Sizes that are not multiples of the slide make slices smaller than the slide (gcd).
    const size = slide * factor + (extra * slide) / 4;
    return { size: Math.round(size), slide, offset: offsetSeed % slide };
  });

const input = fc.array(fc.record({ k: fc.constantFrom('a', 'b', 'c'), t: fc.integer({ min: -300, max: 900 }), v: fc.integer({ min: 0, max: 9 }) }), {
  maxLength: 60,
  size: 'large',
});

async function run(evs: Ev[], delay: number, size: number, slide: number, offset: number, agg: AggregateFunction<Ev, Acc, string>): Promise<string[]> {
  const { stream } = events(evs, delay);
  const out = await stream
    .keyBy((e) => e.k)
    .window(SlidingEventTimeWindows.of(size, slide, offset))
    .aggregate(agg, (k, w, [r], o: Collector<string>) => o.collect(`${k}|${w.start}|${r}`))
    .executeAndCollect();
  return out.sort();
}

describe('sliced sliding windows', () => {
  it('the sliced path is chosen only when slices can be combined', () => {
    const spec = (over: Partial<WindowOperatorSpec>): WindowOperatorSpec => ({
      assigner: SlidingEventTimeWindows.of(10, 5),
      trigger: undefined,
      evictor: undefined,
      allowedLateness: 0,
      lateDataTag: undefined,
      fn: { type: 'aggregate', aggregate: sumCount(true), window: undefined },
      ...over,
    });
    expect(canUseSlicing(spec({}))).toBe(true);
    expect(canUseSlicing(spec({ fn: { type: 'reduce', reduce: (a: number, b: number) => a + b, window: undefined } }))).toBe(true);
    expect(canUseSlicing(spec({ fn: { type: 'aggregate', aggregate: sumCount(false), window: undefined } }))).toBe(false);
    expect(canUseSlicing(spec({ assigner: TumblingEventTimeWindows.of(10), fn: { type: 'aggregate', aggregate: sumCount(false), window: undefined } }))).toBe(
      true,
    );
    expect(canUseSlicing(spec({ allowedLateness: 1 }))).toBe(false);
    expect(canUseSlicing(spec({ fn: { type: 'process', window: { process() {} } } }))).toBe(false);
  });

  it('property: sliced aggregation equals brute force and the general operator, with random watermarks', async () => {
    await fc.assert(
      fc.asyncProperty(input, fc.integer({ min: 0, max: 400 }), geometry, async (evs, delay, { size, slide, offset }) => {
        const expected = reference(evs, delay, size, slide, offset);
        expect(await run(evs, delay, size, slide, offset, sumCount(true))).toEqual(expected);
        expect(await run(evs, delay, size, slide, offset, sumCount(false))).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('property: sliced reduce equals brute force (tumbling and sliding)', async () => {
    await fc.assert(
      fc.asyncProperty(input, fc.integer({ min: 0, max: 400 }), geometry, fc.boolean(), async (evs, delay, g, tumbling) => {
        const slide = tumbling ? g.size : g.slide;
        const offset = tumbling ? g.offset % g.size : g.offset;
        const { stream } = events(evs, delay);
        const assigner = tumbling ? TumblingEventTimeWindows.of(g.size, offset) : SlidingEventTimeWindows.of(g.size, slide, offset);
        const out = await stream
          .keyBy((e) => e.k)
          .window(assigner)
          .reduce(
            (x, y) => ({ ...x, v: x.v + y.v }),
            (k, w, [r], o) => o.collect(`${k}|${w.start}|${r!.v}`),
          )
          .executeAndCollect();
        const expected = reference(evs, delay, g.size, slide, offset).map((s) => s.replace(/\/\d+$/, ''));
        expect(out.sort()).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('a large sliding window over many records uses one slice per record, results match sumOf', async () => {
    const evs: Ev[] = Array.from({ length: 5000 }, (_, i) => ({ k: `k${i % 7}`, t: i * 3, v: 1 }));
    const { stream } = events(evs, 0, { batchSize: 512 });
    const out = await stream
      .keyBy((e) => e.k)
      .window(SlidingEventTimeWindows.of('1s', '100ms'))
      .aggregate(sumOf((e: Ev) => e.v))
      .executeAndCollect();
    // Every record is in 10 windows.
    expect(out.reduce((a, b) => a + b, 0)).toBe(50_000);
  });
});
