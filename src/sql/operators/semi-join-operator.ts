import { BatchBuilder, type Batch } from '../../core/batch.js';
import { snippet } from '../../core/errors.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import type { OperatorFactory } from '../../core/operator-factory.js';
import { isRetraction, RowKind } from '../../core/row-kind.js';
import { valueState, type ValueState } from '../../core/state.js';
import { describeTtl, sqlStateTtl } from './sql-state-ttl.js';
import { SqlError } from '../sql-error.js';
import type { Row } from './calc-operator.js';

/**
 * `semi`: a left row passes while the right input holds a row of its key (IN, EXISTS); `anti`:
 * while it holds none (NOT EXISTS, NOT IN of non-nullable values). `nullAwareAnti`: NOT IN with
 * SQL's NULL semantics, all rows on one key: a row passes when the subquery is empty, or when its
 * value is not NULL, not in the subquery, and the subquery holds no NULL.
 */
export type SemiJoinMode = 'semi' | 'anti' | 'nullAwareAnti';

/** Parameters of a `sqlSemiJoin` node: input 0 the outer query's rows, input 1 the subquery's keys. */
export interface SemiJoinParams {
  readonly mode: SemiJoinMode;
  /** Whether two left rows are equal, to find the row a retraction takes back. */
  readonly equals: (a: Row, b: Row) => boolean;
  /** `nullAwareAnti`: the compared value of a left row and of a right row. */
  readonly leftValue?: (r: Row) => unknown;
  readonly rightValue?: (r: Row) => unknown;
  /** Batch mode: the passing rows once the input ends, insert-only. */
  readonly batch: boolean;
  readonly updating: boolean;
  /** `table.exec.state.ttl` in milliseconds: a key's rows expire after that long without a write; 0 or absent: never. */
  readonly ttl?: number;
  readonly text: { readonly type: string; readonly on: string };
}

/** One key's rows: the left rows, and how many right rows it holds. */
interface KeyEntry {
  left: Row[];
  right: number;
}

/** `nullAwareAnti`'s one entry: left rows and right counts by value (JSON), and the right input's NULLs and size. */
interface NullAwareEntry {
  left: Map<string, Row[]>;
  right: Map<string, number>;
  nulls: number;
  total: number;
}

const END_OF_INPUT = Number.MAX_SAFE_INTEGER;
const valueKey = (v: unknown) => (typeof v === 'bigint' ? `${v}n` : JSON.stringify(v));

/**
 * The semi and anti joins that IN and EXISTS subqueries run as (Flink's SemiJoin/AntiJoin), over
 * changelogs: rows of the outer query (input 0) pass or not by the subquery's rows of their key
 * (input 1), and a change of that emits `+I` or `-D` for the outer rows concerned. Rows whose key
 * is NULL match nothing. In batch mode the passing rows are emitted once, when the input ends.
 */
export class SemiJoinOperator implements Operator<Row> {
  readonly inputChangelogMode = 'all';
  private ctx!: OperatorContext<Row>;
  private keys!: ValueState<KeyEntry>;
  private nullAware!: ValueState<NullAwareEntry>;
  private readonly builder = new BatchBuilder<Row>();
  constructor(private readonly params: SemiJoinParams) {}

  open(ctx: OperatorContext<Row>): void {
    if (!ctx.keyed) throw new SqlError(`${ctx.operatorName}: a semi join needs both inputs keyed`);
    this.ctx = ctx;
    const ttl = sqlStateTtl(this.params.ttl);
    this.keys = ctx.keyed.state.getState(valueState<KeyEntry>('semi-join', ttl));
    this.nullAware = ctx.keyed.state.getState(valueState<NullAwareEntry>('semi-join-null-aware', ttl));
  }

  processBatch(batch: Batch<Row>, input: number): void {
    const { values, keys, kinds, timestamps } = batch;
    const keyed = this.ctx.keyed!;
    let i = 0;
    try {
      for (; i < values.length; i++) {
        const sign = kinds !== undefined && isRetraction(kinds[i]!) ? -1 : 1;
        const key = keys![i];
        const row = values[i]!;
        const ts = timestamps[i]!;
        // A NULL key matches nothing: a semi join drops the row, an anti join keeps it (in batch
        // mode under the NULL key, where no right row goes, until the input ends).
        if (key === null && (input === 1 || this.params.mode !== 'anti')) continue;
        if (key === null && !this.params.batch) {
          this.builder.addRow(row, ts, sign === 1 ? RowKind.INSERT : RowKind.DELETE);
          continue;
        }
        keyed.setCurrentKey(key);
        if (this.params.mode === 'nullAwareAnti') this.nullAwareRow(row, input, sign, ts);
        else this.keyedRow(row, input, sign, ts);
      }
    } catch (err) {
      throw new SqlError(`${this.ctx.operatorName}: ${err instanceof Error ? err.message : String(err)} (row ${snippet(values[i])})`);
    }
    if (this.builder.length > 0) this.ctx.output.push(this.builder.take());
  }

