import { toMillis, type Duration } from './duration.js';
import { ConfigError } from './errors.js';

/**
 * When and how often async I/O retries a request, as Flink's `AsyncRetryStrategy`. Attempts are
 * counted from 1 (the first call); `canRetry(n)` is asked after attempt n failed or returned a
 * result that `shouldRetryResult` rejects.
 */
export interface AsyncRetryStrategy<OUT = unknown> {
  canRetry(currentAttempts: number): boolean;
  /** Milliseconds to wait before attempt `currentAttempts + 1`. */
  backoffTimeMillis(currentAttempts: number): number;
  shouldRetryResult(results: readonly OUT[]): boolean;
  shouldRetryError(error: unknown): boolean;
}

/** Which outcomes to retry. By default every error is retried and no result is. */
export interface RetryPredicates<OUT> {
  ifResult?: (results: readonly OUT[]) => boolean;
  ifException?: (error: unknown) => boolean;
}

/** Ready-made predicates, as Flink's `RetryPredicates`. @example AsyncRetryStrategies.fixedDelay({ maxAttempts: 2, delay: '1s', ifResult: RetryPredicates.EMPTY_RESULT }) */
export const RetryPredicates = {
  /** Retry when the call returned no result. */
  EMPTY_RESULT: (results: readonly unknown[]): boolean => results.length === 0,
  HAS_EXCEPTION: (_error: unknown): boolean => true,
} as const;

function checkAttempts(maxAttempts: number): void {
  if (!Number.isInteger(maxAttempts) || maxAttempts < 0) throw new ConfigError(`maxAttempts must be a non-negative integer, got ${maxAttempts}`);
}

/**
 * Builds retry strategies. `maxAttempts` is the number of retries after the first call, as in Flink.
 *
 * @example
 * AsyncDataStream.orderedWait(ids, lookup, {
 *   timeout: '2s',
 *   retry: AsyncRetryStrategies.exponentialBackoff({ maxAttempts: 3, initialDelay: '100ms', maxDelay: '1s', ifResult: RetryPredicates.EMPTY_RESULT }),
 * });
 */
export const AsyncRetryStrategies = {
  NO_RETRY: {
    canRetry: () => false,
    backoffTimeMillis: () => 0,
    shouldRetryResult: () => false,
    shouldRetryError: () => false,
  } as AsyncRetryStrategy<any>,

  /** The same delay before every retry. */
  fixedDelay<OUT = unknown>(o: { maxAttempts: number; delay: Duration } & RetryPredicates<OUT>): AsyncRetryStrategy<OUT> {
    checkAttempts(o.maxAttempts);
    const delay = toMillis(o.delay);
    return {
      canRetry: (n) => n <= o.maxAttempts,
      backoffTimeMillis: () => delay,
      shouldRetryResult: o.ifResult ?? (() => false),
      shouldRetryError: o.ifException ?? (() => true),
    };
  },

  /** Delay `initialDelay * multiplier^(n-1)` before retry n, capped at `maxDelay`. */
  exponentialBackoff<OUT = unknown>(
    o: { maxAttempts: number; initialDelay: Duration; maxDelay: Duration; multiplier?: number } & RetryPredicates<OUT>,
  ): AsyncRetryStrategy<OUT> {
    checkAttempts(o.maxAttempts);
    const initial = toMillis(o.initialDelay);
    const max = toMillis(o.maxDelay);
    const mult = o.multiplier ?? 2;
    if (!(mult >= 1)) throw new ConfigError(`multiplier must be >= 1, got ${mult}`);
    return {
      canRetry: (n) => n <= o.maxAttempts,
      backoffTimeMillis: (n) => Math.min(max, initial * Math.pow(mult, Math.max(0, n - 1))),
      shouldRetryResult: o.ifResult ?? (() => false),
      shouldRetryError: o.ifException ?? (() => true),
    };
  },
};
