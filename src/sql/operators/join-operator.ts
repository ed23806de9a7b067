import { BatchBuilder, type Batch } from '../../core/batch.js';
import { snippet } from '../../core/errors.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import type { OperatorFactory } from '../../core/operator-factory.js';
import { RowKind } from '../../core/row-kind.js';
import { stateTtl, valueState, type ValueState } from '../../core/state.js';
import { SqlError } from '../sql-error.js';
import type { Row } from './calc-operator.js';

/** The join types a `sqlJoin` node runs (a comma or CROSS join arrives here as INNER, with its keys from WHERE). */
export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL';

/** How a join builds its output rows, shared by the regular, interval and window joins. */
export interface JoinRowBuilder {
  readonly combine: (left: Row, right: Row) => Row;
  readonly nullLeft: Row;
  readonly nullRight: Row;
}

/** The output row of an outer join's row of `side` (0: left, 1: right) without a partner: the other side all NULL. */
export const paddedRow = (p: JoinRowBuilder, row: Row, side: number): Row => (side === 0 ? p.combine(row, p.nullRight) : p.combine(p.nullLeft, row));

/** Parameters of a `sqlJoin` node, compiled once per query. */
export interface JoinParams {
  readonly type: JoinType;
  /** The output row of a left and a right row (either may be the all-NULL row of its side). */
  readonly combine: (left: Row, right: Row) => Row;
  /** A row of each side with every column NULL, for the padding of outer joins. */
  readonly nullLeft: Row;
  readonly nullRight: Row;
  /** The part of ON that is not an equality of the keys, over the output row; undefined: none. */
  readonly residual: ((joined: Row) => boolean) | undefined;
  /** Whether two rows of the left (0) or right (1) input are equal, to find the row a retraction takes back. */
  readonly equals: readonly [(a: Row, b: Row) => boolean, (a: Row, b: Row) => boolean];
  /** `table.exec.state.ttl` in milliseconds: a key's rows of one side expire after that long without a write; 0: never. */
  readonly ttl: number;
  /** The output is a changelog: an input is one, or the join is outer (in streaming). */
  readonly updating: boolean;
  /**
   * Batch mode over insert-only inputs: an outer join's rows without a partner are padded once the
   * input ends, instead of padded at once and taken back when a partner comes, so the output is
   * insert-only (Flink's batch join).
   */
  readonly batch?: boolean;
  readonly text: { readonly type: string; readonly on: string };
}

/** The time of the end-of-input timer: after any real time, so it fires on the final watermark only. */
const END_OF_INPUT = Number.MAX_SAFE_INTEGER;

/** A row kept in state, with the number of rows of the other side it joins (kept for the padding of outer joins). */
interface Entry {
  readonly row: Row;
  matches: number;
}

/**
 * SQL's regular join of two keyed inputs, as Flink's StreamingJoinOperator: each side's rows are
 * kept in keyed state by join key. A row joins the other side's rows of its key that satisfy the
 * residual condition. Outer joins emit a row padded with NULLs while a row has no partner, and take
 * it back (`-D`) when the first partner arrives (emitting it again, `+I`, when the last one leaves).
 * `-U`/`-D` input rows take back their joined rows. Rows whose key holds a NULL join nothing.
 */
export class JoinOperator implements Operator<Row> {
  readonly inputChangelogMode = 'all';
  private ctx!: OperatorContext<Row>;
  private readonly states: ValueState<Entry[]>[] = [];
  private readonly builder = new BatchBuilder<Row>();
  private readonly outer: readonly [boolean, boolean];
  /** Batch mode of an outer join: padding waits for the end of input. */
  private readonly padAtEnd: boolean;
  constructor(private readonly params: JoinParams) {
    this.outer = [params.type === 'LEFT' || params.type === 'FULL', params.type === 'RIGHT' || params.type === 'FULL'];
    this.padAtEnd = params.batch === true && params.type !== 'INNER';
  }

  open(ctx: OperatorContext<Row>): void {
    if (!ctx.keyed) throw new SqlError(`${ctx.operatorName}: a join needs both inputs keyed by the join key`);
    this.ctx = ctx;
    const ttl = this.params.ttl > 0 ? { ttl: stateTtl(this.params.ttl) } : {};
    this.states.push(ctx.keyed.state.getState(valueState<Entry[]>('join-left', ttl)), ctx.keyed.state.getState(valueState<Entry[]>('join-right', ttl)));
  }

  processBatch(batch: Batch<Row>, input: number): void {
    const { values, keys, kinds, timestamps } = batch;
    const keyed = this.ctx.keyed!;
    const n = values.length;
    let i = 0;
    try {
      for (; i < n; i++) {
        const kind = kinds === undefined ? RowKind.INSERT : kinds[i]!;
        const retract = kind === RowKind.UPDATE_BEFORE || kind === RowKind.DELETE;
        const key = keys![i];
        if (key === null) {
          // NULL = anything is not TRUE: the row joins nothing, and stays padded on an outer side.
          if (this.outer[input]) this.emitPadded(values[i]!, input, timestamps[i]!, retract ? RowKind.DELETE : RowKind.INSERT);
          continue;
        }
        keyed.setCurrentKey(key);
        if (retract) this.retract(values[i]!, input, timestamps[i]!);
        else this.accumulate(values[i]!, input, timestamps[i]!);
      }
    } catch (err) {
      throw new SqlError(`${this.ctx.operatorName}: ${err instanceof Error ? err.message : String(err)} (row ${snippet(values[i])})`);
    }
    if (this.builder.length > 0) this.ctx.output.push(this.builder.take());
  }

