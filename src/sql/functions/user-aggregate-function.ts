import type { SqlType } from '../sql-types.js';
import type { FunctionDefinition } from './function-definition.js';

/**
 * An aggregate function written in TypeScript, as Flink's AggregateFunction. The accumulator is
 * kept in the job's state, so it must be plain data (objects, arrays, Maps, numbers, strings,
 * bigints): checkpoints copy it and a restored job gets the copy. `accumulate` adds a row's
 * argument values (NULL as `null`), `retract` takes them back (needed over an updating input, such
 * as a join's or another GROUP BY's result), `merge` folds another accumulator in without changing
 * it (needed by HOP, CUMULATE and SESSION windows), and `getValue` gives the result, of SQL type
 * `resultType` (`null` or `undefined` for NULL). Each may change the accumulator in place or
 * return a new one.
 *
 * @example
 * tEnv.createTemporarySystemFunction('weighted_avg', aggregateFunction({
 *   resultType: 'DOUBLE',
 *   createAccumulator: () => ({ sum: 0, weight: 0 }),
 *   accumulate(acc, value: number | null, weight: number | null) { if (value !== null && weight !== null) { acc.sum += value * weight; acc.weight += weight; } },
 *   retract(acc, value: number | null, weight: number | null) { if (value !== null && weight !== null) { acc.sum -= value * weight; acc.weight -= weight; } },
 *   getValue: (acc) => (acc.weight === 0 ? null : acc.sum / acc.weight),
 * }));
 * tEnv.sqlQuery('SELECT item, weighted_avg(price, qty) FROM orders GROUP BY item');
 */
export interface AggregateFunction<ACC = any> {
  readonly kind: 'aggregate';
  readonly resultType: string;
  createAccumulator(): ACC;
  accumulate(acc: ACC, ...args: any[]): ACC | void;
  retract?(acc: ACC, ...args: any[]): ACC | void;
  merge?(acc: ACC, other: ACC): ACC | void;
  getValue(acc: ACC): unknown;
}

/** Marks `def` as an aggregate function for `createTemporarySystemFunction` (see {@link AggregateFunction}). */
export function aggregateFunction<ACC>(def: Omit<AggregateFunction<ACC>, 'kind'>): AggregateFunction<ACC> {
  return { ...bind(def), kind: 'aggregate', resultType: def.resultType };
}

/** The methods of `def` bound to it, so a definition written as an object literal with `this` keeps it. */
function bind<ACC>(def: Omit<AggregateFunction<ACC>, 'kind'>): Omit<AggregateFunction<ACC>, 'kind' | 'resultType'> {
  return {
    createAccumulator: () => def.createAccumulator(),
    accumulate: (acc, ...args) => def.accumulate(acc, ...args),
    ...(def.retract ? { retract: (acc: ACC, ...args: unknown[]) => def.retract!(acc, ...args) } : {}),
    ...(def.merge ? { merge: (acc: ACC, other: ACC) => def.merge!(acc, other) } : {}),
    getValue: (acc) => def.getValue(acc),
  };
}

/** An aggregate function as the planner uses it: its definition and its result type. */
export interface ResolvedAggregateFunction {
  readonly name: string;
  readonly fn: AggregateFunction;
  readonly resultType: SqlType;
}

/** The catalog entry of an aggregate function: outside the SELECT list or HAVING of an aggregation, it says so. */
export function aggregateFunctionEntry(resolved: ResolvedAggregateFunction): FunctionDefinition & { readonly aggregate: ResolvedAggregateFunction } {
  return {
    name: resolved.name,
    aggregate: resolved,
    compile: (_args, ctx) => ctx.fail(`Aggregate function ${resolved.name} cannot be used here: aggregates belong in the SELECT list or HAVING`, ctx.pos),
  };
}
