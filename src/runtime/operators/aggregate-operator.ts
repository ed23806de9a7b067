import { Batch, BatchBuilder } from '../../core/batch.js';
import { UserFunctionError } from '../../core/errors.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import { RowKind } from '../../core/row-kind.js';
import { valueState, type AggregateFunction, type ValueState } from '../../core/state.js';

/** Per key: the accumulator, how many rows it holds, and the result last emitted (the next `-U`). */
interface AggregateEntry {
  acc: unknown;
  rows: number;
  result: unknown;
}

/**
 * Keyed running aggregate through an {@link AggregateFunction}. Over an insert-only input it emits
 * the key's result for every record, as a rolling reduce does. Over a changelog (`changelog`, set by
 * planning) `+I`/`+U` rows add and `-U`/`-D` rows retract, and it emits a changelog of results per
 * key: `+I` for the first, `-U` old / `+U` new when the result changes, `-D` when the key holds no
 * rows any more, which also clears its state.
 */
export class AggregateOperator implements Operator<unknown> {
  readonly inputChangelogMode: 'insert-only' | 'all';
  private ctx!: OperatorContext<unknown>;
  private state!: ValueState<AggregateEntry>;
  private readonly builder = new BatchBuilder<unknown>();
  constructor(
    private readonly fn: AggregateFunction<unknown, unknown, unknown>,
    private readonly changelog: boolean,
  ) {
    this.inputChangelogMode = changelog ? 'all' : 'insert-only';
  }
  open(ctx: OperatorContext<unknown>): void {
    this.ctx = ctx;
    this.state = ctx.keyed!.state.getState(valueState<AggregateEntry>('aggregate'));
  }
  processBatch(batch: Batch<unknown>): void {
    try {
      if (this.changelog) this.changelogRows(batch);
      else this.insertRows(batch);
    } catch (e) {
      throw new UserFunctionError(this.ctx.operatorName, batch.values[this.at], e);
    }
  }

  /** The row being processed, for the error of a function that throws. */
  private at = 0;

  private insertRows(batch: Batch<unknown>): void {
    const { values, keys } = batch;
    const n = values.length;
    const out = new Array<unknown>(n);
    const keyed = this.ctx.keyed!;
    const { state, fn } = this;
    for (let i = 0; i < n; i++) {
      this.at = i;
      keyed.setCurrentKey(keys![i]);
      let e = state.value();
      if (e === undefined) e = { acc: fn.createAccumulator(), rows: 0, result: undefined };
      e.acc = fn.add(values[i], e.acc);
      e.rows++;
      e.result = fn.getResult(e.acc);
      state.update(e);
      out[i] = e.result;
    }
    this.ctx.output.push(new Batch(out, batch.timestamps));
  }

  private changelogRows(batch: Batch<unknown>): void {
    const { values, keys, kinds, timestamps } = batch;
    const n = values.length;
    const keyed = this.ctx.keyed!;
    const { state, fn, builder } = this;
    for (let i = 0; i < n; i++) {
      this.at = i;
      keyed.setCurrentKey(keys![i]);
      const kind = kinds === undefined ? RowKind.INSERT : kinds[i]!;
      let e = state.value();
      const fresh = e === undefined;
      if (kind === RowKind.UPDATE_BEFORE || kind === RowKind.DELETE) {
        // Taking back a row this key never counted (state expired, or the input started mid-way):
        // there is nothing to retract from, as in Flink's group aggregate.
        if (e === undefined) continue;
        e.acc = fn.retract!(values[i], e.acc);
        e.rows--;
      } else {
        if (e === undefined) e = { acc: fn.createAccumulator(), rows: 0, result: undefined };
        e.acc = fn.add(values[i], e.acc);
        e.rows++;
      }
      const ts = timestamps[i]!;
      if (e.rows === 0) {
        builder.addRow(e.result, ts, RowKind.DELETE);
        state.clear();
        continue;
      }
      const next = fn.getResult(e.acc);
      if (fresh) builder.addRow(next, ts, RowKind.INSERT);
      else if (next !== e.result) {
        builder.addRow(e.result, ts, RowKind.UPDATE_BEFORE);
        builder.addRow(next, ts, RowKind.UPDATE_AFTER);
      }
      e.result = next;
      state.update(e);
    }
    if (builder.length > 0) this.ctx.output.push(builder.take());
  }
}
