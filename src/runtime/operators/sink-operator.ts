import type { Batch } from '../../core/batch.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import type { Sink, SinkWriter } from '../../core/sink.js';

/**
 * Hands batches to a sink writer; a promise it returns becomes backpressure on the task. For
 * two-phase-commit writers it runs the protocol: pre-commit on the barrier (the committable goes into
 * the checkpoint), commit when the checkpoint completes, recover after a restore.
 */
export class SinkOperator implements Operator<never> {
  private writer!: SinkWriter<unknown>;
  private ctx!: OperatorContext<never>;
  private restored: unknown[] = [];
  readonly inputChangelogMode: 'insert-only' | 'all';
  constructor(private readonly sink: Sink<unknown>) {
    this.inputChangelogMode = sink.inputChangelogMode ?? 'insert-only';
  }

  restoreState(state: unknown): void {
    const s = state as { committable?: unknown } | undefined;
    // Called once per inherited old subtask: after a rescale one writer recovers several subtasks' committables.
    if (s && s.committable !== undefined) this.restored.push(s.committable);
  }

  async open(ctx: OperatorContext<never>): Promise<void> {
    this.ctx = ctx;
    this.writer = this.sink.createWriter({
      sinkName: ctx.operatorName,
      subtaskIndex: ctx.subtaskIndex,
      parallelism: ctx.parallelism,
      metrics: ctx.metrics,
      checkpointingMode: ctx.checkpointingMode,
    });
    await this.writer.recover?.(this.restored);
  }
  processBatch(batch: Batch<unknown>): void {
    const r = this.writer.write(batch);
    if (r) this.ctx.block(r);
  }
  onWatermark(w: number): void {
    this.writer.onWatermark?.(w);
    // A sink has no consumers; pushing records the watermark the job client reports as the job's.
    this.ctx.output.pushWatermark(w);
  }
  snapshotState(checkpointId: number): unknown {
    if (!this.writer.preCommit) return undefined;
    const c = this.writer.preCommit(checkpointId);
    return c instanceof Promise ? c.then((committable) => ({ committable })) : { committable: c };
  }
  async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    await this.writer.commit?.(checkpointId);
  }
  async finish(): Promise<void> {
    await this.writer.finish?.();
  }
  async close(): Promise<void> {
    await this.writer.close?.();
  }
}
