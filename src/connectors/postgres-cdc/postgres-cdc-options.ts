import type { Duration } from '../../core/duration.js';
import { ConfigError } from '../../core/errors.js';
import { tablePattern } from '../mysql-cdc/table-patterns.js';
import { heartbeatMillis } from './cdc-option-values.js';
import { evenDistributionBound } from './chunks.js';

export type StartupMode = 'initial' | 'latest-offset' | 'snapshot';
export type MetadataColumn = 'op_ts' | 'database_name' | 'schema_name' | 'table_name';
/** What ADD COLUMN does to the job (Flink CDC 3's names); any other column change stops it. See mysql-cdc's. */
export type SchemaChangeBehavior = 'exception' | 'evolve' | 'ignore';
const BEHAVIORS: readonly SchemaChangeBehavior[] = ['exception', 'evolve', 'ignore'];

/** The source's options under Flink CDC's names, as SQL's WITH clause will pass them. */
export interface PostgresCdcOptions {
  readonly hostname: string;
  readonly port?: number;
  readonly username: string;
  readonly password?: string;
  readonly 'database-name': string;
  /** The schema, or a regular expression matching several (whole names); default `public`. */
  readonly 'schema-name'?: string;
  /** The table, or a regular expression matching several (whole names) in each matched schema. */
  readonly 'table-name'?: string;
  /** Instead of `schema-name` and `table-name`: comma-separated `schema.table` patterns (`\.` is any character), as `weir pipeline` passes them. */
  readonly tables?: string;
  readonly 'slot.name': string;
  readonly 'decoding.plugin.name'?: 'pgoutput';
  readonly 'scan.startup.mode'?: StartupMode;
  readonly 'scan.incremental.snapshot.chunk.size'?: number;
  /**
   * When a table's key is one integer column and its keys over its estimated rows are at most
   * this, chunk boundaries are computed from the key range instead of walked through the index.
   * Default 10; 0 walks always.
   */
  readonly 'chunk-key.even-distribution.factor.upper-bound'?: number;
  /** Default `evolve`: added columns pass on in the rows. */
  readonly 'schema.change.behavior'?: SchemaChangeBehavior;
  /**
   * How often the log reader asks the server where its log is (30 s; 0 for never), so the slot's
   * position moves while the watched table is idle and other tables are written.
   */
  readonly 'heartbeat.interval'?: Duration;
  /** Metadata added to each row under these names (Flink CDC's metadata columns). */
  readonly metadata?: readonly MetadataColumn[];
  /**
   * Captures matching tables created after the job started: each is added to the publication,
   * snapshotted in chunks and then followed in the log (startup mode `initial` only; default false).
   */
  readonly 'scan.newly-added-table.enabled'?: boolean;
  /** Shown in plans and errors. */
  readonly name?: string;
}

/** The options with defaults applied and checked. */
export interface ResolvedCdcOptions {
  readonly connection: { host: string; port: number; user: string; password?: string; database: string };
  /** `schema-name` and `table-name` as given, for names and errors. */
  readonly schema: string;
  readonly table: string;
  /** Whether the source captures `schema`.`table`. */
  matches(schema: string, table: string): boolean;
  readonly slot: string;
  readonly publication: string;
  readonly startupMode: StartupMode;
  readonly chunkSize: number;
  /** `chunk-key.even-distribution.factor.upper-bound`. */
  readonly evenDistributionUpperBound: number;
  readonly schemaChange: SchemaChangeBehavior;
  readonly heartbeatMs: number;
  readonly metadata: readonly MetadataColumn[];
  readonly newlyAddedTables: boolean;
}

const MODES: readonly StartupMode[] = ['initial', 'latest-offset', 'snapshot'];
/** mysql-cdc's modes that start from an earlier point of the log. */
const LOG_ONLY_MODES: readonly string[] = ['earliest-offset', 'specific-offset', 'timestamp'];
const IDENT = /^[a-z_][a-z0-9_]*$/;

