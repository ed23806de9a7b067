import { Batch } from '../../core/batch.js';
import { UserFunctionError } from '../../core/errors.js';
import type { Operator, OperatorContext } from '../../core/operator.js';

/** Applies a function to every record; timestamps pass through unchanged (the same array). */
export class MapOperator implements Operator<unknown> {
  /** Each result keeps its input row's kind: a map of a changelog is a changelog. */
  readonly inputChangelogMode = 'all';
  private ctx!: OperatorContext<unknown>;
  constructor(readonly fn: (v: unknown) => unknown) {}
  open(ctx: OperatorContext<unknown>): void {
    this.ctx = ctx;
  }
  processBatch(batch: Batch<unknown>): void {
    const { values } = batch;
    const n = values.length;
    const out = new Array<unknown>(n);
    const fn = this.fn;
    let i = 0;
    try {
      for (; i < n; i++) out[i] = fn(values[i]);
    } catch (e) {
      throw new UserFunctionError(this.ctx.operatorName, values[i], e);
    }
    this.ctx.output.push(new Batch(out, batch.timestamps, undefined, batch.kinds));
  }
}
