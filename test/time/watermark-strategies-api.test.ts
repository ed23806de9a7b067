import { describe, expect, it } from 'vitest';
import { CollectSink, StreamEnvironment, WatermarkStrategy, arraySource, type WatermarkGenerator } from '../../src/index.js';

type Ev = { id: string; ts: number };
const ev = (id: string, ts: number): Ev => ({ id, ts });

/** Runs `events` through `strategy` (batches of 2) and reports what a keyed process function saw. */
async function run(events: Ev[], strategy: WatermarkStrategy<Ev>) {
  const env = StreamEnvironment.create({ batchSize: 2 });
  const sink = new CollectSink<string>();
  env
    .fromSource(arraySource(events), strategy)
    .keyBy(() => 'all')
    .process<string>({
      processElement(e, ctx, out) {
        const wm = ctx.timerService().currentWatermark();
        out.collect(`${e.id}@${ctx.timestamp()}${ctx.timestamp() <= wm ? ' late' : ''}`);
      },
    })
    .sinkTo(sink);
  await env.execute();
  return { records: sink.values, watermarks: sink.watermarks };
}

describe('watermark strategies', () => {
  const events = [ev('a', 1000), ev('b', 3000), ev('c', 1500), ev('d', 2500), ev('e', 6000), ev('f', 1200)];

  it('boundedOutOfOrderness: watermark = max timestamp - bound - 1, after each batch', async () => {
    const r = await run(
      events,
      WatermarkStrategy.boundedOutOfOrderness<Ev>('1s', (e) => e.ts),
    );
    expect(r.watermarks).toEqual([1999, 4999, Infinity]);
    // c (1500) is more than 1s behind b (3000), so behind watermark 1999: late. d (2500) is within the bound.
    expect(r.records).toEqual(['a@1000', 'b@3000', 'c@1500 late', 'd@2500', 'e@6000', 'f@1200 late']);
  });

  it('monotonousTimestamps: watermark trails the highest timestamp by 1 ms', async () => {
    const r = await run(
      [ev('a', 10), ev('b', 20), ev('c', 30), ev('d', 30), ev('e', 31)],
      WatermarkStrategy.monotonousTimestamps<Ev>((e) => e.ts),
    );
    expect(r.watermarks).toEqual([19, 29, 30, Infinity]);
    expect(r.records.filter((s) => s.endsWith('late'))).toEqual([]);
  });

  it('noWatermarks: timestamps only, and the final watermark at the end of input', async () => {
    const r = await run(
      events,
      WatermarkStrategy.noWatermarks<Ev>((e) => e.ts),
    );
    expect(r.watermarks).toEqual([Infinity]);
    expect(r.records).toEqual(['a@1000', 'b@3000', 'c@1500', 'd@2500', 'e@6000', 'f@1200']);
  });

  it('a custom generator can emit punctuated watermarks from marker records', async () => {
    // Watermarks only where the data says so: a record with id 'tick' promises nothing earlier follows.
    let lastTick = -Infinity;
    const punctuated = (): WatermarkGenerator => ({
      onEvent: (ts) => (ts % 1000 === 0 ? (lastTick = ts) : undefined),
      onPeriodicEmit: () => lastTick,
    });
    const r = await run(
      [ev('a', 500), ev('tick', 1000), ev('b', 900), ev('c', 1700), ev('tick', 2000), ev('d', 1999)],
      WatermarkStrategy.forGenerator<Ev>(punctuated, (e) => e.ts),
    );
    expect(r.watermarks).toEqual([1000, 2000, Infinity]);
    // A watermark goes out after the batch that produced it, so d, in the same batch as tick@2000,
    // is not late yet: watermarks are never early, at worst one batch late.
    expect(r.records).toEqual(['a@500', 'tick@1000', 'b@900 late', 'c@1700', 'tick@2000', 'd@1999']);
  });

  it('withTimestampAssigner replaces the assigner and keeps the generator and idleness', () => {
    const s = WatermarkStrategy.boundedOutOfOrderness<Ev>('5s')
      .withIdleness('1 min')
      .withTimestampAssigner((e) => e.ts);
    expect(s.idleTimeout).toBe(60_000);
    expect(s.timestampAssigner!(ev('x', 7), -Infinity)).toBe(7);
    expect(s.createGenerator().onPeriodicEmit()).toBe(-Infinity);
  });
});
