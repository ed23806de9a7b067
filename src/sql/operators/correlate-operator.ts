import { BatchBuilder, type Batch } from '../../core/batch.js';
import { snippet } from '../../core/errors.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import type { OperatorFactory } from '../../core/operator-factory.js';
import { RowKind } from '../../core/row-kind.js';
import { SqlError } from '../sql-error.js';
import type { Row } from './calc-operator.js';

/** Parameters of a `sqlCorrelate` node: a table function applied to each input row. */
export interface CorrelateParams {
  /** The rows the function produces for an input row, as rows of its columns. */
  readonly produce: (r: Row) => Row[];
  /** The output row of an input row and one produced row. */
  readonly combine: (left: Row, produced: Row) => Row;
  /** LEFT JOIN ... ON TRUE: an input row for which the function produces nothing is kept, padded with NULLs. */
  readonly outer: boolean;
  readonly nullRow: Row;
  readonly updating: boolean;
  readonly text: { readonly fn: string; readonly joinType: string };
}

/**
 * `LATERAL TABLE(fn(...))`, as Flink's Correlate: each input row joined with the rows the table
 * function produces for it. Stateless: a row taken back (`-U`, `-D`) takes back the rows the
 * function produces for it again, each output row keeping its input row's kind.
 */
export class CorrelateOperator implements Operator<Row> {
  readonly inputChangelogMode = 'all';
  private ctx!: OperatorContext<Row>;
  private readonly builder = new BatchBuilder<Row>();
  constructor(private readonly params: CorrelateParams) {}

  open(ctx: OperatorContext<Row>): void {
    this.ctx = ctx;
  }

  processBatch(batch: Batch<Row>): void {
    const { values, kinds, timestamps } = batch;
    const { produce, combine, outer, nullRow } = this.params;
    const b = this.builder;
    let i = 0;
    try {
      for (; i < values.length; i++) {
        const row = values[i]!;
        const kind = kinds === undefined ? RowKind.INSERT : (kinds[i]! as RowKind);
        const produced = produce(row);
        for (const p of produced) b.addRow(combine(row, p), timestamps[i]!, kind);
        if (produced.length === 0 && outer) b.addRow(combine(row, nullRow), timestamps[i]!, kind);
      }
    } catch (err) {
      throw new SqlError(`${this.ctx.operatorName}: ${err instanceof Error ? err.message : String(err)} (row ${snippet(values[i])})`);
    }
    if (b.length > 0) this.ctx.output.push(b.take());
  }
}

/** The `sqlCorrelate` operator kind, registered by the SQL layer. */
export const correlateKind: OperatorFactory<CorrelateParams> = {
  kind: 'sqlCorrelate',
  create: (params) => new CorrelateOperator(params) as Operator<unknown>,
  describe: ({ text }) => ({ invocation: text.fn, joinType: text.joinType }),
  outputChangelogMode: ({ updating }) => (updating ? 'changelog' : 'insert-only'),
  inputChangelogMode: () => 'all',
};
