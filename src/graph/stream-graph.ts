import type { ChangelogMode } from '../core/operator-factory.js';
import { formatSchema, type Schema } from '../core/schema.js';
import type { Partitioner } from './partitioner.js';
import { paramsOf, type OperatorSpec } from './operator-spec.js';
import { findOperatorKind } from './operator-registry.js';

/** An input of a node: which node it reads, through which partitioner, and optionally which side output. */
export interface StreamEdge {
  readonly from: number;
  readonly partitioner: Partitioner;
  /** Reads this side output of `from` instead of its main output. */
  readonly sideOutput?: string;
}

/** An operator of the graph: a `{ kind, params }` spec resolved through the operator registry, where it runs and what it reads. */
export interface StreamNode extends OperatorSpec {
  readonly id: number;
  /** Planning may replace it (a `window` becomes a `slicedWindow`). */
  kind: string;
  params: unknown;
  name: string;
  uid: string | undefined;
  parallelism: number | undefined;
  maxParallelism: number | undefined;
  /** Index of the chain the node runs in, set by planning (`chaining-pass.ts`). */
  chain?: number;
  /**
   * Flink's chaining strategy, set by `disableChaining()` / `startNewChain()`: `'never'` runs the
   * node as a task of its own, `'head'` starts a chain (it is not chained to its input).
   */
  chaining?: 'never' | 'head';
  /** One entry per logical input (input index = position). An input may be fed by several edges (union). */
  readonly inputs: StreamEdge[][];
  /** Keyed state and timers are available: the node follows a keyBy. */
  readonly keyed: boolean;
  /**
   * The fields of what the node emits: declared by the stream (`withSchema`), or after planning
   * also what the operator knows (`schema-pass.ts`).
   */
  schema?: Schema;
}

/**
 * The number of subtasks a node runs with: its own parallelism or the job's default, capped by a
 * source's largest supported parallelism.
 */
export function effectiveParallelism(n: StreamNode, defaultParallelism: number): number {
  const p = n.parallelism ?? defaultParallelism;
  const max = paramsOf(n, 'source')?.source.maxParallelism;
  return max !== undefined ? Math.min(p, max) : p;
}

/**
 * The program as the API or the SQL planner described it: the one seam between them and the
 * runtime. Printable as JSON (functions are left out).
 */
export class StreamGraph {
  readonly nodes: StreamNode[] = [];
  /** Set by `planGraph`: uids and parallelism are resolved and the planning passes have run. */
  planned = false;

  addNode(spec: OperatorSpec, name: string, inputs: StreamEdge[][], keyed = false): StreamNode {
    const node: StreamNode = {
      id: this.nodes.length,
      name,
      uid: undefined,
      parallelism: undefined,
      maxParallelism: undefined,
      kind: spec.kind,
      params: spec.params,
      inputs,
      keyed,
    };
    this.nodes.push(node);
    return node;
  }

  /** A copy whose nodes and edges planning passes may change without touching this graph. */
  copy(): StreamGraph {
    const g = new StreamGraph();
    for (const n of this.nodes) g.nodes.push({ ...n, inputs: n.inputs.map((inp) => inp.map((e) => ({ ...e }))) });
    g.planned = this.planned;
    return g;
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
   * parallelism where the upstream has one consumer and the downstream one input, unless either
   * side opted out (`chaining`). `parallelism` resolves unset parallelism (the job default);
   * `enabled: false` (`pipeline.operator-chaining`) runs every operator as a task of its own.
   */
  chains(parallelism: (n: StreamNode) => number, enabled = true): number[][] {
    const chainOf = new Map<number, number[]>();
    const chains: number[][] = [];
    for (const n of this.nodes) {
      const edges = n.inputs.flat();
      const e = edges.length === 1 && n.inputs.length === 1 ? edges[0]! : undefined;
      const up = e && this.node(e.from);
      const chained =
        enabled &&
        e &&
        up &&
        n.chaining === undefined &&
        up.chaining !== 'never' &&
        e.partitioner.type === 'forward' &&
        !e.sideOutput &&
        parallelism(up) === parallelism(n) &&
        this.consumers(up.id).length === 1;
      const chain = chained ? chainOf.get(up.id)! : [];
      if (!chained) chains.push(chain);
      chain.push(n.id);
      chainOf.set(n.id, chain);
    }
    return chains;
  }

  /**
   * The chains planning recorded on the nodes, as lists of node ids from head to tail: what the
   * runtime runs as tasks and the plan prints. A node without a chain runs alone.
   */
  plannedChains(): number[][] {
    const chains: number[][] = [];
    for (const n of this.nodes) (chains[n.chain ?? chains.length] ??= []).push(n.id);
    return chains;
  }

  toJSON(): unknown {
    return this.describe();
  }

  /**
   * What each node emits (see `OperatorFactory.outputChangelogMode`): sources and operators say,
   * `'as-input'` operators emit a changelog when any input carries one. Kinds not registered in
   * this process count as insert-only.
   */
  changelogModes(): ChangelogMode[] {
    const modes: ChangelogMode[] = [];
    for (const n of this.nodes) {
      const declared = findOperatorKind(n.kind)?.outputChangelogMode?.(n.params) ?? 'insert-only';
      if (declared !== 'as-input') modes.push(declared);
      else {
        const from = n.inputs.flatMap((inp) => inp.map((e) => modes[e.from]));
        modes.push(from.includes('changelog') ? 'changelog' : from.includes('upsert') ? 'upsert' : 'insert-only');
      }
    }
    return modes;
  }

  /**
   * The graph as plain data for printing (`env.explain()`, `weir run --plan`): per node its kind,
   * key parameters, parallelism, uid, chain, changelog mode, schema and the partitioning of each input. On
   * a planned graph parallelism and uids are resolved; before planning only what was set shows.
   *
   * @example
   * JSON.stringify(planGraph(graph, config).describe(), null, 2)
   */
  describe(): unknown {
    const chains = this.planned ? this.plannedChains() : this.chains((n) => n.parallelism ?? 1);
    const chainOf = new Map<number, number>();
    chains.forEach((c, i) => c.forEach((id) => chainOf.set(id, i)));
    const modes = this.changelogModes();
    return {
      chains: chains.map((c) => c.map((id) => this.node(id).name).join(' -> ')),
      nodes: this.nodes.map((n) => {
        const params = findOperatorKind(n.kind)?.describe?.(n.params);
        return {
          id: n.id,
          name: n.name,
          kind: n.kind,
          ...(params && Object.keys(params).length > 0 ? { params } : {}),
          ...(n.uid ? { uid: n.uid } : {}),
          parallelism: n.parallelism,
          keyed: n.keyed,
          chain: chainOf.get(n.id),
          changelog: modes[n.id],
          ...(n.schema ? { schema: formatSchema(n.schema) } : {}),
          inputs: n.inputs.map((inp) =>
            inp.map((e) => ({ from: e.from, partitioner: e.partitioner.type, ...(e.sideOutput ? { sideOutput: e.sideOutput } : {}) })),
          ),
        };
      }),
    };
  }
}
