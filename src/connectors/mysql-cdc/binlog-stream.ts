import ZongJi from '@vlasky/zongji';
import { binlogRefusedError, ER_BINLOG_GONE, isGtidStart, type BinlogPosition } from './binlog-position.js';
import { tableIdOf, type CapturedTable } from './captured-tables.js';
import type { ResolvedMysqlCdcOptions } from './mysql-cdc-options.js';
import { appendRowChanges, type BinlogTransaction, type Row, type RowChange, type RowsEventName } from './row-changes.js';
import { shortestFloat32 } from './rows-event-decoder.js';
import { SchemaTracker } from './schema-changes.js';
import { askForHeartbeats } from './zongji-heartbeat-hook.js';
import { decodeRowsWithWeir } from './zongji-rows-hook.js';

const ROW_EVENTS = new Set(['writerows', 'updaterows', 'deleterows']);
const MYSQL_TYPE_FLOAT = 4;
const SYSTEM_SCHEMAS = { mysql: true, information_schema: true, performance_schema: true, sys: true } as const;

/**
 * The row images of an event zongji decoded, an update's before then after, with FLOAT values as
 * the shortest decimal that is the same single-precision number, the way the server prints them to
 * the snapshot's queries: the binlog holds the float32 itself, which as a double is
 * 3.4028200183756568e38 where a query reads 3.40282e38.
 */
function imagesOf(evt: BinlogEvent, update: boolean): Row[] {
  const floats = (evt.tableMap?.[evt.tableId!]?.columns ?? []).filter((c) => c.type === MYSQL_TYPE_FLOAT).map((c) => c.name);
  const images: Row[] = [];
  for (const r of evt.rows as Row[]) {
    if (update) images.push((r as { before: Row }).before, (r as { after: Row }).after);
    else images.push(r);
  }
  if (floats.length > 0) for (const r of images) for (const f of floats) if (typeof r[f] === 'number') r[f] = shortestFloat32(r[f] as number);
  return images;
}

export { shortestFloat32 };

/** Rows of a table not captured yet that the server no longer has (dropped or renamed since). */
export class MissingTableError extends Error {
  constructor(
    readonly table: string,
    readonly original: Error,
  ) {
    super(original.message);
  }
}

interface BinlogEvent {
  getEventName(): string;
  rows?: unknown[];
  timestamp: number;
  query?: string;
  schema?: string;
  tableId?: number;
  tableMap?: Record<number, { parentSchema: string; tableName: string; columns: { name: string; type: number }[] }>;
  /** A heartbeat's file, and its offset when past 4 GiB (MariaDB; `nextPosition` otherwise). */
  binlogName?: string;
  position?: number;
  nextPosition?: number;
}

/**
 * Follows the binlog from `from` as a replica would (`@vlasky/zongji` decodes the events), and
 * hands over the captured tables' changes one committed transaction at a time, with the position
 * after it. Transactions that touch no captured table arrive with no changes, so positions keep
 * moving. Schema changes of the captured tables go through a {@link SchemaTracker}. With `watchNew`,
 * rows of the tables not in `tables` for which it is true are not decoded into changes but named in
 * their transaction's `unknown` (the log split waits there until such a table is captured).
 * With `heartbeat.interval`, the server's heartbeats on an idle connection arrive as transactions
 * with no changes at the position the server has sent up to (the binlog's end, after a rotation the
 * new file's header), so positions move and a read up to a high mark ends without another write.
 */
export class BinlogStream {
  private readonly zongji: ZongJi;
  private changes: RowChange[] = [];
  private stopped = false;

