import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AsyncDataStream, StreamEnvironment, WatermarkStrategy, arraySource, type Sink } from '../../src/index.js';

type Ev = { r: unknown } | { w: number };

/** A sink that logs records and watermarks in the order they arrive. */
function eventLog(): Sink<unknown> & { events: Ev[] } {
  const events: Ev[] = [];
  return {
    name: 'event-log',
    events,
    createWriter: () => ({
      write: (b) => {
        for (const v of b.values) events.push({ r: v });
      },
      onWatermark: (w) => {
        events.push({ w });
      },
    }),
  };
}

interface In {
  i: number;
  t: number;
  delay: number;
}

/** Completes after `delay` ms; a negative delay completes synchronously. Tracks concurrency. */
function delayedLookup(stats: { inFlight: number; max: number }) {
  return (x: In): Promise<number> | number => {
    if (x.delay < 0) return x.i;
    stats.inFlight++;
    stats.max = Math.max(stats.max, stats.inFlight);
    return new Promise((res) =>
      setTimeout(() => {
        stats.inFlight--;
        res(x.i);
      }, x.delay),
    );
  };
}

const inputs = fc.array(fc.record({ gap: fc.integer({ min: 0, max: 3 }), delay: fc.integer({ min: -1, max: 4 }) }), { maxLength: 30 }).map((xs) => {
  let t = 0;
  return xs.map((x, i) => ({ i, t: (t += x.gap), delay: x.delay }));
});

async function run(ordered: boolean, xs: In[], capacity: number, batchSize: number) {
  const env = StreamEnvironment.create({ batchSize });
  const src = env.fromSource(
    arraySource(xs),
    WatermarkStrategy.monotonousTimestamps<In>((x) => x.t),
  );
  const before = eventLog();
  const after = eventLog();
  src.sinkTo(before);
  const stats = { inFlight: 0, max: 0 };
  const wait = ordered ? AsyncDataStream.orderedWait : AsyncDataStream.unorderedWait;
  wait(src, delayedLookup(stats), { timeout: '5s', capacity }).sinkTo(after);
  await env.execute();
  const expected = before.events.map((e) => ('r' in e ? { r: (e.r as In).i } : e));
  return { expected: collapseWatermarks(expected), actual: collapseWatermarks(after.events), stats };
}

/** Watermarks with no record between them say the same as the last of them; the operator may merge them. */
function collapseWatermarks(events: Ev[]): Ev[] {
  const out: Ev[] = [];
  for (const e of events) {
    const last = out[out.length - 1];
    if ('w' in e && last && 'w' in last) out[out.length - 1] = e;
    else out.push(e);
  }
  return out;
}

/** Splits an event log into segments of records, each closed by a watermark (the last may be open). */
function segments(events: Ev[]): { records: unknown[]; w: number | undefined }[] {
  const out: { records: unknown[]; w: number | undefined }[] = [{ records: [], w: undefined }];
  for (const e of events) {
    if ('r' in e) out[out.length - 1]!.records.push(e.r);
    else {
      out[out.length - 1]!.w = e.w;
      out.push({ records: [], w: undefined });
    }
  }
  return out;
}

describe('async I/O ordering', () => {
  it('ordered mode emits records and watermarks exactly in input order (property)', async () => {
    await fc.assert(
      fc.asyncProperty(inputs, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 6 }), async (xs, capacity, batchSize) => {
        const { expected, actual, stats } = await run(true, xs, capacity, batchSize);
        expect(actual).toEqual(expected);
        expect(stats.max).toBeLessThanOrEqual(capacity);
      }),
      { numRuns: 25 },
    );
  });

  it('unordered mode emits a permutation that never crosses a watermark (property)', async () => {
    await fc.assert(
      fc.asyncProperty(inputs, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 6 }), async (xs, capacity, batchSize) => {
        const { expected, actual, stats } = await run(false, xs, capacity, batchSize);
        const exp = segments(expected);
        const act = segments(actual);
        expect(act.map((s) => s.w)).toEqual(exp.map((s) => s.w));
        for (let i = 0; i < exp.length; i++) expect((act[i]!.records as number[]).slice().sort((a, b) => a - b)).toEqual(exp[i]!.records);
        expect(stats.max).toBeLessThanOrEqual(capacity);
      }),
      { numRuns: 25 },
    );
  });

  it('unordered mode emits in completion order within a segment; ordered mode does not', async () => {
    const delays = [30, 5, 15];
    const lookup = (i: number) => new Promise<number>((r) => setTimeout(() => r(i), delays[i]));
    const env = StreamEnvironment.create();
    const unordered = await AsyncDataStream.unorderedWait(env.fromElements(0, 1, 2), lookup, { timeout: '1s' }).executeAndCollect();
    expect(unordered).toEqual([1, 2, 0]);
    const env2 = StreamEnvironment.create();
    const ordered = await AsyncDataStream.orderedWait(env2.fromElements(0, 1, 2), lookup, { timeout: '1s' }).executeAndCollect();
    expect(ordered).toEqual([0, 1, 2]);
  });
});
