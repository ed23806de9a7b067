import { DataStream } from '../api/data-stream.js';
import type { SessionWindowAggregateParams } from './operators/session-window-aggregate-operator.js';
import type { Expr, Query, WindowTvf } from './ast.js';
import { isAggregating, outputRow, planAggregate } from './aggregate-planner.js';
import type { AggregateFunction } from '../core/state.js';
import { SlidingEventTimeWindows } from '../core/window/sliding-window-assigners.js';
import { TumblingEventTimeWindows } from '../core/window/tumbling-window-assigners.js';
import { checkSessionKeys } from './windows/session-keys.js';
import type { TimeWindow } from '../core/window/window.js';
import type { WindowAssigner } from '../core/window/window-assigner.js';
import type { Column, Scope } from './expression-compiler.js';
import type { Row } from './operators/calc-operator.js';
import { accumulate, createAccs, mergeAccs, results, type AggCall } from './operators/sql-accumulators.js';
import { materialized, planCalc, type PlanContext, type PlannedQuery } from './calc-planner.js';
import { SqlError } from './sql-error.js';
import { T } from './sql-types.js';
import { planTableSource, scopeOf, tableColumns } from './table-source-planner.js';
import { CumulativeEventTimeWindows } from './windows/cumulative-event-time-windows.js';

const WINDOW_COLUMNS = ['window_start', 'window_end', 'window_time'];

interface WindowAcc {
  group: unknown[] | null;
  accs: unknown[];
}

/** The accumulators of a query's calls as a window AggregateFunction (with merge, so HOP windows share slices). */
function windowFunction(
  calls: readonly AggCall[],
  groupValues: (r: Row) => unknown[],
): AggregateFunction<Row, WindowAcc, { group: unknown[]; results: unknown[] }> {
  return {
    createAccumulator: () => ({ group: null, accs: createAccs(calls) }),
    add(row, acc) {
      if (acc.group === null) acc.group = groupValues(row);
      accumulate(calls, acc.accs, row, 1);
      return acc;
    },
    getResult: (acc) => ({ group: acc.group ?? [], results: results(calls, acc.accs) }),
    merge(a, b) {
      a.group ??= b.group;
      mergeAccs(calls, a.accs, b.accs);
      return a;
    },
  };
}

/** The assigner of a TUMBLE, HOP or CUMULATE window (SESSION has its own operator). */
function assignerOf(tvf: WindowTvf): WindowAssigner<unknown, TimeWindow> {
  const [a, b] = tvf.intervals as [number, number | undefined];
  if (tvf.fn === 'TUMBLE') return TumblingEventTimeWindows.of(a);
  if (tvf.fn === 'HOP') return SlidingEventTimeWindows.of(b!, a);
  return new CumulativeEventTimeWindows(a, b!);
}

/**
 * Window aggregation over a window table function, as Flink's WindowAggregate:
 * `FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, ...`
 * runs on the runtime's event-time window operators (HOP on shared slices; SESSION on the SQL
 * layer's session operator, which keeps accumulators per session) and emits each window's rows once, when the watermark passes its end: insert-only.
 */
export function planWindowAggregate(q: Query, tvf: WindowTvf, ctx: PlanContext, describe: (e: Expr) => string): PlannedQuery {
  const entry = ctx.catalog.lookup(tvf.table, ctx.sql);
  if (entry.kind === 'view') throw new SqlError(`${tvf.fn} over a view is not supported yet; use a table`, tvf.table.pos, ctx.sql);
  if (entry.watermark?.column !== tvf.timeColumn) {
    throw new SqlError(
      `The time column of ${tvf.fn} must be the event-time attribute of '${entry.name}' (declared with WATERMARK FOR ${tvf.timeColumn} AS ...)${entry.watermark ? `; it is '${entry.watermark.column}'` : ''}`,
      tvf.pos,
      ctx.sql,
    );
  }
  const grouped = (q.groupBy ?? []).map((g) => (g.kind === 'column' ? g.name.parts[g.name.parts.length - 1] : undefined));
  if (!isAggregating(q) || !grouped.includes('window_start') || !grouped.includes('window_end')) {
    throw new SqlError(
      `${tvf.fn} is supported in window aggregations: GROUP BY window_start, window_end[, ...]; other uses are not supported yet`,
      tvf.pos,
      ctx.sql,
    );
  }
  const tableCols = tableColumns(entry);
  const qualifier = tvf.alias ?? entry.name;
  const tableScope = scopeOf(tableCols, entry.name, tvf.alias);
  const windowCols: Column[] = [
    { name: 'window_start', type: T.TIMESTAMP, nullable: false },
    { name: 'window_end', type: T.TIMESTAMP, nullable: false },
    { name: 'window_time', type: T.TIMESTAMP, nullable: false },
  ];
  const scope: Scope = { columns: [...tableCols, ...windowCols], qualifiers: [qualifier], description: `${tvf.fn}(TABLE ${entry.name})` };
  let input = materialized(planTableSource(entry, ctx.env), tableCols);
  if (q.where) input = planCalc({ ...q, items: [{ expr: { kind: 'star', qualifier: undefined, pos: q.pos }, alias: undefined }] }, input, tableScope, ctx.sql);
  const plan = planAggregate(q, scope, ctx.sql, false, WINDOW_COLUMNS, describe);
  if (tvf.fn === 'SESSION') checkSessionKeys(tvf, q, ctx.sql);
  const output = outputRow(plan);
  if (tvf.fn === 'SESSION') {
    const params: SessionWindowAggregateParams = {
      gap: tvf.intervals[0]!,
      groupValues: plan.groupValues,
      calls: plan.calls,
      output,
      text: { gap: `${tvf.intervals[0]} ms`, groupBy: plan.text.groupBy, select: plan.text.select },
    };
    const sessionName = `WindowAggregate(window=[SESSION(${params.text.gap})], groupBy=[${plan.text.groupBy}], select=[${plan.text.select}])`;
    const node = ctx.env.graph.addNode(
      { kind: 'sqlSessionWindowAggregate', params },
      sessionName.length > 120 ? sessionName.slice(0, 117) + '...)' : sessionName,
      [[input.stream().keyBy(plan.key).edge()]],
      true,
    );
    return planCalc(
      plan.query,
      materialized(new DataStream<Row>(ctx.env, node), plan.columns),
      { columns: plan.columns, qualifiers: [], description: 'the window aggregation' },
      ctx.sql,
    );
  }
  const name = `WindowAggregate(window=[${tvf.fn}(${tvf.intervals.map((ms) => `${ms} ms`).join(', ')})], groupBy=[${plan.text.groupBy}], select=[${plan.text.select}])`;
  const stream = input
    .stream()
    .keyBy(plan.key)
    .window(assignerOf(tvf) as WindowAssigner<Row, TimeWindow>)
    .aggregate<WindowAcc, { group: unknown[]; results: unknown[] }, Row>(
      windowFunction(plan.calls, plan.groupValues),
      (_key: unknown, w: TimeWindow, [r], out) => out.collect(output(r!.group, r!.results, w.start, w.end)),
    )
    .name(name.length > 120 ? name.slice(0, 117) + '...)' : name);
  return planCalc(plan.query, materialized(stream, plan.columns), { columns: plan.columns, qualifiers: [], description: 'the window aggregation' }, ctx.sql);
}
