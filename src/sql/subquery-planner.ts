import { DataStream } from '../api/data-stream.js';
import { startOffset, type Expr, type Query } from './ast.js';
import { exprText, materialized, type PlanContext, type PlannedQuery } from './calc-planner.js';
import { buildFunction, Constants, ExpressionCompiler, propertyAccess, type Compiled, type Scope } from './expression-compiler.js';
import { conditionText, conjunction, conjuncts } from './join-conditions.js';
import { correlation, type Pair } from './subquery-correlation.js';
import { equalsFunction } from './join-row-functions.js';
import type { Row } from './operators/calc-operator.js';
import type { SemiJoinMode, SemiJoinParams } from './operators/semi-join-operator.js';
import { helpers } from './runtime-helpers.js';
import { SqlError, type SqlPosition } from './sql-error.js';
import { formatType, isNumeric, type SqlType } from './sql-types.js';

type PlanQuery = (q: Query, ctx: PlanContext) => PlannedQuery;

/** An `x [NOT] IN (SELECT ...)` or `[NOT] EXISTS (SELECT ...)` conjunct of WHERE. */
export interface SubqueryPredicate {
  readonly kind: 'in' | 'exists';
  readonly arg: Expr | undefined;
  readonly query: Query;
  readonly negated: boolean;
  readonly pos: SqlPosition;
  /** The conjunct as written, for plan names. */
  readonly text: string;
}

/**
 * Takes the IN and EXISTS subquery conjuncts out of a query's WHERE (under any number of NOTs):
 * they run as semi and anti joins on the rows of FROM, before the rest of the query.
 */
export function takeSubqueries(q: Query, sql: string): { query: Query; preds: SubqueryPredicate[] } {
  if (!q.where) return { query: q, preds: [] };
  const preds: SubqueryPredicate[] = [];
  const rest: Expr[] = [];
  for (const c of conjuncts(q.where, startOffset(q.where) + exprText(q.where, sql).length)) {
    let e = c;
    let negated = false;
    while (e.kind === 'unary' && e.op === 'NOT' && isSubqueryTest(e.arg)) {
      negated = !negated;
      e = e.arg;
    }
    if (e.kind === 'exists') preds.push({ kind: 'exists', arg: undefined, query: e.query, negated, pos: c.pos, text: conditionText(c, sql) });
    else if (e.kind === 'inQuery')
      preds.push({ kind: 'in', arg: e.arg, query: e.query, negated: negated !== e.negated, pos: e.pos, text: conditionText(c, sql) });
    else rest.push(c);
  }
  return { query: preds.length > 0 ? { ...q, where: conjunction(rest) } : q, preds };
}

const isSubqueryTest = (e: Expr): boolean => e.kind === 'exists' || e.kind === 'inQuery' || (e.kind === 'unary' && e.op === 'NOT' && isSubqueryTest(e.arg));

/**
 * The rows of `input` (resolved in `scope`) that pass each subquery predicate, as Flink plans
 * them: `x IN (SELECT y ...)` a semi join on x = y; `x NOT IN (SELECT y ...)` an anti join, null-aware
 * (on one subtask) when x or y may be NULL; `[NOT] EXISTS (SELECT ... WHERE inner = outer AND ...)` a
 * semi (anti) join on the correlating equalities, or on nothing when uncorrelated. The columns stay
 * those of `input`, so the rest of the query resolves names as before.
 */
export function planSubqueryJoins(
  preds: readonly SubqueryPredicate[],
  input: PlannedQuery,
  scope: Scope,
  ctx: PlanContext,
  planQuery: PlanQuery,
): PlannedQuery {
  let out = input;
  for (const p of preds) out = p.kind === 'in' ? planIn(p, out, scope, ctx, planQuery) : planExists(p, out, scope, ctx, planQuery);
  return out;
}

