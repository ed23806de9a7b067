import { BatchBuilder, type Batch } from '../../core/batch.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import type { OperatorFactory } from '../../core/operator-factory.js';
import type { Row } from './calc-operator.js';
import { accumulate, createAccs, type AggCall } from './sql-accumulators.js';

/** Parameters of a `sqlLocalGroupAggregate` node: the same group key and calls as the global phase. */
export interface LocalGroupAggregateParams {
  readonly key: (r: Row) => unknown;
  readonly groupValues: (r: Row) => unknown[];
  readonly calls: readonly AggCall[];
  readonly text: { readonly groupBy: string; readonly select: string };
}

/** One group's rows of one input batch folded: what crosses the exchange instead of those rows. */
export interface PartialAggregate {
  readonly key: unknown;
  readonly group: unknown[];
  readonly accs: unknown[];
  rows: number;
}

/**
 * The local phase of a two-phase GROUP BY (Flink's MiniBatchLocalGroupAggFunction): chained before
 * the exchange, it folds each input batch per group and emits one {@link PartialAggregate} per group
 * of the batch, which the `sqlGroupAggregate` after the exchange merges into its state. It keeps
 * nothing between batches, so it has no state to snapshot. Insert-only input: a partial never holds
 * a row taken back.
 */
export class LocalGroupAggregateOperator implements Operator<PartialAggregate> {
  private ctx!: OperatorContext<PartialAggregate>;
  private readonly builder = new BatchBuilder<PartialAggregate>();
  constructor(private readonly params: LocalGroupAggregateParams) {}

  open(ctx: OperatorContext<PartialAggregate>): void {
    this.ctx = ctx;
  }

  processBatch(input: Batch<Row>): void {
    const { key, groupValues, calls } = this.params;
    const { values, timestamps } = input;
    const partials = new Map<unknown, PartialAggregate>();
    let ts = 0;
    for (let i = 0; i < values.length; i++) {
      const row = values[i]!;
      const k = key(row);
      let p = partials.get(k);
      if (p === undefined) {
        p = { key: k, group: groupValues(row), accs: createAccs(calls), rows: 0 };
        partials.set(k, p);
      }
      accumulate(calls, p.accs, row, 1);
      p.rows++;
      ts = timestamps[i]!;
    }
    for (const p of partials.values()) this.builder.add(p, ts);
    if (this.builder.length > 0) this.ctx.output.push(this.builder.take());
  }
}

/** The `sqlLocalGroupAggregate` operator kind, registered by the SQL layer. */
export const localGroupAggregateKind: OperatorFactory<LocalGroupAggregateParams> = {
  kind: 'sqlLocalGroupAggregate',
  create: (params) => new LocalGroupAggregateOperator(params) as Operator<unknown>,
  describe: ({ text }) => ({ groupBy: text.groupBy, select: text.select }),
  inputChangelogMode: () => 'insert-only',
};
