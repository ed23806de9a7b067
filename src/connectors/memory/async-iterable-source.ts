import { Batch } from '../../core/batch.js';
import type { PollResult, Source } from '../../core/source.js';

/** Anything that yields records asynchronously: an AsyncIterable, a Node Readable (object mode or lines), a web ReadableStream. */
export type AsyncInput<T> = AsyncIterable<T> | Iterable<T> | ReadableStream<T>;

function toAsyncIterator<T>(input: AsyncInput<T>): AsyncIterator<T> | Iterator<T> {
  if (typeof (input as AsyncIterable<T>)[Symbol.asyncIterator] === 'function') return (input as AsyncIterable<T>)[Symbol.asyncIterator]();
  if (typeof (input as Iterable<T>)[Symbol.iterator] === 'function') return (input as Iterable<T>)[Symbol.iterator]();
  const reader = (input as ReadableStream<T>).getReader();
  return {
    next: async () => {
      const r = await reader.read();
      return r.done ? { done: true, value: undefined } : { done: false, value: r.value };
    },
    return: async () => {
      reader.releaseLock();
      return { done: true, value: undefined };
    },
  };
}

/**
 * A source over an async iterable (or a Node Readable, or a web ReadableStream). Not replayable: a
 * restarted job cannot read the same values again, so it gives at-most-once / at-least-once only.
 * Reads up to `batchSize` values per batch, but never waits for more once some have arrived, so
 * slow producers still see low latency.
 *
 * @example
 * async function* ticks() { for (let i = 0; i < 3; i++) yield i; }
 * env.fromAsyncIterable(ticks())
 */
export function asyncIterableSource<T>(input: AsyncInput<T>, name = 'AsyncIterable Source'): Source<T> {
  return {
    name,
    bounded: true,
    replayable: false,
    maxParallelism: 1,
    splits: () => [{ id: 'iterable' }],
    createReader(_splits, ctx) {
      const it = toAsyncIterator(input);
      let pending: Promise<IteratorResult<T>> | undefined;
      let done = false;
      return {
        async poll(): Promise<PollResult<T>> {
          if (done) return 'end';
          const values: T[] = [];
          while (values.length < ctx.batchSize) {
            const p = pending ?? Promise.resolve(it.next());
            pending = undefined;
            if (values.length > 0) {
              // Take what is ready without waiting; keep the rest for the next poll.
              const ready = await Promise.race([p, Promise.resolve(undefined)]);
              if (ready === undefined) {
                pending = p;
                break;
              }
              if (ready.done) {
                done = true;
                break;
              }
              values.push(ready.value);
              continue;
            }
            const r = await p;
            if (r.done) {
              done = true;
              break;
            }
            values.push(r.value);
          }
          return values.length > 0 ? Batch.of(values) : 'end';
        },
        async close() {
          if (!done) await it.return?.();
        },
      };
    },
  };
}
