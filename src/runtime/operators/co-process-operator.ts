import type { Batch } from '../../core/batch.js';
import { UserFunctionError } from '../../core/errors.js';
import type { KeyedCoProcessFunction } from '../../core/functions.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import { FunctionContext } from './function-context.js';

/** Two inputs, one function with shared state: CoProcessFunction and KeyedCoProcessFunction (and CoMap/CoFlatMap built on them). */
export class CoProcessOperator implements Operator<unknown> {
  private ctx!: OperatorContext<unknown>;
  private fc!: FunctionContext;
  private readonly fn: KeyedCoProcessFunction<unknown, unknown, unknown, unknown>;
  constructor(fn: KeyedCoProcessFunction<unknown, unknown, unknown, unknown>) {
    // Parallel subtasks share the graph's function object; each gets its own view, so fields set in
    // open() (state handles) stay per subtask, as Flink's per-subtask copies do.
    this.fn = Object.create(fn) as KeyedCoProcessFunction<unknown, unknown, unknown, unknown>;
  }

  async open(ctx: OperatorContext<unknown>): Promise<void> {
    this.ctx = ctx;
    this.fc = new FunctionContext(ctx);
    await this.fn.open?.(this.fc.runtimeContext());
  }

  processBatch(batch: Batch<unknown>, input: number): void {
    const { values, timestamps, keys } = batch;
    const n = values.length;
    const fc = this.fc;
    const keyed = this.ctx.keyed && keys ? this.ctx.keyed : undefined;
    const fn = this.fn;
    let i = 0;
    try {
      for (; i < n; i++) {
        if (keyed) keyed.setCurrentKey(keys![i]);
        fc.currentTimestamp = timestamps[i]!;
        if (input === 0) fn.processElement1(values[i], fc, fc);
        else fn.processElement2(values[i], fc, fc);
      }
    } catch (e) {
      throw new UserFunctionError(`${this.ctx.operatorName} (input ${input + 1})`, values[i], e);
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
    this.fc.fireTimer(this.fn.onTimer, this.fn, timestamp, domain);
  }

  async close(): Promise<void> {
    await this.fn.close?.();
  }
}
