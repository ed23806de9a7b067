import type { Clock } from '../../core/clock.js';
import type { StateTtlConfig } from '../../core/state.js';

/** A state value with the time it was last written (or read, for OnReadAndWrite), when TTL is on. */
export interface Stamped<T> {
  v: T;
  t: number;
}

/**
 * Reads and writes a table entry, applying TTL when configured. Without TTL values are stored bare,
 * so the common case pays nothing.
 */
export class TtlAccess<T> {
  constructor(
    private readonly ttl: StateTtlConfig | undefined,
    private readonly clock: Clock,
  ) {}

  read(table: Map<unknown, unknown>, key: unknown): T | undefined {
    const raw = table.get(key);
    if (raw === undefined || !this.ttl) return raw as T | undefined;
    const s = raw as Stamped<T>;
    const now = this.clock.now();
    if (now - s.t >= this.ttl.ttl) {
      if (this.ttl.visibility === 'NeverReturnExpired') {
        table.delete(key);
        return undefined;
      }
    } else if (this.ttl.updateType === 'OnReadAndWrite') s.t = now;
    return s.v;
  }

  write(table: Map<unknown, unknown>, key: unknown, value: T): void {
    table.set(key, this.ttl ? { v: value, t: this.clock.now() } : value);
  }

  /** Whether a stored entry has expired (for cleanup during snapshots). */
  expired(raw: unknown): boolean {
    return !!this.ttl && this.clock.now() - (raw as Stamped<T>).t >= this.ttl.ttl;
  }
}
