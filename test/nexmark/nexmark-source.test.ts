import { describe, expect, it } from 'vitest';
import { Batch, ManualClock, StreamEnvironment, WatermarkStrategy, type Clock, type SourceReader, type SourceReaderContext } from '../../src/index.js';
import { NexmarkGenerator, nexmark, type NexmarkEvent, type NexmarkPosition } from '../../src/connectors/nexmark/index.js';

const context = (batchSize: number, clock: Clock = new ManualClock(0)): SourceReaderContext => ({
  sourceName: 'nexmark',
  subtaskIndex: 0,
  parallelism: 1,
  clock,
  metrics: { inc() {} },
  batchSize,
  deadLetter() {
    throw new Error('the generator never dead-letters');
  },
});

const drain = (reader: SourceReader<NexmarkEvent>): NexmarkEvent[] => {
  const out: NexmarkEvent[] = [];
  for (;;) {
    const r = reader.poll();
    if (r === 'end') return out;
    if (!(r instanceof Batch)) throw new Error(`unexpected ${String(r)}`);
    expect(r.timestamps).toEqual(r.values.map((e) => e.dateTime));
    out.push(...r.values);
  }
};

describe('nexmark source', () => {
  const single = drain(nexmark({ events: 5000, seed: 3 }).createReader(nexmark({ events: 5000, seed: 3 }).splits(1), context(256)));

  it('reads exactly `events` events, equal to the generator by index', () => {
    const gen = new NexmarkGenerator({ seed: 3 });
    expect(single).toHaveLength(5000);
    expect(single).toEqual(Array.from({ length: 5000 }, (_, i) => gen.event(i)));
  });

  /** The readers of a job with `parallelism` subtasks, with splits assigned as the runtime assigns them. */
  const readers = (parallelism: number, batchSize: number, restored?: NexmarkPosition) => {
    const source = nexmark({ events: 5000, seed: 3 });
    const splits = source.splits(parallelism);
    return Array.from({ length: parallelism }, (_, i) =>
      source.createReader(
        splits.filter((_, j) => j % parallelism === i),
        context(batchSize),
        restored,
      ),
    );
  };
  const canonical = (events: NexmarkEvent[]) => events.map((e) => JSON.stringify(e)).sort();

  it('parallel readers together read exactly the single reader events, each in event-time order', () => {
    for (const p of [2, 3, 7]) {
      const parts = readers(p, 100).map(drain);
      for (const part of parts) expect(part.every((e, i) => i === 0 || e.dateTime >= part[i - 1]!.dateTime)).toBe(true);
      expect(canonical(parts.flat())).toEqual(canonical(single));
    }
  });

  it('restores at another parallelism without losing or repeating an event', () => {
    const before = readers(2, 90);
    const seen: NexmarkEvent[] = [];
    for (let k = 0; k < 7; k++) for (const r of before) seen.push(...(r.poll() as Batch<NexmarkEvent>).values);
    seen.push(...(before[0]!.poll() as Batch<NexmarkEvent>).values); // the readers need not be at the same place
    // Positions are kept per split, so the merged snapshot serves any new layout.
    const position: NexmarkPosition = JSON.parse(JSON.stringify(Object.assign({}, ...before.map((r) => r.snapshotState!()))));
    for (const p of [1, 3]) {
      const after = readers(p, 64, position).flatMap(drain);
      expect(canonical([...seen, ...after])).toEqual(canonical(single));
    }
  });

  it('a reader restored from a snapshot continues exactly where the snapshot was taken', () => {
    const source = nexmark({ events: 5000, seed: 3 });
    const splits = source.splits(1);
    const reader = source.createReader(splits, context(300));
    const before: NexmarkEvent[] = [];
    for (let i = 0; i < 5; i++) before.push(...(reader.poll() as Batch<NexmarkEvent>).values);
    const position = JSON.parse(JSON.stringify(reader.snapshotState!()));
    const rest = drain(reader);
    const restored = drain(nexmark({ events: 5000, seed: 3 }).createReader(splits, context(300), position));
    expect(restored).toEqual(rest);
    expect([...before, ...rest]).toEqual(single);
  });

  it('is bounded only when `events` is given', () => {
    expect(nexmark({ events: 1 }).bounded).toBe(true);
    const endless = nexmark({});
    expect(endless.bounded).toBe(false);
    const reader = endless.createReader(endless.splits(1), context(1000));
    for (let i = 0; i < 20; i++) expect((reader.poll() as Batch<NexmarkEvent>).length).toBe(1000);
    const position = reader.snapshotState!() as NexmarkPosition;
    expect(Object.keys(position)).toHaveLength(128);
    expect(Object.entries(position).reduce((n, [id, next]) => n + (next - Number(id.slice(8, id.indexOf('/')))) / 128, 0)).toBe(20_000);
  });

  it('rate-limited: emits events only as their event time passes on the clock', () => {
    const clock = new ManualClock(50_000);
    const source = nexmark({ events: 100, eventsPerSecond: 1000, rateLimited: true });
    const reader = source.createReader(source.splits(1), context(1000, clock));
    expect((reader.poll() as Batch<NexmarkEvent>).length).toBe(1); // event 0 is due at once
    expect(reader.poll()).toBe('later');
    clock.advance(10);
    expect((reader.poll() as Batch<NexmarkEvent>).length).toBe(10);
    clock.advance(1000);
    expect((reader.poll() as Batch<NexmarkEvent>).length).toBe(89);
    expect(reader.poll()).toBe('end');
  });

  it('runs in a job at parallelism 3 with the same events as at parallelism 1', async () => {
    const run = async (parallelism: number) => {
      const env = StreamEnvironment.create({ parallelism });
      const out = await env
        .fromSource(
          nexmark({ events: 3000, seed: 3 }),
          WatermarkStrategy.boundedOutOfOrderness('4s', (e) => e.dateTime),
        )
        .filter((e) => e.type === 'bid')
        .map((b) => `${b.dateTime}/${b.auction}/${b.bidder}/${b.price}`)
        .executeAndCollect();
      return out.sort();
    };
    const one = await run(1);
    expect(one).toHaveLength(3000 * (46 / 50));
    expect(await run(3)).toEqual(one);
  });
});
