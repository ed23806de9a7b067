import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CowMap } from '../../src/runtime/state/cow-map.js';

type Op = { t: 'set'; k: number; v: number } | { t: 'del'; k: number } | { t: 'push'; k: number; v: number } | { t: 'clear' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constant('set' as const), k: fc.integer({ min: 0, max: 9 }), v: fc.integer() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('del' as const), k: fc.integer({ min: 0, max: 9 }) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('push' as const), k: fc.integer({ min: 0, max: 9 }), v: fc.integer() }) },
  { weight: 1, arbitrary: fc.constant({ t: 'clear' as const }) },
);

/** Applies an op the way state code does: lists are changed in place after a get. */
function apply(m: Map<number, unknown>, o: Op): void {
  if (o.t === 'set') m.set(o.k, o.v);
  else if (o.t === 'del') m.delete(o.k);
  else if (o.t === 'clear') m.clear();
  else {
    const cur = m.get(o.k);
    if (Array.isArray(cur)) cur.push(o.v);
    else m.set(o.k, [o.v]);
  }
}

const clone = (m: Map<number, unknown>) => new Map([...m].map(([k, v]) => [k, Array.isArray(v) ? v.slice() : v]));

describe('CowMap', () => {
  it('property: a frozen view keeps the entries of the freeze; the live view follows every change', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), fc.array(op, { maxLength: 30 }), fc.array(op, { maxLength: 10 }), (before, during, after) => {
        const cow = new CowMap<number, unknown>();
        const model = new Map<number, unknown>();
        for (const o of before) {
          apply(cow, o);
          apply(model, o);
        }
        const atFreeze = clone(model);
        const frozen = cow.freeze();
        for (const o of during) {
          apply(cow, o);
          apply(model, o);
          expect(cow.size).toBe(model.size);
          expect(new Map(cow)).toEqual(model);
        }
        expect(new Map(frozen)).toEqual(atFreeze);
        cow.thaw();
        for (const o of after) {
          apply(cow, o);
          apply(model, o);
        }
        expect(new Map(cow)).toEqual(model);
        expect(cow.size).toBe(model.size);
        for (let k = 0; k < 10; k++) expect(cow.has(k)).toBe(model.has(k));
      }),
      { numRuns: 500 },
    );
  });
});

describe('CowMap copy on read', () => {
  it('keeps nested values of the frozen view intact when code changes them in place', () => {
    class Acc {
      constructor(
        public sum = 0,
        public items: number[] = [],
      ) {}
      add(x: number) {
        this.sum += x;
        this.items.push(x);
      }
    }
    const cow = new CowMap<string, unknown>();
    cow.set('slices', [10, { count: 1 }, new Acc(1, [1])]);
    const frozen = cow.freeze();
    const live = cow.get('slices') as [number, { count: number }, Acc];
    live[1].count++;
    live[2].add(5);
    expect(live[2]).toBeInstanceOf(Acc);
    const snap = new Map(frozen).get('slices') as [number, { count: number }, Acc];
    expect(snap[1].count).toBe(1);
    expect(snap[2].sum).toBe(1);
    expect(snap[2].items).toEqual([1]);
    cow.thaw();
    expect((cow.get('slices') as [number, { count: number }, Acc])[2].sum).toBe(6);
  });
});
