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

/** The window operator for a graph `window` node: sliced when possible, else the general one. */
export function createWindowOperator(spec: WindowOperatorSpec): Operator<unknown> {
  return canUseSlicing(spec) ? new SlicedWindowOperator(spec) : new WindowOperator(spec);
}
