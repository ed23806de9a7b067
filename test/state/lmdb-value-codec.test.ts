import { describe, expect, it } from 'vitest';
import { packValue, unpackValue, valueCodec } from '../../src/runtime/state/lmdb/value-codec.js';

describe('values on disk: the number fast path', () => {
  const numbers = [0, 1, 63, 64, 127, 128, -1, -32, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 53 - 1, 1.5, -0, NaN, Infinity, -Infinity, Number.MIN_VALUE];

  it('brings every number back as it went in, and writes plain MessagePack that the general codec reads', () => {
    for (const n of numbers) {
      expect(Object.is(unpackValue(packValue(n)), n), String(n)).toBe(true);
      expect(Object.is(valueCodec.unpack(packValue(n)), n), String(n)).toBe(true);
    }
  });

  it('reads what the general codec wrote, numbers and other values alike', () => {
    // The general codec writes -0 as 0 (its own behaviour, unchanged).
    for (const v of [...numbers.filter((n) => !Object.is(n, -0)), 'text', { a: 1 }, [1, 2], new Map([[1, 'a']]), 5n, null, true]) {
      const back = unpackValue(valueCodec.pack(v));
      if (typeof v === 'number') expect(Object.is(back, v)).toBe(true);
      else expect(back).toEqual(v);
    }
  });
});
