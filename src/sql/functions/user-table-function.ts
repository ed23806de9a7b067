import type { Column } from '../expression-compiler.js';
import type { FunctionDefinition } from './function-definition.js';

/**
 * A table function written in TypeScript, as Flink's TableFunction: `eval` gets the argument
 * values (NULL as `null`) and returns the rows it produces for them, as any iterable (an array, a
 * generator); `null`/`undefined` produce none. With one column each item is that column's value;
 * with several, an array of the values in column order or an object keyed by column name.
 * `columns` maps each column name to its SQL type. Used in FROM as `LATERAL TABLE(fn(...))`.
 *
 * @example
 * tEnv.createTemporarySystemFunction('split', tableFunction({
 *   columns: { word: 'STRING', length: 'INT' },
 *   *eval(s: string | null) { for (const w of s?.split(' ') ?? []) yield [w, w.length]; },
 * }));
 * tEnv.sqlQuery('SELECT id, word, length FROM docs, LATERAL TABLE(split(body)) AS T(word, length)');
 */
export interface TableFunction {
  readonly kind: 'table';
  readonly columns: Readonly<Record<string, string>>;
  eval(...args: any[]): Iterable<unknown> | null | undefined;
}

/** Marks `def` as a table function for `createTemporarySystemFunction` (see {@link TableFunction}). */
export function tableFunction(def: Omit<TableFunction, 'kind'>): TableFunction {
  return { kind: 'table', columns: def.columns, eval: (...args: unknown[]) => def.eval(...args) };
}

/** A table function as the planner uses it: its definition and its columns, typed. */
export interface ResolvedTableFunction {
  readonly name: string;
  readonly fn: TableFunction;
  readonly columns: readonly Column[];
}

/** The catalog entry of a table function: called as a scalar function, it says where it belongs. */
export function tableFunctionEntry(resolved: ResolvedTableFunction): FunctionDefinition & { readonly table: ResolvedTableFunction } {
  return {
    name: resolved.name,
    table: resolved,
    compile: (_args, ctx) =>
      ctx.fail(`'${resolved.name}' is a table function: call it in FROM, as LATERAL TABLE(${resolved.name}(...)) after a comma or JOIN`, ctx.pos),
  };
}
