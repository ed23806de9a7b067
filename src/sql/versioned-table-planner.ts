import { DataStream } from '../api/data-stream.js';
import type { Expr, JoinRef, Query, TableRef } from './ast.js';
import { materialized, type PlanContext, type PlannedQuery } from './calc-planner.js';
import type { CatalogTable, CatalogView } from './catalog.js';
import { columnName } from './expr-rewrite.js';
import { buildFunction, Constants, propertyAccess } from './expression-compiler.js';
import { truncate } from './join-filter.js';
import { fieldOf, type Relation } from './join-relation.js';
import { keyFunction } from './join-row-functions.js';
import type { Row } from './operators/calc-operator.js';
import type { TemporalJoinParams } from './operators/temporal-join-operator.js';
import { rankFilterOf } from './rank-planner.js';
import { helpers } from './runtime-helpers.js';
import { SqlError } from './sql-error.js';
import { planTableSource, sourceChangelog, tableColumns } from './table-source-planner.js';
import { outputTimeAttributes, timeAttributes } from './time-attributes.js';

/** Plans a view's query (passed in: the query planner imports the join planners). */
export type PlanSubquery = (q: Query, ctx: PlanContext) => PlannedQuery;

/** The versioned side of an event-time temporal join: its rows, their key and their time column. */
export interface Versioned {
  readonly name: string;
  readonly primaryKey: readonly string[];
  readonly time: string;
  readonly planned: PlannedQuery;
}

/** A table with PRIMARY KEY and WATERMARK as a versioned table; fails saying what it lacks. */
export function versionedTable(entry: CatalogTable, asOf: Expr, ctx: PlanContext): Versioned {
  const pk = entry.primaryKey;
  if (!pk || !entry.watermark)
    throw new SqlError(
      `Table '${entry.name}' is not a versioned table: an event-time temporal join needs ${!pk ? 'a PRIMARY KEY' : ''}${!pk && !entry.watermark ? ' and ' : ''}${!entry.watermark ? 'a WATERMARK' : ''} on it ` +
        '(its rows are the versions of each key, valid from their event time)',
      asOf.pos,
      ctx.sql,
    );
  return {
    name: entry.name,
    primaryKey: pk,
    time: entry.watermark.column,
    planned: materialized(planTableSource(entry, ctx.env), tableColumns(entry), sourceChangelog(entry)),
  };
}

/**
 * A view as a versioned table, as Flink allows: `SELECT ... FROM (SELECT ..., ROW_NUMBER() OVER
 * (PARTITION BY k ORDER BY ts DESC) AS rn FROM t) WHERE rn = 1` with `ts` an event-time attribute
 * (the last row of each key by event time): its key is the PARTITION BY columns, its versions'
 * time `ts`. Fails naming what the view lacks.
 */
export function versionedView(
  view: CatalogView,
  ctx: PlanContext,
  plan: PlanSubquery,
  ref: TableRef,
): { primaryKey: string[]; time: string; planned: PlannedQuery } {
  const vctx = { ...ctx, sql: view.sql };
  const rank = rankFilterOf(view.query, vctx);
  const w = rank?.call.over;
  const order = w?.orderBy.length === 1 ? w.orderBy[0]! : undefined;
  const time = order && order.desc ? columnName(order.expr) : undefined;
  const keys = (w?.partitionBy ?? []).map((e) => columnName(e));
  const ok = rank && rank.limit === 1 && rank.start === 1 && rank.call.name === 'ROW_NUMBER' && time && keys.length > 0 && keys.every((k) => k !== undefined);
  if (!ok || !timeAttributes(rank.sub, vctx).has(time) || !outputTimeAttributes(view.query, vctx).has(time))
    throw new SqlError(
      `View '${view.name}' is not a versioned view: an event-time temporal join needs a view that keeps the last row of each key by event time ` +
        '(SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY key ORDER BY ts DESC) AS rn FROM t) WHERE rn = 1, ts a WATERMARK FOR column), ' +
        'or a table with a PRIMARY KEY and a WATERMARK',
      ref.name.pos,
      ctx.sql,
    );
  const p = plan(view.query, vctx);
  const primaryKey = keys as string[];
  const missing = primaryKey.filter((k) => !p.columns.some((c) => c.name === k));
  if (missing.length > 0)
    throw new SqlError(`View '${view.name}' is not a versioned view: it does not select its key column ${missing.join(', ')}`, ref.name.pos, ctx.sql);
  return { primaryKey, time, planned: materialized(p.stream(), p.columns, p) };
}

/** The event-time attributes of a join's left input that its relation does not carry (a subquery's, a view's). */
export function leftTimeAttributes(left: JoinRef['left'], ctx: PlanContext): Set<string> {
  if ('kind' in left) return left.kind === 'subquery' ? outputTimeAttributes(left.query, ctx) : new Set();
  const entry = ctx.catalog.lookup(left.name, ctx.sql);
  return entry.kind === 'view' ? outputTimeAttributes(entry.query, { ...ctx, sql: entry.sql }) : new Set();
}

/** The event-time temporal join of `lp` with the versioned table `v`. */
export function eventTimeJoin(
  v: Versioned,
  keys: readonly [Expr, string, Expr][],
  lp: PlannedQuery,
  params: Omit<TemporalJoinParams, 'leftTime' | 'rightTime'>,
  x: { l: Relation; r: Relation; probeKey: Expr[]; asOf: Expr; ctx: PlanContext; qualifier: string },
): DataStream<Row> {
  const { sql } = x.ctx;
  const missing = v.primaryKey.filter((k) => !keys.some(([, c]) => c === k));
  if (missing.length > 0)
    throw new SqlError(
      `An event-time temporal join must equate the primary key of '${v.name}' (${v.primaryKey.join(', ')}) with the left input; ON lacks ${missing.join(', ')}`,
      x.asOf.pos,
      sql,
    );
  const consts = new Constants();
  const column = (row: string, field: string) => propertyAccess(row, field, consts);
  const leftField = fieldOf(x.l, (x.asOf as Extract<Expr, { kind: 'column' }>).name.parts)!;
  const leftTime = buildFunction<(r: Row) => unknown>(`function leftTime(r) { return ${column('r', leftField)}; }`, consts, helpers);
  const rightTime = buildFunction<(r: Row) => unknown>(`function rightTime(r) { return ${column('r', v.time)}; }`, consts, helpers);
  const tKey = keyFunction(
    keys.map(([, c, eq]) => ({ kind: 'column', name: { parts: [x.qualifier, c], pos: eq.pos }, pos: eq.pos }) as Expr),
    x.r,
    sql,
  );
  const lKey = keyFunction(x.probeKey, x.l, sql);
  const full: TemporalJoinParams = { ...params, leftTime, rightTime };
  const name = truncate(`TemporalJoin(joinType=[${params.text.type}], versioned=[${v.name}], on=[${params.text.on}])`);
  const ls = lp.stream().keyBy(lKey);
  const rs = v.planned.stream().keyBy(tKey);
  const node = x.ctx.env.graph.addNode({ kind: 'sqlTemporalJoin', params: full }, name, [[ls.edge()], [rs.edge()]], true);
  return new DataStream<Row>(x.ctx.env, node);
}
