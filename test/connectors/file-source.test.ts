import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Batch, CollectSink, MalformedInputError, ManualClock, StreamEnvironment, fileSource, type DeadLetter } from '../../src/index.js';
import { parseCsvLine, type FileSourceState } from '../../src/connectors/filesystem/index.js';
import { readerContext } from '../../src/testing/index.js';
import { deserialize } from 'node:v8';
import type { Source, SourceSplit } from '../../src/index.js';
import type { LoadedCheckpoint } from '../../src/runtime/checkpoint/checkpoint-storage.js';
import { SourceCoordinator } from '../../src/runtime/source-coordinator.js';

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
  it('is also exported from its deprecated path, weir/connectors/file', async () => {
    const old = await import('../../src/connectors/file/index.js');
    expect([old.fileSource, old.parseCsvLine]).toEqual([fileSource, parseCsvLine]);
  });

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
      StreamEnvironment.create({ parallelism, batchSize: 16 })
        .fromSource(fileSource<{ f: number; i: number }>({ path: dir, format: 'json' }))
        .map((r) => `${r.f}/${r.i}`)
        .executeAndCollect();
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
      expect(out).toEqual([
        { name: 'x', n: 1 },
        { name: 'y', n: 2 },
      ]);
    });

    it('without columns, rows are string arrays', async () => {
      file('o.csv', 'a,b\nc,"d,e"\n');
      expect(
        await StreamEnvironment.create()
          .fromSource(fileSource({ path: dir, format: 'csv' }))
          .executeAndCollect(),
      ).toEqual([
        ['a', 'b'],
        ['c', 'd,e'],
      ]);
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
      const csv = env.fromSource(
        fileSource({
          path: join(dir, 'rows.csv'),
          format: 'csv',
          csv: { header: true, types: { id: 'number', n: 'number' } },
          errorPolicy: 'dead-letter',
          name: 'csv',
        }),
      );
      csv.sinkTo(good);
      csv.getDeadLetters().sinkTo(bad);
      const result = await env.execute();
      expect(good.values).toHaveLength(6);
      expect(good.values).toEqual(expect.arrayContaining([{ id: 1 }, { id: 2 }, { id: 4 }, { id: 6 }, { id: 1, n: 10 }, { id: 4, n: 40 }]));
      const letters = [...bad.values].sort((a, b) => a.location.localeCompare(b.location));
      expect(letters.map((d) => [d.location, d.raw])).toEqual(
        [
          [`${p}:3`, 'not json at all'],
          [`${p}:5`, '{"id":5'],
          [`${join(dir, 'rows.csv')}:3`, '2,ten'],
          [`${join(dir, 'rows.csv')}:4`, '3'],
        ].sort((a, b) => a[0]!.localeCompare(b[0]!)),
      );
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

  it('continuous mode: the enumerator hands each file to one idle reader, and a restore resumes half-read files', async () => {
    const clock = new ManualClock(0);
    const source = fileSource({ path: dir, format: 'text', monitorInterval: '1s' });
    const failures: unknown[] = [];
    // The runtime's coordinator and real readers, driven by hand: readers ask when idle, as source tasks do.
    const open = (restore?: LoadedCheckpoint) => {
      const readers = [0, 1].map((i) => source.createReader([], readerContext({ clock, batchSize: 3, subtaskIndex: i, parallelism: 2 }).ctx));
      const coordinator = new SourceCoordinator(1, 'files', source as Source<unknown>, 'files', 2, clock, (e) => failures.push(e));
      const handed = { count: 0 };
      const assignSplits = (_n: number, i: number, splits: SourceSplit[], positions?: Record<string, unknown>) => {
        handed.count++;
        readers[i]!.addSplits!(splits, positions);
      };
      coordinator.start({ assignSplits, noMoreSplits: () => undefined }, restore);
      readers.forEach((_, i) => coordinator.readerRegistered(i));
      return { readers, coordinator, handed };
    };
    const pollAll = async ({ readers, coordinator, handed }: ReturnType<typeof open>, limit = Infinity) => {
      const out: string[] = [];
      for (let progress = true; progress && out.length < limit;) {
        progress = false;
        for (const [i, r] of readers.entries()) {
          const res = await r.poll();
          expect(res).not.toBe('end');
          if (res === 'later') {
            const before = handed.count;
            coordinator.splitRequest(i);
            progress ||= handed.count > before;
          } else {
            out.push(...(res as Batch<string>).values);
            progress = true;
          }
        }
      }
      return out;
    };
    const lines = (prefix: string, n: number) =>
      Array.from({ length: 6 }, (_, f) => Array.from({ length: n }, (_, l) => `${prefix} ${f} line ${l}`))
        .flat()
        .sort();
    for (let f = 0; f < 6; f++)
      file(
        `old-${f}.txt`,
        lines('old', 2)
          .filter((l) => l.startsWith(`old ${f} `))
          .join('\n'),
      );
    const first = open();
    expect((await pollAll(first)).sort()).toEqual(lines('old', 2));
    // Five lines in batches of three: the checkpoint below falls inside files.
    for (let f = 0; f < 6; f++)
      file(
        `new-${f}.txt`,
        lines('new', 5)
          .filter((l) => l.startsWith(`new ${f} `))
          .join('\n') + '\n',
      );
    expect(await pollAll(first)).toEqual([]); // not yet time to look again
    clock.advance(1000);
    await new Promise((r) => setTimeout(r, 50)); // the directory listing runs asynchronously
    // The readers read a little of the new files, then the job fails over to the checkpoint taken now.
    const partial = await pollAll(first, 3);
    const positions = first.readers.flatMap((r) => Object.values(r.snapshotState!() as FileSourceState));
    expect(positions.some((p) => p !== 'done' && p.line > 0)).toBe(true);
    const checkpoint: LoadedCheckpoint = {
      path: 'chk-1',
      metadata: { format: 'weir-checkpoint', version: 1, id: 1, savepoint: false, jobName: 'j', createdAt: '', tasks: [] },
      states: [
        { operator: 'files@enumerator', subtask: 0, parallelism: 1, state: deserialize(first.coordinator.snapshot(1)) },
        ...first.readers.map((r, i) => ({
          operator: 'files',
          subtask: i,
          parallelism: 2,
          state: { operatorState: { lists: {}, broadcast: {} }, source: JSON.parse(JSON.stringify(r.snapshotState!())) },
        })),
      ],
    };
    first.coordinator.close();
    for (const r of first.readers) await r.close!();
    const rest = await pollAll(open(checkpoint));
    expect(partial).toHaveLength(6);
    expect([...partial, ...rest].sort()).toEqual(lines('new', 5));
    // A checkpoint of a version that hashed files to readers has reader positions only: every
    // position travels with its file when the new enumerator hands it out.
    const readersOnly = { ...checkpoint, states: checkpoint.states.filter((s) => s.operator === 'files') };
    const again = await pollAll(open(readersOnly));
    expect([...partial, ...again].sort()).toEqual(lines('new', 5));
    expect(failures).toEqual([]);
  });
});
