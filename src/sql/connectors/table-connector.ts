import type { Sink } from '../../core/sink.js';
import type { Source } from '../../core/source.js';
import type { Column } from '../expression-compiler.js';
import type { Row } from '../operators/calc-operator.js';

/** What a connector learns about the table it reads or writes. */
export interface TableContext {
  readonly table: string;
  /** Physical columns (computed columns are derived after the source). */
  readonly columns: readonly Column[];
  readonly options: ReadonlyMap<string, string>;
  /** Fails naming the option and the table. */
  fail(message: string): never;
}

/**
 * A connector as SQL sees it: Flink's name, the options it reads, and a source and/or a sink.
 * Option keys may contain `#` for a column name (`fields.#.kind`).
 */
export interface TableConnector {
  readonly name: string;
  readonly options: readonly string[];
  /**
   * A source of raw rows: objects keyed by column name whose values the planner converts to the
   * column types (`text`: strings as read from a file; `typed`: values already of the right type).
   */
  source?(ctx: TableContext): { readonly source: Source<Row, any>; readonly values: 'text' | 'typed' };
  /** A sink of rows in their external form (TIMESTAMP as text). */
  sink?(ctx: TableContext): Sink<Row>;
}

/** Option `key` as a number, or `fallback`. */
export function numberOption(ctx: TableContext, key: string, fallback?: number): number | undefined {
  const v = ctx.options.get(key);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v.trim() === '' || Number.isNaN(n)) ctx.fail(`option '${key}' must be a number, not '${v}'`);
  return n;
}
