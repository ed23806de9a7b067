import type { Batch } from '../../core/batch.js';
import { UserFunctionError } from '../../core/errors.js';
import type { KeyedContext, Operator, OperatorContext } from '../../core/operator.js';
import { valueState, type AggregateFunction, type ValueState } from '../../core/state.js';
import { missingTimestamp } from '../../core/window/window-assigner.js';
import { LATE_RECORDS_DROPPED, type WindowOperatorSpec } from '../../core/window/window-operator-spec.js';
import { TimeWindow } from '../../core/window/window.js';
import { dropSlicesThrough, insertSlice, type KeySlices } from './key-slices.js';
import { WindowEndIndex } from './window-end-index.js';
import { WindowFunctionRunner } from './window-function-runner.js';
import { periodStart, sliceGrid } from './slice-grid.js';

const STATE = 'window-slices';

/**
 * Tumbling and sliding event-time windows with reduce or aggregate, the default trigger and no
 * lateness. Time is cut into slices of `gcd(size, slide)`: each record updates the one accumulator
 * of its slice, and when a window ends its slices are combined (with `merge` or the reduce
 * function). Per key, the slices and the end of the next window due live in one keyed value
 * ({@link KeySlices}). The default trigger fires only at window ends, so instead of a timer per
 * key and window the operator keeps its keys by next window end ({@link WindowEndIndex}) and fires
 * them when the watermark passes; the index is rebuilt from keyed state after a restore. `reduce`
 * must be associative and commutative, since slices combine in time order, not arrival order.
 *
 * `preAggregated`: the input holds partial aggregates per key and slice (from a
 * {@link LocalWindowAggregateOperator}), which are merged into the slices instead of added.
 */
export class SlicedWindowOperator implements Operator<unknown> {
  private ctx!: OperatorContext<unknown>;
  private keyed!: KeyedContext;
  private slices!: ValueState<KeySlices>;
  private runner!: WindowFunctionRunner;
  private readonly index = new WindowEndIndex();
  private readonly size: number;
  private readonly slide: number;
  private readonly offset: number;
  private readonly slice: number;
  /** Where window ends lie: the slide grid shifted by the size. */
  private readonly endOffset: number;
  private readonly reduce: ((a: unknown, b: unknown) => unknown) | undefined;
  private readonly agg: AggregateFunction<unknown, unknown, unknown> | undefined;

  constructor(
    private readonly spec: WindowOperatorSpec,
    private readonly preAggregated = false,
  ) {
    const g = sliceGrid(spec);
    this.size = g.size;
    this.slide = g.slide;
    this.offset = g.offset;
    this.slice = g.slice;
    this.endOffset = g.endOffset;
    this.reduce = spec.fn.type === 'reduce' ? spec.fn.reduce : undefined;
    this.agg = spec.fn.type === 'aggregate' ? spec.fn.aggregate : undefined;
  }

  async open(ctx: OperatorContext<unknown>): Promise<void> {
    this.ctx = ctx;
    this.keyed = ctx.keyed!;
    this.slices = ctx.keyed!.state.getState(valueState<KeySlices>(STATE));
    for (const key of this.keyed.keysOf(STATE)) {
      this.keyed.setCurrentKey(key);
      this.index.add(this.slices.value()![0] as number, key);
    }
    this.runner = new WindowFunctionRunner(ctx, this.spec.fn.window);
    await this.runner.open();
  }

  private windowStart(t: number, size: number, offset = this.offset): number {
    return periodStart(t, size, offset);
  }

  /** The first window end at or after `t`. */
  private endAtOrAfter(t: number): number {
    return this.windowStart(t - 1, this.slide, this.endOffset) + this.slide;
  }

