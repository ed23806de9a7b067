import { describe, expect, it } from 'vitest';
import { NO_TIMESTAMP } from '../../src/core/batch.js';
import {
  EventTimeSessionWindows,
  EventTimeTrigger,
  ProcessingTimeSessionWindows,
  ProcessingTimeTrigger,
  SlidingEventTimeWindows,
  SlidingProcessingTimeWindows,
  TimeWindow,
  TumblingEventTimeWindows,
  TumblingProcessingTimeWindows,
  type WindowAssigner,
} from '../../src/core/window/index.js';

/** A processing-time context at `now`; event-time assigners must not ask it. */
const at = (now: number) => ({ getCurrentProcessingTime: () => now });
const spans = (ws: TimeWindow[]) => ws.map((w) => [w.start, w.end]);

describe('window assigners: kinds, names and default triggers', () => {
  const cases: [WindowAssigner<unknown, TimeWindow>, boolean, boolean, string][] = [
    [TumblingEventTimeWindows.of(1000), true, false, 'TumblingEventTimeWindows(1000)'],
    [TumblingProcessingTimeWindows.of(1000), false, false, 'TumblingProcessingTimeWindows(1000)'],
    [SlidingEventTimeWindows.of(1000, 250), true, false, 'SlidingEventTimeWindows(1000, 250)'],
    [SlidingProcessingTimeWindows.of(1000, 250), false, false, 'SlidingProcessingTimeWindows(1000, 250)'],
    [EventTimeSessionWindows.withGap(300), true, true, 'EventTimeSessionWindows(300)'],
    [EventTimeSessionWindows.withDynamicGap(() => 5), true, true, 'EventTimeSessionWindows(dynamic)'],
    [ProcessingTimeSessionWindows.withGap(300), false, true, 'ProcessingTimeSessionWindows(300)'],
    [ProcessingTimeSessionWindows.withDynamicGap(() => 5), false, true, 'ProcessingTimeSessionWindows(dynamic)'],
  ];
  it.each(cases)('%s', (a, eventTime, merging, name) => {
    expect(a.isEventTime).toBe(eventTime);
    expect(a.merging).toBe(merging);
    expect(String(a)).toBe(name);
    expect(a.getDefaultTrigger()).toBeInstanceOf(eventTime ? EventTimeTrigger : ProcessingTimeTrigger);
  });

  it('event-time assigners name themselves when a record has no timestamp', () => {
    for (const a of [TumblingEventTimeWindows.of(1000), SlidingEventTimeWindows.of(1000, 250), EventTimeSessionWindows.withGap(300)]) {
      expect(() => a.assignWindows({}, NO_TIMESTAMP, at(0))).toThrow(`${String(a)} got a record without an event timestamp`);
    }
  });

  it('event-time tumbling and sliding windows state their alignment (size, slide, offset)', () => {
    expect(TumblingEventTimeWindows.of(1000, 100).alignment).toEqual({ size: 1000, slide: 1000, offset: 100 });
    expect(SlidingEventTimeWindows.of(1000, 250, -50).alignment).toEqual({ size: 1000, slide: 250, offset: -50 });
    expect(SlidingEventTimeWindows.of('1 s', '250 ms', '100 ms').alignment).toEqual({ size: 1000, slide: 250, offset: 100 });
    expect(TumblingEventTimeWindows.of('1 s', '100 ms').alignment).toEqual({ size: 1000, slide: 1000, offset: 100 });
  });
});

