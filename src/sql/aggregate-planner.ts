import type { Expr, Query, SelectItem } from './ast.js';
import { buildFunction, Constants, ExpressionCompiler, type Column, type Compiled, type Scope } from './expression-compiler.js';
import type { Row } from './operators/calc-operator.js';
import { AggCode, type AggCall } from './operators/sql-accumulators.js';
import { helpers } from './runtime-helpers.js';
import { resolveAggregateFunction } from './functions/function-catalog.js';
import type { ResolvedAggregateFunction } from './functions/user-aggregate-function.js';
import { SqlError } from './sql-error.js';
import { isNumeric, T } from './sql-types.js';

const LATER_AGGREGATES = new Set(['COLLECT']);
const DISTINCT_NAMES = new Set(['COUNT', 'SUM', 'AVG', 'MIN', 'MAX']);
const CODES: Record<string, AggCode> = {
  COUNT: AggCode.Count,
  SUM: AggCode.Sum,
  AVG: AggCode.Avg,
  MIN: AggCode.Min,
  MAX: AggCode.Max,
  FIRST_VALUE: AggCode.First,
  LAST_VALUE: AggCode.Last,
  LISTAGG: AggCode.ListAgg,
};

/** Whether `e` calls an aggregate function this version runs: a built-in one or one written in TypeScript. */
export const isAggregateCall = (e: Expr): e is Extract<Expr, { kind: 'call' }> => e.kind === 'call' && isAggregateName(e.name);

const isAggregateName = (name: string): boolean => CODES[name] !== undefined || userAggregate(name) !== undefined;

/** Whether `e` calls an aggregate function written in TypeScript. */
export const isUserAggregateCall = (e: Expr): boolean => e.kind === 'call' && userAggregate(e.name) !== undefined;

/** The aggregate function written in TypeScript that `name` calls (a system one before a built-in one). */
const userAggregate = (name: string) => resolveAggregateFunction(name, CODES[name] !== undefined);

/** A query with GROUP BY or aggregate calls. */
export const isAggregating = (q: Query): boolean => q.groupBy !== undefined || q.having !== undefined || q.items.some((it) => containsAggregate(it.expr));

function containsAggregate(e: Expr): boolean {
  if (isAggregateCall(e)) return true;
  let found = false;
  mapChildren(e, (c) => {
    found ||= containsAggregate(c);
    return c;
  });
  return found;
}

/** `e` with each direct sub-expression replaced by `f` of it. */
function mapChildren(e: Expr, f: (c: Expr) => Expr): Expr {
  const out: Record<string, unknown> = { ...e };
  for (const [k, v] of Object.entries(e)) {
    if (k === 'pos' || k === 'name' || k === 'to') continue;
    if (Array.isArray(v)) out[k] = v.map((x) => (isExpr(x) ? f(x) : { when: f(x.when), then: f(x.then) }));
    else if (isExpr(v)) out[k] = f(v);
  }
  return out as unknown as Expr;
}
// A subquery (IN (SELECT ...), EXISTS) is a Query, not an expression of this query: not looked into.
const isExpr = (v: unknown): v is Expr => typeof v === 'object' && v !== null && 'kind' in v && 'pos' in v && v.kind !== 'select';

/**
 * What an expression means, without positions: a column is the field it resolves to (`resolve`), so
 * `t.a + 1` and `a+1` are the same, while `a.s` and `b.s` of a join are not; a column `resolve`
 * cannot place is its last name part.
 */
function signature(e: Expr, resolve: (column: Extract<Expr, { kind: 'column' }>) => string | undefined): string {
  return JSON.stringify(e, (k, v: unknown) =>
    k === 'pos'
      ? undefined
      : typeof v === 'bigint'
        ? `${v}n`
        : isExpr(v) && v.kind === 'column'
          ? { column: resolve(v) ?? v.name.parts[v.name.parts.length - 1] }
          : v,
  );
}

function startPos(e: Expr): Expr['pos'] {
  if (e.kind === 'binary') return startPos(e.left);
  if (e.kind === 'isNull' || e.kind === 'between' || e.kind === 'in' || e.kind === 'like') return startPos(e.arg);
  return e.pos;
}

