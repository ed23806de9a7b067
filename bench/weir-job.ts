import { StreamEnvironment, WatermarkStrategy, type Sink } from '../src/index.js';
import { nexmark, type NexmarkOptions } from '../src/connectors/nexmark/index.js';
import type { BenchQuery } from './query-registry.js';

/** A sink that only counts what reaches it (the benchmark's blackhole). */
export function countingSink(): Sink<unknown> & { readonly count: number } {
  let count = 0;
  return {
    name: 'Count',
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

/**
 * Runs `query` as a Weir job over the Nexmark source and returns the number of records its sink
 * received. Event time comes from the source (the events' `dateTime`), with the benchmark's
 * bounded out-of-orderness of 4 s, so the windowed queries see the same time as the others.
 */
export async function runWeirQuery(query: BenchQuery, options: NexmarkOptions, parallelism: number, sink: Sink<unknown> = countingSink()): Promise<void> {
  const env = StreamEnvironment.create({ parallelism });
  const events = env.fromSource(nexmark(options), WatermarkStrategy.boundedOutOfOrderness('4s'));
  query.weir(events).sinkTo(sink);
  await env.execute(`nexmark-${query.name}`);
}
