import type { Expr, JoinRef, TableRef } from './ast.js';
import { materialized, type PlanContext } from './calc-planner.js';
import type { CatalogTable } from './catalog.js';
import { buildFunction, Constants, ExpressionCompiler } from './expression-compiler.js';
import { conditionText, conjunction, conjuncts } from './join-conditions.js';
import { filtered } from './join-filter.js';
import { fieldOf, joinedColumns, scopeOf, sidesOf, type Relation } from './join-relation.js';
import { combineFunction, nullRow } from './join-row-functions.js';
import { lookupJoin } from './lookup-join-planner.js';
import type { Row } from './operators/calc-operator.js';
import { helpers } from './runtime-helpers.js';
import { SqlError } from './sql-error.js';
import { tableColumns } from './table-source-planner.js';
import { eventTimeJoin, leftTimeAttributes, versionedTable, versionedView, type PlanSubquery, type Versioned } from './versioned-table-planner.js';

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
 * temporalJoinRelation(join, ordersRelation, join.right, ctx, planQuery)
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
      const stream = lookupJoin({ entry, keys, l, r, lp, common, probeKey, asOf, asOfField, text: { type: typeName, on: onText }, ctx });
      return { planned: materialized(stream, columns), rest };
    },
  };
  return rel;
}
