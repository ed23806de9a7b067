import type { JoinRef, LateralTable, SubqueryRef, TableRef, WindowTvf } from './ast.js';
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
    let right: JoinRef['right'];
    if (c.isKeyword('LATERAL')) {
      right = lateralTable(c, e);
      if (type === 'RIGHT' || type === 'FULL')
        throw new SqlError(`${type} JOIN LATERAL TABLE is not supported (as in Flink): use LEFT JOIN ... ON TRUE`, t.pos, c.sql);
    } else {
      const next = item();
      right = next.kind === 'table' ? next.ref : next;
    }
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
      if ('kind' in right && right.kind === 'lateral' && type === 'LEFT' && !(on.kind === 'literal' && on.value === true))
        throw new SqlError('LEFT JOIN LATERAL TABLE(...) takes only ON TRUE (as in Flink); filter its rows in WHERE', on.pos, c.sql);
    }
    left = { kind: 'join', type, left, right, on, ...(onEnd !== undefined ? { onEnd } : {}), pos: t.pos };
  }
}

/** `LATERAL TABLE(fn(args)) [AS] alias[(col, ...)]`. */
function lateralTable(c: TokenCursor, e: ExpressionParser): LateralTable {
  const pos = c.next().pos;
  c.expectKeyword('TABLE');
  c.expectOp('(');
  const at = c.peek();
  const call = e.expression();
  if (call.kind !== 'call') return c.fail('Expected a table function call such as split(s)', at);
  c.expectOp(')');
  let alias: string | undefined;
  let columns: string[] | undefined;
  if (c.acceptKeyword('AS') || c.peek().type === 'quoted' || (c.peek().type === 'ident' && !NOT_ALIAS.has(c.peek().upper))) {
    alias = c.identifier('an alias');
    if (c.acceptOp('(')) {
      columns = [c.identifier('a column name')];
      while (c.acceptOp(',')) columns.push(c.identifier('a column name'));
      c.expectOp(')');
    }
  }
  return { kind: 'lateral', call, alias, columns, pos };
}

/** Words after a LATERAL TABLE(...) that are not its alias. */
const NOT_ALIAS = new Set([
  'ON',
  'WHERE',
  'GROUP',
  'HAVING',
  'ORDER',
  'LIMIT',
  'JOIN',
  'INNER',
  'LEFT',
  'RIGHT',
  'FULL',
  'CROSS',
  'UNION',
  'EXCEPT',
  'INTERSECT',
  'WINDOW',
]);
