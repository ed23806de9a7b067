import { EventTimeTrigger } from '../../core/window/event-time-trigger.js';
import type { WindowOperatorSpec } from '../../core/window/window-operator-spec.js';
import { paramsOf } from '../operator-spec.js';
import type { PlanningPass } from './planning-pass.js';

/**
 * Whether a window can run on shared slices: aligned event-time windows, the default trigger, no
 * evictor, no lateness, and an incremental function whose partial results combine (reduce, or an
 * aggregate with `merge`; tumbling windows have one slice per window and need no merge).
 */
export function canUseSlicing(spec: WindowOperatorSpec): boolean {
  const a = spec.assigner.alignment;
  if (!a || !spec.assigner.isEventTime || spec.evictor || spec.allowedLateness > 0) return false;
  if (spec.trigger !== undefined && spec.trigger !== EventTimeTrigger.create()) return false;
  if (spec.fn.type === 'reduce') return true;
  return spec.fn.type === 'aggregate' && (spec.fn.aggregate.merge !== undefined || a.size === a.slide);
}

/**
 * Whether a window aggregate can run in two phases (partial aggregates before the exchange):
 * sliced, partial results combine (reduce, or `merge`), and no side output for late data, which
 * needs the late records themselves.
 */
export function canSplitAggregate(spec: WindowOperatorSpec): boolean {
  if (!canUseSlicing(spec) || spec.lateDataTag !== undefined) return false;
  return spec.fn.type === 'reduce' || (spec.fn.type === 'aggregate' && spec.fn.aggregate.merge !== undefined);
}

/** Turns each general `window` node that can run on shared slices into a `slicedWindow` node (same params). */
export const windowOperatorChoicePass: PlanningPass = {
  name: 'window-operator-choice',
  run(graph) {
    for (const n of graph.nodes) {
      const p = paramsOf(n, 'window');
      if (p && canUseSlicing(p.window)) n.kind = 'slicedWindow';
    }
    return graph;
  },
};
