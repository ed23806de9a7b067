import type { PlanningPass } from './planning-pass.js';

/**
 * Groups operators into chains (`StreamGraph.chains`): forward edges between operators of equal
 * parallelism, one consumer upstream, one input downstream, neither opting out (`disableChaining`,
 * `startNewChain`) and chaining on (`pipeline.operator-chaining`). The runtime runs exactly these chains. Last, since it reads the parallelism
 * and the edges the other passes settle; each node keeps the index of its chain.
 */
export const chainingPass: PlanningPass = {
  name: 'chaining',
  run(graph, config) {
    graph.chains((n) => n.parallelism ?? 1, config.operatorChaining !== false).forEach((chain, i) => chain.forEach((id) => (graph.node(id).chain = i)));
    return graph;
  },
};
