import { SqlError } from '../sql-error.js';
import { formatType, type SqlType } from '../sql-types.js';
import type { FunctionDefinition } from './function-definition.js';

/**
 * A scalar function written in TypeScript, as Flink's ScalarFunction: `eval` gets the argument
 * values (NULL as `null`) and returns a value of `resultType` (`null` or `undefined` for NULL).
 *
 * @example
 * tEnv.createTemporarySystemFunction('count_char', { resultType: 'INT', eval: (s: string | null, c: string | null) => (s === null || c === null ? null : s.split(c).length - 1) });
 */
export interface ScalarFunction {
  readonly resultType: string;
  eval(...args: any[]): unknown;
}

/** A user function as the compiler calls it: its arguments compiled as they are, its result typed as declared. */
export function userFunction(name: string, fn: ScalarFunction, resultType: SqlType): FunctionDefinition {
  const call = (...args: unknown[]) => {
    const v = fn.eval(...args);
    return v === undefined ? null : v;
  };
  return {
    name,
    compile(args, ctx) {
      const compiled = args.map((a) => ctx.compile(a));
      const fixed =
        compiled.length === 0
          ? () => call()
          : compiled.length === 1
            ? (a: unknown) => call(a)
            : compiled.length === 2
              ? (a: unknown, b: unknown) => call(a, b)
              : call;
      return { code: `${ctx.ref(fixed)}(${compiled.map((c) => c.code).join(', ')})`, type: resultType, nullable: true };
    },
  };
}

export function checkFunctionName(name: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new SqlError(`A function name must be an identifier, not '${name}'`);
}

export { formatType };
