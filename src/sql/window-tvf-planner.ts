import type { Collector } from '../core/functions.js';
import type { WindowTvf } from './ast.js';
import { materialized, type PlanContext, type PlannedQuery } from './calc-planner.js';
import type { Column } from './expression-compiler.js';
import type { Row } from './operators/calc-operator.js';
import { SqlError } from './sql-error.js';
import { T } from './sql-types.js';
import { planTableSource, tableColumns } from './table-source-planner.js';

/** The windows a row of event time `ts` falls in, as [start, end) pairs (Flink's window offsets are 0). */
export function windowsOf(fn: WindowTvf['fn'], intervals: readonly number[], ts: number): [number, number][] {
  const mod = (a: number, b: number) => ((a % b) + b) % b;
  const [a, b] = intervals as [number, number | undefined];
  if (fn === 'TUMBLE') {
    const start = ts - mod(ts, a);
    return [[start, start + a]];
  }
  const out: [number, number][] = [];
  if (fn === 'HOP') {
    // HOP(slide, size): every window of `size` that starts on a multiple of `slide` and holds ts.
    for (let start = ts - mod(ts, a); start > ts - b!; start -= a) out.unshift([start, start + b!]);
    return out;
  }
  // CUMULATE(step, size): windows from the start of ts's `size` window, ending every `step`.
  const start = ts - mod(ts, b!);
  for (let end = start + a; end <= start + b!; end += a) if (end > ts) out.push([start, end]);
  return out;
}

/**
 * A window table function as a table, as Flink's WindowTableFunction: `SELECT * FROM
 * TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND))` gives each row of `t` once per
 * window it falls in, with `window_start`, `window_end` and `window_time` (`window_end` - 1 ms)
 * added. Rows keep their event time, so the result can feed a window join.
 */
export function planWindowTvfTable(tvf: WindowTvf, ctx: PlanContext): { planned: PlannedQuery; table: string } {
  const entry = ctx.catalog.lookup(tvf.table, ctx.sql);
  if (entry.kind === 'view') throw new SqlError(`${tvf.fn} over a view is not supported yet; use a table`, tvf.table.pos, ctx.sql);
  if (entry.watermark?.column !== tvf.timeColumn)
    throw new SqlError(
      `The time column of ${tvf.fn} must be the event-time attribute of '${entry.name}' (declared with WATERMARK FOR ${tvf.timeColumn} AS ...)${entry.watermark ? `; it is '${entry.watermark.column}'` : ''}`,
      tvf.pos,
      ctx.sql,
    );
  const columns: Column[] = [
    ...tableColumns(entry),
    { name: 'window_start', type: T.TIMESTAMP, nullable: false },
    { name: 'window_end', type: T.TIMESTAMP, nullable: false },
    { name: 'window_time', type: T.TIMESTAMP, nullable: false },
  ];
  const { fn, intervals, timeColumn } = tvf;
  const stream = planTableSource(entry, ctx.env)
    .flatMap((row: Row, out: Collector<Row>) => {
      const ts = row[timeColumn] as number | null;
      // A row without event time is in no window (Flink drops it too).
      if (ts === null) return;
      for (const [start, end] of windowsOf(fn, intervals, ts)) out.collect({ ...row, window_start: start, window_end: end, window_time: end - 1 });
    })
    .name(`WindowTableFunction(${fn}(${intervals.map((ms) => `${ms} ms`).join(', ')}))`);
  return { planned: materialized(stream, columns), table: entry.name };
}
