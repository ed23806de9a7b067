import { DataStream } from '../api/data-stream.js';
import { startOffset, type Expr, type JoinRef, type Query, type SubqueryRef, type TableRef, type WindowTvf } from './ast.js';
import { exprText, materialized, viewContext, type PlanContext, type PlannedQuery } from './calc-planner.js';
import { buildFunction, Constants, ExpressionCompiler, propertyAccess, type Column, type Scope } from './expression-compiler.js';
import { conditionText, conjunction, conjuncts } from './join-conditions.js';
import { intervalOf, timeBoundOf, windowJoinOf } from './join-bounds.js';
import { joinedColumns, scopeOf, sidesOf, type Relation, type WindowOf } from './join-relation.js';
import { filtered, truncate } from './join-filter.js';
import { temporalJoinRelation } from './temporal-join-planner.js';
import { combineFunction, equalsFunction, keyFunction, nullRow } from './join-row-functions.js';
import type { CalcParams, Row } from './operators/calc-operator.js';
import type { JoinParams, JoinType } from './operators/join-operator.js';
import type { WindowJoinParams } from './operators/window-join-operator.js';
import type { OuterIntervalJoinParams } from './operators/outer-interval-join-operator.js';
import { planWindowTvf } from './window-tvf-planner.js';
import { lateralRelation } from './lateral-planner.js';
import { helpers } from './runtime-helpers.js';
import { SqlError } from './sql-error.js';
import { planTableSource, tableColumns } from './table-source-planner.js';

/** Plans a subquery or a view's query; passed in so this file does not import the query planner that imports it. */
export type PlanSubquery = (q: Query, ctx: PlanContext) => PlannedQuery;

/**
 * Plans the FROM of a query that joins: the join tree, with the WHERE conditions that concern one
 * input pushed into it (where that keeps the result) and a comma join's equalities used as its
 * keys. Returns the joined rows, the scope the rest of the query resolves names in, and what is
 * left of WHERE.
 *
 * @example
 * // SELECT P.name, A.id FROM auction A JOIN person P ON A.seller = P.id WHERE A.category = 10
 * planJoinedFrom(q, q.from, ctx, planQuery) // A.category = 10 runs before the join, on auction's rows
 */
export function planJoinedFrom(q: Query, join: JoinRef, ctx: PlanContext, plan: PlanSubquery): { input: PlannedQuery; scope: Scope; where: Expr | undefined } {
  const rel = relationOf(join, ctx, plan);
  const { planned, rest } = rel.build(conjuncts(q.where, whereEnd(q, ctx.sql)));
  return { input: planned, scope: scopeOf(rel, 'the join'), where: conjunction(rest) };
}

/** Where the text of WHERE ends: at GROUP BY, HAVING or the end of the query, as far as exprText can tell. */
function whereEnd(q: Query, sql: string): number | undefined {
  if (!q.where) return undefined;
  const start = startOffset(q.where);
  return start + exprText(q.where, sql).length;
}

function relationOf(from: JoinRef | TableRef | SubqueryRef | WindowTvf, ctx: PlanContext, plan: PlanSubquery): Relation {
  if (!('kind' in from)) return tableRelation(from, ctx, plan);
  if (from.kind === 'windowTvf') {
    const { input: planned, table } = planWindowTvf(from, ctx);
    const window = { fn: from.fn, intervals: from.intervals, start: 'window_start', end: 'window_end' };
    return leafRelation(planned, from.alias ?? table, new Set([from.timeColumn]), `${from.fn}(TABLE ${table})`, ctx.sql, window);
  }
  if (from.kind === 'subquery') {
    const p = plan(from.query, ctx);
    // `(SELECT ... FROM TABLE(TUMBLE(...)) ...)`, with or without a window aggregation, that keeps
    // window_start and window_end (by any name): a window join input.
    const tvf = from.query.from && 'kind' in from.query.from && from.query.from.kind === 'windowTvf' ? from.query.from : undefined;
    const start = tvf && windowBound(from.query, 'window_start', p.columns);
    const end = tvf && windowBound(from.query, 'window_end', p.columns);
    const window = tvf && start && end ? { fn: tvf.fn, intervals: tvf.intervals, start, end } : undefined;
    return leafRelation(materialized(p.stream(), p.columns, p), from.alias ?? `$subquery${from.query.pos.offset}`, new Set(), 'the subquery', ctx.sql, window);
  }
  return joinRelation(from, ctx, plan);
}

