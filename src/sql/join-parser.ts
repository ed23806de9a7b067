import type { JoinRef, SubqueryRef, TableRef, WindowTvf } from './ast.js';
import type { ExpressionParser } from './expression-parser.js';
import { SqlError } from './sql-error.js';
import type { TokenCursor } from './token-cursor.js';

type FromItem = { kind: 'table'; ref: TableRef } | SubqueryRef | WindowTvf;

/**
 * The joins that follow the first item of FROM, left-deep as SQL reads them:
 * `a JOIN b ON ... LEFT JOIN c ON ...` is `(a JOIN b) LEFT JOIN c`. A comma or `CROSS JOIN` is a
 * join without ON (type 'CROSS'); its equality comes from WHERE.
 *
 * @example
 * // FROM auction AS A INNER JOIN person AS P ON A.seller = P.id
 * parseJoins(cursor, expressions, { name, alias: 'A' }, nextItem) // { kind: 'join', type: 'INNER', ... }
 */
export function parseJoins(c: TokenCursor, e: ExpressionParser, first: TableRef | SubqueryRef | WindowTvf, item: () => FromItem): JoinRef {
  let left: JoinRef | TableRef | SubqueryRef | WindowTvf = first;
  const isJoin = (x: typeof left): x is JoinRef => 'kind' in x && x.kind === 'join';
  for (;;) {
    const t = c.peek();
    // `a NATURAL JOIN b` reads NATURAL as a's alias.
    const last = isJoin(left) ? left.right : left;
    if (last.alias?.toUpperCase() === 'NATURAL' && c.isKeyword('JOIN'))
      throw new SqlError('NATURAL JOIN is not supported yet; write the condition with ON', c.tokens[c.tokens.indexOf(t) - 1]?.pos ?? t.pos, c.sql);
    let type: JoinRef['type'];
    if (c.acceptOp(',')) type = 'CROSS';
    else if (c.acceptKeyword('CROSS')) {
      if (c.isKeyword('APPLY')) throw new SqlError('CROSS APPLY is not supported', c.peek().pos, c.sql);
      c.expectKeyword('JOIN');
      type = 'CROSS';
    } else if (c.acceptKeyword('JOIN') || c.acceptKeyword('INNER', 'JOIN')) type = 'INNER';
    else if (c.isKeyword('LEFT') || c.isKeyword('RIGHT') || c.isKeyword('FULL')) {
      type = c.next().upper as 'LEFT' | 'RIGHT' | 'FULL';
      c.acceptKeyword('OUTER');
      c.expectKeyword('JOIN');
    } else if (c.isKeyword('NATURAL')) throw new SqlError('NATURAL JOIN is not supported yet; write the condition with ON', t.pos, c.sql);
    else if (isJoin(left)) return left;
    else return c.fail('Expected JOIN');
    if (c.isKeyword('LATERAL')) throw new SqlError('LATERAL joins (table functions) are not supported yet', c.peek().pos, c.sql);
    const next = item();
    const right = next.kind === 'table' ? next.ref : next;
    let on;
    let onEnd;
    if (type !== 'CROSS') {
      // `b USING (k)` reads USING as b's alias.
      if (right.alias?.toUpperCase() === 'USING' && c.isOp('('))
        throw new SqlError('JOIN ... USING is not supported yet; write the condition with ON', t.pos, c.sql);
      if (c.isKeyword('USING')) throw new SqlError('JOIN ... USING is not supported yet; write the condition with ON', c.peek().pos, c.sql);
      c.expectKeyword('ON');
      on = e.expression();
      onEnd = c.peek().pos.offset;
    }
    left = { kind: 'join', type, left, right, on, ...(onEnd !== undefined ? { onEnd } : {}), pos: t.pos };
  }
}
