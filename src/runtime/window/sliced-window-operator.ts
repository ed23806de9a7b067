import type { Batch } from '../../core/batch.js';
import { UserFunctionError } from '../../core/errors.js';
import type { KeyedContext, Operator, OperatorContext } from '../../core/operator.js';
import { valueState, type AggregateFunction, type ValueState } from '../../core/state.js';
import { missingTimestamp } from '../../core/window/window-assigner.js';
import { LATE_RECORDS_DROPPED, type WindowOperatorSpec } from '../../core/window/window-operator-spec.js';
import { TimeWindow } from '../../core/window/window.js';
import { WindowFunctionRunner } from './window-function-runner.js';

/** The one timer namespace: a timer at `t` fires the window ending at `t + 1` (its max timestamp is `t`). */
const NS = 0;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * Tumbling and sliding event-time windows with reduce or aggregate, the default trigger and no
 * lateness. Time is cut into slices of `gcd(size, slide)`: each record updates the one accumulator
 * of its slice, and when a window ends its slices are combined (with `merge` or the reduce
 * function). Per key, the slices live in one keyed map; one timer per window end that has data.
 * `reduce` must be associative and commutative, since slices combine in time order, not arrival
 * order.
 */
export class SlicedWindowOperator implements Operator<unknown> {
  private ctx!: OperatorContext<unknown>;
  private keyed!: KeyedContext;
  private slices!: ValueState<Map<number, unknown>>;
  private runner!: WindowFunctionRunner;
  private readonly size: number;
  private readonly slide: number;
  private readonly offset: number;
  private readonly slice: number;
  private readonly reduce: ((a: unknown, b: unknown) => unknown) | undefined;
  private readonly agg: AggregateFunction<unknown, unknown, unknown> | undefined;

  constructor(private readonly spec: WindowOperatorSpec) {
    const a = spec.assigner.alignment!;
    this.size = a.size;
    this.slide = a.slide;
    this.offset = a.offset;
    this.slice = gcd(a.size, a.slide);
    this.reduce = spec.fn.type === 'reduce' ? spec.fn.reduce : undefined;
    this.agg = spec.fn.type === 'aggregate' ? spec.fn.aggregate : undefined;
  }

  async open(ctx: OperatorContext<unknown>): Promise<void> {
    this.ctx = ctx;
    this.keyed = ctx.keyed!;
    this.slices = ctx.keyed!.state.getState(valueState<Map<number, unknown>>('window-slices'));
    this.runner = new WindowFunctionRunner(ctx, this.spec.fn.window);
    await this.runner.open();
  }

  private windowStart(t: number, size: number, offset = this.offset): number {
    const r = (t - offset) % size;
    return r < 0 ? t - (r + size) : t - r;
  }

  processBatch(batch: Batch<unknown>): void {
    const { values, timestamps, keys } = batch;
    const n = values.length;
    const wm = this.ctx.currentWatermark();
    const { keyed, slices, size, slide, slice, agg, reduce } = this;
    let i = 0;
    try {
      for (; i < n; i++) {
        const ts = timestamps[i]!;
        if (ts === -Infinity) throw missingTimestamp(this.spec.assigner.toString());
        // The last window holding ts ends at the end of its slide period plus (size - slide).
        if (this.windowStart(ts, slide) + size - 1 <= wm) {
          this.late(values[i], ts);
          continue;
        }
        keyed.setCurrentKey(keys![i]);
        let m = slices.value();
        if (m === undefined) m = new Map();
        const end = this.windowStart(ts, slice) + slice;
        let acc = m.get(end);
        if (acc === undefined && !m.has(end)) {
          acc = agg ? agg.add(values[i], agg.createAccumulator()) : values[i];
          const first = this.firstWindowEnd(end, wm);
          // The previous slice's timers walk through every window holding it; when that includes
          // this slice's first window, no timer of its own is needed.
          const prev = end - slice;
          if (!(prev > first - size && m.has(prev))) keyed.timers.registerEventTimeTimer(NS, first - 1);
        } else acc = agg ? agg.add(values[i], acc) : reduce!(acc, values[i]);
        m.set(end, acc);
        slices.update(m);
      }
    } catch (e) {
      throw new UserFunctionError(this.ctx.operatorName, values[i], e);
    }
    this.runner.flush();
  }

  /** The first window end at or after `sliceEnd` whose window has not fired yet. */
  private firstWindowEnd(sliceEnd: number, wm: number): number {
    // Window ends lie on the slide grid shifted by the size.
    const endOffset = (this.offset + this.size) % this.slide;
    const e = this.windowStart(sliceEnd - 1, this.slide, endOffset) + this.slide;
    return e - 1 > wm ? e : this.windowStart(wm + 1, this.slide, endOffset) + this.slide;
  }

  private late(value: unknown, ts: number): void {
    if (this.spec.lateDataTag !== undefined) this.runner.side(this.spec.lateDataTag, value, ts);
    else this.ctx.metrics.inc(LATE_RECORDS_DROPPED);
  }

  onEventTime(_ns: string | number, maxTimestamp: number): void {
    // At the final watermark the remaining windows fire right here: the timer service fires only
    // timers that existed when event time ended.
    const final = this.ctx.currentWatermark() === Infinity;
    let e = maxTimestamp + 1;
    while (this.fireWindow(e)) {
      if (!final) {
        this.keyed.timers.registerEventTimeTimer(NS, e + this.slide - 1);
        return;
      }
      e += this.slide;
    }
  }

  /** Emits the window ending at `end`, drops slices no later window needs; true if the next window has data. */
  private fireWindow(end: number): boolean {
    const m = this.slices.value();
    if (m === undefined) return false;
    const start = end - this.size;
    try {
      const result = this.combine(m, start, end);
      if (result !== NONE) {
        if (this.runner.fn) {
          const w = new TimeWindow(start, end);
          this.runner.emitOne(w, result);
          this.runner.clear(w);
        } else this.runner.collectAt(result, end - 1);
      }
    } catch (e) {
      throw new UserFunctionError(`${this.ctx.operatorName} (window end)`, { key: this.keyed.getCurrentKey(), window: `[${start}, ${end})` }, e);
    }
    // Slices that no later window holds are dropped; the next window is due if any slice is in it.
    const keepAfter = start + this.slide;
    let next = false;
    for (const s of m.keys()) {
      if (s <= keepAfter) m.delete(s);
      else if (s <= end + this.slide) next = true;
    }
    if (m.size === 0) this.slices.clear();
    else this.slices.update(m);
    return next;
  }

  /** The window's result from its slices (end in (start, end]), in time order; NONE when empty. */
  private combine(m: Map<number, unknown>, start: number, end: number): unknown {
    let r: unknown = NONE;
    let n = 0;
    if (m.size >= this.size / this.slice) {
      // Dense: walk the window's slice grid, no allocation.
      for (let s = start + this.slice; s <= end; s += this.slice) {
        const v = m.get(s);
        if (v === undefined && !m.has(s)) continue;
        r = n++ === 0 ? v : this.fold(r, v, n);
      }
    } else {
      const ends: number[] = [];
      for (const s of m.keys()) if (s > start && s <= end) ends.push(s);
      ends.sort((a, b) => a - b);
      for (const s of ends) r = n++ === 0 ? m.get(s) : this.fold(r, m.get(s), n);
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
