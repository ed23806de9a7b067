import { StreamEnvironment, print, type ChangelogRow, type RowKindShort } from '../../../src/index.js';

/** A changelog of 3,000 rows whose kinds and values are a function of the row index. */
function changelogRows(): ChangelogRow<{ id: number; n: number }>[] {
  const kinds: RowKindShort[] = ['+I', '-U', '+U', '-D'];
  return Array.from({ length: 3_000 }, (_, i) => [kinds[(i * 7) % 4]!, { id: i % 37, n: i }] as const);
}

const env = StreamEnvironment.create({ batchSize: 64 });
env
  .fromChangelog(changelogRows())
  .setParallelism(1)
  .filter((r) => r.n % 5 !== 0)
  .setParallelism(1)
  .keyBy((r) => r.id)
  .map((r) => `${r.id}:${r.n}`)
  .sinkTo(print());
await env.execute('changelog-across-slots');
