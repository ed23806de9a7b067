import type { PlanningPass } from './planning-pass.js';

/**
 * Groups operators into chains (`StreamGraph.chains`): forward edges between operators of equal
 * parallelism, one consumer upstream, one input downstream. Last, since it reads the parallelism
 * and the edges the other passes settle; each node keeps the index of its chain.
 */
export const chainingPass: PlanningPass = {
  name: 'chaining',
  run(graph) {
    graph.chains((n) => n.parallelism ?? 1).forEach((chain, i) => chain.forEach((id) => (graph.node(id).chain = i)));
    return graph;
  },
};
