import { END } from '../core/stream-element.js';
import type { Batch } from '../core/batch.js';
import { MAX_WATERMARK } from '../core/batch.js';
import { WeirError, describe } from '../core/errors.js';
import type { KeyedContext, Operator, OperatorContext } from '../core/operator.js';
import type { KeyedStateBackend, KeyedStateBackendSnapshot } from '../core/state-backend.js';
import { serialize } from 'node:v8';
import { checkInsertOnly } from './changelog-input.js';
import { SubtaskMetrics } from './operator-metrics.js';
import { enterTask, exitTask } from './task-times.js';
import { HeapOperatorStateStore } from './state/operator-state-store.js';
import { QueryableStates } from './state/queryable-states.js';
import { restoreSubtask } from './subtask-restore.js';
import type { RestoredSubtaskState, SubtaskSnapshot } from './subtask-snapshot.js';
import { SubtaskOutput, type ChainedInput } from './subtask-output.js';
import type { TaskHost } from './stream-task.js';
import { locateFailure } from './failure-log.js';
import { InternalTimerService } from './time/internal-timer-service.js';

export interface SubtaskInfo {
  readonly name: string;
  readonly uid: string;
  readonly index: number;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly keyed: boolean;
}

/** The parts of one operator's snapshot: copied now (`head`), or still being written (`keyed`, `operator`). */
export interface OperatorSnapshotParts {
  readonly head: Uint8Array;
  readonly keyed: Promise<KeyedStateBackendSnapshot> | undefined;
  readonly operator: Promise<unknown> | undefined;
}

/**
 * One parallel instance of an operator inside a task ({@link StreamTask}): the operator, its keyed
 * state, timers, operator state, metrics and output. The task feeds the chain's head from its
 * channels; every other operator of the chain is fed by its predecessor's output by direct calls
 * (batches, watermarks, idleness), with no combiner or aligner in between.
 */
export class ChainedOperator implements ChainedInput {
  readonly metrics: SubtaskMetrics;
  readonly output: SubtaskOutput;
  readonly backend: KeyedStateBackend | undefined;
  readonly timers: InternalTimerService | undefined;
  readonly operatorState = new HeapOperatorStateStore();
  /** Keyed states declared `queryable`, readable while the job runs. */
  readonly queryable: QueryableStates | undefined;
  /** Whether the operator consumes updates and deletions (see `Operator.inputChangelogMode`). */
  private readonly acceptsChangelog: boolean;
  watermark = -Infinity;
  finished = false;

  constructor(
    readonly info: SubtaskInfo,
    readonly operator: Operator<unknown>,
    private readonly host: TaskHost,
  ) {
    this.metrics = new SubtaskMetrics(info.name);
    this.output = new SubtaskOutput(this.metrics);
    this.acceptsChangelog = operator.inputChangelogMode === 'all';
    if (info.keyed) {
      const backend = host.stateBackend.createKeyedStateBackend({ clock: host.clock, maxParallelism: info.maxParallelism, operatorName: info.name });
      this.backend = backend;
      this.queryable = new QueryableStates(backend);
      this.timers = new InternalTimerService(
        () => backend.currentKeyId,
        host.clock,
        {
          fireEventTime: (keyId, ns, ts) => {
            backend.setCurrentKeyId(keyId);
            this.operator.onEventTime?.(ns, ts);
          },
          fireProcessingTime: (keyId, ns, ts) => {
            backend.setCurrentKeyId(keyId);
            this.operator.onProcessingTime?.(ns, ts);
          },
        },
        (fn) => this.timedGuard(fn),
        { event: backend.timerStore?.('event'), processing: backend.timerStore?.('processing') },
      );
    }
  }

  async open(): Promise<void> {
    const self = this;
    const keyed: KeyedContext | undefined = this.backend && {
      state: this.queryable!.wrap(),
      timers: this.timers!,
      setCurrentKey: (k) => this.backend!.setCurrentKey(k),
      getCurrentKey: () => this.backend!.getCurrentKey(),
      keysOf: (name) => this.backend!.keys(name),
    };
    const ctx: OperatorContext<unknown> = {
      operatorName: this.info.name,
      uid: this.info.uid,
      subtaskIndex: this.info.index,
      parallelism: this.info.parallelism,
      maxParallelism: this.info.maxParallelism,
      output: this.output,
      clock: this.host.clock,
      metrics: this.metrics,
      metricGroup: this.metrics.user.group,
      keyed,
      operatorState: this.operatorState,
      currentWatermark: () => self.watermark,
      block: (p) => this.host.block(p),
      fail: (e) => this.host.fail(this.wrap(e)),
      checkpointingMode: this.host.checkpointingMode,
    };
    this.metrics.startedAt = performance.now();
    await this.operator.open?.(ctx);
  }