/** The output column a query's `window_start` / `window_end` becomes (`window_start AS starttime`), if it keeps it. */
function windowBound(q: Query, col: string, columns: readonly Column[]): string | undefined {
  for (const it of q.items) {
    const name =
      it.expr.kind === 'star' && it.expr.qualifier === undefined
        ? col
        : it.expr.kind === 'column' && it.expr.name.parts[it.expr.name.parts.length - 1] === col
          ? (it.alias ?? col)
          : undefined;
    if (name !== undefined && columns.some((c) => c.name === name)) return name;
  }
  return undefined;
}

function tableRelation(ref: TableRef, ctx: PlanContext, plan: PlanSubquery): Relation {
  const entry = ctx.catalog.lookup(ref.name, ctx.sql);
  const qualifier = ref.alias ?? entry.name;
  if (entry.kind === 'view') {
    const p = plan(entry.query, viewContext(ctx, entry));
    return leafRelation(materialized(p.stream(), p.columns, p), qualifier, new Set(), `view '${entry.name}'`, ctx.sql);
  }
  const planned = materialized(planTableSource(entry, ctx.env), tableColumns(entry));
  return leafRelation(planned, qualifier, new Set(entry.watermark ? [entry.watermark.column] : []), `table '${entry.name}'`, ctx.sql);
}

function leafRelation(
  planned: PlannedQuery,
  qualifier: string,
  timeAttributes: ReadonlySet<string>,
  description: string,
  sql: string,
  window?: WindowOf,
): Relation {
  const sides = new Map([[qualifier, new Map(planned.columns.map((c) => [c.name, c.name]))]]);
  const rel: Relation = {
    columns: planned.columns,
    sides,
    timeAttributes,
    ...(window ? { window } : {}),
    build: (filters) => ({ planned: filtered(planned, filters, scopeOf(rel, description), sql), rest: [] }),
  };
  return rel;
}

