import { describe, expect, it } from 'vitest';
import { hashKey, keyGroupFor, normalizeKey } from '../../src/core/key-group.js';

// Each kind of key has its own branch in hashKey; these pin what each one does, so a branch that
// falls through to another kind's (or recurses forever) shows.
describe('hashKey by kind of key', () => {
  it('null and undefined are keys of their own, both hashing to 0', () => {
    expect(normalizeKey(null)).toBe(null);
    expect(normalizeKey(undefined)).toBe(undefined);
    expect(hashKey(null)).toBe(0);
    expect(hashKey(undefined)).toBe(0);
    expect(keyGroupFor(undefined, 128)).toBe(0);
  });

  it('booleans hash apart from each other and from their names', () => {
    expect(hashKey(true)).not.toBe(hashKey(false));
    expect(hashKey(true)).not.toBe(hashKey('true'));
    expect(hashKey(false)).not.toBe(hashKey('false'));
    expect(hashKey(true)).not.toBe(0);
  });

  it('a bigint hashes as its decimal digits, whatever its size', () => {
    expect(hashKey(12345678901234567890n)).toBe(hashKey('12345678901234567890'));
    expect(hashKey(7n)).toBe(hashKey('7'));
    expect(hashKey(7n)).not.toBe(0);
  });

  it('composite keys hash by value: equal tuples alike, different tuples apart', () => {
    expect(hashKey(normalizeKey(['a', 1]))).toBe(hashKey(normalizeKey(['a', 1])));
    expect(hashKey(['a', 1])).toBe(hashKey(normalizeKey(['a', 1])));
    expect(hashKey(['a', 1])).not.toBe(hashKey(['a', 2]));
    expect(hashKey({ user: 'x' })).not.toBe(hashKey({ user: 'y' }));
    expect(hashKey(['a', 1])).not.toBe(0);
  });

  it('integers beyond 32 bits do not wrap onto small ones', () => {
    expect(hashKey(2 ** 32 + 5)).not.toBe(hashKey(5));
    expect(hashKey(-(2 ** 32) + 5)).not.toBe(hashKey(5));
    expect(hashKey(2 ** 31)).not.toBe(hashKey(-(2 ** 31)));
  });

  it('functions and symbols are refused with what to use instead', () => {
    expect(() => hashKey(Symbol('k'))).toThrow('A symbol cannot be a key: use a primitive, an array or a plain object');
    expect(() => hashKey(() => 1)).toThrow(/A function cannot be a key/);
  });
});
