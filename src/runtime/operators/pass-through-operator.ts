import { Batch } from '../../core/batch.js';
import type { Operator, OperatorContext } from '../../core/operator.js';

/** Forwards batches as they are: union, and the head of a source subtask. Keys from an exchange are dropped. */
export class PassThroughOperator implements Operator<unknown> {
  readonly inputChangelogMode = 'all';
  private ctx!: OperatorContext<unknown>;
  open(ctx: OperatorContext<unknown>): void {
    this.ctx = ctx;
  }
  processBatch(batch: Batch<unknown>): void {
    this.ctx.output.push(batch.keys ? new Batch(batch.values, batch.timestamps, undefined, batch.kinds) : batch);
  }
}
