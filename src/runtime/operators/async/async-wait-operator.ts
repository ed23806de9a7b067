import { BatchBuilder } from '../../../core/batch.js';
import { AsyncTimeoutError, type AsyncFunction } from '../../../core/async-function.js';
import type { AsyncRetryStrategy } from '../../../core/async-retry-strategy.js';
import { UserFunctionError } from '../../../core/errors.js';
import type { Batch } from '../../../core/batch.js';
import type { Operator, OperatorContext } from '../../../core/operator.js';
import { FunctionContext } from '../function-context.js';
import { perSubtask } from '../per-subtask-function.js';
import { AsyncRequest, AttemptFuture, TIMEOUT_ATTEMPT, type AttemptListener, type ResultQueue, type ResultSink } from './async-request.js';
import { OrderedResultQueue } from './ordered-result-queue.js';
import { UnorderedResultQueue } from './unordered-result-queue.js';

export interface AsyncWaitConfig {
  readonly ordered: boolean;
  /** Milliseconds from the first attempt until the request times out; 0 disables the timeout. */
  readonly timeout: number;
  readonly capacity: number;
  readonly retry: AsyncRetryStrategy<unknown> | undefined;
}

/**
 * Async I/O, as Flink's `AsyncWaitOperator`. Every record starts a request (at most `capacity` in
 * flight; the rest wait in arrival order), results leave through an ordered or unordered queue, and
 * watermarks leave only after the records before them. When `capacity` records are waiting to be
 * emitted the operator blocks its input until one leaves. Results are emitted from promise
 * callbacks, coalesced per microtask; errors there fail the job through `ctx.fail`.
 */
export class AsyncWaitOperator implements Operator<unknown>, AttemptListener, ResultSink {
  private ctx!: OperatorContext<unknown>;
  private readonly queue: ResultQueue;
  /** Records in the queue (arrival order) until emitted: for snapshots and for cancelling timers. */
  private readonly live = new Set<AsyncRequest>();
  private notStarted: AsyncRequest[] = [];
  private notStartedHead = 0;
  private inFlight = 0;
  private readonly out = new BatchBuilder<unknown>();
  private drainScheduled = false;
  private stopped = false;
  private room: Promise<void> | undefined;
  private resolveRoom: (() => void) | undefined;
  private resolveFinished: (() => void) | undefined;
  private restored: [unknown, number][] | undefined;
  private readonly drainTask = () => this.drainGuarded();

  private readonly fn: AsyncFunction<unknown, unknown>;

  constructor(
    fn: AsyncFunction<unknown, unknown>,
    private readonly config: AsyncWaitConfig,
  ) {
    this.fn = perSubtask(fn);
    this.queue = config.ordered ? new OrderedResultQueue() : new UnorderedResultQueue();
  }

  async open(ctx: OperatorContext<unknown>): Promise<void> {
    this.ctx = ctx;
    await this.fn.open?.(new FunctionContext(ctx).runtimeContext());
  }

  /** Records restored from a checkpoint are requested again before any new input (not in `open`, when downstream may not be open yet). */
  private resubmitRestored(): void {
    const restored = this.restored!;
    this.restored = undefined;
    let i = 0;
    try {
      for (; i < restored.length; i++) this.accept(new AsyncRequest(restored[i]![0], restored[i]![1]));
    } catch (e) {
      throw new UserFunctionError(this.ctx.operatorName, restored[i]![0], e);
    }
  }

  processBatch(batch: Batch<unknown>): void {
    if (this.restored) this.resubmitRestored();
    const { values, timestamps } = batch;
    const n = values.length;
    let i = 0;
    try {
      for (; i < n; i++) this.accept(new AsyncRequest(values[i], timestamps[i]!));
    } catch (e) {
      throw new UserFunctionError(this.ctx.operatorName, values[i], e);
    }
    if (this.queue.size >= this.config.capacity) this.ctx.block(this.roomAvailable());
  }

  private accept(req: AsyncRequest): void {
    this.queue.add(req);
    this.live.add(req);
    if (this.inFlight < this.config.capacity && this.notStartedHead === this.notStarted.length) this.start(req);
    else this.notStarted.push(req);
  }

  private start(req: AsyncRequest): void {
    this.inFlight++;
    const timeout = this.config.timeout;
    if (timeout > 0) {
      const clock = this.ctx.clock;
      req.cancelTimeout = clock.schedule(clock.now() + timeout, () => this.onTimeout(req));
    }
    this.invoke(req);
  }

  private invoke(req: AsyncRequest): void {
    const attempt = ++req.attempts;
    this.fn.asyncInvoke(req.value, new AttemptFuture(this, req, attempt));
  }

  onAttemptResult(req: AsyncRequest, attempt: number, results: unknown[]): void {
    if (this.stopped || req.done || attempt !== req.attempts) return;
    const retry = this.config.retry;
    if (retry && attempt !== TIMEOUT_ATTEMPT) {
      let again: boolean;
      try {
        again = retry.shouldRetryResult(results) && retry.canRetry(attempt);
      } catch (e) {
        return this.failWith(new UserFunctionError(`${this.ctx.operatorName} (retry predicate)`, req.value, e));
      }
      if (again) return this.scheduleRetry(req);
    }
    this.completeRequest(req, results);
  }

