import { deserialize, serialize } from 'node:v8';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { keyGroupFor, keyGroupRangeFor } from '../../src/core/key-group.js';
import type { KeyedStateBackend, KeyedStateBackendSnapshot } from '../../src/core/state-backend.js';
import { aggregatingState, listState, mapState, reducingState, stateTtl, valueState, type AggregateFunction } from '../../src/core/state.js';
import { stateBackendFor, stateBackendNames } from '../../src/runtime/state/state-backends.js';

/**
 * The contract every keyed state backend must keep, run against each backend the registry knows
 * (`state.backend.type`): a backend registered later is held to it without a line changed here.
 * Snapshots go through V8 serialization, as checkpoints write them.
 */
const V = valueState<number>('v', { defaultValue: 0 });
const L = listState<string>('l');
const M = mapState<string, number>('m');
const R = reducingState<number>('r', (a, b) => a + b);
const avg: AggregateFunction<number, [number, number], number> = {
  createAccumulator: () => [0, 0],
  add: (x, [s, n]) => [s + x, n + 1],
  getResult: ([s, n]) => (n === 0 ? 0 : s / n),
};
const A = aggregatingState('a', avg);

const written = (s: KeyedStateBackendSnapshot): KeyedStateBackendSnapshot => deserialize(serialize(s)) as KeyedStateBackendSnapshot;

function read(b: KeyedStateBackend, key: string) {
  b.setCurrentKey(key);
  return {
    v: b.getState(V).value(),
    l: b.getListState(L).get(),
    m: [...b.getMapState(M).entries()].sort(),
    r: b.getReducingState(R).get(),
    a: b.getAggregatingState(A).get(),
  };
}

function writeKey(b: KeyedStateBackend, key: string, n: number): void {
  b.setCurrentKey(key);
  b.getState(V).update(n);
  b.getListState(L).addAll([`${key}-1`, `${key}-2`]);
  b.getMapState(M).put(key, n);
  b.getReducingState(R).add(n);
  b.getReducingState(R).add(1);
  b.getAggregatingState(A).add(n);
  b.getAggregatingState(A).add(n + 2);
}

const expectedFor = (key: string, n: number) => ({ v: n, l: [`${key}-1`, `${key}-2`], m: [[key, n]], r: n + 1, a: n + 1 });

