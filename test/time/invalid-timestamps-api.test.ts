import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Batch,
  CollectSink,
  EventTimeSessionWindows,
  InvalidTimestampError,
  StreamEnvironment,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  arraySource,
  count,
  fileSource,
  type Collector,
  type DeadLetter,
  type ErrorPolicy,
  type Source,
} from '../../src/index.js';

interface Click {
  user: string;
  ts: number;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'weir-timestamps-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const clicks = (ts: number[]): Click[] => ts.map((t) => ({ user: 'u', ts: t }));

/** Per-window counts of user 'u', as `start:count`. */
function windowCounts(env: StreamEnvironment, source: Source<Click>, strategy: WatermarkStrategy<Click>, session: boolean): CollectSink<string> {
  const sink = new CollectSink<string>();
  env
    .fromSource(source, strategy)
    .keyBy((c) => c.user)
    .window(session ? EventTimeSessionWindows.withGap(100) : TumblingEventTimeWindows.of(1000))
    .aggregate(count(), (_k, w, [n], out: Collector<string>) => out.collect(`${w.start}:${n}`))
    .sinkTo(sink);
  return sink;
}

async function failure(job: Promise<unknown>): Promise<InvalidTimestampError> {
  const err = await job.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InvalidTimestampError);
  return err as InvalidTimestampError;
}

