import type ZongJi from '@vlasky/zongji';
import type { ZongjiTable } from './binlog-columns.js';
import type { Row } from './row-changes.js';
import { decodeRowsEvent, ROWS_EVENT_TYPES, tableDecoder } from './rows-event-decoder.js';

/** Offsets in a binlog event packet: an OK byte, then the common header (timestamp, type, server id, length, next position, flags). */
const TYPE_AT = 5;
const NEXT_POSITION_AT = 14;
const BODY_AT = 20;
const CHECKSUM_BYTES = 4;

/** The parts of zongji and of its packet reader the hook works with (not in its typings). */
interface ZongjiInternals {
  BinlogClass?: { prototype: { binlogData: BinlogData } };
  tableMap: Record<number, ZongjiTable | undefined>;
  connection: unknown;
  stopped: boolean;
  useChecksum: boolean;
  _positionFrozen: boolean;
  options: { position?: number };
}
interface Packet {
  buffer: Buffer;
  offset: number;
  end: number;
}
type BinlogData = (this: unknown, packet: Packet, connection: unknown) => unknown;

/** One rows event decoded by Weir: its kind, zongji's table map entry, and the row images (an update's before then after). */
export type RowsHandler = (name: 'writerows' | 'updaterows' | 'deleterows', table: ZongjiTable, images: Row[]) => void;

/**
 * Has Weir's rows-event decoder read the rows events of `z`, in place of zongji's: zongji still runs
 * the connection, table maps (with its catalog look-up), positions, GTIDs and every other event.
 * Its binlog command's packet handler, made anew on each start and announced by 'ready', is wrapped:
 * a rows event of a table map whose columns Weir reads goes to `onRows` without zongji building its
 * event; anything else (MariaDB's compressed rows events, tables with a type left to zongji, a packet
 * of a connection zongji has left) goes on to zongji. An event Weir fails to decode goes to `onError`.
 */
export function decodeRowsWithWeir(z: ZongJi, onRows: RowsHandler, onError: (e: unknown) => void): void {
  const zi = z as unknown as ZongjiInternals;
  z.on('ready', () => {
    const proto = zi.BinlogClass?.prototype;
    if (!proto) return;
    const zongjis = proto.binlogData;
    const weirs: BinlogData = function (this: unknown, packet, connection) {
      const b = packet.buffer;
      const at = packet.offset;
      const type = b[at + TYPE_AT]!;
      const name = ROWS_EVENT_TYPES[type];
      // An error or end packet does not start with 0; zongji handles those and stale connections.
      if (name === undefined || b[at] !== 0 || zi.stopped || zi.connection !== connection) return zongjis.call(this, packet, connection);
      const table = zi.tableMap[b.readUIntLE(at + BODY_AT, 6)];
      // zongji drops the rows of a table map it filtered out.
      if (table === undefined) return weirs;
      const decoder = tableDecoder(table);
      if (decoder === undefined) return zongjis.call(this, packet, connection);
      // zongji's position bookkeeping for a delivered event (inside a transaction the position is frozen).
      const next = b.readUInt32LE(at + NEXT_POSITION_AT);
      if (!zi._positionFrozen && next > 0) zi.options.position = next;
      const images: Row[] = [];
      try {
        decodeRowsEvent(b, at + BODY_AT, packet.end - (zi.useChecksum ? CHECKSUM_BYTES : 0), type, decoder, images);
      } catch (e) {
        onError(e);
        return weirs;
      }
      onRows(name, table, images);
      return weirs;
    };
    proto.binlogData = weirs;
  });
}
