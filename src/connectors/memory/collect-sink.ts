import type { Batch } from '../../core/batch.js';
import { RowKind } from '../../core/row-kind.js';
import type { Sink } from '../../core/sink.js';

/**
 * A sink that keeps what it receives: as an array (`values`) once the job ends, or as an async
 * iterable while it runs. With parallelism > 1 the order across subtasks is not defined.
 *
 * @example
 * const out = new CollectSink<number>();
 * env.fromElements(1, 2, 3).map((x) => x * 2).sinkTo(out);
 * await env.execute('double');
 * out.values; // [2, 4, 6]
 */
export class CollectSink<T> implements Sink<T>, AsyncIterable<T> {
  readonly name = 'Collect';
  readonly inputChangelogMode = 'all';
  readonly values: T[] = [];
  /** Event timestamps of `values`, index by index. */
  readonly timestamps: number[] = [];
  /** Row kinds of `values`, index by index (all `RowKind.INSERT` unless the input is a changelog). */
  readonly kinds: RowKind[] = [];
  /** Watermarks the sink saw, in order. */
  readonly watermarks: number[] = [];
  private waiters: (() => void)[] = [];
  private finishedWriters = 0;
  private writers = 0;

  createWriter() {
    this.writers++;
    return {
      write: (batch: Batch<T>) => {
        const kinds = batch.kinds;
        for (let i = 0; i < batch.values.length; i++) {
          this.values.push(batch.values[i]!);
          this.timestamps.push(batch.timestamps[i]!);
          this.kinds.push(kinds === undefined ? RowKind.INSERT : (kinds[i] as RowKind));
        }
        this.wake();
      },
      onWatermark: (w: number) => {
        this.watermarks.push(w);
      },
      finish: () => {
        this.finishedWriters++;
        this.wake();
      },
    };
  }

  private get done(): boolean {
    return this.writers > 0 && this.finishedWriters === this.writers;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let i = 0;
    for (;;) {
      while (i < this.values.length) yield this.values[i++]!;
      if (this.done) return;
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }
}

/** @example const out = collect<number>(); stream.sinkTo(out); */
export function collect<T>(): CollectSink<T> {
  return new CollectSink<T>();
}
