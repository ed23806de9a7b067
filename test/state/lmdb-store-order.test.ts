import { describe, expect, it } from 'vitest';
import { DiskKeyLayout } from '../../src/runtime/state/lmdb/disk-key.js';
import { inStoreOrder } from '../../src/runtime/state/lmdb/store-order.js';

describe('write-back order of the disk backend', () => {
  const layout = new DiskKeyLayout('count', 128);
  const bytesOf = (keys: readonly unknown[]) => keys.map((k) => layout.encode(k));

  it('returns every key once, in the store byte order when keys differ in their first bytes', () => {
    // Multiples of 1000 differ above the bits the index takes from 1,000 keys' sort words.
    const keys = Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 1000) * 1000 - 400_000);
    const out = inStoreOrder(keys, layout);
    expect([...out].sort((a, b) => (a as number) - (b as number))).toEqual([...keys].sort((a, b) => a - b));
    const encoded = bytesOf(out);
    expect(encoded).toEqual([...encoded].sort(Buffer.compare));
  });

  it('keeps key groups in order for any keys, ties included', () => {
    const keys: unknown[] = [];
    for (let i = 0; i < 5000; i++) keys.push(i % 3 === 0 ? `user-${i}` : i % 3 === 1 ? i : [i, 'x']);
    const out = inStoreOrder(keys, layout);
    expect(new Set(out)).toEqual(new Set(keys));
    expect(out).toHaveLength(keys.length);
    const groups = bytesOf(out).map((b) => b.readUInt16BE(0));
    expect(groups).toEqual([...groups].sort((a, b) => a - b));
  });

  it('leaves tiny batches as they are', () => {
    expect(inStoreOrder([], layout)).toEqual([]);
    expect(inStoreOrder(['b', 'a'], layout)).toEqual(['b', 'a']);
  });
});
