import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { aggregatingState, listState, mapState, reducingState, stateTtl, valueState, type StateTtlConfig } from '../../src/core/state.js';
import { keyedBackends } from './keyed-backends.js';

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

describe.each(keyedBackends)('state TTL ($name backend)', (kb) => {
  it('value, reducing and aggregating state expire like the reference model', () => {
    fc.assert(
      fc.property(cfgArb, fc.array(opArb, { minLength: 10, maxLength: 80 }), (cfg, ops) => {
        const clock = new ManualClock(0);
        // No incremental cleanup: the model says when an expired value is still there to be read.
        const backend = kb.create(clock, 128, 0);
        const ttl = stateTtl(cfg.ttl, cfg);
        const value = backend.getState(valueState<number>('v', { ttl }));
        const sum = backend.getReducingState(reducingState<number>('r', (a, b) => a + b, { ttl }));
        const agg = backend.getAggregatingState(
          aggregatingState('a', { createAccumulator: () => 0, add: (v: number, acc: number) => acc + v, getResult: (acc) => acc }, { ttl }),
        );
        const mv = new TtlModel(cfg);
        const mr = new TtlModel(cfg);
        const ma = new TtlModel(cfg);
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
            expect(agg.get()).toBe(ma.read(key, now));
          } else if (op.t === 'add') {
            sum.add(op.v);
            agg.add(op.v);
            mr.store.set(key, { v: (mr.live(key, now) ?? 0) + op.v, t: now });
            ma.store.set(key, { v: (ma.live(key, now) ?? 0) + op.v, t: now });
          } else if (op.t === 'clear') {
            value.clear();
            sum.clear();
            agg.clear();
            ma.store.delete(key);
            mv.store.delete(key);
            mr.store.delete(key);
          } else clock.advance(op.ms);
        }
        // A snapshot holds exactly the keys that have not expired.
        const now = clock.now();
        const live = (m: TtlModel) =>
          [...m.store]
            .filter(([, s]) => now - s.t < cfg.ttl)
            .map(([k]) => k)
            .sort();
        const snap = backend.snapshot();
        const inSnap = (name: string) =>
          Object.values(snap.groups)
            .flatMap((g) => (g[name] ?? []).map(([k]) => k as string))
            .sort();
        expect(inSnap('v')).toEqual(live(mv));
        expect(inSnap('r')).toEqual(live(mr));
        expect(inSnap('a')).toEqual(live(ma));
      }),
      { numRuns: 300 },
    );
  });

  it('list state expires per element and map state per entry, like the reference model', () => {
    type CollOp =
      | { t: 'key'; key: string }
      | { t: 'add' | 'put' | 'get' | 'remove'; k: string; v: number }
      | { t: 'read' | 'update' | 'clear' | 'isEmpty' }
      | { t: 'wait'; ms: number };
    const collOp: fc.Arbitrary<CollOp> = fc.oneof(
      fc.record({ t: fc.constant('key' as const), key: fc.constantFrom('a', 'b') }),
      fc.record({ t: fc.constantFrom('add' as const, 'put' as const, 'get' as const, 'remove' as const), k: fc.constantFrom('x', 'y', 'z'), v: fc.nat(99) }),
      fc.record({ t: fc.constantFrom('read' as const, 'update' as const, 'clear' as const, 'isEmpty' as const) }),
      fc.record({ t: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 30 }) }),
    );
    fc.assert(
      fc.property(cfgArb, fc.array(collOp, { minLength: 10, maxLength: 80 }), (cfg, ops) => {
        const clock = new ManualClock(0);
        // No incremental cleanup: the model says when an expired value is still there to be read.
        const backend = kb.create(clock, 128, 0);
        const ttl = stateTtl(cfg.ttl, cfg);
        const list = backend.getListState(listState<number>('l', { ttl }));
        const map = backend.getMapState(mapState<string, number>('m', { ttl }));
        // Reference: per key, a list of stamped elements and a map of stamped entries.
        const lists = new Map<string, { v: number; t: number }[]>();
        const maps = new Map<string, Map<string, { v: number; t: number }>>();
        const expired = (e: { t: number }) => clock.now() - e.t >= cfg.ttl;
        const visible = (e: { t: number }) => !expired(e) || cfg.visibility === 'ReturnExpiredIfNotCleanedUp';
        const touch = (e: { t: number }) => {
          if (!expired(e) && cfg.updateType === 'OnReadAndWrite') e.t = clock.now();
        };
        const readMapEntry = (m: Map<string, { v: number; t: number }>, k: string) => {
          const e = m.get(k);
          if (!e) return undefined;
          const r = visible(e) ? e.v : undefined;
          if (expired(e)) m.delete(k);
          else touch(e);
          return r;
        };
        let key = 'a';
        backend.setCurrentKey(key);
        for (const op of ops) {
          const l = lists.get(key) ?? [];
          const m = maps.get(key) ?? new Map();
          lists.set(key, l);
          maps.set(key, m);
          const now = clock.now();
          switch (op.t) {
            case 'key':
              backend.setCurrentKey((key = op.key));
              break;
            case 'add':
              list.add(op.v);
              l.push({ v: op.v, t: now });
              break;
            case 'update':
              list.update([1, 2]);
              lists.set(key, [
                { v: 1, t: now },
                { v: 2, t: now },
              ]);
              break;
            case 'read': {
              const want = l.filter(visible).map((e) => e.v);
              lists.set(
                key,
                l.filter((e) => !expired(e)),
              );
              l.forEach(touch);
              expect(list.get()).toEqual(want);
              expect([...map.entries()]).toEqual([...m].flatMap(([k]) => (m.has(k) ? [[k, readMapEntry(m, k)]] : [])).filter(([, v]) => v !== undefined));
              break;
            }
            case 'put':
              map.put(op.k, op.v);
              m.set(op.k, { v: op.v, t: now });
              break;
            case 'get':
              expect(map.get(op.k)).toBe(readMapEntry(m, op.k));
              break;
            case 'remove':
              map.remove(op.k);
              m.delete(op.k);
              break;
            case 'isEmpty':
              expect(map.isEmpty()).toBe([...m.values()].every(expired));
              break;
            case 'clear':
              list.clear();
              map.clear();
              lists.set(key, []);
              maps.set(key, new Map());
              break;
            case 'wait':
              clock.advance(op.ms);
          }
        }
        // Snapshots hold exactly the live elements and entries.
        const snap = backend.snapshot();
        const stored = (name: string) => new Map(Object.values(snap.groups).flatMap((g) => g[name] ?? []) as [string, any][]);
        for (const k of ['a', 'b']) {
          expect(((stored('l').get(k) as { v: number }[] | undefined) ?? []).map((e) => e.v)).toEqual(
            (lists.get(k) ?? []).filter((e) => !expired(e)).map((e) => e.v),
          );
          expect([...((stored('m').get(k) as Map<string, unknown[]> | undefined) ?? new Map()).values()].map((e) => [e[0], e[1]])).toEqual(
            [...(maps.get(k) ?? new Map())].filter(([, e]) => !expired(e)).map(([mk, e]) => [mk, e.v]),
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it('map state with TTL forgets old entries while new ones keep coming (the dedup pattern)', () => {
    const clock = new ManualClock(0);
    const backend = kb.create(clock, 128);
    const seen = backend.getMapState(mapState<string, true>('seen-ids', { ttl: stateTtl('1 min') }));
    backend.setCurrentKey('user');
    for (let i = 0; i < 10; i++) {
      seen.put(`id-${i}`, true);
      clock.advance(20_000);
    }
    // Only the ids put less than a minute ago are left, although the map was written every 20 s.
    expect([...seen.keys()]).toEqual(['id-8', 'id-9']);
    expect(backend.snapshot().groups).not.toEqual({});
  });

  it('OnReadAndWrite keeps a value alive while it is read', () => {
    const clock = new ManualClock(0);
    const backend = kb.create(clock, 128);
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

  it('removes expired keys that are never read again: a few on each write, and all in a snapshot', () => {
    const clock = new ManualClock(0);
    const backend = kb.create(clock, 128);
    const ttl = stateTtl(1000);
    const v = backend.getState(valueState<number>('v', { ttl }));
    const l = backend.getListState(listState<number>('l', { ttl }));
    const m = backend.getMapState(mapState<string, number>('m', { ttl }));
    const writeKeys = (from: number, to: number) => {
      for (let k = from; k < to; k++) {
        backend.setCurrentKey(k);
        v.update(k);
        l.add(k);
        m.put('x', k);
      }
    };
    writeKeys(0, 100);
    clock.advance(1000);
    // New keys keep coming; the old ones are never touched again.
    writeKeys(100, 200);
    for (const name of ['v', 'l', 'm']) expect(backend.size(name)).toBe(100);
    writeKeys(200, 210);
    clock.advance(1000);
    backend.snapshot();
    for (const name of ['v', 'l', 'm']) expect(backend.size(name)).toBe(0);
  });
});
