import { describe, expect, it } from 'vitest';
import {
  Batch,
  CollectSink,
  ManualClock,
  StreamEnvironment,
  WatermarkStrategy,
  asyncIterableSource,
  type Collector,
  type KeyedProcessContext,
  type OnTimerContext,
  type Source,
} from '../../src/index.js';

type Ev = { src: 'A' | 'B'; ts: number };

const until = async (cond: () => boolean, what: string) => {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
};

/** A source that sends its first events, then has nothing until `release()`: as an async iterable whose promise stays pending, or as a reader that polls 'later'. */
function stallingSource(kind: 'pending-promise' | 'polls-later', first: Ev[], rest: Ev[]): { source: Source<Ev>; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  if (kind === 'pending-promise') {
    async function* gen() {
      yield* first;
      await gate;
      yield* rest;
    }
    return { source: asyncIterableSource(gen(), 'stalling'), release };
  }
  let released = false;
  void gate.then(() => (released = true));
  const source: Source<Ev> = {
    name: 'stalling',
    bounded: true,
    replayable: false,
    maxParallelism: 1,
    splits: () => [{ id: 'only' }],
    createReader: () => {
      let step = 0;
      return { poll: () => (step === 0 ? (step++, Batch.of(first)) : !released ? 'later' : step === 1 ? (step++, Batch.of(rest)) : 'end') };
    },
  };
  return { source, release };
}

