import type { ResultFuture } from '../../../core/async-function.js';

/** The attempt number a timeout handler's result future carries: it ends the request, no retry. */
export const TIMEOUT_ATTEMPT = -1;

/** One input record of the async operator, from arrival until its results are emitted. */
export class AsyncRequest {
  done = false;
  results: unknown[] | undefined = undefined;
  /** Attempts started so far; a result of an older attempt is stale and ignored. */
  attempts = 0;
  cancelTimeout: (() => void) | undefined = undefined;
  cancelRetry: (() => void) | undefined = undefined;
  /** Unordered mode: the watermark-delimited segment the record belongs to. */
  segment: unknown = undefined;
  constructor(
    readonly value: unknown,
    readonly timestamp: number,
  ) {}
}

/** Receives the outcome of one attempt. */
export interface AttemptListener {
  onAttemptResult(req: AsyncRequest, attempt: number, results: unknown[]): void;
  onAttemptError(req: AsyncRequest, attempt: number, error: unknown): void;
}

/** The result future of one attempt: only its first completion counts. */
export class AttemptFuture implements ResultFuture<unknown> {
  private settled = false;
  constructor(
    private readonly listener: AttemptListener,
    private readonly req: AsyncRequest,
    private readonly attempt: number,
  ) {}
  complete(results: Iterable<unknown>): void {
    if (this.settled) return;
    this.settled = true;
    this.listener.onAttemptResult(this.req, this.attempt, Array.isArray(results) ? results : Array.from(results));
  }
  completeExceptionally(error: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.listener.onAttemptError(this.req, this.attempt, error);
  }
}

/** Where a result queue hands what may leave the operator now. */
export interface ResultSink {
  emitRecord(req: AsyncRequest): void;
  emitWatermark(watermark: number): void;
}

/**
 * Holds records and watermarks in the order the operator's mode requires them to leave: records
 * enter in input order, watermarks between them; `drain` emits what may go out now.
 */
export interface ResultQueue {
  add(req: AsyncRequest): void;
  addWatermark(watermark: number): void;
  /** `req` got its results (its `done` flag is set). */
  complete(req: AsyncRequest): void;
  drain(sink: ResultSink): void;
  /** Records not yet emitted. */
  readonly size: number;
  /** Nothing, neither a record nor a watermark, is left to emit. */
  readonly isEmpty: boolean;
}