/** One aggregation: its GROUP BY expressions and calls compiled over the input row, and the query over its output. */
export interface AggregatePlan {
  /** GROUP BY expressions; window columns (`window_start`, ...) are listed by name and not compiled. */
  readonly groups: readonly ({ readonly window: string } | { readonly compiled: Compiled })[];
  readonly calls: readonly AggCall[];
  /** The values of the non-window GROUP BY expressions of a row. */
  readonly groupValues: (r: Row) => unknown[];
  /** The key of a row's group, for the exchange (one value, or a JSON text of several). */
  readonly key: (r: Row) => unknown;
  /** The columns the aggregation emits: `$g<i>` per GROUP BY expression, `$a<j>` per call. */
  readonly columns: readonly Column[];
  /** SELECT items and HAVING rewritten over `columns` (HAVING as WHERE), for the Calc that follows. */
  readonly query: Query;
  readonly text: { readonly groupBy: string; readonly select: string };
}

/**
 * Splits an aggregating query in two: the aggregation (GROUP BY values and aggregate calls compiled
 * over the input row) and a query over its output (the SELECT items and HAVING with each GROUP BY
 * expression and each call replaced by a column). A column outside both fails, as in Flink.
 * `updatingInput`: the input is a changelog, so every accumulator must be able to take rows back.
 */
