import { CDC_NUMBER_OPTIONS } from '../../connectors/postgres-cdc/cdc-option-values.js';
import type { TableContext } from './table-connector.js';
import { numberOption } from './table-connector.js';

/** Flink CDC options this version knows by name but does not run yet: setting one fails saying so. */
export const CDC_OPTIONS_NOT_YET = [
  'heartbeat.interval',
  'scan.startup.timestamp-millis',
  'scan.startup.specific-offset.file',
  'scan.startup.specific-offset.pos',
  'scan.startup.specific-offset.gtid-set',
  'scan.incremental.snapshot.enabled',
  'scan.newly-added-table.enabled',
  'connect.timeout',
  'connect.max-retries',
  'connection.pool.size',
  'chunk-meta.group.size',
  'chunk-key.even-distribution.factor.lower-bound',
  'scan.incremental.snapshot.chunk.key-column',
  'scan.incremental.close-idle-reader.enabled',
];

/**
 * The checks both CDC tables share: no option of a later version (but those in `runs`, which this connector has), PRIMARY KEY (of any columns but
 * metadata ones), and the options as
 * the DataStream source takes them.
 */
export function cdcOptions(ctx: TableContext, connector: string, runs: readonly string[] = []): Record<string, unknown> {
  for (const k of CDC_OPTIONS_NOT_YET)
    if (ctx.options.has(k) && !runs.includes(k)) ctx.fail(`option '${k}' of connector '${connector}' is not supported yet (see docs/cdc.md for what is)`);
  const pk = ctx.primaryKey;
  if (!pk) ctx.fail(`connector '${connector}' needs PRIMARY KEY (...) NOT ENFORCED: the source table's primary key, by which changes are applied`);
  for (const k of pk!) if (ctx.metadata.has(k)) ctx.fail(`PRIMARY KEY column '${k}' is a metadata column`);
  const fetch = numberOption(ctx, 'scan.snapshot.fetch.size');
  if (fetch !== undefined && (!Number.isSafeInteger(fetch) || fetch < 1))
    ctx.fail(`option 'scan.snapshot.fetch.size' must be a positive integer, not '${fetch}'`);
  const out: Record<string, unknown> = {};
  for (const [k, v] of ctx.options) {
    if (k === 'connector' || k === 'scan.snapshot.fetch.size') continue;
    out[k] = CDC_NUMBER_OPTIONS.includes(k) ? numberOption(ctx, k) : v;
  }
  out.metadata = [...new Set(ctx.metadata.values())];
  out.name = `${connector} ${ctx.table}`;
  return out;
}

/** Runs `build` and turns its option errors into the table's. */
export function checked<T>(ctx: TableContext, build: () => T): T {
  try {
    return build();
  } catch (e) {
    return ctx.fail(e instanceof Error ? e.message : String(e));
  }
}
