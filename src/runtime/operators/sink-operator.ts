import type { Batch } from '../../core/batch.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import type { Sink, SinkWriter } from '../../core/sink.js';

/** Hands batches to a sink writer; a promise it returns becomes backpressure on the task. */
export class SinkOperator implements Operator<never> {
  private writer!: SinkWriter<unknown>;
  private ctx!: OperatorContext<never>;
  constructor(private readonly sink: Sink<unknown>) {}
  open(ctx: OperatorContext<never>): void {
    this.ctx = ctx;
    this.writer = this.sink.createWriter({ sinkName: ctx.operatorName, subtaskIndex: ctx.subtaskIndex, parallelism: ctx.parallelism, metrics: ctx.metrics });
  }
  processBatch(batch: Batch<unknown>): void {
    const r = this.writer.write(batch);
    if (r) this.ctx.block(r);
  }
  onWatermark(w: number): void {
    this.writer.onWatermark?.(w);
  }
  async finish(): Promise<void> {
    await this.writer.finish?.();
  }
  async close(): Promise<void> {
    await this.writer.close?.();
  }
}
