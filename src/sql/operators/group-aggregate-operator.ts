import { BatchBuilder, type Batch } from '../../core/batch.js';
import { keyGroupFor, subtaskForKeyGroup } from '../../core/key-group.js';
import { snippet } from '../../core/errors.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import type { OperatorFactory } from '../../core/operator-factory.js';
import { RowKind } from '../../core/row-kind.js';
import { valueState, type ValueState } from '../../core/state.js';
import { SqlError } from '../sql-error.js';
import type { Row } from './calc-operator.js';
import { describeTtl, sqlStateTtl } from './sql-state-ttl.js';
import { accumulate, createAccs, mergeAccs, results, sameResults, type AggCall } from './sql-accumulators.js';
import type { PartialAggregate } from './local-group-aggregate-operator.js';

/** Parameters of a `sqlGroupAggregate` node, compiled once per query. */
export interface GroupAggregateParams {
  /** The values of the GROUP BY expressions of a row (the stream is keyed by them). */
  readonly groupValues: (r: Row) => unknown[];
  readonly calls: readonly AggCall[];
  /** The output row of a group: its GROUP BY values, then the results of the calls. */
  readonly output: (group: readonly unknown[], results: readonly unknown[]) => Row;
  readonly text: { readonly groupBy: string; readonly select: string };
  /** `table.exec.state.ttl` in milliseconds: a key's state expires after that long without a write; 0 or absent: never. */
  readonly ttl?: number;
  /**
   * `execution.runtime-mode` = `batch`: the input is bounded, so each group's final row is emitted
   * once, insert-only, when the input ends (Flink's batch HashAggregate), instead of a changelog.
   */
  readonly batch?: boolean;
  /**
   * No GROUP BY (every row has key 0). In batch mode its one row comes even when no group holds a
   * row at the end of input, with each call's value over no rows (`COUNT(*)` 0, `SUM` NULL), as SQL
   * and Flink's batch mode give; streaming emits nothing until a row arrives, as Flink's streaming.
   */
  readonly global?: boolean;
  /** `table.exec.mini-batch.enabled`: fold each input batch's rows per group, then one change per group. */
  readonly miniBatch?: boolean;
  /**
   * The consumer keeps one row per group key (a sink whose PRIMARY KEY is the GROUP BY key): a
   * changed group emits its new row as `+U` alone, without the `-U` of the old one, as Flink's
   * upsert changelog (`[I,UA,D]`).
   */
  readonly upsert?: boolean;
  /**
   * The global phase of a two-phase aggregation (with `miniBatch`): the input is the
   * {@link PartialAggregate}s of `sqlLocalGroupAggregate`, merged into the group's accumulators.
   */
  readonly preAggregated?: boolean;
}

/** The time of the end-of-input timer: after any real time, so it fires on the final watermark only. */
const END_OF_INPUT = Number.MAX_SAFE_INTEGER;

/** Per group: the rows it holds, its GROUP BY values, the accumulators and the results last emitted. */
interface GroupEntry {
  rows: number;
  group: unknown[];
  accs: unknown[];
  results: unknown[];
}

/**
 * SQL's GROUP BY over a stream, as Flink's GroupAggregate: per group, `+I`/`+U` rows add and
 * `-U`/`-D` rows take back, and each change of the group's results is emitted as a changelog:
 * `+I` for a new group, `-U` old / `+U` new when results change, `-D` when the group holds no row.
 * With `upsert`, `+U` comes without its `-U`.
 * With `table.exec.state.ttl`, a group idle for that long is forgotten: its next row starts it
 * from zero again (`+I`), as in Flink.
 */
export class GroupAggregateOperator implements Operator<Row> {
  readonly inputChangelogMode = 'all';
  private ctx!: OperatorContext<Row>;
  private state!: ValueState<GroupEntry>;
  private readonly builder = new BatchBuilder<Row>();
  /** Batch mode, no GROUP BY: the group's row was emitted at the end of input. */
  private emittedGlobal = false;
  constructor(private readonly params: GroupAggregateParams) {}

