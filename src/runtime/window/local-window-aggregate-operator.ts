import { Batch } from '../../core/batch.js';
import { UserFunctionError } from '../../core/errors.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import type { AggregateFunction } from '../../core/state.js';
import { missingTimestamp } from '../../core/window/window-assigner.js';
import type { WindowOperatorSpec } from '../../core/window/window-operator-spec.js';
import { insertSlice, type KeySlices } from './key-slices.js';
import { sliceGrid, type SliceGrid } from './slice-grid.js';

/** Partial aggregates held before a flush is forced: bounds memory when keys are many. */
const MAX_BUFFERED = 16_384;
/** No key seen yet in a batch. */
const NO_KEY = Symbol('no key');

/**
 * The local half of a two-phase window aggregate (Flink's LocalWindowAggregate): before the keyBy
 * exchange, records are folded into one partial aggregate per key and slice, and only those cross
 * to the window operator, which merges them ({@link SlicedWindowOperator} with `preAggregated`).
 * Hot keys then cost one record per slice instead of one per event. Nothing is kept across a
 * checkpoint: the buffer is emitted before each barrier, so the operator has no state. It is also
 * emitted when the watermark passes the end of a buffered slice (the window operator may fire a
 * window holding it next), when its input goes idle (downstream event time then moves on without
 * it), at the end of input, and when it holds {@link MAX_BUFFERED} entries.
 * Output records carry their key in the batch and the slice's last timestamp as event time.
 */
export class LocalWindowAggregateOperator implements Operator<unknown> {
  private ctx!: OperatorContext<unknown>;
  private readonly grid: SliceGrid;
  private readonly agg: AggregateFunction<unknown, unknown, unknown> | undefined;
  private readonly reduce: ((a: unknown, b: unknown) => unknown) | undefined;
  /** Per key: `[unused, end0, acc0, end1, acc1, ...]`, the layout of {@link KeySlices}. */
  private buffer = new Map<unknown, KeySlices>();
  private buffered = 0;
  private earliestEnd = Infinity;

  constructor(
    private readonly spec: WindowOperatorSpec,
    private readonly key: (value: unknown) => unknown,
  ) {
    this.grid = sliceGrid(spec);
    this.agg = spec.fn.type === 'aggregate' ? spec.fn.aggregate : undefined;
    this.reduce = spec.fn.type === 'reduce' ? spec.fn.reduce : undefined;
  }

  open(ctx: OperatorContext<unknown>): void {
    this.ctx = ctx;
  }

  processBatch(batch: Batch<unknown>): void {
    const { values, timestamps } = batch;
    const n = values.length;
    const { buffer, agg, reduce, key: keyOf } = this;
    const { slice, offset } = this.grid;
    let earliest = this.earliestEnd;
    // Back-to-back records of one key (a hot key) reuse its slices without a map lookup.
    let lastKey: unknown = NO_KEY;
    let s: KeySlices | undefined;
    let i = 0;
    let stage = 'key selector';
    try {
      // Slice arithmetic and search written out, as in SlicedWindowOperator: a helper returning an
      // epoch-millisecond number boxes it when the call is not inlined.
      for (; i < n; i++) {
        const ts = timestamps[i]!;
        if (ts === -Infinity) throw missingTimestamp(this.spec.assigner.toString());
        stage = 'key selector';
        const key = keyOf(values[i]);
        stage = 'aggregate';
        const r = (ts - offset) % slice;
        const end = (r < 0 ? ts - r - slice : ts - r) + slice;
        if (end < earliest) earliest = end;
        if (key !== lastKey) {
          s = buffer.get(key);
          lastKey = key;
        }
        if (s === undefined) {
          s = [0, end, agg ? agg.add(values[i], agg.createAccumulator()) : values[i]];
          buffer.set(key, s);
          this.buffered++;
          continue;
        }
        let j = s.length - 2;
        while (j >= 1 && (s[j] as number) > end) j -= 2;
        if (j >= 1 && (s[j] as number) === end) {
          s[j + 1] = agg ? agg.add(values[i], s[j + 1]) : reduce!(s[j + 1], values[i]);
          continue;
        }
        insertSlice(s, j + 2, end, agg ? agg.add(values[i], agg.createAccumulator()) : values[i]);
        this.buffered++;
      }
    } catch (e) {
      throw new UserFunctionError(`${this.ctx.operatorName} (${stage})`, values[i], e);
    } finally {
      this.earliestEnd = earliest;
    }
    if (this.buffered >= MAX_BUFFERED) this.flush();
  }

  onWatermark(w: number): void {
    if (w >= this.earliestEnd - 1) this.flush();
    this.ctx.output.pushWatermark(w);
  }

  /** An idle input no longer holds back downstream event time: what it buffered must go first. */
  onWatermarkStatus(idle: boolean): void {
    if (idle) this.flush();
  }

  prepareSnapshotPreBarrier(): void {
    this.flush();
  }

  finish(): void {
    this.flush();
  }

  /** Emits every buffered partial aggregate, keyed, at its slice's last timestamp. */
  private flush(): void {
    if (this.buffered === 0) return;
    const batch = drainSlices(this.buffer, this.buffered);
    this.buffer = new Map();
    this.buffered = 0;
    this.earliestEnd = Infinity;
    this.ctx.output.push(batch);
  }
}

/**
 * The buffer as one keyed batch. A function of its own: V8 compiles its loop on stack replacement,
 * and compiled together with the push that follows, the push's inlined checks failed on every
 * flush of a slot (a deoptimization per flush, the loop then run by the interpreter).
 */
function drainSlices(buffer: Map<unknown, KeySlices>, count: number): Batch<unknown> {
  const values = new Array<unknown>(count);
  const timestamps = new Array<number>(count);
  const keys = new Array<unknown>(count);
  let o = 0;
  for (const [key, s] of buffer) {
    for (let j = 1; j < s.length; j += 2) {
      values[o] = s[j + 1];
      timestamps[o] = (s[j] as number) - 1;
      keys[o++] = key;
    }
  }
  return new Batch(values, timestamps, keys);
}
