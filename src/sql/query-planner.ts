import type { Expr, Query } from './ast.js';
import { isAggregating, outputRow, planAggregate } from './aggregate-planner.js';
import { exprText, materialized, planCalc, viewContext, type PlanContext, type PlannedQuery } from './calc-planner.js';
import type { Row } from './operators/calc-operator.js';
import type { BatchSortParams } from './operators/batch-sort-operator.js';
import type { GroupAggregateParams } from './operators/group-aggregate-operator.js';
import type { LocalGroupAggregateParams, PartialAggregate } from './operators/local-group-aggregate-operator.js';
import { AggCode, type AggCall } from './operators/sql-accumulators.js';
import type { DataStream } from '../api/data-stream.js';
import { currentFunctions, withFunctions } from './functions/function-catalog.js';
import { SqlError } from './sql-error.js';
import type { Scope } from './expression-compiler.js';
import { planTableSource, scopeOf, sourceChangelog, tableColumns } from './table-source-planner.js';
import { planWindowAggregate } from './window-planner.js';
import { planJoinedFrom } from './join-planner.js';
import { andAll, hasOver } from './expr-rewrite.js';
import { planOverAggregate } from './over-planner.js';
import { planRanked, rankFilterOf } from './rank-planner.js';
import { planSort } from './sort-planner.js';
import { timeAttributes } from './time-attributes.js';
import { planDistinct, planSetOp } from './set-op-planner.js';
import { planSubqueryJoins, takeSubqueries } from './subquery-planner.js';
import { planScalarJoins, splitScalarConditions, takeScalarSubqueries } from './scalar-subquery-planner.js';
import { planUnionAll } from './union-planner.js';
import { planWindowTvf } from './window-tvf-planner.js';
import { planRenamed, planWith } from './common-table-planner.js';
import { planValues } from './values-planner.js';
import { currentTimeZone, withTimeZone } from './types/time-zone.js';

export type { OutputRewrite, PlanContext, PlannedQuery } from './calc-planner.js';

/**
 * Plans a SELECT: a table, a view, a subquery or a window table function in FROM; WHERE and the
 * projection compiled into one `sqlCalc` node; GROUP BY (or aggregates alone) as a changelog
 * aggregation, and window aggregations on the runtime's window operators. Clauses of later
 * versions fail naming the clause.
 */
export function planQuery(q: Query, ctx: PlanContext): PlannedQuery {
  if (currentFunctions() !== ctx.catalog.functions) return withFunctions(ctx.catalog.functions, () => planQuery(q, ctx));
  if (currentTimeZone() !== (ctx.timeZone ?? 'UTC')) return withTimeZone(ctx.timeZone ?? 'UTC', () => planQuery(q, ctx));
  if (q.unsupported.length > 0) {
    const u = q.unsupported[0]!;
    throw new SqlError(`${u.clause} is not supported yet`, u.pos, ctx.sql);
  }
  if (q.with) return planWith(q, ctx, planQuery);
  if (q.columnNames) return planRenamed(q, ctx, planQuery);
  if (q.values) return planValues(q, ctx);
  // ORDER BY and LIMIT first: after a UNION ALL they apply to the whole union.
  if (q.orderBy || q.limit) return planSort(q, ctx, planQuery);
  if (q.setOp) return planSetOp(q, ctx, planQuery);
  if (q.unionAll) return planUnionAll(q, ctx, planQuery);
  if (q.distinct) return planDistinct(q, ctx, planQuery);
  // `SELECT 1`, `SELECT (SELECT ...)`: over one row of no columns the query reads.
  if (!q.from) return planQuery({ ...q, from: oneRow(q) }, ctx);
  // IN and EXISTS subqueries of WHERE: semi and anti joins on the rows of FROM.
  const { query: rest, preds } = takeSubqueries(q, ctx.sql);
  // Scalar subqueries: each a hidden column of the rows of FROM, from a join with its one row.
  const { query: withoutScalars, scalars } = takeScalarSubqueries(rest, ctx.sql);
  q = withoutScalars;
  const subqueries = (input: PlannedQuery, scope: Scope) => {
    const semi = preds.length > 0 ? planSubqueryJoins(preds, input, scope, ctx, planQuery) : input;
    return scalars.length > 0 ? planScalarJoins(scalars, semi, scope, ctx, planQuery) : { input: semi, scope };
  };
  if ('kind' in q.from! && q.from.kind === 'join') {
    // Conditions on a scalar subquery's value wait for its join; the others may go into the join.
    const { plain, scalar } = splitScalarConditions(q.where, scalars);
    const joined = planJoinedFrom({ ...q, where: plain }, q.from, ctx, planQuery);
    const rest: Query = { ...q, where: andAll([joined.where, scalar].filter((c) => c !== undefined)) };
    const { input, scope } = subqueries(joined.input, joined.scope);
    if (hasOver(rest)) return planOverAggregate(rest, input, scope, ctx, timeAttributes(rest, ctx));
    return isAggregating(rest) ? planGroupAggregate(rest, input, scope, ctx) : planCalc(rest, input, scope, ctx.sql);
  }
  if ('kind' in q.from! && q.from.kind === 'windowTvf' && isAggregating(q) && !hasOver(q)) {
    if (preds.length > 0 || scalars.length > 0)
      throw new SqlError('Subqueries in a window aggregation are not supported yet', (preds[0] ?? scalars[0])!.pos, ctx.sql);
    return planWindowAggregate(q, q.from, ctx, (e) => exprText(e, ctx.sql), planQuery);
  }
  const ranked = rankFilterOf(q, ctx);
  const from = ranked ? planRanked(ranked, ctx, planFrom) : planFrom(q, ctx);
  const { input, scope } = subqueries(from.input, from.scope);
  if (ranked) q = { ...q, where: ranked.outerWhere };
  if (hasOver(q)) return planOverAggregate(q, input, scope, ctx, timeAttributes(q, ctx));
  if (isAggregating(q)) return planGroupAggregate(q, input, scope, ctx);
  return planCalc(q, input, scope, ctx.sql);
}

