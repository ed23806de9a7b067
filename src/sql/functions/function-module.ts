import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { SqlError, type SqlPosition } from '../sql-error.js';
import type { ScalarFunction } from './user-function.js';
import type { AggregateFunction } from './user-aggregate-function.js';
import type { TableFunction } from './user-table-function.js';

/**
 * The function `CREATE FUNCTION name AS 'module#export'` names: the module (a path, relative to the
 * working directory, or a package name) is loaded at once, synchronously, and its export (`default`
 * without `#export`) must be a scalar function object (`{ resultType, eval }`), a table function
 * (`tableFunction(...)`, or an object with `kind: 'table'`, `columns` and `eval`), an aggregate
 * function (`aggregateFunction(...)`, or an object with `kind: 'aggregate'`), or a function with a
 * `resultType` property.
 *
 * @example
 * loadFunctionModule('./udfs.js#split', pos, sql) // the `split` export of ./udfs.js
 */
export function loadFunctionModule(identifier: string, pos: SqlPosition, sql: string): ScalarFunction | TableFunction | AggregateFunction {
  const at = identifier.lastIndexOf('#');
  const path = at < 0 ? identifier : identifier.slice(0, at);
  const exportName = at < 0 ? 'default' : identifier.slice(at + 1);
  const fail = (msg: string): never => {
    throw new SqlError(`CREATE FUNCTION '${identifier}': ${msg}`, pos, sql);
  };
  if (path === '') fail("name a module, such as './functions.js#split'");
  const cwd = process.cwd();
  const specifier = path.startsWith('.') || isAbsolute(path) ? resolve(cwd, path) : path;
  let mod: Record<string, unknown>;
  try {
    // require() loads ES modules synchronously too (Node 20.19+), so the statement completes at once.
    mod = createRequire(join(cwd, 'weir-functions.cjs'))(specifier) as Record<string, unknown>;
  } catch (err) {
    return fail(`cannot load module '${path}': ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  const fn = exportName === 'default' ? (mod.default ?? mod) : mod[exportName];
  if (fn === undefined || fn === null) {
    const names = Object.keys(mod).filter((k) => k !== '__esModule');
    return fail(`module '${path}' has no export '${exportName}'${names.length > 0 ? ` (it exports ${names.join(', ')})` : ''}`);
  }
  const described = fn as Partial<ScalarFunction & { kind: string }>;
  if (typeof fn === 'function' && typeof described.resultType === 'string')
    return { resultType: described.resultType, eval: fn as (...args: unknown[]) => unknown };
  if (typeof fn === 'object' && described.kind === 'table' && typeof described.eval === 'function') return fn as TableFunction;
  if (typeof fn === 'object' && described.kind === 'aggregate') return fn as AggregateFunction;
  if (typeof fn === 'object' && typeof described.resultType === 'string' && typeof described.eval === 'function') return fn as ScalarFunction;
  return fail(
    `export '${exportName}' is not a function Weir can register: export { resultType, eval } (a scalar function), tableFunction(...), aggregateFunction(...), or a function with a resultType property`,
  );
}
