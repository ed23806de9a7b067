import { RowKind } from '../../core/row-kind.js';
import { BatchBuilder, type Batch } from '../../core/batch.js';
import { UserFunctionError } from '../../core/errors.js';
import type { Collector } from '../../core/functions.js';
import type { Operator, OperatorContext } from '../../core/operator.js';

/**
 * Zero or more records per input record. The function either calls `out.collect` or returns an
 * iterable (an array, a generator); both may be mixed.
 */
export class FlatMapOperator implements Operator<unknown>, Collector<unknown> {
  /** What a row becomes keeps the row's kind. */
  readonly inputChangelogMode = 'all';
  private ctx!: OperatorContext<unknown>;
  private readonly builder = new BatchBuilder<unknown>();
  private ts = 0;
  /** Kind of the row being processed. */
  private kind: RowKind = RowKind.INSERT;
  constructor(private readonly fn: (v: unknown, out: Collector<unknown>) => void | Iterable<unknown>) {}
  open(ctx: OperatorContext<unknown>): void {
    this.ctx = ctx;
  }
  collect(value: unknown): void {
    this.builder.addRow(value, this.ts, this.kind);
  }
  processBatch(batch: Batch<unknown>): void {
    const { values, timestamps, kinds } = batch;
    const n = values.length;
    const fn = this.fn;
    let i = 0;
    try {
      for (; i < n; i++) {
        this.ts = timestamps[i]!;
        if (kinds !== undefined) this.kind = kinds[i] as RowKind;
        const r = fn(values[i], this);
        if (r != null) for (const x of r) this.builder.addRow(x, this.ts, this.kind);
      }
    } catch (e) {
      throw new UserFunctionError(this.ctx.operatorName, values[i], e);
    }
    this.kind = RowKind.INSERT;
    if (this.builder.length > 0) this.ctx.output.push(this.builder.take());
  }
}
