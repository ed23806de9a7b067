import { Batch } from '../../core/batch.js';
import { UserFunctionError } from '../../core/errors.js';
import type { Operator, OperatorContext } from '../../core/operator.js';

/** Keeps the records the predicate accepts. */
export class FilterOperator implements Operator<unknown> {
  private ctx!: OperatorContext<unknown>;
  constructor(private readonly fn: (v: unknown) => boolean) {}
  open(ctx: OperatorContext<unknown>): void {
    this.ctx = ctx;
  }
  processBatch(batch: Batch<unknown>): void {
    const { values, timestamps } = batch;
    const n = values.length;
    const outV: unknown[] = [];
    const outT: number[] = [];
    const fn = this.fn;
    let i = 0;
    try {
      for (; i < n; i++) {
        const v = values[i];
        if (fn(v)) {
          outV.push(v);
          outT.push(timestamps[i]!);
        }
      }
    } catch (e) {
      throw new UserFunctionError(this.ctx.operatorName, values[i], e);
    }
    if (outV.length === n) this.ctx.output.push(batch.keys ? new Batch(values, timestamps) : batch);
    else this.ctx.output.push(new Batch(outV, outT));
  }
}
