import ZongJi from '@vlasky/zongji';
import { binlogPurgedError, ER_BINLOG_GONE, type BinlogPosition } from './binlog-position.js';
import type { ResolvedMysqlCdcOptions } from './mysql-cdc-options.js';
import { appendRowChanges, type BinlogTransaction, type RowChange } from './row-changes.js';

const ROW_EVENTS = new Set(['writerows', 'updaterows', 'deleterows']);
const MYSQL_TYPE_FLOAT = 4;

interface BinlogEvent {
  getEventName(): string;
  rows?: unknown[];
  timestamp: number;
  query?: string;
  tableId?: number;
  tableMap?: Record<number, { columns: { name: string; type: number }[] }>;
}

/**
 * The event's rows with FLOAT values as the shortest decimal that is the same single-precision
 * number, the way the server prints them to the snapshot's queries: the binlog holds the float32
 * itself, which as a double is 3.4028200183756568e38 where a query reads 3.40282e38.
 */
function withFloatText(evt: BinlogEvent): unknown[] {
  const floats = (evt.tableMap?.[evt.tableId!]?.columns ?? []).filter((c) => c.type === MYSQL_TYPE_FLOAT).map((c) => c.name);
  if (floats.length === 0) return evt.rows!;
  const fix = (r: Record<string, unknown>) => {
    for (const f of floats) if (typeof r[f] === 'number') r[f] = shortestFloat32(r[f] as number);
  };
  for (const r of evt.rows as Record<string, Record<string, unknown>>[]) {
    if ('after' in r && 'before' in r) {
      fix(r.before!);
      fix(r.after!);
    } else fix(r as Record<string, unknown>);
  }
  return evt.rows!;
}

/** The shortest decimal (as a number) that rounds to the same float32 as `x`. */
export function shortestFloat32(x: number): number {
  if (!Number.isFinite(x)) return x;
  for (let p = 1; p <= 9; p++) {
    const n = Number(x.toPrecision(p));
    if (Math.fround(n) === x) return n;
  }
  return x;
}

/**
 * Follows the binlog from `from` as a replica would (`@vlasky/zongji` decodes the events), and
 * hands over the table's changes one committed transaction at a time, with the position after it.
 * Transactions that do not touch the table arrive with no changes, so positions keep moving.
 */
export class BinlogStream {
  private readonly zongji: ZongJi;
  private changes: RowChange[] = [];
  private stopped = false;

  constructor(
    private readonly o: ResolvedMysqlCdcOptions,
    keyColumn: string,
    serverId: number,
    from: BinlogPosition,
    onTransaction: (tx: BinlogTransaction) => void,
    onError: (e: unknown) => void,
  ) {
    // JSON, DATE and DATETIME as text, as the snapshot's queries read them (big numbers and microseconds
    // kept); TIMESTAMP as the instant.
    const z = new ZongJi({ ...o.connection, dateStrings: ['DATE', 'DATETIME'], jsonStrings: true });
    this.zongji = z;
    z.on('binlog', (e: unknown) => {
      const evt = e as BinlogEvent;
      const name = evt.getEventName();
      if (ROW_EVENTS.has(name)) appendRowChanges(this.changes, name, withFloatText(evt), keyColumn);
      else if (name === 'xid' || (name === 'query' && evt.query !== 'BEGIN')) {
        const changes = this.changes;
        this.changes = [];
        const gtid = z.gtidSet;
        onTransaction({
          end: { file: z.get('filename') as string, pos: z.get('position') as number, ...(gtid ? { gtid } : {}) },
          opTs: evt.timestamp,
          changes,
        });
      }
    });
    z.on('error', (e: { errno?: number; message?: string }) => {
      if (this.stopped) return;
      onError(e?.errno === ER_BINLOG_GONE ? binlogPurgedError(o.table, from, e.message) : e);
    });
    z.start({
      serverId,
      filename: from.file,
      position: from.pos,
      includeEvents: ['tablemap', 'writerows', 'updaterows', 'deleterows', 'xid', 'query', 'rotate'],
      includeSchema: { [o.connection.database]: [o.table] },
    });
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
