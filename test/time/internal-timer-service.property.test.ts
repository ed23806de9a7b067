import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { InternalTimerService } from '../../src/runtime/time/internal-timer-service.js';
import { LmdbKeyedStateBackend } from '../../src/runtime/state/lmdb/lmdb-keyed-state-backend.js';

const backends: LmdbKeyedStateBackend[] = [];
afterAll(() => backends.forEach((b) => b.dispose()));
/**
 * Timers on the heap, and timers of the disk backend with 2 in memory: nearly every timer goes
 * to disk and comes back in batches of 2, so both paths are held to the same reference.
 */
const timerPlaces = [
  { name: 'on the heap', stores: () => ({}) },
  {
    name: "on disk (the 'lmdb' backend, 2 timers in memory)",
    stores: () => {
      const b = new LmdbKeyedStateBackend(new ManualClock(0), 128, { cacheEntries: 2 });
      backends.push(b);
      return { event: b.timerStore('event'), processing: b.timerStore('processing') };
    },
  },
];

type Key = number | string | boolean;
type Op =
  | { t: 'key'; key: Key }
  | { t: 'reg' | 'del'; domain: 'event' | 'proc'; ns: 0 | 'w'; ts: number }
  | { t: 'watermark'; by: number }
  | { t: 'clock'; by: number };

interface Fired {
  domain: 'event' | 'proc';
  key: unknown;
  ns: string | number;
  ts: number;
}

/** Reference: a plain list of live timers; firing takes every due one sorted by (timestamp, registration). */
class Model {
  live: { domain: 'event' | 'proc'; key: Key; ns: 0 | 'w'; ts: number; seq: number }[] = [];
  seq = 0;
  fire(domain: 'event' | 'proc', upTo: number): Fired[] {
    const due = this.live.filter((x) => x.domain === domain && x.ts <= upTo).sort((a, b) => a.ts - b.ts || a.seq - b.seq);
    this.live = this.live.filter((x) => !due.includes(x));
    return due.map(({ domain, key, ns, ts }) => ({ domain, key, ns, ts }));
  }
  find(domain: string, key: Key, ns: 0 | 'w', ts: number) {
    return this.live.findIndex((x) => x.domain === domain && Object.is(x.key, key) && x.ns === ns && x.ts === ts);
  }
}

