import type { JobClient, JobResult, JobStatus, OperatorMetricsSnapshot } from '../graph/job-executor.js';

/** What a {@link JobListener} learns about a job besides its client. */
export interface SubmittedJob {
  readonly jobName: string;
  /** The job graph as `env.explain()` prints it. */
  readonly plan: string;
  /** True in plan mode: the job was described but not run. */
  readonly planOnly: boolean;
}

/** Called with the client of every job started in this process, before it runs its first record. */
export type JobListener = (client: JobClient, job: SubmittedJob) => void;

/**
 * What a launcher (the `weir` CLI, a test) tells every `StreamEnvironment` in this process. Kept on
 * `globalThis` under a registered symbol rather than in a module variable, because the launcher and
 * the job may load two copies of Weir (the CLI from `dist/`, a job from `src/`) and must still meet.
 */
export interface JobHooks {
  /** Config applied under what the job sets itself (e.g. the CLI's `-p`). */
  defaults: Record<string, unknown>;
  /** Describe jobs instead of running them. */
  planOnly: boolean;
  /** The job module the launcher imported (slot workers import it again to rebuild the graph). */
  jobModule?: string;
  readonly listeners: Set<JobListener>;
  /**
   * Set by a launcher that prints jobs' events (restores, restarts) itself, e.g. the CLI between its
   * progress-line updates; otherwise every environment prints them to stderr with `console.warn`.
   */
  printsJobEvents?: boolean;
}

const KEY = Symbol.for('weir.hooks');

/**
 * The process-wide hooks, created on first use.
 *
 * @example
 * jobHooks().defaults.parallelism = 2;
 * jobHooks().listeners.add((client) => client.result.then((r) => console.log(r.durationMs)));
 */
export function jobHooks(): JobHooks {
  const g = globalThis as { [KEY]?: JobHooks };
  return (g[KEY] ??= { defaults: {}, planOnly: false, listeners: new Set() });
}

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
