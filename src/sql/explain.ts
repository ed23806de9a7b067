import type { ChangelogMode } from '../core/operator-factory.js';
import type { StreamEnvironment } from '../api/stream-environment.js';
import { T } from './sql-types.js';
import { TableResult } from './table-result.js';

/** EXPLAIN's result: one row, one `plan` column; printed as the plain text, as Flink's client does. */
export class ExplainResult extends TableResult {
  constructor(readonly plan: string) {
    super('SUCCESS_WITH_CONTENT', [{ name: 'plan', type: T.STRING, nullable: false }], async () => [{ plan }]);
  }
  override async format(): Promise<string> {
    return this.plan;
  }
}

const MODES: Record<ChangelogMode, string> = { 'insert-only': 'I', changelog: 'I,UB,UA,D', upsert: 'I,UA,D' };

interface PlanNode {
  readonly id: number;
  readonly name: string;
  readonly kind: string;
  readonly params?: Record<string, unknown>;
  readonly uid: string;
  readonly parallelism: number;
  readonly keyed: boolean;
  readonly chain: number;
  readonly changelog: ChangelogMode;
  readonly inputs: readonly (readonly { readonly from: number; readonly partitioner: string }[])[];
}

/**
 * EXPLAIN's text: the planned job as a tree from each sink down to its sources, one operator a line
 * with its kind, parallelism, chain and what it emits in Flink's notation (`changelogMode=[I]` for
 * insertions only, `[I,UB,UA,D]` for a changelog, `[I,UA,D]` for upserts), the exchange that feeds it, then the plan as JSON.
 *
 * @example
 * explainPlan(env) // "Print [sink] parallelism=1 chain=1 changelogMode=[I,UB,UA,D]\n+- ..."
 */
export function explainPlan(env: StreamEnvironment): string {
  const json = env.explain();
  const { nodes } = JSON.parse(json) as { nodes: PlanNode[] };
  const feeds = new Set(nodes.flatMap((n) => n.inputs.flat().map((e) => e.from)));
  const lines: string[] = [];
  const visit = (n: PlanNode, indent: string) => {
    const params = Object.entries(n.params ?? {}).map(([k, v]) => `${k}=${String(v)}`);
    const mode = MODES[n.changelog];
    const exchanges = [...new Set(n.inputs.flat().map((e) => e.partitioner))].filter((p) => p !== 'forward');
    lines.push(
      `${indent}${n.name} [${[n.kind, ...(n.keyed ? ['keyed'] : []), ...params].join(', ')}] parallelism=${n.parallelism} chain=${n.chain}${exchanges.length ? ` input=${exchanges.join(',')}` : ''} changelogMode=[${mode}]`,
    );
    for (const e of n.inputs.flat()) visit(nodes[e.from]!, indent === '' ? '+- ' : '   ' + indent);
  };
  for (const n of nodes) if (!feeds.has(n.id)) visit(n, '');
  return `== Physical Plan ==\n${lines.join('\n')}\n\n== Plan as JSON ==\n${json}\n`;
}
