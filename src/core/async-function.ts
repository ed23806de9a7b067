import { WeirError, snippet } from './errors.js';
import type { RuntimeContext } from './functions.js';

/**
 * An async request took longer than the operator's timeout and no timeout handler was given.
 *
 * @example
 * const err = await env.execute().catch((e) => e);
 * if (err instanceof AsyncTimeoutError) console.error(err.operator, err.record, err.timeoutMs);
 */
export class AsyncTimeoutError extends WeirError {
  constructor(
    readonly operator: string,
    readonly record: unknown,
    readonly timeoutMs: number,
    readonly attempts: number,
  ) {
    super(
      `Async request in operator '${operator}' timed out after ${timeoutMs} ms (${attempts} attempt${attempts === 1 ? '' : 's'}) on record ${snippet(record)}; ` +
        'raise the timeout, or give a timeout handler (AsyncFunction.timeout or the onTimeout option) to emit a fallback instead',
    );
  }
}

/** Where an async call delivers its outcome. The first call wins; later ones are ignored. */
export interface ResultFuture<OUT> {
  /** Completes with zero or more results (an empty list emits nothing). */
  complete(results: Iterable<OUT>): void;
  completeExceptionally(error: unknown): void;
}

/**
 * A request to an external system per record, as Flink's `AsyncFunction`. `asyncInvoke` starts
 * the request and completes `resultFuture` later; `timeout` (optional) decides what a request that
 * took too long yields instead of failing the job.
 *
 * @example
 * const lookup: AsyncFunction<string, User> = {
 *   asyncInvoke(id, rf) { db.get(id).then((u) => rf.complete(u ? [u] : []), (e) => rf.completeExceptionally(e)); },
 *   timeout(id, rf) { rf.complete([]); },
 * };
 */
export interface AsyncFunction<IN, OUT> {
  open?(ctx: RuntimeContext): void | Promise<void>;
  asyncInvoke(input: IN, resultFuture: ResultFuture<OUT>): void;
  timeout?(input: IN, resultFuture: ResultFuture<OUT>): void;
  close?(): void | Promise<void>;
}

/**
 * The short form: a function returning a promise of one result, an array of results, or
 * `undefined` for none. (To emit an array as one record, use the `AsyncFunction` form.)
 *
 * @example
 * const geo: AsyncLookup<string, Place> = (ip) => fetch(`https://geo/${ip}`).then((r) => r.json());
 */
export type AsyncLookup<IN, OUT> = (input: IN) => Promise<OUT | readonly OUT[] | undefined> | OUT | readonly OUT[] | undefined;

function deliver<OUT>(r: unknown, rf: ResultFuture<OUT>): void {
  if (r === undefined || r === null) rf.complete([]);
  else if (Array.isArray(r)) rf.complete(r as OUT[]);
  else rf.complete([r as OUT]);
}

/**
 * Turns either form into an `AsyncFunction`; `onTimeout`, when given, replaces its timeout handler.
 *
 * @example
 * asyncFunctionOf((id: string) => fetchUser(id), () => [])
 */
export function asyncFunctionOf<IN, OUT>(
  fn: AsyncFunction<IN, OUT> | AsyncLookup<IN, OUT>,
  onTimeout?: (input: IN) => OUT | readonly OUT[] | undefined,
): AsyncFunction<IN, OUT> {
  let f: AsyncFunction<IN, OUT>;
  if (typeof fn === 'function') {
    f = {
      asyncInvoke(input, rf) {
        const r = fn(input);
        if (r !== null && typeof r === 'object' && typeof (r as PromiseLike<unknown>).then === 'function') {
          (r as PromiseLike<unknown>).then(
            (v) => deliver(v, rf),
            (e) => rf.completeExceptionally(e),
          );
        } else deliver(r, rf);
      },
    };
  } else f = fn;
  if (!onTimeout) return f;
  const base = f;
  return {
    open: base.open?.bind(base),
    close: base.close?.bind(base),
    asyncInvoke: (input, rf) => base.asyncInvoke(input, rf),
    timeout: (input, rf) => deliver(onTimeout(input), rf),
  };
}