describe('event timestamps that are not safe integers', () => {
  it('NaN fails the job, naming source, position and record, in session and tumbling windows', async () => {
    for (const session of [true, false]) {
      const env = StreamEnvironment.create({ batchSize: 2 });
      const sink = windowCounts(
        env,
        arraySource(clicks([1000, 1050, NaN, 1020]), 'clicks'),
        WatermarkStrategy.boundedOutOfOrderness<Click>(0, (c) => c.ts),
        session,
      );
      const err = await failure(env.execute());
      expect(err.message).toContain("source 'clicks' (timestamp assigner)");
      expect(err.message).toContain('at element 2');
      expect(err.message).toContain('the timestamp is NaN');
      expect(err.message).toContain('{"user":"u","ts":null}');
      expect(sink.values).toEqual([]);
    }
  });

  it('an extractor returning undefined (a misspelt field) fails the job instead of losing every record', async () => {
    const env = StreamEnvironment.create();
    const strategy = WatermarkStrategy.boundedOutOfOrderness<Click>(0, (c) => (c as unknown as { timestamp: number }).timestamp);
    windowCounts(env, arraySource(clicks([1000, 2000]), 'clicks'), strategy, false);
    const err = await failure(env.execute());
    expect(err.message).toContain('at element 0');
    expect(err.message).toContain('the timestamp is undefined (is the field name right');
  });

  it('a CSV column read as a string fails the job with the file and line, not windows like [1000, 30005000)', async () => {
    const path = join(dir, 'clicks.csv');
    writeFileSync(path, 'user,ts\nu,1000\nu,3000\n');
    const env = StreamEnvironment.create();
    windowCounts(
      env,
      fileSource<Click>({ path, format: 'csv', csv: { header: true }, name: 'clicks' }),
      WatermarkStrategy.boundedOutOfOrderness<Click>(0, (c) => c.ts),
      false,
    );
    const err = await failure(env.execute());
    expect(err.location).toBe(`${path}:2`);
    expect(err.message).toContain(`source 'clicks' (timestamp assigner) at ${path}:2`);
    expect(err.message).toContain('the timestamp is the string "1000" (convert it with Number(...)');
  });

  it('fractional, infinite and unsafe timestamps are rejected too; negative integers are event times', async () => {
    for (const bad of [1.5, Infinity, -Infinity, 2 ** 53]) {
      const env = StreamEnvironment.create();
      windowCounts(
        env,
        arraySource(clicks([1000, bad])),
        WatermarkStrategy.boundedOutOfOrderness<Click>(0, (c) => c.ts),
        false,
      );
      expect((await failure(env.execute())).message).toContain('at element 1');
    }
    const env = StreamEnvironment.create();
    const sink = windowCounts(
      env,
      arraySource(clicks([-1500, -1000, 0])),
      WatermarkStrategy.boundedOutOfOrderness<Click>(0, (c) => c.ts),
      false,
    );
    await env.execute();
    expect(sink.values).toEqual(['-2000:1', '-1000:1', '0:1']);
  });

  describe("the source's error policy", () => {
    // Lines 2..9; lines 4, 6 and 9 have timestamps that are not integers.
    const csv = 'user,ts\nu,1000\nu,1200\nu,\nu,2500\nu,later\nu,2600\nu,3100\nu,31.5\n';
    const valid = [1000, 1200, 2500, 2600, 3100];
    const badLines = [4, 6, 9];
    /** Window counts computed from the valid timestamps alone. */
    const expectedCounts = (): string[] => {
      const m = new Map<number, number>();
      for (const t of valid) m.set(Math.floor(t / 1000) * 1000, (m.get(Math.floor(t / 1000) * 1000) ?? 0) + 1);
      return [...m].map(([s, n]) => `${s}:${n}`);
    };
    const run = async (errorPolicy: ErrorPolicy, batchSize: number) => {
      const path = join(dir, 'clicks.csv');
      writeFileSync(path, csv);
      const env = StreamEnvironment.create({ batchSize });
      const source = fileSource<Record<string, string>>({ path, format: 'csv', csv: { header: true }, errorPolicy, name: 'clicks' });
      // Number('') is 0, a valid time: an assigner that parses must say what it will not accept.
      const stream = env.fromSource(
        source,
        WatermarkStrategy.boundedOutOfOrderness<Record<string, string>>(0, (r) => (r.ts === '' ? NaN : Number(r.ts))),
      );
      const sink = new CollectSink<string>();
      stream
        .keyBy((r) => r.user)
        .window(TumblingEventTimeWindows.of(1000))
        .aggregate(count(), (_k, w, [n], out: Collector<string>) => out.collect(`${w.start}:${n}`))
        .sinkTo(sink);
      const letters = new CollectSink<DeadLetter>();
      stream.getDeadLetters().sinkTo(letters);
      const result = await env.execute();
      const counter = (name: string) => result.metrics.reduce((s, m) => s + (m.counters[name] ?? 0), 0);
      return { path, sink, letters, skipped: counter('skippedRecords'), deadLettered: counter('deadLettered') };
    };

    it("'skip' drops the records and counts them in skippedRecords", async () => {
      for (const batchSize of [1, 3, 1024]) {
        const { sink, skipped, deadLettered, letters } = await run('skip', batchSize);
        expect(sink.values).toEqual(expectedCounts());
        expect(skipped).toBe(badLines.length);
        expect(deadLettered).toBe(0);
        expect(letters.values).toEqual([]);
      }
    });

    it("'dead-letter' sends each record with its file, line and reason to getDeadLetters, and counts it", async () => {
      for (const batchSize of [1, 3, 1024]) {
        const { path, sink, letters, deadLettered, skipped } = await run('dead-letter', batchSize);
        expect(sink.values).toEqual(expectedCounts());
        expect(deadLettered).toBe(badLines.length);
        expect(skipped).toBe(0);
        expect(letters.values.map((d) => d.location)).toEqual(badLines.map((l) => `${path}:${l}`));
        expect(letters.values.map((d) => d.raw)).toEqual(['{"user":"u","ts":""}', '{"user":"u","ts":"later"}', '{"user":"u","ts":"31.5"}']);
        expect(
          letters.values.every((d) => d.source === 'clicks' && d.reason.startsWith("Invalid event timestamp in source 'clicks' (timestamp assigner)")),
        ).toBe(true);
        expect(letters.values[2]!.reason).toContain('the timestamp 31.5 is not an integer');
      }
    });
  });

  it('timestamps a source puts in its batches are checked as well, under its policy', async () => {
    const source = (errorPolicy: ErrorPolicy): Source<string> => ({
      name: 'stamped',
      bounded: true,
      replayable: false,
      errorPolicy,
      splits: () => [{ id: 'all' }],
      createReader: () => {
        let done = false;
        return {
          poll: () => (done ? 'end' : ((done = true), new Batch(['a', 'b', 'c'], [1000, NaN, 2000]))),
          locate: (i) => `offset ${i}`,
        };
      },
    });
    const env = StreamEnvironment.create();
    env.fromSource(source('fail')).sinkTo(new CollectSink());
    const err = await failure(env.execute());
    expect(err.message).toBe(
      'Invalid event timestamp in source \'stamped\' (timestamp from the source) at offset 1: the timestamp is NaN; event timestamps must be safe integers (epoch milliseconds); record: "b"',
    );

    const env2 = StreamEnvironment.create();
    const kept = new CollectSink<string>();
    const stream = env2.fromSource(source('dead-letter'));
    stream.sinkTo(kept);
    const letters = new CollectSink<DeadLetter>();
    stream.getDeadLetters().sinkTo(letters);
    await env2.execute();
    expect(kept.values).toEqual(['a', 'c']);
    expect(kept.timestamps).toEqual([1000, 2000]);
    expect(letters.values).toEqual([{ source: 'stamped', location: 'offset 1', raw: 'b', reason: expect.stringContaining('the timestamp is NaN') }]);
  });

  it('assignTimestampsAndWatermarks in mid-stream fails the job naming the operator and the record', async () => {
    const env = StreamEnvironment.create();
    env
      .fromArray(clicks([1000, 2000]))
      .map((c) => ({ ...c, ts: c.ts === 2000 ? Number('2s') : c.ts }))
      .assignTimestampsAndWatermarks(WatermarkStrategy.boundedOutOfOrderness<Click>(0, (c) => c.ts))
      .name('stamp')
      .sinkTo(new CollectSink());
    const err = await failure(env.execute());
    expect(err.message).toContain("operator 'stamp' (timestamp assigner)");
    expect(err.message).toContain('the timestamp is NaN');
    expect(err.message).toContain('{"user":"u","ts":null}');
  });
});
