import type { Partitioner } from './partitioner.js';
import type { OperatorSpec } from './operator-spec.js';

/** An input of a node: which node it reads, through which partitioner, and optionally which side output. */
export interface StreamEdge {
  readonly from: number;
  readonly partitioner: Partitioner;
  /** Reads this side output of `from` instead of its main output. */
  readonly sideOutput?: string;
}

export interface StreamNode {
  readonly id: number;
  name: string;
  uid: string | undefined;
  parallelism: number | undefined;
  maxParallelism: number | undefined;
  readonly spec: OperatorSpec;
  /** One entry per logical input (input index = position). An input may be fed by several edges (union). */
  readonly inputs: StreamEdge[][];
  /** Keyed state and timers are available: the node follows a keyBy. */
  readonly keyed: boolean;
}

/**
 * The number of subtasks a node runs with: its own parallelism or the job's default, capped by a
 * source's largest supported parallelism.
 */
export function effectiveParallelism(n: StreamNode, defaultParallelism: number): number {
  const p = n.parallelism ?? defaultParallelism;
  return n.spec.kind === 'source' && n.spec.source.maxParallelism !== undefined ? Math.min(p, n.spec.source.maxParallelism) : p;
}

/**
 * The program as the API or the SQL planner described it: the one seam between them and the
 * runtime. Printable as JSON (functions are left out).
 */
export class StreamGraph {
  readonly nodes: StreamNode[] = [];

  addNode(spec: OperatorSpec, name: string, inputs: StreamEdge[][], keyed = false): StreamNode {
    const node: StreamNode = { id: this.nodes.length, name, uid: undefined, parallelism: undefined, maxParallelism: undefined, spec, inputs, keyed };
    this.nodes.push(node);
    return node;
  }

  node(id: number): StreamNode {
    const n = this.nodes[id];
    if (!n) throw new Error(`No node ${id} in the stream graph`);
    return n;
  }

  /** Nodes that read from node `id`. */
  consumers(id: number): StreamNode[] {
    return this.nodes.filter((n) => n.inputs.some((inp) => inp.some((e) => e.from === id)));
  }

  /**
   * Operators that run as one task: a chain follows forward edges between operators of equal
   * parallelism where the upstream has one consumer and the downstream one input. `parallelism`
   * resolves unset parallelism (the job default).
   */
  chains(parallelism: (n: StreamNode) => number): number[][] {
    const chainOf = new Map<number, number[]>();
    const chains: number[][] = [];
    for (const n of this.nodes) {
      const edges = n.inputs.flat();
      const e = edges.length === 1 && n.inputs.length === 1 ? edges[0]! : undefined;
      const up = e && this.node(e.from);
      const chained = e && up && e.partitioner.type === 'forward' && !e.sideOutput && parallelism(up) === parallelism(n) && this.consumers(up.id).length === 1;
      const chain = chained ? chainOf.get(up.id)! : [];
      if (!chained) chains.push(chain);
      chain.push(n.id);
      chainOf.set(n.id, chain);
    }
    return chains;
  }

  toJSON(): unknown {
    return this.describe((n) => n.parallelism ?? 1, false);
  }

  /**
   * The graph as plain data for printing. `parallelism` resolves unset parallelism for the chains;
   * with `resolved` each node shows it too, else only the parallelism set on the node.
   *
   * @example
   * JSON.stringify(graph.describe((n) => effectiveParallelism(n, 2), true), null, 2)
   */
  describe(parallelism: (n: StreamNode) => number, resolved: boolean): unknown {
    return {
      chains: this.chains(parallelism).map((c) => c.map((id) => this.node(id).name).join(' -> ')),
      nodes: this.nodes.map((n) => ({
        id: n.id,
        name: n.name,
        kind: n.spec.kind,
        ...(n.uid ? { uid: n.uid } : {}),
        parallelism: resolved ? parallelism(n) : n.parallelism,
        keyed: n.keyed,
        inputs: n.inputs.map((inp) => inp.map((e) => ({ from: e.from, partitioner: e.partitioner.type, ...(e.sideOutput ? { sideOutput: e.sideOutput } : {}) }))),
      })),
    };
  }
}
