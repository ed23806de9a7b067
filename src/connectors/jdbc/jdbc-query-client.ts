import mysql from 'mysql2/promise';
import pg from 'pg';
import type { JdbcTarget } from './jdbc-url.js';
import { MYSQL_SQL, POSTGRES_SQL, type SqlDialect } from './jdbc-statements.js';

/** A database connection that runs queries and returns rows (the scan source's and the catalog's). */
export interface JdbcQueryClient {
  readonly dialect: SqlDialect;
  /** The `n`-th (1-based) parameter marker of this dialect: `$n` or `?`. */
  param(n: number): string;
  query(sql: string, params?: readonly unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

/**
 * Opens a query connection to `target` through `pg` (PostgreSQL) or `mysql2` (MySQL, MariaDB).
 * Values come as the drivers give them: BIGINT and DECIMAL as text when not exact as numbers.
 *
 * @example
 * const client = await openQueryClient(parseJdbcUrl('jdbc:postgresql://localhost:5432/shop'), 'app', undefined);
 * const rows = await client.query('SELECT id FROM orders WHERE id > $1', [10]);
 */
export async function openQueryClient(target: JdbcTarget, user: string | undefined, password: string | undefined): Promise<JdbcQueryClient> {
  const auth = { ...(user !== undefined ? { user } : {}), ...(password !== undefined ? { password } : {}) };
  if (target.dialect === 'postgres') {
    const client = new pg.Client({ host: target.host, port: target.port, database: target.database, ...auth });
    await client.connect();
    // A broken connection surfaces at the next query; without a listener it would crash the process.
    client.on('error', () => {});
    return {
      dialect: POSTGRES_SQL,
      param: (n) => `$${n}`,
      query: async (sql, params) => (await client.query(sql, params as unknown[] | undefined)).rows as Record<string, unknown>[],
      close: () => client.end(),
    };
  }
  const conn = await mysql.createConnection({ host: target.host, port: target.port, database: target.database, ...auth, supportBigNumbers: true });
  conn.on('error', () => {});
  return {
    dialect: MYSQL_SQL,
    param: () => '?',
    query: async (sql, params) => (await conn.query(sql, params as unknown[] | undefined))[0] as Record<string, unknown>[],
    close: () => conn.end(),
  };
}
