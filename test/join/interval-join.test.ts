import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CollectSink, ConfigError, OutputTag, StreamEnvironment, WatermarkStrategy, arraySource, mapState, type ProcessJoinFunction } from '../../src/index.js';
import { OperatorHarness } from '../../src/testing/index.js';
import { createOperator } from '../../src/runtime/operators/create-operator.js';

interface Ev {
  side: 'L' | 'R';
  id: number;
  key: number;
  ts: number;
}
type Pair = [number, number, number];

const pairs: ProcessJoinFunction<Ev, Ev, Pair> = {
  processElement(l, r, ctx, out) {
    out.collect([l.id, r.id, ctx.getTimestamp()]);
  },
};

/** Records whose timestamps lag the running maximum by up to `maxDelay + lateness`: with lateness, some are late. */
const events = (lateness: number) =>
  fc.integer({ min: 0, max: 6 }).chain((maxDelay) =>
    fc
      .array(
        fc.record({
          right: fc.boolean(),
          key: fc.integer({ min: 0, max: 3 }),
          gap: fc.integer({ min: 0, max: 5 }),
          jitter: fc.integer({ min: 0, max: maxDelay + lateness }),
        }),
        { maxLength: 60 },
      )
      .map((xs) => {
        let t = 100;
        const evs = xs.map((x, id): Ev => ({ side: x.right ? 'R' : 'L', id, key: x.key, ts: (t += x.gap) - x.jitter }));
        return { maxDelay, evs };
      }),
  );

/**
 * The records the join sees in time: one source emits batches of `batchSize`, each followed by the
 * watermark max(ts so far) - maxDelay - 1, so a record is late when its timestamp is at or behind
 * the watermark after the previous batch.
 */
function notLate(evs: Ev[], batchSize: number, maxDelay: number): Ev[] {
  const kept: Ev[] = [];
  let max = -Infinity;
  for (let b = 0; b < evs.length; b += batchSize) {
    const watermark = max - maxDelay - 1;
    const batch = evs.slice(b, b + batchSize);
    for (const e of batch) if (e.ts > watermark) kept.push(e);
    for (const e of batch) max = Math.max(max, e.ts);
  }
  return kept;
}

function nestedLoopJoin(evs: Ev[], lo: number, hi: number): Pair[] {
  const out: Pair[] = [];
  for (const l of evs) {
    if (l.side !== 'L') continue;
    for (const r of evs) if (r.side === 'R' && r.key === l.key && r.ts >= l.ts + lo && r.ts <= l.ts + hi) out.push([l.id, r.id, Math.max(l.ts, r.ts)]);
  }
  return out.sort(byPair);
}
const byPair = (a: Pair, b: Pair) => a[0] - b[0] || a[1] - b[1];

