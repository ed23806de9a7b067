import type { ExecutionConfig } from '../job-executor.js';
import type { StreamGraph } from '../stream-graph.js';

/**
 * One step of planning: reads the graph and the job's config, returns the graph to hand on (the
 * same one when nothing applies). A pass may change the graph it is given: `planGraph` hands it a
 * private copy.
 */
export interface PlanningPass {
  readonly name: string;
  run(graph: StreamGraph, config: ExecutionConfig): StreamGraph;
}
