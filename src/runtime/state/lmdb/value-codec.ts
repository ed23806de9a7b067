import { Packr } from 'msgpackr';

/**
 * The codec of values on disk: MessagePack with msgpackr's structured-clone extensions, so plain
 * objects, numbers, strings, bigints, dates, Maps, Sets, arrays, `undefined` and shared references
 * come back as they went in (objects as records, Maps as MessagePack maps). Class instances come
 * back as plain objects, as they do from a checkpoint.
 *
 * @example
 * const bytes = valueCodec.pack(new Map([['a', 1]]));
 * valueCodec.unpack(bytes); // Map { 'a' => 1 }
 */
export const valueCodec = new Packr({ useRecords: true, mapsAsObjects: false, structuredClone: true, moreTypes: true });

/**
 * {@link valueCodec} with a fast path for numbers, the commonest state value (counts, sums): small
 * integers as MessagePack fixint or int32, other numbers as float64, written and read directly.
 * The bytes are plain MessagePack either way.
 *
 * @example
 * unpackValue(packValue(42)); // 42
 */
export function packValue(v: unknown): Buffer {
  if (typeof v === 'number') {
    if ((v | 0) === v && !Object.is(v, -0)) {
      // Not 0x40-0x7f: with records on, msgpackr reads those bytes as record references.
      if (v >= 0 && v < 0x40) return Buffer.from([v]);
      const b = Buffer.allocUnsafe(5);
      b[0] = 0xd2;
      b.writeInt32BE(v, 1);
      return b;
    }
    const b = Buffer.allocUnsafe(9);
    b[0] = 0xcb;
    b.writeDoubleBE(v, 1);
    return b;
  }
  return valueCodec.pack(v);
}

/** Reads what {@link packValue} (or any MessagePack writer of {@link valueCodec}'s format) wrote. */
export function unpackValue(bytes: Buffer): unknown {
  const first = bytes[0]!;
  if (first < 0x40 && bytes.length === 1) return first;
  if (first === 0xd2 && bytes.length === 5) return bytes.readInt32BE(1);
  if (first === 0xcb && bytes.length === 9) return bytes.readDoubleBE(1);
  return valueCodec.unpack(bytes);
}
