import { Batch, NO_TIMESTAMP } from '../core/batch.js';
import { ManualClock } from '../core/clock.js';
import { END, idleElement, watermarkElement } from '../core/stream-element.js';
import type { CoProcessFunction, KeyedCoProcessFunction, KeyedProcessFunction, OutputTag, ProcessFunction } from '../core/functions.js';
import { DEFAULT_MAX_PARALLELISM } from '../core/key-group.js';
import type { Operator } from '../core/operator.js';
import type { StateDescriptor } from '../core/state.js';
import { createOperator } from '../runtime/operators/create-operator.js';
import { ChainedOperator } from '../runtime/chained-operator.js';
import { StreamTask } from '../runtime/stream-task.js';
import type { TimestampedValue } from './collecting-channel.js';
import { HarnessHost } from './harness-host.js';
import { HarnessOutput } from './harness-output.js';
import { readState, type StateContents } from './state-reader.js';
import { stateBackendFor } from '../runtime/state/state-backends.js';
import { operatorSpec } from '../graph/operator-spec.js';

export interface HarnessOptions {
  /** Key selector; the operator gets keyed state and timers. For two inputs, one selector per input. */
  key?: ((value: any) => unknown) | ((value: any) => unknown)[];
  /** Processing time when the harness opens (default 0). */
  processingTime?: number;
  /** Logical inputs of the operator (2 for co-process operators). */
  inputs?: number;
  name?: string;
  subtaskIndex?: number;
  parallelism?: number;
  maxParallelism?: number;
  /** Keyed state backend by `state.backend.type` name (default `hashmap`). */
  stateBackend?: string;
}

/**
 * One operator instance driven by hand, as Flink's operator test harnesses: feed records,
 * watermarks and processing time, then look at output, side outputs, keyed state and timers. It
 * runs the real runtime subtask (state backend, timer service, watermark handling) with a
 * {@link ManualClock}, so results are the same on every run. A failure of the operator (also from a
 * timer) is thrown by the call that triggered it.
 *
 * @example
 * const h = await OperatorHarness.forKeyedProcessFunction(fn, (e: Event) => e.user);
 * h.processElement({ user: 'a' }, 1000);
 * h.processWatermark(5000);
 * expect(h.values()).toEqual([...]);
 * expect(h.numEventTimeTimers()).toBe(0);
 */
export class OperatorHarness<IN, OUT> {
  readonly clock: ManualClock;
  private readonly host: HarnessHost;
  private readonly subtask: StreamTask;
  private readonly out: HarnessOutput<OUT>;
  private readonly keys: ((value: any) => unknown)[] | undefined;
  private readonly channels: number[] = [];

  private constructor(operator: Operator<unknown>, options: HarnessOptions) {
    const name = options.name ?? 'Harnessed Operator';
    const maxParallelism = options.maxParallelism ?? DEFAULT_MAX_PARALLELISM;
    this.keys = options.key === undefined ? undefined : Array.isArray(options.key) ? options.key : [options.key];
    this.clock = new ManualClock(options.processingTime ?? 0);
    this.host = new HarnessHost(this.clock, stateBackendFor(options.stateBackend));
    const info = { name, uid: name, index: options.subtaskIndex ?? 0, parallelism: options.parallelism ?? 1, maxParallelism, keyed: this.keys !== undefined };
    this.subtask = new StreamTask([new ChainedOperator(info, operator, this.host)], this.host);
    for (let i = 0; i < (options.inputs ?? 1); i++) this.channels.push(this.subtask.addChannel(i));
    this.out = new HarnessOutput<OUT>(this.subtask.head.output, maxParallelism, name);
  }

  /** A harness around any operator written against the Operator SPI; opened and ready. */
  static async forOperator<IN, OUT>(operator: Operator<OUT>, options: HarnessOptions = {}): Promise<OperatorHarness<IN, OUT>> {
    const h = new OperatorHarness<IN, OUT>(operator as Operator<unknown>, options);
    await h.subtask.open();
    h.host.rethrow();
    return h;
  }

  static forProcessFunction<IN, OUT>(fn: ProcessFunction<IN, OUT>, options: Omit<HarnessOptions, 'key' | 'inputs'> = {}): Promise<OperatorHarness<IN, OUT>> {
    return OperatorHarness.forOperator(createOperator(operatorSpec('process', { fn }), 'Process', false) as Operator<OUT>, options);
  }

  static forKeyedProcessFunction<K, IN, OUT>(
    fn: KeyedProcessFunction<K, IN, OUT>,
    key: (value: IN) => K,
    options: Omit<HarnessOptions, 'key' | 'inputs'> = {},
  ): Promise<OperatorHarness<IN, OUT>> {
    return OperatorHarness.forOperator(createOperator(operatorSpec('keyedProcess', { fn }), 'Keyed Process', true) as Operator<OUT>, { ...options, key });
  }

