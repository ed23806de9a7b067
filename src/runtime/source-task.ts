import { Batch } from '../core/batch.js';
import { UserFunctionError, WeirError } from '../core/errors.js';
import { DEAD_LETTER_TAG } from '../core/source.js';
import type { Clock } from '../core/clock.js';
import type { Source, SourceReader, SourceSplit, SteppedBatch } from '../core/source.js';
import { BoundedOutOfOrdernessGenerator, NoWatermarksGenerator, type WatermarkGenerator, type WatermarkStrategy } from '../core/watermark-strategy.js';
import type { StreamTask } from './stream-task.js';
import { IdlenessDetector } from './time/idleness-detector.js';
import { PeriodicWatermarkEmitter } from './time/periodic-watermark-emitter.js';
import { needsPeriodicEmit } from '../core/watermark-strategy.js';
import { firstInvalidTimestamp } from '../core/event-time.js';
import { SourceTimestampGuard } from './source-timestamp-guard.js';
import { SourceHeadOperator } from './operators/source-head-operator.js';
import { enterTask, exitTask } from './task-times.js';
import { SourceChainStep } from './operators/source-step.js';

export interface SourceTaskHost {
  readonly clock: Clock;
  /**
   * Milliseconds between yields to the event loop (default 20). Slot workers yield after every
   * batch, because input from other slots and their credits arrive as event-loop messages.
   */
  readonly yieldIntervalMs?: number;
  readonly failed: boolean;
  readonly cancelled: boolean;
  /** Settles when nothing blocks input any more. */
  unblocked(): Promise<void> | undefined;
  /** Processing time between periodic watermarks of custom generators (`pipeline.auto-watermark-interval`); 0 or absent: after batches only. */
  readonly autoWatermarkInterval?: number;
}

/** How a reader of a source with an enumerator talks to it (in the main thread, maybe across a slot boundary). */
export interface SplitGateway {
  /** The reader is open: the enumerator's `addReader`. */
  register(): void;
  /** The reader is idle: the enumerator's `handleSplitRequest`. */
  request(): void;
}

/** What reaches a source task between two polls, in the order it was sent. */
type SourceEvent =
  | { readonly t: 'checkpoint'; readonly id: number; readonly savepoint: boolean }
  | { readonly t: 'splits'; readonly splits: SourceSplit[]; readonly positions: Record<string, unknown> | undefined }
  | { readonly t: 'no-more-splits' };

/** How long a reader that has nothing may wait before it is polled again. */
const IDLE_POLL_MS = 5;
/** A source loop yields to the event loop this often, so timers and I/O callbacks run. */
const YIELD_EVERY_MS = 20;

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

/**
 * Shows a batch's event times to the watermark generator and returns the highest punctuated
 * watermark it returned (-Infinity for none). The built-in generators return none and keep only
 * the highest time (or nothing), so they see the batch's highest time once instead of every record:
 * a call per record on the source's hot path for what one comparison per record does.
 */
function observeEventTimes(gen: WatermarkGenerator, ts: readonly number[], n: number): number {
  // The exact classes: a subclass may do more per record.
  const kind: unknown = gen.constructor;
  if (kind === NoWatermarksGenerator) return -Infinity;
  if (kind === BoundedOutOfOrdernessGenerator) {
    let max = -Infinity;
    for (let i = 0; i < n; i++) if (ts[i]! > max) max = ts[i]!;
    gen.onEvent(max);
    return -Infinity;
  }
  let punctuated = -Infinity;
  for (let i = 0; i < n; i++) {
    const w = gen.onEvent(ts[i]!);
    if (w !== undefined && w > punctuated) punctuated = w;
  }
  return punctuated;
}

/**
 * Drives the task of one source subtask (the source and the operators chained to it): polls its reader, assigns timestamps and watermarks, pushes batches
 * downstream synchronously, and ends the subtask when the reader is done.
 */
export class SourceTask {
  constructor(
    private readonly subtask: StreamTask,
    private readonly source: Source<unknown>,
    private readonly splits: SourceSplit[],
    private readonly strategy: WatermarkStrategy<unknown> | undefined,
    private readonly host: SourceTaskHost,
    private readonly batchSize: number,
    private readonly restored?: unknown,
    /** Set for a source with an enumerator. */
    private readonly gateway?: SplitGateway,
  ) {}