  private joined(row: Row, other: Row, input: number): Row {
    return input === 0 ? this.params.combine(row, other) : this.params.combine(other, row);
  }

  private emitPadded(row: Row, side: number, ts: number, kind: RowKind): void {
    this.builder.addRow(paddedRow(this.params, row, side), ts, kind);
  }

  private accumulate(row: Row, input: number, ts: number): void {
    const mine = this.states[input]!;
    const theirs = this.states[1 - input]!;
    const others = theirs.value();
    const residual = this.params.residual;
    const otherOuter = this.outer[1 - input]!;
    const padAtEnd = this.padAtEnd;
    let matches = 0;
    if (others !== undefined) {
      for (let j = 0; j < others.length; j++) {
        const e = others[j]!;
        const out = this.joined(row, e.row, input);
        if (residual !== undefined && !residual(out)) continue;
        matches++;
        if (otherOuter) {
          // The other row was padded until now: take the padded row back.
          if (e.matches === 0 && !padAtEnd) this.emitPadded(e.row, 1 - input, ts, RowKind.DELETE);
          e.matches++;
        }
        this.builder.addRow(out, ts, RowKind.INSERT);
      }
      if (otherOuter && matches > 0) theirs.update(others);
    }
    if (matches === 0 && this.outer[input] && !padAtEnd) this.emitPadded(row, input, ts, RowKind.INSERT);
    const list = mine.value();
    if (padAtEnd && list === undefined && others === undefined) this.ctx.keyed!.timers.registerEventTimeTimer(0, END_OF_INPUT);
    this.push(mine, list, row, matches);
  }

  private push(mine: ValueState<Entry[]>, known: Entry[] | undefined, row: Row, matches: number): void {
    const list = known ?? [];
    list.push({ row, matches });
    mine.update(list);
  }

  /** Batch mode: the input ended; the key's rows on an outer side that found no partner, padded. */
  onEventTime(_ns: string | number, t: number): void {
    for (let side = 0; side < 2; side++) {
      const list = this.states[side]!.value();
      if (list !== undefined && this.outer[side]) for (const e of list) if (e.matches === 0) this.emitPadded(e.row, side, t, RowKind.INSERT);
      this.states[side]!.clear();
    }
  }

  onWatermark(w: number): void {
    if (this.builder.length > 0) this.ctx.output.push(this.builder.take());
    this.ctx.output.pushWatermark(w);
  }

  finish(): void {
    if (this.builder.length > 0) this.ctx.output.push(this.builder.take());
  }

  private retract(row: Row, input: number, ts: number): void {
    const mine = this.states[input]!;
    const theirs = this.states[1 - input]!;
    const list = mine.value();
    if (list !== undefined) {
      const equals = this.params.equals[input]!;
      let at = -1;
      for (let j = 0; j < list.length && at < 0; j++) if (equals(list[j]!.row, row)) at = j;
      if (at >= 0) {
        list.splice(at, 1);
        if (list.length === 0) mine.clear();
        else mine.update(list);
      }
    }
    const others = theirs.value();
    const residual = this.params.residual;
    const otherOuter = this.outer[1 - input]!;
    let matches = 0;
    if (others !== undefined) {
      for (let j = 0; j < others.length; j++) {
        const e = others[j]!;
        const out = this.joined(row, e.row, input);
        if (residual !== undefined && !residual(out)) continue;
        matches++;
        this.builder.addRow(out, ts, RowKind.DELETE);
        if (otherOuter && e.matches > 0) {
          // Its last partner left: the other row is padded again.
          if (e.matches === 1) this.emitPadded(e.row, 1 - input, ts, RowKind.INSERT);
          e.matches--;
        }
      }
      if (otherOuter && matches > 0) theirs.update(others);
    }
    if (matches === 0 && this.outer[input]) this.emitPadded(row, input, ts, RowKind.DELETE);
  }
}

/** The `sqlJoin` operator kind, registered by the SQL layer: a keyed node with two inputs (0: left, 1: right). */
export const joinKind: OperatorFactory<JoinParams> = {
  kind: 'sqlJoin',
  create: (params) => new JoinOperator(params) as Operator<unknown>,
  describe: ({ text, ttl, batch }) => ({
    joinType: text.type,
    on: text.on,
    ...(ttl > 0 ? { stateTtl: `${ttl} ms` } : {}),
    ...(batch ? { mode: 'batch' } : {}),
  }),
  outputChangelogMode: ({ updating }) => (updating ? 'changelog' : 'insert-only'),
  inputChangelogMode: () => 'all',
};
