import { BatchBuilder } from '../../core/batch.js';
import type { Collector, OutputTag } from '../../core/functions.js';
import type { OperatorContext } from '../../core/operator.js';
import type { KeyedStateStore } from '../../core/state.js';
import type { EvictorContext } from '../../core/window/evictor.js';
import type { ProcessWindowContext, ProcessWindowFunction } from '../../core/window/window-functions.js';
import type { Window } from '../../core/window/window.js';
import { FunctionContext } from '../operators/function-context.js';
import { WindowStateStore } from './window-state-store.js';

/**
 * The output side of a window operator: collects window results (stamped with the window's max
 * timestamp) and late records into batches, and runs the optional ProcessWindowFunction with one
 * reused context. `flush()` hands the batches downstream.
 */
export class WindowFunctionRunner implements ProcessWindowContext<Window>, Collector<unknown>, EvictorContext {
  window: Window = undefined as unknown as Window;
  readonly windowState: WindowStateStore;
  readonly globalState: KeyedStateStore;
  private ts = 0;
  private readonly main = new BatchBuilder<unknown>();
  private readonly sides = new Map<string, BatchBuilder<unknown>>();

  constructor(
    private readonly ctx: OperatorContext<unknown>,
    readonly fn: ProcessWindowFunction<unknown, unknown, unknown, Window> | undefined,
  ) {
    this.globalState = ctx.keyed!.state;
    this.windowState = new WindowStateStore(ctx.keyed!.state, 'window-state:');
  }

  async open(): Promise<void> {
    await this.fn?.open?.(new FunctionContext(this.ctx).runtimeContext());
  }

  /** Emits the window's result: through the window function when there is one, else as is. */
  emit(window: Window, elements: unknown[]): void {
    this.ts = window.maxTimestamp();
    if (this.fn) {
      this.window = window;
      this.windowState.setWindow(window);
      this.fn.process(this.ctx.keyed!.getCurrentKey(), this, elements, this);
    } else for (const e of elements) this.main.add(e, this.ts);
  }

  /** Emits one pre-aggregated result. */
  emitOne(window: Window, result: unknown): void {
    if (this.fn) this.emit(window, [result]);
    else this.main.add(result, window.maxTimestamp());
  }

  /** The window is removed: lets the function clean its window state. */
  clear(window: Window): void {
    if (!this.fn?.clear) return;
    this.window = window;
    this.windowState.setWindow(window);
    this.fn.clear(this);
  }

  /** A result without a window function. */
  collectAt(value: unknown, timestamp: number): void {
    this.main.add(value, timestamp);
  }
  collect(value: unknown): void {
    this.main.add(value, this.ts);
  }
  output<X>(tag: OutputTag<X>, value: X): void {
    this.side(tag.id, value, this.ts);
  }
  side(tag: string, value: unknown, timestamp: number): void {
    let b = this.sides.get(tag);
    if (!b) this.sides.set(tag, (b = new BatchBuilder()));
    b.add(value, timestamp);
  }
  currentWatermark(): number {
    return this.ctx.currentWatermark();
  }
  // EvictorContext
  getCurrentWatermark(): number {
    return this.ctx.currentWatermark();
  }
  getCurrentProcessingTime(): number {
    return this.ctx.clock.now();
  }
  currentProcessingTime(): number {
    return this.ctx.clock.now();
  }

  flush(): void {
    if (this.main.length > 0) this.ctx.output.push(this.main.take());
    for (const [tag, b] of this.sides) if (b.length > 0) this.ctx.output.pushSide(tag, b.take());
  }

  async close(): Promise<void> {
    await this.fn?.close?.();
  }
}
