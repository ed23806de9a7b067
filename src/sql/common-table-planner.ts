import type { Expr, Query } from './ast.js';
import type { CatalogView } from './catalog.js';
import { planCalc, type PlanContext, type PlannedQuery } from './calc-planner.js';
import { SqlError } from './sql-error.js';

type PlanQuery = (q: Query, ctx: PlanContext) => PlannedQuery;

/**
 * `WITH a AS (...), b AS (... FROM a ...) SELECT ... FROM b`: each name is a view for this query
 * alone, planned where it is read (as Flink inlines them). A name's own query sees only the names
 * before it, so `WITH t AS (SELECT * FROM t)` reads the table t.
 */
export function planWith(q: Query, ctx: PlanContext, planQuery: PlanQuery): PlannedQuery {
  const { with: tables, ...main } = q;
  const views = new Map<string, CatalogView>();
  let catalog = ctx.catalog;
  for (const t of tables!) {
    if (views.has(t.name)) throw new SqlError(`WITH names '${t.name}' twice`, t.pos, ctx.sql);
    views.set(t.name, { kind: 'view', name: t.name, temporary: true, query: t.query, text: t.text, sql: ctx.sql, catalog });
    catalog = ctx.catalog.withViews(new Map(views));
  }
  return planQuery(main, { ...ctx, catalog });
}

/** A query whose output columns are renamed (`AS t(x, y)`, `WITH t(x, y) AS`), by a projection after it. */
export function planRenamed(q: Query, ctx: PlanContext, planQuery: PlanQuery): PlannedQuery {
  const { columnNames, ...rest } = q;
  const planned = planQuery(rest, ctx);
  const names = columnNames!;
  if (names.length !== planned.columns.length)
    throw new SqlError(`${names.length} column name${names.length === 1 ? '' : 's'} given for ${planned.columns.length} columns`, q.pos, ctx.sql);
  if (planned.columns.every((c, i) => c.name === names[i])) return planned;
  const items = planned.columns.map((c, i) => {
    const expr: Expr = { kind: 'column', name: { parts: [c.name], pos: q.pos }, pos: q.pos };
    return { expr, alias: names[i] };
  });
  const projection: Query = { kind: 'select', items, from: undefined, where: undefined, unsupported: [], pos: q.pos };
  return planCalc(projection, planned, { columns: planned.columns, qualifiers: [], description: 'the subquery' }, ctx.sql);
}
