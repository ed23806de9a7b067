import type { Clock } from '../../core/clock.js';
import type { StateTtlConfig } from '../../core/state.js';
import { NO_KEY, noKeyError } from './current-key.js';
import type { IncrementalCleanup } from './ttl-cleanup.js';

/** A state value with the time it was last written (or read, for OnReadAndWrite), when TTL is on. */
export interface Stamped<T> {
  v: T;
  t: number;
}

/**
 * Reads and writes the entries of one state table, applying TTL when configured. Without TTL values
 * are stored bare, so the common case pays nothing beyond the Map access.
 *
 * TTL is per key: a List or Map state's whole list or map shares one timestamp, which any write to
 * it restarts. An expired entry is removed when read (even with `ReturnExpiredIfNotCleanedUp`, which
 * returns it that one last time, as Flink does) and left out of snapshots. Writes that build on the
 * current value (list add, map put, reducing/aggregating add) never build on an expired one.
 * Expired keys that are never read again are removed by the incremental cleanup on writes.
 */
export class TtlAccess<T> {
  constructor(
    private readonly ttl: StateTtlConfig | undefined,
    private readonly clock: Clock,
    /** Names the state in errors. */
    private readonly stateName = '',
    /** Removes expired keys of the table a few at a time on writes. */
    private readonly cleanup?: IncrementalCleanup,
  ) {}

  /** The value for `key`, as the state's visibility allows. */
  read(table: Map<unknown, unknown>, key: unknown): T | undefined {
    const raw = table.get(key);
    if (raw === undefined) {
      if (key === NO_KEY) throw noKeyError(`State '${this.stateName}'`);
      return undefined;
    }
    if (!this.ttl) return raw as T;
    const s = raw as Stamped<T>;
    const now = this.clock.now();
    if (now - s.t >= this.ttl.ttl) {
      table.delete(key);
      return this.ttl.visibility === 'ReturnExpiredIfNotCleanedUp' ? s.v : undefined;
    }
    if (this.ttl.updateType === 'OnReadAndWrite') s.t = now;
    return s.v;
  }

  /** The value for `key` unless it expired: what a write may build on. */
  readLive(table: Map<unknown, unknown>, key: unknown): T | undefined {
    if (!this.ttl) return this.read(table, key);
    const raw = table.get(key) as Stamped<T> | undefined;
    if (raw === undefined) {
      if (key === NO_KEY) throw noKeyError(`State '${this.stateName}'`);
      return undefined;
    }
    if (this.clock.now() - raw.t >= this.ttl.ttl) {
      table.delete(key);
      return undefined;
    }
    return raw.v;
  }

  write(table: Map<unknown, unknown>, key: unknown, value: T): void {
    if (key === NO_KEY) throw noKeyError(`State '${this.stateName}'`);
    if (!this.ttl) {
      table.set(key, value);
      return;
    }
    const now = this.clock.now();
    table.set(key, { v: value, t: now });
    this.cleanup?.step(now);
  }

  /** `value` (already stored under `key`) was changed in place: restarts its TTL. */
  touch(table: Map<unknown, unknown>, key: unknown, value: T): void {
    if (this.ttl) this.write(table, key, value);
  }
}
