import { DataStream } from '../api/data-stream.js';
import { startOffset, type Expr, type JoinRef, type Query, type SubqueryRef, type TableRef, type WindowTvf } from './ast.js';
import { exprText, materialized, type PlanContext, type PlannedQuery } from './calc-planner.js';
import { buildFunction, Constants, ExpressionCompiler, propertyAccess, propertyKey, type Column, type Scope } from './expression-compiler.js';
import { boundOf, columnRefs, conditionText, conjunction, conjuncts, timeBounds } from './join-conditions.js';
import type { CalcParams, Row } from './operators/calc-operator.js';
import type { JoinParams, JoinType } from './operators/join-operator.js';
import type { WindowJoinParams } from './operators/window-join-operator.js';
import { planWindowTvfTable } from './window-tvf-planner.js';
import { helpers } from './runtime-helpers.js';
import { SqlError } from './sql-error.js';
import { planTableSource, tableColumns } from './table-source-planner.js';

/** Plans a subquery or a view's query; passed in so this file does not import the query planner that imports it. */
export type PlanSubquery = (q: Query, ctx: PlanContext) => PlannedQuery;

/**
 * One input of a join as the planner sees it before building it: its columns, the names its
 * tables know them by, which columns are event-time attributes, and how to build its rows with
 * extra filters pushed into it.
 */
interface Relation {
  readonly columns: readonly Column[];
  /** Qualifier -> column name -> the column of this relation's row. */
  readonly sides: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Columns whose value is each row's event timestamp (a table's WATERMARK FOR column). */
  readonly timeAttributes: ReadonlySet<string>;
  /** The rows of a window table function: its windows and the columns of their bounds (for window joins). */
  readonly window?: WindowOf;
  /** The rows, with `filters` applied; `rest`: filters it could not apply, for the caller. */
  build(filters: readonly Expr[]): { planned: PlannedQuery; rest: Expr[] };
}

interface WindowOf {
  readonly fn: WindowTvf['fn'];
  readonly intervals: readonly number[];
  readonly start: string;
  readonly end: string;
}

const scopeOf = (r: Pick<Relation, 'columns' | 'sides'>, description: string): Scope => ({
  columns: r.columns,
  qualifiers: [...r.sides.keys()],
  description,
  sides: r.sides,
});

const STAR = (pos: Expr['pos']) => [{ expr: { kind: 'star', qualifier: undefined, pos } as Expr, alias: undefined }];

/** `planned` with `filters` in one Calc (none: as it is), named by the filters' own text. */
function filtered(planned: PlannedQuery, filters: readonly Expr[], scope: Scope, sql: string): PlannedQuery {
  const where = conjunction(filters);
  if (!where) return planned;
  const consts = new Constants();
  const c = new ExpressionCompiler(scope, consts, sql).compile(where);
  if (c.type.name !== 'BOOLEAN' && c.type.name !== 'NULL') throw new SqlError(`WHERE expects a BOOLEAN condition, not ${c.type.name}`, where.pos, sql);
  // NULL and FALSE both drop the row.
  const condition = buildFunction<(r: Row) => boolean>(`function where(r) { return ${c.code} === true; }`, consts, helpers);
  const text = filters.map((f) => conditionText(f, sql)).join(' AND ');
  const params: CalcParams = { condition, projection: undefined, text: { where: text } };
  return materialized(planned.stream().transform<Row>(truncate(`Calc(where=[${text}])`), 'sqlCalc', params), planned.columns, planned);
}

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
    const { planned, table } = planWindowTvfTable(from, ctx);
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
    const p = plan(entry.query, { ...ctx, sql: entry.sql });
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

type Side = 'L' | 'R';

/** Which inputs a condition reads: 'L', 'R', 'both', or 'none' (constants only). */
function sidesOf(e: Expr, l: Relation, r: Relation, sql: string): Side | 'both' | 'none' {
  const seen = new Set<Side | 'unknown'>();
  for (const c of columnRefs(e)) {
    const parts = c.name.parts;
    const name = parts[parts.length - 1]!;
    if (parts.length > 1) {
      const q = parts.slice(0, -1).join('.');
      seen.add(l.sides.has(q) ? 'L' : r.sides.has(q) ? 'R' : 'unknown');
      continue;
    }
    const inL = fieldOf(l, parts) !== undefined;
    const inR = fieldOf(r, parts) !== undefined;
    if (inL && inR) {
      const owners = [...l.sides, ...r.sides].filter(([, cols]) => cols.has(name)).map(([q]) => `'${q}'`);
      throw new SqlError(`Column '${name}' is ambiguous: it is in ${owners.join(' and ')}; qualify it`, c.pos, sql);
    }
    seen.add(inL ? 'L' : inR ? 'R' : 'unknown');
  }
  if (seen.size === 0) return 'none';
  if (seen.size === 1 && !seen.has('unknown')) return [...seen][0] as Side;
  return 'both';
}

