import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Batch, CollectSink, MalformedInputError, ManualClock, StreamEnvironment, fileSource, type DeadLetter, type SourceReader } from '../../src/index.js';
import { parseCsvLine } from '../../src/connectors/file/index.js';
import { readerContext } from './reader-context.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'weir-file-source-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('fileSource', () => {
  it('readTextFile reads every line of a file, with or without a final newline', async () => {
    const a = file('a.txt', 'one\r\ntwo\n\nfour');
    expect(await StreamEnvironment.create().readTextFile(a).executeAndCollect()).toEqual(['one', 'two', '', 'four']);
  });

  it('reads a directory recursively in path order, skipping hidden files', async () => {
    file('b.txt', 'b1\nb2\n');
    file('a.txt', 'a1\n');
    file('.hidden.txt', 'nope\n');
    file('_SUCCESS', 'nope\n');
    mkdirSync(join(dir, 'sub'));
    file('sub/c.txt', 'c1\n');
    expect(await StreamEnvironment.create().readTextFile(dir).executeAndCollect()).toEqual(['a1', 'b1', 'b2', 'c1']);
  });

  it('parallel readers of a directory give the same multiset as one reader', async () => {
    for (let f = 0; f < 7; f++) file(`part-${f}.json`, Array.from({ length: 50 + f }, (_, i) => JSON.stringify({ f, i })).join('\n') + '\n');
    const run = (parallelism: number) =>
      StreamEnvironment.create({ parallelism, batchSize: 16 }).fromSource(fileSource<{ f: number; i: number }>({ path: dir, format: 'json' })).map((r) => `${r.f}/${r.i}`).executeAndCollect();
    const one = (await run(1)).sort();
    expect(one).toHaveLength(7 * 50 + 21);
    expect((await run(3)).sort()).toEqual(one);
  });

  it('streams a large file in batches of batchSize, keeping line order', async () => {
    const n = 100_000;
    const lines = Array.from({ length: n }, (_, i) => `{"id":${i},"pad":"${'x'.repeat(i % 50)}"}`);
    const p = file('big.json', lines.join('\n') + '\n');
    const src = fileSource<{ id: number }>({ path: p, format: 'json' });
    const { ctx } = readerContext({ batchSize: 1000 });
    const reader = src.createReader(src.splits(1), ctx);
    let count = 0;
    let batches = 0;
    for (let r = await reader.poll(); r !== 'end'; r = await reader.poll()) {
      const b = r as Batch<{ id: number }>;
      expect(b.length).toBeLessThanOrEqual(1000);
      expect(b.values[0]!.id).toBe(count);
      count += b.length;
      batches++;
    }
    expect(count).toBe(n);
    expect(batches).toBe(n / 1000);
  });

  it('reads lines longer than its read buffer', async () => {
    const long = 'y'.repeat(300_000);
    file('long.txt', `short\n${long}\n${long}x\nend`);
    expect(await StreamEnvironment.create().readTextFile(dir).executeAndCollect()).toEqual(['short', long, `${long}x`, 'end']);
  });

  it('restores from its snapshot: byte offset and line number per file', async () => {
    const p = file('r.txt', Array.from({ length: 25 }, (_, i) => `héllo ${i}`).join('\n'));
    file('s.txt', 'last\n');
    const src = fileSource({ path: dir, format: 'text' });
    const splits = src.splits(1);
    const { ctx } = readerContext({ batchSize: 10 });
    const first = src.createReader(splits, ctx);
    expect(((await first.poll()) as Batch<string>).values[9]).toBe('héllo 9');
    const saved = JSON.parse(JSON.stringify(first.snapshotState!()));
    expect(saved[p]).toMatchObject({ line: 10 });
    await first.close!();
    const again = src.createReader(splits, ctx, saved);
    const rest: string[] = [];
    for (let r = await again.poll(); r !== 'end'; r = await again.poll()) rest.push(...(r as Batch<string>).values);
    expect(rest).toEqual([...Array.from({ length: 15 }, (_, i) => `héllo ${i + 10}`), 'last']);
    expect(JSON.parse(JSON.stringify(again.snapshotState!()))).toEqual({ [p]: 'done', [join(dir, 's.txt')]: 'done' });
  });

  describe('CSV', () => {
    it('with a header and types', async () => {
      file('o.csv', 'id,item,price,paid\n1,apple,1.5,true\n2,"pear, green",2,FALSE\n\n3,"say ""hi""",,true\n');
      const out = await StreamEnvironment.create()
        .fromSource(fileSource({ path: dir, format: 'csv', csv: { header: true, types: { id: 'number', price: 'number', paid: 'boolean' } } }))
        .executeAndCollect();
      expect(out).toEqual([
        { id: 1, item: 'apple', price: 1.5, paid: true },
        { id: 2, item: 'pear, green', price: 2, paid: false },
        { id: 3, item: 'say "hi"', price: null, paid: true },
      ]);
    });

    it('with explicit columns, a delimiter, and a header line to skip', async () => {
      file('o.csv', 'A;B\nx;1\ny;2\n');
      const out = await StreamEnvironment.create()
        .fromSource(fileSource({ path: dir, format: 'csv', csv: { header: true, columns: ['name', 'n'], delimiter: ';', types: { n: 'number' } } }))
        .executeAndCollect();
      expect(out).toEqual([{ name: 'x', n: 1 }, { name: 'y', n: 2 }]);
    });

    it('without columns, rows are string arrays', async () => {
      file('o.csv', 'a,b\nc,"d,e"\n');
      expect(await StreamEnvironment.create().fromSource(fileSource({ path: dir, format: 'csv' })).executeAndCollect()).toEqual([['a', 'b'], ['c', 'd,e']]);
    });

    it('a header that cannot be read fails the file whatever the policy', async () => {
      const p = file('o.csv', 'id,amount\n1,2\n');
      const env = StreamEnvironment.create();
      env.fromSource(fileSource({ path: p, format: 'csv', csv: { header: true, types: { price: 'number' } }, errorPolicy: 'skip' })).sinkTo(new CollectSink());
      const err = await env.execute().catch((e) => e);
      expect(err).toBeInstanceOf(MalformedInputError);
      expect(err.message).toContain(`${p}:1`);
      expect(err.message).toContain("header has no column 'price'");
    });

    it('parseCsvLine reports malformed quoting', () => {
      expect(parseCsvLine('a,"b', ',')).toMatch(/unclosed quote/);
      expect(parseCsvLine('"a"b,c', ',')).toMatch(/after the closing quote/);
      expect(parseCsvLine(',,', ',')).toEqual(['', '', '']);
      expect(parseCsvLine('"",x', ',')).toEqual(['', 'x']);
    });
  });

  describe('error policies', () => {
    const jsonLines = () => file('events.json', '{"id":1}\n{"id":2}\nnot json at all\n{"id":4}\n{"id":5\n{"id":6}\n');

    it("'fail' (the default) names source, file, line number and the line", async () => {
      const p = jsonLines();
      const env = StreamEnvironment.create();
      env.fromSource(fileSource({ path: p, format: 'json', name: 'events' })).sinkTo(new CollectSink());
      const err = await env.execute().catch((e) => e);
      expect(err).toBeInstanceOf(MalformedInputError);
      expect(err.message).toContain("'events'");
      expect(err.message).toContain(`${p}:3`);
      expect(err.message).toContain('not json at all');
      expect(err.location).toBe(`${p}:3`);
      expect(err.raw).toBe('not json at all');
    });

    it("'skip' drops malformed lines and counts them", async () => {
      jsonLines();
      const env = StreamEnvironment.create();
      const sink = new CollectSink<{ id: number }>();
      env.fromSource(fileSource<{ id: number }>({ path: dir, format: 'json', errorPolicy: 'skip' })).sinkTo(sink);
      const result = await env.execute();
      expect(sink.values.map((r) => r.id)).toEqual([1, 2, 4, 6]);
      const counters = result.metrics.find((m) => m.name === 'File Source')!.counters;
      expect(counters.skippedRecords).toBe(2);
    });

    it("'dead-letter' sends raw line, reason and location to getDeadLetters, losing nothing else", async () => {
      const p = jsonLines();
      file('rows.csv', 'id,n\n1,10\n2,ten\n3\n4,40\n');
      const env = StreamEnvironment.create({ parallelism: 2 });
      const good = new CollectSink<unknown>();
      const bad = new CollectSink<DeadLetter>();
      const json = env.fromSource(fileSource({ path: p, format: 'json', errorPolicy: 'dead-letter' }));
      json.sinkTo(good);
      json.getDeadLetters().sinkTo(bad);
      const csv = env.fromSource(fileSource({ path: join(dir, 'rows.csv'), format: 'csv', csv: { header: true, types: { id: 'number', n: 'number' } }, errorPolicy: 'dead-letter', name: 'csv' }));
      csv.sinkTo(good);
      csv.getDeadLetters().sinkTo(bad);
      const result = await env.execute();
      expect(good.values).toHaveLength(6);
      expect(good.values).toEqual(expect.arrayContaining([{ id: 1 }, { id: 2 }, { id: 4 }, { id: 6 }, { id: 1, n: 10 }, { id: 4, n: 40 }]));
      const letters = [...bad.values].sort((a, b) => a.location.localeCompare(b.location));
      expect(letters.map((d) => [d.location, d.raw])).toEqual([
        [`${p}:3`, 'not json at all'],
        [`${p}:5`, '{"id":5'],
        [`${join(dir, 'rows.csv')}:3`, '2,ten'],
        [`${join(dir, 'rows.csv')}:4`, '3'],
      ].sort((a, b) => a[0]!.localeCompare(b[0]!)));
      expect(letters.find((d) => d.raw === '2,ten')!.reason).toContain("'ten' is not a number");
      expect(letters.find((d) => d.raw === '3')!.reason).toContain('expected 2 columns, found 1');
      expect(letters.find((d) => d.raw === 'not json at all')!.reason).toContain('invalid JSON');
      const deadLettered = result.metrics.reduce((s, m) => s + (m.counters.deadLettered ?? 0), 0);
      expect(deadLettered).toBe(4);
    });
  });

  it('continuous mode picks up files added to the directory and never ends', async () => {
    file('1.txt', 'first\n');
    const env = StreamEnvironment.create();
    const sink = new CollectSink<string>();
    env.fromSource(fileSource({ path: dir, format: 'text', monitorInterval: 10 })).sinkTo(sink);
    const job = env.executeAsync('monitor');
    const until = async (n: number) => {
      for (let t = 0; t < 300 && sink.values.length < n; t++) await new Promise((r) => setTimeout(r, 10));
    };
    await until(1);
    // Written under a hidden name, then renamed in, as a producer should.
    file('.2.txt.tmp', 'second\nthird\n');
    const { renameSync } = await import('node:fs');
    renameSync(join(dir, '.2.txt.tmp'), join(dir, '2.txt'));
    await until(3);
    expect(sink.values).toEqual(['first', 'second', 'third']);
    expect(job.status()).toBe('RUNNING');
    await job.cancel();
  });

  it('continuous mode: each file has one owner among parallel readers, before and after a restore', async () => {
    for (let f = 0; f < 6; f++) file(`old-${f}.txt`, `old ${f}\nold ${f} again\n`);
    const clock = new ManualClock(0);
    const source = fileSource({ path: dir, format: 'text', monitorInterval: '1s' });
    const open = (restored?: unknown[]) => {
      const splits = source.splits(2);
      return [0, 1].map((i) => source.createReader(splits.filter((_, j) => j % 2 === i), readerContext({ clock, batchSize: 3, subtaskIndex: i, parallelism: 2 }).ctx, restored?.[i]));
    };
    const pollAll = async (readers: SourceReader<string>[]) => {
      const out: string[] = [];
      for (const r of readers) {
        for (let res = await r.poll(); res !== 'later'; res = await r.poll()) {
          expect(res).not.toBe('end');
          out.push(...(res as Batch<string>).values);
        }
      }
      return out;
    };
    const first = open();
    const seen = await pollAll(first);
    expect(seen.sort()).toEqual(Array.from({ length: 6 }, (_, f) => [`old ${f}`, `old ${f} again`]).flat().sort());
    for (let f = 0; f < 6; f++) file(`new-${f}.txt`, `new ${f}\nnew ${f} again\n`);
    expect(await pollAll(first)).toEqual([]); // not yet time to look again
    clock.advance(1000);
    // Each reader reads one batch of the new files, then the job fails over.
    const partial: string[] = [];
    for (const r of first) {
      const res = await r.poll();
      if (res !== 'later' && res !== 'end') partial.push(...res.values);
    }
    const snapshot = JSON.parse(JSON.stringify(first.map((r) => r.snapshotState!())));
    for (const r of first) await r.close!();
    const restored = open(snapshot);
    clock.advance(1000);
    const rest = await pollAll(restored);
    expect([...partial, ...rest].sort()).toEqual(Array.from({ length: 6 }, (_, f) => [`new ${f}`, `new ${f} again`]).flat().sort());
  });
});
