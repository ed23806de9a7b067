import { Batch } from '../../core/batch.js';
import { UserFunctionError } from '../../core/errors.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import type { AggregateFunction } from '../../core/state.js';
import { missingTimestamp } from '../../core/window/window-assigner.js';
import type { WindowOperatorSpec } from '../../core/window/window-operator-spec.js';
import { sliceGrid, type SliceGrid } from './slice-grid.js';

/** Partial aggregates held before a flush is forced: bounds memory when keys are many. */
const MAX_BUFFERED = 16_384;
/** No key seen yet in a batch. */
const NO_KEY = Symbol('no key');

/** One key's partial aggregate of one slice, in a box so a record updates it without a second lookup. */
type Partial = [acc: unknown];
/** One slice's partial aggregates, by key, in the order the keys came. */
type SlicePartials = Map<unknown, Partial>;

/**
 * The local half of a two-phase window aggregate (Flink's LocalWindowAggregate): before the keyBy
 * exchange, records are folded into one partial aggregate per key and slice, and only those cross
 * to the window operator, which merges them ({@link SlicedWindowOperator} with `preAggregated`).
 * Hot keys then cost one record per slice instead of one per event. Nothing is kept across a
 * checkpoint: the buffer is emitted before each barrier, so the operator has no state.
 *
 * When the watermark passes the end of a slice, that slice (a window firing on this watermark may
 * hold it) and every earlier one leave; open slices stay and keep folding. Emitted early, a hot
 * key's open slice would cross again at every watermark (the out-of-orderness keeps two or three
 * slices open), and the window operator would get it in pieces, out of order with the other slots'
 * pieces. Everything leaves when the input goes idle (downstream event time then moves on without
 * it), at the end of input, and when {@link MAX_BUFFERED} partials are held.
 * Output records carry their key in the batch and the slice's last timestamp as event time.
 */
export class LocalWindowAggregateOperator implements Operator<unknown> {
  private ctx!: OperatorContext<unknown>;
  private readonly grid: SliceGrid;
  private readonly agg: AggregateFunction<unknown, unknown, unknown> | undefined;
  private readonly reduce: ((a: unknown, b: unknown) => unknown) | undefined;
  /** Open slices by end. Slices are aligned, so a watermark takes whole maps. */
  private readonly slices = new Map<number, SlicePartials>();
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
    const { slices, agg, reduce, key: keyOf } = this;
    const { slice, offset } = this.grid;
    let earliest = this.earliestEnd;
    // Back-to-back records of one key and slice (a hot key) reuse its partial without a lookup.
    let lastEnd = NaN;
    let m: SlicePartials | undefined;
    let lastKey: unknown = NO_KEY;
    let p: Partial | undefined;
    let i = 0;
    let stage = 'key selector';
    try {
      // Slice arithmetic written out, as in SlicedWindowOperator: a helper returning an
      // epoch-millisecond number boxes it when the call is not inlined.
      for (; i < n; i++) {
        const ts = timestamps[i]!;
        if (ts === -Infinity) throw missingTimestamp(this.spec.assigner.toString());
        stage = 'key selector';
        const key = keyOf(values[i]);
        stage = 'aggregate';
        const r = (ts - offset) % slice;
        const end = (r < 0 ? ts - r - slice : ts - r) + slice;
        if (end !== lastEnd) {
          m = slices.get(end);
          if (m === undefined) {
            slices.set(end, (m = new Map()));
            if (end < earliest) earliest = end;
          }
          lastEnd = end;
          lastKey = NO_KEY;
        }
        if (key !== lastKey) {
          lastKey = key;
          p = m!.get(key);
          if (p === undefined) {
            m!.set(key, (p = [agg ? agg.add(values[i], agg.createAccumulator()) : values[i]]));
            this.buffered++;
            continue;
          }
        }
        p![0] = agg ? agg.add(values[i], p![0]) : reduce!(p![0], values[i]);
      }
    } catch (e) {
      throw new UserFunctionError(`${this.ctx.operatorName} (${stage})`, values[i], e);
    } finally {
      this.earliestEnd = earliest;
    }
    if (this.buffered >= MAX_BUFFERED) this.flushThrough(Infinity);
  }

  onWatermark(w: number): void {
    if (w >= this.earliestEnd - 1) this.flushThrough(w + 1);
    this.ctx.output.pushWatermark(w);
  }

  /** An idle input no longer holds back downstream event time: what it buffered must go first. */
  onWatermarkStatus(idle: boolean): void {
    if (idle) this.flushThrough(Infinity);
  }

  prepareSnapshotPreBarrier(): void {
    this.flushThrough(Infinity);
  }

  finish(): void {
    this.flushThrough(Infinity);
  }

  /** Emits the slices that end at or before `bound`, earliest first, each key at its slice's last timestamp. */
  private flushThrough(bound: number): void {
    if (this.buffered === 0) return;
    const due: number[] = [];
    let count = 0;
    let earliestLeft = Infinity;
    for (const [end, m] of this.slices) {
      if (end <= bound) {
        due.push(end);
        count += m.size;
      } else if (end < earliestLeft) earliestLeft = end;
    }
    this.earliestEnd = earliestLeft;
    if (count === 0) return;
    due.sort((a, b) => a - b);
    const batch = drainSlices(this.slices, due, count);
    this.buffered -= count;
    this.ctx.output.push(batch);
  }
}

/**
 * The partials of the slices ending at `ends`, removed from `slices`, as one keyed batch. A
 * function of its own: V8 compiles its loop on stack replacement, and compiled together with the
 * push that follows, the push's inlined checks failed on every flush of a slot (a deoptimization
 * per flush, the loop then run by the interpreter).
 */
function drainSlices(slices: Map<number, SlicePartials>, ends: readonly number[], count: number): Batch<unknown> {
  const values = new Array<unknown>(count);
  const timestamps = new Array<number>(count);
  const keys = new Array<unknown>(count);
  let o = 0;
  for (let e = 0; e < ends.length; e++) {
    const end = ends[e]!;
    const last = end - 1;
    for (const [key, p] of slices.get(end)!) {
      values[o] = p[0];
      timestamps[o] = last;
      keys[o++] = key;
    }
    slices.delete(end);
  }
  return new Batch(values, timestamps, keys);
}
