import { describe, expect, it, beforeEach } from 'vitest';
import { applyV8HeapTuning, resetV8HeapTuningForTests } from '../../src/runtime/v8-heap-tuning.js';
import { StreamEnvironment } from '../../src/index.js';

describe('V8 heap tuning', () => {
  beforeEach(() => resetV8HeapTuningForTests());

  it('turns allocation-site pretenuring off once per process', () => {
    const calls: string[] = [];
    expect(applyV8HeapTuning({}, (f) => calls.push(f))).toBe(true);
    expect(applyV8HeapTuning({}, (f) => calls.push(f))).toBe(false);
    expect(calls).toEqual(['--no-allocation-site-pretenuring']);
  });

  it('leaves V8 alone when the job keeps pretenuring', () => {
    const calls: string[] = [];
    expect(applyV8HeapTuning({ allocationSitePretenuring: true }, (f) => calls.push(f))).toBe(false);
    expect(calls).toEqual([]);
    expect(applyV8HeapTuning({ allocationSitePretenuring: false }, (f) => calls.push(f))).toBe(true);
    expect(calls).toEqual(['--no-allocation-site-pretenuring']);
  });

  it('rejects a value that is not a boolean, naming the key', () => {
    expect(() => StreamEnvironment.create({ 'weir.v8.allocation-site-pretenuring': 'sometimes' })).toThrow(
      /weir.v8.allocation-site-pretenuring: 'sometimes' is not true or false/,
    );
    expect(() => StreamEnvironment.create({ allocationSitePretenuring: true })).not.toThrow();
  });
});
