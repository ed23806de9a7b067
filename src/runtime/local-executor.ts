import type { ExecutionConfig, JobClient, JobExecutor } from '../graph/job-executor.js';
import type { StreamGraph } from '../graph/stream-graph.js';
import { JobRunner } from './job-runner.js';

/** Runs jobs in this process (the embedded default). */
export class LocalExecutor implements JobExecutor {
  submit(graph: StreamGraph, jobName: string, config: ExecutionConfig): JobClient {
    return new JobRunner(graph, jobName, config);
  }
}