/** A whole-name regular expression; a bad one fails naming the option. */
function namePattern(option: string, v: string): RegExp {
  try {
    return new RegExp(`^(?:${v})$`);
  } catch (e) {
    throw new ConfigError(`postgres-cdc: '${option}' = '${v}' is not a regular expression: ${(e as Error).message}`);
  }
}

function matcher(o: PostgresCdcOptions): (schema: string, table: string) => boolean {
  if (o.tables !== undefined) {
    const both = tablePattern(o.tables, "postgres-cdc: 'tables'");
    return (s, t) => both.test(`${s}.${t}`);
  }
  const s = namePattern('schema-name', o['schema-name'] ?? 'public');
  const t = namePattern('table-name', o['table-name']!);
  return (schema, table) => s.test(schema) && t.test(table);
}

export function resolveOptions(o: PostgresCdcOptions): ResolvedCdcOptions {
  const required = ['hostname', 'username', 'database-name', 'slot.name', ...(o.tables === undefined ? (['table-name'] as const) : [])] as const;
  for (const k of required) {
    if (!o[k]) throw new ConfigError(`postgres-cdc: option '${k}' is required`);
  }
  const plugin = o['decoding.plugin.name'] ?? 'pgoutput';
  if (plugin !== 'pgoutput') throw new ConfigError(`postgres-cdc: 'decoding.plugin.name' = '${plugin}' is not supported; use 'pgoutput'`);
  const mode = o['scan.startup.mode'] ?? 'initial';
  if (LOG_ONLY_MODES.includes(mode))
    throw new ConfigError(
      `postgres-cdc: 'scan.startup.mode' = '${mode}' is not offered for PostgreSQL (nor by Flink CDC's postgres source): a replication slot ` +
        `cannot go back before its position. Use 'latest-offset' (changes from the job's first start on) or 'initial' (a snapshot, then the log).`,
    );
  if (!MODES.includes(mode)) throw new ConfigError(`postgres-cdc: 'scan.startup.mode' = '${mode}' is not one of ${MODES.join(', ')}`);
  const chunkSize = o['scan.incremental.snapshot.chunk.size'] ?? 8096;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1)
    throw new ConfigError(`postgres-cdc: 'scan.incremental.snapshot.chunk.size' must be a positive integer, got ${chunkSize}`);
  const schemaChange = o['schema.change.behavior'] ?? 'evolve';
  if (!BEHAVIORS.includes(schemaChange))
    throw new ConfigError(`postgres-cdc: 'schema.change.behavior' = '${schemaChange}' is not one of ${BEHAVIORS.join(', ')}`);
  const heartbeatMs = heartbeatMillis('postgres-cdc', o['heartbeat.interval']);
  const newlyAddedTables = String(o['scan.newly-added-table.enabled'] ?? false) === 'true';
  if (newlyAddedTables && mode !== 'initial')
    throw new ConfigError(`postgres-cdc: 'scan.newly-added-table.enabled' needs 'scan.startup.mode' = 'initial' (a new table is snapshotted), not '${mode}'`);
  // The slot name goes into replication commands: PostgreSQL allows only these characters there.
  if (!IDENT.test(o['slot.name'])) throw new ConfigError(`postgres-cdc: 'slot.name' = '${o['slot.name']}' must be lower-case letters, digits and underscores`);
  return {
    connection: {
      host: o.hostname,
      port: o.port ?? 5432,
      user: o.username,
      ...(o.password !== undefined ? { password: o.password } : {}),
      database: o['database-name'],
    },
    schema: o.tables !== undefined ? '' : (o['schema-name'] ?? 'public'),
    table: o.tables ?? o['table-name']!,
    matches: matcher(o),
    slot: o['slot.name'],
    publication: `${o['slot.name']}_pub`,
    startupMode: mode,
    chunkSize,
    evenDistributionUpperBound: evenDistributionBound('postgres-cdc', o['chunk-key.even-distribution.factor.upper-bound']),
    schemaChange,
    heartbeatMs,
    metadata: o.metadata ?? [],
    newlyAddedTables,
  };
}
