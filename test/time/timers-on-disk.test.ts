import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { InternalTimerService } from '../../src/runtime/time/internal-timer-service.js';
import { LmdbKeyedStateBackend } from '../../src/runtime/state/lmdb/lmdb-keyed-state-backend.js';

const open: LmdbKeyedStateBackend[] = [];
afterEach(() => open.splice(0).forEach((b) => b.dispose()));

describe("timers of the disk backend ('lmdb')", () => {
  it('keep at most the bound in memory and fire every timer in (time, registration) order', () => {
    const b = new LmdbKeyedStateBackend(new ManualClock(0), 128, { cacheEntries: 100 });
    open.push(b);
    const store = b.timerStore('event');
    let key: unknown = 0;
    const fired: [unknown, number][] = [];
    const svc = new InternalTimerService(
      () => key,
      new ManualClock(0),
      { fireEventTime: (k, _ns, ts) => fired.push([k, ts]), fireProcessingTime: () => undefined },
      (fn) => fn(),
      { event: store },
    );
    const expected: [unknown, number][] = [];
    // 20,000 timers over 500 timestamps in scrambled order; each key registers one per timestamp.
    for (let i = 0; i < 20_000; i++) {
      key = `k${i % 41}`;
      const ts = (i * 7919) % 500;
      svc.registerEventTimeTimer(0, ts);
      expected.push([key, ts]);
      expect(svc.pendingEventTimers - store.size).toBeLessThanOrEqual(101);
    }
    // A timer registered again keeps its first registration's place.
    const seq = new Map<string, number>();
    expected.forEach(([k, ts], i) => {
      if (!seq.has(`${String(k)}@${ts}`)) seq.set(`${String(k)}@${ts}`, i);
    });
    const unique = [...seq.values()].map((i) => [expected[i]![0], expected[i]![1], i] as const);
    expect(svc.pendingEventTimers).toBe(unique.length);
    expect(store.size).toBeGreaterThan(unique.length - 101);
    unique.sort((a, b) => a[1] - b[1] || a[2] - b[2]);
    // Deleting a timer that is on disk removes it there.
    key = unique[5]![0];
    svc.deleteEventTimeTimer(0, unique[5]![1]);
    svc.advanceWatermark(250);
    svc.advanceWatermark(Infinity);
    expect(fired).toEqual(unique.filter((_, i) => i !== 5).map(([k, ts]) => [k, ts]));
    expect(store.size).toBe(0);
  });
});
