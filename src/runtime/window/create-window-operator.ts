import type { Operator } from '../../core/operator.js';
import { EventTimeTrigger } from '../../core/window/event-time-trigger.js';
import type { WindowOperatorSpec } from '../../core/window/window-operator-spec.js';
import { SlicedWindowOperator } from './sliced-window-operator.js';
import { WindowOperator } from './window-operator.js';

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
 * Whether a window aggregate can run in two phases (partial aggregates before the exchange, by
 * LocalWindowAggregateOperator): sliced, partial results combine (reduce, or `merge`),
 * and no side output for late data, which needs the late records themselves.
 */
export function canSplitAggregate(spec: WindowOperatorSpec): boolean {
  if (!canUseSlicing(spec) || spec.lateDataTag !== undefined) return false;
  return spec.fn.type === 'reduce' || (spec.fn.type === 'aggregate' && spec.fn.aggregate.merge !== undefined);
}

/**
 * The window operator for a graph `window` node: sliced when possible, else the general one.
 * `preAggregated`: the input holds partial aggregates (the global half of a two-phase aggregate).
 */
export function createWindowOperator(spec: WindowOperatorSpec, preAggregated = false): Operator<unknown> {
  if (preAggregated && !canSplitAggregate(spec)) throw new Error('A pre-aggregated window input needs a sliceable, mergeable aggregate');
  return canUseSlicing(spec) ? new SlicedWindowOperator(spec, preAggregated) : new WindowOperator(spec);
}
