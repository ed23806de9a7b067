import type { ExecutionConfig, JobClient, JobExecutor } from '../graph/job-executor.js';
import type { StreamGraph } from '../graph/stream-graph.js';
import { JobRunner } from './job-runner.js';
import { slotContext } from './parallel/slot-context.js';
import { SlotRunner } from './parallel/slot-runner.js';
import { planTwoPhaseAggregation } from './window/two-phase-aggregation.js';

/**
 * Runs jobs in this process (the embedded default): in this thread, or with parallel subtasks in
 * worker threads. Inside a slot worker it runs that slot's share of the job.
 */
export class LocalExecutor implements JobExecutor {
  submit(graph: StreamGraph, jobName: string, config: ExecutionConfig): JobClient {
    const plan = this.plan(graph, config);
    const slot = slotContext();
    if (slot) return new SlotRunner(plan, jobName, config, slot);
    return new JobRunner(plan, jobName, config);
  }

  /** Every thread plans the same way, so slot workers rebuild the graph the main thread runs. */
  plan(graph: StreamGraph, config: ExecutionConfig): StreamGraph {
    return planTwoPhaseAggregation(graph, config);
  }
}
