import { SqlError, type SqlPosition } from './sql-error.js';

export type TokenType = 'ident' | 'quoted' | 'number' | 'string' | 'op' | 'eof';

/** One token; `value` of an unquoted identifier or keyword keeps its spelling, `upper` is for matching keywords. */
export interface Token {
  readonly type: TokenType;
  readonly value: string;
  readonly upper: string;
  readonly pos: SqlPosition;
}

const IDENT_START = /[A-Za-z_]/;
const IDENT = /[A-Za-z_][A-Za-z0-9_$]*/y;
const DIGIT = /[0-9]/;
const NUMBER = /[0-9]*(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?/y;
const OPERATORS = ['<>', '!=', '<=', '>=', '||', '=', '<', '>', '+', '-', '*', '/', '%', '(', ')', '[', ']', ',', '.', ';'];

/**
 * Splits SQL text into tokens: identifiers (plain or `back-quoted`), numbers, 'strings' (with ''
 * for a quote), operators; skips whitespace, `-- line` and `/* block *\/` comments.
 *
 * @example
 * tokenize('SELECT a FROM t').map((t) => t.value) // ['SELECT', 'a', 'FROM', 't', '']
 */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = (at: number): SqlPosition => ({ offset: at, line, column: at - lineStart + 1 });
  const fail = (msg: string, at: number): never => {
    throw new SqlError(msg, pos(at), sql);
  };
  const push = (type: TokenType, value: string, at: number) =>
    tokens.push({ type, value, upper: type === 'ident' ? value.toUpperCase() : value, pos: pos(at) });
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
    } else if (c === ' ' || c === '\t' || c === '\r') i++;
    else if (c === '-' && sql[i + 1] === '-') while (i < sql.length && sql[i] !== '\n') i++;
    else if (c === '/' && sql[i + 1] === '*') {
      const start = i;
      i += 2;
      while (i < sql.length && !(sql[i] === '*' && sql[i + 1] === '/')) {
        if (sql[i] === '\n') {
          line++;
          lineStart = i + 1;
        }
        i++;
      }
      if (i >= sql.length) fail('Unterminated comment', start);
      i += 2;
    } else if (IDENT_START.test(c)) {
      IDENT.lastIndex = i;
      IDENT.test(sql);
      push('ident', sql.slice(i, IDENT.lastIndex), i);
      i = IDENT.lastIndex;
    } else if (DIGIT.test(c) || (c === '.' && DIGIT.test(sql[i + 1] ?? ''))) {
      NUMBER.lastIndex = i;
      NUMBER.test(sql);
      push('number', sql.slice(i, NUMBER.lastIndex), i);
      i = NUMBER.lastIndex;
    } else if (c === "'" || c === '`') {
      const start = i;
      // A literal's position is where it starts, which may be on an earlier line than its end.
      const at = pos(start);
      let text = '';
      i++;
      for (;;) {
        if (i >= sql.length) fail(c === "'" ? 'Unterminated string literal' : 'Unterminated quoted identifier', start);
        const d = sql[i]!;
        if (d === c && sql[i + 1] === c) {
          text += c;
          i += 2;
        } else if (d === c) {
          i++;
          break;
        } else {
          if (d === '\n') {
            line++;
            lineStart = i + 1;
          }
          text += d;
          i++;
        }
      }
      tokens.push({ type: c === "'" ? 'string' : 'quoted', value: text, upper: text, pos: at });
    } else {
      const op = OPERATORS.find((o) => sql.startsWith(o, i));
      if (!op) fail(`Unexpected character '${c}'`, i);
      push('op', op!, i);
      i += op!.length;
    }
  }
  push('eof', '', i);
  return tokens;
}
