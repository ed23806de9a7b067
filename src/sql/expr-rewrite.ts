import type { Expr, Query } from './ast.js';

// A subquery (IN (SELECT ...), EXISTS) is a Query, not an expression of this query: not looked into.
const isExpr = (v: unknown): v is Expr => typeof v === 'object' && v !== null && 'kind' in v && 'pos' in v && v.kind !== 'select';

/**
 * `e` with every sub-expression for which `f` returns a replacement replaced by it (top-down: a
 * replaced expression is not searched further). Names, types and OVER windows are left alone.
 */
export function replaceExpr(e: Expr, f: (x: Expr) => Expr | undefined): Expr {
  const r = f(e);
  if (r !== undefined) return r;
  const out: Record<string, unknown> = { ...e };
  for (const [k, v] of Object.entries(e)) {
    if (k === 'pos' || k === 'name' || k === 'to' || k === 'over') continue;
    if (Array.isArray(v)) out[k] = v.map((x) => (isExpr(x) ? replaceExpr(x, f) : { when: replaceExpr(x.when, f), then: replaceExpr(x.then, f) }));
    else if (isExpr(v)) out[k] = replaceExpr(v, f);
  }
  return out as unknown as Expr;
}

/** Whether `e` or one of its sub-expressions satisfies `p`. */
export function someExpr(e: Expr, p: (x: Expr) => boolean): boolean {
  let found = false;
  replaceExpr(e, (x) => {
    if (!found && p(x)) found = true;
    return found ? x : undefined;
  });
  return found;
}

/** A call with an OVER window (an OVER aggregate or ROW_NUMBER). */
export const isOverCall = (e: Expr): e is Extract<Expr, { kind: 'call' }> & { over: NonNullable<Extract<Expr, { kind: 'call' }>['over']> } =>
  e.kind === 'call' && e.over !== undefined;

/** The last part of a column reference's name, or undefined for anything else. */
export const columnName = (e: Expr): string | undefined => (e.kind === 'column' ? e.name.parts[e.name.parts.length - 1] : undefined);

/** The conjuncts of a condition: `a AND (b AND c)` is [a, b, c]. */
export function conjuncts(e: Expr | undefined): Expr[] {
  if (e === undefined) return [];
  if (e.kind === 'binary' && e.op === 'AND') return [...conjuncts(e.left), ...conjuncts(e.right)];
  return [e];
}

/** The conjuncts joined by AND again (undefined for none). */
export function andAll(es: readonly Expr[]): Expr | undefined {
  return es.reduce<Expr | undefined>((acc, e) => (acc === undefined ? e : { kind: 'binary', op: 'AND', left: acc, right: e, pos: e.pos }), undefined);
}

/** Whether a query's SELECT items call a function OVER a window. */
export const hasOver = (q: Query): boolean => q.items.some((it) => someExpr(it.expr, isOverCall));
