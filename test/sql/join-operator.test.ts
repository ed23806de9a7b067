// The sqlJoin operator driven by hand, so the order of the two inputs is fixed: the changelog an
// outer join emits (padding, and its retraction when a partner arrives or leaves), retractions of
// input rows, NULL keys, and state TTL on the manual processing-time clock.
import { describe, expect, it } from 'vitest';
import '../../src/index.js';
import { RowKind, rowKindShort } from '../../src/core/row-kind.js';
import { JoinOperator, type JoinParams, type JoinType } from '../../src/sql/operators/join-operator.js';
import type { Row } from '../../src/sql/index.js';
import { OperatorHarness } from '../../src/testing/index.js';

const L = 0;
const R = 1;

function params(type: JoinType, extra: Partial<JoinParams> = {}): JoinParams {
  return {
    type,
    combine: (l, r) => ({ k: l.k, a: l.a, k0: r.k, b: r.b }),
    nullLeft: { k: null, a: null },
    nullRight: { k: null, b: null },
    residual: undefined,
    equals: [(x, y) => x.k === y.k && x.a === y.a, (x, y) => x.k === y.k && x.b === y.b],
    ttl: 0,
    updating: type !== 'INNER',
    text: { type, on: 'k = k' },
    ...extra,
  };
}

async function harness(p: JoinParams) {
  return OperatorHarness.forOperator<Row, Row>(new JoinOperator(p), { key: [(r: Row) => r.k, (r: Row) => r.k], inputs: 2 });
}

/** The output as `+I k,a,k0,b` lines. */
function changes(h: Awaited<ReturnType<typeof harness>>): string[] {
  return h
    .output()
    .map((o) => `${rowKindShort(o.kind ?? RowKind.INSERT)} ${[o.value.k, o.value.a, o.value.k0, o.value.b].map((v) => (v === null ? '∅' : v)).join(',')}`);
}

describe('sqlJoin changelog', () => {
  it('inner join over insertions emits only insertions', async () => {
    const h = await harness(params('INNER'));
    h.processElement({ k: 1, a: 'x' }, 1, L);
    h.processElement({ k: 1, b: 10 }, 2, R);
    h.processElement({ k: 1, b: 11 }, 3, R);
    h.processElement({ k: 2, b: 12 }, 4, R);
    expect(changes(h)).toEqual(['+I 1,x,1,10', '+I 1,x,1,11']);
  });

  it('left join: a padded row, taken back when the first partner arrives and emitted again when the last one leaves', async () => {
    const h = await harness(params('LEFT'));
    h.processElement({ k: 1, a: 'x' }, 1, L);
    h.processElement({ k: 1, b: 10 }, 2, R);
    h.processElement({ k: 1, b: 11 }, 3, R);
    h.processElement({ k: 1, b: 10 }, 4, R, RowKind.DELETE);
    h.processElement({ k: 1, b: 11 }, 5, R, RowKind.UPDATE_BEFORE);
    expect(changes(h)).toEqual(['+I 1,x,∅,∅', '-D 1,x,∅,∅', '+I 1,x,1,10', '+I 1,x,1,11', '-D 1,x,1,10', '-D 1,x,1,11', '+I 1,x,∅,∅']);
  });

  it('right join pads the right side; a right row without partners is taken back padded', async () => {
    const h = await harness(params('RIGHT'));
    h.processElement({ k: 1, b: 10 }, 1, R);
    h.processElement({ k: 1, b: 10 }, 2, R, RowKind.DELETE);
    h.processElement({ k: 1, a: 'x' }, 3, L);
    expect(changes(h)).toEqual(['+I ∅,∅,1,10', '-D ∅,∅,1,10']);
  });

  it('full join pads both sides and takes a retracted left row out of the right rows it joined', async () => {
    const h = await harness(params('FULL'));
    h.processElement({ k: 1, a: 'x' }, 1, L);
    h.processElement({ k: 1, b: 10 }, 2, R);
    h.processElement({ k: 1, a: 'x' }, 3, L, RowKind.DELETE);
    expect(changes(h)).toEqual(['+I 1,x,∅,∅', '-D 1,x,∅,∅', '+I 1,x,1,10', '-D 1,x,1,10', '+I ∅,∅,1,10']);
  });

  it('duplicates join once each, and a retraction takes back one of them', async () => {
    const h = await harness(params('INNER', { updating: true }));
    h.processElement({ k: 1, a: 'x' }, 1, L);
    h.processElement({ k: 1, a: 'x' }, 2, L);
    h.processElement({ k: 1, b: 10 }, 3, R);
    h.processElement({ k: 1, a: 'x' }, 4, L, RowKind.UPDATE_BEFORE);
    h.processElement({ k: 1, b: 11 }, 5, R);
    expect(changes(h)).toEqual(['+I 1,x,1,10', '+I 1,x,1,10', '-D 1,x,1,10', '+I 1,x,1,11']);
  });

  it('a row whose key is NULL joins nothing and stays padded on an outer side', async () => {
    const h = await harness(params('FULL'));
    h.processElement({ k: null, a: 'x' }, 1, L);
    h.processElement({ k: null, b: 10 }, 2, R);
    h.processElement({ k: null, a: 'x' }, 3, L, RowKind.DELETE);
    expect(changes(h)).toEqual(['+I ∅,x,∅,∅', '+I ∅,∅,∅,10', '-D ∅,x,∅,∅']);
  });

  it('the residual condition decides which rows of a key match', async () => {
    const h = await harness(params('LEFT', { residual: (j) => (j.b as number) > 10 }));
    h.processElement({ k: 1, a: 'x' }, 1, L);
    h.processElement({ k: 1, b: 10 }, 2, R);
    h.processElement({ k: 1, b: 11 }, 3, R);
    expect(changes(h)).toEqual(['+I 1,x,∅,∅', '-D 1,x,∅,∅', '+I 1,x,1,11']);
  });
});

describe('sqlJoin state TTL (table.exec.state.ttl)', () => {
  it('rows of a key not written for the TTL expire: later rows of the other side no longer join them', async () => {
    const h = await harness(params('INNER', { ttl: 1000 }));
    h.processElement({ k: 1, a: 'old' }, 1, L);
    h.processElement({ k: 2, a: 'kept' }, 1, L);
    h.advanceProcessingTime(600);
    h.processElement({ k: 2, a: 'kept' }, 2, L); // a write restarts key 2's clock
    h.advanceProcessingTime(600);
    h.processElement({ k: 1, b: 10 }, 3, R);
    h.processElement({ k: 2, b: 20 }, 4, R);
    expect(changes(h)).toEqual(['+I 2,kept,2,20', '+I 2,kept,2,20']);
  });

  it('without a TTL nothing expires', async () => {
    const h = await harness(params('INNER'));
    h.processElement({ k: 1, a: 'old' }, 1, L);
    h.advanceProcessingTime(365 * 86_400_000);
    h.processElement({ k: 1, b: 10 }, 3, R);
    expect(changes(h)).toEqual(['+I 1,old,1,10']);
  });
});