  onAttemptError(req: AsyncRequest, attempt: number, error: unknown): void {
    if (this.stopped || req.done || attempt !== req.attempts) return;
    const retry = this.config.retry;
    if (retry && attempt !== TIMEOUT_ATTEMPT) {
      let again: boolean;
      try {
        again = retry.shouldRetryError(error) && retry.canRetry(attempt);
      } catch (e) {
        return this.failWith(new UserFunctionError(`${this.ctx.operatorName} (retry predicate)`, req.value, e));
      }
      if (again) return this.scheduleRetry(req);
    }
    const where = attempt === TIMEOUT_ATTEMPT ? ' (timeout handler)' : attempt > 1 ? ` (after ${attempt} attempts)` : '';
    this.failWith(new UserFunctionError(`${this.ctx.operatorName}${where}`, req.value, error));
  }

  private scheduleRetry(req: AsyncRequest): void {
    this.ctx.metrics.inc('asyncRetries');
    const clock = this.ctx.clock;
    const delay = this.config.retry!.backoffTimeMillis(req.attempts);
    req.cancelRetry = clock.schedule(clock.now() + delay, () => {
      req.cancelRetry = undefined;
      if (this.stopped || req.done) return;
      try {
        this.invoke(req);
      } catch (e) {
        this.failWith(new UserFunctionError(`${this.ctx.operatorName} (attempt ${req.attempts})`, req.value, e));
      }
    });
  }

  private onTimeout(req: AsyncRequest): void {
    req.cancelTimeout = undefined;
    if (this.stopped || req.done) return;
    this.ctx.metrics.inc('asyncTimeouts');
    req.cancelRetry?.();
    req.cancelRetry = undefined;
    const attempts = req.attempts;
    req.attempts = TIMEOUT_ATTEMPT;
    if (!this.fn.timeout) return this.failWith(new AsyncTimeoutError(this.ctx.operatorName, req.value, this.config.timeout, attempts));
    try {
      this.fn.timeout(req.value, new AttemptFuture(this, req, TIMEOUT_ATTEMPT));
    } catch (e) {
      this.failWith(new UserFunctionError(`${this.ctx.operatorName} (timeout handler)`, req.value, e));
    }
  }

  private completeRequest(req: AsyncRequest, results: unknown[]): void {
    req.done = true;
    req.results = results;
    req.cancelTimeout?.();
    req.cancelTimeout = undefined;
    this.inFlight--;
    this.queue.complete(req);
    if (!this.drainScheduled) {
      this.drainScheduled = true;
      queueMicrotask(this.drainTask);
    }
  }

  emitRecord(req: AsyncRequest): void {
    this.live.delete(req);
    const rs = req.results!;
    for (let i = 0; i < rs.length; i++) this.out.add(rs[i], req.timestamp);
    req.results = undefined;
  }

  emitWatermark(watermark: number): void {
    if (this.out.length > 0) this.ctx.output.push(this.out.take());
    this.ctx.output.pushWatermark(watermark);
  }

  /** Emits what may leave, starts waiting requests, and wakes the input and `finish` when they may go on. */
  private drain(): void {
    this.drainScheduled = false;
    this.queue.drain(this);
    if (this.out.length > 0) this.ctx.output.push(this.out.take());
    let req: AsyncRequest | undefined;
    try {
      const cap = this.config.capacity;
      while (this.inFlight < cap && this.notStartedHead < this.notStarted.length) {
        req = this.notStarted[this.notStartedHead]!;
        this.notStarted[this.notStartedHead++] = undefined as never;
        this.start(req);
      }
    } catch (e) {
      throw new UserFunctionError(this.ctx.operatorName, req!.value, e);
    }
    if (this.notStartedHead === this.notStarted.length) {
      this.notStarted = [];
      this.notStartedHead = 0;
    }
    if (this.resolveRoom && this.queue.size < this.config.capacity) {
      const r = this.resolveRoom;
      this.room = this.resolveRoom = undefined;
      r();
    }
    if (this.resolveFinished && this.queue.isEmpty) this.resolveFinished();
  }

  private drainGuarded(): void {
    if (this.stopped) return;
    try {
      this.drain();
    } catch (e) {
      this.failWith(e);
    }
  }

  private roomAvailable(): Promise<void> {
    return (this.room ??= new Promise<void>((r) => (this.resolveRoom = r)));
  }

  private failWith(e: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.ctx.fail(e);
  }

  onWatermark(watermark: number): void {
    if (this.restored) this.resubmitRestored();
    if (this.stopped) return;
    this.queue.addWatermark(watermark);
    this.drain();
  }

  finish(): Promise<void> | void {
    if (this.restored) this.resubmitRestored();
    if (this.stopped) return;
    this.drain();
    if (this.queue.isEmpty || this.stopped) return;
    return new Promise<void>((r) => (this.resolveFinished = r));
  }

  /** Records not yet emitted, in arrival order: they are requested again after a restore. */
  snapshotState(): unknown {
    const records: [unknown, number][] = [];
    for (const r of this.live) records.push([r.value, r.timestamp]);
    return { records };
  }

  restoreState(state: unknown): void {
    this.restored = (state as { records: [unknown, number][] }).records;
  }

  async close(): Promise<void> {
    this.stopped = true;
    for (const r of this.live) {
      r.cancelTimeout?.();
      r.cancelRetry?.();
    }
    this.live.clear();
    await this.fn.close?.();
  }
}
