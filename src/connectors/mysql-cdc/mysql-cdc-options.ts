import type { Duration } from '../../core/duration.js';
import { ConfigError } from '../../core/errors.js';
import { byGtid, type BinlogPosition } from './binlog-position.js';
import { tablePattern } from './table-patterns.js';
import { evenDistributionBound } from '../postgres-cdc/chunks.js';
import { heartbeatMillis } from '../postgres-cdc/cdc-option-values.js';

/**
 * Where a job that does not restore starts (Flink CDC's names): `initial` snapshots then follows
 * the binlog, `snapshot` only snapshots; the others take no snapshot and follow the binlog from its
 * end (`latest-offset`), its first file still on the server (`earliest-offset`), a given file and
 * offset or after a GTID set (`specific-offset`), or its first file keeping only transactions stamped at or after
 * `scan.startup.timestamp-millis` (`timestamp`).
 */
export type StartupMode = 'initial' | 'latest-offset' | 'earliest-offset' | 'specific-offset' | 'timestamp' | 'snapshot';
export type MetadataColumn = 'op_ts' | 'database_name' | 'table_name';
/**
 * What a schema change of a captured table does to the job (Flink CDC 3's names): `evolve` passes
 * added columns on in the rows, `ignore` leaves them out of the rows, `exception` stops the job at
 * any change. A change other than ADD COLUMN (DROP, RENAME, MODIFY, CHANGE, ...) stops it always.
 */
export type SchemaChangeBehavior = 'exception' | 'evolve' | 'ignore';

/** The source's options under Flink CDC's names, as SQL's WITH clause will pass them. */
export interface MysqlCdcOptions {
  readonly hostname: string;
  readonly port?: number;
  readonly username: string;
  readonly password?: string;
  /** The database, or a regular expression matching several (whole names). */
  readonly 'database-name'?: string;
  /** The table, or a regular expression matching several (whole names) in each matched database. */
  readonly 'table-name'?: string;
  /**
   * Flink CDC 3's form, instead of `database-name` and `table-name`: comma-separated
   * `database.table` patterns, `\.` standing for a regular expression's `.` (`app_db.\.*`).
   */
  readonly tables?: string;
  /**
   * Replication client ids (`'5400-5408'` or one number): the log reader takes the first, snapshot
   * readers the next ones by subtask. Each must differ from every server's and replica's `server_id`.
   */
  readonly 'server-id'?: string | number;
  readonly 'scan.startup.mode'?: StartupMode;
  /** With `specific-offset`: the binlog file (`mysql-bin.000003`) and offset in it to start from. */
  readonly 'scan.startup.specific-offset.file'?: string;
  readonly 'scan.startup.specific-offset.pos'?: number;
  /** With `specific-offset`: a GTID set to start after (wins over a file and offset, as in Flink CDC). */
  readonly 'scan.startup.specific-offset.gtid-set'?: string;
  /** With `timestamp`: epoch milliseconds; see docs/cdc.md for whole seconds in the binlog. */
  readonly 'scan.startup.timestamp-millis'?: number;
  /**
   * How often the server sends the binlog reader a heartbeat with its position while it has no
   * event to send (30 s; 0 for never), so positions move on an idle server.
   */
  readonly 'heartbeat.interval'?: Duration;
  readonly 'scan.incremental.snapshot.chunk.size'?: number;
  /**
   * When a table's key is one integer column and its keys over its estimated rows are at most
   * this, chunk boundaries are computed from the key range instead of walked through the index.
   * Default 10; 0 walks always.
   */
  readonly 'chunk-key.even-distribution.factor.upper-bound'?: number;
  /** Default `evolve`. */
  readonly 'schema.change.behavior'?: SchemaChangeBehavior;
  /**
   * Captures tables that match the patterns but were created after the job first started (or after
   * the checkpoint it restores): each is snapshotted and then followed by the binlog. Default false.
   */
  readonly 'scan.newly-added-table.enabled'?: boolean;
  /** Metadata added to each row under these names (Flink CDC's metadata columns). */
  readonly metadata?: readonly MetadataColumn[];
  /** Shown in plans and errors. */
  readonly name?: string;
}

