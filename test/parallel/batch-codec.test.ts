import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeValues, encodeValues } from '../../src/runtime/parallel/batch-codec.js';

function roundTrip(values: unknown[]): { decoded: unknown[]; format: string } {
  const transfer: ArrayBuffer[] = [];
  const e = encodeValues(values, transfer);
  // What postMessage does to the message: a structured clone, with the buffers moved.
  const moved = structuredClone(e, { transfer });
  return { decoded: decodeValues(moved), format: e.f };
}

describe('batch codec between slot threads', () => {
  it('sends numbers and flat records as columns, anything else through msgpackr', () => {
    expect(roundTrip([1, 2.5, -Infinity, NaN]).format).toBe('n');
    expect(roundTrip([1, -2, 2 ** 31 - 1]).format).toBe('i');
    expect(roundTrip(['a', 'b']).format).toBe('s');
    expect(roundTrip([{ a: 1, b: 'x', c: true }]).format).toBe('o');
    expect(roundTrip([{ a: 1, nested: { b: 2 } }]).format).toBe('m');
    expect(roundTrip([{ a: 1 }, { a: 'mixed' }]).format).toBe('m');
    expect(roundTrip([{ a: 1 }, { b: 1 }]).format).toBe('m');
    // A record with a field more than the first would lose it in columns: it goes whole.
    const extra = roundTrip([
      { a: 1, b: true },
      { a: 2, b: false, c: 'x' },
    ]);
    expect(extra.format).toBe('m');
    expect(extra.decoded).toEqual([
      { a: 1, b: true },
      { a: 2, b: false, c: 'x' },
    ]);
    expect(
      roundTrip([
        { a: 1, b: true },
        { a: 2, b: false },
      ]).decoded,
    ).toEqual([
      { a: 1, b: true },
      { a: 2, b: false },
    ]);
    expect(roundTrip([{ 'odd "name"': 1 }, { 'odd "name"': 2 }])).toEqual({ decoded: [{ 'odd "name"': 1 }, { 'odd "name"': 2 }], format: 'o' });
    expect(roundTrip([new Map([[1, 2]])]).decoded).toEqual([new Map([[1, 2]])]);
  });

  it('property: decode(encode(batch)) equals the batch, for any JSON-like values', () => {
    // msgpackr (the fallback) writes -0 as 0; JSON-like values have no -0.
    const num = fc.double({ noNaN: true }).map((x) => (Object.is(x, -0) ? 0 : x));
    const flat = fc.record({ id: fc.integer(), price: num, name: fc.string(), ok: fc.boolean() });
    const any = fc.oneof(
      fc.array(num),
      fc.array(fc.string()),
      fc.array(flat),
      fc.array(fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown)),
      fc.array(fc.oneof(fc.integer(), fc.string(), flat)),
    );
    fc.assert(
      fc.property(any, (values) => {
        expect(roundTrip(values as unknown[]).decoded).toEqual(values);
      }),
      { numRuns: 300 },
    );
  });
});

describe('integer columns', () => {
  it('send int32 numbers in 4 bytes each and keep every other number as it was', () => {
    expect(roundTrip([1, -2, 2 ** 31 - 1, -(2 ** 31)])).toEqual({ decoded: [1, -2, 2 ** 31 - 1, -(2 ** 31)], format: 'i' });
    // Each of these would change in an Int32Array: -0 becomes 0, the others wrap or truncate.
    for (const odd of [-0, 2 ** 31, -(2 ** 31) - 1, 0.5, NaN, Infinity]) {
      const { decoded, format } = roundTrip([1, odd]);
      expect(format).toBe('n');
      expect(Object.is(decoded[1], odd)).toBe(true);
    }
  });

  it('pick int32 or double per record field, per batch', () => {
    const values = [
      { auction: 1001, price: 12.5, zero: -0, at: 1_700_000_000_000 },
      { auction: 1002, price: 13, zero: 0, at: 1_700_000_000_001 },
    ];
    const transfer: ArrayBuffer[] = [];
    const e = encodeValues(values, transfer);
    if (e.f !== 'o') throw new Error('expected columns');
    expect(e.cols.map((c) => c.t)).toEqual(['i', 'n', 'n', 'n']);
    const decoded = decodeValues(structuredClone(e, { transfer })) as typeof values;
    expect(decoded).toEqual(values);
    expect(Object.is(decoded[0]!.zero, -0)).toBe(true);
  });
});

describe('string columns', () => {
  it('send repeated strings once per batch', () => {
    const values = Array.from({ length: 100 }, (_, i) => ({ id: i, channel: `channel-${i % 3}`, note: `unique-${i}` }));
    const transfer: ArrayBuffer[] = [];
    const e = encodeValues(values, transfer);
    if (e.f !== 'o') throw new Error('expected columns');
    expect(e.cols.map((c) => c.t)).toEqual(['i', 'sd', 's']);
    const channel = e.cols[1]!;
    if (channel.t === 'sd') expect(channel.dict).toEqual(['channel-0', 'channel-1', 'channel-2']);
    expect(decodeValues(structuredClone(e, { transfer }))).toEqual(values);
  });
});
