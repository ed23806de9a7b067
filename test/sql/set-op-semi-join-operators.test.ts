// The sqlSetOp and sqlSemiJoin operators driven by hand, so the order of the inputs is fixed: the
// changelogs they emit as rows arrive and are taken back, batch mode's final rows, NOT IN's NULL
// cases, and state TTL on the manual processing-time clock.
import { describe, expect, it } from 'vitest';
import '../../src/index.js';
import { RowKind, rowKindShort } from '../../src/core/row-kind.js';
import { SetOpOperator, type SetOpKind } from '../../src/sql/operators/set-op-operator.js';
import { SemiJoinOperator, type SemiJoinMode } from '../../src/sql/operators/semi-join-operator.js';
import type { Row } from '../../src/sql/index.js';
import { OperatorHarness } from '../../src/testing/index.js';

const L = 0;
const R = 1;
const D = RowKind.DELETE;

async function setOp(op: SetOpKind, opts: { batch?: boolean; ttl?: number } = {}) {
  const operator = new SetOpOperator({ op, batch: opts.batch ?? false, updating: true, ttl: opts.ttl ?? 0 });
  return OperatorHarness.forOperator<Row, Row>(operator, { key: [(r: Row) => JSON.stringify(r), (r: Row) => JSON.stringify(r)], inputs: 2 });
}

async function semiJoin(mode: SemiJoinMode, opts: { batch?: boolean; ttl?: number } = {}) {
  const nullAware = mode === 'nullAwareAnti';
  const operator = new SemiJoinOperator({
    mode,
    equals: (a, b) => a.x === b.x && a.tag === b.tag,
    ...(nullAware ? { leftValue: (r: Row) => r.x, rightValue: (r: Row) => r.y } : {}),
    batch: opts.batch ?? false,
    updating: true,
    ttl: opts.ttl ?? 0,
    text: { type: mode, on: 'x = y' },
  });
  const key = nullAware ? [() => 0, () => 0] : [(r: Row) => r.x, (r: Row) => r.y];
  return OperatorHarness.forOperator<Row, Row>(operator, { key, inputs: 2 });
}

/** The output as `+I {...}` lines. */
const changes = (h: OperatorHarness<Row, Row>) => h.output().map((o) => `${rowKindShort(o.kind ?? RowKind.INSERT)} ${JSON.stringify(o.value)}`);

describe('sqlSetOp changelog', () => {
  it('UNION emits a row once, and takes it back when neither input holds it any more', async () => {
    const h = await setOp('UNION');
    h.processElement({ a: 1 }, 1, L);
    h.processElement({ a: 1 }, 2, R);
    h.processElement({ a: 1 }, 3, L, D);
    h.processElement({ a: 1 }, 4, R, RowKind.UPDATE_BEFORE);
    expect(changes(h)).toEqual(['+I {"a":1}', '-D {"a":1}']);
  });

  it('EXCEPT ALL follows n - m: a right row takes one back, its retraction gives it again', async () => {
    const h = await setOp('EXCEPT ALL');
    h.processElement({ a: 1 }, 1, L);
    h.processElement({ a: 1 }, 2, L);
    h.processElement({ a: 1 }, 3, R);
    h.processElement({ a: 1 }, 4, R);
    h.processElement({ a: 1 }, 5, R);
    h.processElement({ a: 1 }, 6, R, D);
    h.processElement({ a: 1 }, 7, R, D);
    expect(changes(h)).toEqual(['+I {"a":1}', '+I {"a":1}', '-D {"a":1}', '-D {"a":1}', '+I {"a":1}']);
  });

  it('INTERSECT emits a row when both inputs hold it', async () => {
    const h = await setOp('INTERSECT');
    h.processElement({ a: 1 }, 1, L);
    h.processElement({ a: 1 }, 2, L);
    h.processElement({ a: 2 }, 3, R);
    h.processElement({ a: 1 }, 4, R);
    expect(changes(h)).toEqual(['+I {"a":1}']);
  });

  it('batch mode emits the final rows once, when the input ends, insert-only', async () => {
    const h = await setOp('EXCEPT ALL', { batch: true });
    h.processElement({ a: 1 }, 1, L);
    h.processElement({ a: 1 }, 2, L);
    h.processElement({ a: 2 }, 3, L);
    h.processElement({ a: 1 }, 4, R);
    h.processElement({ a: 2 }, 5, R);
    expect(changes(h)).toEqual([]);
    await h.endInput();
    expect(changes(h)).toEqual(['+I {"a":1}']);
  });

  it('with a TTL, counts not written for that long expire; a retraction of an expired row takes nothing', async () => {
    const h = await setOp('EXCEPT', { ttl: 1000 });
    h.processElement({ a: 1 }, 1, L);
    h.advanceProcessingTime(1500);
    h.processElement({ a: 1 }, 2, R); // the left count expired: nothing to take back
    h.processElement({ a: 1 }, 3, R, D);
    h.processElement({ a: 1 }, 4, R, D); // below zero: ignored
    h.processElement({ a: 1 }, 5, L);
    expect(changes(h)).toEqual(['+I {"a":1}', '+I {"a":1}']);
  });
});