  /** Entries (and bytes, where the backend knows them) of this subtask's keyed state; undefined when it has none. */
  stateSize(): { entries: number; bytes?: number; cacheBytes?: number } | undefined {
    return this.backend?.stateSize?.();
  }

  /** Runs `fn` and turns a throw into a job failure naming this operator. */
  guard(fn: () => void): void {
    if (this.host.failed) return;
    try {
      fn();
    } catch (e) {
      this.host.fail(this.wrap(e));
    }
  }

  /** {@link guard}, counted as the task's busy time (a processing-time timer's wakeup). */
  private timedGuard(fn: () => void): void {
    const times = this.metrics.task;
    enterTask(times);
    try {
      this.guard(fn);
    } finally {
      exitTask(times);
    }
  }

  wrap(e: unknown): unknown {
    if (e instanceof WeirError) return locateFailure(e, this.info);
    const wrapped = new WeirError(`Operator '${this.info.name}' (subtask ${this.info.index + 1}/${this.info.parallelism}) failed: ${describe(e)}`, {
      cause: e,
    });
    return locateFailure(wrapped, this.info);
  }

  processBatch(batch: Batch<unknown>, input: number): void {
    this.metrics.recordsIn += batch.values.length;
    if (batch.kinds !== undefined && !this.acceptsChangelog) checkInsertOnly(this.info.name, batch);
    this.operator.processBatch(batch, input);
  }

  advanceWatermark(w: number): void {
    this.watermark = w;
    this.timers?.advanceWatermark(w);
    if (this.operator.onWatermark) this.operator.onWatermark(w);
    else this.output.pushWatermark(w);
  }

  /** The input became idle (or active again): only transitions arrive here. */
  setIdle(idle: boolean): void {
    this.operator.onWatermarkStatus?.(idle);
    this.output.pushIdle(idle);
  }

  /**
   * The last input ended: event time ends, and processing-time timers still pending fire now, so a
   * bounded job emits everything it holds instead of dropping it; then the operator finishes.
   */
  async finish(): Promise<void> {
    if (this.watermark < MAX_WATERMARK) this.advanceWatermark(MAX_WATERMARK);
    this.timers?.advanceProcessingTime(Infinity);
    await this.operator.finish?.();
    this.metrics.endedAt = performance.now();
    this.finished = true;
    this.output.emit(END);
  }

  /**
   * This operator's part of checkpoint `id`. Keyed state freezes now and is written out
   * asynchronously; timers, operator state and the operator's own state are copied now. An
   * operator whose snapshot finishes asynchronously (a two-phase-commit sink flushing its files)
   * completes it later.
   */
  snapshotParts(id: number, savepoint: boolean, sourceState: unknown): OperatorSnapshotParts {
    const keyed = this.backend?.snapshotAsync({ checkpointId: id, savepoint });
    const snap = this.snapshotHead(id, sourceState);
    const operator = snap.operator instanceof Promise ? (snap.operator as Promise<unknown>) : undefined;
    const head = serialize(operator ? { ...snap, operator: undefined } : snap);
    return { head, keyed, operator };
  }

  private snapshotHead(checkpointId: number, sourceState?: unknown): SubtaskSnapshot {
    return {
      ...(this.timers ? { timers: this.timers.snapshot() } : {}),
      operatorState: this.operatorState.snapshot(),
      ...(this.operator.snapshotState ? { operator: this.operator.snapshotState(checkpointId) } : {}),
      ...(sourceState !== undefined ? { source: sourceState } : {}),
    };
  }

  /** A synchronous copy of this operator's state (the caller serializes it before processing resumes). */
  snapshot(checkpointId: number, sourceState?: unknown): SubtaskSnapshot {
    return { ...(this.backend ? { keyed: this.backend.snapshot() } : {}), ...this.snapshotHead(checkpointId, sourceState) };
  }

  /**
   * Loads this operator instance's share of a checkpoint of the same operator taken at any
   * parallelism, chained or not (see {@link restoreSubtask}); returns the source positions for a
   * source. Call before `open`.
   */
  restore(states: RestoredSubtaskState[]): Promise<unknown> {
    return restoreSubtask(this, states);
  }

  async close(): Promise<void> {
    this.timers?.close();
    await this.operator.close?.();
    this.backend?.dispose?.();
  }
}
