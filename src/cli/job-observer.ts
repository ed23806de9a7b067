import { jobHooks, type JobListener, type SubmittedJob } from '../api/job-hooks.js';
import type { JobClient, JobResult } from '../graph/job-executor.js';

/** A job the CLI saw start, with what it needs to report on it. */
export interface ObservedJob {
  readonly client: JobClient;
  readonly info: SubmittedJob;
  readonly startedAt: number;
  /** Positions of the source operators in `client.metrics()` (same order as the plan's nodes). */
  readonly sources: number[];
  /** Set once the job settled. */
  outcome?: { ok: true; result: JobResult; endedAt: number } | { ok: false; error: unknown; endedAt: number };
}

function sourcePositions(plan: string): number[] {
  try {
    const nodes = (JSON.parse(plan) as { nodes?: { kind?: string }[] }).nodes ?? [];
    return nodes.flatMap((n, i) => (n.kind === 'source' ? [i] : []));
  } catch {
    return [];
  }
}

/**
 * Collects every job the imported job module starts (through the process-wide hooks), so the CLI
 * can show progress and wait for jobs the module did not await itself.
 *
 * @example
 * const observer = new JobObserver().attach();
 * await import(jobUrl);
 * await observer.settled();
 */
export class JobObserver {
  readonly jobs: ObservedJob[] = [];
  private readonly listener: JobListener = (client, info) => {
    const job: ObservedJob = { client, info, startedAt: performance.now(), sources: sourcePositions(info.plan) };
    this.jobs.push(job);
    client.result.then(
      (result) => (job.outcome = { ok: true, result, endedAt: performance.now() }),
      (error) => (job.outcome = { ok: false, error, endedAt: performance.now() }),
    );
    this.onJob?.(job);
  };

  constructor(private readonly onJob?: (job: ObservedJob) => void) {}

  attach(): this {
    jobHooks().listeners.add(this.listener);
    return this;
  }

  detach(): void {
    jobHooks().listeners.delete(this.listener);
  }

  running(): ObservedJob[] {
    return this.jobs.filter((j) => !j.outcome);
  }

  /** Waits until every job seen so far has finished, failed or been cancelled. */
  async settled(): Promise<void> {
    while (this.running().length > 0) await Promise.allSettled(this.running().map((j) => j.client.result));
    // The outcome handlers above run one microtask after the result settles.
    await new Promise<void>((r) => setImmediate(r));
  }

  cancelAll(): Promise<void[]> {
    return Promise.all(this.running().map((j) => j.client.cancel()));
  }
}
