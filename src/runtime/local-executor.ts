import type { ExecutionConfig, JobClient, JobExecutor } from '../graph/job-executor.js';
import type { StreamGraph } from '../graph/stream-graph.js';
import { JobRunner } from './job-runner.js';
import { slotContext } from './parallel/slot-context.js';
import { SlotRunner } from './parallel/slot-runner.js';
import { planGraph } from '../graph/planning/plan-graph.js';
import { operatorKind } from '../graph/operator-registry.js';
import { registerBuiltinOperatorKinds } from './operators/builtin-operator-kinds.js';
import { applyV8HeapTuning } from './v8-heap-tuning.js';

/**
 * Runs jobs in this process (the embedded default): in this thread, or with parallel subtasks in
 * worker threads. Inside a slot worker it runs that slot's share of the job.
 */
export class LocalExecutor implements JobExecutor {
  submit(graph: StreamGraph, jobName: string, config: ExecutionConfig): JobClient {
    registerBuiltinOperatorKinds();
    applyV8HeapTuning(config);
    // Planning is deterministic: slot workers, which rebuild the job, plan the graph the main thread runs.
    const plan = planGraph(graph, config);
    for (const n of plan.nodes) operatorKind(n.kind, n.name);
    const slot = slotContext();
    if (slot) return new SlotRunner(plan, jobName, config, slot);
    return new JobRunner(plan, jobName, config);
  }
}