describe('interval join', () => {
  it('equals a nested-loop join of the records that are not late, while cleaning up as the watermark passes (property)', async () => {
    const bounds = fc.record({
      lower: fc.integer({ min: -12, max: 12 }),
      width: fc.integer({ min: 0, max: 15 }),
      lowerExcl: fc.boolean(),
      upperExcl: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(
        events(8),
        bounds,
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 3 }),
        async ({ maxDelay, evs }, b, batchSize, parallelism) => {
          const lo = b.lower + (b.lowerExcl ? 1 : 0);
          const hi = b.lower + b.width - (b.upperExcl ? 1 : 0);
          const env = StreamEnvironment.create({ batchSize });
          const src = env.fromSource(
            arraySource(evs),
            WatermarkStrategy.boundedOutOfOrderness<Ev>(maxDelay, (e) => e.ts),
          );
          const left = src.filter((e) => e.side === 'L').keyBy((e) => e.key);
          const right = src.filter((e) => e.side === 'R').keyBy((e) => e.key);
          let joined = left.intervalJoin(right).between(b.lower, b.lower + b.width);
          if (b.lowerExcl) joined = joined.lowerBoundExclusive();
          if (b.upperExcl) joined = joined.upperBoundExclusive();
          if (lo > hi) {
            expect(() => joined.process(pairs)).toThrow(ConfigError);
            return;
          }
          const out = new CollectSink<Pair>();
          joined.process(pairs).setParallelism(parallelism).name('join').sinkTo(out);
          const result = await env.execute();
          const onTime = notLate(evs, batchSize, maxDelay);
          expect(out.values.slice().sort(byPair)).toEqual(nestedLoopJoin(onTime, lo, hi));
          out.values.forEach((p, i) => expect(out.timestamps[i]).toBe(p[2]));
          expect(result.metrics.find((m) => m.name === 'join')!.counters.numLateRecordsDropped ?? 0).toBe(evs.length - onTime.length);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('buffers in keyed state and drops each record once the watermark passes its last possible match', async () => {
    const op = createOperator({
      kind: 'intervalJoin',
      params: {
        fn: pairs,
        lowerBound: -5,
        upperBound: 10,
        lowerBoundInclusive: true,
        upperBoundInclusive: true,
        leftLateDataTag: undefined,
        rightLateDataTag: undefined,
      },
    });
    const h = await OperatorHarness.forOperator<Ev, Pair>(op as never, { key: (e: Ev) => e.key, inputs: 2 });
    const leftBuf = mapState<number, Ev[]>('interval-join-left-buffer');
    const rightBuf = mapState<number, Ev[]>('interval-join-right-buffer');
    h.processElement({ side: 'L', id: 1, key: 7, ts: 100 }, 100, 0);
    h.processElement({ side: 'R', id: 2, key: 7, ts: 104 }, 104, 1);
    expect(h.values()).toEqual([[1, 2, 104]]);
    expect(h.numEventTimeTimers()).toBe(2);
    // The right record (104) can still meet left records up to 104 + 5 = 109; the left one (100) right records up to 110.
    h.processWatermark(109);
    expect(h.state(rightBuf, 7).size).toBe(0);
    expect(h.state(leftBuf, 7).size).toBe(1);
    h.processWatermark(110);
    expect(h.stateKeys(leftBuf)).toEqual([]);
    expect(h.numEventTimeTimers()).toBe(0);
  });

  it('late records join nothing: counted in numLateRecordsDropped, or sent to the late-data side outputs', async () => {
    const lateLeft = new OutputTag<Ev>('late-left');
    const lateRight = new OutputTag<Ev>('late-right');
    const evs: Ev[] = [
      { side: 'L', id: 0, key: 1, ts: 10 },
      { side: 'R', id: 1, key: 1, ts: 20 },
      { side: 'L', id: 2, key: 1, ts: 15 },
      { side: 'R', id: 3, key: 1, ts: 12 },
      { side: 'R', id: 4, key: 1, ts: 25 },
    ];
    const env = StreamEnvironment.create({ batchSize: 1 });
    const src = env.fromSource(
      arraySource(evs),
      WatermarkStrategy.monotonousTimestamps<Ev>((e) => e.ts),
    );
    const joined = src
      .filter((e) => e.side === 'L')
      .keyBy((e) => e.key)
      .intervalJoin(src.filter((e) => e.side === 'R').keyBy((e) => e.key))
      .between(0, 20)
      .sideOutputLeftLateData(lateLeft)
      .sideOutputRightLateData(lateRight)
      .process(pairs)
      .name('join');
    const main = new CollectSink<Pair>();
    const ll = new CollectSink<Ev>();
    const lr = new CollectSink<Ev>();
    joined.sinkTo(main);
    joined.getSideOutput(lateLeft).sinkTo(ll);
    joined.getSideOutput(lateRight).sinkTo(lr);
    const result = await env.execute();
    expect(main.values.sort(byPair)).toEqual([
      [0, 1, 20],
      [0, 4, 25],
    ]);
    expect(ll.values.map((e) => e.id)).toEqual([2]);
    expect(lr.values.map((e) => e.id)).toEqual([3]);
    expect(result.metrics.find((m) => m.name === 'join')!.counters.numLateRecordsDropped).toBe(2);
  });

  it('accepts negative bounds as strings, and fails clearly on records without timestamps', async () => {
    const env = StreamEnvironment.create();
    const a = env
      .fromSource(
        arraySource([{ k: 'x', t: 1000 }]),
        WatermarkStrategy.monotonousTimestamps((e) => e.t),
      )
      .keyBy((e) => e.k);
    const b = env
      .fromSource(
        arraySource([{ k: 'x', t: 0 }]),
        WatermarkStrategy.noWatermarks((e) => e.t),
      )
      .keyBy((e) => e.k);
    const out = await a
      .intervalJoin(b)
      .between('-1s', '-1s')
      .process<string>({ processElement: (l, r, ctx, o) => o.collect(`${ctx.getLeftTimestamp()}-${ctx.getRightTimestamp()}`) })
      .executeAndCollect();
    expect(out).toEqual(['1000-0']);

    const env2 = StreamEnvironment.create();
    env2
      .fromElements(1)
      .keyBy((x) => x)
      .intervalJoin(env2.fromElements(2).keyBy((x) => x))
      .between(0, 1)
      .process({ processElement() {} })
      .name('untimed')
      .sinkTo(new CollectSink());
    const err = await env2.execute().catch((e) => e);
    expect(err.message).toContain("Interval join 'untimed' got a record without an event timestamp");
  });
});
