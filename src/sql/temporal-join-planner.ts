import { AsyncDataStream } from '../api/async-data-stream.js';
import { DataStream } from '../api/data-stream.js';
import type { Expr, JoinRef, TableRef } from './ast.js';
import { materialized, type PlanContext, type PlannedQuery } from './calc-planner.js';
import type { CatalogTable } from './catalog.js';
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
import { connectorOf, planTableSource, rowReader, sourceChangelog, tableColumns } from './table-source-planner.js';

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
export function temporalJoinRelation(join: JoinRef, l: Relation, ref: TableRef, ctx: PlanContext): Relation {
  const { sql } = ctx;
  if (join.type !== 'INNER' && join.type !== 'LEFT')
    throw new SqlError(
      `A temporal join (FOR SYSTEM_TIME AS OF) is INNER or LEFT, not ${join.type === 'CROSS' ? 'a comma or CROSS join' : join.type}`,
      join.pos,
      sql,
    );
  const entry = ctx.catalog.lookup(ref.name, sql);
  if (entry.kind === 'view')
    throw new SqlError(
      `FOR SYSTEM_TIME AS OF view '${entry.name}': versioned views are not supported yet; join a table with a PRIMARY KEY and a WATERMARK`,
      ref.name.pos,
      sql,
    );
  const qualifier = ref.alias ?? entry.name;
  const tColumns = tableColumns(entry);
  const r: Relation = {
    columns: tColumns,
    sides: new Map([[qualifier, new Map(tColumns.map((c) => [c.name, c.name]))]]),
    timeAttributes: new Set(entry.watermark ? [entry.watermark.column] : []),
    build: () => {
      throw new Error('the table of a temporal join is planned with it');
    },
  };
  const { columns, sides, renamed } = joinedColumns(l, r, join.pos, sql);
  const asOf = ref.asOf!;
  const asOfField = asOf.kind === 'column' && sidesOf(asOf, l, r, sql) === 'L' ? fieldOf(l, asOf.name.parts) : undefined;
  if (asOfField === undefined)
    throw new SqlError('FOR SYSTEM_TIME AS OF needs a time column of the left input of the join (e.g. o.order_time or o.proc_time)', asOf.pos, sql);
  const eventTime = l.timeAttributes.has(asOfField);
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
        const stream = eventTimeJoin(entry, keys, lp, { ...common, text: { type: typeName, on: onText } }, { l, r, probeKey, asOf, ctx, qualifier });
        return { planned: materialized(stream, columns), rest };
      }
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

/** The event-time temporal join of `lp` with the versioned table `entry`. */
function eventTimeJoin(
  entry: CatalogTable,
  keys: readonly [Expr, string, Expr][],
  lp: PlannedQuery,
  params: Omit<TemporalJoinParams, 'leftTime' | 'rightTime'>,
  x: { l: Relation; r: Relation; probeKey: Expr[]; asOf: Expr; ctx: PlanContext; qualifier: string },
): DataStream<Row> {
  const { sql } = x.ctx;
  const pk = entry.primaryKey;
  if (!pk || !entry.watermark)
    throw new SqlError(
      `Table '${entry.name}' is not a versioned table: an event-time temporal join needs ${!pk ? 'a PRIMARY KEY' : ''}${!pk && !entry.watermark ? ' and ' : ''}${!entry.watermark ? 'a WATERMARK' : ''} on it ` +
        '(its rows are the versions of each key, valid from their event time)',
      x.asOf.pos,
      sql,
    );
  const missing = pk.filter((k) => !keys.some(([, c]) => c === k));
  if (missing.length > 0)
    throw new SqlError(
      `An event-time temporal join must equate the primary key of '${entry.name}' (${pk.join(', ')}) with the left input; ON lacks ${missing.join(', ')}`,
      x.asOf.pos,
      sql,
    );
  const consts = new Constants();
  const column = (row: string, field: string) => propertyAccess(row, field, consts);
  const leftField = fieldOf(x.l, (x.asOf as Extract<Expr, { kind: 'column' }>).name.parts)!;
  const leftTime = buildFunction<(r: Row) => unknown>(`function leftTime(r) { return ${column('r', leftField)}; }`, consts, helpers);
  const rightTime = buildFunction<(r: Row) => unknown>(`function rightTime(r) { return ${column('r', entry.watermark.column)}; }`, consts, helpers);
  const tKey = keyFunction(
    keys.map(([, c, eq]) => ({ kind: 'column', name: { parts: [x.qualifier, c], pos: eq.pos }, pos: eq.pos }) as Expr),
    x.r,
    sql,
  );
  const lKey = keyFunction(x.probeKey, x.l, sql);
  const rp = materialized(planTableSource(entry, x.ctx.env), tableColumns(entry), sourceChangelog(entry));
  const full: TemporalJoinParams = { ...params, leftTime, rightTime };
  const name = truncate(`TemporalJoin(joinType=[${params.text.type}], versioned=[${entry.name}], on=[${params.text.on}])`);
  const ls = lp.stream().keyBy(lKey);
  const rs = rp.stream().keyBy(tKey);
  const node = x.ctx.env.graph.addNode({ kind: 'sqlTemporalJoin', params: full }, name, [[ls.edge()], [rs.edge()]], true);
  return new DataStream<Row>(x.ctx.env, node);
}
