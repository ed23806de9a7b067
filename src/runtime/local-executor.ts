import type { ExecutionConfig, JobClient, JobExecutor } from '../graph/job-executor.js';
import type { StreamGraph } from '../graph/stream-graph.js';
import { JobRunner } from './job-runner.js';
import { slotContext } from './parallel/slot-context.js';
import { SlotRunner } from './parallel/slot-runner.js';

/**
 * Runs jobs in this process (the embedded default): in this thread, or with parallel subtasks in
 * worker threads. Inside a slot worker it runs that slot's share of the job.
 */
export class LocalExecutor implements JobExecutor {
  submit(graph: StreamGraph, jobName: string, config: ExecutionConfig): JobClient {
    const slot = slotContext();
    if (slot) return new SlotRunner(graph, jobName, config, slot);
    return new JobRunner(graph, jobName, config);
  }
}
