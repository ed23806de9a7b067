import type { StreamEnvironment } from '../api/stream-environment.js';
import type { DataStream } from '../api/data-stream.js';
import { ManualClock, type Clock } from '../core/clock.js';
import type { JobResult } from '../graph/job-executor.js';
import { LocalExecutor } from '../runtime/local-executor.js';
import type { TimestampedValue } from './collecting-channel.js';

export interface RunJobOptions {
  /** Processing time of the job (default: a `ManualClock` at 0, so processing time stands still). */
  clock?: Clock;
  jobName?: string;
}

/** A finished test job: its result and the clock it ran on. */
export interface JobRun {
  readonly result: JobResult;
  readonly clock: Clock;
}

/**
 * Runs a bounded job to its end in this process on a manual clock, so processing-time timers and
 * TTL depend only on the test. Rejects with the job's failure. The environment keeps the test
 * executor afterwards.
 *
 * @example
 * const env = StreamEnvironment.create();
 * const out = collectOutput(env.fromElements(1, 2, 3).map((x) => x * 2));
 * await runJob(env);
 * expect(out.values).toEqual([2, 4, 6]);
 */
export async function runJob(env: StreamEnvironment, options: RunJobOptions = {}): Promise<JobRun> {
  const clock = options.clock ?? new ManualClock(0);
  const local = new LocalExecutor();
  env.setExecutor({ submit: (graph, name, config) => local.submit(graph, name, { ...config, clock }) });
  const result = await env.execute(options.jobName ?? 'test-job');
  return { result, clock };
}

/** What {@link collectOutput} gathers; filled in as the job runs. */
export interface CollectedOutput<T> {
  readonly values: T[];
  /** Values with their event timestamps. */
  records(): TimestampedValue<T>[];
  /** Watermarks that reached the end of the stream, in order. */
  readonly watermarks: number[];
}

/**
 * Ends `stream` in a sink that keeps every record, to check after {@link runJob}.
 *
 * @example
 * const late = collectOutput(result.getSideOutput(lateTag));
 */
export function collectOutput<T>(stream: DataStream<T>): CollectedOutput<T> {
  const values: T[] = [];
  const timestamps: number[] = [];
  const watermarks: number[] = [];
  stream.sinkTo({
    name: 'Collect Output',
    createWriter: () => ({
      write(batch) {
        for (let i = 0; i < batch.values.length; i++) {
          values.push(batch.values[i]!);
          timestamps.push(batch.timestamps[i]!);
        }
      },
      onWatermark: (w) => void watermarks.push(w),
    }),
  });
  return { values, watermarks, records: () => values.map((value, i) => ({ value, timestamp: timestamps[i]! })) };
}
