import { describe, expect, it } from 'vitest';
import { compilesOf, shapeOf } from '../../bench/jit-shapes.js';

// Lines as V8 (Node 20) prints them with --trace-turbo-inlining --trace-opt, a compiler thread's
// line interleaved with the main thread's as happens in real traces.
const trace = [
  '[marking 0x1 <JSFunction fillStepped (sfi = 0x2)> for optimization to TURBOFAN, ConcurrencyMode::kConcurrent, reason: hot and stable]',
  '[compiling method 0x1 <JSFunction fillStepped (sfi = 0x2)> (target TURBOFAN), mode: ConcurrencyMode::kConcurrent]',
  'Inlining 0x3 {0x4 <SharedFunctionInfo reset>} into 0x5 {0x2 <SharedFunctionInfo fillStepped>}',
  'Inlining 0x6 {0x7 <SharedFunctionInfo bid>} into 0x5 {0x2 <SharedFunctionInfo fillStepped>}',
  'Inlining 0x8 {0x9 <SharedFunctionInfo nextU30>} into 0xa {0xb <SharedFunctionInfo bid>}',
  '[completed optimizing 0x1 <JSFunction fillStepped (sfi = 0x2)> (target TURBOFAN)]',
  '[compiling method 0x1 <JSFunction fillStepped (sfi = 0x2)> (target TURBOFAN) OSR, mode: ConcurrencyMode::kConcurrent]',
  'Inlining 0xc {0xd <SharedFunctionInfo>} into 0x5 {0x2 <SharedFunctionInfo fillStepped>}',
  '[compiling method 0x1 <JSFunction fillStepped (sfi = 0x2)> (target TURBOFAN), mode: ConcurrencyMode::kConcurrent]',
  'Inlining 0xe {0xf <SharedFunctionInfo auction>} into 0x5 {0x2 <SharedFunctionInfo fillStepped>}',
].join('\n');

describe('jit-shapes trace reading', () => {
  it('lists what each compile of the function inlined into it, on-stack compiles marked, and nothing inlined elsewhere', () => {
    expect(compilesOf(trace, 'fillStepped')).toEqual([
      { osr: false, inlined: ['reset', 'bid'] },
      { osr: true, inlined: [''] },
      { osr: false, inlined: ['auction'] },
    ]);
    expect(compilesOf(trace, 'bid')).toEqual([]);
  });
});

describe('jit-shapes shape', () => {
  it('is the sorted inlined functions without the ones every loop inlines', () => {
    expect(shapeOf(['reset', 'apply', 'nextU30', 'nextPrice', 'nextU30'])).toBe('nextPrice nextU30 nextU30');
    expect(shapeOf(['reset', 'mix32'])).toBe('(none)');
  });

  it('a compile whose start line was lost: reset inlined again starts the next compile', () => {
    const merged = [
      '[compiling method 0x1 <JSFunction fillStepped (sfi = 0x2)> (target TURBOFAN), mode: ConcurrencyMode::kConcurrent]',
      'Inlining 0x3 {0x4 <SharedFunctionInfo reset>} into 0x5 {0x2 <SharedFunctionInfo fillStepped>}',
      'Inlining 0x3 {0x4 <SharedFunctionInfo nextU30>} into 0x5 {0x2 <SharedFunctionInfo fillStepped>}',
      'Inlining 0x3 {0x4 <SharedFunctionInfo apply>} into 0x5 {0x2 <SharedFunctionInfo fillStepped>}',
      'Inlining 0x3 {0x4 <SharedFunctionInfo reset>} into 0x5 {0x2 <SharedFunctionInfo fillStepped>}',
      'Inlining 0x3 {0x4 <SharedFunctionInfo nextPrice>} into 0x5 {0x2 <SharedFunctionInfo fillStepped>}',
    ].join('\n');
    expect(compilesOf(merged, 'fillStepped')).toEqual([
      { osr: false, inlined: ['reset', 'nextU30', 'apply'] },
      { osr: false, inlined: ['reset', 'nextPrice'] },
    ]);
  });
});
