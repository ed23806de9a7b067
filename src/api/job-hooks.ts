import type { JobClient, JobResult, JobStatus, OperatorMetricsSnapshot } from '../graph/job-executor.js';
import { jobHooks, type SubmittedJob } from '../graph/job-hooks.js';

export { jobHooks, type JobHooks, type JobListener, type SubmittedJob } from '../graph/job-hooks.js';

/** Flink keys that name the same setting as a camelCase key, so a job's own value wins over a default either way. */
const ALIASES: Record<string, string> = {
  parallelism: 'parallelism.default',
  maxParallelism: 'pipeline.max-parallelism',
  autoWatermarkInterval: 'pipeline.auto-watermark-interval',
};

/** The job's config with the hooks' defaults filled in where the job set nothing. */
export function withHookDefaults<C extends Record<string, unknown>>(config: C): C {
  const merged: Record<string, unknown> = { ...config };
  for (const [key, value] of Object.entries(jobHooks().defaults)) {
    const alias = ALIASES[key] ?? Object.keys(ALIASES).find((k) => ALIASES[k] === key);
    if (config[key] === undefined && (alias === undefined || config[alias] === undefined)) merged[key] = value;
  }
  return merged as C;
}

/** Tells every listener about a job. A listener that throws fails the launch, not silently. */
export function notifyJobListeners(client: JobClient, job: SubmittedJob): void {
  for (const l of jobHooks().listeners) l(client, job);
}

/**
 * The client of a job that plan mode described instead of running. Its result never settles: as
 * Flink's plan environment stops the program at `execute()`, the code after it does not run (it
 * would act on output the job never produced); the launcher ends the process once it has the plan.
 */
export class PlannedJobClient implements JobClient {
  readonly result: Promise<JobResult> = new Promise<JobResult>(() => undefined);
  constructor(readonly jobName: string) {}
  status(): JobStatus {
    return 'FINISHED';
  }
  metrics(): OperatorMetricsSnapshot[] {
    return [];
  }
  currentWatermark(): number {
    return -Infinity;
  }
  async cancel(): Promise<void> {}
  triggerSavepoint(): Promise<string> {
    return Promise.reject(new Error(`Job '${this.jobName}' was only planned, not run: there is nothing to snapshot`));
  }
  checkpoints(): never[] {
    return [];
  }
  restarts(): never[] {
    return [];
  }
  guarantee(): { guarantee: 'none'; reason: string } {
    return { guarantee: 'none', reason: 'the job was only planned' };
  }
}
