import type { Batch } from '../../core/batch.js';
import { ConfigError, UserFunctionError } from '../../core/errors.js';
import type { KeyedContext, Operator, OperatorContext } from '../../core/operator.js';
import { mapState, type MapState } from '../../core/state.js';
import type { Evictor, TimestampedValue } from '../../core/window/evictor.js';
import { isFire, isPurge, type Trigger, type TriggerResult } from '../../core/window/trigger.js';
import type { WindowAssigner, WindowAssignerContext } from '../../core/window/window-assigner.js';
import { LATE_RECORDS_DROPPED, type WindowOperatorSpec } from '../../core/window/window-operator-spec.js';
import { windowFromNamespace, windowNamespace, type Window } from '../../core/window/window.js';
import { WindowCleanup } from './window-cleanup.js';
import { WindowContents } from './window-contents.js';
import { WindowFunctionRunner } from './window-function-runner.js';
import { MergingWindowSet } from './merging-window-set.js';
import { WindowTriggerContext } from './window-trigger-context.js';

/**
 * The general keyed window operator, as Flink's `WindowOperator` / `EvictingWindowOperator`: any
 * assigner, trigger, evictor and allowed lateness, merging (session) windows included. Contents live
 * in keyed map state under the window's namespace; trigger and cleanup timers are keyed timers in
 * the same namespace. Results carry the window's max timestamp.
 */
export class WindowOperator implements Operator<unknown>, WindowAssignerContext {
  private ctx!: OperatorContext<unknown>;
  private keyed!: KeyedContext;
  private contents!: MapState<string, unknown>;
  private merging: MergingWindowSet | undefined;
  private tctx!: WindowTriggerContext;
  private runner!: WindowFunctionRunner;
  private readonly assigner: WindowAssigner<unknown, Window>;
  private readonly trigger: Trigger<unknown, Window>;
  private readonly evictor: Evictor<unknown, Window> | undefined;
  private store!: WindowContents;
  private cleanup!: WindowCleanup;

  constructor(private readonly spec: WindowOperatorSpec) {
    this.assigner = spec.assigner;
    this.trigger = spec.trigger ?? spec.assigner.getDefaultTrigger();
    this.evictor = spec.evictor;
  }

  async open(ctx: OperatorContext<unknown>): Promise<void> {
    if (!ctx.keyed) throw new ConfigError(`Window operator '${ctx.operatorName}' needs a keyed stream (keyBy(...).window(...), or windowAll)`);
    if (this.assigner.merging && !this.trigger.canMerge?.()) {
      throw new ConfigError(`Window operator '${ctx.operatorName}': ${this.assigner} merges windows, but trigger ${this.trigger} does not support merging`);
    }
    this.ctx = ctx;
    this.keyed = ctx.keyed;
    this.store = new WindowContents(this.spec, ctx.operatorName);
    this.contents = ctx.keyed.state.getMapState(mapState<string, unknown>('window-contents'));
    if (this.assigner.merging) this.merging = new MergingWindowSet(ctx.keyed.state.getMapState(mapState<string, string>('merging-window-set')), this.assigner);
    this.tctx = new WindowTriggerContext(ctx);
    this.cleanup = new WindowCleanup(ctx, this.assigner.isEventTime, this.spec.allowedLateness);
    this.runner = new WindowFunctionRunner(ctx, this.spec.fn.window);
    await this.runner.open();
  }

  getCurrentProcessingTime(): number {
    return this.ctx.clock.now();
  }

  processBatch(batch: Batch<unknown>): void {
    const { values, timestamps, keys } = batch;
    const n = values.length;
    const keyed = this.keyed;
    let i = 0;
    try {
      for (; i < n; i++) {
        keyed.setCurrentKey(keys![i]);
        this.processElement(values[i], timestamps[i]!);
      }
    } catch (e) {
      throw e instanceof ConfigError ? e : new UserFunctionError(this.ctx.operatorName, values[i], e);
    }
    this.runner.flush();
  }

