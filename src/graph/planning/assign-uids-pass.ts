import type { PlanningPass } from './planning-pass.js';

/**
 * Names every operator's state: its `.uid(...)`, else `<kind>-<id>` from the graph as the API built
 * it. Runs first, before passes add nodes or change kinds, so a restore finds state under the same
 * uid whatever the later passes decide (two-phase or not, sliced or general window).
 */
export const assignUidsPass: PlanningPass = {
  name: 'assign-uids',
  run(graph) {
    for (const n of graph.nodes) n.uid ??= `${n.kind}-${n.id}`;
    return graph;
  },
};
