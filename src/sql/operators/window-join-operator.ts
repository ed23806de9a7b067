import { BatchBuilder, type Batch } from '../../core/batch.js';
import { snippet } from '../../core/errors.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import type { OperatorFactory } from '../../core/operator-factory.js';
import { mapState, type MapState } from '../../core/state.js';
import { SqlError } from '../sql-error.js';
import type { Row } from './calc-operator.js';
import { paddedRow, type JoinType } from './join-operator.js';

/** Parameters of a `sqlWindowJoin` node, compiled once per query. */
export interface WindowJoinParams {
  readonly type: JoinType;
  readonly combine: (left: Row, right: Row) => Row;
  readonly nullLeft: Row;
  readonly nullRight: Row;
  readonly residual: ((joined: Row) => boolean) | undefined;
  /** The `window_end` of a left (0) and a right (1) row. */
  readonly windowEnd: readonly [(r: Row) => number, (r: Row) => number];
  readonly text: { readonly type: string; readonly on: string };
}

/** Counter of rows whose window had ended when they arrived (Flink's name). */
const LATE = 'numLateRecordsDropped';

interface WindowRows {
  left: Row[];
  right: Row[];
}

/**
 * Flink's window join: rows of two window table functions with the same windows, joined per key
 * and window once the watermark passes the window's end. Both sides' rows of a window wait in keyed
 * state until then; the joined rows (padded with NULLs for an outer join) are emitted once and the
 * window's state is dropped, so the output is insert-only. Rows of a window that has ended are
 * dropped and counted.
 */
export class WindowJoinOperator implements Operator<Row> {
  private ctx!: OperatorContext<Row>;
  private windows!: MapState<number, WindowRows>;
  private readonly builder = new BatchBuilder<Row>();
  private readonly outer: readonly [boolean, boolean];
  constructor(private readonly params: WindowJoinParams) {
    this.outer = [params.type === 'LEFT' || params.type === 'FULL', params.type === 'RIGHT' || params.type === 'FULL'];
  }

  open(ctx: OperatorContext<Row>): void {
    if (!ctx.keyed) throw new SqlError(`${ctx.operatorName}: a window join needs both inputs keyed by the join key`);
    this.ctx = ctx;
    this.windows = ctx.keyed.state.getMapState(mapState<number, WindowRows>('window-join'));
  }

  processBatch(batch: Batch<Row>, input: number): void {
    const { values, keys } = batch;
    const keyed = this.ctx.keyed!;
    const windowEnd = this.params.windowEnd[input]!;
    const watermark = this.ctx.currentWatermark();
    let i = 0;
    try {
      for (; i < values.length; i++) {
        const row = values[i]!;
        const end = windowEnd(row);
        if (end - 1 <= watermark) {
          this.ctx.metrics.inc(LATE);
          continue;
        }
        const key = keys![i];
        if (key === null) {
          // A NULL key joins nothing; on an outer side the row is emitted padded.
          if (this.outer[input]) this.padded(row, input, end - 1);
          continue;
        }
        keyed.setCurrentKey(key);
        const w = this.windows.get(end) ?? { left: [], right: [] };
        (input === 0 ? w.left : w.right).push(row);
        this.windows.put(end, w);
        keyed.timers.registerEventTimeTimer('window-join', end - 1);
      }
    } catch (err) {
      throw new SqlError(`${this.ctx.operatorName}: ${err instanceof Error ? err.message : String(err)} (row ${snippet(values[i])})`);
    }
    this.flush();
  }

  onEventTime(_namespace: string | number, timestamp: number): void {
    const end = timestamp + 1;
    const w = this.windows.get(end);
    if (w === undefined) return;
    this.windows.remove(end);
    const { combine, residual } = this.params;
    const matchedRight = this.outer[1] ? new Uint8Array(w.right.length) : undefined;
    for (const l of w.left) {
      let matched = false;
      for (let j = 0; j < w.right.length; j++) {
        const joined = combine(l, w.right[j]!);
        if (residual !== undefined && !residual(joined)) continue;
        matched = true;
        if (matchedRight) matchedRight[j] = 1;
        this.builder.add(joined, timestamp);
      }
      if (!matched && this.outer[0]) this.padded(l, 0, timestamp);
    }
    if (matchedRight) for (let j = 0; j < w.right.length; j++) if (matchedRight[j] === 0) this.padded(w.right[j]!, 1, timestamp);
    this.flush();
  }

  private padded(row: Row, side: number, ts: number): void {
    this.builder.add(paddedRow(this.params, row, side), ts);
  }

  private flush(): void {
    if (this.builder.length > 0) this.ctx.output.push(this.builder.take());
  }
}

/** The `sqlWindowJoin` operator kind, registered by the SQL layer: keyed, two inputs (0: left, 1: right), insert-only. */
export const windowJoinKind: OperatorFactory<WindowJoinParams> = {
  kind: 'sqlWindowJoin',
  create: (params) => new WindowJoinOperator(params) as Operator<unknown>,
  describe: ({ text }) => ({ joinType: text.type, on: text.on }),
  outputChangelogMode: () => 'insert-only',
  inputChangelogMode: () => 'insert-only',
};
