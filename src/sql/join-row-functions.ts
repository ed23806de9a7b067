import type { Expr } from './ast.js';
import { buildFunction, Constants, ExpressionCompiler, propertyAccess, propertyKey, type Column } from './expression-compiler.js';
import { scopeOf, type Relation } from './join-relation.js';
import type { Row } from './operators/calc-operator.js';
import { helpers } from './runtime-helpers.js';

/** The join key of a row of `rel`: one value, or a JSON text of several; null when any is NULL (such a row joins nothing). */
export function keyFunction(exprs: readonly Expr[], rel: Relation, sql: string): (r: Row) => unknown {
  if (exprs.length === 0) return () => 0;
  const consts = new Constants();
  const compiler = new ExpressionCompiler(scopeOf(rel, 'the join input'), consts, sql);
  const codes = exprs.map((e) => compiler.compile(e).code);
  if (codes.length === 1) return buildFunction(`function key(r) { return ${codes[0]}; }`, consts, helpers);
  const vars = codes.map((c, i) => `const v${i} = ${c};`).join(' ');
  const nulls = codes.map((_c, i) => `v${i} === null`).join(' || ');
  return buildFunction(`function key(r) { ${vars} return ${nulls} ? null : JSON.stringify([${codes.map((_c, i) => `v${i}`).join(', ')}]); }`, consts, helpers);
}

/** The values of `exprs` over a row of `rel`, or null when any is NULL (a lookup join's probe key). */
export function keyTupleFunction(exprs: readonly Expr[], rel: Relation, sql: string): (r: Row) => unknown[] | null {
  const consts = new Constants();
  const compiler = new ExpressionCompiler(scopeOf(rel, 'the join input'), consts, sql);
  const codes = exprs.map((e) => compiler.compile(e).code);
  const vars = codes.map((c, i) => `const v${i} = ${c};`).join(' ');
  const nulls = codes.map((_c, i) => `v${i} === null`).join(' || ');
  return buildFunction(`function keyTuple(r) { ${vars} return ${nulls} ? null : [${codes.map((_c, i) => `v${i}`).join(', ')}]; }`, consts, helpers);
}

/** The joined row of a left and a right row, compiled: `{ a: l.a, id: l.id, id0: r.id }`. */
export function combineFunction(left: readonly Column[], right: readonly Column[], renamed: ReadonlyMap<string, string>): (l: Row, r: Row) => Row {
  const consts = new Constants();
  const fields = [
    ...left.map((c) => `${propertyKey(c.name, consts)}: ${propertyAccess('l', c.name, consts)}`),
    ...right.map((c) => `${propertyKey(renamed.get(c.name)!, consts)}: ${propertyAccess('r', c.name, consts)}`),
  ];
  return buildFunction(`function combine(l, r) { return { ${fields.join(', ')} }; }`, consts, helpers);
}

export function equalsFunction(columns: readonly Column[]): (a: Row, b: Row) => boolean {
  const consts = new Constants();
  const parts = columns.map((c) => `${propertyAccess('a', c.name, consts)} === ${propertyAccess('b', c.name, consts)}`);
  return buildFunction(`function equals(a, b) { return ${parts.join(' && ') || 'true'}; }`, consts, helpers);
}

export function nullRow(columns: readonly Column[]): Row {
  const row: Row = {};
  for (const c of columns) row[c.name] = null;
  return row;
}