// Keys that are equal as text but not as values (true / 'true', 1 / '1') must stay distinct timers.
const keyArb = fc.constantFrom<Key>(1, '1', true, 'true', 'a', 7);
const opArb = fc.oneof(
  { weight: 2, arbitrary: fc.record({ t: fc.constant('key' as const), key: keyArb }) },
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constantFrom('reg' as const, 'del' as const),
      domain: fc.constantFrom('event' as const, 'proc' as const),
      ns: fc.constantFrom(0 as const, 'w' as const),
      ts: fc.integer({ min: 0, max: 12 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('watermark' as const), by: fc.integer({ min: 0, max: 15 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('clock' as const), by: fc.integer({ min: 0, max: 15 }) }) },
);

describe.each(timerPlaces)('InternalTimerService, timers $name', ({ stores }) => {
  it('fires like a sorted reference under random register/delete/advance sequences', () => {
    fc.assert(
      fc.property(fc.array<Op>(opArb, { minLength: 10, maxLength: 80 }), (ops) => {
        const clock = new ManualClock(0);
        let key: Key = 1;
        const fired: Fired[] = [];
        const times: [number, number][] = [];
        const svc = new InternalTimerService(
          () => key,
          clock,
          {
            fireEventTime: (k, ns, ts) => fired.push({ domain: 'event', key: k, ns, ts }),
            fireProcessingTime: (k, ns, ts) => {
              fired.push({ domain: 'proc', key: k, ns, ts });
              times.push([clock.now(), ts]);
            },
          },
          (fn) => fn(),
          stores(),
        );
        const m = new Model();
        const expected: Fired[] = [];
        let watermark = 0;
        for (const op of ops) {
          if (op.t === 'key') key = op.key;
          else if (op.t === 'reg') {
            if (m.find(op.domain, key, op.ns, op.ts) < 0) m.live.push({ domain: op.domain, key, ns: op.ns, ts: op.ts, seq: m.seq++ });
            if (op.domain === 'event') svc.registerEventTimeTimer(op.ns, op.ts);
            else svc.registerProcessingTimeTimer(op.ns, op.ts);
          } else if (op.t === 'del') {
            const i = m.find(op.domain, key, op.ns, op.ts);
            if (i >= 0) m.live.splice(i, 1);
            if (op.domain === 'event') svc.deleteEventTimeTimer(op.ns, op.ts);
            else svc.deleteProcessingTimeTimer(op.ns, op.ts);
          } else if (op.t === 'watermark') {
            watermark += op.by;
            expected.push(...m.fire('event', watermark));
            svc.advanceWatermark(watermark);
          } else if (op.t === 'clock') {
            expected.push(...m.fire('proc', clock.now() + op.by));
            clock.advance(op.by);
          }
          expect(fired).toEqual(expected);
          expect(svc.pendingEventTimers + svc.pendingProcessingTimers).toBe(m.live.length);
        }
        const firedBeforeEnd = times.length;
        // End of input: the final watermark, then every pending processing-time timer.
        expected.push(...m.fire('event', Infinity), ...m.fire('proc', Infinity));
        svc.advanceWatermark(Infinity);
        svc.advanceProcessingTime(Infinity);
        expect(fired).toEqual(expected);
        // Until the end of input, a processing-time timer never fires before its time.
        expect(times.slice(0, firedBeforeEnd).filter(([now, ts]) => now < ts)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('survives a snapshot and restore with the same pending timers, in the same order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(keyArb, fc.integer({ min: 0, max: 20 })), { maxLength: 30 }), (regs) => {
        let key: Key = 1;
        const target = (out: unknown[]) => ({
          fireEventTime: (k: unknown, _ns: unknown, ts: number) => out.push([k, ts]),
          fireProcessingTime: () => undefined,
        });
        const a: unknown[] = [];
        const b: unknown[] = [];
        const svc = new InternalTimerService(
          () => key,
          new ManualClock(),
          target(a),
          (fn) => fn(),
          stores(),
        );
        for (const [k, ts] of regs) {
          key = k;
          svc.registerEventTimeTimer(0, ts);
        }
        const restored = new InternalTimerService(
          () => key,
          new ManualClock(),
          target(b),
          (fn) => fn(),
          stores(),
        );
        restored.restore(structuredClone(svc.snapshot()), () => true);
        svc.advanceWatermark(Infinity);
        restored.advanceWatermark(Infinity);
        expect(b).toEqual(a);
      }),
    );
  });

  it('processing-time timers run on the clock, with now() at their time', () => {
    const clock = new ManualClock(1000);
    const seen: [number, number][] = [];
    const svc = new InternalTimerService(
      () => 'k',
      clock,
      { fireEventTime: () => undefined, fireProcessingTime: (_k, _ns, ts) => seen.push([ts, clock.now()]) },
      (fn) => fn(),
    );
    svc.registerProcessingTimeTimer(0, 1500);
    svc.registerProcessingTimeTimer(0, 1200);
    svc.registerProcessingTimeTimer(0, 3000);
    clock.advance(600);
    expect(seen).toEqual([
      [1200, 1200],
      [1500, 1500],
    ]);
    svc.deleteProcessingTimeTimer(0, 3000);
    clock.advance(5000);
    expect(seen).toHaveLength(2);
    svc.close();
  });

  it('a timer that re-registers itself lets the end of input finish', () => {
    let fires = 0;
    const svc: InternalTimerService = new InternalTimerService(
      () => 'k',
      new ManualClock(),
      {
        fireEventTime: (_k, _ns, ts) => {
          fires++;
          svc.registerEventTimeTimer(0, ts + 10);
        },
        fireProcessingTime: (_k, _ns, ts) => {
          fires++;
          svc.registerProcessingTimeTimer(0, ts + 10);
        },
      },
      (fn) => fn(),
    );
    svc.registerEventTimeTimer(0, 100);
    svc.registerEventTimeTimer(0, 130);
    svc.advanceWatermark(Infinity);
    // 100, 110, 120, 130 fire; 140 lies past every timer that was pending, so it stays.
    expect(fires).toBe(4);
    svc.registerProcessingTimeTimer(0, 5);
    svc.advanceProcessingTime(Infinity);
    expect(fires).toBe(5);
    svc.close();
  });
});