function joinRelation(join: JoinRef, ctx: PlanContext, plan: PlanSubquery): Relation {
  const { sql } = ctx;
  const l = relationOf(join.left, ctx, plan);
  const right = join.right;
  if ('kind' in right && right.kind === 'lateral') return lateralRelation(join, l, ctx);
  if (!('kind' in right) && right.asOf) return temporalJoinRelation(join, l, right, ctx, plan);
  const r = relationOf(right, ctx, plan);
  const { columns, sides, renamed } = joinedColumns(l, r, join.pos, sql);
  const type: JoinType = join.type === 'CROSS' ? 'INNER' : join.type;
  const leftPreserved = type === 'LEFT' || type === 'FULL';
  const rightPreserved = type === 'RIGHT' || type === 'FULL';
  const rel: Relation = {
    columns,
    sides,
    timeAttributes: new Set(),
    build(filters) {
      const scope = scopeOf(rel, 'the join');
      const on = conjuncts(join.on, join.onEnd);
      const rest: Expr[] = [];
      // An inner join's WHERE is part of its condition; an outer join's only filters its result.
      if (type === 'INNER') on.push(...filters);
      const toLeft: Expr[] = [];
      const toRight: Expr[] = [];
      const keys: [Expr, Expr, Expr][] = []; // left side, right side, the equality as written
      const residual: Expr[] = [];
      const timed: Expr[] = [];
      for (const c of on) {
        const s = sidesOf(c, l, r, sql);
        // A condition on one input filters that input, unless the join keeps its rows anyway.
        if (s === 'L' && !leftPreserved) toLeft.push(c);
        else if (s === 'R' && !rightPreserved) toRight.push(c);
        else if (s === 'both' && c.kind === 'binary' && c.op === '=' && isKeyPair(c, l, r, sql)) {
          const a = sidesOf(c.left, l, r, sql);
          keys.push(a === 'L' ? [c.left, c.right, c] : [c.right, c.left, c]);
        } else if (s === 'both' && timeBoundOf(c, l, r, sql)) timed.push(c);
        else residual.push(c);
      }
      if (type !== 'INNER')
        for (const f of filters) {
          const s = sidesOf(f, l, r, sql);
          // A WHERE on the input whose rows are never padded with NULLs can run before the join.
          if (s === 'L' && !rightPreserved) toLeft.push(f);
          else if (s === 'R' && !leftPreserved) toRight.push(f);
          else rest.push(f);
        }
      // Equal window bounds of two window table functions with the same windows: a window join.
      const windowed = windowJoinOf(keys, l, r);
      if (windowed) keys.splice(0, keys.length, ...windowed.keys);
      const interval = windowed
        ? undefined
        : intervalOf(
            timed.map((c) => timeBoundOf(c, l, r, sql)!),
            timed[0],
            sql,
          );
      if (!interval) residual.push(...timed);
      const describe = (es: readonly Expr[]) => es.map((e) => conditionText(e, sql)).join(' AND ');
      const onText = describe([...(windowed?.bounds ?? []), ...keys.map(([, , c]) => c), ...(interval ? timed : []), ...residual]);
      // No equality between the inputs (a cross join, a theta join): the key is one constant, so every
      // row of both inputs meets on one subtask and the residual decides, as Flink's singleton join.
      // Type check: the keys must be comparable, and the residual a BOOLEAN, over the joined row.
      const consts = new Constants();
      const compiler = new ExpressionCompiler(scope, consts, sql);
      for (const [a, b] of keys) compiler.compile({ kind: 'binary', op: '=', left: a, right: b, pos: a.pos });
      const residualExpr = conjunction(residual);
      let residualFn: ((joined: Row) => boolean) | undefined;
      if (residualExpr) {
        let c;
        try {
          c = compiler.compile(residualExpr);
        } catch (e) {
          // Time bounds with INTERVALs that are not an interval join's: say what one needs.
          const timedResidual = residual.find((x) =>
            JSON.stringify(x, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)).includes('"kind":"interval"'),
          );
          if (!timedResidual || !(e instanceof SqlError && e.message.includes('INTERVAL'))) throw e;
          throw new SqlError(
            `This join condition compares times with an INTERVAL (${conditionText(timedResidual, sql)}), which Weir runs only as an interval join: ` +
              "an equality of the inputs plus bounds on both sides between the event-time attributes (WATERMARK FOR columns) of two tables, e.g. 'a.ts BETWEEN b.ts - INTERVAL '5' SECOND AND b.ts'",
            timedResidual.pos,
            sql,
          );
        }
        if (c.type.name !== 'BOOLEAN' && c.type.name !== 'NULL')
          throw new SqlError(`ON expects a BOOLEAN condition, not ${c.type.name}`, residualExpr.pos, sql);
        residualFn = buildFunction(`function residual(r) { return ${c.code} === true; }`, consts, helpers);
      }
      const left = l.build(toLeft);
      const right = r.build(toRight);
      const lp = filtered(left.planned, left.rest, scopeOf(l, 'the join input'), sql);
      const rp = filtered(right.planned, right.rest, scopeOf(r, 'the join input'), sql);
      const lkey = keyFunction(
        keys.map(([a]) => a),
        l,
        sql,
      );
      const rkey = keyFunction(
        keys.map(([, b]) => b),
        r,
        sql,
      );
      const combine = combineFunction(l.columns, r.columns, renamed);
      const typeName = `${type[0]}${type.slice(1).toLowerCase()}Join`;
      if (windowed) {
        for (const [p, what] of [
          [lp, 'left'],
          [rp, 'right'],
        ] as const)
          if (p.updating)
            throw new SqlError(`A window join needs insert-only inputs; its ${what} input is updated by ${p.updatingBy ?? 'an aggregation'}`, join.pos, sql);
        const end = (field: string) => {
          const c = new Constants();
          return buildFunction<(r: Row) => number>(`function windowEnd(r) { return ${propertyAccess('r', field, c)}; }`, c, helpers);
        };
        const params: WindowJoinParams = {
          type,
          combine,
          nullLeft: nullRow(l.columns),
          nullRight: nullRow(r.columns),
          residual: residualFn,
          windowEnd: [end(l.window!.end), end(r.window!.end)],
          text: { type: typeName, on: onText },
        };
        const name = truncate(
          `WindowJoin(joinType=[${typeName}], windowType=[${l.window!.fn}(${l.window!.intervals.map((ms) => `${ms} ms`).join(', ')})], on=[${onText}])`,
        );
        const ls = lp.stream().keyBy(lkey);
        const rs = rp.stream().keyBy(rkey);
        const node = ctx.env.graph.addNode({ kind: 'sqlWindowJoin', params }, name, [[ls.edge()], [rs.edge()]], true);
        return { planned: materialized(new DataStream<Row>(ctx.env, node), columns), rest };
      }
      if (interval) {
        for (const [p, what] of [
          [lp, 'left'],
          [rp, 'right'],
        ] as const)
          if (p.updating)
            throw new SqlError(`An interval join needs insert-only inputs; its ${what} input is updated by ${p.updatingBy ?? 'an aggregation'}`, join.pos, sql);
        const name = `IntervalJoin(joinType=[${typeName}], windowBounds=[${interval.lower} ms, ${interval.upper} ms], on=[${onText}])`;
        if (type !== 'INNER') {
          // Outer: padded rows come when the watermark closes a row's interval (sqlIntervalJoin).
          const params: OuterIntervalJoinParams = {
            type,
            combine,
            nullLeft: nullRow(l.columns),
            nullRight: nullRow(r.columns),
            residual: residualFn,
            lower: interval.lower,
            upper: interval.upper,
            text: { type: typeName, on: onText },
          };
          const ls = lp.stream().keyBy(lkey);
          const rs = rp.stream().keyBy(rkey);
          const node = ctx.env.graph.addNode({ kind: 'sqlIntervalJoin', params }, truncate(name), [[ls.edge()], [rs.edge()]], true);
          return { planned: materialized(new DataStream<Row>(ctx.env, node), columns), rest };
        }
        const stream = lp
          .stream()
          .filter((x: Row) => lkey(x) !== null)
          .keyBy(lkey)
          .intervalJoin(
            rp
              .stream()
              .filter((x: Row) => rkey(x) !== null)
              .keyBy(rkey),
          )
          .between(interval.lower, interval.upper)
          .process<Row>({
            processElement(a, b, _ctx, out) {
              const joined = combine(a, b);
              if (residualFn === undefined || residualFn(joined)) out.collect(joined);
            },
          })
          .name(truncate(name));
        return { planned: materialized(stream, columns), rest };
      }
      // Batch mode over insert-only inputs pads outer rows at the end of input: insert-only output.
      const batch = ctx.batch === true && !lp.updating && !rp.updating;
      const updating = lp.updating || rp.updating || (type !== 'INNER' && !batch);
      const params: JoinParams = {
        type,
        combine,
        nullLeft: nullRow(l.columns),
        nullRight: nullRow(r.columns),
        residual: residualFn,
        equals: [equalsFunction(l.columns), equalsFunction(r.columns)],
        ttl: ctx.stateTtl ?? 0,
        updating,
        ...(batch ? { batch } : {}),
        text: { type: typeName, on: onText },
      };
      const name = truncate(`Join(joinType=[${typeName}], on=[${onText}])`);
      const ls = lp.stream().keyBy(lkey);
      const rs = rp.stream().keyBy(rkey);
      const node = ctx.env.graph.addNode({ kind: 'sqlJoin', params }, name, [[ls.edge()], [rs.edge()]], true);
      const joined = materialized(new DataStream<Row>(ctx.env, node), columns, {
        updating,
        ...(updating ? { updatingBy: lp.updating ? lp.updatingBy : rp.updating ? rp.updatingBy : name } : {}),
      });
      return { planned: joined, rest };
    },
  };
  return rel;
}

/** Whether `a = b` compares an expression of one input with one of the other. */
function isKeyPair(c: Extract<Expr, { kind: 'binary' }>, l: Relation, r: Relation, sql: string): boolean {
  const a = sidesOf(c.left, l, r, sql);
  const b = sidesOf(c.right, l, r, sql);
  return (a === 'L' && b === 'R') || (a === 'R' && b === 'L');
}
