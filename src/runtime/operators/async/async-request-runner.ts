import { AsyncTimeoutError, type AsyncFunction } from '../../../core/async-function.js';
import type { AsyncRetryStrategy } from '../../../core/async-retry-strategy.js';
import { UserFunctionError } from '../../../core/errors.js';
import type { OperatorContext } from '../../../core/operator.js';
import { AttemptFuture, TIMEOUT_ATTEMPT, type AsyncRequest, type AttemptListener } from './async-request.js';

/** The operator side of a request's life: where final results and failures go. */
export interface RequestRunnerHost {
  readonly stopped: boolean;
  /** `req` has its final results (the last attempt's, or the timeout handler's). */
  requestDone(req: AsyncRequest, results: unknown[]): void;
  failWith(error: unknown): void;
}

/**
 * Runs the attempts of async requests: calls the user function, retries as the strategy says
 * (delays on the job clock), and applies the timeout, which covers all attempts of a record, as
 * in Flink. A result of an attempt that is no longer current is ignored.
 */
export class AsyncRequestRunner implements AttemptListener {
  constructor(
    private readonly fn: AsyncFunction<unknown, unknown>,
    private readonly timeout: number,
    private readonly retry: AsyncRetryStrategy<unknown> | undefined,
    private readonly ctx: OperatorContext<unknown>,
    private readonly host: RequestRunnerHost,
  ) {}

  /** First attempt; a synchronous throw of the user function propagates to the caller. */
  start(req: AsyncRequest): void {
    if (this.timeout > 0) {
      const clock = this.ctx.clock;
      req.cancelTimeout = clock.schedule(clock.now() + this.timeout, () => this.onTimeout(req));
    }
    this.invoke(req);
  }

  /** Stops the request's pending timeout and retry. */
  cancel(req: AsyncRequest): void {
    req.cancelTimeout?.();
    req.cancelRetry?.();
    req.cancelTimeout = req.cancelRetry = undefined;
  }

  private invoke(req: AsyncRequest): void {
    const attempt = ++req.attempts;
    this.fn.asyncInvoke(req.value, new AttemptFuture(this, req, attempt));
  }

  onAttemptResult(req: AsyncRequest, attempt: number, results: unknown[]): void {
    if (this.host.stopped || req.done || attempt !== req.attempts) return;
    const retry = this.retry;
    if (retry && attempt !== TIMEOUT_ATTEMPT && this.retryWanted(req, () => retry.shouldRetryResult(results) && retry.canRetry(attempt))) return;
    this.host.requestDone(req, results);
  }

  onAttemptError(req: AsyncRequest, attempt: number, error: unknown): void {
    if (this.host.stopped || req.done || attempt !== req.attempts) return;
    const retry = this.retry;
    if (retry && attempt !== TIMEOUT_ATTEMPT && this.retryWanted(req, () => retry.shouldRetryError(error) && retry.canRetry(attempt))) return;
    const where = attempt === TIMEOUT_ATTEMPT ? ' (timeout handler)' : attempt > 1 ? ` (after ${attempt} attempts)` : '';
    this.host.failWith(new UserFunctionError(`${this.ctx.operatorName}${where}`, req.value, error));
  }

  /** Asks the strategy; schedules the retry and returns true if there is one. */
  private retryWanted(req: AsyncRequest, ask: () => boolean): boolean {
    let again: boolean;
    try {
      again = ask();
    } catch (e) {
      this.host.failWith(new UserFunctionError(`${this.ctx.operatorName} (retry strategy)`, req.value, e));
      return true;
    }
    if (!again) return false;
    this.ctx.metrics.inc('asyncRetries');
    const clock = this.ctx.clock;
    req.cancelRetry = clock.schedule(clock.now() + this.retry!.backoffTimeMillis(req.attempts), () => {
      req.cancelRetry = undefined;
      if (this.host.stopped || req.done) return;
      try {
        this.invoke(req);
      } catch (e) {
        this.host.failWith(new UserFunctionError(`${this.ctx.operatorName} (attempt ${req.attempts})`, req.value, e));
      }
    });
    return true;
  }

  private onTimeout(req: AsyncRequest): void {
    req.cancelTimeout = undefined;
    if (this.host.stopped || req.done) return;
    this.ctx.metrics.inc('asyncTimeouts');
    req.cancelRetry?.();
    req.cancelRetry = undefined;
    const attempts = req.attempts;
    // Results of attempts still running are stale from now on.
    req.attempts = TIMEOUT_ATTEMPT;
    if (!this.fn.timeout) return this.host.failWith(new AsyncTimeoutError(this.ctx.operatorName, req.value, this.timeout, attempts));
    try {
      this.fn.timeout(req.value, new AttemptFuture(this, req, TIMEOUT_ATTEMPT));
    } catch (e) {
      this.host.failWith(new UserFunctionError(`${this.ctx.operatorName} (timeout handler)`, req.value, e));
    }
  }
}
