import type { Batch } from './batch.js';
import type { OperatorMetrics } from './operator.js';

/**
 * The counter a sink writer that commits its output (e.g. the file sink) bumps in `close` by the
 * records it received but could not commit before the job stopped, so the user learns what a
 * cancelled or failed job left uncommitted.
 */
export const UNCOMMITTED_RECORDS = 'recordsUncommitted';

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
  /**
   * Phase two: checkpoint `checkpointId` completed; make its committables visible. Must be idempotent.
   * A completion may arrive after later barriers (or never, if the process dies): a committable
   * should list everything pre-committed and not yet committed, so a restore from it commits all.
   */
  commit?(checkpointId: number): void | Promise<void>;
  /**
   * Called once after `createWriter`, before any input: on a fresh start with no committables, after
   * a restore with those of the restored checkpoint that this subtask inherits. The checkpoint may
   * have been taken at another parallelism: new subtask `i` receives the committables of every old
   * subtask `j` with `j % parallelism === i` (none, one or several), so each old subtask's pending
   * transactions reach exactly one writer. Commit them, idempotently (they may already be
   * committed), and abort what those old subtasks left pending or in progress beyond them; never
   * touch the transactions of old subtasks inherited by another writer, or of another live subtask.
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
  /**
   * `'all'` when the writer handles changelog batches (it reads `batch.kinds`: `-U`/`-D` rows take
   * something back); `'insert-only'` (the default) makes a changelog input fail the job instead of
   * writing a deletion as if it were a new record.
   */
  readonly inputChangelogMode?: 'insert-only' | 'all';
  createWriter(ctx: SinkWriterContext): SinkWriter<T>;
  /**
   * What the sink guarantees with a replayable source under exactly-once checkpoints:
   * `'exactly-once'` for two-phase-commit or idempotent sinks, `'at-least-once'` (the default) for
   * sinks that write as records arrive.
   */
  readonly deliveryGuarantee?: 'exactly-once' | 'at-least-once';
  /**
   * For sinks whose output becomes visible later than it is written (committed): where written output
   * goes and what happens to the part not yet committed when the job stops before its input ends,
   * under the job's checkpointing mode (undefined: no checkpoints). The CLI says it at start-up.
   */
  describeUncommitted?(checkpointingMode: 'EXACTLY_ONCE' | 'AT_LEAST_ONCE' | undefined): string;
}
