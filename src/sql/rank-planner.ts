import type { Expr, Query } from './ast.js';
import { isAggregating, planAggregate } from './aggregate-planner.js';
import { exprText, materialized, planCalc, type PlanContext, type PlannedQuery } from './calc-planner.js';
import { andAll, columnName, conjuncts, isOverCall, replaceExpr, someExpr } from './expr-rewrite.js';
import type { Column, Scope } from './expression-compiler.js';
import type { Row } from './operators/calc-operator.js';
import type { DeduplicateParams } from './operators/deduplicate-operator.js';
import type { RankParams } from './operators/rank-operator.js';
import type { RankFunction } from './operators/rank-ranges.js';
import { extendRow, resolveWindow } from './over-planner.js';
import { orderText, planSortKey, planValue } from './sort-key-planner.js';
import { SqlError } from './sql-error.js';
import { T } from './sql-types.js';
import { timeAttributes } from './time-attributes.js';

/** A query over a subquery that numbers its rows with ROW_NUMBER, filtered on that number. */
export interface RankFilter {
  readonly sub: Query;
  /** The text `sub` was parsed from (a view's own text when it is a view). */
  readonly subSql: string;
  readonly alias: string | undefined;
  readonly call: Extract<Expr, { kind: 'call' }>;
  /** N of `rn <= N`: the last rank kept. */
  readonly limit: number;
  /** The first rank kept: 1, or a of `rn = a`, `rn BETWEEN a AND b`, `rn >= a`. */
  readonly start: number;
  /** The enclosing query's WHERE without the conditions on the row number. */
  readonly outerWhere: Expr | undefined;
  /** The enclosing query reads the row number (it selects it or `*`). */
  readonly rankOutput: boolean;
}

type PlanFrom = (q: Query, ctx: PlanContext) => { input: PlannedQuery; scope: Scope };

/**
 * Recognises Flink's Top-N pattern: `SELECT ... FROM (SELECT ..., ROW_NUMBER() OVER (PARTITION BY
 * ... ORDER BY ...) AS rn FROM t) WHERE rn <= N` (also `rn < N`, `rn = 1`, `N >= rn`, ANDed with
 * other conditions). Undefined when `q` is not one.
 */
export function rankFilterOf(q: Query, ctx: PlanContext): RankFilter | undefined {
  const sql = ctx.sql;
  const from = q.from;
  if (from === undefined || ('kind' in from && from.kind === 'windowTvf')) return undefined;
  // A view that numbers its rows counts as the subquery, as in Flink.
  const entry = 'kind' in from ? undefined : ctx.catalog.lookup(from.name, sql);
  if (entry !== undefined && entry.kind !== 'view') return undefined;
  const sub = entry === undefined ? (from as Query) : entry.query;
  const subSql = entry === undefined ? sql : entry.sql;
  const alias = entry === undefined ? q.fromAlias : ((from as { alias: string | undefined }).alias ?? entry.name);
  if (sub.unionAll || sub.setOp || sub.orderBy || sub.limit) return undefined;
  const idx = sub.items.findIndex((it) => isOverCall(it.expr) && RANK_FUNCTIONS.has(it.expr.name));
  if (idx < 0) return undefined;
  const call = sub.items[idx]!.expr as Extract<Expr, { kind: 'call' }>;
  const rn = sub.items[idx]!.alias ?? `EXPR$${idx}`;
  const isRn = (e: Expr) => columnName(e) === rn;
  const intOf = (e: Expr) => (e.kind === 'literal' && (e.type === 'int' || e.type === 'bigint') ? (e.value as number) : undefined);
  let limit = Infinity;
  let start = 1;
  const rest: Expr[] = [];
  for (const c of conjuncts(q.where)) {
    let low: number | undefined;
    let high: number | undefined;
    if (c.kind === 'binary') {
      const flip: Record<string, string> = { '<=': '>=', '<': '>', '=': '=', '>=': '<=', '>': '<' };
      const [op, n] = isRn(c.left) ? [c.op, intOf(c.right)] : isRn(c.right) ? [flip[c.op], intOf(c.left)] : [undefined, undefined];
      if (n !== undefined && op === '<=') high = n;
      else if (n !== undefined && op === '<') high = n - 1;
      else if (n !== undefined && op === '=') [low, high] = [n, n];
      else if (n !== undefined && op === '>=') low = n;
      else if (n !== undefined && op === '>') low = n + 1;
    }
    if (c.kind === 'between' && !c.negated && isRn(c.arg) && intOf(c.low) !== undefined && intOf(c.high) !== undefined)
      [low, high] = [intOf(c.low), intOf(c.high)];
    if (low === undefined && high === undefined) rest.push(c);
    if (low !== undefined) start = Math.max(start, low);
    if (high !== undefined) limit = Math.min(limit, high);
  }
  if (limit === Infinity) {
    if (start > 1) throw new SqlError(`A filter on ${rn} needs an upper bound (${rn} <= N) for a Top-N`, q.where!.pos, sql);
    return undefined;
  }
  if (limit < start) throw new SqlError(`The filter on ${rn} keeps no row (${limit < 1 ? 'N < 1' : `from rank ${start} to ${limit}`})`, q.where!.pos, sql);
  const outerWhere = andAll(rest);
  const readsRn = (e: Expr) => someExpr(e, (x) => isRn(x) || (x.kind === 'star' && (x.qualifier === undefined || x.qualifier === alias)));
  const rankOutput = q.items.some((it) => readsRn(it.expr)) || (outerWhere !== undefined && readsRn(outerWhere)) || (q.groupBy ?? []).some(readsRn);
  return { sub, subSql, alias, call, limit, start, outerWhere, rankOutput };
}

