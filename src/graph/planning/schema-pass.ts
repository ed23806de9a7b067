import { ConfigError } from '../../core/errors.js';
import { formatSchema, sameSchema, type Schema } from '../../core/schema.js';
import { findOperatorKind } from '../operator-registry.js';
import type { StreamGraph, StreamNode } from '../stream-graph.js';
import type { PlanningPass } from './planning-pass.js';

/** The schema every input of `n` carries, failing when two inputs declare different ones; undefined when any input's is unknown. */
function inputSchema(graph: StreamGraph, n: StreamNode): Schema | undefined {
  let common: Schema | undefined;
  let commonFrom: StreamNode | undefined;
  let allKnown = true;
  for (const e of n.inputs.flat()) {
    const up = graph.node(e.from);
    // A side output carries other records than the main output the schema describes.
    const s = e.sideOutput === undefined ? up.schema : undefined;
    if (!s) {
      allKnown = false;
      continue;
    }
    if (common && !sameSchema(common, s)) {
      throw new ConfigError(
        `Operator '${n.name}' (${n.kind}) reads streams with different schemas: '${commonFrom!.name}' emits ${formatSchema(common)}, '${up.name}' emits ${formatSchema(s)}. Map one to the other's fields and types first.`,
      );
    }
    common = s;
    commonFrom = up;
  }
  return allKnown ? common : undefined;
}

/**
 * Gives each node the schema of what it emits where it is known (a source declares one, a filter
 * or union keeps its input's) and checks it where two ends declare one: inputs of one operator
 * must agree, and a stream's `withSchema` must match what its operator knows. Nodes are in
 * topological order, so inputs are settled first.
 */
export const schemaPass: PlanningPass = {
  name: 'schema',
  run(graph) {
    for (const n of graph.nodes) {
      const own = findOperatorKind(n.kind)?.outputSchema?.(n.params);
      const known = own === 'as-input' ? inputSchema(graph, n) : own;
      if (n.schema && known && !sameSchema(n.schema, known)) {
        throw new ConfigError(`Stream '${n.name}' is declared with schema ${formatSchema(n.schema)}, but its operator emits ${formatSchema(known)}`);
      }
      n.schema ??= known;
    }
    return graph;
  },
};