  /**
   * Checkpoints and split assignments in arrival order: an assignment made before a checkpoint was
   * triggered is in the reader's positions of that checkpoint, and one made after it is not (the
   * enumerator's snapshot, taken at the trigger, still holds it).
   */
  private readonly events: SourceEvent[] = [];
  private reader: SourceReader<unknown> | undefined;
  /** A split request is out and not yet answered by an assignment. */
  private requested = false;
  private noMoreSplits = false;

  /** Takes checkpoint `id` between two batches: reader positions, then the barrier. */
  triggerCheckpoint(id: number, savepoint: boolean): void {
    this.events.push({ t: 'checkpoint', id, savepoint });
    if (this.loopDone) this.handleEvents();
  }
  private loopDone = false;

  /** Splits the enumerator assigned; the reader gets them before its next poll. */
  addSplits(splits: SourceSplit[], positions: Record<string, unknown> | undefined): void {
    if (this.loopDone || this.noMoreSplits) {
      throw new WeirError(
        `${this.subtask.info.name}: the split enumerator assigned ${splits.map((s) => `'${s.id}'`).join(', ')} to reader ${this.subtask.info.index} after ${this.noMoreSplits ? 'signalling no more splits' : 'it ended'}`,
      );
    }
    this.events.push({ t: 'splits', splits, positions });
  }

  signalNoMoreSplits(): void {
    this.events.push({ t: 'no-more-splits' });
  }

  private handleEvents(): void {
    for (const e of this.events.splice(0)) {
      if (e.t === 'checkpoint') this.subtask.checkpointNow(e.id, e.savepoint, this.reader?.snapshotState?.(e.id) ?? null);
      else if (this.loopDone) continue;
      else if (e.t === 'splits') {
        this.requested = false;
        this.reader!.addSplits!(e.splits, e.positions);
      } else {
        this.noMoreSplits = true;
        this.reader!.notifyNoMoreSplits!();
      }
    }
  }

