import { Batch } from '../../core/batch.js';
import { rowKindOf, type RowKindShort } from '../../core/row-kind.js';
import type { Source, SourceSplit } from '../../core/source.js';
import { arraySource } from './array-source.js';

/** One row of an in-memory changelog: its kind as Flink prints it, and the row. */
export type ChangelogRow<T> = readonly [RowKindShort, T];

/**
 * A bounded changelog from memory: each row is emitted with its row kind, so the stream carries
 * updates and deletions as a CDC source's would. Positions, splits and rescaling are those of
 * {@link arraySource}.
 *
 * @example
 * env.fromSource(changelogSource([['+I', { id: 1, n: 5 }], ['-U', { id: 1, n: 5 }], ['+U', { id: 1, n: 6 }]]))
 */
export function changelogSource<T>(rows: readonly ChangelogRow<T>[], name = 'Changelog Source'): Source<T, SourceSplit> {
  const kinds = Uint8Array.from(rows, ([k]) => rowKindOf(k));
  const indices = arraySource(
    Array.from(rows, (_, i) => i),
    name,
  );
  return {
    name,
    bounded: true,
    replayable: true,
    changelogMode: 'changelog',
    splits: (parallelism) => indices.splits(parallelism),
    createReader(splits, ctx, restored) {
      const reader = indices.createReader(splits as Parameters<typeof indices.createReader>[0], ctx, restored);
      const toRows = (b: Batch<number>): Batch<T> => {
        const at = b.values;
        const values = new Array<T>(at.length);
        const k = new Uint8Array(at.length);
        for (let i = 0; i < at.length; i++) {
          values[i] = rows[at[i]!]![1];
          k[i] = kinds[at[i]!]!;
        }
        return new Batch(values, b.timestamps, undefined, k);
      };
      return {
        poll() {
          const r = reader.poll();
          if (r instanceof Promise) return r.then((x) => (x instanceof Batch ? toRows(x) : x));
          return r instanceof Batch ? toRows(r) : r;
        },
        ...(reader.snapshotState ? { snapshotState: () => reader.snapshotState!() } : {}),
        ...(reader.close ? { close: () => reader.close!() } : {}),
      };
    },
  };
}
