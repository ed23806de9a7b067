import { describe, expect, it } from 'vitest';
import { Batch, CollectSink, ManualClock, StreamEnvironment, UserFunctionError, WatermarkStrategy, type SourceReaderContext } from '../../src/index.js';
import { SKIP_RECORD, type RecordStep, type SteppedBatch } from '../../src/core/source.js';
import { FilterOperator } from '../../src/runtime/operators/filter-operator.js';
import { NexmarkGenerator, nexmark, type Bid, type NexmarkEvent, type NexmarkPosition } from '../../src/connectors/nexmark/index.js';

// A filter (and a map fused into it) chained right behind the Nexmark source runs inside the reader
// on each event as it is generated (SourceReader.pollStepped, src/runtime/operators/source-step.ts).
// Expected outputs come from the generator by index with plain array code.

const context = (batchSize: number): SourceReaderContext => ({
  sourceName: 'nexmark',
  subtaskIndex: 0,
  parallelism: 1,
  clock: new ManualClock(0),
  metrics: { inc() {} },
  batchSize,
  deadLetter() {
    throw new Error('the generator never dead-letters');
  },
});

const isBid = (e: NexmarkEvent): e is Bid => e.type === 'bid';
const toEuro = (b: Bid) => ({ auction: b.auction, price: b.price * 0.908, dateTime: b.dateTime });

