import { jobHooks, type JobListener, type SubmittedJob } from '../api/job-hooks.js';
import type { JobClient, JobResult } from '../graph/job-executor.js';

/** A job the CLI saw start, with what it needs to report on it. */
export interface ObservedJob {
  readonly client: JobClient;
  readonly info: SubmittedJob;
  readonly startedAt: number;
  /** Positions of the source operators in `client.metrics()` (same order as the plan's nodes). */
  readonly sources: number[];
  /** Positions of the operators no other operator reads from: the sinks. */
  readonly sinks: number[];
  /** Each operator's chain (index into the plan's chains), by position; operators of a chain share a task. */
  readonly chains: (number | undefined)[];
  /** Set once the job settled. */
  outcome?: { ok: true; result: JobResult; endedAt: number } | { ok: false; error: unknown; endedAt: number };
}

interface PlanNode {
  id?: number;
  kind?: string;
  chain?: number;
  inputs?: { from: number }[][];
}

function planNodes(plan: string): PlanNode[] {
  try {
    return (JSON.parse(plan) as { nodes?: PlanNode[] }).nodes ?? [];
  } catch {
    return [];
  }
}

function sourcePositions(nodes: PlanNode[]): number[] {
  return nodes.flatMap((n, i) => (n.kind === 'source' ? [i] : []));
}

function sinkPositions(nodes: PlanNode[]): number[] {
  const read = new Set(nodes.flatMap((n) => (n.inputs ?? []).flat().map((e) => e.from)));
  return nodes.flatMap((n, i) => (n.id !== undefined && !read.has(n.id) ? [i] : []));
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
    const nodes = planNodes(info.plan);
    const job: ObservedJob = {
      client,
      info,
      startedAt: performance.now(),
      sources: sourcePositions(nodes),
      sinks: sinkPositions(nodes),
      chains: nodes.map((n) => n.chain),
    };
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