describe('source idleness', () => {
  const cases = [
    ['pending-promise', 'union'],
    ['polls-later', 'union'],
    ['pending-promise', 'connect'],
  ] as const;
  for (const [kind, shape] of cases) {
    it(`an idle input (${kind}) stops holding back the watermark of a ${shape}, and counts again when it resumes`, async () => {
      const clock = new ManualClock(0);
      const env = StreamEnvironment.create({ clock });
      const a = stallingSource(kind, [{ src: 'A', ts: 1000 }], [{ src: 'A', ts: 9000 }]);
      let releaseB!: () => void;
      const gateB = new Promise<void>((r) => (releaseB = r));
      async function* steady(): AsyncGenerator<Ev> {
        for (const ts of [1000, 2000, 3000, 4000, 5000]) yield { src: 'B', ts };
        await gateB;
      }
      const byTs = (e: Ev) => e.ts;
      let processed = 0;
      const sink = new CollectSink<string>();
      const stalled = env.fromSource(a.source, WatermarkStrategy.monotonousTimestamps<Ev>(byTs).withIdleness('10s'));
      const steadyStream = env.fromSource(asyncIterableSource(steady(), 'steady'), WatermarkStrategy.monotonousTimestamps<Ev>(byTs));
      const fn = {
        processElement(e: Ev, ctx: KeyedProcessContext<string>) {
          processed++;
          ctx.timerService().registerEventTimeTimer(e.ts);
        },
        onTimer(ts: number, ctx: OnTimerContext<string>, out: Collector<string>) {
          out.collect(`${ctx.getCurrentKey()}@${ts}`);
        },
      };
      const timers =
        shape === 'union'
          ? stalled
              .union(steadyStream)
              .keyBy((e) => e.src)
              .process<string>(fn)
          : stalled
              .connect(steadyStream)
              .keyBy(
                (e) => e.src,
                (e) => e.src,
              )
              .process<string>({ processElement1: fn.processElement, processElement2: fn.processElement, onTimer: fn.onTimer });
      timers.sinkTo(sink);
      const job = env.executeAsync('idleness');
      await until(() => processed === 6, 'all available records');
      // A (at 999) holds the operator back; B has reached 4999.
      expect(sink.values).toEqual([]);
      clock.advance(9_999);
      expect(sink.values).toEqual([]);
      // Ten seconds of processing time without data from A: A is idle, and the operator follows B alone.
      clock.advance(1);
      expect(sink.values.slice().sort()).toEqual(['A@1000', 'B@1000', 'B@2000', 'B@3000', 'B@4000']);
      // A resumes: its watermark (8999) counts again, so the operator stays at B's 4999.
      a.release();
      await until(() => processed === 7, 'the resumed record');
      expect(sink.values).toHaveLength(5);
      releaseB();
      await job.result;
      expect(sink.values.slice(5)).toEqual(['B@5000', 'A@9000']);
    });
  }

  for (const idleness of [false, true]) {
    it(`a finished input does not release a stalled one${idleness ? ' that is idle' : ''}: the watermark holds`, async () => {
      const clock = new ManualClock(0);
      const env = StreamEnvironment.create({ clock });
      const a = stallingSource('pending-promise', [{ src: 'A', ts: 1000 }], []);
      const sink = new CollectSink<string>();
      let processed = 0;
      const strategy = WatermarkStrategy.monotonousTimestamps<Ev>((e) => e.ts);
      env
        .fromSource(a.source, idleness ? strategy.withIdleness('1s') : strategy)
        .union(
          env.fromSource(
            asyncIterableSource<Ev>(
              [
                { src: 'B', ts: 5000 },
                { src: 'B', ts: 6000 },
              ],
              'steady',
            ),
            WatermarkStrategy.monotonousTimestamps<Ev>((e) => e.ts),
          ),
        )
        .keyBy((e) => e.src)
        .process<string>({
          processElement(e, ctx) {
            processed++;
            ctx.timerService().registerEventTimeTimer(e.ts);
          },
          onTimer(ts, ctx, out) {
            out.collect(`${ctx.getCurrentKey()}@${ts}`);
          },
        })
        .sinkTo(sink);
      const job = env.executeAsync();
      await until(() => processed === 3, 'all available records');
      clock.advance(3_600_000);
      // B ended, but an ended input does not release a stalled one: nothing fires yet.
      expect(sink.values).toEqual([]);
      a.release();
      await job.result;
      expect(sink.values).toEqual(['A@1000', 'B@5000', 'B@6000']);
    });
  }

  it('an input that finishes while another is idle does not release the idle one', async () => {
    const clock = new ManualClock(0);
    const env = StreamEnvironment.create({ clock });
    const a = stallingSource('pending-promise', [{ src: 'A', ts: 1000 }], [{ src: 'A', ts: 7000 }]);
    const b = stallingSource(
      'pending-promise',
      [
        { src: 'B', ts: 5000 },
        { src: 'B', ts: 6000 },
      ],
      [],
    );
    const sink = new CollectSink<string>();
    const late: string[] = [];
    let processed = 0;
    env
      .fromSource(a.source, WatermarkStrategy.monotonousTimestamps<Ev>((e) => e.ts).withIdleness('1s'))
      .union(
        env.fromSource(
          b.source,
          WatermarkStrategy.monotonousTimestamps<Ev>((e) => e.ts),
        ),
      )
      .keyBy((e) => e.src)
      .process<string>({
        processElement(e, ctx) {
          processed++;
          if (e.ts <= ctx.timerService().currentWatermark()) late.push(`${e.src}@${e.ts}`);
          ctx.timerService().registerEventTimeTimer(e.ts);
        },
        onTimer(ts, ctx, out) {
          out.collect(`${ctx.getCurrentKey()}@${ts}`);
        },
      })
      .sinkTo(sink);
    const job = env.executeAsync();
    await until(() => processed === 3, 'all available records');
    clock.advance(1000); // A idle: the union follows B (5999)
    expect(sink.values).toEqual(['A@1000', 'B@5000']);
    b.release(); // B ends; its final watermark must not count while A is idle
    await new Promise((r) => setTimeout(r, 20));
    expect(sink.values).toEqual(['A@1000', 'B@5000']);
    a.release();
    await job.result;
    expect(late).toEqual([]);
    expect(sink.values).toEqual(['A@1000', 'B@5000', 'B@6000', 'A@7000']);
  });
});
