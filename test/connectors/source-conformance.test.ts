import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Batch, arraySource, datagen, fileSource, sequence, type Source, type SourceReader } from '../../src/index.js';
import { nexmark } from '../../src/connectors/nexmark/index.js';
import { readerContext } from './reader-context.js';

/**
 * The contract every bounded, replayable source keeps, run over each of them: parallel readers
 * together read what one reader reads, and a reader restored from any snapshot (after a JSON round
 * trip, as a checkpoint stores it) reads exactly what the original would have read next.
 */
const dir = mkdtempSync(join(tmpdir(), 'weir-source-conformance-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
for (const sub of ['text', 'json', 'csv']) mkdirSync(join(dir, sub));
for (let f = 0; f < 5; f++) {
  writeFileSync(join(dir, 'text', `t${f}.txt`), Array.from({ length: 37 * (f + 1) }, (_, i) => `file ${f} line ${i} ü`).join('\n'));
  writeFileSync(join(dir, 'json', `j${f}.json`), Array.from({ length: 41 + f }, (_, i) => JSON.stringify({ f, i })).join('\n') + '\n');
  writeFileSync(join(dir, 'csv', `c${f}.csv`), 'f,i,s\n' + Array.from({ length: 29 + f }, (_, i) => `${f},${i},"a,${i}"`).join('\n') + '\n');
}

const sources: [string, () => Source<unknown>][] = [
  ['sequence', () => sequence(-50, 449)],
  ['datagen', () => datagen({ seed: 9, numberOfRows: 333, generator: (i, r) => ({ i, x: r.int(0, 99), s: r.string(4) }) })],
  ['arraySource', () => arraySource(Array.from({ length: 250 }, (_, i) => ({ i })))],
  ['nexmark', () => nexmark({ events: 400 }) as Source<unknown>],
  ['fileSource text', () => fileSource({ path: join(dir, 'text'), format: 'text' }) as Source<unknown>],
  ['fileSource json', () => fileSource({ path: join(dir, 'json'), format: 'json' })],
  ['fileSource csv', () => fileSource({ path: join(dir, 'csv'), format: 'csv', csv: { header: true, types: { f: 'number', i: 'number' } } })],
];

async function drain(reader: SourceReader<unknown>, polls = Infinity): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let k = 0; k < polls; k++) {
    const r = await reader.poll();
    if (r === 'end') break;
    if (r !== 'later') out.push(...(r as Batch<unknown>).values);
  }
  return out;
}

/** The readers of a job with `parallelism` subtasks, assigned splits as the runtime assigns them. */
function readers(source: Source<unknown>, parallelism: number, batchSize: number, restored?: unknown[]) {
  const splits = source.splits(parallelism);
  return Array.from({ length: parallelism }, (_, i) => {
    const { ctx } = readerContext({ batchSize, subtaskIndex: i, parallelism });
    return source.createReader(splits.filter((_, j) => j % parallelism === i), ctx, restored?.[i]);
  });
}

const key = (v: unknown) => JSON.stringify(v);

describe.each(sources)('source conformance: %s', (_name, make) => {
  it('is bounded and replayable', () => {
    const s = make();
    expect(s.bounded).toBe(true);
    expect(s.replayable).toBe(true);
  });

  it('parallel readers together read what one reader reads', async () => {
    const one = (await drain(readers(make(), 1, 16)[0]!)).map(key).sort();
    expect(one.length).toBeGreaterThan(30);
    for (const p of [2, 3, 7]) {
      const parts = await Promise.all(readers(make(), p, 16).map((r) => drain(r)));
      expect(parts.flat().map(key).sort()).toEqual(one);
    }
  });

  it('readers restored at another parallelism from the merged snapshots read exactly what is left', async () => {
    const one = (await drain(readers(make(), 1, 16)[0]!)).map(key).sort();
    for (const [from, to] of [[2, 1], [2, 3], [3, 2], [1, 4]] as const) {
      const old = readers(make(), from, 10);
      const head = (await Promise.all(old.map((r, i) => drain(r, i + 1)))).flat();
      // As the runtime restores them: positions per split id of all old readers, merged.
      const merged = Object.assign({}, ...old.map((r) => JSON.parse(JSON.stringify(r.snapshotState!()))));
      for (const r of old) await r.close?.();
      const rest = (await Promise.all(readers(make(), to, 10, Array(to).fill(merged)).map((r) => drain(r)))).flat();
      expect([...head, ...rest].map(key).sort(), `p=${from} -> p=${to}`).toEqual(one);
    }
  });

  it('a reader restored from a snapshot after any poll continues exactly where the original was', async () => {
    const reference = await drain(readers(make(), 2, 10)[1]!);
    for (const polls of [0, 1, 2, 5]) {
      const [a, b] = readers(make(), 2, 10);
      const head = await drain(b!, polls);
      const snapshot = JSON.parse(JSON.stringify([a!.snapshotState!(), b!.snapshotState!()]));
      await b!.close?.();
      await a!.close?.();
      const restored = readers(make(), 2, 10, snapshot)[1]!;
      expect([...head, ...(await drain(restored))]).toEqual(reference);
    }
  });
});
