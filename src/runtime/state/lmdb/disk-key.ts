import { hashKey } from '../../../core/key-group.js';
import { valueCodec } from './value-codec.js';

/**
 * Keys on disk, laid out so that one key group is one contiguous range and, inside it, one state:
 * `[key group: u16 big-endian][state name length: u16][state name UTF-8][normalized key, MessagePack]`.
 * A key-group range (what a rescale hands to a subtask) is then a single range scan.
 *
 * @example
 * const layout = new DiskKeyLayout('count', 128);
 * db.put(layout.encode('user-1'), bytes);
 */
export class DiskKeyLayout {
  /** `[name length][name]`, shared by every key of the state. */
  private readonly nameBytes: Buffer;

  constructor(
    readonly stateName: string,
    private readonly maxParallelism: number,
  ) {
    const name = Buffer.from(stateName, 'utf8');
    if (name.length > 0xffff) throw new RangeError(`State name '${stateName.slice(0, 40)}...' is too long for the disk state backend`);
    this.nameBytes = Buffer.allocUnsafe(2 + name.length);
    this.nameBytes.writeUInt16BE(name.length, 0);
    name.copy(this.nameBytes, 2);
  }

  /** Reused by {@link scratchKey}: one disk key at a time, read or written before the next. */
  private scratch = Buffer.allocUnsafe(256);

  /** Where the normalized key starts in a disk key of this state. */
  get keyStart(): number {
    return 2 + this.nameBytes.length;
  }

  /** The disk key of a normalized key of this state. */
  encode(key: unknown): Buffer {
    return Buffer.from(this.scratchKey(key));
  }

  /**
   * {@link encode} into a buffer the next call overwrites, for a lookup or a synchronous write
   * (LMDB copies the key): no allocation per access. Integers and short strings are written
   * directly (MessagePack int32/fixint and str8, as any MessagePack reader reads them); other keys
   * go through {@link valueCodec}.
   */
  scratchKey(key: unknown): Buffer {
    const head = 2 + this.nameBytes.length;
    let end: number;
    if (typeof key === 'number' && (key | 0) === key) {
      this.reserve(head + 5);
      end = writeInt(this.scratch, head, key);
    } else if (typeof key === 'string' && key.length <= 85) {
      // At most 3 UTF-8 bytes per UTF-16 unit, so at most 255 bytes: one length byte.
      this.reserve(head + 2 + 3 * key.length);
      const n = this.scratch.write(key, head + 2, 'utf8');
      this.scratch[head] = 0xd9;
      this.scratch[head + 1] = n;
      end = head + 2 + n;
    } else {
      const k = valueCodec.pack(key);
      this.reserve(head + k.length);
      k.copy(this.scratch, head);
      end = head + k.length;
    }
    this.scratch.writeUInt16BE(hashKey(key) % this.maxParallelism, 0);
    this.nameBytes.copy(this.scratch, 2);
    return this.scratch.subarray(0, end);
  }

  private reserve(bytes: number): void {
    if (this.scratch.length < bytes) this.scratch = Buffer.allocUnsafe(Math.max(bytes, 2 * this.scratch.length));
  }

  /** The first key of this state in key group `g`, and the first key after them. */
  range(g: number): { start: Buffer; end: Buffer } {
    const start = Buffer.allocUnsafe(2 + this.nameBytes.length);
    start.writeUInt16BE(g, 0);
    this.nameBytes.copy(start, 2);
    // A key's MessagePack that starts with 0xff is one byte (-1), so it sorts before `0xff 0xff`.
    return { start, end: Buffer.concat([start, Buffer.from([0xff, 0xff])]) };
  }
}

/** An int32 as MessagePack: positive fixint below 0x40 (msgpackr reads 0x40-0x7f as records), else int32. */
function writeInt(b: Buffer, at: number, v: number): number {
  if (v >= 0 && v < 0x40) {
    b[at] = v;
    return at + 1;
  }
  b[at] = 0xd2;
  b.writeInt32BE(v, at + 1);
  return at + 5;
}

/** The parts of a disk key: its key group, state name and normalized key. */
export function decodeDiskKey(bytes: Uint8Array): { keyGroup: number; stateName: string; key: unknown } {
  const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nameLength = b.readUInt16BE(2);
  return {
    keyGroup: b.readUInt16BE(0),
    stateName: b.toString('utf8', 4, 4 + nameLength),
    key: valueCodec.unpack(b.subarray(4 + nameLength)),
  };
}
