import type { JobClient } from './job-executor.js';

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
 * What a launcher (the `weir` CLI, a test, a slot worker) tells every `StreamEnvironment` in this
 * process. Kept on `globalThis` under a registered symbol rather than in a module variable, because
 * the launcher and the job may load two copies of Weir (the CLI from `dist/`, a job from `src/`) and
 * must still meet. Defined here, below both the API that reads the hooks and the runtime's slot
 * workers that replace them, so both sides write the one shape.
 */
export interface JobHooks {
  /** Config applied under what the job sets itself (e.g. the CLI's `-p`). */
  defaults: Record<string, unknown>;
  /** Describe jobs instead of running them. */
  planOnly: boolean;
  /** The job module the launcher imported (slot workers import it again to rebuild the graph). */
  jobModule?: string;
  readonly listeners: Set<JobListener>;
}

const KEY = Symbol.for('weir.hooks');

type HooksHolder = { [KEY]?: JobHooks };

/**
 * The process-wide hooks, created on first use.
 *
 * @example
 * jobHooks().defaults.parallelism = 2;
 * jobHooks().listeners.add((client) => client.result.then((r) => console.log(r.durationMs)));
 */
export function jobHooks(): JobHooks {
  return ((globalThis as HooksHolder)[KEY] ??= { defaults: {}, planOnly: false, listeners: new Set() });
}

/**
 * Replaces the process-wide hooks with fresh ones that carry only `defaults`: no listeners, not in
 * plan mode. A slot worker does this before each job it runs, so nothing of the previous job's
 * launcher survives into the next.
 *
 * @example
 * replaceJobHooks({ 'execution.checkpointing.interval': '10s' });
 */
export function replaceJobHooks(defaults: Record<string, unknown>): JobHooks {
  return ((globalThis as HooksHolder)[KEY] = { defaults: { ...defaults }, planOnly: false, listeners: new Set() });
}