/** The functions that number the rows of a Top-N. */
const RANK_FUNCTIONS = new Set(['ROW_NUMBER', 'RANK', 'DENSE_RANK']);

/**
 * Plans the ranked subquery of a {@link RankFilter}: its FROM and WHERE, then a keyed rank operator
 * on the PARTITION BY values, then its SELECT items (ROW_NUMBER read from the operator's `$rn`).
 * The operator, as Flink picks it:
 * - PARTITION BY window_start, window_end (over a window table function or window aggregation):
 *   window Top-N / window deduplication, emitted once per window when the watermark passes its end;
 * - `rn = 1` ordered by a time attribute: deduplication, keep first (ASC, insert-only) or keep last
 *   (DESC, updating);
 * - otherwise Top-N, an updating changelog (over a changelog input too, keeping every row).
 */
export function planRanked(rf: RankFilter, outer: PlanContext, planFrom: PlanFrom): { input: PlannedQuery; scope: Scope } {
  const { sub, call } = rf;
  const fn = call.name as RankFunction;
  const ctx = { ...outer, sql: rf.subSql };
  const sql = ctx.sql;
  for (const it of sub.items)
    if (it.expr !== call && someExpr(it.expr, isOverCall))
      throw new SqlError(`${fn} together with other OVER calls in one SELECT is not supported yet`, it.expr.pos, sql);
  if (isAggregating(sub)) throw new SqlError(`${fn} over a GROUP BY in the same SELECT is not supported yet; aggregate in a subquery first`, sub.pos, sql);
  if (call.args.length > 0) throw new SqlError(`${fn} takes no arguments`, call.pos, sql);
  const w = resolveWindow(sub, call.over!, sql);
  if (w.orderBy.length === 0) throw new SqlError(`${fn}() OVER needs an ORDER BY (Top-N without ORDER BY is not supported, as in Flink)`, w.pos, sql);
  if (w.frame) throw new SqlError(`${fn}() OVER takes no ROWS or RANGE frame`, w.pos, sql);
  const { input, scope } = planFrom(sub, ctx);
  const filtered = sub.where
    ? planCalc({ ...sub, items: [{ expr: { kind: 'star', qualifier: undefined, pos: sub.pos }, alias: undefined }] }, input, scope, sql)
    : input;
  const describe = (e: Expr) => exprText(e, sql);
  const partition = planAggregate(
    { kind: 'select', items: [], from: undefined, where: undefined, groupBy: w.partitionBy, unsupported: [], pos: w.pos },
    scope,
    sql,
    false,
    [],
    describe,
  );
  const partitionNames = w.partitionBy.map(columnName);
  const windowed = partitionNames.includes('window_start') && partitionNames.includes('window_end') && !input.updating;
  const order = w.orderBy[0]!;
  const orderName = columnName(order.expr);
  const dedup =
    !windowed &&
    !input.updating &&
    rf.limit === 1 &&
    rf.start === 1 &&
    fn === 'ROW_NUMBER' &&
    w.orderBy.length === 1 &&
    orderName !== undefined &&
    timeAttributes(sub, ctx).has(orderName);
  const output = extendRow(scope.columns, ['$rn']);
  const text = { partitionBy: w.partitionBy.map(describe).join(', '), orderBy: orderText(w.orderBy, describe) };
  const keyed = filtered.stream().keyBy(partition.key);
  let stream;
  let name: string;
  let updating: boolean;
  if (dedup) {
    const keepLast = order.desc;
    name = `Deduplicate(keep=[${keepLast ? 'LastRow' : 'FirstRow'}], ${text.partitionBy ? `key=[${text.partitionBy}], ` : ''}order=[${text.orderBy}])`;
    const params: DeduplicateParams = { time: planValue<number>(order.expr, scope, sql), keepLast, output, text, ttl: outer.stateTtl ?? 0 };
    stream = keyed.transform<Row>(name, 'sqlDeduplicate', params);
    updating = keepLast;
  } else {
    const windowEnd = windowed ? planValue<number>(w.partitionBy[partitionNames.indexOf('window_end')]!, scope, sql) : undefined;
    name = `${windowed ? 'WindowRank' : 'Rank'}(${fn === 'ROW_NUMBER' ? '' : `rankType=[${fn}], `}rankRange=[rankStart=${rf.start}, rankEnd=${rf.limit}], ${text.partitionBy ? `partitionBy=[${text.partitionBy}], ` : ''}orderBy=[${text.orderBy}])`;
    const params: RankParams = {
      ...planSortKey(w.orderBy, scope, sql),
      limit: rf.limit,
      ...(rf.start > 1 ? { start: rf.start } : {}),
      ...(fn === 'ROW_NUMBER' ? {} : { rankFunction: fn }),
      rankOutput: rf.rankOutput,
      windowEnd,
      output,
      text: { ...text, limit: rf.limit },
      // A window's ranks end with the window; the others are kept per partition until they idle out.
      ttl: windowed ? 0 : (outer.stateTtl ?? 0),
    };
    // Over a changelog (a GROUP BY's result) every row of a partition is kept, as Flink's RetractableTopN.
    stream = keyed.transform<Row>(name.length > 120 ? name.slice(0, 117) + '...)' : name, input.updating ? 'sqlRetractRank' : 'sqlRank', params);
    updating = !windowed;
  }
  const columns: Column[] = [...scope.columns, { name: '$rn', type: T.BIGINT, nullable: false }];
  const ranked = materialized(stream, columns, updating ? { updating, updatingBy: name } : { updating });
  // `SELECT *, ROW_NUMBER() ...`: the star stands for the FROM columns, not the operator's `$rn`.
  const items = sub.items.flatMap((it, i) => {
    if (it.expr.kind === 'star') {
      const pos = it.expr.pos;
      // `A.*` over a join: the columns of input A by their names there, read qualified (B may share a name).
      const q = it.expr.qualifier;
      const side = q ? scope.sides?.get(q) : undefined;
      if (q && !side && !scope.qualifiers.includes(q)) throw new SqlError(`Table '${q}' not found in this query`, pos, sql);
      if (side) return [...side.keys()].map((n) => ({ alias: n, expr: { kind: 'column', name: { parts: [q!, n], pos }, pos } as Expr }));
      return scope.columns.map((c) => ({ alias: c.name, expr: { kind: 'column', name: { parts: [c.name], pos }, pos } as Expr }));
    }
    return [
      {
        alias: it.alias ?? (it.expr.kind === 'column' ? columnName(it.expr) : `EXPR$${i}`),
        expr: replaceExpr(it.expr, (e) => (e === call ? { kind: 'column', name: { parts: ['$rn'], pos: e.pos }, pos: e.pos } : undefined)),
      },
    ];
  });
  const out = planCalc({ ...sub, items, where: undefined }, ranked, { ...scope, columns }, sql);
  return {
    input: materialized(out.stream(), out.columns, out),
    scope: { columns: out.columns, qualifiers: rf.alias ? [rf.alias] : [], description: 'the subquery' },
  };
}

/**
 * The query to check a view with: a view that numbers its rows (Flink allows it; the query that
 * reads it filters on the number) is checked as `SELECT * FROM (view) WHERE rn <= 1`.
 */
export function viewCheck(q: Query): Query {
  const idx = q.items.findIndex((it) => isOverCall(it.expr) && RANK_FUNCTIONS.has(it.expr.name));
  if (idx < 0 || q.unionAll || q.setOp) return q;
  const pos = q.pos;
  const rn: Expr = { kind: 'column', name: { parts: [q.items[idx]!.alias ?? `EXPR$${idx}`], pos }, pos };
  const where: Expr = { kind: 'binary', op: '<=', left: rn, right: { kind: 'literal', value: 1, type: 'int', pos }, pos };
  return { kind: 'select', items: [{ expr: { kind: 'star', qualifier: undefined, pos }, alias: undefined }], from: q, where, unsupported: [], pos };
}
