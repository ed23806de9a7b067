import { parseJdbcUrl, redactUrl, type JdbcTarget } from './jdbc-url.js';
import { openQueryClient, type JdbcQueryClient } from './jdbc-query-client.js';

/** A column as the database's information_schema describes it. */
export interface JdbcColumnInfo {
  readonly name: string;
  /** information_schema's `data_type` (lower case): `integer`, `character varying`, `ARRAY` (PostgreSQL), `int`, `varchar` (MySQL). */
  readonly dataType: string;
  /** PostgreSQL's `udt_name` (`_int4` for an INT array); MySQL's `column_type` (`tinyint(1)`, `int(10) unsigned`). */
  readonly detail: string;
  readonly length: number | null;
  readonly precision: number | null;
  readonly scale: number | null;
  readonly datetimePrecision: number | null;
  readonly nullable: boolean;
}

export interface JdbcTableInfo {
  readonly columns: readonly JdbcColumnInfo[];
  /** The primary key's columns in key order; empty when the table has none. */
  readonly primaryKey: readonly string[];
}

/** What the JDBC catalog asks a database: its databases, the tables of one, or one table's columns and key. */
export type JdbcMetadataRequest =
  | { readonly op: 'databases'; readonly baseUrl: string; readonly database: string; readonly user?: string; readonly password?: string }
  | { readonly op: 'tables'; readonly baseUrl: string; readonly database: string; readonly user?: string; readonly password?: string }
  | {
      readonly op: 'table';
      readonly baseUrl: string;
      readonly database: string;
      /** `schema.table` for PostgreSQL, `table` for MySQL. */
      readonly table: string;
      readonly user?: string;
      readonly password?: string;
    };

export type JdbcMetadataResponse = { readonly ok: true; readonly value: string[] | JdbcTableInfo | null } | { readonly ok: false; readonly message: string };

const MYSQL_SYSTEM = ['information_schema', 'mysql', 'performance_schema', 'sys'];

/** `base-url` plus a database: the URL of that database. */
export function databaseUrl(baseUrl: string, database: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(database)}`;
}

/**
 * Answers one catalog request with a connection of its own. Errors come back as a message naming
 * the server (never the password), so the synchronous caller can throw them where the SQL is.
 *
 * @example
 * await readJdbcMetadata({ op: 'tables', baseUrl: 'jdbc:postgresql://localhost:5432', database: 'shop' }) // { ok: true, value: ['public.orders'] }
 */
export async function readJdbcMetadata(r: JdbcMetadataRequest): Promise<JdbcMetadataResponse> {
  let target: JdbcTarget;
  let client: JdbcQueryClient | undefined;
  try {
    target = parseJdbcUrl(databaseUrl(r.baseUrl, r.database));
    client = await openQueryClient(target, r.user ?? target.user, r.password ?? target.password);
  } catch (e) {
    return { ok: false, message: `cannot connect to database '${r.database}' at ${redactUrl(r.baseUrl)}: ${e instanceof Error ? e.message : String(e)}` };
  }
  try {
    const postgres = target.dialect === 'postgres';
    if (r.op === 'databases') {
      const rows = postgres
        ? await client.query('SELECT datname AS name FROM pg_database WHERE NOT datistemplate AND datallowconn ORDER BY 1')
        : await client.query('SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA ORDER BY 1');
      return { ok: true, value: rows.map((x) => String(x.name)).filter((n) => postgres || !MYSQL_SYSTEM.includes(n)) };
    }
    if (r.op === 'tables') {
      const rows = postgres
        ? await client.query(
            "SELECT table_schema || '.' || table_name AS name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
          )
        : await client.query("SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1", [
            r.database,
          ]);
      return { ok: true, value: rows.map((x) => String(x.name)) };
    }
    return { ok: true, value: await describeTable(client, postgres, r.database, r.table) };
  } catch (e) {
    return { ok: false, message: `database '${r.database}' at ${redactUrl(r.baseUrl)}: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    await client.close().catch(() => {});
  }
}

async function describeTable(client: JdbcQueryClient, postgres: boolean, database: string, table: string): Promise<JdbcTableInfo | null> {
  // PostgreSQL tables are named schema.table, as in Flink's catalog; a name without a schema is in 'public'.
  const dot = table.indexOf('.');
  const [schema, name] = postgres ? (dot < 0 ? ['public', table] : [table.slice(0, dot), table.slice(dot + 1)]) : [database, table];
  const p = (n: number) => client.param(n);
  const columns = await client.query(
    `SELECT column_name AS name, data_type AS data_type, ${postgres ? 'udt_name' : 'column_type'} AS detail, character_maximum_length AS length,
       numeric_precision AS num_precision, numeric_scale AS num_scale, datetime_precision AS dt_precision, is_nullable AS nullable
     FROM information_schema.columns WHERE table_schema = ${p(1)} AND table_name = ${p(2)} ORDER BY ordinal_position`,
    [schema, name],
  );
  if (columns.length === 0) return null;
  const key = await client.query(
    `SELECT kcu.column_name AS name FROM information_schema.table_constraints tc
     JOIN information_schema.key_column_usage kcu
       ON tc.constraint_name = kcu.constraint_name AND tc.table_schema = kcu.table_schema AND tc.table_name = kcu.table_name
     WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = ${p(1)} AND tc.table_name = ${p(2)} ORDER BY kcu.ordinal_position`,
    [schema, name],
  );
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    columns: columns.map((c) => ({
      name: String(c.name),
      dataType: String(c.data_type).toLowerCase() === 'array' ? 'ARRAY' : String(c.data_type).toLowerCase(),
      detail: String(c.detail).toLowerCase(),
      length: num(c.length),
      precision: num(c.num_precision),
      scale: num(c.num_scale),
      datetimePrecision: num(c.dt_precision),
      nullable: String(c.nullable).toUpperCase() === 'YES',
    })),
    primaryKey: key.map((k) => String(k.name)),
  };
}
