import { collectionFunctions } from './collection-functions.js';
import type { FunctionDefinition } from './function-definition.js';
import { mathFunctions } from './math-functions.js';
import { stringFunctions } from './string-functions.js';
import { temporalFunctions } from './temporal-functions.js';
import type { ResolvedAggregateFunction } from './user-aggregate-function.js';
import type { ResolvedTableFunction } from './user-table-function.js';

/** Built-in functions that live in their own files (the first version's are in the expression compiler). */
export const BUILTIN_FUNCTIONS: ReadonlyMap<string, FunctionDefinition> = new Map(
  [...stringFunctions, ...mathFunctions, ...temporalFunctions, ...collectionFunctions].map((f) => [f.name, f]),
);

/**
 * The functions a TableEnvironment registered from TypeScript: temporary system functions (they
 * come before the built-in ones, as in Flink) and temporary catalog functions (after them). Names are
 * case-insensitive.
 */
export class FunctionCatalog {
  private readonly system = new Map<string, FunctionDefinition>();
  private readonly catalog = new Map<string, FunctionDefinition>();

  register(def: FunctionDefinition, system: boolean): void {
    const name = def.name.toUpperCase();
    const into = system ? this.system : this.catalog;
    if (into.has(name)) throw new Error(`A temporary ${system ? 'system ' : ''}function '${def.name}' is already registered`);
    if (system ? this.catalog.has(name) : this.system.has(name))
      throw new Error(`A temporary ${system ? '' : 'system '}function '${def.name}' is already registered under that name`);
    into.set(name, def);
  }

  has(name: string, system: boolean): boolean {
    return (system ? this.system : this.catalog).has(name.toUpperCase());
  }

  drop(name: string, system: boolean): boolean {
    return (system ? this.system : this.catalog).delete(name.toUpperCase());
  }

  systemFunction(upper: string): FunctionDefinition | undefined {
    return this.system.get(upper);
  }

  resolve(upper: string): FunctionDefinition | undefined {
    return this.system.get(upper) ?? BUILTIN_FUNCTIONS.get(upper) ?? this.catalog.get(upper);
  }

  /** The names of the registered functions, lower case as Flink shows them, sorted. */
  userFunctionNames(): string[] {
    return [...new Set([...this.system.keys(), ...this.catalog.keys()])].map((n) => n.toLowerCase()).sort();
  }
}

let current: FunctionCatalog | undefined;

/**
 * Runs `plan` with `functions` as the functions expressions may call. Planning is synchronous and
 * the expression compiler is built in many places, so the catalog is set for the planning call
 * rather than passed through every scope.
 */
export function withFunctions<T>(functions: FunctionCatalog, plan: () => T): T {
  const before = current;
  current = functions;
  try {
    return plan();
  } finally {
    current = before;
  }
}

export const currentFunctions = (): FunctionCatalog | undefined => current;

/** The function named `upper` (upper case), user-defined or built-in. */
export function resolveFunction(upper: string): FunctionDefinition | undefined {
  return current ? current.resolve(upper) : BUILTIN_FUNCTIONS.get(upper);
}

/** A temporary system function named `upper`: it comes before every built-in one, the compiler's own too. */
export const resolveSystemFunction = (upper: string): FunctionDefinition | undefined => current?.systemFunction(upper);

/** Names a misspelt function may be close to. */
export function knownFunctionNames(): string[] {
  return [...BUILTIN_FUNCTIONS.keys(), ...(current?.userFunctionNames().map((n) => n.toUpperCase()) ?? [])];
}

/** A user aggregate function named `upper`: a system one comes before the built-in aggregates (`builtin`), a catalog one after them. */
export function resolveAggregateFunction(upper: string, builtin: boolean): ResolvedAggregateFunction | undefined {
  const def = (current?.systemFunction(upper) ?? (builtin ? undefined : current?.resolve(upper))) as { aggregate?: ResolvedAggregateFunction } | undefined;
  return def?.aggregate;
}

/** The user table function named `upper`, if there is one. */
export function resolveTableFunction(upper: string): ResolvedTableFunction | undefined {
  return (current?.resolve(upper) as { table?: ResolvedTableFunction } | undefined)?.table;
}
