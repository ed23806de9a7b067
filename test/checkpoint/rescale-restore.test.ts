import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StreamEnvironment, datagen, fileSink, fileSource, sequence, valueState, type Sink, type Source, type ValueState } from '../../src/index.js';
import { nexmark, NexmarkGenerator, type NexmarkEvent } from '../../src/connectors/nexmark/index.js';
import { resolveNexmarkConfig } from '../../src/connectors/nexmark/nexmark-config.js';
import { arraySource } from '../../src/connectors/memory/array-source.js';
import { multisetDiff } from './multiset-diff.js';
import { committedLines } from './committed-lines.js';

/**
 * A savepoint taken while a job runs at one parallelism, restored at another: for every built-in
 * source, the committed output of the exactly-once file sink (each record once, and a running count
 * per key) must be what the input alone determines, with nothing lost and nothing repeated.
 */
const work = mkdtempSync(join(tmpdir(), 'weir-rescale-restore-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const N = 2000;

interface Rec {
  readonly id: string;
  readonly key: string;
}

interface SourceCase {
  readonly make: () => Source<unknown>;
  readonly rec: (v: unknown) => Rec;
  /** The records the source holds, computed without Weir. */
  readonly input: () => Rec[];
}

const files = join(work, 'input');
mkdirSync(files);
for (let f = 0; f < 7; f++) writeFileSync(join(files, `f${f}.txt`), Array.from({ length: 100 + 60 * f }, (_, i) => `f${f}-${i}`).join('\n') + '\n');
const fileLines = () =>
  readdirSync(files).flatMap((n) =>
    readFileSync(join(files, n), 'utf8')
      .split('\n')
      .filter((l) => l.length > 0),
  );
const lineRec = (l: string): Rec => ({ id: l, key: String(Number(l.split('-')[1]) % 7) });

const numbered = (i: number): Rec => ({ id: String(i), key: String(i % 7) });
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const nexmarkEvents = 2000;

const cases: Record<string, SourceCase> = {
  sequence: { make: () => sequence(0, N - 1), rec: (v) => numbered(v as number), input: () => range(N).map(numbered) },
  datagen: {
    make: () => datagen({ numberOfRows: N, seed: 3, generator: (i) => ({ i }) }),
    rec: (v) => numbered((v as { i: number }).i),
    input: () => range(N).map(numbered),
  },
  nexmark: {
    make: () => nexmark({ events: nexmarkEvents }),
    rec: (v) => ({ id: JSON.stringify(v), key: (v as NexmarkEvent).type }),
    input: () => {
      const gen = new NexmarkGenerator(resolveNexmarkConfig({ events: nexmarkEvents }));
      return range(nexmarkEvents).map((i) => ({ id: JSON.stringify(gen.event(i)), key: gen.event(i).type }));
    },
  },
  file: { make: () => fileSource({ path: files, format: 'text' }) as Source<unknown>, rec: (v) => lineRec(v as string), input: () => fileLines().map(lineRec) },
  collection: { make: () => arraySource(range(N).map((i) => ({ i }))), rec: (v) => numbered((v as { i: number }).i), input: () => range(N).map(numbered) },
};

/** The same source, polled no faster than once per `ms` per reader, so a savepoint lands mid-stream. */
function throttled<T>(source: Source<T>, ms: number): Source<T> {
  return {
    ...source,
    createReader(splits, ctx, restored) {
      const reader = source.createReader(splits, ctx, restored);
      return {
        poll: () => new Promise<void>((r) => setTimeout(r, ms)).then(() => reader.poll()),
        snapshotState: () => reader.snapshotState?.(),
        close: () => reader.close?.(),
      };
    },
  };
}

/**
 * A sink whose commits never finish (a slow external system). Commits run one operator after the
 * other, so the file sink behind it never commits either: the job stops with the savepoint's part
 * files still pending, as when a process dies right after the savepoint completed.
 */
const stalledCommits: Sink<unknown> = {
  name: 'stalled commits',
  createWriter: () => ({ write: () => undefined, commit: () => new Promise<void>(() => undefined) }),
};

function job(env: StreamEnvironment, source: Source<unknown>, rec: (v: unknown) => Rec, out: string, stall: boolean): void {
  const s = env.fromSource(source).uid('source');
  if (stall) s.sinkTo(stalledCommits).uid('stall');
  s.keyBy((v) => rec(v).key)
    .process<string>({
      open(ctx) {
        (this as unknown as { n: ValueState<number> }).n = ctx.state.getState(valueState<number>('n', { defaultValue: 0 }));
      },
      processElement(v, _ctx, o) {
        const n = (this as unknown as { n: ValueState<number> }).n;
        const r = rec(v);
        n.update(n.value()! + 1);
        o.collect(`r ${r.id}`);
        o.collect(`c ${r.key} ${n.value()}`);
      },
    })
    .uid('counter')
    .name('counter')
    .sinkTo(fileSink<string>({ path: out, format: 'text' }))
    .uid('sink');
}

/** Each record once, and counts 1..n for a key with n records. */
function expectedLines(input: Rec[]): string[] {
  const perKey = new Map<string, number>();
  const lines = input.map((r) => `r ${r.id}`);
  for (const r of input) perKey.set(r.key, (perKey.get(r.key) ?? 0) + 1);
  for (const [key, n] of perKey) for (let c = 1; c <= n; c++) lines.push(`c ${key} ${c}`);
  return lines;
}

const config = (dir: string, parallelism: number) => ({
  parallelism,
  slotMode: 'single-thread' as const,
  batchSize: 8,
  'execution.checkpointing.interval': '1h',
  'state.checkpoints.dir': dir,
});

async function rescale(name: string, c: SourceCase, from: number, to: number): Promise<void> {
  const dir = join(work, `${name}-${from}-${to}`);
  const out = join(dir, 'out');
  const input = c.input();
  const env = StreamEnvironment.create(config(join(dir, 'cp'), from));
  // 4 ms a poll: slow enough that the savepoint completes before the end of input even on a loaded machine.
  job(env, throttled(c.make(), 4), c.rec, out, true);
  const client = env.executeAsync(`v1`);
  const seen = () => client.metrics().find((m) => m.name === 'counter')?.recordsIn ?? 0;
  while (seen() < input.length / 4) await new Promise((r) => setTimeout(r, 2));
  const path = await client.triggerSavepoint();
  await client.cancel();
  // The savepoint was taken mid-stream.
  expect(seen()).toBeLessThan(input.length);

  const env2 = StreamEnvironment.create({ ...config(join(dir, 'cp'), to), restore: { path } });
  job(env2, c.make(), c.rec, out, false);
  await env2.execute('v2');
  const diff = multisetDiff(expectedLines(input), committedLines(out));
  expect(diff).toEqual({ lost: [], duplicated: [] });
  // What the stopped run wrote after the savepoint was aborted, by whichever subtask inherited it.
  expect(readdirSync(out).filter((n) => n.startsWith('.'))).toEqual([]);
}

describe.each(Object.keys(cases))('a savepoint restored at another parallelism: %s source', (name) => {
  for (const [from, to] of [
    [2, 1],
    [2, 3],
    [3, 2],
    [1, 4],
  ] as const) {
    it(`p=${from} -> p=${to}: the committed output holds every record once`, () => rescale(name, cases[name]!, from, to), 30_000);
  }
});
