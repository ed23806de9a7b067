import type mysql from 'mysql2/promise';
import { UnrecoverableError } from '../../core/errors.js';
import { isGtidStart, type BinlogPosition } from './binlog-position.js';
import { binlogEnd, type Connection } from './mysql-catalog.js';
import type { ResolvedMysqlCdcOptions } from './mysql-cdc-options.js';

/** A binlog file the server still has, and its size (the end of what was written to it). */
interface BinlogFile {
  readonly name: string;
  readonly size: number;
}

async function binlogFiles(c: Connection): Promise<BinlogFile[]> {
  const [rows] = await c.query<mysql.RowDataPacket[]>('SHOW BINARY LOGS');
  return rows.map((r) => ({ name: String(r.Log_name), size: Number(r.File_size) }));
}

/** The error of a start position the server does not have: named with the files it has. */
function notOnServer(o: ResolvedMysqlCdcOptions, at: BinlogPosition, why: string, files: readonly BinlogFile[]): UnrecoverableError {
  const range = files.length === 0 ? 'none' : `${files[0]!.name} to ${files[files.length - 1]!.name}`;
  return new UnrecoverableError(
    `mysql-cdc ${o.database}.${o.table}: the start position ${at.file}:${at.pos} ('scan.startup.specific-offset.*') is not on the server: ${why} ` +
      `(its binlog files: ${range}; SHOW BINARY LOGS lists them with their sizes). Give a position the server has, or another 'scan.startup.mode'.`,
  );
}

/**
 * Where the log split of a job that does not restore starts: the binlog's end for the modes with a
 * snapshot and `latest-offset`; the first file still on the server for `earliest-offset` and
 * `timestamp` (the timestamp filters transactions as they are read); the given position for
 * `specific-offset`, once the server is seen to have it (a GTID set as given: the server places it). Taken before the tables are listed and
 * split, as the snapshot's low marks need.
 */
export async function startPosition(c: Connection, o: ResolvedMysqlCdcOptions): Promise<BinlogPosition> {
  if (o.startupMode === 'earliest-offset' || o.startupMode === 'timestamp') {
    const files = await binlogFiles(c);
    if (files.length === 0) return binlogEnd(c);
    return { file: files[0]!.name, pos: 4 };
  }
  if (o.startupMode === 'specific-offset') {
    const at = o.startupOffset!;
    // The server finds a GTID's place itself, and refuses when its binlog no longer holds it.
    if (isGtidStart(at)) return at;
    const files = await binlogFiles(c);
    const file = files.find((f) => f.name === at.file);
    if (!file) throw notOnServer(o, at, 'no such file (purged, or never written)', files);
    // A file's size is its end only once it is closed; the last one may grow past it later, but not before it.
    if (at.pos > file.size) throw notOnServer(o, at, `the file is ${file.size} bytes long`, files);
    return at;
  }
  return binlogEnd(c);
}
