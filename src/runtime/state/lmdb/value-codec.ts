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
