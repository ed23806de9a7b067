import mysql from 'mysql2/promise';
import { ConfigError } from '../../core/errors.js';
import { chunksAt, type Chunk } from '../postgres-cdc/chunks.js';
import type { BinlogPosition } from './binlog-position.js';
import type { ResolvedMysqlCdcOptions } from './mysql-cdc-options.js';

const INTEGER_TYPES = ['tinyint', 'smallint', 'mediumint', 'int', 'bigint'];

/** Back-quoted identifier. */
export const ident = (name: string): string => `\`${name.replace(/`/g, '``')}\``;
export const tableRef = (o: ResolvedMysqlCdcOptions): string => `${ident(o.connection.database)}.${ident(o.table)}`;

export type Connection = mysql.Connection;

/**
 * Opens a query connection; BIGINT values beyond 2^53 come as strings, never rounded. JSON and dates come
 * as the server's text, as the binlog reader gives DATE and DATETIME; the session time zone is UTC
 * so a TIMESTAMP's text names the same instant whatever the server's time zone.
 */
export async function connect(o: ResolvedMysqlCdcOptions): Promise<Connection> {
  const c = await mysql.createConnection({ ...o.connection, supportBigNumbers: true, dateStrings: true, jsonStrings: true });
  await c.query("SET time_zone = '+00:00'");
  return c;
}

/** Runs `work` on a fresh connection and closes it. */
export async function withConnection<T>(o: ResolvedMysqlCdcOptions, work: (c: Connection) => Promise<T>): Promise<T> {
  const c = await connect(o);
  try {
    return await work(c);
  } finally {
    await c.end().catch(() => {});
  }
}

/** The single integer primary-key column (the only key this version splits on). */
export async function keyColumnOf(c: Connection, o: ResolvedMysqlCdcOptions): Promise<string> {
  const [rows] = await c.query<mysql.RowDataPacket[]>(
    `SELECT COLUMN_NAME AS name, DATA_TYPE AS type FROM information_schema.KEY_COLUMN_USAGE k
       JOIN information_schema.COLUMNS USING (TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME)
     WHERE k.TABLE_SCHEMA = ? AND k.TABLE_NAME = ? AND k.CONSTRAINT_NAME = 'PRIMARY'`,
    [o.connection.database, o.table],
  );
  if (rows.length !== 1 || !INTEGER_TYPES.includes(String(rows[0]!.type).toLowerCase())) {
    const has = rows.length === 0 ? 'none' : rows.map((r) => `${r.name} ${r.type}`).join(', ');
    throw new ConfigError(`mysql-cdc: ${o.connection.database}.${o.table} needs a primary key of one integer column; it has ${has}`);
  }
  return String(rows[0]!.name);
}

/** Cuts the table into chunks of `chunkSize` keys, walking the primary-key index. */
export async function splitTable(c: Connection, o: ResolvedMysqlCdcOptions, key: string): Promise<Chunk[]> {
  const k = ident(key);
  const boundaries: string[] = [];
  const [first] = await c.query<mysql.RowDataPacket[]>(`SELECT CAST(min(${k}) AS CHAR) AS b FROM ${tableRef(o)}`);
  let prev: string | null = first[0]?.b ?? null;
  while (prev !== null) {
    const [rows] = await c.query<mysql.RowDataPacket[]>(
      `SELECT CAST(${k} AS CHAR) AS b FROM ${tableRef(o)} WHERE ${k} >= ? ORDER BY ${k} LIMIT 1 OFFSET ${o.chunkSize}`,
      [prev],
    );
    prev = rows[0]?.b ?? null;
    if (prev !== null) boundaries.push(prev);
  }
  return chunksAt(boundaries);
}

/** The end of the binlog now: after the last transaction written to it. */
export async function binlogEnd(c: Connection): Promise<BinlogPosition> {
  let rows: mysql.RowDataPacket[];
  try {
    [rows] = await c.query<mysql.RowDataPacket[]>('SHOW MASTER STATUS');
  } catch {
    // MySQL 8.4 renamed it.
    [rows] = await c.query<mysql.RowDataPacket[]>('SHOW BINARY LOG STATUS');
  }
  const r = rows[0];
  if (!r) throw new ConfigError('mysql-cdc: the server writes no binlog; start it with log_bin, binlog_format=ROW and binlog_row_image=FULL (see docs/cdc.md)');
  let gtid = typeof r.Executed_Gtid_Set === 'string' ? r.Executed_Gtid_Set : undefined;
  if (gtid === undefined) {
    const [g] = await c.query<mysql.RowDataPacket[]>('SELECT @@gtid_binlog_pos AS g').catch(() => [[] as mysql.RowDataPacket[]]);
    gtid = g[0]?.g ?? undefined;
  }
  return { file: String(r.File), pos: Number(r.Position), ...(gtid ? { gtid } : {}) };
}

/** Whether the server still has the binlog file `at` is in. */
export async function binlogAvailable(c: Connection, at: BinlogPosition): Promise<boolean> {
  const [rows] = await c.query<mysql.RowDataPacket[]>('SHOW BINARY LOGS');
  return rows.some((r) => r.Log_name === at.file);
}

/** Refuses servers whose binlog cannot rebuild rows: ROW format with full images is needed. */
export async function checkServer(c: Connection): Promise<void> {
  const [rows] = await c.query<mysql.RowDataPacket[]>('SELECT @@log_bin AS bin, @@global.binlog_format AS fmt, @@global.binlog_row_image AS img');
  const r = rows[0]!;
  const problems: string[] = [];
  if (Number(r.bin) !== 1) problems.push('log_bin is off');
  if (String(r.fmt).toUpperCase() !== 'ROW') problems.push(`binlog_format is ${r.fmt}, not ROW`);
  if (String(r.img).toUpperCase() !== 'FULL') problems.push(`binlog_row_image is ${r.img}, not FULL`);
  if (problems.length) throw new ConfigError(`mysql-cdc: the server's binlog cannot be used: ${problems.join('; ')} (see docs/cdc.md)`);
}
