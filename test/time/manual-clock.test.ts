import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';

describe('ManualClock', () => {
  it('runs scheduled calls in (time, scheduling) order, each seeing its own time, and ends at the target time', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 30 }), fc.integer({ min: 0, max: 120 }), (ats, target) => {
        const clock = new ManualClock(0);
        const ran: [number, number, number][] = [];
        ats.forEach((at, i) => clock.schedule(at, () => ran.push([at, i, clock.now()])));
        clock.setTime(target);
        const due = ats
          .map((at, i) => [at, i] as const)
          .filter(([at]) => at <= target)
          .sort((x, y) => x[0] - y[0] || x[1] - y[1]);
        expect(ran).toEqual(due.map(([at, i]) => [at, i, at]));
        expect(clock.now()).toBe(target);
        expect(clock.pendingCount).toBe(ats.length - due.length);
      }),
    );
  });

  it('never goes back, and refuses to be told to', () => {
    const clock = new ManualClock(100);
    expect(() => clock.setTime(50)).toThrow(/only moves forward/);
    expect(() => clock.advance(-1)).toThrow(/only moves forward/);
    expect(clock.now()).toBe(100);
  });

  it('a call due now waits for the next move; calls scheduled by calls run in the same move when due', () => {
    const clock = new ManualClock(10);
    const log: string[] = [];
    clock.schedule(5, () => {
      log.push(`past@${clock.now()}`);
      clock.schedule(12, () => log.push(`chained@${clock.now()}`));
      clock.schedule(99, () => log.push('later'));
    });
    expect(log).toEqual([]);
    clock.advance(0);
    expect(log).toEqual(['past@10']);
    clock.advance(5);
    expect(log).toEqual(['past@10', 'chained@12']);
  });

  it('cancelled calls do not run', () => {
    const clock = new ManualClock();
    let ran = false;
    const cancel = clock.schedule(1, () => (ran = true));
    cancel();
    clock.advance(10);
    expect(ran).toBe(false);
    expect(clock.pendingCount).toBe(0);
  });
});
