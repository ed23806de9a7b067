import { toMillis } from '../core/duration.js';
import type { TableContext } from './connectors/table-connector.js';

/** Flink's options of a lookup table (`jdbc`): the partial and full caches, and retries. */
export const LOOKUP_OPTIONS = [
  'lookup.cache',
  'lookup.full-cache.reload-strategy',
  'lookup.full-cache.periodic-reload.interval',
  'lookup.full-cache.periodic-reload.schedule-mode',
  'lookup.full-cache.timed-reload.iso-time',
  'lookup.full-cache.timed-reload.interval-in-days',
  'lookup.partial-cache.max-rows',
  'lookup.partial-cache.expire-after-write',
  'lookup.partial-cache.expire-after-access',
  'lookup.partial-cache.cache-missing-key',
  'lookup.max-retries',
  // Flink's older names (still accepted by its jdbc connector): a partial cache when max-rows and ttl are set.
  'lookup.cache.max-rows',
  'lookup.cache.ttl',
  'lookup.cache.caching-missing-key',
] as const;

/** The partial cache of a lookup join: keys recently looked up, with the rows they found. */
export interface LookupCacheOptions {
  /** Keys kept at most; the least recently used goes first. */
  readonly maxRows: number;
  /** Milliseconds a key stays after it was looked up (Infinity: no limit). */
  readonly expireAfterWrite: number;
  /** Milliseconds a key stays after it was last read (Infinity: no limit). */
  readonly expireAfterAccess: number;
  /** Whether a key that found no row is kept too (Flink's default: true). */
  readonly cacheMissingKey: boolean;
}

/** The full cache of a lookup join: the whole table in memory, read again periodically. */
export interface FullCacheOptions {
  /** Milliseconds between reloads. */
  readonly reloadInterval: number;
  /** `FIXED_RATE`: the interval runs from one load's start to the next's; `FIXED_DELAY` (default): from one load's end. */
  readonly fixedRate: boolean;
}

export interface LookupOptions {
  readonly cache: LookupCacheOptions | undefined;
  /** `'lookup.cache' = 'FULL'`: the join reads the table whole and joins in memory. */
  readonly full?: FullCacheOptions;
  /** Attempts after the first failed query before the job fails (Flink's default: 3). */
  readonly maxRetries: number;
}

/**
 * Reads `lookup.*` options as Flink does: no cache unless `'lookup.cache' = 'PARTIAL'`, which then
 * needs a bound (`max-rows` or an expiry); `lookup.max-retries` defaults to 3.
 *
 * @example
 * lookupOptions(ctx) // { cache: { maxRows: 1000, expireAfterWrite: 60000, ... }, maxRetries: 3 }
 */