  open(ctx: OperatorContext<Row>): void {
    this.ctx = ctx;
    this.state = ctx.keyed!.state.getState(valueState<GroupEntry>('group-aggregate', sqlStateTtl(this.params.ttl)));
  }

  processBatch(input: Batch<Row>): void {
    // Batch mode emits each group once at the end of input: nothing to fold per batch there.
    if (this.params.preAggregated || (this.params.miniBatch && !this.params.batch)) this.processMiniBatch(input);
    else this.processRows(input);
  }

  private processRows(input: Batch<Row>): void {
    const { values, keys, kinds, timestamps } = input;
    const { groupValues, calls, output, batch, upsert } = this.params;
    const { state, builder } = this;
    const keyed = this.ctx.keyed!;
    const n = values.length;
    let i = 0;
    try {
      for (; i < n; i++) {
        keyed.setCurrentKey(keys![i]);
        const row = values[i]!;
        const kind = kinds === undefined ? RowKind.INSERT : kinds[i]!;
        const retract = kind === RowKind.UPDATE_BEFORE || kind === RowKind.DELETE;
        let e = state.value();
        const fresh = e === undefined;
        if (e === undefined) {
          // Taking back a row of a group never seen (expired state): nothing to take it from.
          if (retract) continue;
          e = { rows: 0, group: groupValues(row), accs: createAccs(calls), results: [] };
          if (batch) keyed.timers.registerEventTimeTimer(0, END_OF_INPUT);
        }
        accumulate(calls, e.accs, row, retract ? -1 : 1);
        e.rows += retract ? -1 : 1;
        if (batch) {
          // An empty group stays until the end of input (its timer is set); it emits nothing then.
          state.update(e);
          continue;
        }
        const ts = timestamps[i]!;
        if (e.rows === 0) {
          builder.addRow(output(e.group, e.results), ts, RowKind.DELETE);
          state.clear();
          continue;
        }
        const next = results(calls, e.accs);
        if (fresh) builder.addRow(output(e.group, next), ts, RowKind.INSERT);
        else if (!sameResults(e.results, next)) {
          if (!upsert) builder.addRow(output(e.group, e.results), ts, RowKind.UPDATE_BEFORE);
          builder.addRow(output(e.group, next), ts, RowKind.UPDATE_AFTER);
        }
        e.results = next;
        state.update(e);
      }
    } catch (err) {
      throw new SqlError(`${this.ctx.operatorName}: ${err instanceof Error ? err.message : String(err)} (row ${snippet(values[i])})`);
    }
    if (builder.length > 0) this.ctx.output.push(builder.take());
  }

  /** Batch mode: the input ended; the group's final row, unless it holds no row. */
  onEventTime(_ns: string | number, t: number): void {
    const e = this.state.value();
    if (e === undefined) return;
    if (e.rows > 0) {
      this.builder.add(this.params.output(e.group, results(this.params.calls, e.accs)), t);
      this.emittedGlobal = true;
    }
    this.state.clear();
  }

  onWatermark(w: number): void {
    // The end-of-input timers fired before this; the row goes ahead of the final watermark, so
    // operators after this one (a scalar subquery's join) see it before they finish.
    if (w >= END_OF_INPUT && this.params.global && this.params.batch && !this.emittedGlobal && this.ownsGlobalKey()) {
      this.builder.add(this.params.output([], results(this.params.calls, createAccs(this.params.calls))), END_OF_INPUT);
      this.emittedGlobal = true;
    }
    if (this.builder.length > 0) this.ctx.output.push(this.builder.take());
    this.ctx.output.pushWatermark(w);
  }

  finish(): void {
    if (this.builder.length > 0) this.ctx.output.push(this.builder.take());
  }

  /** Whether key 0, the one group of an aggregation without GROUP BY, is this subtask's: one row at any parallelism. */
  private ownsGlobalKey(): boolean {
    const { maxParallelism, parallelism, subtaskIndex } = this.ctx;
    return subtaskForKeyGroup(maxParallelism, parallelism, keyGroupFor(0, maxParallelism)) === subtaskIndex;
  }

