import mysql from 'mysql2/promise';
import { ConfigError } from '../../core/errors.js';
import { chunksAt, evenBoundaries, type Chunk } from '../postgres-cdc/chunks.js';
import type { BinlogPosition } from './binlog-position.js';
import { quotedTable, tableIdOf, type CapturedTable } from './captured-tables.js';
import type { TableChunk } from './cdc-splits.js';
import type { ResolvedMysqlCdcOptions } from './mysql-cdc-options.js';

/** Back-quoted identifier. */
export const ident = (name: string): string => `\`${name.replace(/`/g, '``')}\``;

export type Connection = mysql.Connection;

/**
 * Opens a query connection; BIGINT values beyond 2^53 come as strings, never rounded. JSON and dates come
 * as the server's text, as the binlog reader gives DATE and DATETIME; the session time zone is UTC
 * so a TIMESTAMP's text names the same instant whatever the server's time zone.
 */
export async function connect(o: ResolvedMysqlCdcOptions): Promise<Connection> {
  const c = await mysql.createConnection({ ...o.connection, supportBigNumbers: true, dateStrings: true, jsonStrings: true });
  // An idle connection whose server goes away emits 'error'; unheard, it would kill the process.
  c.on('error', () => {});
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

/**
 * Cuts table `t` into chunks of about `chunkSize` rows on its chunk column; a table without one is
 * one chunk. A one-column key dense enough is cut by range (`evenSplit`); any other is walked
 * through the primary-key index. With a composite key many rows may share a value of the first
 * column: a boundary never repeats, so such a chunk holds more rows.
 */
export async function splitTable(c: Connection, o: ResolvedMysqlCdcOptions, t: CapturedTable): Promise<TableChunk[]> {
  const id = tableIdOf(t);
  const named = (chunks: Chunk[]): TableChunk[] => chunks.map((ch) => ({ ...ch, id: `${id}#${ch.id}`, table: id }));
  if (t.chunkColumn === undefined) return named(chunksAt([]));
  const k = ident(t.chunkColumn);
  const from = quotedTable(t);
  if (t.keyColumns.length === 1) {
    const even = await evenSplit(c, o, t, k, from);
    if (even) return named(chunksAt(even));
  }
  const boundaries: string[] = [];
  const [first] = await c.query<mysql.RowDataPacket[]>(`SELECT CAST(min(${k}) AS CHAR) AS b FROM ${from}`);
  let prev: string | null = first[0]?.b ?? null;
  while (prev !== null) {
    const [rows] = await c.query<mysql.RowDataPacket[]>(
      `SELECT CAST(${k} AS CHAR) AS b FROM ${from} WHERE ${k} >= ? ORDER BY ${k} LIMIT 1 OFFSET ${o.chunkSize}`,
      [prev],
    );
    let next: string | null = rows[0]?.b ?? null;
    if (next === prev) {
      const [after] = await c.query<mysql.RowDataPacket[]>(`SELECT CAST(min(${k}) AS CHAR) AS b FROM ${from} WHERE ${k} > ?`, [prev]);
      next = after[0]?.b ?? null;
    }
    prev = next;
    if (prev !== null) boundaries.push(prev);
  }
  return named(chunksAt(boundaries));
}

/**
 * Boundaries every so many keys (see `evenBoundaries`) when the table's keys are dense enough, from
 * the key's range and the server's estimate of the row count: two cheap queries.
 */
async function evenSplit(c: Connection, o: ResolvedMysqlCdcOptions, t: CapturedTable, k: string, from: string): Promise<string[] | undefined> {
  if (o.evenDistributionUpperBound === 0) return undefined;
  const [[range], [stats]] = await Promise.all([
    c.query<mysql.RowDataPacket[]>(`SELECT CAST(min(${k}) AS CHAR) AS lo, CAST(max(${k}) AS CHAR) AS hi FROM ${from}`),
    c.query<mysql.RowDataPacket[]>('SELECT TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [t.database, t.table]),
  ]);
  const lo = range[0]?.lo as string | null | undefined;
  const hi = range[0]?.hi as string | null | undefined;
  if (lo == null || hi == null) return undefined;
  return evenBoundaries(BigInt(lo), BigInt(hi), Number(stats[0]?.n ?? 0), o.chunkSize, o.evenDistributionUpperBound);
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