export function lookupOptions(ctx: TableContext): LookupOptions {
  const get = (k: (typeof LOOKUP_OPTIONS)[number]) => ctx.options.get(k);
  const integer = (k: (typeof LOOKUP_OPTIONS)[number], fallback: number): number => {
    const v = get(k);
    if (v === undefined) return fallback;
    if (!/^\d+$/.test(v.trim())) ctx.fail(`option '${k}' must be a non-negative integer, not '${v}'`);
    return Number(v);
  };
  const duration = (k: (typeof LOOKUP_OPTIONS)[number]): number => {
    const v = get(k);
    if (v === undefined) return Infinity;
    try {
      return toMillis(v);
    } catch {
      return ctx.fail(`option '${k}' must be a duration such as '10 min' or '30s', not '${v}'`);
    }
  };
  const maxRetries = integer('lookup.max-retries', 3);
  const legacy = LOOKUP_OPTIONS.filter((k) => k.startsWith('lookup.cache.') && get(k) !== undefined);
  if (legacy.length > 0) {
    if (get('lookup.cache') !== undefined) ctx.fail(`option '${legacy[0]}' is Flink's older form of 'lookup.partial-cache.*': use one form, not both`);
    if (get('lookup.cache.max-rows') === undefined || get('lookup.cache.ttl') === undefined)
      ctx.fail("options 'lookup.cache.max-rows' and 'lookup.cache.ttl' go together (Flink's older form of the partial cache)");
    const missing = get('lookup.cache.caching-missing-key') ?? 'true';
    if (missing !== 'true' && missing !== 'false') ctx.fail(`option 'lookup.cache.caching-missing-key' must be 'true' or 'false', not '${missing}'`);
    const cache = {
      maxRows: integer('lookup.cache.max-rows', Infinity),
      expireAfterWrite: duration('lookup.cache.ttl'),
      expireAfterAccess: Infinity,
      cacheMissingKey: missing === 'true',
    };
    return { cache, maxRetries };
  }
  const mode = (get('lookup.cache') ?? 'NONE').toUpperCase();
  if (mode !== 'NONE' && mode !== 'PARTIAL' && mode !== 'FULL')
    ctx.fail(`option 'lookup.cache' must be 'NONE', 'PARTIAL' or 'FULL', not '${get('lookup.cache')}'`);
  const partial = LOOKUP_OPTIONS.filter((k) => k.startsWith('lookup.partial-cache.') && get(k) !== undefined);
  const full = LOOKUP_OPTIONS.filter((k) => k.startsWith('lookup.full-cache.') && get(k) !== undefined);
  if (mode !== 'FULL' && full.length > 0) ctx.fail(`option '${full[0]}' needs 'lookup.cache' = 'FULL'`);
  if (mode === 'FULL') {
    if (partial.length > 0) ctx.fail(`option '${partial[0]}' needs 'lookup.cache' = 'PARTIAL', not 'FULL'`);
    return { cache: undefined, full: fullCache(ctx), maxRetries };
  }
  if (mode === 'NONE') {
    if (partial.length > 0) ctx.fail(`option '${partial[0]}' needs 'lookup.cache' = 'PARTIAL'`);
    return { cache: undefined, maxRetries };
  }
  const missing = get('lookup.partial-cache.cache-missing-key') ?? 'true';
  if (missing !== 'true' && missing !== 'false') ctx.fail(`option 'lookup.partial-cache.cache-missing-key' must be 'true' or 'false', not '${missing}'`);
  const cache = {
    maxRows: integer('lookup.partial-cache.max-rows', Infinity),
    expireAfterWrite: duration('lookup.partial-cache.expire-after-write'),
    expireAfterAccess: duration('lookup.partial-cache.expire-after-access'),
    cacheMissingKey: missing === 'true',
  };
  if (cache.maxRows === Infinity && cache.expireAfterWrite === Infinity && cache.expireAfterAccess === Infinity)
    ctx.fail("'lookup.cache' = 'PARTIAL' needs a bound: 'lookup.partial-cache.max-rows', '...expire-after-write' or '...expire-after-access'");
  return { cache, maxRetries };
}

/** `lookup.full-cache.*`: Flink's PERIODIC reload (default every hour, FIXED_DELAY); TIMED is not there yet. */
function fullCache(ctx: TableContext): FullCacheOptions {
  const get = (k: (typeof LOOKUP_OPTIONS)[number]) => ctx.options.get(k);
  const strategy = (get('lookup.full-cache.reload-strategy') ?? 'PERIODIC').toUpperCase();
  if (strategy === 'TIMED') ctx.fail("option 'lookup.full-cache.reload-strategy' = 'TIMED' is not supported yet; use 'PERIODIC'");
  if (strategy !== 'PERIODIC')
    ctx.fail(`option 'lookup.full-cache.reload-strategy' must be 'PERIODIC' or 'TIMED', not '${get('lookup.full-cache.reload-strategy')}'`);
  const timed = (['lookup.full-cache.timed-reload.iso-time', 'lookup.full-cache.timed-reload.interval-in-days'] as const).find((k) => get(k) !== undefined);
  if (timed) ctx.fail(`option '${timed}' needs 'lookup.full-cache.reload-strategy' = 'TIMED', which is not supported yet`);
  const mode = (get('lookup.full-cache.periodic-reload.schedule-mode') ?? 'FIXED_DELAY').toUpperCase();
  if (mode !== 'FIXED_DELAY' && mode !== 'FIXED_RATE')
    ctx.fail(
      `option 'lookup.full-cache.periodic-reload.schedule-mode' must be 'FIXED_DELAY' or 'FIXED_RATE', not '${get('lookup.full-cache.periodic-reload.schedule-mode')}'`,
    );
  const interval = get('lookup.full-cache.periodic-reload.interval') ?? '1 h';
  let reloadInterval = 0;
  try {
    reloadInterval = toMillis(interval);
  } catch {
    ctx.fail(`option 'lookup.full-cache.periodic-reload.interval' must be a duration such as '1 h' or '30 s', not '${interval}'`);
  }
  if (!(reloadInterval > 0)) ctx.fail(`option 'lookup.full-cache.periodic-reload.interval' must be longer than 0, not '${interval}'`);
  return { reloadInterval, fixedRate: mode === 'FIXED_RATE' };
}
