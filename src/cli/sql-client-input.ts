import { tokenize, type Token } from '../sql/lexer.js';

/** Words that end the client (`QUIT;`, `EXIT;`), as in Flink's SQL client. */
const QUIT = new Set(['QUIT', 'EXIT']);

/**
 * Whether the lines typed so far make whole statements: the text ends with `;` outside strings,
 * quoted names and comments, and a statement set (`BEGIN STATEMENT SET; ...` or
 * `EXECUTE STATEMENT SET BEGIN ...`) has reached its `END;`. Unterminated strings and comments
 * keep reading, so a `;` inside them does not end the statement.
 *
 * @example
 * statementComplete("SELECT ';'") // false
 * statementComplete("SELECT 1;")  // true
 */
export function statementComplete(text: string): boolean {
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch {
    // An unterminated string or comment: the statement goes on on the next line.
    return false;
  }
  const t = tokens.filter((k) => k.type !== 'eof');
  if (t.length === 0 || !isSemicolon(t[t.length - 1])) return false;
  // A statement set ends at `END;`, not at the `;` after each INSERT.
  return !opensStatementSet(t) || isWord(t[t.length - 2], 'END');
}

/** `QUIT;` or `EXIT;` (any case, with or without the `;`). */
export function isQuit(text: string): boolean {
  return QUIT.has(text.trim().replace(/;$/, '').trim().toUpperCase());
}

function opensStatementSet(t: readonly Token[]): boolean {
  let i = 0;
  if (isWord(t[i], 'EXPLAIN')) i++;
  if (isWord(t[i], 'BEGIN')) return isWord(t[i + 1], 'STATEMENT');
  if (isWord(t[i], 'EXECUTE')) i++;
  return isWord(t[i], 'STATEMENT') && isWord(t[i + 1], 'SET');
}

const isWord = (t: Token | undefined, w: string) => t !== undefined && t.type === 'ident' && t.upper === w;
const isSemicolon = (t: Token | undefined) => t !== undefined && t.type === 'op' && t.value === ';';
