import type { MetricGroup } from './metric-group.js';
import type { Batch } from './batch.js';
import type { Clock } from './clock.js';
import type { KeyedStateStore, OperatorStateStore } from './state.js';

/** Where an operator sends what it produces. Calls are synchronous; batches are handed over, not copied. */
export interface Output<T> {
  push(batch: Batch<T>): void;
  /** Records for a side output (`OutputTag` id). */
  pushSide(tag: string, batch: Batch<unknown>): void;
  pushWatermark(timestamp: number): void;
}

/**
 * Timers of a keyed operator, scoped to the key that is current when they are registered. A timer
 * is identified by (key, namespace, timestamp): registering it twice keeps one. Namespaces are
 * primitives (a window operator uses one per window).
 */
export interface TimerService {
  registerEventTimeTimer(namespace: string | number, timestamp: number): void;
  deleteEventTimeTimer(namespace: string | number, timestamp: number): void;
  registerProcessingTimeTimer(namespace: string | number, timestamp: number): void;
  deleteProcessingTimeTimer(namespace: string | number, timestamp: number): void;
}

/** Counters an operator keeps beyond records in/out, e.g. skipped malformed input or late records. */
export interface OperatorMetrics {
  inc(name: string, by?: number): void;
}

/** What the runtime gives an operator in `open`. Lives as long as the operator instance. */
export interface OperatorContext<OUT> {
  readonly operatorName: string;
  readonly uid: string;
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly output: Output<OUT>;
  readonly clock: Clock;
  readonly metrics: OperatorMetrics;
  /** The subtask's user-defined metrics; absent where the host keeps none (then functions get a group that reports nowhere). */
  readonly metricGroup?: MetricGroup;
  /** Keyed state and timers; present only on operators after a keyBy. */
  readonly keyed: KeyedContext | undefined;
  readonly operatorState: OperatorStateStore;
  currentWatermark(): number;
  /**
   * Asks the task to wait for `promise` before it hands this operator more input: how an operator
   * with bounded in-flight work (async I/O, a slow sink) exerts backpressure.
   */
  block(promise: Promise<unknown>): void;
  /** Fails the job from outside a `processBatch` call (e.g. an async callback). */
  fail(error: unknown): void;
  /** The job's checkpointing mode, or undefined when it does not checkpoint. */
  readonly checkpointingMode?: 'EXACTLY_ONCE' | 'AT_LEAST_ONCE' | undefined;
}

export interface KeyedContext {
  readonly state: KeyedStateStore;
  readonly timers: TimerService;
  setCurrentKey(key: unknown): void;
  getCurrentKey(): unknown;
  /**
   * The keys that have a value in keyed state `stateName`: lets an operator that indexes its keys
   * outside keyed state rebuild that index in `open` after a restore (at any parallelism).
   */
  keysOf(stateName: string): unknown[];
}

/**
 * The operator SPI. Only `processBatch` is required; every hook has a default the runtime applies
 * when the method is missing.
 *
 * Contract: the runtime calls these methods one at a time, on the task's thread, never
 * concurrently. `processBatch` must not keep or mutate the batch it receives. Before
 * `onWatermark(w)`, the runtime has fired every event-time timer with timestamp <= w.
 *
 * @example
 * const doubler: Operator<number> = {
 *   open(ctx) { this.ctx = ctx; },
 *   processBatch(b) { this.ctx.output.push(new Batch(b.values.map((v) => v * 2), b.timestamps)); },
 * } as Operator<number> & { ctx: OperatorContext<number> };
 */
export interface Operator<OUT = unknown> {
  /**
   * Which changelogs the operator consumes: `'insert-only'` (the default) or `'all'` (it handles
   * `-U`, `+U` and `-D` rows, or passes each row's kind on to what it emits for the row). The
   * runtime fails the job, naming the operator and the row, when an insert-only operator receives
   * any other row kind, instead of letting it count a deletion as an insertion.
   */
  readonly inputChangelogMode?: 'insert-only' | 'all';
  open?(ctx: OperatorContext<OUT>): void | Promise<void>;
  /** One batch from input `input` (0 for single-input operators). */
  processBatch(batch: Batch<any>, input: number): void;
  /** The combined watermark advanced. Default: forward it. */
  onWatermark?(watermark: number): void;
  /**
   * All open inputs of the subtask went idle (`true`) or one became active again (`false`); called
   * before downstream hears of it, so what the operator emits here still counts for downstream
   * event time (Flink's processWatermarkStatus).
   */
  onWatermarkStatus?(idle: boolean): void;
  /** An event-time timer fired; the runtime has set its key as current. */
  onEventTime?(namespace: string | number, timestamp: number): void;
  /** A processing-time timer fired; the runtime has set its key as current. */
  onProcessingTime?(namespace: string | number, timestamp: number): void;
  /** Input `input` has ended. */
  endInput?(input: number): void | Promise<void>;
  /** All inputs ended and the final watermark was processed; flush what is buffered. */
  finish?(): void | Promise<void>;
  close?(): void | Promise<void>;
  /**
   * A checkpoint barrier is about to be taken and forwarded: emit what is buffered, so that it
   * travels ahead of the barrier instead of into the snapshot (Flink's prepareSnapshotPreBarrier).
   */
  prepareSnapshotPreBarrier?(checkpointId: number): void;
  /**
   * Operator-owned state beyond keyed state and operator state stores, as a value the structured
   * clone algorithm can copy (plain objects, arrays, Maps, Sets, Dates, typed arrays). Called when
   * the checkpoint barrier has been aligned, before the barrier is forwarded. May return a promise
   * of that value (for I/O that must finish before the checkpoint counts, e.g. flushing files); the
   * value must then be decided synchronously, only its durability may lag.
   */
  snapshotState?(checkpointId: number): unknown;
  /**
   * Called before `open` with what `snapshotState` returned, when the job resumes from a checkpoint:
   * once per old subtask whose state this subtask inherits, in order of old subtask index. At the
   * same parallelism that is the subtask with the same index; at another, new subtask `i` inherits
   * old subtasks `j` with `j % parallelism === i`, so each old state is restored exactly once
   * (possibly several into one subtask, possibly none into a new one).
   */
  restoreState?(state: unknown): void | Promise<void>;
  /** Checkpoint `checkpointId` is complete on every task: commit what was pre-committed for it. */
  notifyCheckpointComplete?(checkpointId: number): void | Promise<void>;
  notifyCheckpointAborted?(checkpointId: number): void;
}
