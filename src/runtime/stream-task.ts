import type { Batch } from '../core/batch.js';
import type { Clock } from '../core/clock.js';
import type { StateBackendFactory } from '../core/state-backend.js';
import { BarrierAligner, type CheckpointingMode } from './checkpoint/barrier-aligner.js';
import { replayHeld, type Held } from './checkpoint/held-input.js';
import { barrierElement, batchElement, type ControlElement } from '../core/stream-element.js';
import { encodeTaskState, splitSharedFiles, type OperatorStateBytes } from './checkpoint/task-state.js';
import type { ChainedOperator, OperatorSnapshotParts } from './chained-operator.js';
import type { ChannelTarget } from './edge-router.js';
import { encodeSubtaskState } from './subtask-snapshot.js';
import { WatermarkCombiner } from './time/watermark-combiner.js';
import { TaskTimes, enterTask, exitTask } from './task-times.js';
import { fuseChainedMaps } from './operators/fuse-chained-map.js';

/** What a task needs from the job around it. */
export interface TaskHost {
  readonly clock: Clock;
  /** Fails the whole job. */
  fail(error: unknown): void;
  /** The task should wait for `p` before feeding more input. */
  block(p: Promise<unknown>): void;
  readonly failed: boolean;
  /** Checkpointing mode, or undefined when checkpointing is off. */
  readonly checkpointingMode: CheckpointingMode | undefined;
  /** The keyed state backend of keyed operators (`state.backend.type`). */
  readonly stateBackend: StateBackendFactory;
  /** This task took checkpoint `id`: `state` holds each of its operators' states ({@link encodeTaskState}). */
  acknowledgeCheckpoint(id: number, task: StreamTask, state: Uint8Array, alignmentMs: number, syncMs: number): void;
  /**
   * The checkpoint triggered in this attempt and neither completed nor aborted yet, if any. A
   * task whose last input ends without a barrier takes it then: its upstream finished before
   * the trigger reached it and will send no barrier, while the trigger reached this task before
   * the end of input did (across slots the two travel on different ports).
   */
  triggeredCheckpoint?(): { readonly id: number; readonly savepoint: boolean } | undefined;
}

/**
 * One parallel instance of an operator chain, run as one task: it owns the input side of the
 * chain's head (channels mapped to logical inputs, watermark combination, barrier alignment,
 * held-back input, end of input), ends the chain's operators head to tail, and takes checkpoints
 * for all of them at once: one snapshot of every operator, the barrier forwarded from the chain's
 * outputs, one acknowledgement.
 */
export class StreamTask implements ChannelTarget {
  readonly head: ChainedOperator;
  readonly tail: ChainedOperator;
  /** Logical input index of each channel. */
  private readonly channelInput: number[] = [];
  private combiner!: WatermarkCombiner;
  private openChannelsPerInput: number[] = [];
  private openChannels = 0;
  private finishing: Promise<void> | undefined;
  private resolveEnded!: () => void;
  readonly ended = new Promise<void>((r) => (this.resolveEnded = r));
  /** Whether downstream was last told this task is idle (all its open inputs are). */
  private reportedIdle = false;
  private aligner: BarrierAligner | undefined;
  /** True while some channel is blocked by barrier alignment: the only check on the hot path. */
  private aligning = false;
  private held: Held[] = [];
  private alignStart = 0;
  private alignedId = -1;
  private alignedSavepoint = false;
  /** The newest checkpoint this task took; each is taken once, whichever path reaches it first. */
  private lastCheckpoint = -1;
  /** Busy and back-pressured time, which every operator of the chain reports. */
  readonly times = new TaskTimes();

  constructor(
    /** Head to tail; each one's output feeds the next by direct calls. */
    readonly operators: readonly ChainedOperator[],
    private readonly host: TaskHost,
  ) {
    this.head = operators[0]!;
    this.tail = operators[operators.length - 1]!;
    for (let i = 1; i < operators.length; i++) operators[i - 1]!.output.next = operators[i]!;
    fuseChainedMaps(operators);
    for (const op of operators) op.metrics.task = this.times;
  }