  /**
   * Mini-batch, as Flink's MiniBatchGroupAggFunction: the rows of a batch are folded into their
   * group's accumulators first (state read once per group), then each group emits one change from
   * the results before the batch to those after it: `+I`, `-U`/`+U`, `-D` or nothing.
   */
  private processMiniBatch(batch: Batch<Row>): void {
    const { values, keys, kinds, timestamps } = batch;
    const { groupValues, calls, output, upsert, preAggregated } = this.params;
    const { state, builder } = this;
    const keyed = this.ctx.keyed!;
    const folds = new Map<unknown, Fold>();
    const n = values.length;
    let i = 0;
    try {
      for (; i < n; i++) {
        const key = keys![i];
        let f = folds.get(key);
        if (f === undefined) {
          keyed.setCurrentKey(key);
          const before = state.value();
          f = { before, entry: before, ts: 0 };
          folds.set(key, f);
        }
        const row = values[i]!;
        const kind = kinds === undefined ? RowKind.INSERT : kinds[i]!;
        const retract = kind === RowKind.UPDATE_BEFORE || kind === RowKind.DELETE;
        let e = f.entry;
        if (preAggregated) {
          const p = row as unknown as PartialAggregate;
          if (e === undefined) e = f.entry = { rows: 0, group: p.group, accs: createAccs(calls), results: [] };
          mergeAccs(calls, e.accs, p.accs);
          e.rows += p.rows;
          f.ts = timestamps[i]!;
          continue;
        }
        if (e === undefined) {
          if (retract) continue;
          e = f.entry = { rows: 0, group: groupValues(row), accs: createAccs(calls), results: [] };
        }
        accumulate(calls, e.accs, row, retract ? -1 : 1);
        e.rows += retract ? -1 : 1;
        f.ts = timestamps[i]!;
        // A group left without rows is gone; a later row of the batch starts it afresh.
        if (e.rows === 0) f.entry = undefined;
      }
      for (const [key, { before, entry, ts }] of folds) {
        keyed.setCurrentKey(key);
        if (entry === undefined) {
          if (before !== undefined) {
            builder.addRow(output(before.group, before.results), ts, RowKind.DELETE);
            state.clear();
          }
          continue;
        }
        const next = results(calls, entry.accs);
        if (before === undefined) builder.addRow(output(entry.group, next), ts, RowKind.INSERT);
        else if (!sameResults(before.results, next)) {
          if (!upsert) builder.addRow(output(before.group, before.results), ts, RowKind.UPDATE_BEFORE);
          builder.addRow(output(entry.group, next), ts, RowKind.UPDATE_AFTER);
        }
        entry.results = next;
        state.update(entry);
      }
    } catch (err) {
      throw new SqlError(`${this.ctx.operatorName}: ${err instanceof Error ? err.message : String(err)}${i < n ? ` (row ${snippet(values[i])})` : ''}`);
    }
    if (builder.length > 0) this.ctx.output.push(builder.take());
  }
}

/** A group's fold over one batch: its entry before the batch (results last emitted) and now. */
interface Fold {
  before: GroupEntry | undefined;
  entry: GroupEntry | undefined;
  ts: number;
}

/** The `sqlGroupAggregate` operator kind, registered by the SQL layer. */
export const groupAggregateKind: OperatorFactory<GroupAggregateParams> = {
  kind: 'sqlGroupAggregate',
  create: (params) => new GroupAggregateOperator(params) as Operator<unknown>,
  describe: ({ text, ttl, batch, miniBatch, preAggregated }) => ({
    groupBy: text.groupBy,
    select: text.select,
    ...describeTtl(ttl),
    ...(batch ? { mode: 'batch' } : {}),
    ...(miniBatch ? { miniBatch: true } : {}),
    ...(preAggregated ? { phase: 'global' } : {}),
  }),
  outputChangelogMode: (params) => (params.batch ? 'insert-only' : params.upsert ? 'upsert' : 'changelog'),
  inputChangelogMode: () => 'all',
};