  constructor(
    o: ResolvedMysqlCdcOptions,
    tables: readonly CapturedTable[],
    serverId: number,
    from: BinlogPosition,
    onTransaction: (tx: BinlogTransaction) => void,
    onError: (e: unknown) => void,
    watchNew?: (database: string, table: string) => boolean,
  ) {
    // JSON, DATE and DATETIME as text, as the snapshot's queries read them (big numbers and microseconds
    // kept); TIMESTAMP as the instant.
    const z = new ZongJi({ ...o.connection, dateStrings: ['DATE', 'DATETIME'], jsonStrings: true });
    this.zongji = z;
    const byId = new Map(tables.map((t) => [tableIdOf(t), t]));
    const schema = new SchemaTracker(tables, o.schemaChange);
    let unknown: Set<string> | undefined;
    const here = (): BinlogPosition => ({ file: z.get('filename') as string, pos: z.get('position') as number });
    let failed = false;
    const fail = (e: unknown): void => {
      if (failed || this.stopped) return;
      failed = true;
      onError(e);
      void this.stop();
    };
    const onRows = (name: RowsEventName, m: { parentSchema: string; tableName: string }, images: Row[]): void => {
      const id = `${m.parentSchema}.${m.tableName}`;
      const t = byId.get(id);
      if (t) {
        // One event's rows share its table map, so the first tells whether the columns are the table's.
        const first = images[0];
        const projecting = first !== undefined && schema.shape(id, first, here) !== first;
        appendRowChanges(this.changes, name, images, t, id, projecting ? (r: Row) => schema.shape(id, r, here) : undefined);
      } else if (watchNew) (unknown ??= new Set()).add(id);
    };
    // Rows events of tables whose column types Weir reads skip zongji's row decoding (see rows-event-decoder.ts).
    decodeRowsWithWeir(
      z,
      (name, m, images) => {
        if (failed) return;
        try {
          onRows(name, m, images);
        } catch (e) {
          fail(e);
        }
      },
      fail,
    );
    if (o.heartbeatMs > 0) askForHeartbeats(z, o.heartbeatMs, fail);
    z.on('binlog', (e: unknown) => {
      const evt = e as BinlogEvent;
      if (failed) return;
      const name = evt.getEventName();
      try {
        if (ROW_EVENTS.has(name)) {
          onRows(name as RowsEventName, evt.tableMap![evt.tableId!]!, imagesOf(evt, name === 'updaterows'));
        } else if (name === 'xid' || (name === 'query' && evt.query !== 'BEGIN')) {
          if (name === 'query') {
            const e = schema.onStatement(evt.query ?? '', evt.schema ?? '', here());
            if (e) return fail(e);
          }
          const changes = this.changes;
          this.changes = [];
          const gtid = z.gtidSet;
          onTransaction({
            end: { ...here(), ...(gtid ? { gtid } : {}) },
            opTs: evt.timestamp,
            changes,
            ...(unknown ? { unknown: [...unknown] } : {}),
            ...(name === 'query' ? { statement: evt.query ?? '' } : {}),
          });
          unknown = undefined;
        } else if (name === 'heartbeat') {
          // The server sends one only while it waits at the binlog's end, between transactions; the check is for safety.
          if (this.changes.length > 0 || unknown || (z as unknown as { _positionFrozen: boolean })._positionFrozen) return;
          const gtid = z.gtidSet;
          const end = { file: evt.binlogName!, pos: Number(evt.position ?? evt.nextPosition), ...(gtid ? { gtid } : {}) };
          onTransaction({ end, opTs: evt.timestamp, changes: [] });
        }
      } catch (e) {
        fail(e);
      }
    });
    z.on('error', (e: { errno?: number; message?: string }) => {
      // The decoder reads a table's columns from the catalog: a table dropped since its rows were written has none.
      const missing = watchNew && /^Insufficient permissions to access: (.+)$/.exec(e?.message ?? '');
      if (missing && !byId.has(missing[1]!)) return fail(new MissingTableError(missing[1]!, e as Error));
      fail(e?.errno === ER_BINLOG_GONE ? binlogRefusedError(`${o.database}.${o.table}`, from, e.message ?? '') : e);
    });
    const include: Record<string, string[]> = {};
    for (const t of tables) (include[t.database] ??= []).push(t.table);
    z.start({
      serverId,
      // A start by GTID alone: the server finds the file and offset (see `byGtid`).
      ...(isGtidStart(from) ? { gtidSet: from.gtid } : { filename: from.file, position: from.pos }),
      includeEvents: ['tablemap', 'writerows', 'updaterows', 'deleterows', 'xid', 'query', 'rotate', ...(o.heartbeatMs > 0 ? ['heartbeat'] : [])],
      ...(watchNew ? { excludeSchema: SYSTEM_SCHEMAS } : { includeSchema: include }),
    });
    // A table that does not exist yet cannot be listed in the decoder's fixed filter: it asks this
    // instead (its filter method is the one place every table map and rows event passes through).
    if (watchNew) {
      const skip = (z as unknown as { _skipSchema: (d: string, t: string) => boolean })._skipSchema.bind(z);
      (z as unknown as { _skipSchema: (d: string, t: string) => boolean })._skipSchema = (d, t) => skip(d, t) || !(byId.has(`${d}.${t}`) || watchNew(d, t));
    }
  }

  /**
   * Stops reading the binlog connection (the server then waits on TCP) until {@link resume}. Called
   * between transactions only: zongji pauses the same connection itself while it reads a table's
   * columns at a TableMap event, which lies inside a transaction, so the two never overlap.
   */
  pause(): void {
    (this.zongji as unknown as { connection?: { pause(): void } }).connection?.pause();
  }

  resume(): void {
    (this.zongji as unknown as { connection?: { resume(): void } }).connection?.resume();
  }

  stop(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.stopped = true;
    return new Promise((resolve) => {
      this.zongji.once('stopped', () => resolve());
      this.zongji.stop();
    });
  }
}
