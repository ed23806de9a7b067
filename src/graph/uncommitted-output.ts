import type { StreamGraph } from './stream-graph.js';
import { paramsOf } from './operator-spec.js';

/** A sink whose output is committed after it is written, and what happens to uncommitted output. */
export interface UncommittedOutputNote {
  /** Index of the sink's node, which is its position in the job's metrics. */
  readonly node: number;
  readonly sink: string;
  readonly note: string;
}

/**
 * What each committing sink of `graph` does with output not yet committed when the job stops early,
 * under checkpointing `mode` (undefined: no checkpoints).
 *
 * @example
 * uncommittedOutput(graph, undefined) // [{ node: 3, sink: 'Lines', note: 'part files in out/ become visible as they roll; ...' }]
 */
export function uncommittedOutput(graph: StreamGraph, mode: 'EXACTLY_ONCE' | 'AT_LEAST_ONCE' | undefined): UncommittedOutputNote[] {
  return graph.nodes.flatMap((n, node) => {
    const note = paramsOf(n, 'sink')?.sink.describeUncommitted?.(mode);
    return note === undefined ? [] : [{ node, sink: n.name, note }];
  });
}