function planIn(p: SubqueryPredicate, input: PlannedQuery, scope: Scope, ctx: PlanContext, planQuery: PlanQuery): PlannedQuery {
  const sub = p.query;
  // `(a, b) IN (SELECT x, y ...)`: the values compared at once, as one key.
  const args = p.arg!.kind === 'row' ? p.arg!.items : [p.arg!];
  const width = args.length === 1 ? 'one column' : `${args.length} columns (one for each value of the row)`;
  const corr = correlation(sub, scope, ctx, planQuery, 'IN');
  if (corr.pairs.length > 0) {
    // Correlated: the IN values are more keys of the join on the correlating equalities.
    if (sub.items.length !== args.length || sub.items.some((it) => it.expr.kind === 'star'))
      throw new SqlError(`The subquery of IN must select ${width}`, sub.pos, ctx.sql);
    const pairs = [...args.map((outer, i) => ({ inner: sub.items[i]!.expr, outer })), ...corr.pairs];
    return keyedJoin(p, input, scope, sub, pairs, corr.innerWhere, ctx, planQuery, 'IN', (outer, inner) => {
      if (!p.negated) return 'semi';
      if (outer.slice(0, args.length).some((o) => o.nullable) || inner.slice(0, args.length).some((i) => i.nullable))
        throw new SqlError(
          'NOT IN with a correlated subquery is supported only where neither side can be NULL (NULL semantics would need every row on one subtask per key); use NOT EXISTS or COALESCE',
          p.pos,
          ctx.sql,
        );
      return 'anti';
    });
  }
  const inner = planQuery(sub, ctx);
  if (inner.columns.length !== args.length) throw new SqlError(`The subquery of IN must select ${width}, not ${inner.columns.length}`, sub.pos, ctx.sql);
  const consts = new Constants();
  const compiler = new ExpressionCompiler(scope, consts, ctx.sql);
  const outer = args.map((a) => compiler.compile(a));
  outer.forEach((o, i) => comparable(o.type, inner.columns[i]!.type, 'IN', args[i]!.pos, ctx.sql));
  const rc = new Constants();
  const innerValues: Compiled[] = inner.columns.map((c) => ({ code: propertyAccess('r', c.name, rc), type: c.type, nullable: c.nullable }));
  const left = keyFunction(outer, consts);
  const right = keyFunction(innerValues, rc);
  const nullable = outer.some((o) => o.nullable) || innerValues.some((v) => v.nullable);
  if (p.negated && nullable && args.length > 1)
    throw new SqlError('NOT IN with several columns is supported only where no value on either side can be NULL; use NOT EXISTS or COALESCE', p.pos, ctx.sql);
  // NOT IN is NULL (so drops the row) when either side holds a NULL and the subquery is not empty.
  const mode: SemiJoinMode = !p.negated ? 'semi' : nullable ? 'nullAwareAnti' : 'anti';
  const one = () => 0;
  return semiJoin(p, mode, input, inner, mode === 'nullAwareAnti' ? [one, one] : [left, right], ctx, mode === 'nullAwareAnti' ? [left, right] : undefined);
}

function planExists(p: SubqueryPredicate, input: PlannedQuery, scope: Scope, ctx: PlanContext, planQuery: PlanQuery): PlannedQuery {
  const sub = p.query;
  const { pairs, innerWhere } = correlation(sub, scope, ctx, planQuery, 'EXISTS');
  const mode = p.negated ? 'anti' : 'semi';
  if (pairs.length > 0) return keyedJoin(p, input, scope, sub, pairs, innerWhere, ctx, planQuery, 'EXISTS', () => mode);
  // Uncorrelated: one key, so the outer rows pass while the subquery is (not) empty.
  const one = () => 0;
  return semiJoin(p, mode, input, planQuery(sub, ctx), [one, one], ctx);
}

