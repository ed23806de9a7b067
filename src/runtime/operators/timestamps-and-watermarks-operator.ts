import { Batch } from '../../core/batch.js';
import { InvalidTimestampError, UserFunctionError } from '../../core/errors.js';
import { invalidTimestampReason } from '../../core/event-time.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import type { WatermarkGenerator, WatermarkStrategy } from '../../core/watermark-strategy.js';

/**
 * `assignTimestampsAndWatermarks` in the middle of a pipeline: new timestamps from the assigner,
 * watermarks from the strategy's generator. Upstream watermarks are dropped, except the final one.
 */
export class TimestampsAndWatermarksOperator implements Operator<unknown> {
  /** Timestamps change, row kinds do not. */
  readonly inputChangelogMode = 'all';
  private ctx!: OperatorContext<unknown>;
  private gen!: WatermarkGenerator;
  constructor(private readonly strategy: WatermarkStrategy<unknown>) {}
  open(ctx: OperatorContext<unknown>): void {
    this.ctx = ctx;
    this.gen = this.strategy.createGenerator();
  }
  processBatch(batch: Batch<unknown>): void {
    const { values } = batch;
    const n = values.length;
    let ts = batch.timestamps;
    const assign = this.strategy.timestampAssigner;
    if (assign) {
      ts = new Array<number>(n);
      let i = 0;
      let t = 0;
      try {
        for (; i < n; i++) {
          t = assign(values[i], batch.timestamps[i]!);
          if (!Number.isSafeInteger(t)) break;
          ts[i] = t;
        }
      } catch (e) {
        throw new UserFunctionError(`${this.ctx.operatorName} (timestamp assigner)`, values[i], e);
      }
      // No source error policy applies in mid-stream: a record without a valid event time fails the job.
      if (i < n) throw new InvalidTimestampError(`operator '${this.ctx.operatorName}' (timestamp assigner)`, undefined, values[i], invalidTimestampReason(t));
    }
    this.ctx.output.push(new Batch(values, ts, undefined, batch.kinds));
    let punctuated = -Infinity;
    for (let i = 0; i < n; i++) {
      const w = this.gen.onEvent(ts[i]!);
      if (w !== undefined && w > punctuated) punctuated = w;
    }
    const w = Math.max(punctuated, this.gen.onPeriodicEmit());
    if (w > -Infinity) this.ctx.output.pushWatermark(w);
  }
  onWatermark(w: number): void {
    if (w === Infinity) this.ctx.output.pushWatermark(w);
  }
}
