import { ConfigError } from '../core/errors.js';
import type { OperatorFactory } from '../core/operator-factory.js';

const factories = new Map<string, OperatorFactory>();

/**
 * Adds an operator kind to the one registry every layer resolves graph nodes through: the runtime
 * registers its built-ins, a SQL layer or a connector its own, without importing each other.
 * Registering the same factory again is a no-op; another factory under a taken kind is an error.
 *
 * @example
 * registerOperatorKind({ kind: 'scale', create: ({ factor }) => new ScaleOperator(factor) });
 * stream.transform('scale', { factor: 2 }, 'Scale by 2');
 */
export function registerOperatorKind(factory: OperatorFactory): void {
  const known = factories.get(factory.kind);
  if (known && known !== factory) throw new ConfigError(`Operator kind '${factory.kind}' is already registered by another factory`);
  factories.set(factory.kind, factory);
}

/** The factory of `kind`, or undefined when none is registered. */
export function findOperatorKind(kind: string): OperatorFactory | undefined {
  return factories.get(kind);
}

/** Registered kinds, sorted (for error messages and docs). */
export function registeredOperatorKinds(): string[] {
  return [...factories.keys()].sort();
}

/** The factory of `kind`; fails naming the node, the kind and the kinds that are registered. */
export function operatorKind(kind: string, nodeName: string): OperatorFactory {
  const f = factories.get(kind);
  if (!f)
    throw new ConfigError(
      `Operator '${nodeName}' has kind '${kind}', which no factory registers; registered kinds: ${registeredOperatorKinds().join(', ') || '(none)'}`,
    );
  return f;
}
