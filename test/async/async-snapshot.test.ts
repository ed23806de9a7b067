import { describe, expect, it } from 'vitest';
import { asyncFunctionOf, type Operator } from '../../src/index.js';
import { OperatorHarness } from '../../src/testing/index.js';
import { createOperator } from '../../src/runtime/operators/create-operator.js';

function asyncOperator(fn: (x: number) => Promise<number>, ordered: boolean): Operator<unknown> {
  return createOperator({ kind: 'asyncWait', params: { fn: asyncFunctionOf(fn), ordered, timeout: 0, capacity: 10, retry: undefined } });
}

describe('async I/O state', () => {
  it('records in flight at a snapshot are requested again after a restore, in their order', async () => {
    const never = () => new Promise<number>(() => {});
    const first = asyncOperator((x) => (x === 1 ? Promise.resolve(10) : never()), true);
    const h1 = await OperatorHarness.forOperator<number, number>(first);
    h1.processElement(1, 100);
    h1.processElement(2, 200);
    h1.processElement(3, 300);
    await new Promise((r) => setImmediate(r));
    expect(h1.values()).toEqual([10]);
    const snapshot = first.snapshotState!(1);
    await h1.close();

    const seen: number[] = [];
    const second = asyncOperator(async (x) => {
      seen.push(x);
      return x * 10;
    }, true);
    await second.restoreState!(structuredClone(snapshot));
    const h2 = await OperatorHarness.forOperator<number, number>(second);
    h2.processElement(4, 400);
    await h2.endInput();
    expect(seen).toEqual([2, 3, 4]);
    expect(h2.output()).toEqual([
      { value: 20, timestamp: 200 },
      { value: 30, timestamp: 300 },
      { value: 40, timestamp: 400 },
    ]);
  });

  it('holds a watermark until the records before it are out (unordered), then forwards it', async () => {
    let release!: (v: number) => void;
    const op = asyncOperator((x) => (x === 1 ? new Promise<number>((r) => (release = r)) : Promise.resolve(x)), false);
    const h = await OperatorHarness.forOperator<number, number>(op);
    h.processElement(1, 1);
    h.processElement(2, 2);
    h.processWatermark(5);
    h.processElement(3, 6);
    await new Promise((r) => setImmediate(r));
    // 2 overtakes 1 within the first segment; 3 waits behind the watermark, which waits for 1.
    expect(h.values()).toEqual([2]);
    expect(h.watermarks()).toEqual([]);
    release(1);
    await new Promise((r) => setImmediate(r));
    expect(h.values()).toEqual([2, 1, 3]);
    expect(h.watermarks()).toEqual([5]);
  });
});
