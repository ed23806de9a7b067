import { DataStream } from '../api/data-stream.js';
import type { Expr, Query } from './ast.js';
import { isAggregating } from './aggregate-planner.js';
import { materialized, type PlanContext, type PlannedQuery } from './calc-planner.js';
import { andAll, conjuncts, replaceExpr, someExpr } from './expr-rewrite.js';
import { buildFunction, Constants, propertyAccess, type Column, type Scope } from './expression-compiler.js';
import { equalsFunction } from './join-row-functions.js';
import type { Row } from './operators/calc-operator.js';
import type { ScalarJoinParams } from './operators/scalar-join-operator.js';
import { helpers } from './runtime-helpers.js';
import { SqlError, type SqlPosition } from './sql-error.js';

type PlanQuery = (q: Query, ctx: PlanContext) => PlannedQuery;

/** A scalar subquery of a query, and the hidden column of the outer rows that holds its value. */
export interface ScalarSubquery {
  readonly field: string;
  readonly query: Query;
  readonly pos: SqlPosition;
  readonly text: string;
}

/**
 * Takes the non-correlated scalar subqueries `(SELECT ...)` out of WHERE and, when the query does
 * not aggregate, out of the SELECT items: each becomes a reference to a hidden column
 * `$scalar<i>` that {@link planScalarJoins} adds to the rows of FROM.
 */
export function takeScalarSubqueries(q: Query, sql: string): { query: Query; scalars: ScalarSubquery[] } {
  const scalars: ScalarSubquery[] = [];
  const take = (e: Expr): Expr =>
    replaceExpr(e, (x) => {
      if (x.kind !== 'scalarQuery') return undefined;
      const field = `$scalar${scalars.length}`;
      scalars.push({ field, query: x.query, pos: x.pos, text: parenthesized(sql, x.pos.offset) });
      return { kind: 'column', name: { parts: [field], pos: x.pos }, pos: x.pos };
    });
  const where = q.where ? take(q.where) : undefined;
  // Under GROUP BY the items are computed from the aggregates: a subquery there fails as unsupported.
  const items = isAggregating(q)
    ? q.items
    : q.items.map((it, i) => ({ expr: take(it.expr), alias: it.alias ?? (it.expr.kind === 'scalarQuery' ? `EXPR$${i}` : undefined) }));
  return scalars.length === 0 ? { query: q, scalars } : { query: { ...q, where, items }, scalars };
}

/**
 * The rows of `input` each joined with the one row of each scalar subquery, as Flink plans a
 * non-correlated scalar subquery (a join with a single-row input): the value goes into the hidden
 * column, NULL while the subquery is empty. Both inputs are on one key, so on one subtask.
 */
export function planScalarJoins(
  scalars: readonly ScalarSubquery[],
  input: PlannedQuery,
  scope: Scope,
  ctx: PlanContext,
  planQuery: PlanQuery,
): { input: PlannedQuery; scope: Scope } {
  const batch = ctx.batch === true;
  let out = input;
  const columns: Column[] = [...scope.columns];
  for (const s of scalars) {
    const inner = planQuery(s.query, ctx);
    if (inner.columns.length !== 1) throw new SqlError(`A scalar subquery must select one column, not ${inner.columns.length}`, s.pos, ctx.sql);
    const col = inner.columns[0]!;
    const rc = new Constants();
    const value = buildFunction<(r: Row) => unknown>(`function value(r) { return ${propertyAccess('r', col.name, rc)}; }`, rc, helpers);
    const params: ScalarJoinParams = { field: s.field, value, equals: equalsFunction(out.columns), batch, ttl: ctx.stateTtl ?? 0, text: s.text };
    const full = `Join(joinType=[LeftOuterJoin], where=[true], singleRowJoin=[${s.text}])`;
    const name = full.length > 160 ? full.slice(0, 157) + '...)' : full;
    const one = () => 0;
    const edges = [[out.stream().keyBy(one).edge()], [inner.stream().keyBy(one).edge()]];
    const node = ctx.env.graph.addNode({ kind: 'sqlScalarJoin', params }, name, edges, true);
    columns.push({ name: s.field, type: col.type, nullable: true });
    out = materialized(new DataStream<Row>(ctx.env, node), [...columns], batch ? { updating: false } : { updating: true, updatingBy: out.updatingBy ?? name });
  }
  const hidden = new Set([...(scope.hidden ?? []), ...scalars.map((s) => s.field)]);
  return { input: out, scope: { ...scope, columns, hidden } };
}

/** The conjuncts of `where` that read a scalar subquery's value (they run after its join), and the others. */
export function splitScalarConditions(where: Expr | undefined, scalars: readonly ScalarSubquery[]): { plain: Expr | undefined; scalar: Expr | undefined } {
  if (scalars.length === 0 || where === undefined) return { plain: where, scalar: undefined };
  const fields = new Set(scalars.map((s) => s.field));
  const reads = (e: Expr) => someExpr(e, (x) => x.kind === 'column' && x.name.parts.length === 1 && fields.has(x.name.parts[0]!));
  const all = conjuncts(where);
  return { plain: andAll(all.filter((c) => !reads(c))), scalar: andAll(all.filter(reads)) };
}

/** The text from the `(` at `start` to its matching `)` (quotes skipped), for plan names and errors. */
function parenthesized(sql: string, start: number): string {
  let depth = 0;
  let quote: string | undefined;
  for (let i = start; i < sql.length; i++) {
    const ch = sql[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '`') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return sql.slice(start, i + 1).replace(/\s+/g, ' ');
  }
  return sql.slice(start).replace(/\s+/g, ' ');
}
