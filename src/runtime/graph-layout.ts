import { ConfigError } from '../core/errors.js';
import type { ExecutionConfig } from '../graph/job-executor.js';
import { effectiveParallelism, type StreamNode } from '../graph/stream-graph.js';

/** The uid that names an operator's state in checkpoints. */
export function operatorUid(n: StreamNode): string {
  return n.uid ?? `${n.kind}-${n.id}`;
}

/** The number of subtasks a node runs with. */
export function parallelismOf(n: StreamNode, config: ExecutionConfig): number {
  const p = effectiveParallelism(n, config.parallelism);
  if (!Number.isInteger(p) || p < 1) throw new ConfigError(`Operator '${n.name}' has invalid parallelism ${p}`);
  return p;
}

/**
 * Flink's rescale partitioning: each upstream subtask sends round-robin to a fixed subset of the
 * downstream subtasks (or to one, when there are fewer downstream than upstream subtasks), so
 * records stay local where the slot layout allows.
 */
export function rescaleTargets<T>(u: number, upstream: number, downstream: T[]): T[] {
  const d = downstream.length;
  if (d <= upstream) return [downstream[Math.floor((u * d) / upstream)]!];
  return downstream.filter((_, i) => Math.floor((i * upstream) / d) === u);
}
