import type { Expr, OverWindow, Query, SelectItem } from './ast.js';
import { isAggregateCall, isUserAggregateCall, planAggregate } from './aggregate-planner.js';
import { exprText, materialized, planCalc, type PlanContext, type PlannedQuery } from './calc-planner.js';
import { columnName, isOverCall, replaceExpr, someExpr } from './expr-rewrite.js';
import { buildFunction, Constants, ExpressionCompiler, propertyAccess, propertyKey, type Column, type Scope } from './expression-compiler.js';
import type { Row } from './operators/calc-operator.js';
import type { OverAggregateParams } from './operators/over-aggregate-operator.js';
import type { RetractOverAggregateParams } from './operators/retract-over-aggregate-operator.js';
import { helpers } from './runtime-helpers.js';
import { bare, orderText, planSortKey } from './sort-key-planner.js';
import { SqlError } from './sql-error.js';

/** A compiled function that returns a copy of a row of `columns` with `extra` fields set from `a[indices[i]]` (`a[i]` without indices). */
export function extendRow(columns: readonly Column[], extra: readonly string[], indices?: readonly number[]): (r: Row, a: readonly unknown[]) => Row {
  const consts = new Constants();
  const fields = columns.map((c) => `${propertyKey(c.name, consts)}: ${propertyAccess('r', c.name, consts)}`);
  extra.forEach((name, i) => fields.push(`${propertyKey(name, consts)}: a[${indices ? indices[i]! : i}]`));
  return buildFunction(`function extend(r, a) { return { ${fields.join(', ')} }; }`, consts, helpers);
}

/** The window an OVER call names: its own, or one of the query's WINDOW clause. */
export function resolveWindow(q: Query, over: OverWindow, sql: string): OverWindow {
  if (over.ref === undefined) return over;
  const w = q.windows?.get(over.ref);
  if (w === undefined) throw new SqlError(`Window '${over.ref}' is not defined; add WINDOW ${over.ref} AS (...)`, over.pos, sql);
  return w;
}

/** Whether `e` calls COUNT, SUM, AVG, MIN, MAX or a TypeScript aggregate function (not a type guard: OVER calls stay OVER calls). */
// The accumulators an OVER frame is checked with; FIRST_VALUE, LAST_VALUE and LISTAGG over a frame are not yet.
const OVER_AGGREGATES = new Set(['COUNT', 'SUM', 'AVG', 'MIN', 'MAX']);
const aggregates = (e: Expr): boolean => isAggregateCall(e) && e.kind === 'call' && (OVER_AGGREGATES.has(e.name) || isUserAggregateCall(e));

/** What a window means, without positions: calls over equal windows share one operator. */
const windowSignature = (w: OverWindow): string =>
  JSON.stringify({ p: w.partitionBy, o: w.orderBy, f: w.frame ?? { unit: 'RANGE', preceding: Infinity } }, (k, v: unknown) =>
    k === 'pos' ? undefined : v === Infinity ? 'inf' : typeof v === 'bigint' ? `${v}n` : v,
  );

/**
 * Plans `agg(x) OVER (PARTITION BY k ORDER BY ts ROWS|RANGE BETWEEN ... PRECEDING AND CURRENT ROW)`
 * items, every call over the same window. Over an insert-only input as Flink's OverAggregate in
 * streaming: ordered ascending by a time attribute, a keyed `sqlOverAggregate`. Over a changelog
 * (Flink refuses it, FLINK-19059) a keyed `sqlRetractOverAggregate` that keeps each partition's
 * rows in window order, by any ORDER BY with ties broken by the whole row. Either adds a column
 * `$o<j>` per call to the rows (after WHERE); SELECT is then a Calc over them.
 */
