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
const ms = result.durationMs;
process.stdout.write(JSON.stringify({ bench: 'keyBy-exchange', records: n, ms: Math.round(ms), recordsPerSec: Math.round((n / ms) * 1000) }) + '\n');
