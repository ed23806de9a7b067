import { StreamEnvironment } from '../api/stream-environment.js';
import type { Expr, JoinRef, LateralTable, Query, SubqueryRef, TableRef, WindowTvf } from './ast.js';
import { isAggregating } from './aggregate-planner.js';
import type { PlanContext, PlannedQuery } from './calc-planner.js';
import { Constants, ExpressionCompiler, type Scope } from './expression-compiler.js';
import { columnRefs, conditionText, conjuncts } from './join-conditions.js';
import { SqlError } from './sql-error.js';

type PlanQuery = (q: Query, ctx: PlanContext) => PlannedQuery;

/** An equality of a correlated subquery: its side of the subquery and its side of the outer query. */
export interface Pair {
  readonly inner: Expr;
  readonly outer: Expr;
}

/**
 * The correlation of a subquery: the equalities of its WHERE between an expression of its own and
 * one of the outer query (the join keys), and the rest of WHERE, which must concern the subquery
 * alone. Outer columns are checked against the outer query's scope.
 */
export function correlation(sub: Query, scope: Scope, ctx: PlanContext, planQuery: PlanQuery, what: string): { pairs: Pair[]; innerWhere: Expr[] } {
  const sql = ctx.sql;
  const pairs: Pair[] = [];
  const innerWhere: Expr[] = [];
  if (!sub.from || sub.setOp || sub.unionAll) return { pairs, innerWhere: conjuncts(sub.where) };
  const side = innerSide(sub, ctx, planQuery);
  const outerCompiler = new ExpressionCompiler(scope, new Constants(), sql);
  const sides = (e: Expr) =>
    new Set(
      columnRefs(e).map((c) => {
        const s = side(c);
        if (s === 'outer') outerCompiler.column(c.name.parts, c.pos); // an unknown column says so, with the closest name
        return s;
      }),
    );
  for (const c of conjuncts(sub.where)) {
    const s = sides(c);
    if (!s.has('outer')) {
      innerWhere.push(c);
      continue;
    }
    if (c.kind === 'binary' && c.op === '=') {
      const [l, r] = [sides(c.left), sides(c.right)];
      const only = (x: Set<string>, v: string) => x.size === 1 && x.has(v);
      if (only(l, 'inner') && only(r, 'outer')) {
        pairs.push({ inner: c.left, outer: c.right });
        continue;
      }
      if (only(l, 'outer') && only(r, 'inner')) {
        pairs.push({ inner: c.right, outer: c.left });
        continue;
      }
    }
    throw new SqlError(
      `The correlated condition '${conditionText(c, sql)}' of an ${what} subquery is not supported: only equalities between an expression of the subquery and one of the outer query (a semi or anti join on them)`,
      c.pos,
      sql,
    );
  }
  if (pairs.length > 0 && (isAggregating(sub) || sub.orderBy || sub.limit))
    throw new SqlError(`A correlated ${what} subquery with GROUP BY, aggregates, ORDER BY or LIMIT is not supported`, sub.pos, sql);
  return { pairs, innerWhere };
}

/** Whether a column a subquery's WHERE names is the subquery's own or the outer query's (SQL looks inside first). */
function innerSide(sub: Query, ctx: PlanContext, planQuery: PlanQuery): (c: Extract<Expr, { kind: 'column' }>) => 'inner' | 'outer' {
  const qualifiers = new Set<string>();
  const collect = (f: TableRef | Query | WindowTvf | JoinRef | SubqueryRef | LateralTable) => {
    if (!('kind' in f)) qualifiers.add(f.alias ?? f.name.parts[f.name.parts.length - 1]!);
    else if (f.kind === 'join') [f.left, f.right].forEach(collect);
    else if (f.kind === 'windowTvf') qualifiers.add(f.alias ?? f.table.parts[f.table.parts.length - 1]!);
    else if ((f.kind === 'subquery' || f.kind === 'lateral') && f.alias) qualifiers.add(f.alias);
  };
  collect(sub.from!);
  if (sub.fromAlias) qualifiers.add(sub.fromAlias);
  // The columns of the subquery's FROM, learnt by planning it in an environment of its own (never run).
  const pos = sub.pos;
  const scratch = { ...ctx, env: StreamEnvironment.create() };
  const from: Query = {
    kind: 'select',
    items: [{ expr: { kind: 'star', qualifier: undefined, pos }, alias: undefined }],
    from: sub.from,
    fromAlias: sub.fromAlias,
    where: undefined,
    unsupported: [],
    pos,
  };
  const names = new Set(planQuery(from, scratch).columns.map((c) => c.name));
  return (c) => {
    const parts = c.name.parts;
    if (parts.length > 1) return qualifiers.has(parts.slice(0, -1).join('.')) ? 'inner' : 'outer';
    return names.has(parts[0]!) ? 'inner' : 'outer';
  };
}