/** A semi or anti join keyed by `pairs`: the subquery selects their inner sides (`$k<i>`), the outer rows are keyed by their outer sides. */
function keyedJoin(
  p: SubqueryPredicate,
  input: PlannedQuery,
  scope: Scope,
  sub: Query,
  pairs: readonly Pair[],
  innerWhere: readonly Expr[],
  ctx: PlanContext,
  planQuery: PlanQuery,
  what: string,
  modeOf: (outer: readonly Compiled[], inner: readonly Compiled[]) => SemiJoinMode,
): PlannedQuery {
  const sql = ctx.sql;
  const inner = planQuery({ ...sub, where: conjunction(innerWhere), items: pairs.map((pair, i) => ({ expr: pair.inner, alias: `$k${i}` })) }, ctx);
  const consts = new Constants();
  const compiler = new ExpressionCompiler(scope, consts, sql);
  const outer = pairs.map((pair) => compiler.compile(pair.outer));
  outer.forEach((o, i) => comparable(o.type, inner.columns[i]!.type, what, pairs[i]!.outer.pos, sql));
  const rc = new Constants();
  const innerKeys: Compiled[] = inner.columns.map((c) => ({ code: propertyAccess('r', c.name, rc), type: c.type, nullable: c.nullable }));
  const mode = modeOf(outer, innerKeys);
  return semiJoin(p, mode, input, inner, [keyFunction(outer, consts), keyFunction(innerKeys, rc)], ctx);
}

/** A key of one value, or a JSON text of several; null when any is NULL (the row matches nothing). */
function keyFunction(values: readonly Compiled[], consts: Constants): (r: Row) => unknown {
  if (values.length === 0) return () => 0;
  if (values.length === 1) return buildFunction(`function key(r) { return ${values[0]!.code}; }`, consts, helpers);
  const vars = values.map((v, i) => `const v${i} = ${v.code};`).join(' ');
  const nulls = values.map((_v, i) => `v${i} === null`).join(' || ');
  const list = values.map((_v, i) => `v${i}`).join(', ');
  return buildFunction(`function key(r) { ${vars} return ${nulls} ? null : JSON.stringify([${list}], ${consts.ref(bigintAsText)}); }`, consts, helpers);
}

const bigintAsText = (_k: string, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v);

/** Values of the two types can be compared for equality: the same type, or two numbers (INT, BIGINT, DOUBLE). */
function comparable(a: SqlType, b: SqlType, what: string, pos: SqlPosition, sql: string): void {
  if (a.name === b.name || a.name === 'NULL' || b.name === 'NULL' || (isNumeric(a) && isNumeric(b))) return;
  throw new SqlError(`${what} compares ${formatType(a)} with ${formatType(b)} of the subquery; use CAST`, pos, sql);
}

function semiJoin(
  p: SubqueryPredicate,
  mode: SemiJoinMode,
  input: PlannedQuery,
  inner: PlannedQuery,
  keys: readonly [(r: Row) => unknown, (r: Row) => unknown],
  ctx: PlanContext,
  values?: readonly [(r: Row) => unknown, (r: Row) => unknown],
): PlannedQuery {
  const batch = ctx.batch === true;
  const updating = input.updating || inner.updating || mode !== 'semi';
  const type = mode === 'semi' ? 'LeftSemiJoin' : 'LeftAntiJoin';
  const params: SemiJoinParams = {
    mode,
    equals: equalsFunction(input.columns),
    ...(values ? { leftValue: values[0], rightValue: values[1] } : {}),
    batch,
    updating,
    ttl: ctx.stateTtl ?? 0,
    text: { type, on: p.text },
  };
  const full = `Join(joinType=[${type}], where=[${p.text}])`;
  const name = full.length > 160 ? full.slice(0, 157) + '...)' : full;
  const ls = input.stream().keyBy(keys[0]);
  const rs = inner.stream().keyBy(keys[1]);
  const node = ctx.env.graph.addNode({ kind: 'sqlSemiJoin', params }, name, [[ls.edge()], [rs.edge()]], true);
  const updatingBy = input.updating ? input.updatingBy : inner.updating ? inner.updatingBy : name;
  return materialized(
    new DataStream<Row>(ctx.env, node),
    input.columns,
    updating && !batch ? { updating: true, updatingBy: updatingBy! } : { updating: false },
  );
}
