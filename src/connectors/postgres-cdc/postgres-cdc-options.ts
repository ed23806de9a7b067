import { toMillis, type Duration } from '../../core/duration.js';
import { ConfigError } from '../../core/errors.js';

export type StartupMode = 'initial' | 'latest-offset' | 'snapshot';
export type MetadataColumn = 'op_ts' | 'database_name' | 'schema_name' | 'table_name';

/** The source's options under Flink CDC's names, as SQL's WITH clause will pass them. */
export interface PostgresCdcOptions {
  readonly hostname: string;
  readonly port?: number;
  readonly username: string;
  readonly password?: string;
  readonly 'database-name': string;
  readonly 'schema-name'?: string;
  readonly 'table-name': string;
  readonly 'slot.name': string;
  readonly 'decoding.plugin.name'?: 'pgoutput';
  readonly 'scan.startup.mode'?: StartupMode;
  readonly 'scan.incremental.snapshot.chunk.size'?: number;
  /**
   * How often the log reader asks the server where its log is (30 s; 0 for never), so the slot's
   * position moves while the watched table is idle and other tables are written.
   */
  readonly 'heartbeat.interval'?: Duration;
  /** Metadata added to each row under these names (Flink CDC's metadata columns). */
  readonly metadata?: readonly MetadataColumn[];
  /** Shown in plans and errors. */
  readonly name?: string;
}

/** The options with defaults applied and checked. */
export interface ResolvedCdcOptions {
  readonly connection: { host: string; port: number; user: string; password?: string; database: string };
  readonly schema: string;
  readonly table: string;
  readonly slot: string;
  readonly publication: string;
  readonly startupMode: StartupMode;
  readonly chunkSize: number;
  readonly heartbeatMs: number;
  readonly metadata: readonly MetadataColumn[];
}

const MODES: readonly StartupMode[] = ['initial', 'latest-offset', 'snapshot'];
const IDENT = /^[a-z_][a-z0-9_]*$/;

export function resolveOptions(o: PostgresCdcOptions): ResolvedCdcOptions {
  for (const k of ['hostname', 'username', 'database-name', 'table-name', 'slot.name'] as const) {
    if (!o[k]) throw new ConfigError(`postgres-cdc: option '${k}' is required`);
  }
  const plugin = o['decoding.plugin.name'] ?? 'pgoutput';
  if (plugin !== 'pgoutput') throw new ConfigError(`postgres-cdc: 'decoding.plugin.name' = '${plugin}' is not supported; use 'pgoutput'`);
  const mode = o['scan.startup.mode'] ?? 'initial';
  if (!MODES.includes(mode)) throw new ConfigError(`postgres-cdc: 'scan.startup.mode' = '${mode}' is not one of ${MODES.join(', ')}`);
  const chunkSize = o['scan.incremental.snapshot.chunk.size'] ?? 8096;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1)
    throw new ConfigError(`postgres-cdc: 'scan.incremental.snapshot.chunk.size' must be a positive integer, got ${chunkSize}`);
  let heartbeatMs: number;
  try {
    heartbeatMs = toMillis(o['heartbeat.interval'] ?? 30_000);
  } catch (e) {
    throw new ConfigError(`postgres-cdc: 'heartbeat.interval': ${(e as Error).message}`);
  }
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
    schema: o['schema-name'] ?? 'public',
    table: o['table-name'],
    slot: o['slot.name'],
    publication: `${o['slot.name']}_pub`,
    startupMode: mode,
    chunkSize,
    heartbeatMs,
    metadata: o.metadata ?? [],
  };
}
