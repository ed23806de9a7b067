import type { Expr } from '../ast.js';
import type { Compiled } from '../expression-compiler.js';
import type { SqlPosition } from '../sql-error.js';
import { formatType, T, type SqlType } from '../sql-types.js';
import type { TypeContext } from '../types/typed-operators.js';

/** What a function's compile step may use: the compiler's own steps, constants, errors at the call. */
export interface FunctionContext extends TypeContext {
  readonly name: string;
  readonly pos: SqlPosition;
  compile(e: Expr): Compiled;
  cast(a: Compiled, to: SqlType): Compiled;
}

/**
 * A scalar function: it type-checks its arguments and returns the code of the call, once per query.
 * Most are made with `scalar`; a few (TIMESTAMPADD's unit, EXTRACT) read their arguments as written.
 */
export interface FunctionDefinition {
  readonly name: string;
  compile(args: readonly Expr[], ctx: FunctionContext): Compiled;
}

/** What an argument must be: `STRING`, `INTEGER` (INT, BIGINT), `NUMBER` (as DOUBLE), `NUMERIC` (kept), `TEMPORAL` (TIMESTAMP, TIMESTAMP_LTZ, DATE), `ANY`. */
export type Param = 'STRING' | 'INTEGER' | 'NUMBER' | 'NUMERIC' | 'TEMPORAL' | 'BOOLEAN' | 'ANY';

export interface ScalarSpec {
  readonly params: readonly Param[];
  /** How many of the last params may be left out. */
  readonly optional?: number;
  /** The last param repeats. */
  readonly variadic?: boolean;
  readonly result: SqlType | ((args: readonly Compiled[]) => SqlType);
  /** Called with non-NULL arguments (a NULL argument makes the result NULL), unless `nulls` is set. */
  readonly impl: (...args: any[]) => unknown;
  /** The function sees NULL arguments itself (CONCAT_WS skips them). */
  readonly nulls?: boolean;
  /** The result may be NULL even when no argument is (REGEXP_EXTRACT without a match). */
  readonly nullable?: boolean;
}

export function argCountError(name: string, spec: Pick<ScalarSpec, 'params' | 'optional' | 'variadic'>, n: number): string | undefined {
  const max = spec.variadic ? Infinity : spec.params.length;
  const min = spec.params.length - (spec.optional ?? 0) - (spec.variadic ? 1 : 0);
  if (n >= min && n <= max) return undefined;
  const range = max === Infinity ? `at least ${min}` : min === max ? `${min}` : `${min} to ${max}`;
  return `${name} takes ${range} argument${max === 1 ? '' : 's'}, not ${n}`;
}

/** Checks and converts one argument to what `p` asks for. */
export function coerce(a: Compiled, p: Param, ctx: FunctionContext): Compiled {
  const n = a.type.name;
  if (n === 'NULL' || p === 'ANY') return a;
  const bad = (what: string) => ctx.fail(`${ctx.name} expects ${what}, not ${formatType(a.type)}`, ctx.pos);
  switch (p) {
    case 'STRING':
      return n === 'STRING' ? a : bad('a STRING');
    case 'BOOLEAN':
      return n === 'BOOLEAN' ? a : bad('a BOOLEAN');
    case 'INTEGER':
      return n === 'INT' || n === 'BIGINT' ? a : bad('an integer');
    case 'NUMBER':
      if (n === 'INT' || n === 'BIGINT' || n === 'DOUBLE') return a;
      return n === 'DECIMAL' ? ctx.cast(a, T.DOUBLE) : bad('a number');
    case 'NUMERIC':
      return n === 'INT' || n === 'BIGINT' || n === 'DOUBLE' || n === 'DECIMAL' ? a : bad('a number');
    case 'TEMPORAL':
      if (n === 'TIMESTAMP' || n === 'TIMESTAMP_LTZ') return a;
      if (n === 'DATE') return ctx.cast(a, T.TIMESTAMP);
      return bad('a TIMESTAMP or DATE');
  }
}

/**
 * A function over values: arguments checked and converted by `params`, NULL in NULL out, and
 * `impl` called from the generated code as a constant.
 *
 * @example
 * scalar('REPLACE', { params: ['STRING', 'STRING', 'STRING'], result: T.STRING, impl: (s, a, b) => s.split(a).join(b) })
 */
export function scalar(name: string, spec: ScalarSpec): FunctionDefinition {
  return {
    name,
    compile(args, ctx) {
      const err = argCountError(name, spec, args.length);
      if (err) ctx.fail(err, ctx.pos);
      const compiled = args.map((e, i) => coerce(ctx.compile(e), spec.params[Math.min(i, spec.params.length - 1)]!, ctx));
      const type = typeof spec.result === 'function' ? spec.result(compiled) : spec.result;
      const anyNull = compiled.some((c) => c.type.name === 'NULL');
      if (anyNull && !spec.nulls) return { code: 'null', type, nullable: true };
      const nullable = compiled.some((c) => c.nullable);
      const impl = spec.impl;
      const fn = spec.nulls || !nullable ? impl : strict(impl, compiled.length);
      return { code: `${ctx.ref(fn)}(${compiled.map((c) => c.code).join(', ')})`, type, nullable: nullable || spec.nullable === true };
    },
  };
}

/** `f` with NULL in, NULL out, for fixed small arities without rest parameters (V8 inlines these). */
function strict(f: (...a: any[]) => unknown, n: number): (...a: any[]) => unknown {
  switch (n) {
    case 1:
      return (a: unknown) => (a === null ? null : f(a));
    case 2:
      return (a: unknown, b: unknown) => (a === null || b === null ? null : f(a, b));
    case 3:
      return (a: unknown, b: unknown, c: unknown) => (a === null || b === null || c === null ? null : f(a, b, c));
    default:
      return (...a: unknown[]) => (a.includes(null) ? null : f(...a));
  }
}
