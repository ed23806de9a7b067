import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WatermarkCombiner } from '../../src/runtime/time/watermark-combiner.js';

type Op = { t: 'wm'; ch: number; w: number } | { t: 'idle'; ch: number; idle: boolean } | { t: 'end'; ch: number };

/** The reference: what the combined watermark should be after each step, computed from scratch. */
class Model {
  marks: number[];
  idle: boolean[];
  ended: boolean[];
  combined = -Infinity;
  constructor(n: number) {
    this.marks = Array(n).fill(-Infinity);
    this.idle = Array(n).fill(false);
    this.ended = Array(n).fill(false);
  }
  apply(op: Op): number | undefined {
    // The final watermark is an end: it never releases idle channels.
    if (op.t === 'end' || (op.t === 'wm' && op.w === Infinity)) this.ended[op.ch] = true;
    else if (!this.ended[op.ch]) {
      if (op.t === 'wm') {
        this.marks[op.ch] = Math.max(this.marks[op.ch]!, op.w);
        this.idle[op.ch] = false;
      } else this.idle[op.ch] = op.idle;
    }
    const open = this.marks.map((_, i) => i).filter((i) => !this.ended[i]);
    const active = open.filter((i) => !this.idle[i]);
    let candidate: number | undefined;
    if (open.length === 0) candidate = Infinity;
    else if (active.length > 0) candidate = Math.min(...active.map((i) => this.marks[i]!));
    if (candidate === undefined || candidate <= this.combined) return undefined;
    this.combined = candidate;
    return candidate;
  }
}

const opsFor = (n: number) =>
  fc.array(
    fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          t: fc.constant('wm' as const),
          ch: fc.nat(n - 1),
          w: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: -5, max: 100 }) }, { weight: 1, arbitrary: fc.constant(Infinity) }),
        }),
      },
      { weight: 2, arbitrary: fc.record({ t: fc.constant('idle' as const), ch: fc.nat(n - 1), idle: fc.boolean() }) },
      { weight: 1, arbitrary: fc.record({ t: fc.constant('end' as const), ch: fc.nat(n - 1) }) },
    ),
    { minLength: 5, maxLength: 60 },
  );

const scenario = fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(fc.constant(n), opsFor(n)));

function run(c: WatermarkCombiner, op: Op): number | undefined {
  return op.t === 'wm' ? c.update(op.ch, op.w) : op.t === 'idle' ? c.setIdle(op.ch, op.idle) : c.end(op.ch);
}

describe('WatermarkCombiner', () => {
  it('matches the reference model step by step', () => {
    fc.assert(
      fc.property(scenario, ([n, ops]) => {
        const c = new WatermarkCombiner(n);
        const m = new Model(n);
        for (const op of ops) {
          expect(run(c, op)).toBe(m.apply(op));
          expect(c.current).toBe(m.combined);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('is monotone, reports only strict advances, and never passes an active channel when it advances', () => {
    fc.assert(
      fc.property(scenario, ([n, ops]) => {
        const c = new WatermarkCombiner(n);
        const m = new Model(n);
        let last = -Infinity;
        for (const op of ops) {
          const before = c.current;
          const w = run(c, op);
          m.apply(op);
          expect(c.current).toBeGreaterThanOrEqual(before);
          if (w !== undefined) {
            expect(w).toBeGreaterThan(last);
            last = w;
            for (let i = 0; i < n; i++) if (!m.ended[i] && !m.idle[i]) expect(w).toBeLessThanOrEqual(m.marks[i]!);
          } else expect(c.current).toBe(before);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('holds when every open channel is idle, and reaches Infinity only when every channel ended', () => {
    fc.assert(
      fc.property(scenario, ([n, ops]) => {
        const c = new WatermarkCombiner(n);
        const m = new Model(n);
        for (const op of ops) {
          const before = c.current;
          run(c, op);
          m.apply(op);
          const open = m.ended.filter((e) => !e).length;
          if (open > 0 && m.idle.every((idle, i) => idle || m.ended[i])) {
            expect(c.allIdle).toBe(true);
            if (op.t !== 'end') expect(c.current).toBe(before);
          } else expect(c.allIdle).toBe(false);
          if (c.current === Infinity) expect(open === 0 || m.marks.every((w, i) => m.ended[i] || m.idle[i] || w === Infinity)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a finished channel does not release an idle one', () => {
    const c = new WatermarkCombiner(2);
    expect(c.update(0, 50)).toBeUndefined();
    expect(c.setIdle(1, true)).toBe(50);
    expect(c.end(0)).toBeUndefined();
    expect(c.current).toBe(50);
    expect(c.allIdle).toBe(true);
    expect(c.update(1, 70)).toBe(70);
    expect(c.end(1)).toBe(Infinity);
  });
});