describe('nexmark source with a stepped poll', () => {
  const step: RecordStep = { apply: (v) => (isBid(v as NexmarkEvent) ? toEuro(v as Bid) : SKIP_RECORD) };

  it('keeps what filter-then-map of the polled events keeps, and reports how many it read and their highest event time', () => {
    for (const [events, batchSize, parallelism] of [
      [5000, 256, 1],
      [5000, 1024, 2],
      [3333, 300, 3],
      [1000, 1, 1],
    ] as const) {
      const source = nexmark({ events, seed: 5 });
      const splits = source.splits(parallelism).filter((_, j) => j % parallelism === 0);
      const plain: NexmarkEvent[] = [];
      const plainReader = source.createReader(splits, context(batchSize));
      for (let b = plainReader.poll(); b !== 'end'; b = plainReader.poll()) plain.push(...(b as Batch<NexmarkEvent>).values);
      const reader = source.createReader(splits, context(batchSize));
      const out: unknown[] = [];
      const times: number[] = [];
      let read = 0;
      let steppedPolls = 0;
      for (;;) {
        const r = reader.pollStepped!(step) as SteppedBatch | undefined;
        if (r === undefined) {
          // This poll cannot be stepped (a partial round): the reader falls back to poll.
          const b = reader.poll();
          if (b === 'end') break;
          const values = (b as Batch<NexmarkEvent>).values;
          read += values.length;
          out.push(...values.filter(isBid).map(toEuro));
          times.push(...values.filter(isBid).map((e) => e.dateTime));
          continue;
        }
        steppedPolls++;
        expect(r.maxTimestamp).toBe(Math.max(...plain.slice(read, read + r.read).map((e) => e.dateTime)));
        read += r.read;
        out.push(...r.batch.values);
        times.push(...r.batch.timestamps);
      }
      expect(read).toBe(plain.length);
      const kept = plain.filter(isBid);
      expect(out).toEqual(kept.map(toEuro));
      expect(times).toEqual(kept.map((b) => b.dateTime));
      // Stepped polls need whole rounds: the reader's splits evenly spaced over all 128 (not so at p=3).
      expect(steppedPolls > 0).toBe(batchSize >= 128 && 128 % parallelism === 0);
    }
  });

  it('resumes from a snapshot taken between stepped polls exactly where it was', () => {
    const source = nexmark({ events: 4000, seed: 2 });
    const first = source.createReader(source.splits(1), context(512));
    first.pollStepped!(step);
    first.pollStepped!(step);
    const pos = first.snapshotState!() as NexmarkPosition;
    const gen = new NexmarkGenerator({ seed: 2 });
    const rest = source.createReader(source.splits(1), context(512), pos);
    const out: unknown[] = [];
    for (;;) {
      const r = rest.pollStepped!(step);
      if (r === undefined) {
        const b = rest.poll();
        if (b === 'end') break;
        out.push(...(b as Batch<NexmarkEvent>).values.filter(isBid).map(toEuro));
      } else if (typeof r === 'object') out.push(...r.batch.values);
    }
    const expected = Array.from({ length: 4000 - 1024 }, (_, i) => gen.event(1024 + i))
      .filter(isBid)
      .map(toEuro);
    expect(out).toEqual(expected);
  });

  it('a job gives the same records and per-operator counts as plain code, and the batch path (a timestamp assigner) gives the same', async () => {
    const events = 20_000;
    const gen = new NexmarkGenerator({ seed: 9 });
    const all = Array.from({ length: events }, (_, i) => gen.event(i));
    const expected = all.filter(isBid).map(toEuro);
    for (const assigner of [false, true]) {
      const env = StreamEnvironment.create();
      const out = new CollectSink<ReturnType<typeof toEuro>>();
      const strategy = assigner
        ? WatermarkStrategy.boundedOutOfOrderness<NexmarkEvent>('4s', (e) => e.dateTime)
        : WatermarkStrategy.boundedOutOfOrderness<NexmarkEvent>('4s');
      env
        .fromSource(nexmark({ events, seed: 9 }), strategy)
        .name('Events')
        .filter(isBid)
        .name('Bids')
        .map(toEuro)
        .name('Euro')
        .sinkTo(out);
      const { metrics } = await env.execute('stepped');
      expect(out.values).toEqual(expected);
      const of = (name: string) => metrics.find((m) => m.name === name)!;
      expect([of('Events').recordsOut, of('Bids').recordsIn, of('Bids').recordsOut, of('Euro').recordsIn, of('Euro').recordsOut]).toEqual([
        events,
        events,
        expected.length,
        expected.length,
        expected.length,
      ]);
    }
  });

  it('a filter alone behind the source keeps the events themselves, and event-time windows behind it see every watermark', async () => {
    const events = 30_000;
    const gen = new NexmarkGenerator({ seed: 4 });
    const bids = Array.from({ length: events }, (_, i) => gen.event(i)).filter(isBid);
    const env = StreamEnvironment.create();
    const out = new CollectSink<Bid>();
    env
      .fromSource(nexmark({ events, seed: 4 }), WatermarkStrategy.boundedOutOfOrderness<NexmarkEvent>('4s'))
      .filter(isBid)
      .sinkTo(out);
    await env.execute('filter-only');
    expect(out.values).toEqual(bids);
  });

  it('names the filter or the map whose function threw, with the record it threw on', async () => {
    const fail = async (where: 'filter' | 'map') => {
      const env = StreamEnvironment.create();
      env
        .fromSource(nexmark({ events: 5000, seed: 1 }), WatermarkStrategy.boundedOutOfOrderness<NexmarkEvent>('4s'))
        .filter((e): e is Bid => {
          if (where === 'filter' && e.type === 'auction') throw new Error('bad predicate');
          return e.type === 'bid';
        })
        .name('Keep')
        .map((b) => {
          if (where === 'map' && b.auction % 7 === 3) throw new Error('bad map');
          return b.price;
        })
        .name('Prices')
        .sinkTo(new CollectSink());
      return env.execute().then(
        () => {
          throw new Error('expected the job to fail');
        },
        (e: unknown) => e as UserFunctionError,
      );
    };
    const m = await fail('map');
    expect(m).toBeInstanceOf(UserFunctionError);
    expect(m.message).toContain("'Prices'");
    expect(m.message).toContain('"type":"bid"');
    expect(m.message).toContain('bad map');
    const f = await fail('filter');
    expect(f).toBeInstanceOf(UserFunctionError);
    expect(f.message).toContain("'Keep'");
    expect(f.message).toContain('"type":"auction"');
    expect(f.message).toContain('bad predicate');
  });

  it('is the path the job takes: the filter operator never processes a batch (10,240 events: whole rounds of the 128 splits)', async () => {
    const seen: number[] = [];
    const original = FilterOperator.prototype.processBatch;
    FilterOperator.prototype.processBatch = function (this: FilterOperator, batch) {
      seen.push(batch.values.length);
      return original.call(this, batch);
    };
    try {
      const env = StreamEnvironment.create();
      const out = await env
        .fromSource(nexmark({ events: 10_240, seed: 1 }), WatermarkStrategy.boundedOutOfOrderness<NexmarkEvent>('4s'))
        .filter(isBid)
        .executeAndCollect();
      const gen = new NexmarkGenerator({ seed: 1 });
      expect(out).toHaveLength(Array.from({ length: 10_240 }, (_, i) => gen.event(i)).filter(isBid).length);
      expect(seen).toEqual([]);
    } finally {
      FilterOperator.prototype.processBatch = original;
    }
  });
});