/**
 * A statement's query (SELECT, INSERT's query, a view's rows shown): in batch mode the result is the
 * final rows only, so a plan that is still updating (a LEFT JOIN pads, then takes the padded row
 * back) is folded when the input ends and emitted insert-only.
 */
export function planResult(q: Query, ctx: PlanContext): PlannedQuery {
  const planned = inTimeZone(planQuery(q, ctx), ctx.timeZone);
  if (!ctx.batch || !planned.updating) return planned;
  const params: BatchSortParams = { sortKey: () => [], order: { directions: [], nullsFirst: [] }, limit: undefined, text: { orderBy: '' } };
  const folded = planned
    .stream()
    .keyBy(() => 0)
    .transform<Row>('FinalRows', 'sqlBatchSort', params);
  return materialized(folded, planned.columns);
}

/** The rows of a query's FROM (a table, a view, a subquery or a window table function) and the names they are known by. */
export function planFrom(q: Query, ctx: PlanContext): { input: PlannedQuery; scope: Scope } {
  const from = q.from!;
  let input: PlannedQuery;
  if ('kind' in from && from.kind === 'windowTvf') return planWindowTvf(from, ctx);
  // The caller applies all of WHERE after the join; the parts pushed below it filter twice, harmlessly.
  if ('kind' in from && from.kind === 'join') return planJoinedFrom(q, from, ctx, planQuery);
  if ('kind' in from) {
    input = planQuery(from, ctx);
    input = materialized(input.stream(), input.columns, input);
    return { input, scope: { columns: input.columns, qualifiers: q.fromAlias ? [q.fromAlias] : [], description: 'the subquery' } };
  }
  const entry = ctx.catalog.lookup(from.name, ctx.sql);
  if (entry.kind === 'view') {
    input = planQuery(entry.query, viewContext(ctx, entry));
    input = materialized(input.stream(), input.columns, input);
    return { input, scope: { columns: input.columns, qualifiers: [from.alias ?? entry.name], description: `view '${entry.name}'` } };
  }
  const where = q.where ? { expr: q.where, alias: from.alias, sql: ctx.sql } : undefined;
  input = materialized(planTableSource(entry, ctx.env, where), tableColumns(entry), sourceChangelog(entry));
  return { input, scope: scopeOf(input.columns, entry.name, from.alias) };
}

