import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CollectSink,
  StreamEnvironment,
  WatermarkStrategy,
  arraySource,
  type DataStream,
  type IntervalJoined,
  type WindowedCoGroup,
  type WindowedJoin,
} from '../../src/index.js';
import { EventTimeSessionWindows, SlidingEventTimeWindows, TumblingEventTimeWindows, type TimeWindow } from '../../src/core/window/index.js';

interface Ev {
  side: 'L' | 'R';
  id: number;
  key: number;
  ts: number;
}

/** In-order timestamps (so nothing is late); both sides come from one source, split by `side`. */
const events = fc
  .array(fc.record({ right: fc.boolean(), key: fc.integer({ min: 0, max: 2 }), gap: fc.integer({ min: 0, max: 7 }) }), { maxLength: 50 })
  .map((xs) => {
    let t = 0;
    return xs.map((x, id): Ev => ({ side: x.right ? 'R' : 'L', id, key: x.key, ts: (t += x.gap) }));
  });

function sides(evs: Ev[], batchSize: number) {
  const env = StreamEnvironment.create({ batchSize });
  const src = env.fromSource(
    arraySource(evs),
    WatermarkStrategy.monotonousTimestamps<Ev>((e) => e.ts),
  );
  return { env, left: src.filter((e) => e.side === 'L'), right: src.filter((e) => e.side === 'R') };
}

/** Windows [start, start + size) sliding by `slide` that contain `ts`. */
function windowsOf(ts: number, size: number, slide: number): number[] {
  const starts: number[] = [];
  for (let s = ts - (((ts % slide) + slide) % slide); s > ts - size; s -= slide) starts.push(s);
  return starts;
}

describe('window join and coGroup', () => {
  it('join equals a per-window nested loop over sliding windows (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        events,
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 6 }),
        async (evs, slide, factor, batchSize) => {
          const size = slide * factor;
          const { env, left, right } = sides(evs, batchSize);
          const out = new CollectSink<string>();
          left
            .join(right)
            .where((l) => l.key)
            .equalTo((r) => r.key)
            .window(SlidingEventTimeWindows.of(size, slide))
            .apply((l, r) => `${l.id}-${r.id}`)
            .sinkTo(out);
          await env.execute();
          const expected: string[] = [];
          for (const l of evs.filter((e) => e.side === 'L'))
            for (const r of evs.filter((e) => e.side === 'R' && e.key === l.key))
              for (const w of windowsOf(l.ts, size, slide)) if (windowsOf(r.ts, size, slide).includes(w)) expected.push(`${l.id}-${r.id}`);
          expect(out.values.sort()).toEqual(expected.sort());
        },
      ),
      { numRuns: 40 },
    );
  });

  it('coGroup sees every key and window with at least one record, sides possibly empty, at any parallelism (property)', async () => {
    await fc.assert(
      fc.asyncProperty(events, fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 3 }), async (evs, size, parallelism) => {
        const { env, left, right } = sides(evs, 4);
        const out = new CollectSink<string>();
        left
          .coGroup(right)
          .where((l) => l.key)
          .equalTo((r) => r.key)
          .window(TumblingEventTimeWindows.of(size))
          .apply<string>((ls, rs, o) => {
            const k = (ls[0] ?? rs[0])!.key;
            o.collect(`${k}@${Math.floor((ls[0] ?? rs[0])!.ts / size)}:${ls.map((l) => l.id).join(',')}|${rs.map((r) => r.id).join(',')}`);
          })
          .setParallelism(parallelism)
          .sinkTo(out);
        await env.execute();
        const groups = new Map<string, { ls: number[]; rs: number[] }>();
        for (const e of evs) {
          const g = `${e.key}@${Math.floor(e.ts / size)}`;
          if (!groups.has(g)) groups.set(g, { ls: [], rs: [] });
          (e.side === 'L' ? groups.get(g)!.ls : groups.get(g)!.rs).push(e.id);
        }
        const expected = [...groups].map(([g, { ls, rs }]) => `${g}:${ls.join(',')}|${rs.join(',')}`);
        expect(out.values.sort()).toEqual(expected.sort());
      }),
      { numRuns: 40 },
    );
  });

  it('works with merging session windows and flat join functions; results carry the window end time', async () => {
    const evs: Ev[] = [
      { side: 'L', id: 0, key: 1, ts: 0 },
      { side: 'R', id: 1, key: 1, ts: 4 },
      { side: 'L', id: 2, key: 1, ts: 8 },
      { side: 'R', id: 3, key: 1, ts: 30 },
      { side: 'L', id: 4, key: 1, ts: 33 },
      { side: 'L', id: 5, key: 2, ts: 1 },
    ];
    const { env, left, right } = sides(evs, 2);
    const out = new CollectSink<string>();
    left
      .join(right)
      .where((l) => l.key)
      .equalTo((r) => r.key)
      .window(EventTimeSessionWindows.withGap(5))
      .apply<string>((l, r, o) => {
        if (l.id !== 2) o.collect(`${l.id}-${r.id}`);
      })
      .sinkTo(out);
    await env.execute();
    // Session [0, 13) holds L0, R1, L2; session [30, 38) holds R3, L4; key 2 has no right side.
    expect(out.values.sort()).toEqual(['0-1', '4-3']);
    expect(out.timestamps.sort((a, b) => a - b)).toEqual([12, 37]);
  });

  it('keeps the stream types covariant (assignments checked by tsc)', () => {
    const env = StreamEnvironment.create();
    const ones = env.fromElements<1>(1);
    const d: DataStream<number> = ones;
    const j: WindowedJoin<number, number, number, TimeWindow> = ones
      .join(ones)
      .where((x) => x)
      .equalTo((x) => x)
      .window(TumblingEventTimeWindows.of(1));
    const c: WindowedCoGroup<number, number, number, TimeWindow> = ones
      .coGroup(ones)
      .where((x) => x)
      .equalTo((x) => x)
      .window(TumblingEventTimeWindows.of(1));
    const i: IntervalJoined<number, number, number> = ones
      .keyBy((x) => x)
      .intervalJoin(ones.keyBy((x) => x))
      .between(0, 1);
    expect([d, j, c, i].every((x) => typeof x === 'object')).toBe(true);
  });
});
