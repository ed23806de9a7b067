import type { ExecutionConfig } from '../job-executor.js';
import type { StreamGraph } from '../stream-graph.js';
import { assignParallelismPass } from './assign-parallelism-pass.js';
import { assignUidsPass } from './assign-uids-pass.js';
import { chainingPass } from './chaining-pass.js';
import { changelogModePass } from './changelog-mode-pass.js';
import type { PlanningPass } from './planning-pass.js';
import { schemaPass } from './schema-pass.js';
import { twoPhaseAggregationPass } from './two-phase-aggregation-pass.js';
import { windowOperatorChoicePass } from './window-operator-choice-pass.js';

/**
 * Planning, in order: uids first (state names must not depend on later choices), then parallelism,
 * which the rewrites read, then the checks of what flows on each edge (changelogs, schemas) on the
 * rewritten graph, and chains last.
 */
export const PLANNING_PASSES: readonly PlanningPass[] = [
  assignUidsPass,
  assignParallelismPass,
  twoPhaseAggregationPass,
  windowOperatorChoicePass,
  changelogModePass,
  schemaPass,
  chainingPass,
];

/**
 * The graph as it runs: the planning passes applied to a copy of `graph`. `explain()`, `weir run
 * --plan` and every slot print or run what this returns; a planned graph is returned as it is.
 * Deterministic, so slot workers that rebuild the job plan the same graph as the main thread.
 *
 * @example
 * JSON.stringify(planGraph(env.graph, config).describe(), null, 2)
 */
export function planGraph(graph: StreamGraph, config: ExecutionConfig): StreamGraph {
  if (graph.planned) return graph;
  let g = graph.copy();
  for (const pass of PLANNING_PASSES) g = pass.run(g, config);
  g.planned = true;
  return g;
}
