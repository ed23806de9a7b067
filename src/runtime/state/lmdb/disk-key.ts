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

  /** The disk key of a normalized key of this state. */
  encode(key: unknown): Buffer {
    const k = valueCodec.pack(key);
    const out = Buffer.allocUnsafe(2 + this.nameBytes.length + k.length);
    out.writeUInt16BE(hashKey(key) % this.maxParallelism, 0);
    this.nameBytes.copy(out, 2);
    k.copy(out, 2 + this.nameBytes.length);
    return out;
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
