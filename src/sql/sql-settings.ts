import { toMillis } from '../core/duration.js';
import { checkConfigKeys } from '../graph/config-keys.js';
import { SqlError, type SqlPosition } from './sql-error.js';
import { checkTimeZone } from './types/time-zone.js';

/** Keys SQL reads itself, with the values it accepts (undefined: any). */
const SQL_KEYS: Record<string, readonly string[] | undefined> = {
  // Both modes give the same final rows; batch gives only those (GROUP BY and outer joins emit at the end of input).
  'execution.runtime-mode': ['streaming', 'batch'],
  'pipeline.name': undefined,
  // Idle state of regular joins, GROUP BY, Top-N and deduplication expires after it (streaming mode).
  'table.exec.state.ttl': undefined,
  'sql-client.execution.result-mode': ['tableau', 'table', 'changelog'],
  'table.dml-sync': ['true', 'false'],
  // GROUP BY folds each input batch per group before it emits; Weir's batches are the mini-batches,
  // so the latency and size keys are accepted (Flink asks for them) and the batch sets both.
  'table.exec.mini-batch.enabled': ['true', 'false'],
  'table.exec.mini-batch.allow-latency': undefined,
  'table.exec.mini-batch.size': undefined,
  // TIMESTAMP_LTZ shown, cast and formatted in this zone; LOCALTIMESTAMP and CURRENT_DATE read the clock in it.
  'table.local-time-zone': undefined,
};

/**
 * The SET/RESET configuration of a TableEnvironment, as Flink's keys with string values. SQL's own
 * keys are checked here, the rest by the engine's configuration check (unknown keys name the
 * closest known one).
 */
export class SqlSettings {
  private readonly values = new Map<string, string>();

  set(key: string, value: string, pos?: SqlPosition, sql?: string): void {
    if (key in SQL_KEYS) {
      const allowed = SQL_KEYS[key];
      if (allowed && !allowed.includes(value.toLowerCase()))
        throw new SqlError(`'${key}' must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, not '${value}'`, pos, sql);
    } else {
      try {
        checkConfigKeys({ [key]: value });
      } catch (e) {
        throw new SqlError(e instanceof Error ? e.message : String(e), pos, sql);
      }
    }
    const before = this.values.get(key);
    this.values.set(key, value);
    if (key === 'table.local-time-zone') {
      try {
        this.localTimeZone();
      } catch (e) {
        // A zone that is not one leaves the one before in place.
        if (before === undefined) this.values.delete(key);
        else this.values.set(key, before);
        throw new SqlError(e instanceof Error ? e.message : String(e), pos, sql);
      }
    }
    if (key === 'table.exec.state.ttl') {
      try {
        this.stateTtl();
      } catch (e) {
        this.values.delete(key);
        throw new SqlError(e instanceof Error ? e.message : String(e), pos, sql);
      }
    }
  }

  reset(key?: string): void {
    if (key === undefined) this.values.clear();
    else this.values.delete(key);
  }

  get(key: string): string | undefined {
    return this.values.get(key);
  }

  /** `table.exec.state.ttl` in milliseconds ('1 h', '30 min', '3600000'); 0 when unset: state never expires. */
  stateTtl(): number {
    const v = this.values.get('table.exec.state.ttl');
    if (v === undefined) return 0;
    try {
      return toMillis(v);
    } catch (e) {
      throw new SqlError(`'table.exec.state.ttl': ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /**
   * `table.local-time-zone` as an Intl zone id: UTC unless set (Weir's default, so results do not
   * depend on the machine); 'default' is the machine's zone, as in Flink.
   */
  localTimeZone(): string {
    const v = this.values.get('table.local-time-zone');
    if (v === undefined) return 'UTC';
    return checkTimeZone(v === 'default' ? Intl.DateTimeFormat().resolvedOptions().timeZone : v);
  }

  /** Flink's `TableConfig.setLocalTimeZone`: the same as `SET 'table.local-time-zone' = zone`. */
  setLocalTimeZone(zone: string): void {
    this.set('table.local-time-zone', zone);
  }

  /** `table.exec.mini-batch.enabled` (off unless set, as in Flink). */
  miniBatch(): boolean {
    return this.values.get('table.exec.mini-batch.enabled')?.toLowerCase() === 'true';
  }

  entries(): [string, string][] {
    return [...this.values.entries()].sort(([a], [b]) => a.localeCompare(b));
  }

  /** The settings the engine reads, for `StreamEnvironment.create`. */
  engineConfig(): Record<string, string> {
    return Object.fromEntries([...this.values].filter(([k]) => !(k in SQL_KEYS)));
  }
}
