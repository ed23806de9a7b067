import { describe, expect, it } from 'vitest';
import {
  count,
  CountTrigger,
  EventTimeSessionWindows,
  mapState,
  SlidingEventTimeWindows,
  TumblingEventTimeWindows,
  valueState,
  type WindowOperatorSpec,
  LATE_RECORDS_DROPPED,
  type Operator,
} from '../../src/index.js';
import { OperatorHarness } from '../../src/testing/index.js';
import { createOperator } from '../../src/runtime/operators/create-operator.js';
import { canUseSlicing } from '../../src/graph/planning/window-operator-choice-pass.js';

interface Ev {
  k: string;
  v: number;
}

function spec(over: Partial<WindowOperatorSpec>): WindowOperatorSpec {
  return {
    assigner: TumblingEventTimeWindows.of(100),
    trigger: undefined,
    evictor: undefined,
    allowedLateness: 0,
    lateDataTag: undefined,
    fn: { type: 'aggregate', aggregate: count(), window: undefined },
    ...over,
  };
}

const harness = (s: WindowOperatorSpec) =>
  OperatorHarness.forOperator<Ev, number>(createOperator({ kind: canUseSlicing(s) ? 'slicedWindow' : 'window', params: { window: s } }) as Operator<number>, {
    key: (e: Ev) => e.k,
  });

describe('window operators (harness)', () => {
  it('sliced sliding windows: one slice per key and slice, not per record, and no timers', async () => {
    const h = await harness(spec({ assigner: SlidingEventTimeWindows.of(1000, 200) }));
    for (let i = 0; i < 500; i++) h.processElement({ k: `k${i % 2}`, v: 1 }, 1000 + (i % 200));
    // [next window end, slice end, count, ...]: the key's earliest window ends at 1200.
    expect(h.state(valueState<unknown[]>('window-slices'), 'k0')).toEqual([1200, 1200, 250]);
    h.processElement({ k: 'k0', v: 1 }, 1250);
    expect(h.state(valueState<unknown[]>('window-slices'), 'k0')).toEqual([1200, 1200, 250, 1400, 1]);
    expect(h.numEventTimeTimers()).toBe(0);
    h.processWatermark(1199);
    expect(h.values()).toEqual([250, 250]);
    h.processWatermark(Infinity);
    // k0: four windows hold both slices (251), one only the later slice (1); k1: four windows of 250.
    expect(
      h
        .values()
        .slice(2)
        .sort((a, b) => a - b),
    ).toEqual([1, 250, 250, 250, 250, 251, 251, 251, 251]);
    expect(h.stateKeys(valueState('window-slices'))).toEqual([]);
  });

  it('general operator: contents in keyed map state per window; state and timers are gone after cleanup', async () => {
    const h = await harness(spec({ trigger: CountTrigger.of(1000), allowedLateness: 50 }));
    h.processElement({ k: 'a', v: 1 }, 10);
    h.processElement({ k: 'a', v: 1 }, 20);
    h.processElement({ k: 'a', v: 1 }, 120);
    expect(h.state(mapState<string, number>('window-contents'), 'a')).toEqual(
      new Map([
        ['0|100', 2],
        ['100|200', 1],
      ]),
    );
    expect(h.numEventTimeTimers()).toBe(2); // cleanup timers at 149 and 249
    h.processWatermark(149);
    expect(h.values()).toEqual([]); // CountTrigger never reached: cleaned up without firing
    expect(h.state(mapState<string, number>('window-contents'), 'a')).toEqual(new Map([['100|200', 1]]));
    h.processElement({ k: 'a', v: 1 }, 30);
    expect(h.metrics().counters[LATE_RECORDS_DROPPED]).toBe(1);
  });

  it('session merging keeps one state window per session', async () => {
    const h = await harness(spec({ assigner: EventTimeSessionWindows.withGap(10) }));
    h.processElement({ k: 'a', v: 1 }, 0);
    h.processElement({ k: 'a', v: 1 }, 30);
    h.processElement({ k: 'a', v: 1 }, 15);
    h.processElement({ k: 'a', v: 1 }, 20); // [20,30) joins [15,25) and [30,40)
    expect([...(h.state(mapState<string, string>('merging-window-set'), 'a') as Map<string, string>).keys()].sort()).toEqual(['0|10', '15|40']);
    h.processElement({ k: 'a', v: 1 }, 8); // [8,18) joins everything
    const set = h.state(mapState<string, string>('merging-window-set'), 'a') as Map<string, string>;
    expect([...set.keys()]).toEqual(['0|40']);
    expect((h.state(mapState<string, number>('window-contents'), 'a') as Map<string, number>).get(set.get('0|40')!)).toBe(5);
    h.processWatermark(39);
    expect(h.values()).toEqual([5]);
    expect(h.stateKeys(mapState('merging-window-set'))).toEqual([]);
    expect(h.numEventTimeTimers()).toBe(0);
  });
});