  async run(): Promise<void> {
    const st = this.subtask;
    const out = st.head.output;
    const times = st.times;
    const deadLetter = (raw: string, reason: string, location: string): void => {
      st.head.metrics.inc('deadLettered');
      out.pushSide(DEAD_LETTER_TAG, Batch.of([{ source: st.info.name, location, reason, raw }]));
    };
    const reader = this.source.createReader(
      this.splits,
      {
        sourceName: st.info.name,
        subtaskIndex: st.info.index,
        parallelism: st.info.parallelism,
        clock: this.host.clock,
        metrics: st.head.metrics,
        batchSize: this.batchSize,
        deadLetter,
      },
      this.restored,
    );
    this.reader = reader;
    if (st.head.operator instanceof SourceHeadOperator) st.head.operator.reader = reader;
    const gateway = this.gateway;
    if (gateway) {
      if (!reader.addSplits || !reader.notifyNoMoreSplits)
        throw new WeirError(`${st.info.name}: a source with a split enumerator needs readers with addSplits and notifyNoMoreSplits`);
      gateway.register();
      this.requested = true;
      gateway.request();
    }
    const guard = new SourceTimestampGuard(st.info.name, this.source.errorPolicy ?? 'fail', reader, st.head.metrics, deadLetter);
    const gen = this.strategy?.createGenerator();
    const assign = this.strategy?.timestampAssigner;
    // The chained filter runs inside the reader, on each record as it is read, when nothing on the
    // way needs every record's event time: no assigner, and a watermark generator that only keeps the highest.
    const genKind: unknown = gen?.constructor;
    const chain =
      reader.pollStepped && !assign && (gen === undefined || genKind === BoundedOutOfOrdernessGenerator || genKind === NoWatermarksGenerator)
        ? SourceChainStep.of(st.head)
        : undefined;
    const idleTimeout = this.strategy?.idleTimeout;
    let lastYield = performance.now();
    let lastData = lastYield;
    // Idleness is measured in processing time of the job's clock, so a ManualClock drives it in tests.
    const idleness = idleTimeout === undefined ? undefined : new IdlenessDetector(idleTimeout, this.host.clock, (idle) => st.guard(() => out.pushIdle(idle)));
    idleness?.start();
    const interval = this.host.autoWatermarkInterval;
    const periodic =
      gen && interval && needsPeriodicEmit(gen)
        ? new PeriodicWatermarkEmitter(
            gen,
            interval,
            this.host.clock,
            (w) => st.guard(() => out.pushWatermark(w)),
            () => idleness?.isIdle ?? false,
          )
        : undefined;
    periodic?.start();
    try {
      while (!this.host.failed && !this.host.cancelled) {
        // Again after each wait: what woke this task may also have handed the operators new work.
        // Back-pressure: the wait for an operator's block() or for credit from another slot.
        for (let blocked = this.host.unblocked(); blocked; blocked = this.host.unblocked()) {
          times.startWaiting();
          await blocked;
        }
        times.stopWaiting();
        if (this.events.length > 0) this.handleEvents();
        // Reading is busy time too (a promise's wait is not: the reader waits for its input).
        enterTask(times);
        let r: ReturnType<typeof reader.poll> | undefined = undefined;
        let pushed = false;
        try {
          if (chain !== undefined) {
            let stepped: SteppedBatch | 'later' | 'end' | undefined;
            try {
              stepped = reader.pollStepped!(chain.step);
            } catch (e) {
              throw chain.failure(e);
            }
            if (typeof stepped === 'object') {
              pushed = true;
              idleness?.onData();
              lastData = performance.now();
              st.head.metrics.recordsIn += stepped.read;
              chain.push(stepped);
              if (gen) {
                if (stepped.read > 0) gen.onEvent(stepped.maxTimestamp);
                const w = gen.onPeriodicEmit();
                if (w > -Infinity) out.pushWatermark(w);
              }
            } else r = stepped;
          }
          if (!pushed && r === undefined) r = reader.poll();
        } finally {
          exitTask(times);
        }
        if (pushed || r === undefined) {
          if (lastData - lastYield >= (this.host.yieldIntervalMs ?? YIELD_EVERY_MS)) {
            await yieldToEventLoop();
            lastYield = performance.now();
          }
          continue;
        }
        if (r instanceof Promise) r = await r;
        if (r === 'end') break;
        if (r === 'later') {
          if (gateway && !this.requested && !this.noMoreSplits) {
            this.requested = true;
            gateway.request();
            // An enumerator in this thread may have answered at once.
            if (this.events.length > 0) continue;
          }
          await new Promise((res) => setTimeout(res, IDLE_POLL_MS));
          lastYield = performance.now();
          continue;
        }
        if (this.host.failed) break;
        // Busy time, per batch: the assigner, the push (minus the tasks it runs, which time themselves) and watermarks.
        enterTask(times);
        try {
          let batch = r;
          let n = batch.values.length;
          // Event times must be safe integers; the first that is not leaves the loop for the guard,
          // which applies the source's error policy to it and to the rest of the batch.
          if (assign) {
            const ts = new Array<number>(n);
            const vals = batch.values;
            const prev = batch.timestamps;
            let i = 0;
            let t = 0;
            try {
              for (; i < n; i++) {
                t = assign(vals[i], prev[i]!);
                if (!Number.isSafeInteger(t)) break;
                ts[i] = t;
              }
            } catch (e) {
              throw new UserFunctionError(`${st.info.name} (timestamp assigner)`, vals[i], e);
            }
            batch = i === n ? new Batch(vals, ts, undefined, batch.kinds) : guard.assignRest(vals, prev, ts, i, t, assign, batch.kinds);
          } else {
            const bad = firstInvalidTimestamp(batch.timestamps, 0, n, true);
            if (bad < n) batch = guard.keepValid(batch.values, batch.timestamps, bad, true, batch.kinds);
          }
          n = batch.values.length;
          idleness?.onData();
          lastData = performance.now();
          st.head.metrics.recordsIn += n;
          if (n > 0) out.push(batch);
          if (gen) {
            const w = Math.max(observeEventTimes(gen, batch.timestamps, n), gen.onPeriodicEmit());
            if (w > -Infinity) out.pushWatermark(w);
          }
        } finally {
          exitTask(times);
        }
        if (lastData - lastYield >= (this.host.yieldIntervalMs ?? YIELD_EVERY_MS)) {
          await yieldToEventLoop();
          lastYield = performance.now();
        }
      }
    } finally {
      idleness?.stop();
      periodic?.stop();
      await reader.close?.();
    }
    this.loopDone = true;
    if (this.events.length > 0 && !this.host.failed) this.handleEvents();
    if (!this.host.failed && !this.host.cancelled) st.endSource();
  }
}
