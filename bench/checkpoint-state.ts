/**
 * `npm run bench:checkpoints`: checkpoints of a job with 1M keys of ValueState<number>.
 * Reports, as one JSON line: the processing pause a checkpoint causes (the synchronous snapshot
 * part, p99 and max over the run's checkpoints), how long checkpoints take to complete, their size,
 * and how long a job takes to restore the newest one (job start to first record, measured as the
 * whole run of a one-record job restoring it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamEnvironment, blackhole, valueState, type ValueState } from '../src/index.js';

const keys = Number(process.env.WEIR_KEYS ?? 1_000_000);
const records = Number(process.env.WEIR_RECORDS ?? 4_000_000);
const dir = mkdtempSync(join(tmpdir(), 'weir-cp-bench-'));

function job(env: StreamEnvironment, n: number): void {
  env
    .fromSequence(1, n)
    .uid('numbers')
    .keyBy((v) => v % keys)
    .process<number>({
      open(ctx) {
        (this as unknown as { s: ValueState<number> }).s = ctx.state.getState(valueState<number>('count'));
      },
      processElement(_v, _ctx, out) {
        const s = (this as unknown as { s: ValueState<number> }).s;
        const c = (s.value() ?? 0) + 1;
        s.update(c);
        if (c === -1) out.collect(c);
      },
    })
    .uid('counts')
    .sinkTo(blackhole());
}

try {
  const env = StreamEnvironment.create({ checkpoints: { interval: '1s', dir, retained: 1 } });
  job(env, records);
  const client = env.executeAsync('state-1m');
  const result = await client.result;
  const done = client.checkpoints().filter((c) => c.status === 'COMPLETED');
  const pauses = done.map((c) => c.syncMs).sort((a, b) => a - b);
  const p99 = pauses[Math.min(pauses.length - 1, Math.ceil(pauses.length * 0.99) - 1)] ?? NaN;

  const t0 = performance.now();
  const env2 = StreamEnvironment.create({ checkpoints: { interval: '1h', dir }, restore: { latest: true } });
  job(env2, 1);
  await env2.execute('state-1m');
  const restoreMs = performance.now() - t0;

  process.stdout.write(
    JSON.stringify({
      bench: 'checkpoint-1m-keys',
      keys,
      records,
      eventsPerSec: Math.round((records / result.durationMs) * 1000),
      checkpoints: done.length,
      pauseP99Ms: Math.round(p99),
      pauseMaxMs: Math.round(pauses.at(-1) ?? NaN),
      completeMaxMs: Math.round(Math.max(...done.map((c) => c.durationMs))),
      sizeMb: +((done.at(-1)?.sizeBytes ?? 0) / 1e6).toFixed(1),
      restoreMs: Math.round(restoreMs),
    }) + '\n',
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
