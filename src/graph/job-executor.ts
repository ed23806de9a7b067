import type { Clock } from '../core/clock.js';
import type { StreamGraph } from './stream-graph.js';
import type { DeliveryGuarantee } from './delivery-guarantee.js';
import type { UncommittedOutputNote } from './uncommitted-output.js';
import type { CheckpointingOptions, RestartStrategyOptions, RestoreOptions } from './execution-options.js';
import type { RestOptions } from './rest-options.js';

export interface OperatorMetricsSnapshot {
  readonly name: string;
  readonly parallelism: number;
  recordsIn: number;
  recordsOut: number;
  /** Milliseconds spent inside the operator's hooks. */
  busyMs: number;
  readonly counters: Record<string, number>;
  /**
   * Milliseconds the tasks running this operator spent processing (batches, watermarks, timers),
   * summed over its subtasks; the operators of a chain share their task's figure, as in Flink.
   */
  busyTimeMs?: number;
  /** Milliseconds those tasks waited before they could feed more input (a sink's pending write, credit), summed over subtasks. */
  backPressuredTimeMs?: number;
  /** Per subtask: the watermark it has received (`currentInputWatermark`) and emitted (`currentOutputWatermark`). */
  subtasks?: SubtaskWatermarks[];
  /** User-defined metrics (`getMetricGroup()`), per subtask. */
  userMetrics?: UserMetricSample[];
  /** Keyed state entries (key and namespace pairs, per state) over its subtasks, when the operator is keyed. */
  stateEntries?: number;
  /** Bytes of keyed state, where the backend knows them (the LMDB backend's store), summed over subtasks. */
  stateBytes?: number;
  /** Estimated heap bytes of the disk backend's caches in front of its store (its managed memory in use), summed over subtasks. */
  stateCacheBytes?: number;
}

/** One user-defined metric of one subtask, as reported (plain data: it crosses threads). */
export interface UserMetricSample {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'meter' | 'histogram';
  /** The subtask's index, from 0. */
  readonly subtask: number;
  /** A counter's count, a gauge's value, a meter's events per second, a histogram's count of values. */
  readonly value: number;
  /** A meter's events so far. */
  readonly count?: number;
  /** A histogram's statistics over its window; `quantiles` by quantile ('0.5', ..., '0.999'). */
  readonly histogram?: {
    readonly size: number;
    /** The sum of every value recorded (not only the window's). */
    readonly sum: number;
    readonly min: number;
    readonly max: number;
    readonly mean: number;
    readonly stdDev: number;
    readonly quantiles: Readonly<Record<string, number>>;
  };
}

/** The watermarks of one operator subtask; `-Infinity` before the first. */
export interface SubtaskWatermarks {
  readonly index: number;
  readonly inputWatermark: number;
  readonly outputWatermark: number;
}

/** Why a live state query has no answer: `unknown` state or operator, job `not-running`, or `unsupported` where it runs. */
export class StateQueryError extends Error {
  constructor(
    readonly reason: 'unknown' | 'not-running' | 'unsupported',
    message: string,
  ) {
    super(message);
    this.name = 'StateQueryError';
  }
}

/** What a finished job reports. */
export interface JobResult {
  readonly jobName: string;
  readonly durationMs: number;
  /**
   * Of `durationMs`, the time until every subtask of the last attempt was open and sources could
   * start (restoring state, and starting worker-thread slots, which load the job module).
   */
  readonly startupMs?: number;
  readonly metrics: OperatorMetricsSnapshot[];
}

/** One checkpoint or savepoint attempt, as the job client and the CLI summary show it. */
export interface CheckpointStats {
  readonly id: number;
  readonly savepoint: boolean;
  readonly status: 'COMPLETED' | 'FAILED';
  readonly triggeredAt: number;
  readonly durationMs: number;
  readonly sizeBytes: number;
  /** Longest time a subtask spent aligning barriers. */
  readonly alignmentMs: number;
  /** Longest synchronous part of a subtask's snapshot: the time its processing stood still. */
  readonly syncMs: number;
  /** Bytes of state per operator (by name). */
  readonly stateBytesByOperator?: Record<string, number>;
  readonly path?: string;
  readonly failure?: string;
}

/**
 * What a running job tells its user, each with a one-line `message` ready to print: where it
 * restored from (`restored`), that there was nothing to restore (`no-checkpoint`), and each restart
 * after a failure (`restarting`, with the failed attempt's number, its cause and the delay), and
 * where its REST API or Prometheus endpoint listens (`serving`).
 */
export type JobEvent =
  | {
      readonly kind: 'restored';
      readonly jobName: string;
      readonly message: string;
      readonly checkpointId: number;
      readonly savepoint: boolean;
      readonly path: string;
      readonly takenAt: string;
    }
  | { readonly kind: 'no-checkpoint'; readonly jobName: string; readonly message: string; readonly dir: string }
  | {
      readonly kind: 'restarting';
      readonly jobName: string;
      readonly message: string;
      /** The attempt that failed: 1 for the first run. */
      readonly attempt: number;
      readonly cause: string;
      readonly delayMs: number;
      /** The checkpoint the next attempt starts from; undefined when it starts with empty state. */
      readonly checkpointId: number | undefined;
    }
  /** The job's REST API (`rest`) or its Prometheus endpoint (`prometheus`) listens at `url`. */
  | { readonly kind: 'serving'; readonly jobName: string; readonly message: string; readonly service: 'rest' | 'prometheus'; readonly url: string };

