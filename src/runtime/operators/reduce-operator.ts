import { Batch } from '../../core/batch.js';
import { UserFunctionError } from '../../core/errors.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import { valueState, type ValueState } from '../../core/state.js';

/** Rolling reduce on a keyed stream: emits the updated aggregate for every record. */
export class ReduceOperator implements Operator<unknown> {
  private ctx!: OperatorContext<unknown>;
  private state!: ValueState<unknown>;
  constructor(private readonly fn: (a: unknown, b: unknown) => unknown) {}
  open(ctx: OperatorContext<unknown>): void {
    this.ctx = ctx;
    this.state = ctx.keyed!.state.getState(valueState<unknown>('reduce'));
  }
  processBatch(batch: Batch<unknown>): void {
    const { values, keys } = batch;
    const n = values.length;
    const out = new Array<unknown>(n);
    const keyed = this.ctx.keyed!;
    const state = this.state;
    const fn = this.fn;
    let i = 0;
    try {
      for (; i < n; i++) {
        keyed.setCurrentKey(keys![i]);
        const cur = state.value();
        const next = cur === undefined ? values[i] : fn(cur, values[i]);
        state.update(next);
        out[i] = next;
      }
    } catch (e) {
      throw new UserFunctionError(this.ctx.operatorName, values[i], e);
    }
    this.ctx.output.push(new Batch(out, batch.timestamps));
  }
}
