import type { Batch } from '../core/batch.js';
import { MAX_WATERMARK } from '../core/batch.js';
import type { Clock } from '../core/clock.js';
import { WeirError, describe } from '../core/errors.js';
import type { KeyedContext, Operator, OperatorContext } from '../core/operator.js';
import type { ChannelTarget } from './edge-router.js';
import { SubtaskMetrics } from './operator-metrics.js';
import { HeapKeyedStateBackend } from './state/heap-keyed-state-backend.js';
import { HeapOperatorStateStore } from './state/operator-state-store.js';
import { SubtaskOutput } from './subtask-output.js';
import { InternalTimerService } from './time/internal-timer-service.js';
import { WatermarkCombiner } from './time/watermark-combiner.js';

/** What a subtask needs from the job around it. */
export interface SubtaskHost {
  readonly clock: Clock;
  /** Fails the whole job. */
  fail(error: unknown): void;
  /** The task should wait for `p` before feeding more input. */
  block(p: Promise<unknown>): void;
  readonly failed: boolean;
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
  readonly backend: HeapKeyedStateBackend | undefined;
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

  constructor(
    readonly info: SubtaskInfo,
    readonly operator: Operator<unknown>,
    private readonly host: SubtaskHost,
  ) {
    if (info.keyed) {
      const backend = new HeapKeyedStateBackend(host.clock, info.maxParallelism);
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
    const self = this;
    const keyed: KeyedContext | undefined = this.backend && {
      state: this.backend,
      timers: this.timers!,
      setCurrentKey: (k) => this.backend!.setCurrentKey(k),
      getCurrentKey: () => this.backend!.getCurrentKey(),
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
    this.metrics.recordsIn += batch.values.length;
    this.operator.processBatch(batch, this.channelInput[channel]!);
  }

  receiveWatermark(channel: number, watermark: number): void {
    const w = this.combiner.update(channel, watermark);
    if (w !== undefined) this.advanceWatermark(w);
  }

  receiveIdle(channel: number, idle: boolean): void {
    const w = this.combiner.setIdle(channel, idle);
    if (w !== undefined) this.advanceWatermark(w);
    else if (idle && this.combiner.allIdle) this.output.pushIdle(true);
    else if (!idle) this.output.pushIdle(false);
  }

  private advanceWatermark(w: number): void {
    this.watermark = w;
    this.timers?.advanceWatermark(w);
    if (this.operator.onWatermark) this.operator.onWatermark(w);
    else this.output.pushWatermark(w);
  }

  receiveEnd(channel: number): void {
    const input = this.channelInput[channel]!;
    this.openChannelsPerInput[input]!--;
    this.openChannels--;
    // An ended channel no longer holds back the watermark.
    this.receiveWatermark(channel, MAX_WATERMARK);
    if (this.openChannelsPerInput[input] === 0 || this.openChannels === 0) {
      const prev = this.finishing ?? Promise.resolve();
      const last = this.openChannels === 0;
      this.finishing = prev.then(() => this.endInput(input, last)).catch((e) => this.host.fail(this.wrap(e)));
    }
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
    this.output.end();
    this.resolveEnded();
  }

  async close(): Promise<void> {
    this.timers?.close();
    await this.operator.close?.();
  }
}
