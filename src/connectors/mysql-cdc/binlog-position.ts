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

/**
 * A start by GTID alone (`scan.startup.specific-offset.gtid-set`): no file yet, the server finds
 * where the first transaction after `gtid` is, and the stream's positions are file and offset from
 * its first event on. Before any, a checkpoint keeps this, and a restore starts by the GTID again.
 */
export const byGtid = (gtid: string): BinlogPosition => ({ file: '', pos: 0, gtid });

/** Whether `at` is a start by GTID alone ({@link byGtid}). */
export const isGtidStart = (at: BinlogPosition): boolean => at.file === '' && at.gtid !== undefined;

/** `at` as an error message names it. */
export const describePosition = (at: BinlogPosition): string => (isGtidStart(at) ? `GTID ${at.gtid}` : `${at.file}:${at.pos}`);

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
    `mysql-cdc ${table}: the binlog at ${describePosition(at)} is no longer on the server (purged, see binlog_expire_logs_seconds / expire_logs_days)` +
      `${detail ? ` (${detail})` : ''}, so the changes since the last checkpoint are lost. Start the job again without restoring (a new snapshot).`,
  );
}

/** Messages of error 1236 that say the offset is not where an event starts (the file is there). */
const NOT_AN_EVENT = /middle of event|bogus data|position > file size|impossible position/i;

/** The error for the server's refusal (1236) to send the binlog from `at`: an offset inside an event, or else a purge. */
export function binlogRefusedError(table: string, at: BinlogPosition, serverMessage: string): WeirError {
  if (isGtidStart(at))
    return new UnrecoverableError(
      `mysql-cdc ${table}: the server's binlog does not hold ${describePosition(at)} (${serverMessage}): purged, or never written on this server. ` +
        "Start from a GTID position it has ('scan.startup.specific-offset.gtid-set'; SELECT @@gtid_binlog_pos on MariaDB, @@gtid_executed on MySQL), or take a new snapshot.",
    );
  if (!NOT_AN_EVENT.test(serverMessage)) return binlogPurgedError(table, at, serverMessage);
  return new UnrecoverableError(
    `mysql-cdc ${table}: the server cannot send the binlog from ${describePosition(at)} (${serverMessage}): the offset is not where an event starts. ` +
      "Start from a position between two transactions, as SHOW MASTER STATUS or a checkpoint names it ('scan.startup.specific-offset.pos').",
  );
}
