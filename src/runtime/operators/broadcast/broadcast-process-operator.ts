import type { Batch } from '../../../core/batch.js';
import type { KeyedBroadcastProcessFunction } from '../../../core/broadcast-functions.js';
import { UserFunctionError } from '../../../core/errors.js';
import type { Operator, OperatorContext } from '../../../core/operator.js';
import type { MapStateDescriptor } from '../../../core/state.js';
import { BroadcastFunctionContext } from './broadcast-function-context.js';
import { perSubtask } from '../per-subtask-function.js';
import { NO_KEY } from '../../state/current-key.js';

type AnyBroadcastFunction = KeyedBroadcastProcessFunction<unknown, unknown, unknown, unknown>;

/**
 * The broadcast state pattern: input 0 is the (keyed) data stream, which reads broadcast state;
 * input 1 is the broadcast stream, which every subtask receives whole and which alone writes
 * broadcast state. Runs both `BroadcastProcessFunction` and `KeyedBroadcastProcessFunction`.
 */
export class BroadcastProcessOperator implements Operator<unknown> {
  private ctx!: OperatorContext<unknown>;
  private fc!: BroadcastFunctionContext;
  private readonly fn: AnyBroadcastFunction;
  constructor(
    fn: AnyBroadcastFunction,
    private readonly descriptors: readonly MapStateDescriptor<any, any>[],
  ) {
    this.fn = perSubtask(fn);
  }

  async open(ctx: OperatorContext<unknown>): Promise<void> {
    this.ctx = ctx;
    this.fc = new BroadcastFunctionContext(ctx, this.descriptors);
    await this.fn.open?.(this.fc.runtimeContext());
  }

  processBatch(batch: Batch<unknown>, input: number): void {
    const { values, timestamps, keys } = batch;
    const n = values.length;
    const fc = this.fc;
    const fn = this.fn;
    let i = 0;
    try {
      if (input === 1) {
        fc.readOnly = false;
        // The broadcast side has no key: keyed state used there fails instead of touching the last record's key.
        this.ctx.keyed?.setCurrentKey(NO_KEY);
        for (; i < n; i++) {
          fc.currentTimestamp = timestamps[i]!;
          fn.processBroadcastElement(values[i], fc, fc);
        }
      } else {
        fc.readOnly = true;
        const keyed = this.ctx.keyed && keys ? this.ctx.keyed : undefined;
        for (; i < n; i++) {
          if (keyed) keyed.setCurrentKey(keys![i]);
          fc.currentTimestamp = timestamps[i]!;
          fn.processElement(values[i], fc, fc);
        }
      }
    } catch (e) {
      throw new UserFunctionError(`${this.ctx.operatorName} (${input === 1 ? 'broadcast side' : 'data side'})`, values[i], e);
    } finally {
      fc.readOnly = true;
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
