// The default database servers of the test machine (PostgreSQL 127.0.0.1:5432 trust auth, MariaDB
// 127.0.0.1:3306 root without password, both with database `test`), as jdbc targets and query clients.
import mysql from 'mysql2/promise';
import pg from 'pg';

export interface TestDatabase {
  readonly name: 'postgres' | 'mariadb';
  readonly url: string;
  readonly username: string;
  /** Runs SQL in database `test`. */
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<R[]>;
  /** The SQL type of an auto-free integer key and of text, in this database's dialect. */
  readonly types: { readonly bigint: string; readonly text: string; readonly double: string; readonly timestamp: string };
  close(): Promise<void>;
}

export async function postgresTest(): Promise<TestDatabase> {
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
  await client.connect();
  return {
    name: 'postgres',
    url: 'jdbc:postgresql://127.0.0.1:5432/test',
    username: 'postgres',
    query: async <R>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as R[],
    types: { bigint: 'bigint', text: 'text', double: 'double precision', timestamp: 'timestamp(3)' },
    close: () => client.end(),
  };
}

export async function mariadbTest(): Promise<TestDatabase> {
  const conn = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', database: 'test', supportBigNumbers: true, dateStrings: true });
  return {
    name: 'mariadb',
    url: 'jdbc:mariadb://127.0.0.1:3306/test',
    username: 'root',
    query: async <R>(sql: string, params?: unknown[]) => (await conn.query(sql, params))[0] as R[],
    types: { bigint: 'bigint', text: 'varchar(200)', double: 'double', timestamp: 'datetime(3)' },
    close: () => conn.end(),
  };
}

/** Whether the default servers answer (the suite skips with a note when they do not). */
export async function haveTestDatabases(): Promise<boolean> {
  try {
    await (await postgresTest()).close();
    await (await mariadbTest()).close();
    return true;
  } catch {
    return false;
  }
}