/** The options with defaults applied and checked. */
export interface ResolvedMysqlCdcOptions {
  readonly connection: { host: string; port: number; user: string; password?: string };
  /** `database-name` and `table-name` as given, for names and errors. */
  readonly database: string;
  readonly table: string;
  /** Whether the source captures `database`.`table`. */
  matches(database: string, table: string): boolean;
  readonly schemaChange: SchemaChangeBehavior;
  readonly serverIds: { readonly first: number; readonly last: number };
  readonly startupMode: StartupMode;
  /** `specific-offset`'s position. */
  readonly startupOffset?: BinlogPosition;
  /** `timestamp`'s bound, epoch milliseconds. */
  readonly startupTimestamp?: number;
  /** `heartbeat.interval` in milliseconds, 0 for none. */
  readonly heartbeatMs: number;
  readonly chunkSize: number;
  /** `chunk-key.even-distribution.factor.upper-bound`. */
  readonly evenDistributionUpperBound: number;
  readonly metadata: readonly MetadataColumn[];
  readonly newlyAddedTables: boolean;
}

const MODES: readonly StartupMode[] = ['initial', 'latest-offset', 'earliest-offset', 'specific-offset', 'timestamp', 'snapshot'];
const BEHAVIORS: readonly SchemaChangeBehavior[] = ['exception', 'evolve', 'ignore'];

/** A whole-name regular expression; a bad one fails naming the option. */
function namePattern(option: string, v: string): RegExp {
  try {
    return new RegExp(`^(?:${v})$`);
  } catch (e) {
    throw new ConfigError(`mysql-cdc: '${option}' = '${v}' is not a regular expression: ${(e as Error).message}`);
  }
}

function serverIds(v: string | number | undefined): { first: number; last: number } {
  if (v === undefined) return { first: 5400, last: 5464 };
  const [a, b] = String(v)
    .split('-')
    .map((x) => Number(x.trim()));
  const first = a!;
  const last = b ?? first;
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || first < 1 || last < first || last >= 2 ** 32) {
    throw new ConfigError(`mysql-cdc: 'server-id' = '${v}' must be a positive integer or a range 'a-b'`);
  }
  return { first, last };
}

/** A non-negative safe integer option (SQL hands numbers over as numbers, the pipeline too). */
function wholeNumber(option: string, v: unknown): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
    throw new ConfigError(`mysql-cdc: '${option}' must be a non-negative integer, got '${String(v)}'`);
  return n;
}

/** The position or time the modes without a snapshot start from, checked against the mode. */
function startupPoint(o: MysqlCdcOptions, mode: StartupMode): { startupOffset?: BinlogPosition; startupTimestamp?: number } {
  const file = o['scan.startup.specific-offset.file'];
  const pos = o['scan.startup.specific-offset.pos'];
  const millis = o['scan.startup.timestamp-millis'];
  const gtid = o['scan.startup.specific-offset.gtid-set'];
  if (mode !== 'specific-offset' && (file !== undefined || pos !== undefined || gtid !== undefined))
    throw new ConfigError(`mysql-cdc: 'scan.startup.specific-offset.file', '.pos' and '.gtid-set' need 'scan.startup.mode' = 'specific-offset', not '${mode}'`);
  if (mode !== 'timestamp' && millis !== undefined)
    throw new ConfigError(`mysql-cdc: 'scan.startup.timestamp-millis' needs 'scan.startup.mode' = 'timestamp', not '${mode}'`);
  if (mode === 'specific-offset' && gtid !== undefined) {
    // As in Flink CDC, a GTID set wins over a file and offset: the server finds where it starts.
    if (typeof gtid !== 'string' || gtid.trim() === '')
      throw new ConfigError("mysql-cdc: 'scan.startup.specific-offset.gtid-set' must name GTIDs ('0-1-1234' on MariaDB, 'uuid:1-27' on MySQL)");
    return { startupOffset: byGtid(gtid.trim()) };
  }
  if (mode === 'specific-offset') {
    if (!file || pos === undefined)
      throw new ConfigError(
        "mysql-cdc: 'scan.startup.mode' = 'specific-offset' needs 'scan.startup.specific-offset.gtid-set', or both 'scan.startup.specific-offset.file' and 'scan.startup.specific-offset.pos'",
      );
    const at = wholeNumber('scan.startup.specific-offset.pos', pos);
    if (at < 4) throw new ConfigError(`mysql-cdc: 'scan.startup.specific-offset.pos' = ${at} is inside the file's header: the first event is at 4`);
    return { startupOffset: { file, pos: at } };
  }
  if (mode === 'timestamp') {
    if (millis === undefined) throw new ConfigError("mysql-cdc: 'scan.startup.mode' = 'timestamp' needs 'scan.startup.timestamp-millis'");
    return { startupTimestamp: wholeNumber('scan.startup.timestamp-millis', millis) };
  }
  return {};
}