  private processElement(value: unknown, ts: number): void {
    const windows = this.assigner.assignWindows(value, ts, this);
    let skipped = true;
    for (const w of windows) {
      let actual = w;
      let stateNs: string;
      if (this.merging) {
        actual = this.merging.addWindow(w, this.mergeCallback);
        const ns = windowNamespace(actual);
        if (this.cleanup.isWindowLate(actual)) {
          this.merging.retireWindow(ns);
          continue;
        }
        stateNs = this.merging.stateWindow(ns)!;
      } else {
        if (this.cleanup.isWindowLate(w)) continue;
        stateNs = windowNamespace(w);
      }
      skipped = false;
      const before = this.contents.get(stateNs);
      this.contents.put(stateNs, this.store.add(before, value, ts));
      const r = this.trigger.onElement(value, ts, actual, this.tctx.setWindow(actual));
      this.afterTrigger(r, actual, stateNs);
      // A window that already had contents has its cleanup timer (merges re-register theirs).
      if (before === undefined || this.merging) this.cleanup.register(actual);
    }
    // As Flink: a record no window took (none holds it, or all have passed) is late once it is
    // behind the watermark; ahead of it, a record in no window is dropped by assignment.
    if (skipped && this.cleanup.isElementLate(ts)) {
      if (this.spec.lateDataTag !== undefined) this.runner.side(this.spec.lateDataTag, value, ts);
      else this.ctx.metrics.inc(LATE_RECORDS_DROPPED);
    }
  }

  private readonly mergeCallback = (result: Window, merged: Window[], target: string, sources: string[]): void => this.onMerge(result, merged, target, sources);

  private onMerge(result: Window, merged: Window[], target: string, sources: string[]): void {
    if (this.cleanup.isWindowLate(result)) {
      throw new Error(`Merging windows produced ${result}, which ends before the current watermark: the window assigner must not shrink windows`);
    }
    this.tctx.setWindow(result).mergedWindows = merged;
    this.trigger.onMerge!(result, this.tctx);
    this.tctx.mergedWindows = [];
    for (const m of merged) {
      this.trigger.clear(m, this.tctx.setWindow(m));
      this.cleanup.delete(m);
    }
    let acc = this.contents.get(target);
    for (const s of sources) {
      acc = this.store.merge(acc, this.contents.get(s));
      this.contents.remove(s);
    }
    if (acc !== undefined) this.contents.put(target, acc);
  }

  onEventTime(ns: string | number, time: number): void {
    this.onTimer(ns, time, true);
  }

  onProcessingTime(ns: string | number, time: number): void {
    this.onTimer(ns, time, false);
    this.runner.flush();
  }

  private onTimer(ns: string | number, time: number, eventTime: boolean): void {
    const window = windowFromNamespace(ns);
    const wns = String(ns);
    try {
      let stateNs: string | undefined = wns;
      if (this.merging) {
        stateNs = this.merging.stateWindow(wns);
        // The window was merged into another one; its timers are stale.
        if (stateNs === undefined) return;
      }
      this.tctx.setWindow(window, wns);
      const r = eventTime ? this.trigger.onEventTime(time, window, this.tctx) : this.trigger.onProcessingTime(time, window, this.tctx);
      this.afterTrigger(r, window, stateNs);
      if (this.cleanup.isCleanupTimer(window, time, eventTime)) this.clearAllState(window, wns, stateNs);
    } catch (e) {
      throw new UserFunctionError(
        `${this.ctx.operatorName} (${eventTime ? 'event' : 'processing'}-time timer)`,
        { key: this.keyed.getCurrentKey(), window: String(window) },
        e,
      );
    }
  }

  private afterTrigger(r: TriggerResult, window: Window, stateNs: string): void {
    if (isFire(r)) {
      const c = this.contents.get(stateNs);
      if (c !== undefined) this.emit(window, stateNs, c);
    }
    if (isPurge(r)) this.contents.remove(stateNs);
  }

  private emit(window: Window, stateNs: string, contents: unknown): void {
    if (this.evictor) {
      const ev = this.evictor;
      const kept = ev.evictBefore(contents as TimestampedValue<unknown>[], window, this.runner);
      const els = this.store.elements(kept);
      if (els.length > 0 || this.spec.fn.type === 'process') this.runner.emit(window, els);
      const after = ev.evictAfter(kept, window, this.runner);
      if (after !== contents) {
        if (after.length === 0) this.contents.remove(stateNs);
        else this.contents.put(stateNs, after);
      }
      return;
    }
    this.runner.emit(window, this.store.elements(contents));
  }

  private clearAllState(window: Window, ns: string, stateNs: string): void {
    this.contents.remove(stateNs);
    this.trigger.clear(window, this.tctx.setWindow(window, ns));
    this.runner.clear(window);
    this.merging?.retireWindow(ns);
  }

  onWatermark(w: number): void {
    this.runner.flush();
    this.ctx.output.pushWatermark(w);
  }

  endInput(): void {
    this.tctx.inputEnded = true;
  }

  finish(): void {
    this.runner.flush();
  }

  async close(): Promise<void> {
    await this.runner?.close();
  }
}
