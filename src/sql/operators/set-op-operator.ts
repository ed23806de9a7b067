import { BatchBuilder, type Batch } from '../../core/batch.js';
import { snippet } from '../../core/errors.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import type { OperatorFactory } from '../../core/operator-factory.js';
import { isRetraction, RowKind } from '../../core/row-kind.js';
import { valueState, type ValueState } from '../../core/state.js';
import { describeTtl, sqlStateTtl } from './sql-state-ttl.js';
import { SqlError } from '../sql-error.js';
import type { Row } from './calc-operator.js';

/** The set operations a `sqlSetOp` node runs (UNION ALL is a plain `union` node). */
export type SetOpKind = 'UNION' | 'INTERSECT' | 'INTERSECT ALL' | 'EXCEPT' | 'EXCEPT ALL';

/** Parameters of a `sqlSetOp` node: both inputs are keyed by the whole row. */
export interface SetOpParams {
  readonly op: SetOpKind;
  /** Batch mode: the final rows once the input ends, insert-only. */
  readonly batch: boolean;
  /** The output can take rows back: an input is a changelog, or the operation is EXCEPT. */
  readonly updating: boolean;
  /** `table.exec.state.ttl` in milliseconds: a row's counts expire after that long without a write; 0 or absent: never. */
  readonly ttl?: number;
}

/** Per distinct row: how often each input holds it, the row, and how often it was emitted. */
interface Entry {
  counts: [number, number];
  row: Row;
  emitted: number;
}

/** How often a row is in the result, given how often the left (`l`) and the right (`r`) input hold it. */
export function multiplicity(op: SetOpKind, l: number, r: number): number {
  switch (op) {
    case 'UNION':
      return l + r > 0 ? 1 : 0;
    case 'INTERSECT':
      return l > 0 && r > 0 ? 1 : 0;
    case 'INTERSECT ALL':
      return Math.max(0, Math.min(l, r));
    case 'EXCEPT':
      return l > 0 && r <= 0 ? 1 : 0;
    case 'EXCEPT ALL':
      return Math.max(0, l - r);
  }
}

const END_OF_INPUT = Number.MAX_SAFE_INTEGER;

/**
 * UNION, INTERSECT [ALL] and EXCEPT [ALL] over two changelogs, as Flink plans them (a count per
 * distinct row of each input): `+I`/`+U` rows count up, `-U`/`-D` rows count down, and each change
 * of how often the row is in the result is emitted as `+I` or `-D` rows. In batch mode the result
 * of each row is emitted once, when the input ends.
 */
export class SetOpOperator implements Operator<Row> {
  readonly inputChangelogMode = 'all';
  private ctx!: OperatorContext<Row>;
  private state!: ValueState<Entry>;
  private readonly builder = new BatchBuilder<Row>();
  constructor(private readonly params: SetOpParams) {}

  open(ctx: OperatorContext<Row>): void {
    if (!ctx.keyed) throw new SqlError(`${ctx.operatorName}: a set operation needs both inputs keyed by the row`);
    this.ctx = ctx;
    const ttl = sqlStateTtl(this.params.ttl);
    this.state = ctx.keyed.state.getState(valueState<Entry>('set-op', ttl));
  }

  processBatch(batch: Batch<Row>, input: number): void {
    const { values, keys, kinds, timestamps } = batch;
    const { op, batch: bounded } = this.params;
    const keyed = this.ctx.keyed!;
    let i = 0;
    try {
      for (; i < values.length; i++) {
        keyed.setCurrentKey(keys![i]);
        const sign = kinds !== undefined && isRetraction(kinds[i]!) ? -1 : 1;
        let e = this.state.value();
        if (e === undefined) {
          e = { counts: [0, 0], row: values[i]!, emitted: 0 };
          if (bounded) keyed.timers.registerEventTimeTimer(0, END_OF_INPUT);
        }
        // Counts never go below zero: taking back a row whose count expired (TTL) takes nothing.
        e.counts[input] = Math.max(0, e.counts[input]! + sign);
        if (!bounded) this.emit(e, multiplicity(op, e.counts[0], e.counts[1]), timestamps[i]!);
        if (!bounded && e.counts[0] <= 0 && e.counts[1] <= 0) this.state.clear();
        else this.state.update(e);
      }
    } catch (err) {
      throw new SqlError(`${this.ctx.operatorName}: ${err instanceof Error ? err.message : String(err)} (row ${snippet(values[i])})`);
    }
    if (this.builder.length > 0) this.ctx.output.push(this.builder.take());
  }

  /** Brings the rows emitted for `e` to `want`: `+I` for each one more, `-D` for each one fewer. */
  private emit(e: Entry, want: number, ts: number): void {
    for (; e.emitted < want; e.emitted++) this.builder.addRow(e.row, ts, RowKind.INSERT);
    for (; e.emitted > want; e.emitted--) this.builder.addRow(e.row, ts, RowKind.DELETE);
  }

  onEventTime(_ns: string | number, t: number): void {
    const e = this.state.value();
    if (e === undefined) return;
    this.emit(e, multiplicity(this.params.op, e.counts[0], e.counts[1]), t);
    this.state.clear();
  }

  onWatermark(w: number): void {
    if (this.builder.length > 0) this.ctx.output.push(this.builder.take());
    this.ctx.output.pushWatermark(w);
  }

  finish(): void {
    if (this.builder.length > 0) this.ctx.output.push(this.builder.take());
  }
}

/** The `sqlSetOp` operator kind, registered by the SQL layer: a keyed node with two inputs (0: left, 1: right). */
export const setOpKind: OperatorFactory<SetOpParams> = {
  kind: 'sqlSetOp',
  create: (params) => new SetOpOperator(params) as Operator<unknown>,
  describe: ({ op, batch, ttl }) => ({ op, ...(batch ? { mode: 'batch' } : {}), ...describeTtl(ttl) }),
  outputChangelogMode: ({ updating, batch }) => (updating && !batch ? 'changelog' : 'insert-only'),
  inputChangelogMode: () => 'all',
};