function matcher(o: MysqlCdcOptions): (database: string, table: string) => boolean {
  if (o.tables !== undefined) {
    const both = tablePattern(o.tables, "mysql-cdc: 'tables'");
    return (d, t) => both.test(`${d}.${t}`);
  }
  const d = namePattern('database-name', o['database-name']!);
  const t = namePattern('table-name', o['table-name']!);
  return (db, table) => d.test(db) && t.test(table);
}

export function resolveOptions(o: MysqlCdcOptions): ResolvedMysqlCdcOptions {
  const names = o.tables !== undefined ? (['hostname', 'username'] as const) : (['hostname', 'username', 'database-name', 'table-name'] as const);
  for (const k of names) {
    if (!o[k]) throw new ConfigError(`mysql-cdc: option '${k}' is required`);
  }
  const mode = o['scan.startup.mode'] ?? 'initial';
  if (!MODES.includes(mode)) throw new ConfigError(`mysql-cdc: 'scan.startup.mode' = '${mode}' is not one of ${MODES.join(', ')}`);
  const chunkSize = o['scan.incremental.snapshot.chunk.size'] ?? 8096;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1)
    throw new ConfigError(`mysql-cdc: 'scan.incremental.snapshot.chunk.size' must be a positive integer, got ${chunkSize}`);
  const schemaChange = o['schema.change.behavior'] ?? 'evolve';
  if (!BEHAVIORS.includes(schemaChange)) throw new ConfigError(`mysql-cdc: 'schema.change.behavior' = '${schemaChange}' is not one of ${BEHAVIORS.join(', ')}`);
  const newlyAddedTables = String(o['scan.newly-added-table.enabled'] ?? false) === 'true';
  if (newlyAddedTables && mode !== 'initial')
    throw new ConfigError(`mysql-cdc: 'scan.newly-added-table.enabled' needs 'scan.startup.mode' = 'initial' (a new table is snapshotted), not '${mode}'`);
  return {
    connection: {
      host: o.hostname,
      port: o.port ?? 3306,
      user: o.username,
      ...(o.password !== undefined ? { password: o.password } : {}),
    },
    database: o.tables !== undefined ? '' : o['database-name']!,
    table: o.tables ?? o['table-name']!,
    matches: matcher(o),
    schemaChange,
    serverIds: serverIds(o['server-id']),
    startupMode: mode,
    ...startupPoint(o, mode),
    heartbeatMs: heartbeatMillis('mysql-cdc', o['heartbeat.interval']),
    chunkSize,
    evenDistributionUpperBound: evenDistributionBound('mysql-cdc', o['chunk-key.even-distribution.factor.upper-bound']),
    metadata: o.metadata ?? [],
    newlyAddedTables,
  };
}
