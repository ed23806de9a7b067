import { asyncFunctionOf, type AsyncFunction, type AsyncLookup } from '../core/async-function.js';
import type { AsyncRetryStrategy } from '../core/async-retry-strategy.js';
import { toMillis, type Duration } from '../core/duration.js';
import { ConfigError } from '../core/errors.js';
import { DataStream } from './data-stream.js';
import { operatorSpec } from '../graph/operator-spec.js';

/** Options of `AsyncDataStream.orderedWait` / `unorderedWait`. @example { timeout: '2s', capacity: 50, onTimeout: () => undefined } */
export interface AsyncWaitOptions<IN, OUT> {
  /** Time from the first attempt until a record's request times out (all retries included); 0 disables it. */
  timeout: Duration;
  /** Requests in flight at most; the input is held back while this many records await output (default 100). */
  capacity?: number;
  /** Retries on errors or unwanted results (see `AsyncRetryStrategies`); none by default. */
  retry?: AsyncRetryStrategy<OUT>;
  /** What a timed-out record yields instead of failing the job (overrides `AsyncFunction.timeout`). */
  onTimeout?: (input: IN) => OUT | readonly OUT[] | undefined;
}

const DEFAULT_CAPACITY = 100;

function asyncWait<IN, OUT>(
  stream: DataStream<IN>,
  fn: AsyncFunction<IN, OUT> | AsyncLookup<IN, OUT>,
  options: AsyncWaitOptions<IN, OUT>,
  ordered: boolean,
): DataStream<OUT> {
  const capacity = options.capacity ?? DEFAULT_CAPACITY;
  if (!Number.isInteger(capacity) || capacity < 1) throw new ConfigError(`Async I/O capacity must be a positive integer, got ${capacity}`);
  const node = stream.env.graph.addNode(
    operatorSpec('asyncWait', { fn: asyncFunctionOf(fn, options.onTimeout), ordered, timeout: toMillis(options.timeout), capacity, retry: options.retry }),
    ordered ? 'Async Wait (ordered)' : 'Async Wait (unordered)',
    [[stream.edge()]],
  );
  return new DataStream<OUT>(stream.env, node);
}

/**
 * Async I/O, as Flink's `AsyncDataStream`: calls an external service per record with many requests
 * in flight, instead of waiting for each. Results keep the input record's timestamp.
 *
 * @example
 * const users = AsyncDataStream.orderedWait(ids, (id) => fetchUser(id), { timeout: '2s', capacity: 50 });
 */
export class AsyncDataStream {
  private constructor() {}

  /** Results leave in input order. */
  static orderedWait<IN, OUT>(stream: DataStream<IN>, fn: AsyncFunction<IN, OUT> | AsyncLookup<IN, OUT>, options: AsyncWaitOptions<IN, OUT>): DataStream<OUT> {
    return asyncWait(stream, fn, options, true);
  }

  /**
   * Results leave as soon as they complete, but never overtake a watermark: records between two
   * watermarks may be reordered among themselves only.
   */
  static unorderedWait<IN, OUT>(
    stream: DataStream<IN>,
    fn: AsyncFunction<IN, OUT> | AsyncLookup<IN, OUT>,
    options: AsyncWaitOptions<IN, OUT>,
  ): DataStream<OUT> {
    return asyncWait(stream, fn, options, false);
  }

  /** `orderedWait` with a retry strategy, as Flink's `orderedWaitWithRetry`. */
  static orderedWaitWithRetry<IN, OUT>(
    stream: DataStream<IN>,
    fn: AsyncFunction<IN, OUT> | AsyncLookup<IN, OUT>,
    options: AsyncWaitOptions<IN, OUT>,
    retry: AsyncRetryStrategy<OUT>,
  ): DataStream<OUT> {
    return asyncWait(stream, fn, { ...options, retry }, true);
  }

  /** `unorderedWait` with a retry strategy, as Flink's `unorderedWaitWithRetry`. */
  static unorderedWaitWithRetry<IN, OUT>(
    stream: DataStream<IN>,
    fn: AsyncFunction<IN, OUT> | AsyncLookup<IN, OUT>,
    options: AsyncWaitOptions<IN, OUT>,
    retry: AsyncRetryStrategy<OUT>,
  ): DataStream<OUT> {
    return asyncWait(stream, fn, { ...options, retry }, false);
  }
}
