import type { ExecutionConfig } from '../job-executor.js';
import { operatorSpec, paramsOf } from '../operator-spec.js';
import type { Partitioner } from '../partitioner.js';
import { StreamGraph, type StreamEdge, type StreamNode } from '../stream-graph.js';
import type { PlanningPass } from './planning-pass.js';
import { canSplitAggregate } from './window-operator-choice-pass.js';

type HashPartitioner = Extract<Partitioner, { type: 'hash' }>;

const parallelism = (n: StreamNode): number => n.parallelism ?? 1;

/** The keyBy edge of a window aggregate that can run in two phases under `config`, if it is one. */
function splittableInput(graph: StreamGraph, n: StreamNode, config: ExecutionConfig): StreamEdge | undefined {
  const strategy = config.aggPhaseStrategy ?? 'AUTO';
  const p = paramsOf(n, 'window');
  if (strategy === 'ONE_PHASE' || !p || p.preAggregated) return undefined;
  const edges = n.inputs.flat();
  const e = edges.length === 1 ? edges[0]! : undefined;
  if (!e || e.partitioner.type !== 'hash' || e.partitioner.keysFromBatch || !canSplitAggregate(p.window)) return undefined;
  // Without parallelism on either side, records never leave their subtask: the local phase would
  // only add work. A windowAll (parallelism 1) behind a parallel stream gains the most from it.
  if (strategy === 'AUTO' && parallelism(n) === 1 && parallelism(graph.node(e.from)) === 1) return undefined;
  return e;
}

/**
 * Splits window aggregates behind a keyBy into two phases (Flink's local-global aggregation): a
 * `localWindowAggregate` chained to the upstream operator folds records into partial aggregates per
 * key and slice, and the window operator merges those. Only partial aggregates cross the exchange,
 * so a hot key costs one record per slice and upstream subtask instead of one per event. Returns
 * the graph unchanged when nothing applies. Runs after uids and parallelism are assigned: every
 * node keeps the uid its state is checkpointed under, so a job restores across parallelisms
 * whether or not its plan was split; the local phase has no state.
 */
export const twoPhaseAggregationPass: PlanningPass = {
  name: 'two-phase-aggregation',
  run(graph, config) {
    const splits = new Map<number, StreamEdge>();
    for (const n of graph.nodes) {
      const e = splittableInput(graph, n, config);
      if (e) splits.set(n.id, e);
    }
    if (splits.size === 0) return graph;
    const out = new StreamGraph();
    const newId = new Map<number, number>();
    const remap = (e: StreamEdge): StreamEdge => ({ ...e, from: newId.get(e.from)! });
    for (const n of graph.nodes) {
      let inputs = n.inputs.map((inp) => inp.map(remap));
      let params = n.params;
      const split = splits.get(n.id);
      const p = paramsOf(n, 'window');
      if (split && p) {
        const hash = split.partitioner as HashPartitioner;
        const upstream = graph.node(split.from);
        const local = out.addNode(
          operatorSpec('localWindowAggregate', { window: p.window, key: hash.key }),
          `LocalWindowAggregate(${p.window.assigner.toString()})`,
          [[{ from: newId.get(split.from)!, partitioner: { type: 'forward' }, ...(split.sideOutput !== undefined ? { sideOutput: split.sideOutput } : {}) }]],
        );
        local.uid = `${n.uid}-local`;
        local.parallelism = parallelism(upstream);
        local.maxParallelism = upstream.maxParallelism;
        inputs = [[{ from: local.id, partitioner: { type: 'hash', key: hash.key, keysFromBatch: true } }]];
        params = { ...p, preAggregated: true };
      }
      const m = out.addNode({ kind: n.kind, params }, n.name, inputs, n.keyed);
      m.uid = n.uid;
      m.parallelism = n.parallelism;
      m.maxParallelism = n.maxParallelism;
      if (n.schema) m.schema = n.schema;
      newId.set(n.id, m.id);
    }
    return out;
  },
};
