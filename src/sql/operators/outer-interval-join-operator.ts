import { BatchBuilder, type Batch } from '../../core/batch.js';
import { snippet } from '../../core/errors.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import type { OperatorFactory } from '../../core/operator-factory.js';
import { mapState, type MapState } from '../../core/state.js';
import { SqlError } from '../sql-error.js';
import type { Row } from './calc-operator.js';
import { paddedRow, type JoinType } from './join-operator.js';

/** Parameters of a `sqlIntervalJoin` node: an outer interval join, compiled once per query. */
export interface OuterIntervalJoinParams {
  readonly type: JoinType;
  readonly combine: (left: Row, right: Row) => Row;
  readonly nullLeft: Row;
  readonly nullRight: Row;
  readonly residual: ((joined: Row) => boolean) | undefined;
  /** Inclusive bounds on `right.ts - left.ts`, in milliseconds. */
  readonly lower: number;
  readonly upper: number;
  readonly text: { readonly type: string; readonly on: string };
}

/** A buffered row and whether it has joined a row of the other side. */
interface Entry {
  readonly row: Row;
  matched: boolean;
}

const LATE = 'numLateRecordsDropped';
const CLEANUP = ['outer-interval-left', 'outer-interval-right'] as const;

/**
 * SQL's LEFT, RIGHT and FULL interval joins, as Flink's TimeIntervalJoin: each side's rows wait in
 * keyed state by event time until the watermark shows that no row of the other side can still
 * match them; then a row of an outer side that joined nothing is emitted padded with NULLs. Joined
 * rows are emitted as the pair meets. Nothing is taken back, so the output is insert-only. Rows at
 * or behind the watermark join nothing and are counted, as in Flink.
 */
export class OuterIntervalJoinOperator implements Operator<Row> {
  private ctx!: OperatorContext<Row>;
  private readonly buffers: MapState<number, Entry[]>[] = [];
  private readonly builder = new BatchBuilder<Row>();
  private readonly outer: readonly [boolean, boolean];
  constructor(private readonly params: OuterIntervalJoinParams) {
    this.outer = [params.type === 'LEFT' || params.type === 'FULL', params.type === 'RIGHT' || params.type === 'FULL'];
  }

  open(ctx: OperatorContext<Row>): void {
    if (!ctx.keyed) throw new SqlError(`${ctx.operatorName}: an interval join needs both inputs keyed by the join key`);
    this.ctx = ctx;
    this.buffers.push(
      ctx.keyed.state.getMapState(mapState<number, Entry[]>('interval-join-left')),
      ctx.keyed.state.getMapState(mapState<number, Entry[]>('interval-join-right')),
    );
  }

  processBatch(batch: Batch<Row>, input: number): void {
    const { values, keys, timestamps } = batch;
    const keyed = this.ctx.keyed!;
    const watermark = this.ctx.currentWatermark();
    const { lower, upper } = this.params;
    let i = 0;
    try {
      for (; i < values.length; i++) {
        const row = values[i]!;
        const ts = timestamps[i]!;
        if (ts === -Infinity) throw new Error('a row without event time: both inputs need a WATERMARK FOR their time attribute');
        if (ts <= watermark) {
          this.ctx.metrics.inc(LATE);
          continue;
        }
        if (keys![i] === null) {
          // A NULL key joins nothing; on an outer side the row is emitted padded.
          if (this.outer[input]) this.padded(row, input, ts);
          continue;
        }
        keyed.setCurrentKey(keys![i]);
        // The other side's event times that can match: right.ts - left.ts in [lower, upper].
        const [lo, hi] = input === 0 ? [ts + lower, ts + upper] : [ts - upper, ts - lower];
        const entry: Entry = { row, matched: false };
        const other = this.buffers[1 - input]!;
        for (const [ots, entries] of other.entries()) {
          if (ots < lo || ots > hi) continue;
          let changed = false;
          for (const e of entries) {
            const joined = input === 0 ? this.params.combine(row, e.row) : this.params.combine(e.row, row);
            if (this.params.residual !== undefined && !this.params.residual(joined)) continue;
            this.builder.add(joined, Math.max(ts, ots));
            entry.matched = true;
            if (!e.matched) changed = e.matched = true;
          }
          if (changed) other.put(ots, entries);
        }
        const mine = this.buffers[input]!;
        const list = mine.get(ts);
        if (list) list.push(entry);
        mine.put(ts, list ?? [entry]);
        // Once the watermark passes the last event time of the other side that could match, the row is done.
        keyed.timers.registerEventTimeTimer(CLEANUP[input]!, Math.max(ts, input === 0 ? ts + upper : ts - lower));
      }
    } catch (err) {
      throw new SqlError(`${this.ctx.operatorName}: ${err instanceof Error ? err.message : String(err)} (row ${snippet(values[i])})`);
    }
    this.flush();
  }

  onEventTime(namespace: string | number, timestamp: number): void {
    const side = namespace === CLEANUP[0] ? 0 : 1;
    const { lower, upper } = this.params;
    const buffer = this.buffers[side]!;
    // The rows whose cleanup time this is (for rows behind the bound, it is their own time).
    for (const ts of side === 0 ? [timestamp - upper, timestamp] : [timestamp + lower, timestamp]) {
      const cleanupAt = Math.max(ts, side === 0 ? ts + upper : ts - lower);
      if (cleanupAt !== timestamp) continue;
      const entries = buffer.get(ts);
      if (entries === undefined) continue;
      buffer.remove(ts);
      if (this.outer[side]) for (const e of entries) if (!e.matched) this.padded(e.row, side, ts);
    }
    this.flush();
  }

  private padded(row: Row, side: number, ts: number): void {
    this.builder.add(paddedRow(this.params, row, side), ts);
  }

  private flush(): void {
    if (this.builder.length > 0) this.ctx.output.push(this.builder.take());
  }
}

/** The `sqlIntervalJoin` operator kind (outer interval joins), registered by the SQL layer: keyed, two inputs, insert-only. */
export const outerIntervalJoinKind: OperatorFactory<OuterIntervalJoinParams> = {
  kind: 'sqlIntervalJoin',
  create: (params) => new OuterIntervalJoinOperator(params) as Operator<unknown>,
  describe: ({ text, lower, upper }) => ({ joinType: text.type, on: text.on, windowBounds: `${lower} ms, ${upper} ms` }),
  outputChangelogMode: () => 'insert-only',
  inputChangelogMode: () => 'insert-only',
};