export function planOverAggregate(q: Query, input: PlannedQuery, scope: Scope, ctx: PlanContext, timeAttrs: ReadonlySet<string>): PlannedQuery {
  const sql = ctx.sql;
  if (q.groupBy || q.having) throw new SqlError('OVER aggregations together with GROUP BY are not supported yet', q.pos, sql);
  const overCalls: Extract<Expr, { kind: 'call' }>[] = [];
  let window: OverWindow | undefined;
  const items: SelectItem[] = q.items.map((it, i) => ({
    alias: it.alias ?? (it.expr.kind === 'column' ? columnName(it.expr) : `EXPR$${i}`),
    expr: replaceExpr(it.expr, (e) => {
      if (!isOverCall(e)) {
        if (isAggregateCall(e)) throw new SqlError(`${e.name} without OVER cannot be mixed with OVER aggregations`, e.pos, sql);
        return undefined;
      }
      if (e.name === 'ROW_NUMBER' || e.name === 'RANK' || e.name === 'DENSE_RANK')
        throw new SqlError(
          `${e.name}() OVER is supported for Top-N and deduplication: in a subquery whose rows the enclosing query filters with WHERE rn <= N (or rn = 1)`,
          e.pos,
          sql,
        );
      if (!aggregates(e))
        throw new SqlError(
          `Function ${e.name} OVER a window is not supported yet (COUNT, SUM, AVG, MIN, MAX and aggregate functions written in TypeScript are)`,
          e.pos,
          sql,
        );
      const w = resolveWindow(q, e.over, sql);
      if (window === undefined) window = w;
      else if (windowSignature(w) !== windowSignature(window))
        throw new SqlError('All OVER aggregates of a query must use the same window (as in Flink)', e.over.pos, sql);
      for (const a of e.args) if (someExpr(a, isOverCall)) throw new SqlError('OVER calls cannot be nested', a.pos, sql);
      const { over: _o, ...plain } = e;
      overCalls.push(plain);
      return { kind: 'column', name: { parts: [`$o${overCalls.length - 1}`], pos: e.pos }, pos: e.pos };
    }),
  }));
  const w = window!;
  const order = w.orderBy[0];
  const frame = w.frame ?? { unit: 'RANGE' as const, preceding: Infinity };
  const orderName = order ? columnName(order.expr) : undefined;
  const byTime = w.orderBy.length === 1 && orderName !== undefined && timeAttrs.has(orderName) && !order!.desc;
  // In batch mode the input is all there, so any ORDER BY goes (as in Flink); the changelog operator sorts.
  const retract = input.updating || (ctx.batch === true && !byTime);
  if (retract) checkRetractWindow(w, frame, scope, sql);
  else if (!byTime) {
    if (w.orderBy.length !== 1 || orderName === undefined || !timeAttrs.has(orderName))
      throw new SqlError("OVER windows' ordering in stream mode must be defined on a time attribute (a WATERMARK FOR column)", w.pos, sql);
    throw new SqlError("OVER windows' ordering in stream mode must be ascending on the time attribute", w.pos, sql);
  }

  // Only the columns the query reads go through the operator and its state (WHERE in the same step).
  const used = new Set<string>();
  const note = (e: Expr) => someExpr(e, (x) => (x.kind === 'column' && used.add(columnName(x)!), false));
  const star = q.items.some((it) => it.expr.kind === 'star');
  q.items.forEach((it) => note(it.expr));
  w.partitionBy.forEach(note);
  w.orderBy.forEach((o) => note(o.expr));
  // Over a changelog every column stays: ties are broken by the whole row, and `-U`/`-D` name it whole.
  const kept = star || retract ? scope.columns : scope.columns.filter((c) => used.has(c.name));
  let filtered = input;
  if (q.where || kept.length < scope.columns.length) {
    const keep = kept.map((c) => ({ expr: { kind: 'column', name: { parts: [c.name], pos: q.pos }, pos: q.pos } as Expr, alias: c.name }));
    filtered = planCalc({ ...q, items: keep }, input, scope, sql);
    scope = { ...scope, columns: filtered.columns };
  }
  // The calls as a GROUP BY over the partition: their accumulators, and the partition key.
  const aggQuery: Query = {
    kind: 'select',
    items: overCalls.map((e) => ({ expr: e, alias: undefined })),
    from: undefined,
    where: undefined,
    groupBy: w.partitionBy,
    unsupported: [],
    pos: q.pos,
  };
  const describe = (e: Expr) => exprText(e, sql);
  const plan = planAggregate(aggQuery, scope, sql, frame.preceding !== Infinity, [], describe);
  // The call of each item, by the accumulator planAggregate gave it (equal calls share one).
  const callOf = plan.query.items.map((it) => Number(columnName(it.expr)!.slice(2)));
  const resultColumns: Column[] = overCalls.map((_e, j) => ({ ...plan.columns.find((c) => c.name === `$a${callOf[j]}`)!, name: `$o${j}` }));
  const text = {
    partitionBy: w.partitionBy.map(describe).join(', '),
    orderBy: retract ? orderText(w.orderBy, describe) : bare(describe(order!.expr)),
    frame: `${frame.unit} BETWEEN ${frame.preceding === Infinity ? 'UNBOUNDED' : frame.unit === 'RANGE' ? `${frame.preceding} ms` : frame.preceding} PRECEDING AND CURRENT ROW`,
    select: overCalls.map(describe).join(', '),
  };
  const common = {
    calls: plan.calls,
    unit: frame.unit,
    preceding: frame.preceding,
    output: extendRow(
      scope.columns,
      resultColumns.map((c) => c.name),
      callOf,
    ),
    text,
    ttl: ctx.stateTtl ?? 0,
  };
  let params: OverAggregateParams | RetractOverAggregateParams;
  if (retract) params = { ...common, ...planSortKey(w.orderBy, scope, sql), columns: scope.columns.map((c) => c.name) };
  else {
    const consts = new Constants();
    const time = new ExpressionCompiler(scope, consts, sql).compile(order!.expr);
    params = { ...common, time: buildFunction(`function time(r) { return ${time.code}; }`, consts, helpers) };
  }
  const name = `OverAggregate(${text.partitionBy ? `partitionBy=[${text.partitionBy}], ` : ''}orderBy=[${text.orderBy}], ${text.frame}, select=[${text.select}])`;
  const stream = filtered
    .stream()
    .keyBy(plan.key)
    .transform<Row>(name.length > 120 ? name.slice(0, 117) + '...)' : name, retract ? 'sqlRetractOverAggregate' : 'sqlOverAggregate', params);
  const columns = [...scope.columns, ...resultColumns];
  const over = materialized(stream, columns, retract ? { updating: true, updatingBy: name } : { updating: false });
  return planCalc({ ...q, items, where: undefined }, over, { ...scope, columns, description: 'the OVER aggregation' }, sql);
}

/**
 * What an OVER window over a changelog needs: an ORDER BY (any columns, either direction); a RANGE
 * offset measures one ascending TIMESTAMP back from the current row.
 */
function checkRetractWindow(w: OverWindow, frame: { unit: 'ROWS' | 'RANGE'; preceding: number }, scope: Scope, sql: string): void {
  if (w.orderBy.length === 0) throw new SqlError('An OVER window over an updating input needs an ORDER BY', w.pos, sql);
  if (frame.unit !== 'RANGE' || frame.preceding === Infinity) return;
  const order = w.orderBy[0]!;
  const type = new ExpressionCompiler(scope, new Constants(), sql).compile(order.expr).type.name;
  if (w.orderBy.length !== 1 || order.desc || (type !== 'TIMESTAMP' && type !== 'TIMESTAMP_LTZ'))
    throw new SqlError('A RANGE frame with an interval needs one ascending TIMESTAMP column in ORDER BY', w.pos, sql);
}
