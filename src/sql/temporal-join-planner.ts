import { AsyncDataStream } from '../api/async-data-stream.js';
import { DataStream } from '../api/data-stream.js';
import type { Expr, JoinRef, Query, TableRef } from './ast.js';
import { materialized, type PlanContext, type PlannedQuery } from './calc-planner.js';
import type { CatalogTable, CatalogView } from './catalog.js';
import { columnName } from './expr-rewrite.js';
import { rankFilterOf } from './rank-planner.js';
import { outputTimeAttributes, timeAttributes } from './time-attributes.js';
import { buildFunction, Constants, ExpressionCompiler, propertyAccess } from './expression-compiler.js';
import { conditionText, conjunction, conjuncts } from './join-conditions.js';
import { filtered, truncate } from './join-filter.js';
import { fieldOf, joinedColumns, scopeOf, sidesOf, type Relation } from './join-relation.js';
import { combineFunction, keyFunction, keyTupleFunction, nullRow } from './join-row-functions.js';
import { lookupOptions } from './lookup-options.js';
import type { Row } from './operators/calc-operator.js';
import { LookupJoinFunction, type LookupJoinParams } from './operators/lookup-join-function.js';
import type { TemporalJoinParams } from './operators/temporal-join-operator.js';
import { helpers } from './runtime-helpers.js';
import { SqlError } from './sql-error.js';
import { formatType } from './sql-types.js';
import { connectorOf, planTableSource, rowReader, sourceChangelog, tableColumns } from './table-source-planner.js';

/** Plans a view's query (passed in: the query planner imports this file through the join planner). */
export type PlanSubquery = (q: Query, ctx: PlanContext) => PlannedQuery;

/** Column types a lookup join's database query may take as keys. */
const QUERY_KEY_TYPES = new Set(['INT', 'BIGINT', 'DOUBLE', 'STRING', 'BOOLEAN']);

/** Probe rows a lookup join keeps in flight per subtask: its keys go to the database in batches of up to this many. */
const LOOKUP_CAPACITY = 1000;

/**
 * Plans `l JOIN t FOR SYSTEM_TIME AS OF l.time AS x ON ...`, as Flink does:
 * - `l.time` is an event-time attribute of `l` and `t` a versioned table (PRIMARY KEY and WATERMARK,
 *   e.g. a CDC table): an event-time temporal join (`sqlTemporalJoin`), each row of `l` joined with
 *   the version of `t` valid at its time;
 * - otherwise (a processing time such as `PROCTIME()`) `t` must be a lookup table (`jdbc`, or
 *   `filesystem` read whole): a lookup join, each row of `l` joined with `t`'s rows as they are now.
 * Both are INNER or LEFT, and need an equality between `l` and `t`'s columns (its key).
 *
 * @example
 * // SELECT o.id, r.rate FROM orders o JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r ON o.cur = r.cur
 * temporalJoinRelation(join, ordersRelation, join.right, ctx)
 */