export function planAggregate(
  q: Query,
  scope: Scope,
  sql: string,
  updatingInput: boolean,
  windowColumns: readonly string[],
  describe: (e: Expr) => string,
): AggregatePlan {
  const consts = new Constants();
  const compiler = new ExpressionCompiler(scope, consts, sql);
  const groupExprs = q.groupBy ?? [];
  // A column's identity is the code that reads it from the input row (one field, whatever the qualifier).
  const resolve = (c: Extract<Expr, { kind: 'column' }>): string | undefined => {
    try {
      return compiler.column(c.name.parts, c.pos).code;
    } catch {
      return undefined;
    }
  };
  const signatureOf = (e: Expr) => signature(e, resolve);
  const groupSigs = groupExprs.map(signatureOf);
  const groups: AggregatePlan['groups'][number][] = [];
  const columns: Column[] = [];
  const valueCodes: string[] = [];
  groupExprs.forEach((g, i) => {
    if (g.kind === 'column' && windowColumns.includes(g.name.parts[g.name.parts.length - 1]!)) {
      groups.push({ window: g.name.parts[g.name.parts.length - 1]! });
      columns.push({ name: `$g${i}`, type: T.TIMESTAMP, nullable: false });
      return;
    }
    const c = compiler.compile(g);
    groups.push({ compiled: c });
    valueCodes.push(c.code);
    columns.push({ name: `$g${i}`, type: c.type.name === 'NULL' ? T.STRING : c.type, nullable: c.nullable });
  });

  const calls: AggCall[] = [];
  const distinctCalls: number[] = [];
  const callSigs: string[] = [];
  const callColumns: Column[] = [];
  const addCall = (e: Extract<Expr, { kind: 'call' }>): number => {
    const sig = signatureOf(e);
    const known = callSigs.indexOf(sig);
    if (known >= 0) return known;
    const user = userAggregate(e.name);
    if (user) return addUserCall(e, user, sig);
    const star = e.args.length === 1 && e.args[0]!.kind === 'star';
    const separator = e.name === 'LISTAGG' && e.args.length === 2 ? e.args[1]! : undefined;
    if (separator && (separator.kind !== 'literal' || separator.type !== 'string'))
      throw new SqlError('LISTAGG takes a string literal as its separator', separator.pos, sql);
    if (e.args.length !== 1 && !separator) throw new SqlError(`${e.name} takes one argument, not ${e.args.length}`, e.pos, sql);
    if (star && e.name !== 'COUNT') throw new SqlError(`${e.name}(*) is not valid; only COUNT takes *`, e.pos, sql);
    if (e.distinct && !DISTINCT_NAMES.has(e.name))
      throw new SqlError(`${e.name}(DISTINCT ...) is not supported (COUNT, SUM, AVG, MIN and MAX take DISTINCT)`, e.pos, sql);
    for (const a of [...e.args, ...(e.filter ? [e.filter] : [])])
      if (!star && containsAggregate(a)) throw new SqlError('Aggregate calls cannot be nested', a.pos, sql);
    const arg = star ? undefined : compiler.compile(e.args[0]!);
    let code: AggCode = star ? AggCode.CountStar : e.distinct && e.name === 'COUNT' ? AggCode.CountDistinct : CODES[e.name]!;
    if ((code === AggCode.Sum || code === AggCode.Avg) && arg && !isNumeric(arg.type) && arg.type.name !== 'NULL' && arg.type.name !== 'DECIMAL')
      throw new SqlError(`${e.name} takes a number, not ${arg.type.name}`, e.pos, sql);
    if (code === AggCode.Count && arg && !arg.nullable && !e.filter) code = AggCode.CountStar;
    // Nothing is taken back from an insert-only input: MIN and MAX need no count per value.
    if (!updatingInput && code === AggCode.Min) code = AggCode.MinInsert;
    if (!updatingInput && code === AggCode.Max) code = AggCode.MaxInsert;
    if (!updatingInput && code === AggCode.First) code = AggCode.FirstInsert;
    if (!updatingInput && code === AggCode.Last) code = AggCode.LastInsert;
    if (code === AggCode.ListAgg && arg && arg.type.name !== 'STRING' && arg.type.name !== 'NULL')
      throw new SqlError(`LISTAGG takes a STRING, not ${arg.type.name}; use CAST`, e.pos, sql);
    // SUM(DECIMAL(p, s)) is DECIMAL(38, s) and AVG DECIMAL(38, max(6, s)), as Flink's.
    const decimalScale = arg?.type.name === 'DECIMAL' ? (arg.type.scale ?? 0) : undefined;
    let resultType = arg?.type;
    if (decimalScale !== undefined && code === AggCode.Sum) {
      code = AggCode.SumDecimal;
      resultType = { name: 'DECIMAL', precision: 38, scale: decimalScale };
    } else if (decimalScale !== undefined && code === AggCode.Avg) {
      code = AggCode.AvgDecimal;
      resultType = { name: 'DECIMAL', precision: 38, scale: Math.max(6, decimalScale) };
    }
    if (code === AggCode.ListAgg) resultType = T.STRING;
    let filter: ((r: Row) => boolean) | undefined;
    if (e.filter) {
      const f = compiler.compile(e.filter);
      if (f.type.name !== 'BOOLEAN' && f.type.name !== 'NULL') throw new SqlError(`FILTER expects a BOOLEAN condition, not ${f.type.name}`, e.filter.pos, sql);
      filter = buildFunction(`function filter(r) { return ${f.code} === true; }`, consts, helpers);
    }
    const integral = arg !== undefined && (arg.type.name === 'INT' || arg.type.name === 'BIGINT');
    // MIN and MAX are the same over distinct values; SUM and AVG count each value's rows.
    if (e.distinct && (e.name === 'SUM' || e.name === 'AVG')) distinctCalls.push(calls.length);
    calls.push({
      code,
      arg: arg ? buildFunction(`function arg(r) { return ${arg.code}; }`, consts, helpers) : undefined,
      filter,
      integral,
      ...(separator ? { separator: separator.value as string } : {}),
      ...(code === AggCode.AvgDecimal ? { avgScale: 10n ** BigInt(Math.max(6, decimalScale!) - decimalScale!) } : {}),
    });
    callSigs.push(sig);
    const counts = e.name === 'COUNT';
    callColumns.push({ name: `$a${calls.length - 1}`, type: counts ? T.BIGINT : resultType!.name === 'NULL' ? T.INT : resultType!, nullable: !counts });
    return calls.length - 1;
  };

  /** A call of an aggregate function written in TypeScript: its arguments compiled, its result typed as declared. */
  const addUserCall = (e: Extract<Expr, { kind: 'call' }>, user: ResolvedAggregateFunction, sig: string): number => {
    if (e.distinct) throw new SqlError(`${e.name}(DISTINCT ...) is not supported for aggregate functions written in TypeScript`, e.pos, sql);
    for (const a of [...e.args, ...(e.filter ? [e.filter] : [])]) {
      if (a.kind === 'star') throw new SqlError(`${e.name}(*) is not valid; only COUNT takes *`, e.pos, sql);
      if (containsAggregate(a)) throw new SqlError('Aggregate calls cannot be nested', a.pos, sql);
    }
    if (updatingInput && !user.fn.retract)
      throw new SqlError(`Aggregate function ${user.name} has no retract(), which it needs here: its input is a changelog (rows are taken back)`, e.pos, sql);
    let filter: ((r: Row) => boolean) | undefined;
    if (e.filter) {
      const f = compiler.compile(e.filter);
      if (f.type.name !== 'BOOLEAN' && f.type.name !== 'NULL') throw new SqlError(`FILTER expects a BOOLEAN condition, not ${f.type.name}`, e.filter.pos, sql);
      filter = buildFunction(`function filter(r) { return ${f.code} === true; }`, consts, helpers);
    }
    const args = e.args.map((a) => buildFunction<(r: Row) => unknown>(`function arg(r) { return ${compiler.compile(a).code}; }`, consts, helpers));
    calls.push({ code: AggCode.User, arg: undefined, filter, integral: false, udaf: user.fn, udafName: user.name, args });
    callSigs.push(sig);
    callColumns.push({ name: `$a${calls.length - 1}`, type: user.resultType, nullable: true });
    return calls.length - 1;
  };

  // The column takes the place of the text the expression was written as (for plan names and carets).
  const col = (name: string, e: Expr): Expr => {
    const pos = startPos(e);
    return { kind: 'column', name: { parts: [name], pos }, pos };
  };
  const rewrite = (e: Expr): Expr => {
    const g = groupSigs.indexOf(signatureOf(e));
    if (g >= 0) return col(`$g${g}`, e);
    if (e.kind === 'call' && isAggregateName(e.name)) return col(`$a${addCall(e)}`, e);
    if (e.kind === 'call' && LATER_AGGREGATES.has(e.name)) throw new SqlError(`Aggregate function ${e.name} is not supported yet`, e.pos, sql);
    if (e.kind === 'column') {
      const name = e.name.parts[e.name.parts.length - 1]!;
      compiler.column(e.name.parts, e.pos); // an unknown column says so first
      throw new SqlError(`Column '${name}' is neither in GROUP BY nor inside an aggregate function`, e.pos, sql);
    }
    if (e.kind === 'star') throw new SqlError('SELECT * cannot be used with GROUP BY or aggregate functions; name the columns', e.pos, sql);
    return mapChildren(e, rewrite);
  };
  const items: SelectItem[] = q.items.map((it, i) => ({
    expr: rewrite(it.expr),
    alias: it.alias ?? (it.expr.kind === 'column' ? it.expr.name.parts[it.expr.name.parts.length - 1]! : `EXPR$${i}`),
  }));
  const having = q.having ? rewrite(q.having) : undefined;
  columns.push(...callColumns);

  const values = `[${valueCodes.join(', ')}]`;
  // One GROUP BY value keys the exchange itself (NULL as a value of another JS type, so it cannot
  // meet a real value); several go through a JSON text.
  const single = valueCodes.length === 1 ? (groups.find((g) => 'compiled' in g) as { compiled: Compiled }).compiled : undefined;
  const nullKey = single?.type.name === 'STRING' ? '0' : '"NULL"';
  const key =
    valueCodes.length === 0
      ? () => 0
      : single
        ? buildFunction<(r: Row) => unknown>(
            single.nullable
              ? `function key(r) { const v = ${single.code}; return v === null ? ${nullKey} : v; }`
              : `function key(r) { return ${single.code}; }`,
            consts,
            helpers,
          )
        : buildFunction<(r: Row) => unknown>(
            // The replacer runs for every value; only a DECIMAL (or a composite that may hold one) needs it.
            groups.every((g) => !('compiled' in g) || NO_BIGINT.has(g.compiled.type.name))
              ? `function key(r) { return JSON.stringify(${values}); }`
              : `function key(r) { return JSON.stringify(${values}, ${consts.ref(bigintAsText)}); }`,
            consts,
            helpers,
          );
  // The per-value counts of SUM/AVG(DISTINCT) sit in accumulator slots after the calls' own.
  distinctCalls.forEach((at, k) => (calls[at] = { ...calls[at]!, distinctSlot: calls.length + k }));
  return {
    groups,
    calls,
    groupValues: buildFunction(`function groupValues(r) { return ${values}; }`, consts, helpers),
    key,
    columns,
    query: { kind: 'select', items, from: undefined, where: having, unsupported: [], pos: q.pos },
    text: {
      groupBy: groupExprs.map(describe).join(', '),
      select: q.items
        .filter((it) => containsAggregate(it.expr))
        .map((it) => describe(it.expr))
        .join(', '),
    },
  };
}

/** Types whose values are never a bigint nor hold one: their group keys need no replacer. */
const NO_BIGINT = new Set(['INT', 'BIGINT', 'DOUBLE', 'STRING', 'BOOLEAN', 'TIMESTAMP', 'TIMESTAMP_LTZ', 'DATE', 'TIME', 'NULL']);

/** JSON cannot hold a bigint (a DECIMAL value): as text in a group key. */
const bigintAsText = (_k: string, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v);

/** The function that builds an aggregation's output row from its group values and call results (`ws`/`we`: the window's bounds). */
export function outputRow(plan: AggregatePlan): (group: readonly unknown[], results: readonly unknown[], ws?: number, we?: number) => Row {
  let j = 0;
  const fields = plan.groups.map(
    (g, i) => `"$g${i}": ${'window' in g ? (g.window === 'window_start' ? 'ws' : g.window === 'window_end' ? 'we' : 'we - 1') : `g[${j++}]`}`,
  );
  plan.calls.forEach((_c, i) => fields.push(`"$a${i}": a[${i}]`));
  return buildFunction(`function output(g, a, ws, we) { return { ${fields.join(', ')} }; }`, new Constants(), helpers);
}
