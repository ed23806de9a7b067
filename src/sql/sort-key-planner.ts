import type { Expr, OrderItem } from './ast.js';
import { buildFunction, Constants, ExpressionCompiler, type Scope } from './expression-compiler.js';
import type { Row } from './operators/calc-operator.js';
import type { SortOrder } from './operators/sort-keys.js';
import { helpers } from './runtime-helpers.js';
import { SqlError } from './sql-error.js';

/** ORDER BY items compiled over `scope`: the sort key of a row and how keys compare. */
export function planSortKey(items: readonly OrderItem[], scope: Scope, sql: string): { sortKey: (r: Row) => unknown[]; order: SortOrder } {
  const consts = new Constants();
  const compiler = new ExpressionCompiler(scope, consts, sql);
  const codes = items.map((it) => {
    const c = compiler.compile(it.expr);
    if (c.type.name === 'NULL') throw new SqlError('ORDER BY a NULL literal orders nothing', it.expr.pos, sql);
    return c.code;
  });
  return {
    sortKey: buildFunction(`function sortKey(r) { return [${codes.join(', ')}]; }`, consts, helpers),
    order: { directions: items.map((it) => (it.desc ? -1 : 1)), nullsFirst: items.map((it) => it.nullsFirst) },
  };
}

/** A compiled function of one expression over `scope` (a time attribute, a window bound). */
export function planValue<T>(e: Expr, scope: Scope, sql: string): (r: Row) => T {
  const consts = new Constants();
  const c = new ExpressionCompiler(scope, consts, sql).compile(e);
  return buildFunction(`function value(r) { return ${c.code}; }`, consts, helpers);
}

/** ORDER BY items as the plan shows them. */
export const orderText = (items: readonly OrderItem[], describe: (e: Expr) => string): string =>
  items.map((it) => `${bare(describe(it.expr))}${it.desc ? ' DESC' : ''}`).join(', ');

/** An ORDER BY expression's text without what follows it in the SQL (direction, NULLS, frame). */
export const bare = (text: string): string => text.replace(/\s+(ASC|DESC|NULLS|ROWS|RANGE)\b.*$/is, '');
