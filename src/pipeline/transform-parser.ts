import { ConfigError } from '../core/errors.js';
import type { Expr } from '../sql/ast.js';
import { ExpressionParser, RESERVED } from '../sql/expression-parser.js';
import { tokenize } from '../sql/lexer.js';
import { SqlError } from '../sql/sql-error.js';
import { TokenCursor } from '../sql/token-cursor.js';

/** A parsed expression with the text it was written as (for errors) and the projection or filter text it came from. */
export interface ParsedExpression {
  readonly expr: Expr;
  readonly text: string;
  readonly source: string;
}

/**
 * One item of a projection: `*`, a bare name (a source column, renamed or not, or else a metadata
 * column, which is computed), or a computed column.
 */
export type ProjectionItem =
  | { readonly kind: 'star' }
  | ({ readonly kind: 'column'; readonly from: string; readonly to: string } & ParsedExpression)
  | ({ readonly kind: 'computed'; readonly to: string } & ParsedExpression);

/** Flink CDC's documentation writes `\*` (YAML would read a bare `*` as an alias): both stand for all columns. */
const unescapeStar = (text: string): string => text.replace(/(^|[\s,])\\\*/g, '$1 *');

function syntax<T>(where: string, text: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof SqlError) throw new ConfigError(`${where}: '${text.trim()}': ${e.message}`);
    throw e;
  }
}

/**
 * `*, a, b AS c, UPPER(d) AS e`: each item a SQL expression with an optional alias. A bare column
 * stays a source column (its exact type is kept); anything else is computed, and needs an alias
 * unless it is a column.
 *
 * @example
 * parseProjection('id, UPPER(name) AS name_uc', 'transform[0].projection')
 */
export function parseProjection(text: string, where: string): ProjectionItem[] {
  const sql = unescapeStar(text);
  return syntax(where, text, () => {
    const c = new TokenCursor(tokenize(sql), sql);
    const parser = new ExpressionParser(c);
    const items: ProjectionItem[] = [];
    do {
      const start = c.peek().pos.offset;
      const expr = parser.expression();
      const end = c.peek().pos.offset;
      let alias: string | undefined;
      if (c.acceptKeyword('AS')) alias = c.identifier('an alias');
      else if (c.peek().type === 'quoted' || (c.peek().type === 'ident' && !RESERVED.has(c.peek().upper))) alias = c.next().value;
      const itemText = sql.slice(start, end).trim();
      if (expr.kind === 'star') {
        if (expr.qualifier !== undefined || alias !== undefined) throw new ConfigError(`${where}: '${itemText}': write * alone for all columns`);
        items.push({ kind: 'star' });
      } else if (expr.kind === 'column' && expr.name.parts.length === 1) {
        items.push({ kind: 'column', from: expr.name.parts[0]!, to: alias ?? expr.name.parts[0]!, expr, text: itemText, source: sql });
      } else {
        if (alias === undefined) throw new ConfigError(`${where}: '${itemText}' needs a name: write '${itemText} AS name'`);
        items.push({ kind: 'computed', to: alias, expr, text: itemText, source: sql });
      }
    } while (c.acceptOp(','));
    if (c.peek().type !== 'eof') c.fail("Expected ',' or the end of the projection");
    const seen = new Set<string>();
    for (const i of items)
      if (i.kind !== 'star') {
        if (seen.has(i.to)) throw new ConfigError(`${where}: column ${i.to} is named twice`);
        seen.add(i.to);
      }
    return items;
  });
}

/** A filter: one SQL boolean expression over the source columns and the metadata columns. */
export function parseFilter(text: string, where: string): ParsedExpression {
  return syntax(where, text, () => {
    const c = new TokenCursor(tokenize(text), text);
    const expr = new ExpressionParser(c).expression();
    if (c.peek().type !== 'eof') c.fail('Expected the end of the filter');
    return { expr, text: text.trim(), source: text };
  });
}
