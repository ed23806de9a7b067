import type { Batch } from './batch.js';
import type { OperatorMetrics } from './operator.js';

export interface SinkWriterContext {
  readonly sinkName: string;
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly metrics: OperatorMetrics;
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
}

/**
 * The sink SPI.
 *
 * @example
 * const log: Sink<string> = { name: 'log', createWriter: () => ({ write: (b) => b.values.forEach((v) => console.log(v)) }) };
 */
export interface Sink<T> {
  readonly name: string;
  createWriter(ctx: SinkWriterContext): SinkWriter<T>;
}
