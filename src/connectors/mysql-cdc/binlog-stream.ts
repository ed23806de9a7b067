import ZongJi from '@vlasky/zongji';
import { binlogPurgedError, ER_BINLOG_GONE, type BinlogPosition } from './binlog-position.js';
import type { ResolvedMysqlCdcOptions } from './mysql-cdc-options.js';
import { appendRowChanges, type BinlogTransaction, type RowChange } from './row-changes.js';

const ROW_EVENTS = new Set(['writerows', 'updaterows', 'deleterows']);

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
    z.on('binlog', (evt: { getEventName(): string; rows?: unknown[]; timestamp: number; query?: string }) => {
      const name = evt.getEventName();
      if (ROW_EVENTS.has(name)) appendRowChanges(this.changes, name, evt.rows!, keyColumn);
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
