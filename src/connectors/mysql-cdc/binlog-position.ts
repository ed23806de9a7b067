import { UnrecoverableError, WeirError } from '../../core/errors.js';

/**
 * A point of the binlog between two transactions: the file and the offset in it, plus the server's
 * GTID position there when known (MariaDB `domain-server-seq`, or a MySQL GTID set), for the user.
 */
export interface BinlogPosition {
  readonly file: string;
  readonly pos: number;
  readonly gtid?: string;
}

/** The file's sequence number (`mysql-bin.000042` -> 42), which orders files across rotations. */
function fileIndex(file: string): number {
  const dot = file.lastIndexOf('.');
  return Number(file.slice(dot + 1));
}

/** Negative, zero or positive as `a` is before, at or after `b`. */
export function comparePositions(a: BinlogPosition, b: BinlogPosition): number {
  return fileIndex(a.file) - fileIndex(b.file) || a.pos - b.pos;
}

/** Server error 1236 (ER_MASTER_FATAL_ERROR_READING_BINLOG): the requested binlog is gone. */
export const ER_BINLOG_GONE = 1236;

/** The error a job gets when the binlog its position needs was purged. */
export function binlogPurgedError(table: string, at: BinlogPosition, detail?: string): WeirError {
  return new UnrecoverableError(
    `mysql-cdc ${table}: the binlog at ${at.file}:${at.pos} is no longer on the server (purged, see binlog_expire_logs_seconds / expire_logs_days)` +
      `${detail ? ` (${detail})` : ''}, so the changes since the last checkpoint are lost. Start the job again without restoring (a new snapshot).`,
  );
}
