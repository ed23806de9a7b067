import { deepStrictEqual, ok, strictEqual } from 'node:assert/strict';
import type { Source, SourceReader } from '../core/source.js';
import { readerContext } from './reader-context.js';
import { drain } from './source-drain.js';
import { describeEnumeratorConformance } from './enumerator-conformance.js';
import { sortedKeys, type TestApi } from './test-api.js';

export interface SourceConformanceOptions<T> extends TestApi {
  /** The records one full read yields, in any order; without it the suite checks reads against each other. */
  readonly expected?: () => readonly T[] | Promise<readonly T[]>;
  /** Fewest records one full read must yield (default 30), so that the restores land mid-read. */
  readonly minRecords?: number;
}

/**
 * Registers the tests every bounded source keeps, as Flink's source test suites: one read yields
 * every record once; parallel readers together read what one reader reads; and, for a replayable
 * source, a reader restored from any snapshot (after a JSON round trip, as a checkpoint stores it)
 * reads exactly what the original would have read next, also when the snapshots of all old readers
 * are merged and restored at another parallelism (new reader `i` gets the splits `j % p === i`).
 * A source with a split enumerator runs the enumerator's contract instead (see `source.ts`). The
 * factory returns a new, bounded source reading the same input each call.
 *
 * @example
 * import { describe, it } from 'vitest';
 * import { describeSourceConformance } from 'weir/testing';
 * describeSourceConformance('sequence', () => sequence(1, 500), { describe, it, expected: () => Array.from({ length: 500 }, (_, i) => i + 1) });
 */
export function describeSourceConformance<T>(name: string, factory: () => Source<T>, options: SourceConformanceOptions<T>): void {
  if (factory().createEnumerator) return describeEnumeratorConformance(name, factory, options);
  const { describe, it } = options;
  const min = options.minRecords ?? 30;
  const readAll = async () => sortedKeys(await drain(readers(factory(), 1, 16)[0]!));

  describe(`source conformance: ${name}`, () => {
    it('is bounded', async () => {
      strictEqual(factory().bounded, true, 'the suite reads to the end: give it a bounded source');
    });

    it('one reader reads every record once', async () => {
      const all = await readAll();
      ok(all.length >= min, `read ${all.length} records, the suite needs at least ${min}`);
      if (options.expected) deepStrictEqual(all, sortedKeys(await options.expected()));
      deepStrictEqual(await readAll(), all, 'a second source reading the same input reads the same records');
    });

    it('parallel readers together read what one reader reads', async () => {
      const all = await readAll();
      for (const p of [2, 3, 7]) {
        const parts = await Promise.all(readers(factory(), p, 16).map((r) => drain(r)));
        deepStrictEqual(sortedKeys(parts.flat()), all, `parallelism ${p}`);
      }
    });

    if (!factory().replayable) return;

    it('a reader restored from a snapshot after any poll continues exactly where the original was', async () => {
      const reference = await drain(readers(factory(), 2, 10)[1]!);
      for (const polls of [0, 1, 2, 5]) {
        const [a, b] = readers(factory(), 2, 10);
        const head = await drain(b!, polls);
        const snapshot = roundTrip([a!.snapshotState?.(), b!.snapshotState?.()]);
        await b!.close?.();
        await a!.close?.();
        const restored = readers(factory(), 2, 10, snapshot)[1]!;
        deepStrictEqual([...head, ...(await drain(restored))], reference, `restored after ${polls} polls`);
      }
    });

    it('readers restored at another parallelism from the merged snapshots read exactly what is left', async () => {
      const all = await readAll();
      for (const [from, to] of [
        [2, 1],
        [2, 3],
        [3, 2],
        [1, 4],
      ] as const) {
        const old = readers(factory(), from, 10);
        const head = (await Promise.all(old.map((r, i) => drain(r, i + 1)))).flat();
        // As the runtime restores them: positions per split id of all old readers, merged.
        const merged = Object.assign({}, ...old.map((r) => roundTrip(r.snapshotState?.())));
        for (const r of old) await r.close?.();
        const rest = (await Promise.all(readers(factory(), to, 10, Array(to).fill(merged)).map((r) => drain(r)))).flat();
        deepStrictEqual(sortedKeys([...head, ...rest]), all, `parallelism ${from} -> ${to}`);
      }
    });
  });
}

/** The readers of a job with `parallelism` subtasks, given splits as the runtime gives them. */
function readers<T>(source: Source<T>, parallelism: number, batchSize: number, restored?: unknown[]): SourceReader<T>[] {
  const splits = source.splits(parallelism);
  return Array.from({ length: parallelism }, (_, i) => {
    const { ctx } = readerContext({ batchSize, subtaskIndex: i, parallelism });
    return source.createReader(
      splits.filter((_, j) => j % parallelism === i),
      ctx,
      restored?.[i],
    );
  });
}

/** What a checkpoint keeps of a value: its JSON. */
export function roundTrip<V>(value: V): V {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as V);
}
