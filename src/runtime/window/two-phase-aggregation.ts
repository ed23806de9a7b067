import type { ExecutionConfig } from '../../graph/job-executor.js';
import type { Partitioner } from '../../graph/partitioner.js';
import { StreamGraph, type StreamEdge, type StreamNode } from '../../graph/stream-graph.js';
import { operatorUid, parallelismOf } from '../graph-layout.js';
import { canSplitAggregate } from './create-window-operator.js';

type HashPartitioner = Extract<Partitioner, { type: 'hash' }>;

/** The keyBy edge of a window aggregate that can run in two phases under `config`, if it is one. */
function splittableInput(graph: StreamGraph, n: StreamNode, config: ExecutionConfig): StreamEdge | undefined {
  const strategy = config.aggPhaseStrategy ?? 'AUTO';
  if (strategy === 'ONE_PHASE' || n.spec.kind !== 'window' || n.spec.preAggregated) return undefined;
  const edges = n.inputs.flat();
  const e = edges.length === 1 ? edges[0]! : undefined;
  if (!e || e.partitioner.type !== 'hash' || e.partitioner.keysFromBatch || !canSplitAggregate(n.spec.window)) return undefined;
  // Without parallelism on either side, records never leave their subtask: the local phase would
  // only add work. A windowAll (parallelism 1) behind a parallel stream gains the most from it.
  if (strategy === 'AUTO' && parallelismOf(n, config) === 1 && parallelismOf(graph.node(e.from), config) === 1) return undefined;
  return e;
}

/**
 * Splits window aggregates behind a keyBy into two phases (Flink's local-global aggregation): a
 * `localWindowAggregate` chained to the upstream operator folds records into partial aggregates per
 * key and slice, and the window operator merges those. Only partial aggregates cross the exchange,
 * so a hot key costs one record per slice and upstream subtask instead of one per event. Returns
 * the graph unchanged when nothing applies. Every node keeps the uid its state is checkpointed
 * under, so a job restores across parallelisms whether or not its plan was split; the local phase
 * has no state.
 */
export function planTwoPhaseAggregation(graph: StreamGraph, config: ExecutionConfig): StreamGraph {
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
    let spec = n.spec;
    const split = splits.get(n.id);
    if (split && spec.kind === 'window') {
      const hash = split.partitioner as HashPartitioner;
      const upstream = graph.node(split.from);
      const local = out.addNode({ kind: 'localWindowAggregate', window: spec.window, key: hash.key }, `LocalWindowAggregate(${spec.window.assigner.toString()})`, [
        [{ from: newId.get(split.from)!, partitioner: { type: 'forward' }, ...(split.sideOutput !== undefined ? { sideOutput: split.sideOutput } : {}) }],
      ]);
      local.uid = `${operatorUid(n)}-local`;
      local.parallelism = parallelismOf(upstream, config);
      // Resolved on both ends of the chain, so the printed plan (which knows no config) chains them too.
      out.node(newId.get(split.from)!).parallelism = local.parallelism;
      local.maxParallelism = upstream.maxParallelism;
      inputs = [[{ from: local.id, partitioner: { type: 'hash', key: hash.key, keysFromBatch: true } }]];
      spec = { ...spec, preAggregated: true };
    }
    const m = out.addNode(spec, n.name, inputs, n.keyed);
    m.uid = operatorUid(n);
    m.parallelism = n.parallelism;
    m.maxParallelism = n.maxParallelism;
    newId.set(n.id, m.id);
  }
  return out;
}