export function temporalJoinRelation(join: JoinRef, l: Relation, ref: TableRef, ctx: PlanContext, plan: PlanSubquery): Relation {
  const { sql } = ctx;
  if (join.type !== 'INNER' && join.type !== 'LEFT')
    throw new SqlError(
      `A temporal join (FOR SYSTEM_TIME AS OF) is INNER or LEFT, not ${join.type === 'CROSS' ? 'a comma or CROSS join' : join.type}`,
      join.pos,
      sql,
    );
  const entry = ctx.catalog.lookup(ref.name, sql);
  const qualifier = ref.alias ?? entry.name;
  // A view is a versioned table when it deduplicates on its key keeping the last row by event time.
  const view = entry.kind === 'view' ? versionedView(entry, ctx, plan, ref) : undefined;
  const tColumns = view ? view.planned.columns : tableColumns(entry as CatalogTable);
  const r: Relation = {
    columns: tColumns,
    sides: new Map([[qualifier, new Map(tColumns.map((c) => [c.name, c.name]))]]),
    timeAttributes: new Set(view ? [view.time] : entry.kind === 'table' && entry.watermark ? [entry.watermark.column] : []),
    build: () => {
      throw new Error('the table of a temporal join is planned with it');
    },
  };
  const { columns, sides, renamed } = joinedColumns(l, r, join.pos, sql);
  const asOf = ref.asOf!;
  const asOfField = asOf.kind === 'column' && sidesOf(asOf, l, r, sql) === 'L' ? fieldOf(l, asOf.name.parts) : undefined;
  if (asOfField === undefined)
    throw new SqlError('FOR SYSTEM_TIME AS OF needs a time column of the left input of the join (e.g. o.order_time or o.proc_time)', asOf.pos, sql);
  const eventTime = l.timeAttributes.has(asOfField) || leftTimeAttributes(join.left, ctx).has(asOfField);
  const type = join.type;
  const rel: Relation = {
    columns,
    sides,
    timeAttributes: eventTime ? new Set([asOfField]) : new Set(),
    build(filters) {
      const on = conjuncts(join.on, join.onEnd);
      const rest: Expr[] = [];
      const toLeft: Expr[] = [];
      if (type === 'INNER') on.push(...filters);
      else for (const f of filters) (sidesOf(f, l, r, sql) === 'L' ? toLeft : rest).push(f);
      const keys: [Expr, string, Expr][] = []; // left side, the table's column, the equality as written
      const residual: Expr[] = [];
      for (const c of on) {
        const s = sidesOf(c, l, r, sql);
        if (s === 'L' && type === 'INNER') toLeft.push(c);
        else if (s === 'both' && c.kind === 'binary' && c.op === '=') {
          const column = (e: Expr) => (e.kind === 'column' && sidesOf(e, l, r, sql) === 'R' ? fieldOf(r, e.name.parts) : undefined);
          const lc = column(c.left);
          const rc = column(c.right);
          if (rc !== undefined && sidesOf(c.left, l, r, sql) === 'L') keys.push([c.left, rc, c]);
          else if (lc !== undefined && sidesOf(c.right, l, r, sql) === 'L') keys.push([c.right, lc, c]);
          else residual.push(c);
        } else residual.push(c);
      }
      if (keys.length === 0)
        throw new SqlError(
          `A temporal join needs an equality between the left input and a column of '${entry.name}' in ON (e.g. o.currency = r.currency)`,
          join.on?.pos ?? join.pos,
          sql,
        );
      const scope = scopeOf(rel, 'the join');
      const consts = new Constants();
      const compiler = new ExpressionCompiler(scope, consts, sql);
      for (const [, , c] of keys) compiler.compile(c);
      const residualExpr = conjunction(residual);
      let residualFn: ((joined: Row) => boolean) | undefined;
      if (residualExpr) {
        const c = compiler.compile(residualExpr);
        if (c.type.name !== 'BOOLEAN' && c.type.name !== 'NULL')
          throw new SqlError(`ON expects a BOOLEAN condition, not ${c.type.name}`, residualExpr.pos, sql);
        residualFn = buildFunction(`function residual(r) { return ${c.code} === true; }`, consts, helpers);
      }
      const left = l.build(toLeft);
      const lp = filtered(left.planned, left.rest, scopeOf(l, 'the join input'), sql);
      if (lp.updating)
        throw new SqlError(`The left input of a temporal join must be insert-only; it is updated by ${lp.updatingBy ?? 'an aggregation'}`, join.pos, sql);
      const onText = [...keys.map(([, , c]) => c), ...residual].map((e) => conditionText(e, sql)).join(' AND ');
      const typeName = `${type[0]}${type.slice(1).toLowerCase()}Join`;
      const combine = combineFunction(l.columns, r.columns, renamed);
      const common = { type, combine, nullRight: nullRow(r.columns), residual: residualFn };
      const probeKey = keys.map(([a]) => a);
      if (eventTime) {
        const versioned: Versioned = view
          ? { name: entry.name, primaryKey: view.primaryKey, time: view.time, planned: view.planned }
          : versionedTable(entry as CatalogTable, asOf, ctx);
        const stream = eventTimeJoin(versioned, keys, lp, { ...common, text: { type: typeName, on: onText } }, { l, r, probeKey, asOf, ctx, qualifier });
        return { planned: materialized(stream, columns), rest };
      }
      if (entry.kind === 'view')
        throw new SqlError(
          `FOR SYSTEM_TIME AS OF ${conditionText(asOf, sql)}: '${asOfField}' is not an event-time attribute of the left input, and view '${entry.name}' is not a lookup table`,
          asOf.pos,
          sql,
        );
      const { connector, ctx: tctx } = connectorOf(entry, 'any');
      if (!connector.lookup)
        throw new SqlError(
          `FOR SYSTEM_TIME AS OF ${conditionText(asOf, sql)}: '${asOfField}' is not an event-time attribute of the left input (a WATERMARK FOR column), ` +
            `so this is a processing-time join, which needs a lookup table ('jdbc' or 'filesystem'); '${entry.name}' is '${connector.name}'`,
          asOf.pos,
          sql,
        );
      const keyColumns = keys.map(([, k]) => k);
      const lookup = connector.lookup(tctx, keyColumns);
      if (!lookup.whole)
        for (const [, k, eq] of keys) {
          // Key values go to the database as query parameters: only types whose value the database reads as written.
          const type = r.columns.find((c) => c.name === k)!.type;
          if (!QUERY_KEY_TYPES.has(type.name))
            throw new SqlError(
              `Lookup key column '${k}' of '${entry.name}' is ${formatType(type)}: a lookup join queries by INT, BIGINT, DOUBLE, STRING or BOOLEAN keys only yet`,
              eq.pos,
              sql,
            );
        }
      const tableKeyConsts = new Constants();
      const tableKey = buildFunction<(r: Row) => unknown[] | null>(
        `function tableKey(r) { const k = [${keyColumns.map((k) => propertyAccess('r', k, tableKeyConsts)).join(', ')}]; return k.includes(null) ? null : k; }`,
        tableKeyConsts,
        helpers,
      );
      const params: LookupJoinParams = {
        ...common,
        table: entry.name,
        lookup,
        options: lookupOptions(tctx),
        probeKey: keyTupleFunction(probeKey, l, sql),
        tableKey,
        read: rowReader(entry, lookup.values),
      };
      const name = truncate(`LookupJoin(table=[${entry.name}], joinType=[${typeName}], lookup=[${keyColumns.join(', ')}], on=[${onText}])`);
      // A table read whole joins synchronously; a database is queried per batch of keys, asynchronously, in order.
      const stream = lookup.whole
        ? lp.stream().transform<Row>(name, 'sqlSideInputJoin', params)
        : AsyncDataStream.orderedWait<Row, Row>(lp.stream(), new LookupJoinFunction(params), { timeout: 0, capacity: LOOKUP_CAPACITY }).name(name);
      return { planned: materialized(stream, columns), rest };
    },
  };
  return rel;
}