  /** The head's identity: the task is named after it in checkpoints (`uid#index`). */
  get info(): ChainedOperator['info'] {
    return this.head.info;
  }

  /** Registers a channel for logical input `input` of the head; returns its channel index. */
  addChannel(input: number): number {
    this.channelInput.push(input);
    this.openChannelsPerInput[input] = (this.openChannelsPerInput[input] ?? 0) + 1;
    this.openChannels++;
    return this.channelInput.length - 1;
  }

  async open(): Promise<void> {
    this.combiner = new WatermarkCombiner(this.channelInput.length);
    if (this.host.checkpointingMode) this.aligner = new BarrierAligner(this.channelInput.length, this.host.checkpointingMode);
    for (const op of this.operators) await op.open();
  }

  /** Runs `fn` and turns a throw into a job failure naming the head operator. */
  guard(fn: () => void): void {
    this.head.guard(fn);
  }

  /**
   * A failure as the job reports it. User functions name their operator themselves
   * (`UserFunctionError`); anything else is reported under the head's name.
   */
  wrap(e: unknown): unknown {
    return this.head.wrap(e);
  }

  receiveBatch(channel: number, batch: Batch<unknown>): void {
    if (this.aligning && this.aligner!.isBlocked(channel)) {
      this.held.push({ channel, element: batchElement(batch) });
      return;
    }
    // Timed per batch: the busy time Flink's busyTimeMsPerSecond is a rate of.
    enterTask(this.times);
    try {
      this.head.processBatch(batch, this.channelInput[channel]!);
    } finally {
      exitTask(this.times);
    }
  }

  /** Watermarks, idleness, barriers and end of input; held back like batches while a channel is blocked. */
  receiveControl(channel: number, element: ControlElement): void {
    if (this.aligning && this.aligner!.isBlocked(channel)) {
      this.held.push({ channel, element });
      return;
    }
    switch (element.kind) {
      case 'watermark':
        return this.receiveWatermark(channel, element.timestamp);
      case 'idle':
        return this.receiveIdle(channel, element.idle);
      case 'barrier':
        return this.receiveBarrier(channel, element.checkpointId, element.savepoint);
      case 'end':
        return this.receiveEnd(channel);
    }
  }

  private receiveWatermark(channel: number, watermark: number): void {
    const w = this.combiner.update(channel, watermark);
    if (w === undefined) return;
    // Event-time timers fire here: busy time too.
    enterTask(this.times);
    try {
      this.head.advanceWatermark(w);
    } finally {
      exitTask(this.times);
    }
  }

  private receiveIdle(channel: number, idle: boolean): void {
    const w = this.combiner.setIdle(channel, idle);
    if (w !== undefined) this.head.advanceWatermark(w);
    this.reportIdleness();
  }

  /** The chain hears only transitions: this task is idle when all its open inputs are. */
  private reportIdleness(): void {
    const idle = this.combiner.allIdle;
    if (idle === this.reportedIdle) return;
    this.reportedIdle = idle;
    this.head.setIdle(idle);
  }

  private receiveEnd(channel: number): void {
    if (this.aligner?.onEnd(channel)) this.completeCheckpoint(this.alignedId, this.alignedSavepoint);
    const input = this.channelInput[channel]!;
    this.openChannelsPerInput[input]!--;
    this.openChannels--;
    // An ended channel no longer holds back the watermark (nor releases idle ones).
    const w = this.combiner.end(channel);
    if (w !== undefined) this.head.advanceWatermark(w);
    this.reportIdleness();
    if (this.openChannels === 0) {
      const t = this.host.triggeredCheckpoint?.();
      if (t && t.id > this.lastCheckpoint) this.checkpointNow(t.id, t.savepoint, undefined);
    }
    if (this.openChannelsPerInput[input] === 0 || this.openChannels === 0) {
      const prev = this.finishing ?? Promise.resolve();
      const last = this.openChannels === 0;
      this.finishing = prev.then(() => this.endInput(input, last)).catch((e) => this.host.fail(this.head.wrap(e)));
    }
  }

