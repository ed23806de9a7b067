import type { StateDescriptor } from '../../core/state.js';
import type { StampedEntry } from './ttl-map-state.js';
import type { Stamped } from './ttl.js';

type StateType = StateDescriptor['type'];

/**
 * Converts one stored value between the format without TTL and the format with TTL stamps, for a
 * state restored from a snapshot taken before TTL was turned on (stamped `now`) or off (stamps
 * dropped). Value-like states stamp the whole value; lists stamp each element and maps each entry.
 */
export function restamp(type: StateType, raw: unknown, toStamped: boolean, now: number): unknown {
  if (type === 'list') {
    return toStamped ? (raw as unknown[]).map((v): Stamped<unknown> => ({ v, t: now })) : (raw as Stamped<unknown>[]).map((e) => e.v);
  }
  if (type === 'map') {
    const m = new Map<unknown, unknown>();
    for (const [id, e] of raw as Map<unknown, unknown[]>) m.set(id, toStamped ? ([e[0], e[1], now] satisfies StampedEntry<unknown, unknown>) : [e[0], e[1]]);
    return m;
  }
  return toStamped ? ({ v: raw, t: now } satisfies Stamped<unknown>) : (raw as Stamped<unknown>).v;
}
