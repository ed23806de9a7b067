import type { WindowTvf } from './ast.js';
import { materialized, type PlanContext, type PlannedQuery } from './calc-planner.js';
import type { Column, Scope } from './expression-compiler.js';
import type { Row } from './operators/calc-operator.js';
import { SqlError } from './sql-error.js';
import { T } from './sql-types.js';
import { planTableSource, tableColumns } from './table-source-planner.js';

/**
 * The windows a row of time `ts` falls in, as [start, end) pairs: TUMBLE(size), HOP(slide, size),
 * CUMULATE(step, size) (windows that start at the size's boundary and grow by a step).
 *
 * @example
 * windowsOf('HOP', [5000, 15000], 12_000) // [[10000, 25000], [5000, 20000], [0, 15000]]
 */
export function windowsOf(fn: WindowTvf['fn'], intervals: readonly number[], ts: number): [number, number][] {
  const floor = (t: number, size: number) => t - (((t % size) + size) % size);
  const [a, b] = intervals as [number, number];
  if (fn === 'TUMBLE') {
    const start = floor(ts, a);
    return [[start, start + a]];
  }
  const out: [number, number][] = [];
  if (fn === 'HOP') {
    for (let start = floor(ts, a); start > ts - b; start -= a) out.push([start, start + b]);
    return out;
  }
  const start = floor(ts, b);
  for (let end = start + a; end <= start + b; end += a) if (end > ts) out.push([start, end]);
  return out;
}

/**
 * A window table function read as a table (outside a window aggregation): each row of the table
 * once per window it falls in, with `window_start`, `window_end` and `window_time` (end - 1 ms)
 * added, as Flink's WindowTableFunction. Window Top-N and window deduplication run over these rows.
 */
export function planWindowTvf(tvf: WindowTvf, ctx: PlanContext): { input: PlannedQuery; scope: Scope; table: string } {
  const entry = ctx.catalog.lookup(tvf.table, ctx.sql);
  if (entry.kind === 'view') throw new SqlError(`${tvf.fn} over a view is not supported yet; use a table`, tvf.table.pos, ctx.sql);
  if (entry.watermark?.column !== tvf.timeColumn)
    throw new SqlError(
      `The time column of ${tvf.fn} must be the event-time attribute of '${entry.name}' (declared with WATERMARK FOR ${tvf.timeColumn} AS ...)`,
      tvf.pos,
      ctx.sql,
    );
  const tableCols = tableColumns(entry);
  const columns: Column[] = [
    ...tableCols,
    { name: 'window_start', type: T.TIMESTAMP, nullable: false },
    { name: 'window_end', type: T.TIMESTAMP, nullable: false },
    { name: 'window_time', type: T.TIMESTAMP, nullable: false },
  ];
  const { fn, intervals, timeColumn } = tvf;
  const stream = planTableSource(entry, ctx.env)
    .flatMap<Row>((r, out) => {
      const ts = r[timeColumn] as number | null;
      // A row without event time is in no window (Flink drops it too).
      if (ts === null) return;
      for (const [ws, we] of windowsOf(fn, intervals, ts)) out.collect({ ...r, window_start: ws, window_end: we, window_time: we - 1 });
    })
    .name(`WindowTableFunction(${fn}(${intervals.map((ms) => `${ms} ms`).join(', ')}))`);
  return {
    table: entry.name,
    input: materialized(stream, columns),
    scope: { columns, qualifiers: [tvf.alias ?? entry.name], description: `${fn}(TABLE ${entry.name})` },
  };
}