for (const name of stateBackendNames()) {
  const create = (maxParallelism = 128, clock = new ManualClock(0)) => stateBackendFor(name).createKeyedStateBackend({ clock, maxParallelism });

  describe(`keyed state backend '${name}'`, () => {
    it('keeps every kind of state per key', () => {
      const b = create();
      writeKey(b, 'ann', 3);
      writeKey(b, 'bob', 10);
      expect(read(b, 'ann')).toEqual(expectedFor('ann', 3));
      expect(read(b, 'bob')).toEqual(expectedFor('bob', 10));
      expect(read(b, 'cy')).toEqual({ v: 0, l: [], m: [], r: undefined, a: undefined });
      expect(b.keys('v').sort()).toEqual(['ann', 'bob']);
    });

    it('clears one key without touching another', () => {
      const b = create();
      writeKey(b, 'ann', 3);
      writeKey(b, 'bob', 4);
      b.setCurrentKey('ann');
      b.getState(V).clear();
      b.getListState(L).clear();
      b.getMapState(M).remove('ann');
      b.getReducingState(R).clear();
      b.getAggregatingState(A).clear();
      expect(read(b, 'ann')).toEqual({ v: 0, l: [], m: [], r: undefined, a: undefined });
      expect(read(b, 'bob')).toEqual(expectedFor('bob', 4));
      expect(b.keys('v')).toEqual(['bob']);
    });

    it('tells the current key back, also when set by its id (as timers do)', () => {
      const b = create();
      b.setCurrentKey(['composite', 7]);
      const id = b.currentKeyId;
      b.setCurrentKey('other');
      b.setCurrentKeyId(id);
      expect(b.getCurrentKey()).toEqual(['composite', 7]);
    });

    it('refuses one name used for two kinds of state', () => {
      const b = create();
      b.setCurrentKey('k');
      b.getState(valueState<number>('x'));
      expect(() => b.getListState(listState<number>('x'))).toThrow(/'x'/);
    });

    it('expires state after its TTL', () => {
      const clock = new ManualClock(0);
      const b = create(128, clock);
      const ttl = valueState<string>('t', { ttl: stateTtl('10s') });
      b.setCurrentKey('k');
      b.getState(ttl).update('x');
      clock.advance(9_999);
      expect(b.getState(ttl).value()).toBe('x');
      clock.advance(1);
      expect(b.getState(ttl).value()).toBeUndefined();
    });

    it('restores a synchronous and an asynchronous snapshot to the same state', async () => {
      const b = create();
      for (let i = 0; i < 50; i++) writeKey(b, `k${i}`, i);
      for (const snap of [b.snapshot(), await b.snapshotAsync()]) {
        const r = create();
        r.restore([written(snap)], () => true);
        for (let i = 0; i < 50; i++) expect(read(r, `k${i}`)).toEqual(expectedFor(`k${i}`, i));
      }
    });

    it('leaves changes made after an asynchronous snapshot started out of it', async () => {
      const b = create();
      writeKey(b, 'ann', 1);
      const pending = b.snapshotAsync();
      writeKey(b, 'bob', 2);
      b.setCurrentKey('ann');
      b.getState(V).update(99);
      const r = create();
      r.restore([written(await pending)], () => true);
      expect(read(r, 'ann')).toEqual(expectedFor('ann', 1));
      expect(r.keys('v')).toEqual(['ann']);
      expect(read(b, 'ann').v).toBe(99);
    });

    it('redistributes key groups to any parallelism (property)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 40 }),
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 1, max: 5 }),
          fc.boolean(),
          async (keys, oldP, newP, async) => {
            const mp = 32;
            const old = Array.from({ length: oldP }, () => create(mp));
            keys.forEach((k, i) => {
              const owner = old.findIndex((_, j) => {
                const r = keyGroupRangeFor(mp, oldP, j);
                const g = keyGroupFor(k, mp);
                return g >= r.start && g <= r.end;
              });
              writeKey(old[owner]!, k, i);
            });
            const snaps = await Promise.all(old.map(async (b) => written(async ? await b.snapshotAsync() : b.snapshot())));
            const seen = new Map<string, number>();
            for (let j = 0; j < newP; j++) {
              const r = keyGroupRangeFor(mp, newP, j);
              const b = create(mp);
              b.restore(snaps, (g) => g >= r.start && g <= r.end);
              for (const k of b.keys('v') as string[]) {
                seen.set(k, (seen.get(k) ?? 0) + 1);
                const g = keyGroupFor(k, mp);
                expect(g >= r.start && g <= r.end).toBe(true);
                expect(read(b, k)).toEqual(expectedFor(k, keys.indexOf(k)));
              }
            }
            expect([...seen.keys()].sort()).toEqual([...keys].sort());
            expect([...seen.values()].every((n) => n === 1)).toBe(true);
          },
        ),
        { numRuns: 60 },
      );
    });

    it('says which backend wrote state it cannot read', () => {
      const b = create();
      expect(() => b.restore([{ backend: 'no-such-backend', version: 1 }], () => true)).toThrow(/'no-such-backend'.*state\.backend\.type/);
    });

    it('reports whether a snapshot holds entries', async () => {
      const factory = stateBackendFor(name);
      const b = create();
      expect(factory.hasEntries(written(await b.snapshotAsync()))).toBe(false);
      writeKey(b, 'k', 1);
      expect(factory.hasEntries(written(b.snapshot()))).toBe(true);
      expect(factory.hasEntries(written(await b.snapshotAsync()))).toBe(true);
    });
  });
}
