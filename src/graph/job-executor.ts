import type { Clock } from '../core/clock.js';
import type { StreamGraph } from './stream-graph.js';

export interface OperatorMetricsSnapshot {
  readonly name: string;
  readonly parallelism: number;
  recordsIn: number;
  recordsOut: number;
  /** Milliseconds spent inside the operator's hooks. */
  busyMs: number;
  readonly counters: Record<string, number>;
}

/** What a finished job reports. */
export interface JobResult {
  readonly jobName: string;
  readonly durationMs: number;
  readonly metrics: OperatorMetricsSnapshot[];
}

export type JobStatus = 'CREATED' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'CANCELED';

/** A running job. */
export interface JobClient {
  readonly jobName: string;
  status(): JobStatus;
  /** Live metrics per operator. */
  metrics(): OperatorMetricsSnapshot[];
  /** The highest watermark every sink has seen. */
  currentWatermark(): number;
  cancel(): Promise<void>;
  /** Settles when the job finishes, fails or is cancelled. */
  readonly result: Promise<JobResult>;
}

export interface ExecutionConfig {
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly clock: Clock;
  /** Records per batch that sources aim for. */
  readonly batchSize: number;
  /** How often (processing time, ms) sources emit periodic watermarks. */
  readonly autoWatermarkInterval: number;
}

/** How `execute()` reaches a runtime without the API importing it; the package entry registers one. */
export interface JobExecutor {
  submit(graph: StreamGraph, jobName: string, config: ExecutionConfig): JobClient;
}