  /** Two inputs: pass `input` 0 or 1 to `processElement`; keyed when `options.key` has a selector per input. */
  static forCoProcessFunction<IN1, IN2, OUT>(
    fn: CoProcessFunction<IN1, IN2, OUT> | KeyedCoProcessFunction<any, IN1, IN2, OUT>,
    options: Omit<HarnessOptions, 'inputs'> = {},
  ): Promise<OperatorHarness<IN1 | IN2, OUT>> {
    const spec = options.key
      ? operatorSpec('keyedCoProcess', { fn: fn as KeyedCoProcessFunction<any, IN1, IN2, OUT> })
      : operatorSpec('coProcess', { fn: fn as CoProcessFunction<IN1, IN2, OUT> });
    return OperatorHarness.forOperator(createOperator(spec, 'Co-Process', options.key !== undefined) as Operator<OUT>, { ...options, inputs: 2 });
  }

  /** One record with event time `timestamp` (none by default) on input `input`; `kind`: a changelog row of that `RowKind`. */
  processElement(value: IN, timestamp: number = NO_TIMESTAMP, input = 0, kind?: number): void {
    this.host.rethrow();
    const keyFn = this.keys && (this.keys[input] ?? this.keys[0]!);
    this.subtask.receiveBatch(
      this.channels[input]!,
      new Batch([value], [timestamp], keyFn && [keyFn(value)], kind === undefined ? undefined : Uint8Array.of(kind)),
    );
    this.host.rethrow();
  }

  /** A watermark on one input, or on every input when `input` is left out. Due event-time timers fire. */
  processWatermark(watermark: number, input?: number): void {
    this.host.rethrow();
    const element = watermarkElement(watermark);
    for (const [i, ch] of this.channels.entries()) if (input === undefined || input === i) this.subtask.receiveControl(ch, element);
    this.host.rethrow();
  }

  /**
   * Takes checkpoint `checkpointId` as the barrier's arrival would: the operator's
   * `prepareSnapshotPreBarrier` and `snapshotState` run, and what it emits before the barrier shows
   * in the output.
   */
  checkpoint(checkpointId: number): void {
    this.subtask.checkpointNow(checkpointId, false, undefined);
    this.host.rethrow();
  }

  /** Marks input `input` idle (or active again), as a source `withIdleness` does. */
  processIdle(idle: boolean, input = 0): void {
    this.subtask.receiveControl(this.channels[input]!, idleElement(idle));
    this.host.rethrow();
  }

  /** Moves processing time to `time`; due processing-time timers fire. */
  setProcessingTime(time: number): void {
    this.host.rethrow();
    this.clock.setTime(time);
    this.host.rethrow();
  }

  advanceProcessingTime(ms: number): void {
    this.setProcessingTime(this.clock.now() + ms);
  }

  /** Ends every input, as a bounded job does: the final watermark, then pending processing-time timers, then `finish`. */
  async endInput(): Promise<void> {
    this.host.rethrow();
    for (const ch of this.channels) this.subtask.receiveControl(ch, END);
    await Promise.race([this.subtask.ended, this.host.failure]);
    await this.drain();
  }

  /** Waits for asynchronous work the operator made the task wait for (async I/O requests, sink writes). */
  async drain(): Promise<void> {
    await Promise.race([this.host.drain(), this.host.failure]);
    this.host.rethrow();
  }

  async close(): Promise<void> {
    await this.subtask.close();
    this.host.rethrow();
  }

  /** Records emitted on the main output, in order, with their timestamps. */
  output(): TimestampedValue<OUT>[] {
    return this.out.records();
  }

  values(): OUT[] {
    return this.out.values();
  }

  sideOutput<X>(tag: OutputTag<X>): TimestampedValue<X>[] {
    return this.out.side(tag);
  }

  /** Watermarks the operator emitted, in order. */
  watermarks(): number[] {
    return this.out.watermarks();
  }

  /** Forgets the output, side outputs and watermarks seen so far. */
  clearOutput(): void {
    this.out.clear();
  }

  /** The value of a keyed state for `key`, as a plain value (lists as arrays, map states as Maps). */
  state<D extends StateDescriptor>(descriptor: D, key: unknown): StateContents<D> {
    const backend = this.subtask.head.backend;
    if (!backend) throw new Error('This harness has no keyed state: create it with a key selector');
    const saved = backend.currentKeyId;
    backend.setCurrentKey(key);
    try {
      return readState(backend, descriptor);
    } finally {
      backend.setCurrentKeyId(saved);
    }
  }

  /** Keys that have a value in the given keyed state. */
  stateKeys(descriptor: StateDescriptor): unknown[] {
    return this.subtask.head.backend?.keys(descriptor.name) ?? [];
  }

  numEventTimeTimers(): number {
    return this.subtask.head.timers?.pendingEventTimers ?? 0;
  }

  numProcessingTimeTimers(): number {
    return this.subtask.head.timers?.pendingProcessingTimers ?? 0;
  }

  /** Records in and out and the operator's own counters (e.g. `numLateRecordsDropped`). */
  metrics(): { recordsIn: number; recordsOut: number; counters: Record<string, number> } {
    const m = this.subtask.head.metrics;
    return { recordsIn: m.recordsIn, recordsOut: m.recordsOut, counters: { ...m.counters } };
  }
}
