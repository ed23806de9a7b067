import { typeNamed, type SqlType } from '../sql-types.js';
import type { TokenCursor } from '../token-cursor.js';

/**
 * Reads a type as Flink writes it: `INT`, `DECIMAL(10, 2)`, `TIMESTAMP(3)`,
 * `TIMESTAMP(3) WITH LOCAL TIME ZONE`, `ARRAY<INT>`, `MAP<STRING, INT>`, `ROW<a INT, b STRING>`
 * (or `ROW(a INT, b STRING)`). `NOT NULL` of the outer type is left to the caller; inside a
 * nested type it is read and not kept.
 *
 * @example
 * parseType(new TokenCursor(tokenize('MAP<STRING, DECIMAL(10, 2)>'), sql)) // { name: 'MAP', key: STRING, value: DECIMAL(10, 2) }
 */
export function parseType(c: TokenCursor): SqlType {
  const t = c.peek();
  if (t.type !== 'ident') c.fail('Expected a type');
  c.next();
  if (t.upper === 'ARRAY' && c.acceptOp('<')) {
    const element = nested(c);
    c.expectOp('>');
    return { name: 'ARRAY', element };
  }
  if (t.upper === 'MAP' && c.acceptOp('<')) {
    const key = nested(c);
    c.expectOp(',');
    const value = nested(c);
    c.expectOp('>');
    return { name: 'MAP', key, value };
  }
  if (t.upper === 'ROW' && (c.isOp('<') || c.isOp('('))) {
    const close = c.next().value === '<' ? '>' : ')';
    const fields: { name: string; type: SqlType }[] = [];
    if (!c.isOp(close))
      do {
        const name = c.identifier('a field name');
        fields.push({ name, type: nested(c) });
      } while (c.acceptOp(','));
    c.expectOp(close);
    return { name: 'ROW', fields };
  }
  let precision: number | undefined;
  let scale: number | undefined;
  if (c.acceptOp('(')) {
    const p = c.next();
    if (p.type !== 'number') c.fail('Expected a number', p);
    precision = Number(p.value);
    if (c.acceptOp(',')) {
      const s = c.next();
      if (s.type !== 'number') c.fail('Expected a number', s);
      scale = Number(s.value);
    }
    c.expectOp(')');
  }
  let upper = t.upper;
  if (upper === 'TIMESTAMP' && c.acceptKeyword('WITH', 'LOCAL', 'TIME', 'ZONE')) upper = 'TIMESTAMP_LTZ';
  else if ((upper === 'TIMESTAMP' || upper === 'TIME') && c.acceptKeyword('WITHOUT', 'TIME', 'ZONE')) {
    // the default
  }
  return typeNamed(upper, precision, t.pos, c.sql, scale);
}

function nested(c: TokenCursor): SqlType {
  const type = parseType(c);
  c.acceptKeyword('NOT', 'NULL');
  c.acceptKeyword('NULL');
  return type;
}
