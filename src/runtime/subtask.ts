import type { Batch } from '../core/batch.js';
import { MAX_WATERMARK } from '../core/batch.js';
import type { Clock } from '../core/clock.js';
import { WeirError, describe } from '../core/errors.js';
import type { KeyedContext, Operator, OperatorContext } from '../core/operator.js';
import type { KeyedStateBackend, StateBackendFactory } from '../core/state-backend.js';
import { serialize } from 'node:v8';
import { BarrierAligner, type CheckpointingMode } from './checkpoint/barrier-aligner.js';
import type { ChannelTarget } from './edge-router.js';
import { replayHeld, type Held } from './checkpoint/held-input.js';
import { restoreSubtask } from './subtask-restore.js';
import { encodeSubtaskState, type RestoredSubtaskState, type SubtaskSnapshot } from './subtask-snapshot.js';
import { SubtaskMetrics } from './operator-metrics.js';
import { HeapOperatorStateStore } from './state/operator-state-store.js';
import { SubtaskOutput } from './subtask-output.js';
import { InternalTimerService } from './time/internal-timer-service.js';
import { WatermarkCombiner } from './time/watermark-combiner.js';
import { checkInsertOnly } from './changelog-input.js';

/** What a subtask needs from the job around it. */
export interface SubtaskHost {
  readonly clock: Clock;
  /** Fails the whole job. */
  fail(error: unknown): void;
  /** The task should wait for `p` before feeding more input. */
  block(p: Promise<unknown>): void;
  readonly failed: boolean;
  /** Checkpointing mode, or undefined when checkpointing is off. */
  readonly checkpointingMode: CheckpointingMode | undefined;
  /** The keyed state backend of keyed subtasks (`state.backend.type`). */
  readonly stateBackend: StateBackendFactory;
  /** This subtask took checkpoint `id`: `state` is its serialized {@link SubtaskSnapshot}. */
  acknowledgeCheckpoint(id: number, task: Subtask, state: Uint8Array, alignmentMs: number, syncMs: number): void;
  /**
   * The checkpoint triggered in this attempt and neither completed nor aborted yet, if any. A
   * subtask whose last input ends without a barrier takes it then: its upstream finished before
   * the trigger reached it and will send no barrier, while the trigger reached this subtask before
   * the end of input did (across slots the two travel on different ports).
   */
  triggeredCheckpoint?(): { readonly id: number; readonly savepoint: boolean } | undefined;
}

export interface SubtaskInfo {
  readonly name: string;
  readonly uid: string;
  readonly index: number;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly keyed: boolean;
}

/**
 * One parallel instance of an operator. It owns the operator's input bookkeeping (channels mapped to
 * logical inputs, watermark combination, end of input), its keyed state and timers, and its output.
 * The operator only sees batches, combined watermarks and hooks.
 */
export class Subtask implements ChannelTarget {
  readonly metrics = new SubtaskMetrics();
  readonly output = new SubtaskOutput(this.metrics);
  readonly backend: KeyedStateBackend | undefined;
  readonly timers: InternalTimerService | undefined;
  readonly operatorState = new HeapOperatorStateStore();
  /** Logical input index of each channel. */
  private readonly channelInput: number[] = [];
  private combiner!: WatermarkCombiner;
  private openChannelsPerInput: number[] = [];
  private openChannels = 0;
  private finishing: Promise<void> | undefined;
  private resolveEnded!: () => void;
  readonly ended = new Promise<void>((r) => (this.resolveEnded = r));
  private watermark = -Infinity;
  /** Whether downstream was last told this subtask is idle (all its open inputs are). */
  private reportedIdle = false;
  private aligner: BarrierAligner | undefined;
  /** True while some channel is blocked by barrier alignment: the only check on the hot path. */
  private aligning = false;
  private held: Held[] = [];
  private alignStart = 0;
  private finishedAll = false;
  /** Whether the operator consumes updates and deletions (see `Operator.inputChangelogMode`). */
  private readonly acceptsChangelog: boolean;
  /** The newest checkpoint this subtask took; each is taken once, whichever path reaches it first. */
  private lastCheckpoint = -1;

