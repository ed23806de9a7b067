/**
 * The Nexmark queries as one job for `weir run`, each query's rows written as JSON lines to its own
 * file sink under WEIR_NEXMARK_OUT (`<out>/<query>`). Run with `-p 2`, the job runs in worker-thread
 * slots, so the rows cross slots through the exchange, unlike a job with a collecting sink, which
 * runs in one thread. WEIR_NEXMARK_OPTIONS holds the generator options (JSON) and
 * WEIR_NEXMARK_QUERIES the query names (comma-separated).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread, threadId } from 'node:worker_threads';
import { StreamEnvironment, WatermarkStrategy } from '../../src/index.js';
import { nexmark, type NexmarkOptions } from '../../src/connectors/nexmark/index.js';
import { fileSink } from '../../src/connectors/filesystem/index.js';
import { QUERIES } from '../../bench/query-registry.js';

const out = process.env.WEIR_NEXMARK_OUT;
if (!out) throw new Error('WEIR_NEXMARK_OUT is not set');
const options = JSON.parse(process.env.WEIR_NEXMARK_OPTIONS ?? '{}') as NexmarkOptions;
const names = (process.env.WEIR_NEXMARK_QUERIES ?? Object.keys(QUERIES).join(',')).split(',');

// Each slot worker imports this module to rebuild the job: a marker shows the test it did.
if (!isMainThread) writeFileSync(join(out, `worker-${threadId}`), '');

const env = StreamEnvironment.create();
// The benchmark's source: event time from the events, 4 s out of orderness (bench/weir-job.ts).
const events = env.fromSource(nexmark(options), WatermarkStrategy.boundedOutOfOrderness('4s')).uid('events');
for (const name of names) {
  const q = QUERIES[name];
  if (!q) throw new Error(`unknown query ${name}`);
  q.weir(events)
    .map((row: unknown) => JSON.stringify(row))
    .sinkTo(fileSink<string>({ path: join(out, name), format: 'text' }))
    .uid(`${name}-sink`);
}
await env.execute('nexmark-queries');
