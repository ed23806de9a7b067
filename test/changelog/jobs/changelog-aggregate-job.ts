import { StreamEnvironment, print } from '../../../src/index.js';
import { groupStats, tableChangelog } from './table-changelog.js';

const env = StreamEnvironment.create({ batchSize: 64 });
env
  .fromChangelog(tableChangelog().log)
  .setParallelism(1)
  .keyBy((r) => r.g)
  .aggregate(groupStats)
  .sinkTo(print());
await env.execute('changelog-aggregate-across-slots');
