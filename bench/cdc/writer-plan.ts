/**
 * What the CDC benchmark's writer does, as pure decisions (no clock, no database): which ids each
 * operation changes and how many rows are due after how many ticks of a fixed-tick schedule. The
 * statements are server-side range statements, so their text is a few dozen bytes however many rows
 * they change, and the writer's CPU does not grow with the rate.
 */

export type Dialect = 'mariadb' | 'postgres';

/** One of the writer's three streams of changes; each runs on a connection of its own. */
export type WriteOp = 'insert' | 'update' | 'delete';
export const WRITE_OPS: readonly WriteOp[] = ['insert', 'update', 'delete'];

/** The writer's schedule and id ranges for one run. */
export interface WriterPlan {
  /** Rows each operation changes in the run (the run's changes are three times this). */
  readonly perOp: number;
  /** Ticks in the run; a tick's share is sent at its start. */
  readonly ticks: number;
  readonly tickMs: number;
  /** The most rows one statement changes (a writer behind schedule catches up in statements of this size). */
  readonly maxStatementRows: number;
  /** First new id to insert, first id to update (going up), last id to delete (going down). */
  readonly insertFrom: number;
  readonly updateFrom: number;
  readonly deleteFrom: number;
}

/**
 * The plan for writing `rate` changes a second for `seconds` in ticks of `tickMs`, on a table holding ids
 * 1..`rows`, after `round` earlier runs on the same table (whose ranges it skips). Updates go up from the
 * bottom, deletes down from the top; they must not meet, nor touch a row an earlier run deleted.
 *
 * @example
 * const p = writerPlan({ rate: 50_000, seconds: 10, tickMs: 50, rows: 1_000_000, round: 0 });
 * // p.perOp === 166_666, p.ticks === 200: each tick inserts, updates and deletes about 833 rows.
 */
export function writerPlan(o: { rate: number; seconds: number; tickMs: number; rows: number; round: number }): WriterPlan {
  const perOp = Math.floor((o.rate * o.seconds) / WRITE_OPS.length);
  const ticks = Math.max(1, Math.round((o.seconds * 1000) / o.tickMs));
  if (perOp < 1) throw new Error('cdc writer: RATE x SECONDS must be at least 3');
  if (2 * (o.round + 1) * perOp > o.rows) throw new Error(`cdc writer: RATE x SECONDS x (ROUND + 1) must stay under one and a half times ROWS (${o.rows})`);
  return {
    perOp,
    ticks,
    tickMs: o.tickMs,
    maxStatementRows: 4 * Math.ceil(perOp / ticks),
    insertFrom: o.rows + 1 + o.round * perOp,
    updateFrom: 1 + o.round * perOp,
    deleteFrom: o.rows - o.round * perOp,
  };
}

/** Rows of one operation due once `started` ticks (1..ticks) have begun: the schedule counts from the start, so a late tick's rows go with the next. */
export function dueRows(plan: WriterPlan, started: number): number {
  return Math.floor((plan.perOp * Math.min(started, plan.ticks)) / plan.ticks);
}

/**
 * The statement changing rows [done, upTo) of `op`'s range, stamping inserted and updated rows with
 * `t` (wall-clock ms when it is sent). Inserts generate their rows on the server (PostgreSQL's
 * generate_series, MariaDB's sequence engine); updates and deletes take a key range.
 */
export function statement(dialect: Dialect, plan: WriterPlan, op: WriteOp, done: number, upTo: number, t: number): string {
  if (op === 'insert') {
    const lo = plan.insertFrom + done;
    const hi = plan.insertFrom + upTo - 1;
    return dialect === 'postgres'
      ? `INSERT INTO items (id, v, s, t) SELECT g, g % 1000, 'new row ' || g, ${t} FROM generate_series(${lo}, ${hi}) g`
      : `INSERT INTO items (id, v, s, t) SELECT seq, seq % 1000, CONCAT('new row ', seq), ${t} FROM seq_${lo}_to_${hi}`;
  }
  if (op === 'update') return `UPDATE items SET v = v + 1, t = ${t} WHERE id >= ${plan.updateFrom + done} AND id < ${plan.updateFrom + upTo}`;
  return `DELETE FROM items WHERE id > ${plan.deleteFrom - upTo} AND id <= ${plan.deleteFrom - done}`;
}
