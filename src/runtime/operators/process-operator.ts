import type { Batch } from '../../core/batch.js';
import { UserFunctionError } from '../../core/errors.js';
import type { KeyedProcessFunction, ProcessFunction } from '../../core/functions.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import { FunctionContext } from './function-context.js';

type AnyProcessFunction = ProcessFunction<unknown, unknown> | KeyedProcessFunction<unknown, unknown, unknown>;

/**
 * Runs a ProcessFunction, or a KeyedProcessFunction when the stream is keyed: sets the current key
 * from the keys the exchange attached, calls the function per record, and calls `onTimer` for fired
 * timers.
 */
export class ProcessOperator implements Operator<unknown> {
  private ctx!: OperatorContext<unknown>;
  private fc!: FunctionContext;
  private readonly fn: AnyProcessFunction;
  constructor(fn: AnyProcessFunction) {
    // Parallel subtasks share the graph's function object; each gets its own view, so fields set in
    // open() (state handles) stay per subtask, as Flink's per-subtask copies do.
    this.fn = Object.create(fn) as AnyProcessFunction;
  }

  async open(ctx: OperatorContext<unknown>): Promise<void> {
    this.ctx = ctx;
    this.fc = new FunctionContext(ctx);
    await this.fn.open?.(this.fc.runtimeContext());
  }

  processBatch(batch: Batch<unknown>): void {
    const { values, timestamps, keys } = batch;
    const n = values.length;
    const fc = this.fc;
    const fn = this.fn as KeyedProcessFunction<unknown, unknown, unknown>;
    const keyed = this.ctx.keyed;
    let i = 0;
    try {
      if (keyed && keys) {
        for (; i < n; i++) {
          keyed.setCurrentKey(keys[i]);
          fc.currentTimestamp = timestamps[i]!;
          fn.processElement(values[i], fc, fc);
        }
      } else {
        for (; i < n; i++) {
          fc.currentTimestamp = timestamps[i]!;
          fn.processElement(values[i], fc, fc);
        }
      }
    } catch (e) {
      throw new UserFunctionError(this.ctx.operatorName, values[i], e);
    }
    fc.flush();
  }

  onEventTime(_ns: string | number, timestamp: number): void {
    this.fire(timestamp, 'EVENT_TIME');
  }
  onProcessingTime(_ns: string | number, timestamp: number): void {
    this.fire(timestamp, 'PROCESSING_TIME');
  }
  private fire(timestamp: number, domain: 'EVENT_TIME' | 'PROCESSING_TIME'): void {
    const fn = this.fn as KeyedProcessFunction<unknown, unknown, unknown>;
    this.fc.fireTimer(fn.onTimer, fn, timestamp, domain);
  }

  async close(): Promise<void> {
    await this.fn.close?.();
  }
}
