/**
 * The exchange benchmark's job: small records through one keyBy exchange. At parallelism 2 half of
 * every batch crosses to the other slot's thread. WEIR_N records.
 */
import { StreamEnvironment, blackhole } from '../../src/index.js';

const n = Number(process.env.WEIR_N ?? 5_000_000);
const env = StreamEnvironment.create({ batchSize: 1024 });
env
  .fromSequence(1, n)
  .map((v) => ({ key: v % 1000, value: v }))
  .keyBy((r) => r.key)
  .filter((r) => r.value >= 0)
  .sinkTo(blackhole());
const result = await env.execute('exchange');
// Records per second once running: worker slots first start and load the job module.
const ms = result.durationMs - (result.startupMs ?? 0);
process.stdout.write(
  JSON.stringify({
    bench: 'keyBy-exchange',
    records: n,
    ms: Math.round(ms),
    startupMs: Math.round(result.startupMs ?? 0),
    recordsPerSec: Math.round((n / ms) * 1000),
  }) + '\n',
);
