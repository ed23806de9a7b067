import mysql from 'mysql2/promise';
import pg from 'pg';
import type { JdbcTarget } from './jdbc-url.js';
import { MYSQL_SQL, POSTGRES_SQL, type SqlDialect, type Statement } from './jdbc-statements.js';

/** One database connection of a sink writer. */
export interface JdbcConnection {
  readonly dialect: SqlDialect;
  /** Runs `statements` in one transaction: all of a flush is applied, or none. */
  transaction(statements: readonly Statement[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens a connection to `target` through `pg` (PostgreSQL) or `mysql2` (MySQL, MariaDB), in a UTC
 * session: a TIMESTAMP_LTZ arrives as UTC text without an offset, so the server's own time zone
 * must not shift it.
 */
export async function openConnection(target: JdbcTarget, user: string | undefined, password: string | undefined): Promise<JdbcConnection> {
  const auth = { ...(user !== undefined ? { user } : {}), ...(password !== undefined ? { password } : {}) };
  if (target.dialect === 'postgres') {
    const client = new pg.Client({ host: target.host, port: target.port, database: target.database, ...auth, options: '-c TimeZone=UTC' });
    await client.connect();
    // A broken connection surfaces at the next flush; without a listener it would crash the process.
    client.on('error', () => {});
    return {
      dialect: POSTGRES_SQL,
      async transaction(statements) {
        await client.query('BEGIN');
        try {
          for (const s of statements) await client.query(s.sql, s.params);
          await client.query('COMMIT');
        } catch (e) {
          await client.query('ROLLBACK').catch(() => {});
          throw e;
        }
      },
      close: () => client.end(),
    };
  }
  const conn = await mysql.createConnection({ host: target.host, port: target.port, database: target.database, ...auth, supportBigNumbers: true });
  conn.on('error', () => {});
  await conn.query("SET time_zone = '+00:00'");
  return {
    dialect: MYSQL_SQL,
    async transaction(statements) {
      await conn.beginTransaction();
      try {
        // query (client-side escaping), not execute: each row count would be another prepared statement.
        for (const s of statements) await conn.query(s.sql, s.params);
        await conn.commit();
      } catch (e) {
        await conn.rollback().catch(() => {});
        throw e;
      }
    },
    close: () => conn.end(),
  };
}
