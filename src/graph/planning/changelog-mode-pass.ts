import { ConfigError } from '../../core/errors.js';
import { findOperatorKind } from '../operator-registry.js';
import { paramsOf } from '../operator-spec.js';
import type { StreamGraph, StreamNode } from '../stream-graph.js';
import type { PlanningPass } from './planning-pass.js';

/** The first node feeding `n` that emits a changelog (upserts included). */
function changelogInput(graph: StreamGraph, n: StreamNode, modes: readonly string[]): StreamNode | undefined {
  for (const inp of n.inputs) for (const e of inp) if (modes[e.from] !== 'insert-only') return graph.node(e.from);
  return undefined;
}

/**
 * Settles what each operator does with a changelog input before the job starts: an operator whose
 * factory declares insert-only input fails planning, naming it and the stream that feeds it
 * updates (a reduce would count a `-D` row as one more record), and a keyed `aggregate` behind a
 * changelog is told to retract and emit a changelog itself. Kinds that declare nothing are checked
 * by the runtime row by row.
 */
export const changelogModePass: PlanningPass = {
  name: 'changelog-mode',
  run(graph) {
    const modes = graph.changelogModes();
    for (const n of graph.nodes) {
      const from = changelogInput(graph, n, modes);
      if (!from) continue;
      if (findOperatorKind(n.kind)?.inputChangelogMode?.(n.params) === 'insert-only') {
        throw new ConfigError(
          `Operator '${n.name}' (${n.kind}) takes insert-only input, but '${from.name}' feeds it a changelog (updates and deletions), which it cannot take back. ` +
            'For a keyed running aggregate over a changelog use .aggregate(fn) with an AggregateFunction that implements retract() (count(), sumOf() and avgOf() do); ' +
            'or keep only the rows you mean to count before it.',
        );
      }
      const agg = paramsOf(n, 'aggregate');
      if (agg && !agg.changelog) n.params = { ...agg, changelog: true };
    }
    return graph;
  },
};