  private receiveBarrier(channel: number, id: number, savepoint: boolean): void {
    const aligner = this.aligner;
    if (!aligner) return;
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

  /**
   * Takes this task's part of checkpoint `id` now (sources, and tasks that already finished):
   * `prepareSnapshotPreBarrier` head to tail, a snapshot of every operator, the barrier out of
   * the chain, and one acknowledgement once every operator's state is written.
   */
  checkpointNow(id: number, savepoint: boolean, sourceState: unknown, alignmentMs = 0): void {
    if (id <= this.lastCheckpoint) return;
    this.lastCheckpoint = id;
    const t0 = performance.now();
    const ops = this.operators;
    // Head first: what an operator flushes before the barrier reaches the next one in time.
    for (const op of ops) if (!op.finished) op.operator.prepareSnapshotPreBarrier?.(id);
    const parts: OperatorSnapshotParts[] = ops.map((op, i) => op.snapshotParts(id, savepoint, i === 0 ? sourceState : undefined));
    const syncMs = performance.now() - t0;
    const barrier = barrierElement(id, savepoint);
    for (const op of ops) if (!op.finished) op.output.emit(barrier);
    if (parts.every((p) => !p.keyed && !p.operator)) {
      return this.host.acknowledgeCheckpoint(
        id,
        this,
        encodeTaskState(parts.map((p, i) => ({ uid: ops[i]!.info.uid, bytes: encodeSubtaskState({ head: p.head }) }))),
        alignmentMs,
        syncMs,
      );
    }
    Promise.all(parts.map((p, i) => operatorStateBytes(ops[i]!.info.uid, p))).then(
      (states) => this.host.acknowledgeCheckpoint(id, this, encodeTaskState(states), alignmentMs, syncMs),
      (e) => this.host.fail(this.head.wrap(e)),
    );
  }

  private release(): void {
    this.aligning = false;
    const held = this.held;
    this.held = [];
    replayHeld(this, held);
  }

  async notifyCheckpointComplete(id: number): Promise<void> {
    for (const op of this.operators) op.backend?.notifyCheckpointComplete?.(id);
    for (const op of this.operators) await op.operator.notifyCheckpointComplete?.(id);
  }

  notifyCheckpointAborted(id: number): void {
    for (const op of this.operators) op.operator.notifyCheckpointAborted?.(id);
  }

  /** Every input channel ended (the task may still be finishing). */
  get inputsEnded(): boolean {
    return this.channelInput.length > 0 && this.openChannels === 0;
  }

  /** Every operator of the chain finished. */
  get isFinished(): boolean {
    return this.tail.finished;
  }

  /** Ends a source task, which has no input channels. */
  endSource(): void {
    this.finishing = this.endInput(0, true).catch((e) => this.host.fail(this.head.wrap(e)));
  }

  /** Input `input` of the head ended; on the `last`, the chain finishes head to tail. */
  private async endInput(input: number, last: boolean): Promise<void> {
    if (this.openChannelsPerInput[input] === 0 || this.channelInput.length === 0) await this.head.operator.endInput?.(input);
    if (!last || this.host.failed) return;
    const ops = this.operators;
    for (let i = 0; i < ops.length; i++) {
      if (i > 0) {
        await ops[i]!.operator.endInput?.(0);
        if (this.host.failed) return;
      }
      await ops[i]!.finish();
      if (this.host.failed) return;
    }
    this.resolveEnded();
  }

  async close(): Promise<void> {
    let error: unknown;
    for (const op of this.operators) {
      try {
        await op.close();
      } catch (e) {
        error ??= e;
      }
    }
    if (error !== undefined) throw error;
  }
}

/** One operator's state file, once its asynchronous parts are written. */
async function operatorStateBytes(uid: string, p: OperatorSnapshotParts): Promise<OperatorStateBytes> {
  const [snap, operator] = await Promise.all([p.keyed, p.operator]);
  // New shared files of an incremental checkpoint travel beside the state file, which keeps their names.
  const { keyed, shared } = splitSharedFiles(snap);
  return { uid, bytes: encodeSubtaskState({ head: p.head, ...(keyed ? { keyed } : {}), ...(p.operator ? { operator } : {}) }), ...shared };
}
