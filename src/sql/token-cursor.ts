import type { Token } from './lexer.js';
import { SqlError } from './sql-error.js';

/** Reading position in a token list, with the helpers both parsers share. */
export class TokenCursor {
  private i = 0;
  constructor(
    readonly tokens: readonly Token[],
    readonly sql: string,
  ) {}

  peek(ahead = 0): Token {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)]!;
  }
  next(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }
  /** Whether the next token is keyword `word` (unquoted, any case). */
  isKeyword(word: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'ident' && t.upper === word;
  }
  isOp(op: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.type === 'op' && t.value === op;
  }
  acceptKeyword(...words: string[]): boolean {
    if (!words.every((w, k) => this.isKeyword(w, k))) return false;
    for (const _ of words) this.next();
    return true;
  }
  acceptOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.next();
    return true;
  }
  expectKeyword(...words: string[]): void {
    for (const w of words) if (!this.acceptKeyword(w)) this.fail(`Expected ${w}`);
  }
  expectOp(op: string): void {
    if (!this.acceptOp(op)) this.fail(`Expected '${op}'`);
  }
  /** An identifier (plain or back-quoted). */
  identifier(what = 'an identifier'): string {
    const t = this.peek();
    if (t.type !== 'ident' && t.type !== 'quoted') this.fail(`Expected ${what}`);
    return this.next().value;
  }
  string(what = 'a string literal'): string {
    if (this.peek().type !== 'string') this.fail(`Expected ${what}`);
    return this.next().value;
  }
  /** Fails at the next token: "<msg> but found X". */
  fail(msg: string, at: Token = this.peek()): never {
    const found =
      at.type === 'eof' ? 'the end of the statement' : at.type === 'string' ? `'${at.value}'` : at.type === 'quoted' ? `\`${at.value}\`` : `'${at.value}'`;
    throw new SqlError(`${msg} but found ${found}`, at.pos, this.sql);
  }
}
