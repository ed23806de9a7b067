// The sqlTemporalJoin operator driven by hand, so the order of the inputs and the watermarks are
// fixed: a changelog of the versioned table (updates, deletes, a change that arrives late), probe
// rows waiting for the watermark, LEFT padding, and versions dropped once no probe row can need them.
import { describe, expect, it } from 'vitest';
import '../../src/index.js';
import { RowKind } from '../../src/core/row-kind.js';
import { mapState, valueState } from '../../src/core/state.js';
import { TemporalJoinOperator, type TemporalJoinParams } from '../../src/sql/operators/temporal-join-operator.js';
import type { Row } from '../../src/sql/index.js';
import { OperatorHarness } from '../../src/testing/index.js';

const L = 0;
const R = 1;

function params(type: 'INNER' | 'LEFT'): TemporalJoinParams {
  return {
    type,
    combine: (l, r) => ({ id: l.id, rate: r.rate }),
    nullRight: { k: null, rate: null, ts: null },
    residual: undefined,
    leftTime: (r) => r.ts,
    rightTime: (r) => r.ts,
    text: { type, on: 'k = k' },
  };
}

async function harness(type: 'INNER' | 'LEFT') {
  return OperatorHarness.forOperator<Row, Row>(new TemporalJoinOperator(params(type)), { key: [(r: Row) => r.k, (r: Row) => r.k], inputs: 2 });
}

const lines = (h: Awaited<ReturnType<typeof harness>>) => h.values().map((v) => `${v.id}:${v.rate ?? '∅'}`);

describe('sqlTemporalJoin', () => {
  it('joins each probe row, when the watermark passes it, with the version valid at its time', async () => {
    const h = await harness('LEFT');
    h.processElement({ k: 'a', rate: 1, ts: 10 }, 10, R);
    h.processElement({ id: 1, k: 'a', ts: 5 }, 5, L); // before any version
    h.processElement({ id: 2, k: 'a', ts: 25 }, 25, L);
    h.processElement({ id: 3, k: 'a', ts: 40 }, 40, L);
    h.processElement({ k: 'a', rate: 1, ts: 10 }, 20, R, RowKind.UPDATE_BEFORE);
    h.processElement({ k: 'a', rate: 2, ts: 20 }, 20, R, RowKind.UPDATE_AFTER);
    h.processElement({ k: 'a', rate: 3, ts: 18 }, 18, R); // out of order, before the watermark passes it
    expect(lines(h)).toEqual([]);
    h.processWatermark(30);
    expect(lines(h)).toEqual(['1:∅', '2:2']);
    h.processElement({ k: 'a', rate: 2, ts: 35 }, 35, R, RowKind.DELETE);
    h.processWatermark(50);
    expect(lines(h)).toEqual(['1:∅', '2:2', '3:∅']);
    // Deleted at the watermark and nothing after: the key holds no state and no timers any more.
    expect(h.stateKeys(valueState('temporal-join-versions'))).toEqual([]);
    expect(h.stateKeys(mapState('temporal-join-probe'))).toEqual([]);
    expect(h.numEventTimeTimers()).toBe(0);
  });

  it('inner drops probe rows without a valid version; old versions go once the watermark passes a newer one', async () => {
    const h = await harness('INNER');
    for (const [rate, ts] of [
      [1, 10],
      [2, 20],
      [3, 30],
    ] as const)
      h.processElement({ k: 'a', rate, ts }, ts, R);
    h.processElement({ id: 1, k: 'a', ts: 5 }, 5, L);
    h.processElement({ id: 2, k: 'b', ts: 25 }, 25, L);
    h.processElement({ id: 3, k: 'a', ts: 29 }, 29, L);
    h.processWatermark(25);
    expect(lines(h)).toEqual([]);
    expect(h.state(valueState<{ ts: number }[]>('temporal-join-versions'), 'a')!.map((v) => v.ts)).toEqual([20, 30]);
    h.processWatermark(31);
    expect(lines(h)).toEqual(['3:2']);
    expect(h.state(valueState<{ ts: number }[]>('temporal-join-versions'), 'a')!.map((v) => v.ts)).toEqual([30]);
    // A probe row behind the watermark joins what is known at once.
    h.processElement({ id: 4, k: 'a', ts: 31 }, 31, L);
    expect(lines(h)).toEqual(['3:2', '4:3']);
  });

  it('fails naming the operator when the probe side sends an update', async () => {
    const h = await harness('INNER');
    expect(() => h.processElement({ id: 1, k: 'a', ts: 5 }, 5, L, RowKind.DELETE)).toThrow(/probe side of a temporal join must be insert-only/);
  });
});