  constructor(
    readonly info: SubtaskInfo,
    readonly operator: Operator<unknown>,
    private readonly host: SubtaskHost,
  ) {
    this.acceptsChangelog = operator.inputChangelogMode === 'all';
    if (info.keyed) {
      const backend = host.stateBackend.createKeyedStateBackend({ clock: host.clock, maxParallelism: info.maxParallelism, operatorName: info.name });
      this.backend = backend;
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
        (fn) => this.guard(fn),
      );
    }
  }

  /** Registers a channel for logical input `input`; returns its channel index. */
  addChannel(input: number): number {
    this.channelInput.push(input);
    this.openChannelsPerInput[input] = (this.openChannelsPerInput[input] ?? 0) + 1;
    this.openChannels++;
    return this.channelInput.length - 1;
  }

  async open(): Promise<void> {
    this.combiner = new WatermarkCombiner(this.channelInput.length);
    if (this.host.checkpointingMode) this.aligner = new BarrierAligner(this.channelInput.length, this.host.checkpointingMode);
    const self = this;
    const keyed: KeyedContext | undefined = this.backend && {
      state: this.backend,
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

  /** Runs `fn` and turns a throw into a job failure naming this operator. */
  guard(fn: () => void): void {
    if (this.host.failed) return;
    try {
      fn();
    } catch (e) {
      this.host.fail(this.wrap(e));
    }
  }

  wrap(e: unknown): unknown {
    if (e instanceof WeirError) return e;
    return new WeirError(`Operator '${this.info.name}' (subtask ${this.info.index + 1}/${this.info.parallelism}) failed: ${describe(e)}`, { cause: e });
  }

  receiveBatch(channel: number, batch: Batch<unknown>): void {
    if (this.aligning && this.aligner!.isBlocked(channel)) {
      this.held.push({ ch: channel, kind: 0, batch });
      return;
    }
    this.metrics.recordsIn += batch.values.length;
    if (batch.kinds !== undefined && !this.acceptsChangelog) checkInsertOnly(this.info.name, batch);
    this.operator.processBatch(batch, this.channelInput[channel]!);
  }

  receiveWatermark(channel: number, watermark: number): void {
    if (this.aligning && this.aligner!.isBlocked(channel)) {
      this.held.push({ ch: channel, kind: 1, watermark });
      return;
    }
    const w = this.combiner.update(channel, watermark);
    if (w !== undefined) this.advanceWatermark(w);
  }

  receiveIdle(channel: number, idle: boolean): void {
    if (this.aligning && this.aligner!.isBlocked(channel)) {
      this.held.push({ ch: channel, kind: 2, idle });
      return;
    }
    const w = this.combiner.setIdle(channel, idle);
    if (w !== undefined) this.advanceWatermark(w);
    this.reportIdleness();
  }

  /** Downstream hears only transitions: this subtask is idle when all its open inputs are. */
  private reportIdleness(): void {
    const idle = this.combiner.allIdle;
    if (idle === this.reportedIdle) return;
    this.reportedIdle = idle;
    this.operator.onWatermarkStatus?.(idle);
    this.output.pushIdle(idle);
  }

  private advanceWatermark(w: number): void {
    this.watermark = w;
    this.timers?.advanceWatermark(w);
    if (this.operator.onWatermark) this.operator.onWatermark(w);
    else this.output.pushWatermark(w);
  }

  receiveEnd(channel: number): void {
    if (this.aligning && this.aligner!.isBlocked(channel)) {
      this.held.push({ ch: channel, kind: 4 });
      return;
    }
    if (this.aligner?.onEnd(channel)) this.completeCheckpoint(this.alignedId, this.alignedSavepoint);
    const input = this.channelInput[channel]!;
    this.openChannelsPerInput[input]!--;
    this.openChannels--;
    // An ended channel no longer holds back the watermark (nor releases idle ones).
    const w = this.combiner.end(channel);
    if (w !== undefined) this.advanceWatermark(w);
    this.reportIdleness();
    if (this.openChannels === 0) {
      const t = this.host.triggeredCheckpoint?.();
      if (t && t.id > this.lastCheckpoint) this.checkpointNow(t.id, t.savepoint, undefined);
    }
    if (this.openChannelsPerInput[input] === 0 || this.openChannels === 0) {
      const prev = this.finishing ?? Promise.resolve();
      const last = this.openChannels === 0;
      this.finishing = prev.then(() => this.endInput(input, last)).catch((e) => this.host.fail(this.wrap(e)));
    }
  }

  private alignedId = -1;
  private alignedSavepoint = false;

  receiveBarrier(channel: number, id: number, savepoint: boolean): void {
    const aligner = this.aligner;
    if (!aligner) return;
    if (this.aligning && aligner.isBlocked(channel)) {
      this.held.push({ ch: channel, kind: 3, id, savepoint });
      return;
    }
    const r = aligner.onBarrier(channel, id);
    if (r.abandoned !== undefined) this.release();
    if (r.result === 'ignored') return;
    if (aligner.pendingCheckpoint === id && this.alignedId !== id) {
      this.alignedId = id;
      this.alignedSavepoint = savepoint;
      this.alignStart = performance.now();
      this.aligning = aligner.mode === 'EXACTLY_ONCE';
    }
    if (r.result === 'complete') {
      this.alignedId = id;
      this.alignedSavepoint = savepoint;
      this.completeCheckpoint(id, savepoint);
    }
  }

  /** Snapshot, forward the barrier, acknowledge, then let held-back input through. */
  private completeCheckpoint(id: number, savepoint: boolean): void {
    const alignmentMs = this.alignStart ? performance.now() - this.alignStart : 0;
    this.alignStart = 0;
    this.checkpointNow(id, savepoint, undefined, alignmentMs);
    this.release();
  }

  /** Takes this subtask's part of checkpoint `id` now (sources, and subtasks that already finished). */
  checkpointNow(id: number, savepoint: boolean, sourceState: unknown, alignmentMs = 0): void {
    if (id <= this.lastCheckpoint) return;
    this.lastCheckpoint = id;
    const t0 = performance.now();
    if (!this.finishedAll) this.operator.prepareSnapshotPreBarrier?.(id);
    // Keyed state freezes now and is written out asynchronously; timers, operator state and the
    // operator's own state are copied now. An operator whose snapshot finishes asynchronously (a
    // two-phase-commit sink flushing its files) acknowledges when it is done.
    const keyed = this.backend?.snapshotAsync();
    const snap = this.snapshotHead(id, sourceState);
    const operator = snap.operator instanceof Promise ? (snap.operator as Promise<unknown>) : undefined;
    const head = serialize(operator ? { ...snap, operator: undefined } : snap);
    const syncMs = performance.now() - t0;
    if (!this.finishedAll) this.output.pushBarrier(id, savepoint);
    if (!keyed && !operator) return this.host.acknowledgeCheckpoint(id, this, encodeSubtaskState({ head }), alignmentMs, syncMs);
    Promise.all([keyed, operator]).then(
      ([k, op]) => this.host.acknowledgeCheckpoint(id, this, encodeSubtaskState({ head, ...(k ? { keyed: k } : {}), ...(operator ? { operator: op } : {}) }), alignmentMs, syncMs),
      (e) => this.host.fail(this.wrap(e)),
    );
  }

  private snapshotHead(checkpointId: number, sourceState?: unknown): SubtaskSnapshot {
    return {
      ...(this.timers ? { timers: this.timers.snapshot() } : {}),
      operatorState: this.operatorState.snapshot(),
      ...(this.operator.snapshotState ? { operator: this.operator.snapshotState(checkpointId) } : {}),
      ...(sourceState !== undefined ? { source: sourceState } : {}),
    };
  }

  private release(): void {
    this.aligning = false;
    const held = this.held;
    this.held = [];
    replayHeld(this, held);
  }

  /** A synchronous copy of this subtask's state (the caller serializes it before processing resumes). */
  snapshot(checkpointId: number, sourceState?: unknown): SubtaskSnapshot {
    return { ...(this.backend ? { keyed: this.backend.snapshot() } : {}), ...this.snapshotHead(checkpointId, sourceState) };
  }

  /**
   * Loads this subtask's share of a checkpoint of the same operator taken at any parallelism (see
   * {@link restoreSubtask}); returns the source positions for a source subtask. Call before `open`.
   */
  restore(states: RestoredSubtaskState[]): Promise<unknown> {
    return restoreSubtask(this, states);
  }

  async notifyCheckpointComplete(id: number): Promise<void> {
    await this.operator.notifyCheckpointComplete?.(id);
  }
  notifyCheckpointAborted(id: number): void {
    this.operator.notifyCheckpointAborted?.(id);
  }

  /** Every input channel ended (the subtask may still be finishing). */
  get inputsEnded(): boolean {
    return this.channelInput.length > 0 && this.openChannels === 0;
  }

  get isFinished(): boolean {
    return this.finishedAll;
  }

  /** Ends a source subtask, which has no input channels. */
  endSource(): void {
    this.finishing = this.endInput(0, true).catch((e) => this.host.fail(this.wrap(e)));
  }

  private async endInput(input: number, last: boolean): Promise<void> {
    if (this.openChannelsPerInput[input] === 0 || this.channelInput.length === 0) await this.operator.endInput?.(input);
    if (!last || this.host.failed) return;
    // End of input: event time ends, and processing-time timers still pending fire now, so a bounded
    // job emits everything it holds instead of dropping it.
    if (this.watermark < MAX_WATERMARK) this.advanceWatermark(MAX_WATERMARK);
    this.timers?.advanceProcessingTime(Infinity);
    await this.operator.finish?.();
    this.metrics.endedAt = performance.now();
    this.finishedAll = true;
    this.output.end();
    this.resolveEnded();
  }

  async close(): Promise<void> {
    this.timers?.close();
    await this.operator.close?.();
    this.backend?.dispose?.();
  }
}
