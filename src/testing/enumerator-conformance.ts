import { deepStrictEqual, ok } from 'node:assert/strict';
import type { Source } from '../core/source.js';
import { EnumeratorRun } from './enumerator-run.js';
import type { SourceConformanceOptions } from './source-conformance.js';
import { sortedKeys } from './test-api.js';

/**
 * The source suite for a source with a split enumerator (see `describeSourceConformance`): every
 * split goes to one reader once, readers together read every record once at any parallelism, and a
 * restore from a checkpoint taken mid-read (enumerator state, the splits readers held, their
 * positions) reads exactly what is left, at the same or another parallelism. A continuous source
 * passes too: a read ends when nothing happens any more, even after the clock moved on.
 */
export function describeEnumeratorConformance<T>(name: string, factory: () => Source<T>, options: SourceConformanceOptions<T>): void {
  const { describe, it } = options;
  const min = options.minRecords ?? 30;
  const readAll = async (p: number) => {
    const run = new EnumeratorRun(factory(), p);
    await run.run();
    await run.close();
    return run;
  };

  describe(`source conformance: ${name} (split enumerator)`, () => {
    it('hands each split to one reader once; readers together read every record once at any parallelism', async () => {
      const all = sortedKeys((await readAll(1)).out);
      ok(all.length >= min, `read ${all.length} records, the suite needs at least ${min}`);
      if (options.expected) deepStrictEqual(all, sortedKeys(await options.expected()));
      for (const p of [2, 3]) {
        const run = await readAll(p);
        const ids = run.assigned.flat().map((s) => s.id);
        deepStrictEqual([...new Set(ids)].sort(), ids.slice().sort(), `parallelism ${p}: a split was handed out twice`);
        deepStrictEqual(sortedKeys(run.out), all, `parallelism ${p}`);
      }
    });

    if (!factory().replayable) return;

    it('restored from a checkpoint taken mid-read, at the same or another parallelism, reads exactly what is left', async () => {
      const all = sortedKeys((await readAll(1)).out);
      for (const [from, to] of [
        [1, 1],
        [2, 2],
        [2, 3],
        [3, 1],
      ] as const) {
        for (const rounds of [1, 2, 4]) {
          const old = new EnumeratorRun(factory(), from);
          await old.run(rounds);
          const checkpoint = old.checkpoint(1);
          await old.close();
          const restored = new EnumeratorRun(factory(), to, checkpoint);
          await restored.run();
          await restored.close();
          deepStrictEqual(sortedKeys([...old.out, ...restored.out]), all, `parallelism ${from} -> ${to} after ${rounds} rounds`);
        }
      }
    });
  });
}
