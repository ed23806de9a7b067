import type { Operator } from '../../core/operator.js';
import type { OperatorSpec } from '../../graph/operator-spec.js';
import { operatorKind } from '../../graph/operator-registry.js';
import { registerBuiltinOperatorKinds } from './builtin-operator-kinds.js';

registerBuiltinOperatorKinds();

/**
 * The operator for a graph node, from the factory its kind is registered with; fails naming the
 * node, its kind and the registered kinds when none is.
 */
export function createOperator(spec: OperatorSpec, name: string = spec.kind, keyed = false): Operator<unknown> {
  return operatorKind(spec.kind, name).create(spec.params, { name, keyed });
}
