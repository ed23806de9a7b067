import { WeirError } from '../core/errors.js';

/** Where in the SQL text something is: 0-based offset, 1-based line and column. */
export interface SqlPosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/**
 * An error in a SQL statement: syntax, an unknown name, a type mismatch, or a feature Weir does not
 * support yet. With a position, the message ends with the offending line and a caret under it.
 *
 * @example
 * try { tEnv.executeSql('SELEC 1'); } catch (e) { if (e instanceof SqlError) console.error(e.message); }
 */
export class SqlError extends WeirError {
  constructor(
    readonly reason: string,
    readonly position?: SqlPosition,
    sql?: string,
  ) {
    super(position && sql !== undefined ? `${reason} (line ${position.line}, column ${position.column})\n${caretUnder(sql, position)}` : reason);
    this.name = 'SqlError';
  }
}

/** The line of `sql` at `pos`, and a caret under its column. */
export function caretUnder(sql: string, pos: SqlPosition): string {
  const text = sql.split(/\r?\n/)[pos.line - 1] ?? '';
  return `  ${text}\n  ${' '.repeat(Math.max(0, pos.column - 1))}^`;
}
