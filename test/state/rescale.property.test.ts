import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { keyGroupFor, keyGroupRangeFor, subtaskForKeyGroup } from '../../src/core/key-group.js';
import { listState, mapState, valueState } from '../../src/core/state.js';
import type { KeyedStateSnapshot } from '../../src/runtime/state/heap-keyed-state-backend.js';
import { keyedBackends } from './keyed-backends.js';

type Backend = ReturnType<(typeof keyedBackends)[number]['create']>;
import { HeapOperatorStateStore } from '../../src/runtime/state/operator-state-store.js';

const clock = new ManualClock(0);
const V = valueState<number>('count');
const L = listState<string>('seen');
const M = mapState<[string, number], string>('by-pair');

const keyArb = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.string({ maxLength: 6 }),
  fc.tuple(fc.string({ maxLength: 3 }), fc.integer({ min: 0, max: 9 })),
);
const contentArb = fc.uniqueArray(
  fc.record({
    key: keyArb,
    count: fc.integer(),
    seen: fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }),
    pairs: fc.array(fc.tuple(fc.tuple(fc.string({ maxLength: 2 }), fc.nat(3)), fc.string({ maxLength: 3 })), { maxLength: 3 }),
  }),
  { selector: (r) => JSON.stringify(r.key), maxLength: 40 },
);

type Content = { key: unknown; count: number; seen: string[]; pairs: [[string, number], string][] }[];

function fill(b: Backend, content: Content): void {
  const v = b.getState(V);
  const l = b.getListState(L);
  const m = b.getMapState(M);
  for (const r of content) {
    b.setCurrentKey(r.key);
    v.update(r.count);
    l.update(r.seen);
    for (const [k, x] of r.pairs) m.put(k, x);
  }
}

/** Everything a backend holds for `key`, read through the state API. */
function read(b: Backend, key: unknown) {
  b.setCurrentKey(key);
  const m = b.getMapState(M);
  return { count: b.getState(V).value(), seen: b.getListState(L).get(), pairs: [...m.entries()] };
}

/** Restores `snaps` into `p` subtasks, as a job restarted with parallelism `p` would. */
function restoreInto(kb: (typeof keyedBackends)[number], snaps: KeyedStateSnapshot[], mp: number, p: number): Backend[] {
  return Array.from({ length: p }, (_, i) => {
    const r = keyGroupRangeFor(mp, p, i);
    const b = kb.create(clock, mp);
    b.restore(structuredClone(snaps), (g) => g >= r.start && g <= r.end);
    return b;
  });
}

const setup = fc.integer({ min: 1, max: 64 }).chain((mp) => fc.tuple(fc.constant(mp), fc.integer({ min: 1, max: mp }), fc.integer({ min: 1, max: mp })));

describe.each(keyedBackends)('keyed state across parallelism changes ($name backend)', (kb) => {
  it('split by key groups into p subtasks and merged back, every key keeps its state in exactly one subtask', () => {
    fc.assert(
      fc.property(setup, contentArb, ([mp, p1, p2], content) => {
        const original = kb.create(clock, mp);
        fill(original, content);
        const split = restoreInto(kb, [original.snapshot()], mp, p1);
        const owned = split.map((b) => new Set(b.keys('count').map((k) => JSON.stringify(k))));
        for (const r of content) {
          const owner = subtaskForKeyGroup(mp, p1, keyGroupFor(r.key, mp));
          expect(owned.map((keys) => keys.has(JSON.stringify(r.key)))).toEqual(owned.map((_, i) => i === owner));
          expect(read(split[owner]!, r.key)).toEqual(read(original, r.key));
        }
        // p1 -> p2 -> 1: nothing lost, nothing duplicated.
        const rescaled = restoreInto(
          kb,
          split.map((b) => b.snapshot()),
          mp,
          p2,
        );
        const merged = restoreInto(
          kb,
          rescaled.map((b) => b.snapshot()),
          mp,
          1,
        )[0]!;
        expect(merged.size('count')).toBe(content.length);
        expect(rescaled.reduce((n, b) => n + b.size('count'), 0)).toBe(content.length);
        for (const r of content) expect(read(merged, r.key)).toEqual(read(original, r.key));
      }),
      { numRuns: 100 },
    );
  });
});

describe('operator list state across parallelism changes', () => {
  it('deals every element to exactly one new subtask, evenly', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer(), { maxLength: 10 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 8 }), (lists, p) => {
        const olds = lists.map((l) => {
          const s = new HeapOperatorStateStore();
          s.getListState<number>('offsets').update(l);
          return s.snapshot();
        });
        const news = Array.from({ length: p }, (_, i) => {
          const s = new HeapOperatorStateStore();
          s.restore(structuredClone(olds), i, p);
          return s.getListState<number>('offsets').get();
        });
        const all = lists.flat();
        expect(news.flat().sort((a, b) => a - b)).toEqual(all.slice().sort((a, b) => a - b));
        const sizes = news.map((l) => l.length);
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('copies broadcast state to every subtask', () => {
    const s = new HeapOperatorStateStore();
    s.getBroadcastState(mapState<string, number>('rules')).put('max', 10);
    const snap = s.snapshot();
    for (let i = 0; i < 3; i++) {
      const r = new HeapOperatorStateStore();
      r.restore([snap, snap], i, 3);
      expect(r.getBroadcastState(mapState<string, number>('rules')).get('max')).toBe(10);
    }
  });
});