describe('window assigners: argument checks', () => {
  it('tumbling: the size must be positive and the offset smaller than it (either sign)', () => {
    for (const of of [TumblingEventTimeWindows.of, TumblingProcessingTimeWindows.of]) {
      expect(() => of(0)).toThrow(/size must be positive/);
      expect(() => of(-1)).toThrow(RangeError);
      expect(() => of(1)).not.toThrow();
      expect(() => of(1000, 1000)).toThrow('offset must be smaller than the size (|1000| >= 1000)');
      expect(() => of(1000, -1000)).toThrow(RangeError);
      expect(() => of(1000, 999)).not.toThrow();
      expect(() => of(1000, -999)).not.toThrow();
      expect(() => of('1 s', '999 ms')).not.toThrow();
    }
    expect(() => TumblingEventTimeWindows.of(0)).toThrow(/^TumblingEventTimeWindows\.of:/);
    expect(() => TumblingProcessingTimeWindows.of(0)).toThrow(/^TumblingProcessingTimeWindows\.of:/);
  });

  it('sliding: size and slide must be positive and the offset smaller than the slide', () => {
    for (const of of [SlidingEventTimeWindows.of, SlidingProcessingTimeWindows.of]) {
      expect(() => of(0, 100)).toThrow(/size and slide must be positive/);
      expect(() => of(1000, 0)).toThrow(/size and slide must be positive/);
      expect(() => of(-1000, 100)).toThrow(RangeError);
      expect(() => of(1000, -100)).toThrow(RangeError);
      expect(() => of(1, 1)).not.toThrow();
      expect(() => of(1000, 250, 250)).toThrow('offset must be smaller than the slide (|250| >= 250)');
      expect(() => of(1000, 250, -250)).toThrow(RangeError);
      expect(() => of(1000, 250, 249)).not.toThrow();
      expect(() => of(1000, 250, -249)).not.toThrow();
      expect(() => of('1 s', '250 ms', '100 ms')).not.toThrow();
    }
    expect(() => SlidingEventTimeWindows.of(0, 1)).toThrow(/^SlidingEventTimeWindows\.of:/);
    expect(() => SlidingProcessingTimeWindows.of(0, 1)).toThrow(/^SlidingProcessingTimeWindows\.of:/);
  });

  it('sessions: the gap must be positive, fixed or per record', () => {
    expect(() => EventTimeSessionWindows.withGap(0)).toThrow('EventTimeSessionWindows.withGap: gap must be positive');
    expect(() => EventTimeSessionWindows.withGap(-5)).toThrow(RangeError);
    expect(() => ProcessingTimeSessionWindows.withGap(0)).toThrow('ProcessingTimeSessionWindows.withGap: gap must be positive');
    expect(() => ProcessingTimeSessionWindows.withGap(-5)).toThrow(RangeError);
    expect(spans(EventTimeSessionWindows.withGap(1).assignWindows({}, 10))).toEqual([[10, 11]]);
    const dyn = EventTimeSessionWindows.withDynamicGap((e: { gap: number }) => e.gap);
    expect(spans(dyn.assignWindows({ gap: 7 }, 10))).toEqual([[10, 17]]);
    expect(() => dyn.assignWindows({ gap: 0 }, 10)).toThrow('EventTimeSessionWindows(dynamic): the session gap must be positive, got 0');
    const pdyn = ProcessingTimeSessionWindows.withDynamicGap((e: { gap: number }) => e.gap);
    expect(() => pdyn.assignWindows({ gap: -1 }, 0, at(5))).toThrow('ProcessingTimeSessionWindows(dynamic): the session gap must be positive, got -1');
  });
});

describe('window assigners: which windows a record falls in', () => {
  it('tumbling: the one window holding the time, shifted by the offset', () => {
    expect(spans(TumblingEventTimeWindows.of(1000).assignWindows({}, 1999))).toEqual([[1000, 2000]]);
    expect(spans(TumblingEventTimeWindows.of(1000).assignWindows({}, 2000))).toEqual([[2000, 3000]]);
    expect(spans(TumblingEventTimeWindows.of(1000, 100).assignWindows({}, 1050))).toEqual([[100, 1100]]);
    // Processing time decides, not the record's timestamp.
    expect(spans(TumblingProcessingTimeWindows.of(1000).assignWindows({}, 5, at(2500)))).toEqual([[2000, 3000]]);
    expect(spans(TumblingProcessingTimeWindows.of(1000, 100).assignWindows({}, 5, at(1050)))).toEqual([[100, 1100]]);
  });

  it('sliding: every window of `size` starting on the slide grid that holds the time, newest first', () => {
    expect(spans(SlidingEventTimeWindows.of(1000, 250).assignWindows({}, 1000))).toEqual([
      [1000, 2000],
      [750, 1750],
      [500, 1500],
      [250, 1250],
    ]);
    expect(spans(SlidingEventTimeWindows.of(1000, 250).assignWindows({}, 999))).toEqual([
      [750, 1750],
      [500, 1500],
      [250, 1250],
      [0, 1000],
    ]);
    expect(spans(SlidingEventTimeWindows.of(1000, 400, 100).assignWindows({}, 1000))).toEqual([
      [900, 1900],
      [500, 1500],
      [100, 1100],
    ]);
    expect(spans(SlidingProcessingTimeWindows.of(1000, 500).assignWindows({}, 5, at(1200)))).toEqual([
      [1000, 2000],
      [500, 1500],
    ]);
  });

  it('sessions merge windows that overlap into their cover', () => {
    for (const a of [EventTimeSessionWindows.withGap(10), ProcessingTimeSessionWindows.withGap(10)]) {
      const merged: [number[][], number[]][] = [];
      a.mergeWindows!([new TimeWindow(0, 10), new TimeWindow(5, 15), new TimeWindow(30, 40)], (from, to) => merged.push([spans(from), [to.start, to.end]]));
      expect(merged).toEqual([
        [
          [
            [0, 10],
            [5, 15],
          ],
          [0, 15],
        ],
      ]);
    }
  });

  it('processing-time sessions open at the current processing time', () => {
    expect(spans(ProcessingTimeSessionWindows.withGap(300).assignWindows({}, 5, at(1000)))).toEqual([[1000, 1300]]);
  });
});
