import type mysql from 'mysql2/promise';
import { comparePositions, type BinlogPosition } from './binlog-position.js';
import { BinlogStream } from './binlog-stream.js';
import { quotedTable, type CapturedTable } from './captured-tables.js';
import type { ChunkSplit } from './cdc-splits.js';
import { rowsAtLow } from './chunk-reconciler.js';
import { binlogEnd, ident, type Connection } from './mysql-catalog.js';
import type { ResolvedMysqlCdcOptions } from './mysql-cdc-options.js';
import type { BinlogTransaction, Row } from './row-changes.js';

/**
 * Reads one chunk without locks: SELECT its rows, note the binlog's end (the high mark, after every
 * commit the SELECT saw), read the binlog from the log split's start up to it, and rebuild the rows
 * as of `low` (the position the enumerator noted when it handed the chunk out).
 */
export async function readChunk(c: Connection, o: ResolvedMysqlCdcOptions, split: ChunkSplit, serverId: number): Promise<Row[]> {
  const { table: t, chunk } = split;
  const conds: string[] = [];
  const params: string[] = [];
  if (t.chunkColumn !== undefined) {
    const k = ident(t.chunkColumn);
    if (chunk.lo !== null) conds.push(`${k} >= ${(params.push(chunk.lo), '?')}`);
    if (chunk.hi !== null) conds.push(`${k} < ${(params.push(chunk.hi), '?')}`);
  }
  const [selected] = await c.query<mysql.RowDataPacket[]>(`SELECT * FROM ${quotedTable(t)}${conds.length ? ` WHERE ${conds.join(' AND ')}` : ''}`, params);
  const high = await binlogEnd(c);
  const txs = await readBinlog(o, [t], serverId, split.start, high);
  return rowsAtLow(
    selected.map((r) => ({ ...r })),
    t,
    chunk,
    split.low,
    txs,
  );
}

/** The transactions between `from` and `to` (both positions between transactions). */
function readBinlog(
  o: ResolvedMysqlCdcOptions,
  tables: readonly CapturedTable[],
  serverId: number,
  from: BinlogPosition,
  to: BinlogPosition,
): Promise<BinlogTransaction[]> {
  if (comparePositions(from, to) >= 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const txs: BinlogTransaction[] = [];
    let done = false;
    const stream: BinlogStream = new BinlogStream(
      o,
      tables,
      serverId,
      from,
      (tx) => {
        if (done) return;
        txs.push(tx);
        if (comparePositions(tx.end, to) >= 0) {
          done = true;
          void stream.stop().then(() => resolve(txs));
        }
      },
      (e) => {
        if (done) return;
        done = true;
        void stream.stop().then(() => reject(e));
      },
    );
  });
}
