import type { Batch } from './batch.js';
import type { OperatorMetrics } from './operator.js';

export interface SinkWriterContext {
  readonly sinkName: string;
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly metrics: OperatorMetrics;
  /** The job's checkpointing mode: a two-phase-commit writer keeps output invisible until checkpoints complete. */
  readonly checkpointingMode?: 'EXACTLY_ONCE' | 'AT_LEAST_ONCE' | undefined;
}

/**
 * Writes the batches of one subtask. A returned promise is backpressure: the task waits for it
 * before it sends more input.
 */
export interface SinkWriter<T> {
  write(batch: Batch<T>): void | Promise<void>;
  onWatermark?(watermark: number): void;
  /** Input ended: write out everything buffered. */
  finish?(): void | Promise<void>;
  close?(): void | Promise<void>;
  /**
   * Two-phase commit, phase one: on the checkpoint barrier, make everything written so far durable
   * but invisible, and return a description of it (the committable), which goes into the checkpoint.
   * It runs while the barrier is aligned: decide what belongs to the checkpoint synchronously; the
   * returned promise may resolve once it is durable (the checkpoint waits for it).
   */
  preCommit?(checkpointId: number): unknown;
  /** Phase two: checkpoint `checkpointId` completed; make its committables visible. Must be idempotent. */
  commit?(checkpointId: number): void | Promise<void>;
  /**
   * After a restore: `committables` are those of the restored checkpoint (commit them, idempotently:
   * they may already be committed); anything else left pending or in progress is aborted.
   */
  recover?(committables: unknown[]): void | Promise<void>;
}

/**
 * The sink SPI.
 *
 * @example
 * const log: Sink<string> = { name: 'Log', createWriter: () => ({ write: (b) => b.values.forEach((v) => console.log(v)) }) };
 */
export interface Sink<T> {
  /** Shown in plans, summaries and errors; `'Sink'` when left out. */
  readonly name?: string;
  createWriter(ctx: SinkWriterContext): SinkWriter<T>;
  /**
   * What the sink guarantees with a replayable source under exactly-once checkpoints:
   * `'exactly-once'` for two-phase-commit or idempotent sinks, `'at-least-once'` (the default) for
   * sinks that write as records arrive.
   */
  readonly deliveryGuarantee?: 'exactly-once' | 'at-least-once';
}