describe('sqlSemiJoin changelog', () => {
  it('semi join: outer rows pass while the subquery holds their key', async () => {
    const h = await semiJoin('semi');
    h.processElement({ x: 1, tag: 'a' }, 1, L);
    h.processElement({ y: 1 }, 2, R);
    h.processElement({ y: 1 }, 3, R);
    h.processElement({ x: 1, tag: 'b' }, 4, L);
    h.processElement({ y: 1 }, 5, R, D);
    h.processElement({ y: 1 }, 6, R, D);
    h.processElement({ x: null, tag: 'n' }, 7, L);
    expect(changes(h)).toEqual(['+I {"x":1,"tag":"a"}', '+I {"x":1,"tag":"b"}', '-D {"x":1,"tag":"a"}', '-D {"x":1,"tag":"b"}']);
  });

  it('anti join: outer rows pass while the subquery holds none of their key; a NULL key always passes', async () => {
    const h = await semiJoin('anti');
    h.processElement({ x: 1, tag: 'a' }, 1, L);
    h.processElement({ x: null, tag: 'n' }, 2, L);
    h.processElement({ y: 1 }, 3, R);
    h.processElement({ x: 1, tag: 'a' }, 4, L, D);
    h.processElement({ y: 1 }, 5, R, D);
    expect(changes(h)).toEqual(['+I {"x":1,"tag":"a"}', '+I {"x":null,"tag":"n"}', '-D {"x":1,"tag":"a"}']);
  });

  it('null-aware NOT IN: a NULL in the subquery takes every row back; emptiness lets every row pass', async () => {
    const h = await semiJoin('nullAwareAnti');
    h.processElement({ x: 1, tag: 'a' }, 1, L);
    h.processElement({ x: null, tag: 'n' }, 2, L);
    h.processElement({ y: 2 }, 3, R); // not empty: the NULL row is unknown, 1 passes
    h.processElement({ y: null }, 4, R); // a NULL in the subquery: 1 is unknown too
    h.processElement({ y: null }, 5, R, D);
    h.processElement({ y: 1 }, 6, R);
    h.processElement({ y: 2 }, 7, R, D);
    h.processElement({ y: 1 }, 8, R, D); // empty again: both pass
    expect(changes(h)).toEqual([
      '+I {"x":1,"tag":"a"}',
      '+I {"x":null,"tag":"n"}',
      '-D {"x":null,"tag":"n"}',
      '-D {"x":1,"tag":"a"}',
      '+I {"x":1,"tag":"a"}',
      '-D {"x":1,"tag":"a"}',
      '+I {"x":1,"tag":"a"}',
      '+I {"x":null,"tag":"n"}',
    ]);
  });

  it('batch mode emits the passing rows once, when the input ends', async () => {
    const h = await semiJoin('nullAwareAnti', { batch: true });
    h.processElement({ x: 1, tag: 'a' }, 1, L);
    h.processElement({ x: 2, tag: 'b' }, 2, L);
    h.processElement({ y: 2 }, 3, R);
    expect(changes(h)).toEqual([]);
    await h.endInput();
    expect(changes(h)).toEqual(['+I {"x":1,"tag":"a"}']);
  });

  it('with a TTL, a key not written for that long expires', async () => {
    const h = await semiJoin('semi', { ttl: 1000 });
    h.processElement({ x: 1, tag: 'a' }, 1, L);
    h.advanceProcessingTime(1500);
    h.processElement({ y: 1 }, 2, R);
    h.processElement({ y: 1 }, 3, R, D);
    h.processElement({ y: 1 }, 4, R, D); // below zero: ignored
    h.processElement({ x: 1, tag: 'b' }, 5, L);
    h.processElement({ y: 1 }, 6, R);
    expect(changes(h)).toEqual(['+I {"x":1,"tag":"b"}']);
  });
});
