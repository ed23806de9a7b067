import { stateTtl, type StateTtlConfig } from '../../core/state.js';

/**
 * The state descriptor option of `table.exec.state.ttl` for a SQL operator's keyed state: a key's
 * entry expires after `ms` without a write, as Flink's idle state retention (0 or absent: never).
 * Each write restarts the clock, so only keys that stay idle that long lose their state.
 *
 * @example
 * ctx.keyed.state.getState(valueState<GroupEntry>('group-aggregate', sqlStateTtl(params.ttl)));
 */
export function sqlStateTtl(ms: number | undefined): { ttl?: StateTtlConfig } {
  return ms !== undefined && ms > 0 ? { ttl: stateTtl(ms) } : {};
}

/** The `stateTtl` entry of an operator's EXPLAIN description, when it has one. */
export function describeTtl(ms: number | undefined): { stateTtl?: string } {
  return ms !== undefined && ms > 0 ? { stateTtl: `${ms} ms` } : {};
}
