import { SqlError, type SqlPosition } from './sql-error.js';

export type TokenType = 'ident' | 'quoted' | 'number' | 'string' | 'op' | 'eof';

/** One token; `value` of an unquoted identifier or keyword keeps its spelling, `upper` is for matching keywords. */
export interface Token {
  readonly type: TokenType;
  readonly value: string;
  readonly upper: string;
  readonly pos: SqlPosition;
}

const OPERATORS = ['<>', '!=', '<=', '>=', '||', '=', '<', '>', '+', '-', '*', '/', '%', '(', ')', ',', '.', ';'];

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
  const push = (type: TokenType, value: string, at: number) => tokens.push({ type, value, upper: type === 'ident' ? value.toUpperCase() : value, pos: pos(at) });
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
    } else if (/[A-Za-z_]/.test(c)) {
      const start = i;
      while (i < sql.length && /[A-Za-z0-9_$]/.test(sql[i]!)) i++;
      push('ident', sql.slice(start, i), start);
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const start = i;
      while (i < sql.length && /[0-9]/.test(sql[i]!)) i++;
      if (sql[i] === '.') for (i++; i < sql.length && /[0-9]/.test(sql[i]!); ) i++;
      if (/[eE]/.test(sql[i] ?? '') && /[-+0-9]/.test(sql[i + 1] ?? '')) for (i += 2; i < sql.length && /[0-9]/.test(sql[i]!); ) i++;
      push('number', sql.slice(start, i), start);
    } else if (c === "'" || c === '`') {
      const start = i;
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
      // Position of the literal is where it starts, which may be on an earlier line.
      tokens.push({ type: c === "'" ? 'string' : 'quoted', value: text, upper: text, pos: positionOf(sql, start) });
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

/** Line and column of `offset` in `sql`. */
export function positionOf(sql: string, offset: number): SqlPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) if (sql[i] === '\n') {
    line++;
    lineStart = i + 1;
  }
  return { offset, line, column: offset - lineStart + 1 };
}
