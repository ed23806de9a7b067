import { BatchBuilder, type Batch } from '../../core/batch.js';
import { snippet } from '../../core/errors.js';
import type { Operator, OperatorContext } from '../../core/operator.js';
import type { OperatorFactory } from '../../core/operator-factory.js';
import { valueState, type ValueState } from '../../core/state.js';
import { LATE_RECORDS_DROPPED } from '../../core/window/window-operator-spec.js';
import { SqlError } from '../sql-error.js';
import type { Row } from './calc-operator.js';
import { accumulate, createAccs, mergeAccs, results, type AggCall } from './sql-accumulators.js';

/** Parameters of a `sqlSessionWindowAggregate` node, compiled once per query. */
export interface SessionWindowAggregateParams {
  /** The session gap in milliseconds. */
  readonly gap: number;
  /** The values of the GROUP BY columns besides the window's (the stream is keyed by them). */
  readonly groupValues: (r: Row) => unknown[];
  readonly calls: readonly AggCall[];
  /** The output row of a session: its GROUP BY values, the results of the calls, window_start and window_end. */
  readonly output: (group: readonly unknown[], results: readonly unknown[], start: number, end: number) => Row;
  readonly text: { readonly gap: string; readonly groupBy: string; readonly select: string };
}

/** An open session: `[start, end)` where end is the last row's time plus the gap. */
export interface Session {
  start: number;
  end: number;
  group: unknown[];
  accs: unknown[];
}

/** Per key: its open sessions, sorted by start and disjoint, and the lowest event-time timer pending. */
export interface SessionEntry {
  sessions: Session[];
  timer: number;
}

const TIMER = 'session';

/**
 * SESSION window aggregation, as Flink's session WindowAggregate: per key, the open sessions hold
 * accumulators (never rows). A row opens `[t, t + gap)`; every session it overlaps or touches merges
 * into one. A session is emitted once, when the watermark passes its end, with timestamp end - 1,
 * so the output is insert-only. A row that joins no open session and whose own window has ended is
 * dropped and counted (`numLateRecordsDropped`), as the DataStream session windows do.
 *
 * One event-time timer per key, at the earliest end of its sessions (not one per row): a session
 * that grew since its timer was set is found still open when it fires, and the timer moves on.
 */
export class SessionWindowAggregateOperator implements Operator<Row> {
  private ctx!: OperatorContext<Row>;
  private state!: ValueState<SessionEntry>;
  private readonly builder = new BatchBuilder<Row>();
  constructor(private readonly params: SessionWindowAggregateParams) {}

  open(ctx: OperatorContext<Row>): void {
    if (!ctx.keyed) throw new SqlError(`${ctx.operatorName}: a session window aggregation needs a keyed input`);
    this.ctx = ctx;
    this.state = ctx.keyed.state.getState(valueState<SessionEntry>('session-window-aggregate'));
  }

  processBatch(batch: Batch<Row>): void {
    const { values, keys, timestamps } = batch;
    const { gap, calls, groupValues } = this.params;
    const keyed = this.ctx.keyed!;
    const state = this.state;
    const watermark = this.ctx.currentWatermark();
    let i = 0;
    try {
      for (; i < values.length; i++) {
        const row = values[i]!;
        const t = timestamps[i]!;
        const end = t + gap;
        keyed.setCurrentKey(keys![i]);
        let e = state.value();
        let target = e === undefined ? undefined : merged(e.sessions, t, end, calls);
        if (target === undefined) {
          // A row that opens a session already ended is late.
          if (end - 1 <= watermark) {
            this.ctx.metrics.inc(LATE_RECORDS_DROPPED);
            continue;
          }
          target = { start: t, end, group: groupValues(row), accs: createAccs(calls) };
          if (e === undefined) e = { sessions: [target], timer: end - 1 };
          else insertSorted(e.sessions, target);
          if (e.sessions.length === 1 || end - 1 < e.timer) {
            e.timer = end - 1;
            keyed.timers.registerEventTimeTimer(TIMER, end - 1);
          }
        }
        accumulate(calls, target.accs, row, 1);
        state.update(e!);
      }
    } catch (err) {
      throw new SqlError(`${this.ctx.operatorName}: ${err instanceof Error ? err.message : String(err)} (row ${snippet(values[i])})`);
    }
  }

  onEventTime(_namespace: string | number, timestamp: number): void {
    const e = this.state.value();
    if (e === undefined) return;
    const { calls, output } = this.params;
    // Sessions that grew after their timer was set may have ended by now too; a timer set while
    // timers fire may not fire on this watermark (the last one ends the input), so no session that
    // the watermark passed is left for later.
    const passed = Math.max(timestamp, this.ctx.currentWatermark());
    const open: Session[] = [];
    for (const s of e.sessions) {
      if (s.end - 1 <= passed) this.builder.add(output(s.group, results(calls, s.accs), s.start, s.end), s.end - 1);
      else open.push(s);
    }
    if (open.length === 0) this.state.clear();
    else {
      e.sessions = open;
      // The pending timer is this one (or an earlier one): set the next at the earliest end left.
      if (e.timer <= passed) {
        let next = Infinity;
        for (const s of open) if (s.end - 1 < next) next = s.end - 1;
        e.timer = next;
        this.ctx.keyed!.timers.registerEventTimeTimer(TIMER, next);
      }
      this.state.update(e);
    }
    if (this.builder.length > 0) this.ctx.output.push(this.builder.take());
  }
}

/**
 * Merges into one the sessions that `[t, end)` overlaps or touches (as TimeWindow.intersects), and
 * returns it (grown to cover `[t, end)`), or undefined when none does.
 */
function merged(sessions: Session[], t: number, end: number, calls: readonly AggCall[]): Session | undefined {
  let target: Session | undefined;
  let w = 0;
  for (let r = 0; r < sessions.length; r++) {
    const s = sessions[r]!;
    if (s.start <= end && s.end >= t) {
      if (target === undefined) {
        target = s;
        if (t < s.start) s.start = t;
        if (end > s.end) s.end = end;
      } else {
        mergeAccs(calls, target.accs, s.accs);
        if (s.end > target.end) target.end = s.end;
        continue;
      }
    }
    sessions[w++] = s;
  }
  sessions.length = w;
  return target;
}

function insertSorted(sessions: Session[], s: Session): void {
  let i = sessions.length;
  while (i > 0 && sessions[i - 1]!.start > s.start) i--;
  sessions.splice(i, 0, s);
}

/** The `sqlSessionWindowAggregate` operator kind, registered by the SQL layer: keyed, insert-only. */
export const sessionWindowAggregateKind: OperatorFactory<SessionWindowAggregateParams> = {
  kind: 'sqlSessionWindowAggregate',
  create: (params) => new SessionWindowAggregateOperator(params) as Operator<unknown>,
  describe: ({ text }) => ({ gap: text.gap, groupBy: text.groupBy, select: text.select }),
  outputChangelogMode: () => 'insert-only',
  inputChangelogMode: () => 'insert-only',
};