export type JobStatus = 'CREATED' | 'RUNNING' | 'RESTARTING' | 'FINISHED' | 'FAILED' | 'CANCELED';

/** A running job. */
export interface JobClient {
  readonly jobName: string;
  status(): JobStatus;
  /** Live metrics per operator. */
  metrics(): OperatorMetricsSnapshot[];
  /** The highest watermark every sink has seen. */
  currentWatermark(): number;
  cancel(): Promise<void>;
  /** Takes a savepoint now; resolves with its directory. Needs checkpointing to be configured. */
  triggerSavepoint(): Promise<string>;
  /** Completed and failed checkpoints, oldest first. */
  checkpoints(): CheckpointStats[];
  /** The end-to-end guarantee this job gives, and why it is not stronger. */
  guarantee(): { guarantee: DeliveryGuarantee; reason?: string };
  /** Sinks that commit their output later than they write it, and what happens to uncommitted output if the job stops early. */
  uncommittedOutput?(): UncommittedOutputNote[];
  /** Restarts after failures so far, with their causes. */
  restarts(): { at: number; cause: string }[];
  /**
   * The value of keyed state `name` (declared `queryable`) of the operator with `uid`, for `key`,
   * read from the subtask that owns the key between two batches: it reflects every record that
   * subtask has processed so far. Rejects with a {@link StateQueryError}.
   *
   * @example
   * const n = await client.queryState?.('counter', 'count', 'ann');
   */
  queryState?(uid: string, name: string, key: unknown): Promise<unknown>;
  /**
   * Why the job failed, once its status is `FAILED`: what `result` rejects with, for readers that
   * must not handle that rejection themselves (the REST API), so a job nobody awaits still fails loudly.
   */
  failure?(): { at: number; cause: string } | undefined;
  /**
   * Subscribes to the job's {@link JobEvent}s; returns the function that unsubscribes. A listener
   * must not throw. `StreamEnvironment.executeAsync` subscribes one that logs them (`logJobEvent`).
   *
   * @example
   * client.onEvent?.((e) => { if (e.kind === 'restarting') metrics.restarts++; });
   */
  onEvent?(listener: (event: JobEvent) => void): () => void;
  /** Settles when the job finishes, fails or is cancelled. */
  readonly result: Promise<JobResult>;
}

export type AggPhaseStrategy = 'AUTO' | 'ONE_PHASE' | 'TWO_PHASE';

export interface ExecutionConfig {
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly clock: Clock;
  /** Records per batch that sources aim for. */
  readonly batchSize: number;
  /** How often (processing time, ms) sources emit periodic watermarks. */
  readonly autoWatermarkInterval: number;
  readonly checkpointing?: CheckpointingOptions | undefined;
  readonly restartStrategy?: RestartStrategyOptions;
  readonly restore?: RestoreOptions;
  /**
   * The module that builds this job (a file URL or path). Slot workers import it to rebuild the
   * graph; without it a parallel job runs all its subtasks in one thread.
   */
  readonly jobModule?: string | undefined;
  /** `'threads'` (default): parallel subtasks run in worker threads; `'single-thread'`: all in this thread. */
  readonly slotMode?: 'threads' | 'single-thread';
  /**
   * Whether window aggregates behind a keyBy run in two phases, partial aggregates per key and
   * slice before the exchange and their merge after it (Flink's `table.optimizer.agg-phase-strategy`).
   * `AUTO` (default): when the window operator or its input runs with parallelism > 1 and the
   * aggregate can merge.
   */
  readonly aggPhaseStrategy?: AggPhaseStrategy;
  /** Flink's `pipeline.operator-chaining`: false runs every operator as a task of its own (default true). */
  readonly operatorChaining?: boolean;
  /** Flink's `state.backend.type`: which keyed state backend keyed operators use (default `hashmap`, the heap). */
  readonly stateBackend?: string;
  /** The job's `state.backend.<name>.*` settings, keys in full (e.g. `state.backend.lmdb.local-dir`). */
  readonly stateBackendOptions?: Readonly<Record<string, unknown>>;
  /**
   * Whether V8 may allocate objects from hot allocation sites directly in the old generation
   * (`weir.v8.allocation-site-pretenuring`, default false: Weir turns it off for the process).
   * See `runtime/v8-heap-tuning.ts`.
   */
  readonly allocationSitePretenuring?: boolean;
  /** Config defaults of the launcher (the CLI's flags), passed on to slot workers. */
  readonly launchDefaults?: Record<string, unknown>;
  /** The REST server and Prometheus endpoint of the job (`rest.port`, `metrics.reporter.prom.port`); unset: none. */
  readonly rest?: RestOptions;
  /** The configuration as the job and its launcher gave it, for the REST API's `/jobmanager/config` (shown with secrets redacted). */
  readonly settings?: Readonly<Record<string, unknown>>;
}

/** How `execute()` reaches a runtime without the API importing it; the package entry registers one. */
export interface JobExecutor {
  /**
   * Runs `graph`: as planned by `planGraph` (the API plans before submitting; an executor plans a
   * graph that is not yet planned). Fails when a node's kind has no registered factory.
   */
  submit(graph: StreamGraph, jobName: string, config: ExecutionConfig): JobClient;
}
