import { BatchBuilder, type Batch } from '../../../core/batch.js';
import type { AsyncFunction } from '../../../core/async-function.js';
import type { AsyncRetryStrategy } from '../../../core/async-retry-strategy.js';
import { UserFunctionError } from '../../../core/errors.js';
import type { Operator, OperatorContext } from '../../../core/operator.js';
import { FunctionContext } from '../function-context.js';
import { perSubtask } from '../per-subtask-function.js';
import { AsyncRequest, type ResultQueue, type ResultSink } from './async-request.js';
import { AsyncRequestRunner, type RequestRunnerHost } from './async-request-runner.js';
import { RequestAdmission } from './request-admission.js';
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
 * watermarks leave only after the records before them. While `capacity` records wait to be emitted
 * the operator blocks its input. Results are emitted from promise callbacks, coalesced per
 * microtask; failures there reach the job through `ctx.fail`.
 */
export class AsyncWaitOperator implements Operator<unknown>, RequestRunnerHost, ResultSink {
  stopped = false;
  private ctx!: OperatorContext<unknown>;
  private runner!: AsyncRequestRunner;
  private readonly fn: AsyncFunction<unknown, unknown>;
  private readonly queue: ResultQueue;
  /** Records in the queue (arrival order) until emitted: for snapshots and for cancelling timers. */
  private readonly live = new Set<AsyncRequest>();
  private readonly admission: RequestAdmission;
  private readonly out = new BatchBuilder<unknown>();
  private drainScheduled = false;
  private resolveFinished: (() => void) | undefined;
  private restored: [unknown, number][] | undefined;
  private readonly drainTask = () => this.drainGuarded();

  constructor(
    fn: AsyncFunction<unknown, unknown>,
    private readonly config: AsyncWaitConfig,
  ) {
    this.fn = perSubtask(fn);
    this.queue = config.ordered ? new OrderedResultQueue() : new UnorderedResultQueue();
    this.admission = new RequestAdmission(config.capacity, (req) => this.runner.start(req));
  }

  async open(ctx: OperatorContext<unknown>): Promise<void> {
    this.ctx = ctx;
    this.runner = new AsyncRequestRunner(this.fn, this.config.timeout, this.config.retry, ctx, this);
    await this.fn.open?.(new FunctionContext(ctx).runtimeContext());
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
    if (this.queue.size >= this.config.capacity) this.ctx.block(this.admission.hold());
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
    if (this.queue.isEmpty) return;
    return new Promise<void>((r) => (this.resolveFinished = r));
  }

  private accept(req: AsyncRequest): void {
    this.queue.add(req);
    this.live.add(req);
    this.admission.admit(req);
  }

  requestDone(req: AsyncRequest, results: unknown[]): void {
    req.done = true;
    req.results = results;
    this.runner.cancel(req);
    this.admission.finished();
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
    this.admission.startWaiting((req, e) => {
      throw new UserFunctionError(this.ctx.operatorName, req.value, e);
    });
    this.admission.release(this.queue.size);
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

  failWith(e: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    this.ctx.fail(e);
  }

  /** Records not yet emitted, in arrival order: they are requested again after a restore (Flink does the same). */
  snapshotState(): unknown {
    const records: [unknown, number][] = [];
    for (const r of this.live) records.push([r.value, r.timestamp]);
    return { records };
  }

  restoreState(state: unknown): void {
    const records = (state as { records?: [unknown, number][] } | undefined)?.records;
    // Called once per inherited old subtask (after a rescale, several): keep the records of all.
    if (records && records.length > 0) this.restored = this.restored ? this.restored.concat(records) : records;
  }

  /** Restored records go first, before any new input, but not in `open`, where downstream may not be open yet. */
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

  async close(): Promise<void> {
    this.stopped = true;
    for (const r of this.live) this.runner?.cancel(r);
    this.live.clear();
    await this.fn.close?.();
  }
}
