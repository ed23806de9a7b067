import mysql from 'mysql2/promise';
import pg from 'pg';
import { parseJdbcUrl } from './jdbc-url.js';
import { MYSQL_SQL, POSTGRES_SQL, quoteTable, type SqlDialect } from './jdbc-statements.js';

/** What a lookup join reads from a PostgreSQL, MySQL or MariaDB table. */
export interface JdbcLookupOptions {
  readonly url: string;
  readonly 'table-name': string;
  readonly username?: string;
  readonly password?: string;
  /** The columns returned, in order. */
  readonly columns: readonly string[];
  /** The columns a lookup matches on. */
  readonly keys: readonly string[];
}

/**
 * One connection of a lookup join to a database table: `lookup(keys)` returns the rows whose key
 * columns equal any of the key tuples, in one query. Values come back as the database's text form
 * (numbers and timestamps as strings), so the SQL layer reads them as it reads CSV fields.
 *
 * @example
 * const c = await openJdbcLookup({ url: 'jdbc:postgresql://127.0.0.1:5432/test', 'table-name': 'users', columns: ['id', 'name'], keys: ['id'] });
 * await c.lookup([[1], [2]]); // [{ id: '1', name: 'Ann' }, { id: '2', name: 'Bob' }]
 */
export interface JdbcLookup {
  lookup(keys: readonly (readonly unknown[])[]): Promise<Record<string, unknown>[]>;
  /** Every row of the table (a full cache's load). */
  readAll(): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

const BOOL_OID = 16;

/** Keys per statement at most: a large batch is split (placeholders stay well under each server's limit). */
const MAX_KEYS = 1000;

export async function openJdbcLookup(o: JdbcLookupOptions): Promise<JdbcLookup> {
  const target = parseJdbcUrl(o.url);
  const user = o.username ?? target.user;
  const password = o.password ?? target.password;
  const auth = { ...(user !== undefined ? { user } : {}), ...(password !== undefined ? { password } : {}) };
  let run: (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;
  let close: () => Promise<void>;
  let dialect: SqlDialect;
  if (target.dialect === 'postgres') {
    // Every value as PostgreSQL's text form (booleans as SQL writes them): no driver-specific conversion of dates or numerics.
    const text = (v: string) => v;
    const bool = (v: string) => (v === 't' ? 'true' : 'false');
    const types = { getTypeParser: (oid: number) => (oid === BOOL_OID ? bool : text) };
    const client = new pg.Client({ host: target.host, port: target.port, database: target.database, ...auth, types: types as never });
    await client.connect();
    client.on('error', () => {});
    run = async (sql, params) => (await client.query(sql, params)).rows as Record<string, unknown>[];
    close = () => client.end();
    dialect = POSTGRES_SQL;
  } else {
    const conn = await mysql.createConnection({
      host: target.host,
      port: target.port,
      database: target.database,
      ...auth,
      // Text as the SQL layer reads it; BOOLEAN is TINYINT(1) there.
      typeCast: (field, next) => {
        if (field.type === 'BLOB' || field.type === 'GEOMETRY') return next();
        const v = field.string();
        return field.type === 'TINY' && field.length === 1 && v !== null ? String(v !== '0') : v;
      },
    });
    conn.on('error', () => {});
    run = async (sql, params) => (await conn.query(sql, params))[0] as Record<string, unknown>[];
    close = () => conn.end();
    dialect = MYSQL_SQL;
  }
  // One connection answers one query at a time: later lookups queue behind the one running.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = (sql: string, params: unknown[]) => {
    const next = queue.then(() => run(sql, params));
    queue = next.catch(() => undefined);
    return next;
  };
  const all = `SELECT ${o.columns.map((c) => dialect.quote(c)).join(', ')} FROM ${quoteTable(dialect, o['table-name'])}`;
  const select = `${all} WHERE `;
  return {
    readAll: () => serial(all, []),
    async lookup(keys) {
      const out: Record<string, unknown>[] = [];
      for (let at = 0; at < keys.length; at += MAX_KEYS) {
        const chunk = keys.slice(at, at + MAX_KEYS);
        const params: unknown[] = [];
        const p = (v: unknown) => {
          params.push(v);
          return dialect.placeholder(params.length - 1);
        };
        const where =
          o.keys.length === 1
            ? `${dialect.quote(o.keys[0]!)} IN (${chunk.map((k) => p(k[0])).join(', ')})`
            : chunk.map((k) => `(${o.keys.map((c, i) => `${dialect.quote(c)} = ${p(k[i])}`).join(' AND ')})`).join(' OR ');
        out.push(...(await serial(select + where, params)));
      }
      return out;
    },
    close,
  };
}
