import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  EventTimeSessionWindows,
  GlobalWindow,
  GlobalWindows,
  NeverTrigger,
  ProcessingTimeSessionWindows,
  SlidingEventTimeWindows,
  SlidingProcessingTimeWindows,
  TimeWindow,
  TumblingEventTimeWindows,
  TumblingProcessingTimeWindows,
  EventTimeTrigger,
  ProcessingTimeTrigger,
  mergeTimeWindows,
  windowFromNamespace,
  windowNamespace,
} from '../../src/index.js';

const noCtx = { getCurrentProcessingTime: () => 0 };
const at = (now: number) => ({ getCurrentProcessingTime: () => now });
const spans = (ws: TimeWindow[]) => ws.map((w) => [w.start, w.end]).sort((a, b) => a[0]! - b[0]!);

/** Brute force: every window [s, s+size) with s ≡ offset (mod slide) that holds t. */
function reference(t: number, size: number, slide: number, offset: number): number[][] {
  const out: number[][] = [];
  let s = offset + Math.floor((t - size - offset) / slide) * slide;
  for (; s <= t; s += slide) if (s <= t && t < s + size) out.push([s, s + size]);
  return out;
}

describe('window assigners', () => {
  it('tumbling windows align to the epoch, or to an offset, and take durations', () => {
    expect(spans(TumblingEventTimeWindows.of('10s').assignWindows(null, 12_345, noCtx))).toEqual([[10_000, 20_000]]);
    expect(spans(TumblingEventTimeWindows.of('10s', '2s').assignWindows(null, 1_000, noCtx))).toEqual([[-8_000, 2_000]]);
    expect(spans(TumblingEventTimeWindows.of(10, -3).assignWindows(null, 0, noCtx))).toEqual([[-3, 7]]);
    expect(spans(TumblingEventTimeWindows.of(10).assignWindows(null, -1, noCtx))).toEqual([[-10, 0]]);
    expect(() => TumblingEventTimeWindows.of('1s', '1s')).toThrow(/offset/);
    expect(() => TumblingEventTimeWindows.of(0)).toThrow(RangeError);
    expect(() => TumblingEventTimeWindows.of('1s').assignWindows(null, -Infinity, noCtx)).toThrow(/without an event timestamp/);
    expect(TumblingEventTimeWindows.of('1s').getDefaultTrigger()).toBe(EventTimeTrigger.create());
  });

  it('processing-time assigners use the clock, not the record timestamp', () => {
    expect(spans(TumblingProcessingTimeWindows.of(100).assignWindows(null, 5, at(250)))).toEqual([[200, 300]]);
    expect(spans(SlidingProcessingTimeWindows.of(100, 50).assignWindows(null, 5, at(260)))).toEqual([
      [200, 300],
      [250, 350],
    ]);
    const sess = ProcessingTimeSessionWindows.withGap(30).assignWindows(null, 5, at(1000));
    expect(spans(sess)).toEqual([[1000, 1030]]);
    expect(spans(ProcessingTimeSessionWindows.withDynamicGap<{ g: number }>((e) => e.g).assignWindows({ g: 7 }, 5, at(10)))).toEqual([[10, 17]]);
    expect(spans(TumblingProcessingTimeWindows.of('1s', '250ms').assignWindows(null, 0, at(1200)))).toEqual([[250, 1250]]);
    for (const a of [TumblingProcessingTimeWindows.of(1), SlidingProcessingTimeWindows.of(2, 1), ProcessingTimeSessionWindows.withGap(1)]) {
      expect(a.isEventTime).toBe(false);
      expect(a.getDefaultTrigger()).toBe(ProcessingTimeTrigger.create());
    }
  });

  it('property: tumbling and sliding assignment equals a brute-force enumeration (offsets, negative times)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000, max: 1_000_000 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: -49, max: 49 }),
        (t, slide, factor, rawOffset) => {
          const size = slide * factor + (rawOffset & 1 ? 0 : Math.abs(rawOffset) % slide);
          const offset = rawOffset % slide;
          const sliding = SlidingEventTimeWindows.of(size, slide, offset).assignWindows(null, t, noCtx);
          expect(spans(sliding)).toEqual(reference(t, size, slide, offset));
          const tumbling = TumblingEventTimeWindows.of(slide, offset).assignWindows(null, t, noCtx);
          expect(spans(tumbling)).toEqual(reference(t, slide, slide, offset));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('session windows start at the record and merge when they overlap or touch', () => {
    const a = EventTimeSessionWindows.withGap('10s');
    expect(spans(a.assignWindows(null, 5, noCtx))).toEqual([[5, 10_005]]);
    const merges: [number[][], number[]][] = [];
    mergeTimeWindows([new TimeWindow(20, 30), new TimeWindow(0, 10), new TimeWindow(10, 15), new TimeWindow(40, 50), new TimeWindow(45, 47)], (group, res) =>
      merges.push([spans(group), [res.start, res.end]]),
    );
    expect(merges).toEqual([
      [
        [
          [0, 10],
          [10, 15],
        ],
        [0, 15],
      ],
      [
        [
          [40, 50],
          [45, 47],
        ],
        [40, 50],
      ],
    ]);
    const dyn = EventTimeSessionWindows.withDynamicGap<{ gap: number }>((e) => e.gap);
    expect(spans(dyn.assignWindows({ gap: 7 }, 100, noCtx))).toEqual([[100, 107]]);
    expect(() => dyn.assignWindows({ gap: 0 }, 100, noCtx)).toThrow(/gap must be positive/);
    expect(a.merging && !TumblingEventTimeWindows.of(1).merging).toBe(true);
  });

  it('global windows put everything in one window that never fires by itself', () => {
    const g = GlobalWindows.create();
    expect(g.assignWindows(null, 1, noCtx)).toEqual([GlobalWindow.INSTANCE]);
    expect(g.getDefaultTrigger()).toBe(NeverTrigger.INSTANCE);
    expect(GlobalWindow.INSTANCE.maxTimestamp()).toBe(Infinity);
  });

  it('windows round-trip through their state namespace', () => {
    for (const w of [new TimeWindow(-5, 10), new TimeWindow(0, 1), GlobalWindow.INSTANCE]) {
      expect(windowFromNamespace(windowNamespace(w)).equals(w)).toBe(true);
    }
    expect(new TimeWindow(0, 10).maxTimestamp()).toBe(9);
  });
});
