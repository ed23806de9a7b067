import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { listState, mapState, reducingState, stateTtl, valueState, type StateTtlConfig } from '../../src/core/state.js';
import { HeapKeyedStateBackend } from '../../src/runtime/state/heap-keyed-state-backend.js';

type Op = { t: 'key'; key: string } | { t: 'write'; v: number } | { t: 'read' } | { t: 'add'; v: number } | { t: 'clear' } | { t: 'wait'; ms: number };

/**
 * Reference for one value per key with TTL: a write stamps it; a read of an expired value removes it
 * (returning it one last time under ReturnExpiredIfNotCleanedUp); a live read restarts the clock
 * under OnReadAndWrite; an add never builds on an expired value.
 */
class TtlModel {
  store = new Map<string, { v: number; t: number }>();
  constructor(private readonly cfg: StateTtlConfig) {}
  read(key: string, now: number): number | undefined {
    const s = this.store.get(key);
    if (!s) return undefined;
    if (now - s.t >= this.cfg.ttl) {
      this.store.delete(key);
      return this.cfg.visibility === 'ReturnExpiredIfNotCleanedUp' ? s.v : undefined;
    }
    if (this.cfg.updateType === 'OnReadAndWrite') s.t = now;
    return s.v;
  }
  live(key: string, now: number): number | undefined {
    const s = this.store.get(key);
    return s && now - s.t < this.cfg.ttl ? s.v : undefined;
  }
}

const cfgArb = fc.record({
  ttl: fc.integer({ min: 1, max: 50 }),
  updateType: fc.constantFrom('OnCreateAndWrite' as const, 'OnReadAndWrite' as const),
  visibility: fc.constantFrom('NeverReturnExpired' as const, 'ReturnExpiredIfNotCleanedUp' as const),
});
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ t: fc.constant('key' as const), key: fc.constantFrom('a', 'b', 'c') }),
  fc.record({ t: fc.constant('write' as const), v: fc.integer({ min: 0, max: 99 }) }),
  fc.record({ t: fc.constant('read' as const) }),
  fc.record({ t: fc.constant('add' as const), v: fc.integer({ min: 0, max: 99 }) }),
  fc.record({ t: fc.constant('clear' as const) }),
  fc.record({ t: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 40 }) }),
);

describe('state TTL', () => {
  it('value and reducing state expire like the reference model', () => {
    fc.assert(
      fc.property(cfgArb, fc.array(opArb, { minLength: 10, maxLength: 80 }), (cfg, ops) => {
        const clock = new ManualClock(0);
        const backend = new HeapKeyedStateBackend(clock, 128);
        const ttl = stateTtl(cfg.ttl, cfg);
        const value = backend.getState(valueState<number>('v', { ttl }));
        const sum = backend.getReducingState(reducingState<number>('r', (a, b) => a + b, { ttl }));
        const mv = new TtlModel(cfg);
        const mr = new TtlModel(cfg);
        let key = 'a';
        backend.setCurrentKey(key);
        for (const op of ops) {
          const now = clock.now();
          if (op.t === 'key') backend.setCurrentKey((key = op.key));
          else if (op.t === 'write') {
            value.update(op.v);
            mv.store.set(key, { v: op.v, t: now });
          } else if (op.t === 'read') {
            expect(value.value()).toBe(mv.read(key, now));
            expect(sum.get()).toBe(mr.read(key, now));
          } else if (op.t === 'add') {
            sum.add(op.v);
            mr.store.set(key, { v: (mr.live(key, now) ?? 0) + op.v, t: now });
          } else if (op.t === 'clear') {
            value.clear();
            sum.clear();
            mv.store.delete(key);
            mr.store.delete(key);
          } else clock.advance(op.ms);
        }
        // A snapshot holds exactly the keys that have not expired.
        const now = clock.now();
        const live = (m: TtlModel) => [...m.store].filter(([, s]) => now - s.t < cfg.ttl).map(([k]) => k).sort();
        const snap = backend.snapshot();
        const inSnap = (name: string) => Object.values(snap.groups).flatMap((g) => (g[name] ?? []).map(([k]) => k as string)).sort();
        expect(inSnap('v')).toEqual(live(mv));
        expect(inSnap('r')).toEqual(live(mr));
      }),
      { numRuns: 300 },
    );
  });

  it('list and map state expire per key: any write restarts the whole list or map', () => {
    const clock = new ManualClock(0);
    const backend = new HeapKeyedStateBackend(clock, 128);
    const ttl = stateTtl(100);
    const list = backend.getListState(listState<string>('l', { ttl }));
    const map = backend.getMapState(mapState<string, number>('m', { ttl }));
    backend.setCurrentKey('k');
    list.add('x');
    map.put('a', 1);
    clock.advance(60);
    list.add('y');
    map.put('b', 2);
    clock.advance(60); // 120 since the first entries, 60 since the last write
    expect(list.get()).toEqual(['x', 'y']);
    expect([...map.entries()]).toEqual([['a', 1], ['b', 2]]);
    map.remove('a'); // a removal is a write too
    clock.advance(60);
    expect([...map.keys()]).toEqual(['b']);
    expect(list.get()).toEqual([]); // 120 since the last list write
    clock.advance(100);
    expect(map.isEmpty()).toBe(true);
    map.put('c', 3); // a write after expiry starts from nothing
    list.add('z');
    expect([...map.entries()]).toEqual([['c', 3]]);
    expect(list.get()).toEqual(['z']);
  });

  it('OnReadAndWrite keeps a value alive while it is read', () => {
    const clock = new ManualClock(0);
    const backend = new HeapKeyedStateBackend(clock, 128);
    const v = backend.getState(valueState<string>('v', { ttl: stateTtl('1s', { updateType: 'OnReadAndWrite' }) }));
    backend.setCurrentKey(1);
    v.update('alive');
    for (let i = 0; i < 5; i++) {
      clock.advance(900);
      expect(v.value()).toBe('alive');
    }
    clock.advance(1000);
    expect(v.value()).toBeUndefined();
  });
});
