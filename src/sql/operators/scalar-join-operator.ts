import { BatchBuilder, type Batch } from '../../core/batch.js';
import { snippet } from '../../core/errors.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import type { OperatorFactory } from '../../core/operator-factory.js';
import { isRetraction, RowKind } from '../../core/row-kind.js';
import { valueState, type ValueState } from '../../core/state.js';
import { describeTtl, sqlStateTtl } from './sql-state-ttl.js';
import { SqlError } from '../sql-error.js';
import type { Row } from './calc-operator.js';

/** Parameters of a `sqlScalarJoin` node: input 0 the outer query's rows, input 1 the subquery's rows, both on one key. */
export interface ScalarJoinParams {
  /** The field of the output row that holds the subquery's value. */
  readonly field: string;
  /** The value of a subquery row (its one column). */
  readonly value: (r: Row) => unknown;
  /** Whether two outer rows are equal, to find the row a retraction takes back. */
  readonly equals: (a: Row, b: Row) => boolean;
  /** Batch mode: every outer row once, with the final value, when the input ends. */
  readonly batch: boolean;
  /** `table.exec.state.ttl` in milliseconds (0 or absent: never). */
  readonly ttl?: number;
  /** The subquery as written, for plan names and errors. */
  readonly text: string;
}

/** The one key's rows: the outer rows and the subquery's values (one, or none). */
interface Entry {
  left: Row[];
  right: unknown[];
}

const END_OF_INPUT = Number.MAX_SAFE_INTEGER;
const same = (a: unknown, b: unknown) => a === b || (typeof a === 'object' && a !== null && JSON.stringify(a) === JSON.stringify(b));

/**
 * A non-correlated scalar subquery (Flink joins the outer rows with the subquery's single row):
 * each outer row is emitted with the subquery's value in `field`, NULL while the subquery is
 * empty. When that value changes, every outer row is taken back with the old value and emitted
 * with the new one (-U/+U), so the result follows a changelog subquery. A second row in the
 * subquery fails the job, as in SQL. All rows are on one key (one subtask), as Flink's.
 */
export class ScalarJoinOperator implements Operator<Row> {
  readonly inputChangelogMode = 'all';
  private ctx!: OperatorContext<Row>;
  private state!: ValueState<Entry>;
  private readonly builder = new BatchBuilder<Row>();
  constructor(private readonly params: ScalarJoinParams) {}

  open(ctx: OperatorContext<Row>): void {
    if (!ctx.keyed) throw new SqlError(`${ctx.operatorName}: a scalar subquery join needs both inputs keyed`);
    this.ctx = ctx;
    this.state = ctx.keyed.state.getState(valueState<Entry>('scalar-join', sqlStateTtl(this.params.ttl)));
  }

  processBatch(batch: Batch<Row>, input: number): void {
    const { values, keys, kinds, timestamps } = batch;
    const { batch: bounded, field, equals } = this.params;
    this.ctx.keyed!.setCurrentKey(keys![0]);
    let e = this.state.value();
    if (e === undefined) {
      e = { left: [], right: [] };
      if (bounded) this.ctx.keyed!.timers.registerEventTimeTimer(0, END_OF_INPUT);
    }
    // The subquery's value before this batch: an update of it (-U then +U) re-emits the outer rows once.
    const before = input === 1 ? valueOf(e) : undefined;
    let i = 0;
    try {
      for (; i < values.length; i++) {
        const kind = kinds === undefined ? RowKind.INSERT : (kinds[i]! as RowKind);
        const row = values[i]!;
        if (input === 0) {
          if (!isRetraction(kind)) e.left.push(row);
          else {
            const at = e.left.findIndex((x) => equals(x, row));
            if (at < 0) continue; // taking back a row never seen (expired state): nothing to take
            e.left.splice(at, 1);
          }
          if (!bounded) this.builder.addRow({ ...row, [field]: valueOf(e) }, timestamps[i]!, kind);
          continue;
        }
        const v = this.params.value(row);
        if (!isRetraction(kind)) {
          e.right.push(v);
          if (e.right.length > 1) throw new SqlError(`the scalar subquery ${this.params.text} returned more than one row`);
        } else {
          const at = e.right.findIndex((x) => same(x, v));
          if (at >= 0) e.right.splice(at, 1);
        }
      }
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new SqlError(`${this.ctx.operatorName}: ${reason} (row ${snippet(values[i])})`);
    }
    const after = valueOf(e);
    if (input === 1 && !bounded && !same(before, after)) {
      const ts = timestamps[values.length - 1]!;
      for (const l of e.left) {
        this.builder.addRow({ ...l, [field]: before }, ts, RowKind.UPDATE_BEFORE);
        this.builder.addRow({ ...l, [field]: after }, ts, RowKind.UPDATE_AFTER);
      }
    }
    this.state.update(e);
    if (this.builder.length > 0) this.ctx.output.push(this.builder.take());
  }

  onEventTime(_ns: string | number, t: number): void {
    const e = this.state.value();
    if (e === undefined) return;
    const v = valueOf(e);
    for (const l of e.left) this.builder.add({ ...l, [this.params.field]: v }, t);
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

const valueOf = (e: Entry): unknown => (e.right.length === 0 ? null : e.right[0]);

/** The `sqlScalarJoin` operator kind, registered by the SQL layer: a keyed node with two inputs (0: outer rows, 1: subquery). */
export const scalarJoinKind: OperatorFactory<ScalarJoinParams> = {
  kind: 'sqlScalarJoin',
  create: (params) => new ScalarJoinOperator(params) as Operator<unknown>,
  describe: ({ text, ttl }) => ({ joinType: 'LeftOuterJoin', subquery: text, singleRowJoin: true, ...describeTtl(ttl) }),
  outputChangelogMode: ({ batch }) => (batch ? 'insert-only' : 'changelog'),
  inputChangelogMode: () => 'all',
};
