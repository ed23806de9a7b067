import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamEnvironment, blackhole, datagen, type JobClient } from '../../src/index.js';

/** A job that keeps running for a while: a throttled datagen source, a keyed count, a sink that drops. */
export interface RunningJob {
  readonly client: JobClient;
  /** The REST server's address, e.g. http://127.0.0.1:40123. */
  readonly url: string;
  readonly jobId: string;
  readonly checkpointDir: string;
}

/**
 * Starts the job with `config` (REST options, secrets) and waits until its REST server listens.
 * At 2,000 rows per second, 1,000,000 rows run far longer than any test.
 */
export async function startRunningJob(config: Record<string, unknown> = {}): Promise<RunningJob> {
  const checkpointDir = mkdtempSync(join(tmpdir(), 'weir-rest-'));
  const env = StreamEnvironment.create({ 'rest.port': 0, checkpoints: { interval: '1h', dir: checkpointDir }, ...config });
  env
    .fromSource(datagen({ numberOfRows: 1_000_000, rowsPerSecond: 2_000, seed: 7, generator: (i, r) => ({ id: i, user: r.pick(['ann', 'bob', 'cy']) }) }))
    .name('Orders')
    .keyBy((o) => o.user)
    .map((o) => o.id)
    .name('Ids')
    .sinkTo(blackhole<number>())
    .name('Drop');
  const client = env.executeAsync('rest-test');
  // The job's failure, if any, is the test's: keep it from being unhandled while a test looks elsewhere.
  client.result.catch(() => undefined);
  const url = await new Promise<string>((resolve) => client.onEvent?.((e) => e.kind === 'serving' && e.service === 'rest' && resolve(e.url)));
  const token = config['rest.auth.token'];
  const jobs = (await (await fetch(`${url}/jobs/overview`, token ? { headers: { authorization: `Bearer ${String(token)}` } } : {})).json()) as {
    jobs: { jid: string; name: string; state: string }[];
  };
  // Served before it runs: the tests start from a job whose records flow.
  await eventually(async () => (client.status() === 'RUNNING' && (client.metrics()[0]?.recordsOut ?? 0) > 0 ? true : undefined));
  return { client, url, jobId: jobs.jobs.filter((j) => j.name === 'rest-test').at(-1)!.jid, checkpointDir };
}

/** Polls `f` until it returns a value (not undefined), up to `tries` times 100 ms apart. */
export async function eventually<T>(f: () => Promise<T | undefined>, tries = 300): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not reached');
}
