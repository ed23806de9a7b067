import { isMainThread } from 'node:worker_threads';
import { StreamEnvironment, WatermarkStrategy, type JobResult, type Sink } from '../src/index.js';
import { nexmark, type NexmarkOptions } from '../src/connectors/nexmark/index.js';
import { QUERIES, type BenchQuery } from './query-registry.js';

/** Name of the counting sink, which the job metrics report its input under. */
export const COUNT_SINK = 'Count';

/** A sink that only counts what reaches it (the benchmark's blackhole). */
export function countingSink(): Sink<unknown> & { readonly count: number } {
  let count = 0;
  return {
    name: COUNT_SINK,
    get count() {
      return count;
    },
    createWriter: () => ({
      write(batch) {
        count += batch.values.length;
      },
    }),
  };
}

/** What a slot worker needs to rebuild the job: it reaches workers through their environment. */
interface JobSpec {
  readonly query: string;
  readonly options: NexmarkOptions;
  readonly parallelism: number;
}
const SPEC_VAR = 'WEIR_BENCH_JOB';

/** Set by `bench/run.ts --checkpoint-interval`: the job then checkpoints into a temporary directory. */
export const CHECKPOINT_INTERVAL_VAR = 'WEIR_BENCH_CHECKPOINT_INTERVAL';
export const CHECKPOINT_DIR_VAR = 'WEIR_BENCH_CHECKPOINT_DIR';
/** Set by `bench/run.ts --rest`: the job serves the REST API and /metrics, which are scraped once a second. */
export const REST_VAR = 'WEIR_BENCH_REST';
/** Set by `bench/run.ts --agg-phase-strategy`: the jobs' `table.optimizer.agg-phase-strategy`. */
export const AGG_PHASE_VAR = 'WEIR_BENCH_AGG_PHASE_STRATEGY';
/** `true`: keep V8's allocation-site pretenuring (`weir.v8.allocation-site-pretenuring`), to compare. */
export const PRETENURING_VAR = 'WEIR_BENCH_PRETENURING';
/** Set by `bench/state-backends.ts`: the jobs' `state.backend.type`. */
export const STATE_BACKEND_VAR = 'WEIR_BENCH_STATE_BACKEND';

function build(spec: JobSpec, sink: Sink<unknown>, threads: boolean): StreamEnvironment {
  const interval = process.env[CHECKPOINT_INTERVAL_VAR];
  const phases = process.env[AGG_PHASE_VAR];
  const backend = process.env[STATE_BACKEND_VAR];
  const env = StreamEnvironment.create({
    ...(backend ? { 'state.backend.type': backend } : {}),
    ...(process.env[PRETENURING_VAR] === 'true' ? { 'weir.v8.allocation-site-pretenuring': true } : {}),
    ...(interval ? { checkpoints: { interval, dir: process.env[CHECKPOINT_DIR_VAR] ?? './.weir/bench-checkpoints' } } : {}),
    parallelism: spec.parallelism,
    ...(phases ? { 'table.optimizer.agg-phase-strategy': phases as 'AUTO' | 'ONE_PHASE' | 'TWO_PHASE' } : {}),
    slotMode: threads ? 'threads' : 'single-thread',
    ...(process.env[REST_VAR] ? { 'rest.port': 0, 'metrics.reporter.prom.port': 0 } : {}),
    ...(threads ? { jobModule: import.meta.url } : {}),
  });
  const events = env.fromSource(nexmark(spec.options), WatermarkStrategy.boundedOutOfOrderness('4s'));
  QUERIES[spec.query]!.weir(events).sinkTo(sink);
  return env;
}

/**
 * Runs `query` as a Weir job over the Nexmark source. Event time comes from the source (the
 * events' `dateTime`), with the benchmark's bounded out-of-orderness of 4 s. Parallel jobs run in
 * worker threads (slots), each of which imports this module and rebuilds the same job, unless a
 * sink is given: then everything runs in this thread, so the caller's sink sees every record.
 */
export async function runWeirQuery(query: BenchQuery, options: NexmarkOptions, parallelism: number, sink?: Sink<unknown>): Promise<JobResult> {
  const spec: JobSpec = { query: query.name, options, parallelism };
  const threads = sink === undefined && parallelism > 1;
  process.env[SPEC_VAR] = JSON.stringify(spec);
  const client = build(spec, sink ?? countingSink(), threads).executeAsync(`nexmark-${query.name}`);
  // As a Prometheus server would, but every second rather than every 15: the REST side's cost shows.
  client.onEvent?.((e) => {
    if (e.kind !== 'serving' || e.service !== 'prometheus') return;
    const scrape = setInterval(
      () =>
        void fetch(`${e.url}/metrics`)
          .then((r) => r.text())
          .catch(() => undefined),
      1000,
    ).unref();
    void client.result.finally(() => clearInterval(scrape)).catch(() => undefined);
  });
  return client.result;
}

/** Records that reached the counting sink, from the job metrics (summed over slots). */
export function sinkCount(result: JobResult): number {
  return result.metrics.filter((m) => m.name === COUNT_SINK).reduce((n, m) => n + m.recordsIn, 0);
}

// In a slot worker, this module is the job: rebuild the graph the main thread is running.
if (!isMainThread && process.env[SPEC_VAR]) {
  const spec = JSON.parse(process.env[SPEC_VAR]) as JobSpec;
  await build(spec, countingSink(), true).execute(`nexmark-${spec.query}`);
}
