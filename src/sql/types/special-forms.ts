import type { Expr } from '../ast.js';
import type { TokenCursor } from '../token-cursor.js';

/**
 * Calls whose arguments are not a plain list: `EXTRACT(unit FROM x)`, `POSITION(a IN b)`,
 * `FLOOR(x TO unit)`, `CEIL(x TO unit)`, `ARRAY[...]`, `MAP[...]`. They become ordinary calls
 * (a unit as a string literal: `EXTRACT`, `FLOOR_TO`, `CEIL_TO`). Undefined when the next tokens are
 * not one of these forms (`FLOOR(x)` is a plain call, read by the caller).
 */
export function specialForm(c: TokenCursor, expression: () => Expr, operand: () => Expr): Expr | undefined {
  const t = c.peek();
  const pos = t.pos;
  if ((t.upper === 'ARRAY' || t.upper === 'MAP') && c.isOp('[', 1)) {
    c.next();
    c.next();
    const args: Expr[] = [];
    if (!c.isOp(']'))
      do args.push(expression());
      while (c.acceptOp(','));
    c.expectOp(']');
    return { kind: 'call', name: t.upper, args, pos };
  }
  if (!c.isOp('(', 1)) return undefined;
  const unitLiteral = (): Expr => {
    const u = c.peek();
    const word = c.identifier('a time unit');
    return { kind: 'literal', value: word, type: 'string', pos: u.pos };
  };
  if (t.upper === 'EXTRACT') {
    c.next();
    c.next();
    const unit = unitLiteral();
    c.expectKeyword('FROM');
    const arg = expression();
    c.expectOp(')');
    return { kind: 'call', name: 'EXTRACT', args: [unit, arg], pos };
  }
  if (t.upper === 'POSITION') {
    c.next();
    c.next();
    const needle = operand();
    c.expectKeyword('IN');
    const haystack = expression();
    c.expectOp(')');
    return { kind: 'call', name: 'POSITION', args: [needle, haystack], pos };
  }
  if (t.upper === 'FLOOR' || t.upper === 'CEIL') {
    // FLOOR(x TO unit) or FLOOR(x): read x, then decide.
    c.next();
    c.next();
    const arg = expression();
    if (c.acceptKeyword('TO')) {
      const unit = unitLiteral();
      c.expectOp(')');
      return { kind: 'call', name: `${t.upper}_TO`, args: [arg, unit], pos };
    }
    c.expectOp(')');
    return { kind: 'call', name: t.upper, args: [arg], pos };
  }
  return undefined;
}

/** `a[i]` and `m['k']` after a primary expression, as calls of ITEM. */
export function postfix(c: TokenCursor, e: Expr, expression: () => Expr): Expr {
  let out = e;
  while (c.isOp('[')) {
    const pos = c.next().pos;
    const index = expression();
    c.expectOp(']');
    out = { kind: 'call', name: 'ITEM', args: [out, index], pos };
  }
  return out;
}
