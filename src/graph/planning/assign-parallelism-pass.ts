import { ConfigError } from '../../core/errors.js';
import { effectiveParallelism } from '../stream-graph.js';
import type { PlanningPass } from './planning-pass.js';

/** Resolves every node's parallelism (its own or the job's default, capped by a source's maximum) and checks it. */
export const assignParallelismPass: PlanningPass = {
  name: 'assign-parallelism',
  run(graph, config) {
    for (const n of graph.nodes) {
      const p = effectiveParallelism(n, config.parallelism);
      if (!Number.isInteger(p) || p < 1) throw new ConfigError(`Operator '${n.name}' has invalid parallelism ${p}`);
      n.parallelism = p;
    }
    return graph;
  },
};