/** The column of `rel`'s row that `parts` names, if it has one. */
function fieldOf(rel: Relation, parts: readonly string[]): string | undefined {
  const name = parts[parts.length - 1]!;
  if (parts.length > 1) return rel.sides.get(parts.slice(0, -1).join('.'))?.get(name);
  for (const cols of rel.sides.values()) if (cols.has(name)) return cols.get(name);
  return rel.columns.some((c) => c.name === name) ? name : undefined;
}

function joinRelation(join: JoinRef, ctx: PlanContext, plan: PlanSubquery): Relation {
  const { sql } = ctx;
  const l = relationOf(join.left, ctx, plan);
  const r = relationOf(join.right, ctx, plan);
  for (const q of r.sides.keys()) if (l.sides.has(q)) throw new SqlError(`'${q}' names two inputs of the join; give each its own alias`, join.pos, sql);
  // The joined row: the left columns, then the right ones, renamed where a name is taken (id -> id0), as Flink does.
  const columns: Column[] = [...l.columns];
  const taken = new Set(columns.map((c) => c.name));
  const renamed = new Map<string, string>();
  for (const c of r.columns) {
    let name = c.name;
    for (let i = 0; taken.has(name); i++) name = `${c.name}${i}`;
    taken.add(name);
    renamed.set(c.name, name);
    columns.push({ ...c, name });
  }
  const sides = new Map(l.sides);
  for (const [q, cols] of r.sides) sides.set(q, new Map([...cols].map(([n, f]) => [n, renamed.get(f)!])));
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
      if (keys.length === 0 && !interval && !windowed)
        throw new SqlError(
          `Joins without an equality between the two inputs are not supported (${join.type === 'CROSS' ? 'a cross join' : `ON ${sql.slice(startOffset(join.on!), join.onEnd).trim()}`}): ` +
            `a regular join needs at least one condition 'left.col = right.col'${join.type === 'CROSS' ? ' in WHERE' : ''}, and an interval join ` +
            'also bounds the time attributes of both inputs (l.ts BETWEEN r.ts - INTERVAL ... AND r.ts + INTERVAL ...)',
          join.pos,
          sql,
        );
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
          const timedResidual = residual.find((x) => JSON.stringify(x).includes('"kind":"interval"'));
          if (!timedResidual || !(e instanceof SqlError && e.message.includes('INTERVAL'))) throw e;
          throw new SqlError(
            `This join condition compares times with an INTERVAL (${conditionText(timedResidual, sql)}), which Weir runs only as an inner interval join: ` +
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
        if (type !== 'INNER') throw new SqlError(`${type} OUTER interval joins are not supported yet (inner interval joins are)`, join.pos, sql);
        for (const [p, what] of [
          [lp, 'left'],
          [rp, 'right'],
        ] as const)
          if (p.updating)
            throw new SqlError(`An interval join needs insert-only inputs; its ${what} input is updated by ${p.updatingBy ?? 'an aggregation'}`, join.pos, sql);
        const name = `IntervalJoin(joinType=[${typeName}], windowBounds=[${interval.lower} ms, ${interval.upper} ms], on=[${onText}])`;
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
      const updating = lp.updating || rp.updating || type !== 'INNER';
      const params: JoinParams = {
        type,
        combine,
        nullLeft: nullRow(l.columns),
        nullRight: nullRow(r.columns),
        residual: residualFn,
        equals: [equalsFunction(l.columns), equalsFunction(r.columns)],
        ttl: ctx.stateTtl ?? 0,
        updating,
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

/**
 * The keys of a window join, when `keys` equate window_start and window_end of two window table
 * functions with the same windows: the other equalities, and the bound equalities (for the plan).
 */
function windowJoinOf(keys: readonly [Expr, Expr, Expr][], l: Relation, r: Relation): { keys: [Expr, Expr, Expr][]; bounds: Expr[] } | undefined {
  const lw = l.window;
  const rw = r.window;
  if (!lw || !rw || lw.fn !== rw.fn || lw.intervals.join() !== rw.intervals.join()) return undefined;
  const field = (e: Expr, rel: Relation) => (e.kind === 'column' ? fieldOf(rel, e.name.parts) : undefined);
  const isBound = ([a, b]: [Expr, Expr, Expr], which: 'start' | 'end') => field(a, l) === lw[which] && field(b, r) === rw[which];
  const start = keys.findIndex((k) => isBound(k, 'start'));
  const end = keys.findIndex((k) => isBound(k, 'end'));
  if (start < 0 || end < 0) return undefined;
  const bounds = [keys[start]![2], keys[end]![2]];
  return { keys: keys.filter((_k, i) => i !== start && i !== end), bounds };
}

const truncate = (name: string) => (name.length > 160 ? name.slice(0, 157) + '...)' : name);

/** Whether `a = b` compares an expression of one input with one of the other. */
function isKeyPair(c: Extract<Expr, { kind: 'binary' }>, l: Relation, r: Relation, sql: string): boolean {
  const a = sidesOf(c.left, l, r, sql);
  const b = sidesOf(c.right, l, r, sql);
  return (a === 'L' && b === 'R') || (a === 'R' && b === 'L');
}

/**
 * The bounds a condition sets on `right.ts - left.ts`, when it compares an event-time attribute of
 * each input (plus or minus intervals); undefined for any other condition.
 */
function timeBoundOf(c: Expr, l: Relation, r: Relation, sql: string): { lower: number; upper: number; fields: [string, string] } | undefined {
  const bounds = timeBounds(c);
  if (!bounds) return undefined;
  let lower = -Infinity;
  let upper = Infinity;
  let fields: [string, string] | undefined;
  for (const { a, op, b } of bounds) {
    const sa = sidesOf(a.column, l, r, sql);
    const sb = sidesOf(b.column, l, r, sql);
    if (!((sa === 'L' && sb === 'R') || (sa === 'R' && sb === 'L'))) return undefined;
    const [lt, rt] = sa === 'L' ? [a, b] : [b, a];
    const lf = fieldOf(l, lt.column.name.parts);
    const rf = fieldOf(r, rt.column.name.parts);
    if (!lf || !rf || !l.timeAttributes.has(lf) || !r.timeAttributes.has(rf)) return undefined;
    if (fields && (fields[0] !== lf || fields[1] !== rf)) return undefined;
    fields = [lf, rf];
    const bound = boundOf(sa === 'L', op, a.offset, b.offset);
    if (bound.lower !== undefined) lower = Math.max(lower, bound.lower);
    if (bound.upper !== undefined) upper = Math.min(upper, bound.upper);
  }
  return fields && { lower, upper, fields };
}

/**
 * The interval `timed` bounds `right.ts - left.ts` to, when its conditions bound it from both sides
 * over one time attribute per input: the join is then an interval join.
 */
function intervalOf(
  timed: readonly NonNullable<ReturnType<typeof timeBoundOf>>[],
  at: Expr | undefined,
  sql: string,
): { lower: number; upper: number } | undefined {
  if (timed.length === 0) return undefined;
  const [lf, rf] = timed[0]!.fields;
  if (timed.some((t) => t.fields[0] !== lf || t.fields[1] !== rf)) return undefined;
  const lower = Math.max(...timed.map((t) => t.lower));
  const upper = Math.min(...timed.map((t) => t.upper));
  if (!Number.isFinite(lower) || !Number.isFinite(upper)) return undefined;
  if (lower > upper) throw new SqlError(`The time bounds of this interval join leave no interval (${lower} ms to ${upper} ms)`, at?.pos, sql);
  return { lower, upper };
}

/** The join key of a row of `rel`: one value, or a JSON text of several; null when any is NULL (such a row joins nothing). */
function keyFunction(exprs: readonly Expr[], rel: Relation, sql: string): (r: Row) => unknown {
  if (exprs.length === 0) return () => 0;
  const consts = new Constants();
  const compiler = new ExpressionCompiler(scopeOf(rel, 'the join input'), consts, sql);
  const codes = exprs.map((e) => compiler.compile(e).code);
  if (codes.length === 1) return buildFunction(`function key(r) { return ${codes[0]}; }`, consts, helpers);
  const vars = codes.map((c, i) => `const v${i} = ${c};`).join(' ');
  const nulls = codes.map((_c, i) => `v${i} === null`).join(' || ');
  return buildFunction(`function key(r) { ${vars} return ${nulls} ? null : JSON.stringify([${codes.map((_c, i) => `v${i}`).join(', ')}]); }`, consts, helpers);
}

/** The joined row of a left and a right row, compiled: `{ a: l.a, id: l.id, id0: r.id }`. */
function combineFunction(left: readonly Column[], right: readonly Column[], renamed: ReadonlyMap<string, string>): (l: Row, r: Row) => Row {
  const consts = new Constants();
  const fields = [
    ...left.map((c) => `${propertyKey(c.name, consts)}: ${propertyAccess('l', c.name, consts)}`),
    ...right.map((c) => `${propertyKey(renamed.get(c.name)!, consts)}: ${propertyAccess('r', c.name, consts)}`),
  ];
  return buildFunction(`function combine(l, r) { return { ${fields.join(', ')} }; }`, consts, helpers);
}

function equalsFunction(columns: readonly Column[]): (a: Row, b: Row) => boolean {
  const consts = new Constants();
  const parts = columns.map((c) => `${propertyAccess('a', c.name, consts)} === ${propertyAccess('b', c.name, consts)}`);
  return buildFunction(`function equals(a, b) { return ${parts.join(' && ') || 'true'}; }`, consts, helpers);
}

function nullRow(columns: readonly Column[]): Row {
  const row: Row = {};
  for (const c of columns) row[c.name] = null;
  return row;
}
