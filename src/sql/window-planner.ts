import { DataStream } from '../api/data-stream.js';
import type { SessionWindowAggregateParams } from './operators/session-window-aggregate-operator.js';
import type { Expr, Query, WindowTvf } from './ast.js';
import { isAggregating, outputRow, planAggregate } from './aggregate-planner.js';
import type { AggregateFunction } from '../core/state.js';
import { SlidingEventTimeWindows, SlidingProcessingTimeWindows } from '../core/window/sliding-window-assigners.js';
import { TumblingEventTimeWindows, TumblingProcessingTimeWindows } from '../core/window/tumbling-window-assigners.js';
import { ProcessingTimeSessionWindows } from '../core/window/session-window-assigners.js';
import { columnName } from './expr-rewrite.js';
import { outputTimeAttributes } from './time-attributes.js';
import { checkSessionKeys } from './windows/session-keys.js';
import type { TimeWindow } from '../core/window/window.js';
import type { WindowAssigner } from '../core/window/window-assigner.js';
import type { Column, Scope } from './expression-compiler.js';
import type { Row } from './operators/calc-operator.js';
import { accumulate, AggCode, createAccs, mergeAccs, results, type AggCall } from './operators/sql-accumulators.js';
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

/** The assigner of a window (an event-time SESSION has its own operator). */
function assignerOf(tvf: WindowTvf, processingTime: boolean): WindowAssigner<unknown, TimeWindow> {
  const [a, b] = tvf.intervals as [number, number | undefined];
  if (processingTime) {
    if (tvf.fn === 'TUMBLE') return TumblingProcessingTimeWindows.of(a);
    if (tvf.fn === 'HOP') return SlidingProcessingTimeWindows.of(b!, a);
    if (tvf.fn === 'SESSION') return ProcessingTimeSessionWindows.withGap(a);
  }
  if (tvf.fn === 'TUMBLE') return TumblingEventTimeWindows.of(a);
  if (tvf.fn === 'HOP') return SlidingEventTimeWindows.of(b!, a);
  return new CumulativeEventTimeWindows(a, b!);
}

/** The rows a window table function reads: a table's, or a view's (with a time attribute of either kind). */
interface WindowInput {
  readonly name: string;
  readonly columns: readonly Column[];
  readonly input: PlannedQuery;
  /** The time column is a view's `PROCTIME()`: windows of the clock when a row arrives. */
  readonly processingTime: boolean;
}

function windowInput(tvf: WindowTvf, ctx: PlanContext, planView: (q: Query, ctx: PlanContext) => PlannedQuery): WindowInput {
  const entry = ctx.catalog.lookup(tvf.table, ctx.sql);
  if (entry.kind === 'view') {
    const viewCtx = { ...ctx, sql: entry.sql };
    const item = entry.query.items.find((it) => (it.alias ?? columnName(it.expr)) === tvf.timeColumn);
    const processingTime = item?.expr.kind === 'call' && item.expr.name === 'PROCTIME' && item.expr.args.length === 0;
    if (!processingTime && !outputTimeAttributes(entry.query, viewCtx).has(tvf.timeColumn)) {
      throw new SqlError(
        `The time column of ${tvf.fn} must be a time attribute of view '${entry.name}': its event-time attribute or a column AS PROCTIME(); '${tvf.timeColumn}' is neither`,
        tvf.pos,
        ctx.sql,
      );
    }
    if (processingTime && tvf.fn === 'CUMULATE') throw new SqlError('CUMULATE over processing time is not supported yet', tvf.pos, ctx.sql);
    const planned = planView(entry.query, viewCtx);
    if (planned.updating) throw new SqlError(`${tvf.fn} takes insert-only rows; view '${entry.name}' is updating`, tvf.pos, ctx.sql);
    return { name: entry.name, columns: planned.columns, input: materialized(planned.stream(), planned.columns), processingTime };
  }
  if (entry.watermark?.column !== tvf.timeColumn) {
    throw new SqlError(
      `The time column of ${tvf.fn} must be the event-time attribute of '${entry.name}' (declared with WATERMARK FOR ${tvf.timeColumn} AS ...)${entry.watermark ? `; it is '${entry.watermark.column}'` : ''}`,
      tvf.pos,
      ctx.sql,
    );
  }
  const columns = tableColumns(entry);
  return { name: entry.name, columns, input: materialized(planTableSource(entry, ctx.env), columns), processingTime: false };
}