  private keyedRow(row: Row, input: number, sign: number, ts: number): void {
    const { mode, batch, equals } = this.params;
    let e = this.keys.value();
    if (e === undefined) {
      e = { left: [], right: 0 };
      if (batch) this.ctx.keyed!.timers.registerEventTimeTimer(0, END_OF_INPUT);
    }
    const passes = (right: number) => (mode === 'semi' ? right > 0 : right <= 0);
    if (input === 0) {
      if (sign === 1) e.left.push(row);
      else {
        const at = e.left.findIndex((x) => equals(x, row));
        if (at < 0) return; // taking back a row never seen (expired state): nothing to take
        e.left.splice(at, 1);
      }
      if (!batch && passes(e.right)) this.builder.addRow(row, ts, sign === 1 ? RowKind.INSERT : RowKind.DELETE);
    } else {
      const before = passes(e.right);
      // Never below zero: taking back a row whose key expired (TTL) takes nothing.
      e.right = Math.max(0, e.right + sign);
      const after = passes(e.right);
      if (!batch && before !== after) for (const r of e.left) this.builder.addRow(r, ts, after ? RowKind.INSERT : RowKind.DELETE);
    }
    if (!batch && e.left.length === 0 && e.right === 0) this.keys.clear();
    else this.keys.update(e);
  }

  private nullAwareRow(row: Row, input: number, sign: number, ts: number): void {
    const { batch, equals, leftValue, rightValue } = this.params;
    let e = this.nullAware.value();
    if (e === undefined) {
      e = { left: new Map(), right: new Map(), nulls: 0, total: 0 };
      if (batch) this.ctx.keyed!.timers.registerEventTimeTimer(0, END_OF_INPUT);
    }
    if (input === 0) {
      const v = leftValue!(row);
      const k = valueKey(v);
      const rows = e.left.get(k) ?? [];
      if (sign === 1) rows.push(row);
      else {
        const at = rows.findIndex((x) => equals(x, row));
        if (at < 0) return;
        rows.splice(at, 1);
      }
      if (rows.length === 0) e.left.delete(k);
      else e.left.set(k, rows);
      if (!batch && nullAwarePasses(e, v, k)) this.builder.addRow(row, ts, sign === 1 ? RowKind.INSERT : RowKind.DELETE);
    } else {
      const v = rightValue!(row);
      const k = valueKey(v);
      const was = { nulls: e.nulls, total: e.total, count: e.right.get(k) ?? 0 };
      // Taking back a value the subquery does not hold (its state expired, TTL) takes nothing.
      if (sign === -1 && (v === null ? e.nulls : was.count) === 0) return;
      const passedBefore = (lk: string, lv: unknown) =>
        was.total === 0 || (lv !== null && was.nulls === 0 && (lk === k ? was.count : (e!.right.get(lk) ?? 0)) === 0);
      e.total += sign;
      if (v === null) e.nulls += sign;
      else {
        const n = was.count + sign;
        if (n <= 0) e.right.delete(k);
        else e.right.set(k, n);
      }
      if (!batch) {
        // Emptiness and NULLs concern every left row; a value only the rows of that value.
        const global = (was.total === 0) !== (e.total === 0) || (was.nulls === 0) !== (e.nulls === 0);
        const groups = global ? [...e.left] : e.left.has(k) ? [[k, e.left.get(k)!] as const] : [];
        for (const [lk, rows] of groups) {
          const lv = leftValue!(rows[0]!);
          const before = passedBefore(lk, lv);
          const after = nullAwarePasses(e, lv, lk);
          if (before !== after) for (const r of rows) this.builder.addRow(r, ts, after ? RowKind.INSERT : RowKind.DELETE);
        }
      }
    }
    this.nullAware.update(e);
  }

  onEventTime(_ns: string | number, t: number): void {
    if (this.params.mode === 'nullAwareAnti') {
      const e = this.nullAware.value();
      if (e === undefined) return;
      for (const [k, rows] of e.left) if (nullAwarePasses(e, this.params.leftValue!(rows[0]!), k)) for (const r of rows) this.builder.add(r, t);
      this.nullAware.clear();
      return;
    }
    const e = this.keys.value();
    if (e === undefined) return;
    if (this.params.mode === 'semi' ? e.right > 0 : e.right <= 0) for (const r of e.left) this.builder.add(r, t);
    this.keys.clear();
  }

  onWatermark(w: number): void {
    if (this.builder.length > 0) this.ctx.output.push(this.builder.take());
    this.ctx.output.pushWatermark(w);
  }

  finish(): void {
    if (this.builder.length > 0) this.ctx.output.push(this.builder.take());
  }
}

/** NOT IN: `v` passes when the subquery is empty, or `v` is not NULL, not in it, and it holds no NULL. */
function nullAwarePasses(e: NullAwareEntry, v: unknown, k: string): boolean {
  return e.total === 0 || (v !== null && e.nulls === 0 && (e.right.get(k) ?? 0) === 0);
}

/** The `sqlSemiJoin` operator kind, registered by the SQL layer: a keyed node with two inputs (0: outer rows, 1: subquery). */
export const semiJoinKind: OperatorFactory<SemiJoinParams> = {
  kind: 'sqlSemiJoin',
  create: (params) => new SemiJoinOperator(params) as Operator<unknown>,
  describe: ({ text, mode, ttl }) => ({
    joinType: text.type,
    on: text.on,
    ...(mode === 'nullAwareAnti' ? { nullAware: true } : {}),
    ...describeTtl(ttl),
  }),
  outputChangelogMode: ({ updating, batch }) => (updating && !batch ? 'changelog' : 'insert-only'),
  inputChangelogMode: () => 'all',
};
