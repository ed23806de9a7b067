import { BatchBuilder, type Batch } from '../../../core/batch.js';
import { UserFunctionError, WeirError } from '../../../core/errors.js';
import type { ProcessJoinFunction } from '../../../core/join-functions.js';
import type { KeyedContext, Operator, OperatorContext } from '../../../core/operator.js';
import { mapState, type MapState } from '../../../core/state.js';
import { ProcessJoinFunctionContext } from './process-join-function-context.js';
import { perSubtask } from '../per-subtask-function.js';
import type { BuiltinOperatorParams } from '../../../graph/operator-spec.js';

/** The join's bounds and late-data tags, as the plan's `intervalJoin` node carries them. */
export type IntervalJoinConfig = Omit<BuiltinOperatorParams['intervalJoin'], 'fn'>;

const CLEANUP_LEFT = 'interval-join-left';
const CLEANUP_RIGHT = 'interval-join-right';
/** Counter of records that arrived behind the watermark and so joined nothing (Flink's name). */
export const LATE_RECORDS_DROPPED = 'numLateRecordsDropped';

/**
 * Keyed event-time interval join, as Flink's `IntervalJoinOperator`. Each side is buffered in keyed
 * MapState by timestamp; a new record is matched against the other side's buffer, and an
 * event-time timer drops it once no future record of the other side can match. A record with a
 * timestamp at or behind the watermark joins nothing: it is counted and, if a tag is set, side-output.
 */
export class IntervalJoinOperator implements Operator<unknown> {
  private ctx!: OperatorContext<unknown>;
  private keyed!: KeyedContext;
  private fc!: ProcessJoinFunctionContext;
  private left!: MapState<number, unknown[]>;
  private right!: MapState<number, unknown[]>;
  private readonly lower: number;
  private readonly upper: number;
  private readonly late = [new BatchBuilder<unknown>(), new BatchBuilder<unknown>()];

  private readonly fn: ProcessJoinFunction<unknown, unknown, unknown>;

  constructor(
    fn: ProcessJoinFunction<unknown, unknown, unknown>,
    private readonly config: IntervalJoinConfig,
  ) {
    this.fn = perSubtask(fn);
    this.lower = config.lowerBound + (config.lowerBoundInclusive ? 0 : 1);
    this.upper = config.upperBound - (config.upperBoundInclusive ? 0 : 1);
  }

  async open(ctx: OperatorContext<unknown>): Promise<void> {
    if (!ctx.keyed) throw new WeirError(`Interval join '${ctx.operatorName}' needs two keyed streams`);
    this.ctx = ctx;
    this.keyed = ctx.keyed;
    this.left = ctx.keyed.state.getMapState(mapState<number, unknown[]>('interval-join-left-buffer'));
    this.right = ctx.keyed.state.getMapState(mapState<number, unknown[]>('interval-join-right-buffer'));
    this.fc = new ProcessJoinFunctionContext(ctx);
    await this.fn.open?.(this.fc.runtimeContext());
  }

  processBatch(batch: Batch<unknown>, input: number): void {
    const { values, timestamps, keys } = batch;
    const n = values.length;
    const isLeft = input === 0;
    const watermark = this.ctx.currentWatermark();
    let i = 0;
    try {
      for (; i < n; i++) {
        const ts = timestamps[i]!;
        if (ts === -Infinity) throw new MissingTimestampError(this.ctx.operatorName);
        // At the watermark counts as late too: a partner the record needs may already be cleaned up.
        if (ts <= watermark) {
          this.ctx.metrics.inc(LATE_RECORDS_DROPPED);
          this.late[input]!.add(values[i], ts);
          continue;
        }
        this.keyed.setCurrentKey(keys![i]);
        if (isLeft) this.processLeft(values[i], ts);
        else this.processRight(values[i], ts);
      }
    } catch (e) {
      if (e instanceof MissingTimestampError) throw e;
      throw new UserFunctionError(this.ctx.operatorName, values[i], e);
    }
    this.fc.flush();
    const tag = isLeft ? this.config.leftLateDataTag : this.config.rightLateDataTag;
    const late = this.late[input]!;
    if (late.length > 0) {
      const b = late.take();
      if (tag) this.ctx.output.pushSide(tag, b);
    }
  }

  private processLeft(value: unknown, ts: number): void {
    add(this.left, ts, value);
    const lo = ts + this.lower;
    const hi = ts + this.upper;
    const fc = this.fc;
    for (const [rts, rights] of this.right.entries()) {
      if (rts < lo || rts > hi) continue;
      fc.setPair(ts, rts);
      for (let j = 0; j < rights.length; j++) this.fn.processElement(value, rights[j], fc, fc);
    }
    // Once the watermark passes ts + upper, no right record that could match can still arrive.
    this.keyed.timers.registerEventTimeTimer(CLEANUP_LEFT, this.upper > 0 ? ts + this.upper : ts);
  }

  private processRight(value: unknown, ts: number): void {
    add(this.right, ts, value);
    const lo = ts - this.upper;
    const hi = ts - this.lower;
    const fc = this.fc;
    for (const [lts, lefts] of this.left.entries()) {
      if (lts < lo || lts > hi) continue;
      fc.setPair(lts, ts);
      for (let j = 0; j < lefts.length; j++) this.fn.processElement(lefts[j], value, fc, fc);
    }
    this.keyed.timers.registerEventTimeTimer(CLEANUP_RIGHT, this.lower < 0 ? ts - this.lower : ts);
  }

  onEventTime(namespace: string | number, timestamp: number): void {
    if (namespace === CLEANUP_LEFT) this.left.remove(this.upper > 0 ? timestamp - this.upper : timestamp);
    else if (namespace === CLEANUP_RIGHT) this.right.remove(this.lower < 0 ? timestamp + this.lower : timestamp);
  }

  async close(): Promise<void> {
    await this.fn.close?.();
  }
}

function add(buffer: MapState<number, unknown[]>, ts: number, value: unknown): void {
  const list = buffer.get(ts);
  if (list) list.push(value);
  // Written back even when appended in place, for backends that serialize values.
  buffer.put(ts, list ?? [value]);
}

class MissingTimestampError extends WeirError {
  constructor(operator: string) {
    super(`Interval join '${operator}' got a record without an event timestamp: assign timestamps and watermarks (WatermarkStrategy) on both inputs`);
  }
}
