import { toMillis } from '../core/duration.js';
import { checkConfigKeys } from '../graph/config-keys.js';
import { SqlError, type SqlPosition } from './sql-error.js';

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
    this.values.set(key, value);
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
