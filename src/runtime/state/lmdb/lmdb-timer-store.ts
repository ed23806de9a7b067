import type { Database } from 'lmdb';
import type { StoredTimer, TimerStore } from '../../../core/state-backend.js';
import { valueCodec } from './value-codec.js';

/** Key spaces of the timer database: timers by time, and (key, namespace, timestamp) -> time key. */
const BY_TIME = 0;
const BY_ID = 1;
const TIME_START = Buffer.from([BY_TIME]);
const TIME_END = Buffer.from([BY_ID]);

/** `[0][timestamp: float64, order-preserving][seq: u64]`: LMDB's byte order is (timestamp, seq). */
function timeKey(timestamp: number, seq: number): Buffer {
  const b = Buffer.allocUnsafe(17);
  b[0] = BY_TIME;
  b.writeDoubleBE(timestamp, 1);
  // Flip the sign bit of positive numbers and every bit of negative ones: bytes then sort as numbers.
  if (b[1]! & 0x80) for (let i = 1; i < 9; i++) b[i] = ~b[i]! & 0xff;
  else b[1] = b[1]! | 0x80;
  b.writeUInt32BE(Math.floor(seq / 0x1_0000_0000), 9);
  b.writeUInt32BE(seq >>> 0, 13);
  return b;
}

function timestampOf(key: Buffer): number {
  const b = Buffer.from(key.subarray(1, 9));
  if (b[0]! & 0x80) b[0] = b[0]! & 0x7f;
  else for (let i = 0; i < 8; i++) b[i] = ~b[i]! & 0xff;
  return b.readDoubleBE(0);
}

function seqOfKey(key: Buffer): number {
  return key.readUInt32BE(9) * 0x1_0000_0000 + key.readUInt32BE(13);
}

function idKey(keyId: unknown, namespace: string | number, timestamp: number): Buffer {
  return Buffer.concat([TIME_END, valueCodec.pack([keyId, namespace, timestamp])]);
}

function decode(key: Buffer, value: Buffer): StoredTimer {
  const [keyId, namespace] = valueCodec.unpack(value) as [unknown, string | number];
  return { timestamp: timestampOf(key), seq: seqOfKey(key), keyId, namespace };
}

/**
 * Timers of one time domain in an LMDB database of the disk backend, ordered by (timestamp, seq)
 * in the store's own key order, with an index by (key, namespace, timestamp) for registrations and
 * deletions. Scratch space like the state: timers come back from checkpoints.
 *
 * @example
 * const store = new LmdbTimerStore(root.openDB({ name: 'timers-event', encoding: 'binary', keyEncoding: 'binary' }), 100_000);
 * store.putAll([{ timestamp: 1000, seq: 0, keyId: 'a', namespace: 0 }]);
 * store.takeDue(1000, 10); // that timer
 */
export class LmdbTimerStore implements TimerStore {
  size = 0;

  constructor(
    private readonly db: Database<Buffer, Buffer>,
    readonly memoryBound: number,
  ) {}

  putAll(timers: readonly StoredTimer[]): void {
    this.db.transactionSync(() => {
      for (const t of timers) {
        const k = timeKey(t.timestamp, t.seq);
        this.db.putSync(k, valueCodec.pack([t.keyId, t.namespace]));
        this.db.putSync(idKey(t.keyId, t.namespace, t.timestamp), k);
      }
    });
    this.size += timers.length;
  }

  seqOf(keyId: unknown, namespace: string | number, timestamp: number): number | undefined {
    const k = this.db.getBinaryFast(idKey(keyId, namespace, timestamp));
    return k === undefined ? undefined : seqOfKey(k);
  }

  remove(keyId: unknown, namespace: string | number, timestamp: number): boolean {
    const id = idKey(keyId, namespace, timestamp);
    const k = this.db.getBinary(id);
    if (k === undefined) return false;
    this.db.transactionSync(() => {
      this.db.removeSync(id);
      this.db.removeSync(k);
    });
    this.size--;
    return true;
  }

  first(): StoredTimer | undefined {
    for (const { key, value } of this.db.getRange({ start: TIME_START, end: TIME_END, limit: 1 })) return decode(key, value);
    return undefined;
  }

  takeDue(limit: number, max: number): StoredTimer[] {
    const out: StoredTimer[] = [];
    const keys: Buffer[] = [];
    for (const { key, value } of this.db.getRange({ start: TIME_START, end: timeKey(limit, Number.MAX_SAFE_INTEGER), limit: max })) {
      const t = decode(key, value);
      out.push(t);
      keys.push(key);
    }
    if (out.length === 0) return out;
    this.db.transactionSync(() => {
      for (let i = 0; i < out.length; i++) {
        this.db.removeSync(keys[i]!);
        this.db.removeSync(idKey(out[i]!.keyId, out[i]!.namespace, out[i]!.timestamp));
      }
    });
    this.size -= out.length;
    return out;
  }

  maxTimestamp(): number {
    for (const { key } of this.db.getRange({ start: TIME_END, end: TIME_START, reverse: true, limit: 1 })) return timestampOf(key);
    return -Infinity;
  }

  all(): StoredTimer[] {
    const out: StoredTimer[] = [];
    for (const { key, value } of this.db.getRange({ start: TIME_START, end: TIME_END })) out.push(decode(key, value));
    return out;
  }
}
