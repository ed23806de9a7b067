import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Batch, ManualClock, StreamEnvironment, fileSink, fileSource } from '../../src/index.js';
import { RollingPolicy } from '../../src/connectors/filesystem/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'weir-file-sink-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const lines = (f: string) => readFileSync(join(dir, f), 'utf8').split('\n').slice(0, -1);

describe('fileSink', () => {
  it('rolls by size; after the job only final parts remain, holding exactly the records', async () => {
    const records = Array.from({ length: 1000 }, (_, i) => ({ id: i, name: `n${i}` }));
    const env = StreamEnvironment.create({ batchSize: 64 });
    env.fromArray(records).sinkTo(fileSink({ path: dir, format: 'json', rollingPolicy: { maxPartSize: 2000 } }));
    await env.execute();
    const files = readdirSync(dir).sort((a, b) => Number(a.split('-')[2]!.split('.')[0]) - Number(b.split('-')[2]!.split('.')[0]));
    expect(files.every((f) => /^part-0-\d+\.json$/.test(f))).toBe(true);
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(2000);
    expect(files.flatMap(lines).map((l) => JSON.parse(l))).toEqual(records);
  });

  it('each subtask writes its own parts; CSV and text formats', async () => {
    const env = StreamEnvironment.create({ parallelism: 3 });
    const rows = Array.from({ length: 300 }, (_, i) => ({ id: i, note: i % 10 === 0 ? 'has, comma' : 'plain "q"' }));
    const stream = env.fromArray(rows);
    stream.sinkTo(fileSink({ path: join(dir, 'csv'), format: 'csv', partPrefix: 'rows' }));
    stream.map((r) => `line ${r.id}`).sinkTo(fileSink({ path: join(dir, 'text'), format: 'text', partSuffix: '.log' }));
    await env.execute();
    expect(readdirSync(join(dir, 'csv')).sort()).toEqual(['rows-0-0.csv', 'rows-1-0.csv', 'rows-2-0.csv']);
    expect(readdirSync(join(dir, 'text')).sort()).toEqual(['part-0-0.log', 'part-1-0.log', 'part-2-0.log']);
    // Reading the output back with the file source gives the records again.
    const back = await StreamEnvironment.create()
      .fromSource(fileSource({ path: join(dir, 'csv'), format: 'csv', csv: { columns: ['id', 'note'], types: { id: 'number' } } }))
      .executeAndCollect();
    expect(back.sort((a: any, b: any) => a.id - b.id)).toEqual(rows);
    const text = await StreamEnvironment.create().readTextFile(join(dir, 'text')).executeAndCollect();
    expect(text.sort()).toEqual(rows.map((r) => `line ${r.id}`).sort());
  });

  it('a rerun into the same directory continues the numbering instead of overwriting', async () => {
    for (const v of [1, 2]) {
      const env = StreamEnvironment.create();
      env.fromElements(v).sinkTo(fileSink({ path: dir, format: 'json' }));
      await env.execute();
    }
    expect(readdirSync(dir).sort()).toEqual(['part-0-0.json', 'part-0-1.json']);
    expect(lines('part-0-1.json')).toEqual(['2']);
  });

  it('rolls on rollover and inactivity intervals by the clock, and keeps open parts hidden', async () => {
    const clock = new ManualClock(0);
    const sink = fileSink<number>({ path: dir, format: 'json', clock, rollingPolicy: { rolloverInterval: 1000, inactivityInterval: 300 } });
    const w = sink.createWriter({ sinkName: 'files', subtaskIndex: 0, parallelism: 1, metrics: { inc() {} } } as never);
    await w.write(Batch.of([1, 2]));
    expect(readdirSync(dir)).toEqual(['.part-0-0.json.inprogress']);
    clock.advance(200);
    await w.write(Batch.of([3]));
    clock.advance(200); // 200 ms since the last write: still active
    await w.write(Batch.of([4]));
    clock.advance(700); // 1100 ms since the part opened: the rollover interval passed
    await w.write(Batch.of([5]));
    clock.advance(400); // nothing written for 400 ms: the timer rolls the inactive part
    for (let t = 0; t < 200 && !readdirSync(dir).includes('part-0-1.json'); t++) await new Promise((r) => setTimeout(r, 5));
    expect(readdirSync(dir).sort()).toEqual(['part-0-0.json', 'part-0-1.json']);
    await w.finish!();
    await w.close?.();
    expect(readdirSync(dir).sort()).toEqual(['part-0-0.json', 'part-0-1.json']);
    expect(lines('part-0-0.json')).toEqual(['1', '2', '3', '4']);
    expect(lines('part-0-1.json')).toEqual(['5']);
  });

  it('write returns a promise only when the file asks the writer to wait', async () => {
    const w = fileSink<string>({ path: dir, format: 'text' }).createWriter({
      sinkName: 'files',
      subtaskIndex: 0,
      parallelism: 1,
      metrics: { inc() {} },
    } as never);
    expect(w.write(Batch.of(['small']))).toBeUndefined();
    const big = 'x'.repeat(1024 * 1024);
    const r = w.write(Batch.of([big]));
    expect(r).toBeInstanceOf(Promise);
    await r;
    await w.finish!();
    expect(lines('part-0-0.txt')).toEqual(['small', big]);
  });

  it('a checkpoint taken before the previous one was committed lists both, so a restore from it commits both', async () => {
    const ctx = { sinkName: 'files', subtaskIndex: 0, parallelism: 1, metrics: { inc() {} }, checkpointingMode: 'EXACTLY_ONCE' } as never;
    const sink = fileSink<string>({ path: dir, format: 'text' });
    const w = sink.createWriter(ctx);
    await w.recover!([]);
    w.write(Batch.of(['a']));
    await w.preCommit!(1);
    w.write(Batch.of(['b']));
    // The completion of checkpoint 1 has not arrived when the barrier of checkpoint 2 does; then the process dies.
    const committable = await w.preCommit!(2);
    w.close?.();
    expect(readdirSync(dir).filter((n) => !n.startsWith('.'))).toEqual([]);
    await sink.createWriter(ctx).recover!([JSON.parse(JSON.stringify(committable))]);
    expect(readdirSync(dir).sort()).toEqual(['part-0-0.txt', 'part-0-1.txt']);
    expect([...lines('part-0-0.txt'), ...lines('part-0-1.txt')]).toEqual(['a', 'b']);
  });

  it('the rolling policy decides on sizes and times alone', () => {
    const p = new RollingPolicy({ maxPartSize: 10, rolloverInterval: '1s', inactivityInterval: 100 });
    expect(p.shouldRollOnRecord(0, 50)).toBe(false);
    expect(p.shouldRollOnRecord(6, 4)).toBe(false);
    expect(p.shouldRollOnRecord(6, 5)).toBe(true);
    expect(p.shouldRollOnTime(1000, 0, 950)).toBe(true);
    expect(p.shouldRollOnTime(500, 0, 450)).toBe(false);
    expect(p.shouldRollOnTime(500, 0, 400)).toBe(true);
    expect(p.nextCheck(0, 400)).toBe(500);
  });
});
