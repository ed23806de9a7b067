import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Batch, NO_TIMESTAMP } from '../../src/core/batch.js';
import { RowKind } from '../../src/core/row-kind.js';
import { barrierElement, batchElement, END, idleElement, watermarkElement, type StreamElement } from '../../src/core/stream-element.js';
import { decodeElement, encodeElement } from '../../src/runtime/parallel/element-codec.js';

/** What a slot link does to an element: encode, post (a structured clone, buffers moved), decode. */
function roundTrip(element: StreamElement): StreamElement {
  const transfer: ArrayBuffer[] = [];
  const e = encodeElement(element, transfer);
  return decodeElement(structuredClone(e, { transfer }));
}

// msgpackr (the fallback for values that are not columns) writes -0 as 0; JSON-like values have no -0.
const num = fc.double({ noNaN: true }).map((x) => (Object.is(x, -0) ? 0 : x));
const flat = fc.record({ id: fc.integer(), price: num, name: fc.string(), ok: fc.boolean() });
const value = fc.oneof(
  num,
  fc.string(),
  flat,
  fc.jsonValue().map((v) => JSON.parse(JSON.stringify(v)) as unknown),
);
const values = fc.oneof(fc.array(num), fc.array(fc.string()), fc.array(flat), fc.array(value));
const timestamp = fc.oneof(fc.integer(), fc.constant(NO_TIMESTAMP));
const rowKind = fc.constantFrom(...Object.values(RowKind));

const batch = values.chain((vs) => {
  const n = vs.length;
  const keys = fc.option(
    fc.oneof(
      fc.array(fc.integer(), { minLength: n, maxLength: n }),
      fc.array(fc.string(), { minLength: n, maxLength: n }),
      fc.array(value, { minLength: n, maxLength: n }),
    ),
    { nil: undefined },
  );
  // Row kinds as their own array or as a view into a larger buffer, as a split batch has them.
  const kinds = fc.option(
    fc.tuple(fc.array(rowKind, { minLength: n, maxLength: n }), fc.nat(8)).map(([ks, offset]) => {
      const buf = new Uint8Array(offset + n + 3).fill(9);
      buf.set(ks, offset);
      return buf.subarray(offset, offset + n);
    }),
    { nil: undefined },
  );
  return fc.tuple(fc.array(timestamp, { minLength: n, maxLength: n }), keys, kinds).map(([ts, ks, rk]) => new Batch(vs, ts, ks, rk));
});

const element: fc.Arbitrary<StreamElement> = fc.oneof(
  batch.map((b) => batchElement(b)),
  fc.oneof(fc.integer(), fc.constant(-Infinity), fc.constant(Infinity)).map(watermarkElement),
  fc.boolean().map(idleElement),
  fc.tuple(fc.nat(), fc.boolean()).map(([id, sp]) => barrierElement(id, sp)),
  fc.constant(END),
);

/** A batch's content in plain arrays, so a view compares by its rows, not by its buffer. */
function plain(e: StreamElement): unknown {
  if (e.kind !== 'batch') return { ...e };
  const { values, timestamps, keys, kinds } = e.batch;
  return { kind: 'batch', values, timestamps, keys, kinds: kinds && Array.from(kinds) };
}

describe('stream elements between slot threads', () => {
  it('property: every element kind decodes to the element that was encoded', () => {
    fc.assert(
      fc.property(element, (e) => {
        expect(plain(roundTrip(e))).toEqual(plain(e));
      }),
      { numRuns: 500 },
    );
  });

  it("keeps a field named '' apart from a record with no field (fast-check seed 1554879295 found them sharing a decoder)", () => {
    for (const values of [[{}], [{ '': '' }], [{}]]) {
      const e = batchElement(new Batch<unknown>(values, [0]));
      expect(plain(roundTrip(e))).toEqual(plain(e));
    }
  });

  it('property: encoding leaves the batch intact for the sender (it may go to a local channel too)', () => {
    fc.assert(
      fc.property(batch, (b) => {
        const before = plain(batchElement(b));
        roundTrip(batchElement(b));
        expect(plain(batchElement(b))).toEqual(before);
      }),
      { numRuns: 200 },
    );
  });
});

describe('values with an own __proto__ key (as JSON.parse makes them)', () => {
  it('cross a slot link with the key intact, as keys, as fallback values and as flat record fields', () => {
    const own = JSON.parse('{"__proto__": 1, "a": [{"__proto__": {"x": 2}}]}') as object;
    const field = JSON.parse('{"__proto__": 7, "b": "x"}') as object;
    const e = batchElement(new Batch([field, field], [1, 2], [own, 'k']));
    const back = roundTrip(e) as typeof e;
    expect(back.batch.keys![0]).toEqual(own);
    expect(Object.keys(back.batch.keys![0] as object)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(back.batch.values[0])).toBe(Object.prototype);
    expect(Object.keys(back.batch.values[0] as object)).toEqual(['__proto__', 'b']);
    expect((back.batch.values[1] as Record<string, unknown>)['__proto__']).toBe(7);
    const nested = roundTrip(batchElement(new Batch([own], [1]))) as typeof e;
    expect(Object.keys((nested.batch.values[0] as { a: object[] }).a[0]!)).toEqual(['__proto__']);
  });
});