  processBatch(batch: Batch<unknown>): void {
    const { values, timestamps, keys } = batch;
    const n = values.length;
    const wm = this.ctx.currentWatermark();
    const { keyed, slices, size, slide, slice, offset, reduce } = this;
    // Partial aggregates merge where records add; with a reduce function both are the same.
    const agg = this.preAggregated ? undefined : this.agg;
    const merge = this.preAggregated && this.agg ? this.agg.merge! : reduce;
    // Skewed streams repeat keys back to back (Nexmark's hot auction takes half the bids): the
    // previous record's slices are reused without another state lookup. Safe within one batch,
    // since a snapshot freezes the state table only between batches.
    let lastKey: unknown = NO_KEY;
    let s: KeySlices | undefined;
    let i = 0;
    try {
      // Grid arithmetic and the slice search are written out here: epoch milliseconds are not small
      // integers, and a helper call that is not inlined boxes each one it returns (measured with
      // allocation sampling: about 40 bytes per record, and a slower run when it happens).
      for (; i < n; i++) {
        const ts = timestamps[i]!;
        if (ts === -Infinity) throw missingTimestamp(this.spec.assigner.toString());
        // The last window that can hold ts starts at the start of its slide period.
        const rs = (ts - offset) % slide;
        const lastStart = rs < 0 ? ts - rs - slide : ts - rs;
        if (lastStart + size - 1 <= wm || ts >= lastStart + size) {
          // Late as Flink decides: no window took it and it is at or behind the watermark. A record
          // in a gap between windows (slide > size) ahead of the watermark belongs to no window.
          if (ts <= wm) this.late(values[i], ts);
          continue;
        }
        const key = keys![i];
        if (key !== lastKey) {
          keyed.setCurrentKey(key);
          // Changed in place: the state table hands out a copy while a snapshot is being written.
          s = slices.value();
          lastKey = key;
        }
        const r = (ts - offset) % slice;
        const end = (r < 0 ? ts - r - slice : ts - r) + slice;
        if (s === undefined) {
          const first = this.firstWindowEnd(end, wm);
          s = [first, end, agg ? agg.add(values[i], agg.createAccumulator()) : values[i]];
          slices.update(s);
          this.index.add(first, key);
          continue;
        }
        // Newest slice first: records mostly fall into the latest one.
        let j = s.length - 2;
        while (j >= 1 && (s[j] as number) > end) j -= 2;
        if (j >= 1 && (s[j] as number) === end) {
          s[j + 1] = agg ? agg.add(values[i], s[j + 1]) : merge!(s[j + 1], values[i]);
          continue;
        }
        insertSlice(s, j + 2, end, agg ? agg.add(values[i], agg.createAccumulator()) : values[i]);
        const first = this.firstWindowEnd(end, wm);
        if (first < (s[0] as number)) {
          s[0] = first;
          this.index.add(first, key);
        }
      }
    } catch (e) {
      throw new UserFunctionError(this.ctx.operatorName, values[i], e);
    }
    this.runner.flush();
  }

  /** The first window end at or after `sliceEnd` whose window has not fired yet. */
  private firstWindowEnd(sliceEnd: number, wm: number): number {
    const e = this.endAtOrAfter(sliceEnd);
    return e - 1 > wm ? e : this.endAtOrAfter(wm + 2);
  }

  private late(value: unknown, ts: number): void {
    if (this.spec.lateDataTag !== undefined) this.runner.side(this.spec.lateDataTag, value, ts);
    else this.ctx.metrics.inc(LATE_RECORDS_DROPPED);
  }

  /** Fires, earliest first, every window whose max timestamp the watermark `w` has passed. */
  private fireUpTo(w: number): void {
    const { index, keyed, slices } = this;
    while (index.hasEndUpTo(w + 1)) {
      const end = index.firstEnd;
      // One window object for every key firing it (windows are immutable values).
      const window = new TimeWindow(end - this.size, end);
      const keys = index.take();
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        keyed.setCurrentKey(key);
        const s = slices.value();
        // The key moved to an earlier end since, or was added twice: it already fired.
        if (s !== undefined && s[0] === end) this.fireWindow(s, key, window);
      }
    }
  }

  /** Emits the key's result for `window`, drops slices no later window needs, and queues the key's next window. */
  private fireWindow(s: KeySlices, key: unknown, window: TimeWindow): void {
    const { start, end } = window;
    try {
      const result = this.combine(s, start, end);
      if (result !== NONE) {
        if (this.runner.fn) {
          this.runner.emitOne(window, result);
          this.runner.clear(window);
        } else this.runner.collectAt(result, end - 1);
      }
    } catch (e) {
      throw new UserFunctionError(`${this.ctx.operatorName} (window end)`, { key, window: `[${start}, ${end})` }, e);
    }
    dropSlicesThrough(s, start + this.slide);
    if (s.length === 1) {
      this.slices.clear();
      return;
    }
    // The next window holding the earliest slice left; every slice left is in the one after this.
    const next = Math.max(this.endAtOrAfter(s[1] as number), end + this.slide);
    s[0] = next;
    this.index.add(next, key);
  }

  /** The window's result from its slices (end in (start, end]), in time order; NONE when empty. */
  private combine(s: KeySlices, start: number, end: number): unknown {
    let r: unknown = NONE;
    let n = 0;
    for (let i = 1; i < s.length; i += 2) {
      const e = s[i] as number;
      if (e > end) break;
      if (e <= start) continue;
      r = n++ === 0 ? s[i + 1] : this.fold(r, s[i + 1], n);
    }
    if (n === 0) return NONE;
    const agg = this.agg;
    return agg ? agg.getResult(r) : r;
  }

  /** Adds the n-th slice to the running result. Slice accumulators stay untouched: merge goes into a fresh one. */
  private fold(r: unknown, slice: unknown, n: number): unknown {
    const agg = this.agg;
    if (!agg) return this.reduce!(r, slice);
    if (n === 2) r = agg.merge!(agg.createAccumulator(), r);
    return agg.merge!(r, slice);
  }

  onWatermark(w: number): void {
    this.fireUpTo(w);
    this.runner.flush();
    this.ctx.output.pushWatermark(w);
  }

  finish(): void {
    this.runner.flush();
  }

  async close(): Promise<void> {
    await this.runner?.close();
  }
}

const NONE = Symbol('none');
/** No key seen yet in a batch (a symbol no key selector can return as a key). */
const NO_KEY = Symbol('no key');
