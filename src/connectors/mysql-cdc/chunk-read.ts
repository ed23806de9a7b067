import type mysql from 'mysql2/promise';
import { comparePositions, type BinlogPosition } from './binlog-position.js';
import { BinlogStream } from './binlog-stream.js';
import { quotedTable, tableIdOf, type CapturedTable } from './captured-tables.js';
import type { ChunkSplit } from './cdc-splits.js';
import { rowsAtLow } from './chunk-reconciler.js';
import { binlogEnd, ident, type Connection } from './mysql-catalog.js';
import type { ResolvedMysqlCdcOptions } from './mysql-cdc-options.js';
import { rowMaker } from '../postgres-cdc/row-maker.js';
import type { BinlogTransaction, Row } from './row-changes.js';

/** The SELECT of one chunk's rows, and its parameters. */
function chunkSelect({ table: t, chunk }: ChunkSplit): [string, string[]] {
  const conds: string[] = [];
  const params: string[] = [];
  if (t.chunkColumn !== undefined) {
    const k = ident(t.chunkColumn);
    if (chunk.lo !== null) conds.push(`${k} >= ${(params.push(chunk.lo), '?')}`);
    if (chunk.hi !== null) conds.push(`${k} < ${(params.push(chunk.hi), '?')}`);
  }
  return [`SELECT * FROM ${quotedTable(t)}${conds.length ? ` WHERE ${conds.join(' AND ')}` : ''}`, params];
}

/**
 * Reads chunks without locks: SELECT each one's rows, note the binlog's end (the high mark, after
 * every commit the SELECTs saw), read the binlog from the earliest split's start up to it, and
 * rebuild each chunk's rows as of its `low` (the position the enumerator noted when it handed the
 * chunk out). A high mark later than a chunk's own SELECT does no harm: the first change after
 * `low` decides a key, whenever it came. The statements are queued at once, so the server sends
 * one chunk's rows right after the last one's, while they are decoded, and the binlog is opened
 * once for them all. With `after`, the binlog is opened once that settles (a read of the same
 * reader's, with the same `serverId`).
 */
export async function readChunks(
  c: Connection,
  o: ResolvedMysqlCdcOptions,
  splits: readonly ChunkSplit[],
  serverId: number,
  after?: Promise<unknown>,
): Promise<Row[][]> {
  const selects = splits.map((s) => {
    const [sql, values] = chunkSelect(s);
    // Rows as arrays: the driver's decoding of each value is unchanged, but a row object is built
    // once, by the table's own constructor, instead of by the driver and again as a copy.
    return c.query<mysql.RowDataPacket[]>({ sql, values, rowsAsArray: true }) as unknown as Promise<[unknown[][], mysql.FieldPacket[]]>;
  });
  const highMark = binlogEnd(c);
  // Every query is queued before any answer is awaited: a failed one must not leave the others unheard.
  const settled = await Promise.allSettled([...selects, highMark]);
  for (const r of settled) if (r.status === 'rejected') throw r.reason;
  const high = await highMark;
  const answers = await Promise.all(selects);
  const tables = [...new Map(splits.map((s) => [tableIdOf(s.table), s.table])).values()];
  // Two binlog clients with one server id would disconnect each other: the read before this one ends first.
  await after?.catch(() => {});
  let from = splits[0]!.start;
  for (const s of splits) if (comparePositions(s.start, from) < 0) from = s.start;
  const txs = await readBinlog(o, tables, serverId, from, high);
  return splits.map((s, i) => {
    const [arrays, fields] = answers[i]!;
    const make = rowMaker(fields.map((f) => f.name));
    const rows: Row[] = new Array<Row>(arrays.length);
    for (let j = 0; j < arrays.length; j++) rows[j] = make(arrays[j]!);
    // A table found later reads the binlog from where it was found on (its splits' `start`), not earlier.
    const own = comparePositions(s.start, from) === 0 ? txs : txs.filter((tx) => comparePositions(tx.end, s.start) > 0);
    return rowsAtLow(rows, s.table, s.chunk, s.low, own);
  });
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