/**
 * Window aggregation over a window table function, as Flink's WindowAggregate:
 * `FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, ...`
 * runs on the runtime's event-time window operators (HOP on shared slices; SESSION on the SQL
 * layer's session operator, which keeps accumulators per session) and emits each window's rows once, when the watermark passes its end: insert-only.
 */
export function planWindowAggregate(
  q: Query,
  tvf: WindowTvf,
  ctx: PlanContext,
  describe: (e: Expr) => string,
  planView: (q: Query, ctx: PlanContext) => PlannedQuery,
): PlannedQuery {
  const grouped = (q.groupBy ?? []).map((g) => (g.kind === 'column' ? g.name.parts[g.name.parts.length - 1] : undefined));
  if (!isAggregating(q) || !grouped.includes('window_start') || !grouped.includes('window_end')) {
    throw new SqlError(
      `${tvf.fn} is supported in window aggregations: GROUP BY window_start, window_end[, ...]; other uses are not supported yet`,
      tvf.pos,
      ctx.sql,
    );
  }
  const { name: tableName, columns: tableCols, input: read, processingTime } = windowInput(tvf, ctx, planView);
  const qualifier = tvf.alias ?? tableName;
  const tableScope = scopeOf(tableCols, tableName, tvf.alias);
  const windowCols: Column[] = [
    { name: 'window_start', type: T.TIMESTAMP, nullable: false },
    { name: 'window_end', type: T.TIMESTAMP, nullable: false },
    { name: 'window_time', type: T.TIMESTAMP, nullable: false },
  ];
  const scope: Scope = { columns: [...tableCols, ...windowCols], qualifiers: [qualifier], description: `${tvf.fn}(TABLE ${tableName})` };
  let input = read;
  if (q.where) input = planCalc({ ...q, items: [{ expr: { kind: 'star', qualifier: undefined, pos: q.pos }, alias: undefined }] }, input, tableScope, ctx.sql);
  const plan = planAggregate(q, scope, ctx.sql, false, WINDOW_COLUMNS, describe);
  if (tvf.fn === 'SESSION') checkSessionKeys(tvf, q, ctx.sql);
  const unmergeable = tvf.fn === 'TUMBLE' ? undefined : plan.calls.find((c) => c.code === AggCode.User && !c.udaf!.merge);
  if (unmergeable)
    throw new SqlError(`Aggregate function ${unmergeable.udafName} has no merge(), which ${tvf.fn} windows need (they merge accumulators)`, tvf.pos, ctx.sql);
  const output = outputRow(plan);
  if (tvf.fn === 'SESSION' && !processingTime) {
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
  const name = `WindowAggregate(window=[${tvf.fn}(${processingTime ? 'PROCTIME, ' : ''}${tvf.intervals.map((ms) => `${ms} ms`).join(', ')})], groupBy=[${plan.text.groupBy}], select=[${plan.text.select}])`;
  const stream = input
    .stream()
    .keyBy(plan.key)
    .window(assignerOf(tvf, processingTime) as WindowAssigner<Row, TimeWindow>)
    .aggregate<WindowAcc, { group: unknown[]; results: unknown[] }, Row>(
      windowFunction(plan.calls, plan.groupValues),
      (_key: unknown, w: TimeWindow, [r], out) => out.collect(output(r!.group, r!.results, w.start, w.end)),
    )
    .name(name.length > 120 ? name.slice(0, 117) + '...)' : name);
  return planCalc(plan.query, materialized(stream, plan.columns), { columns: plan.columns, qualifiers: [], description: 'the window aggregation' }, ctx.sql);
}
