import { Batch } from '../../core/batch.js';
import { UserFunctionError } from '../../core/errors.js';
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
      try {
        for (; i < n; i++) ts[i] = assign(values[i], batch.timestamps[i]!);
      } catch (e) {
        throw new UserFunctionError(`${this.ctx.operatorName} (timestamp assigner)`, values[i], e);
      }
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