/** The versioned side of an event-time temporal join: its rows, their key and their time column. */
interface Versioned {
  readonly name: string;
  readonly primaryKey: readonly string[];
  readonly time: string;
  readonly planned: PlannedQuery;
}

/** A table with PRIMARY KEY and WATERMARK as a versioned table; fails saying what it lacks. */
function versionedTable(entry: CatalogTable, asOf: Expr, ctx: PlanContext): Versioned {
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
function versionedView(view: CatalogView, ctx: PlanContext, plan: PlanSubquery, ref: TableRef): { primaryKey: string[]; time: string; planned: PlannedQuery } {
  const vctx = { ...ctx, sql: view.sql };
  const rank = rankFilterOf(view.query, vctx);
  const w = rank?.call.over;
  const order = w?.orderBy.length === 1 ? w.orderBy[0]! : undefined;
  const time = order && order.desc ? columnName(order.expr) : undefined;
  const keys = (w?.partitionBy ?? []).map((e) => columnName(e));
  const ok = rank && rank.limit === 1 && time && keys.length > 0 && keys.every((k) => k !== undefined);
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
function leftTimeAttributes(left: JoinRef['left'], ctx: PlanContext): Set<string> {
  if ('kind' in left) return left.kind === 'subquery' ? outputTimeAttributes(left.query, ctx) : new Set();
  const entry = ctx.catalog.lookup(left.name, ctx.sql);
  return entry.kind === 'view' ? outputTimeAttributes(entry.query, { ...ctx, sql: entry.sql }) : new Set();
}

/** The event-time temporal join of `lp` with the versioned table `v`. */
function eventTimeJoin(
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
