import { toMillis, type Duration } from '../../core/duration.js';
import { ConfigError } from '../../core/errors.js';

/**
 * Options of the CDC sources (both, or `mysql-cdc` alone) whose values are numbers: the SQL tables
 * and `weir pipeline` hand their text over as numbers.
 */
export const CDC_NUMBER_OPTIONS: readonly string[] = [
  'port',
  'scan.incremental.snapshot.chunk.size',
  'chunk-key.even-distribution.factor.upper-bound',
  'scan.startup.specific-offset.pos',
  'scan.startup.timestamp-millis',
];

/** `heartbeat.interval` in milliseconds (30 s when unset, 0 for never); a bad duration fails naming `source`. */
export function heartbeatMillis(source: string, v: Duration | undefined): number {
  try {
    return toMillis(v ?? 30_000);
  } catch (e) {
    throw new ConfigError(`${source}: 'heartbeat.interval': ${(e as Error).message}`);
  }
}
