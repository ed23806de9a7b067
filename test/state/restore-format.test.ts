import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { listState, mapState, reducingState, stateTtl, valueState } from '../../src/core/state.js';
import type { KeyedStateSnapshot } from '../../src/runtime/state/heap-keyed-state-backend.js';
import { keyedBackends } from './keyed-backends.js';

type Backend = ReturnType<(typeof keyedBackends)[number]['create']>;

const all = () => true;

function write(b: Backend, ttl: ReturnType<typeof stateTtl> | undefined): void {
  b.setCurrentKey('k');
  b.getState(valueState<string>('v', { ttl })).update('value');
  b.getListState(listState<number>('l', { ttl })).update([1, 2]);
  b.getMapState(mapState<string, number>('m', { ttl })).put('a', 1);
  b.getReducingState(reducingState<number>('r', (x, y) => x + y, { ttl })).add(5);
}

function read(b: Backend, ttl: ReturnType<typeof stateTtl> | undefined) {
  b.setCurrentKey('k');
  return {
    v: b.getState(valueState<string>('v', { ttl })).value(),
    l: b.getListState(listState<number>('l', { ttl })).get(),
    m: [...b.getMapState(mapState<string, number>('m', { ttl })).entries()],
    r: b.getReducingState(reducingState<number>('r', (x, y) => x + y, { ttl })).get(),
  };
}

const roundTrip = (s: KeyedStateSnapshot): KeyedStateSnapshot => structuredClone(s);

describe.each(keyedBackends)('restoring state written with other settings ($name backend)', (kb) => {
  const expected = { v: 'value', l: [1, 2], m: [['a', 1]], r: 5 };

  it('TTL turned on after the snapshot: restored values are stamped with the restore time', () => {
    const clock = new ManualClock(1000);
    const before = kb.create(clock, 16);
    write(before, undefined);
    const after = kb.create(clock, 16);
    after.restore([roundTrip(before.snapshot())], all);
    const ttl = stateTtl(100);
    expect(read(after, ttl)).toEqual(expected);
    clock.advance(100);
    expect(read(after, ttl)).toEqual({ v: undefined, l: [], m: [], r: undefined });
  });

  it('TTL turned off after the snapshot: restored values lose their stamps', () => {
    const clock = new ManualClock(0);
    const before = kb.create(clock, 16);
    write(before, stateTtl('1h'));
    const after = kb.create(clock, 16);
    after.restore([roundTrip(before.snapshot())], all);
    expect(read(after, undefined)).toEqual(expected);
  });

  it('the same settings restore as they were, across a snapshot of a restored but unused state', () => {
    const clock = new ManualClock(0);
    const ttl = stateTtl('1h');
    const first = kb.create(clock, 16);
    write(first, ttl);
    const idle = kb.create(clock, 16);
    idle.restore([roundTrip(first.snapshot())], all);
    const last = kb.create(clock, 16);
    last.restore([roundTrip(idle.snapshot())], all);
    expect(read(last, ttl)).toEqual(expected);
  });

  it('a state restored as one type and requested as another names the state and both types', () => {
    const clock = new ManualClock(0);
    const before = kb.create(clock, 16);
    write(before, undefined);
    const after = kb.create(clock, 16);
    after.restore([roundTrip(before.snapshot())], all);
    expect(() => after.getMapState(mapState<string, number>('l'))).toThrow(/State 'l' was restored as list state and cannot be used as map state/);
  });
});