/** WHERE, then the aggregation (a changelog per group), then SELECT and HAVING over its output. */
function planGroupAggregate(q: Query, input: PlannedQuery, scope: Scope, ctx: PlanContext): PlannedQuery {
  const sql = ctx.sql;
  const batch = ctx.batch === true;
  const filtered = q.where
    ? planCalc({ ...q, items: [{ expr: { kind: 'star', qualifier: undefined, pos: q.pos }, alias: undefined }] }, input, scope, sql)
    : input;
  const plan = planAggregate(q, scope, sql, input.updating, [], (e) => exprText(e, sql));
  const params: GroupAggregateParams = {
    groupValues: plan.groupValues,
    calls: plan.calls,
    output: outputRow(plan),
    text: plan.text,
    ttl: ctx.stateTtl ?? 0,
    ...(batch ? { batch } : {}),
    ...(plan.groups.length === 0 ? { global: true } : {}),
    miniBatch: ctx.miniBatch ?? false,
    ...(twoPhase(plan.calls, input.updating, ctx) ? { preAggregated: true } : {}),
  };
  const name = `GroupAggregate(${plan.text.groupBy ? `groupBy=[${plan.text.groupBy}], ` : ''}select=[${plan.text.select}])`;
  const by = name.length > 120 ? name.slice(0, 117) + '...)' : name;
  let stream: DataStream<Row>;
  if (params.preAggregated) {
    const local: LocalGroupAggregateParams = { key: plan.key, groupValues: plan.groupValues, calls: plan.calls, text: plan.text };
    stream = filtered
      .stream()
      .transform<PartialAggregate>(`Local${by}`, 'sqlLocalGroupAggregate', local)
      .keyBy((p) => p.key)
      .transform<Row>(`Global${by}`, 'sqlGroupAggregate', params);
  } else stream = filtered.stream().keyBy(plan.key).transform<Row>(by, 'sqlGroupAggregate', params);
  const aggregated = materialized(stream, plan.columns, batch ? { updating: false } : { updating: true, updatingBy: by });
  const selected = planCalc(plan.query, aggregated, { columns: plan.columns, qualifiers: [], description: 'the aggregation' }, sql);
  const upsertKey = batch ? undefined : upsertKeyOf(plan.query, plan.groups.length);
  return upsertKey ? { ...selected, upsertKey: { positions: upsertKey, emitUpserts: () => ((params as { upsert?: boolean }).upsert = true) } } : selected;
}

/**
 * Local-global aggregation (`table.optimizer.agg-phase-strategy` = `TWO_PHASE`, with mini-batch on,
 * as in Flink): each input batch is folded per group before the exchange. `AUTO` keeps one phase:
 * on the loaded bench machine the split cut the records crossing the exchange 5-94x but showed no
 * steady throughput gain (docs/performance.md), so it is asked for, not guessed. Insert-only input only (a partial
 * holds no row taken back), and calls whose partials merge whatever their order (not
 * FIRST_VALUE, LAST_VALUE, LISTAGG; a TypeScript function with merge()) and cheaply (not
 * SUM/AVG(DISTINCT), whose merge recomputes over all the group's distinct values).
 */
function twoPhase(calls: readonly AggCall[], updating: boolean, ctx: PlanContext): boolean {
  if (ctx.batch || !ctx.miniBatch || updating || ctx.env.getConfig().aggPhaseStrategy !== 'TWO_PHASE') return false;
  return calls.every((c) => c.distinctSlot === undefined && (c.code === AggCode.User ? c.udaf!.merge !== undefined : !ORDERED.has(c.code)));
}

const ORDERED = new Set<AggCode>([AggCode.First, AggCode.Last, AggCode.FirstInsert, AggCode.LastInsert, AggCode.ListAgg]);

/**
 * The SELECT positions of the GROUP BY values, when each is selected as it is and no HAVING drops
 * rows: then a group's rows are keyed by them. (A HAVING that stops holding needs the `-U` of the
 * row it drops, which upserts do not carry.)
 */
function upsertKeyOf(q: Query, groups: number): number[] | undefined {
  if (groups === 0 || q.where) return undefined;
  const positions: number[] = [];
  for (let g = 0; g < groups; g++) {
    const at = q.items.findIndex((it) => it.expr.kind === 'column' && it.expr.name.parts.length === 1 && it.expr.name.parts[0] === `$g${g}`);
    if (at < 0) return undefined;
    positions.push(at);
  }
  return positions;
}

/** `VALUES (0)`: the one row a SELECT without FROM is computed over. */
function oneRow(q: Query): Query {
  const zero: Expr = { kind: 'literal', value: 0, type: 'int', pos: q.pos };
  return { kind: 'select', items: [], from: undefined, where: undefined, values: [[zero]], columnNames: ['$one'], unsupported: [], pos: q.pos };
}

/** The result's TIMESTAMP_LTZ columns marked with the session zone, so the client shows them in it. */
function inTimeZone(planned: PlannedQuery, zone: string | undefined): PlannedQuery {
  if (zone === undefined || zone === 'UTC' || !planned.columns.some((c) => c.type.name === 'TIMESTAMP_LTZ')) return planned;
  const columns = planned.columns.map((c) => (c.type.name === 'TIMESTAMP_LTZ' ? { ...c, type: { ...c.type, zone } } : c));
  return { ...planned, columns, stream: (rewrite) => planned.stream(rewrite) };
}
