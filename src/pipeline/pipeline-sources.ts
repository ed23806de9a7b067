import mysql from 'mysql2/promise';
import pg from 'pg';
import { ConfigError } from '../core/errors.js';
import { CDC_NUMBER_OPTIONS } from '../connectors/postgres-cdc/cdc-option-values.js';
import type { Source, SourceSplit } from '../core/source.js';
import { capturedTables as mysqlTables, describeTable as describeMysqlTable } from '../connectors/mysql-cdc/captured-tables.js';
import { mysqlCdcSource } from '../connectors/mysql-cdc/mysql-cdc-source.js';
import { resolveOptions as resolveMysql, type MysqlCdcOptions } from '../connectors/mysql-cdc/mysql-cdc-options.js';
import { capturedTables as postgresTables, describeTable as describePostgresTable } from '../connectors/postgres-cdc/captured-tables.js';
import { connectPg } from '../connectors/postgres-cdc/pg-connect.js';
import { postgresCdcSource } from '../connectors/postgres-cdc/postgres-cdc-source.js';
import { resolveOptions as resolvePostgres, type PostgresCdcOptions } from '../connectors/postgres-cdc/postgres-cdc-options.js';
import type { PipelineDefinition } from './pipeline-definition.js';
import { postgresSourceColumns, sourceColumns, type SourceColumn } from './target-schema.js';

type Row = Record<string, unknown>;

/** A source table of a pipeline: `qualifier` is its database (MySQL) or schema (PostgreSQL). */
export interface PipelineTable {
  readonly qualifier: string;
  readonly table: string;
  readonly keyColumns: readonly string[];
}

/** What `weir pipeline` needs of a source database. */
export interface PipelineSource {
  /** The metadata column that holds a row's qualifier. */
  readonly qualifierColumn: 'database_name' | 'schema_name';
  /** The matching tables with their columns. */
  tables(): Promise<{ table: PipelineTable; columns: SourceColumn[] }[]>;
  /** One table found after the start (a new table), with its key and columns. */
  table(qualifier: string, table: string): Promise<{ table: PipelineTable; columns: SourceColumn[] }>;
  /** One table's columns now (for a column added while the pipeline runs). */
  columns(qualifier: string, table: string): Promise<SourceColumn[]>;
  /** The CDC source over the tables. */
  readonly source: Source<Row, SourceSplit>;
}

const MYSQL_OPTIONS = [
  'hostname',
  'port',
  'username',
  'password',
  'tables',
  'server-id',
  'scan.incremental.snapshot.chunk.size',
  'chunk-key.even-distribution.factor.upper-bound',
  'scan.startup.mode',
  'scan.startup.specific-offset.file',
  'scan.startup.specific-offset.pos',
  'scan.startup.specific-offset.gtid-set',
  'scan.startup.timestamp-millis',
  'heartbeat.interval',
  'scan.newly-added-table.enabled',
];
const POSTGRES_OPTIONS = [
  'hostname',
  'port',
  'username',
  'password',
  'database-name',
  'tables',
  'slot.name',
  'decoding.plugin.name',
  'scan.incremental.snapshot.chunk.size',
  'chunk-key.even-distribution.factor.upper-bound',
  'scan.startup.mode',
  'scan.newly-added-table.enabled',
];
const NUMBERS = new Set(CDC_NUMBER_OPTIONS);

function options(def: PipelineDefinition, allowed: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(def.source.options)) {
    if (!allowed.includes(k)) throw new ConfigError(`pipeline source (${def.source.type}): option '${k}' is not supported yet (${allowed.join(', ')})`);
    const n = Number(v);
    if (NUMBERS.has(k) && (String(v).trim() === '' || Number.isNaN(n)))
      throw new ConfigError(`pipeline source (${def.source.type}): option '${k}' must be a number, not '${v}'`);
    out[k] = NUMBERS.has(k) ? n : String(v);
  }
  return { ...out, 'schema.change.behavior': def.schemaChange, name: `${def.source.type}-cdc ${String(out.tables)}` };
}

/** The pipeline's source: `mysql-cdc` or `postgres-cdc` over the tables `source.tables` matches. */
export function pipelineSource(def: PipelineDefinition): PipelineSource {
  // A whole-database sync follows the database: tables created later are captured unless told otherwise.
  const startup = def.source.options['scan.startup.mode'] ?? 'initial';
  if (def.source.type === 'postgres') {
    const o = {
      'scan.newly-added-table.enabled': startup === 'initial',
      ...options(def, POSTGRES_OPTIONS),
      metadata: ['schema_name', 'table_name'],
    } as unknown as PostgresCdcOptions;
    const resolved = resolvePostgres(o);
    const withClient = async <T>(work: (c: pg.Client) => Promise<T>): Promise<T> => {
      const c = await connectPg(resolved.connection);
      try {
        return await work(c);
      } finally {
        await c.end().catch(() => {});
      }
    };
    return {
      qualifierColumn: 'schema_name',
      tables: () =>
        withClient(async (c) => {
          const out = [];
          for (const t of await postgresTables(c, resolved))
            out.push({ table: { qualifier: t.schema, table: t.table, keyColumns: t.keyColumns }, columns: await postgresSourceColumns(c, t.schema, t.table) });
          return out;
        }),
      table: (schema, table) =>
        withClient(async (c) => {
          const t = await describePostgresTable(c, schema, table);
          return { table: { qualifier: schema, table, keyColumns: t.keyColumns }, columns: await postgresSourceColumns(c, schema, table) };
        }),
      columns: (schema, table) => withClient((c) => postgresSourceColumns(c, schema, table)),
      source: postgresCdcSource(o) as Source<Row, SourceSplit>,
    };
  }
  const o = {
    'scan.newly-added-table.enabled': startup === 'initial',
    ...options(def, MYSQL_OPTIONS),
    metadata: ['database_name', 'table_name'],
  } as unknown as MysqlCdcOptions;
  const resolved = resolveMysql(o);
  const withConnection = async <T>(work: (c: mysql.Connection) => Promise<T>): Promise<T> => {
    const c = await mysql.createConnection({ ...resolved.connection });
    c.on('error', () => {});
    try {
      return await work(c);
    } finally {
      await c.end().catch(() => {});
    }
  };
  return {
    qualifierColumn: 'database_name',
    tables: () =>
      withConnection(async (c) => {
        const out = [];
        for (const t of await mysqlTables(c, resolved))
          out.push({ table: { qualifier: t.database, table: t.table, keyColumns: t.keyColumns }, columns: await sourceColumns(c, t.database, t.table) });
        return out;
      }),
    table: (db, table) =>
      withConnection(async (c) => {
        const t = await describeMysqlTable(c, db, table);
        return { table: { qualifier: db, table, keyColumns: t.keyColumns }, columns: await sourceColumns(c, db, table) };
      }),
    columns: (db, table) => withConnection((c) => sourceColumns(c, db, table)),
    source: mysqlCdcSource(o) as Source<Row, SourceSplit>,
  };
}
