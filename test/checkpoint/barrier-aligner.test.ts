import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BarrierAligner } from '../../src/runtime/checkpoint/barrier-aligner.js';

describe('BarrierAligner', () => {
  it('exactly-once blocks channels that delivered the barrier until all have', () => {
    const a = new BarrierAligner(3, 'EXACTLY_ONCE');
    expect(a.onBarrier(1, 1).result).toBe('waiting');
    expect(a.isBlocked(1)).toBe(true);
    expect(a.isBlocked(0)).toBe(false);
    expect(a.onBarrier(0, 1).result).toBe('waiting');
    expect(a.onBarrier(2, 1).result).toBe('complete');
    expect(a.isBlocked(1)).toBe(false);
  });

  it('at-least-once never blocks but completes on the last barrier', () => {
    const a = new BarrierAligner(2, 'AT_LEAST_ONCE');
    expect(a.onBarrier(0, 1).result).toBe('waiting');
    expect(a.isBlocked(0)).toBe(false);
    expect(a.onBarrier(1, 1).result).toBe('complete');
  });

  it('an ended channel no longer has to deliver barriers', () => {
    const a = new BarrierAligner(2, 'EXACTLY_ONCE');
    a.onBarrier(0, 5);
    expect(a.onEnd(1)).toBe(true);
    expect(a.onBarrier(0, 6).result).toBe('complete');
  });

  it('a newer barrier abandons the pending checkpoint; older ones are ignored', () => {
    const a = new BarrierAligner(2, 'EXACTLY_ONCE');
    a.onBarrier(0, 1);
    const r = a.onBarrier(1, 2);
    expect(r).toEqual({ result: 'waiting', abandoned: 1 });
    expect(a.onBarrier(0, 1).result).toBe('ignored');
    expect(a.onBarrier(0, 2).result).toBe('complete');
  });

  it('barriers of a completed or older checkpoint are ignored and block nothing', () => {
    const a = new BarrierAligner(2, 'EXACTLY_ONCE');
    a.onBarrier(0, 3);
    expect(a.onBarrier(1, 3).result).toBe('complete');
    expect(a.onBarrier(0, 3)).toStrictEqual({ result: 'ignored' });
    expect(a.onBarrier(1, 2)).toStrictEqual({ result: 'ignored' });
    expect(a.pendingCheckpoint).toBe(-1);
    expect(a.isBlocked(0)).toBe(false);
    // A pending checkpoint ignores an older one without abandoning itself.
    a.onBarrier(0, 5);
    expect(a.onBarrier(1, 4)).toStrictEqual({ result: 'ignored' });
    expect(a.pendingCheckpoint).toBe(5);
    expect(a.isBlocked(1)).toBe(false);
  });

  it('a barrier repeated on one channel does not stand in for another channel', () => {
    const a = new BarrierAligner(2, 'EXACTLY_ONCE');
    expect(a.onBarrier(0, 1)).toStrictEqual({ result: 'waiting' });
    expect(a.onBarrier(0, 1)).toStrictEqual({ result: 'waiting' });
    expect(a.isBlocked(0)).toBe(true);
    expect(a.onBarrier(1, 1)).toStrictEqual({ result: 'complete' });
  });

  it('checkpoint 0 blocks like any other (pending means id >= 0)', () => {
    const a = new BarrierAligner(2, 'EXACTLY_ONCE');
    expect(a.onBarrier(0, 0).result).toBe('waiting');
    expect(a.pendingCheckpoint).toBe(0);
    expect(a.isBlocked(0)).toBe(true);
    expect(a.isBlocked(1)).toBe(false);
    expect(a.onBarrier(1, 0).result).toBe('complete');
    expect(a.isBlocked(0)).toBe(false);

    const b = new BarrierAligner(2, 'EXACTLY_ONCE');
    b.onBarrier(0, 0);
    expect(b.onBarrier(1, 1)).toStrictEqual({ result: 'waiting', abandoned: 0 });
    const c = new BarrierAligner(2, 'EXACTLY_ONCE');
    c.onBarrier(0, 0);
    expect(c.onEnd(1)).toBe(true);
  });

  it('abandoning a checkpoint unblocks the channels that delivered only its barrier', () => {
    const a = new BarrierAligner(3, 'EXACTLY_ONCE');
    a.onBarrier(0, 1);
    a.onBarrier(1, 1);
    expect(a.onBarrier(2, 2)).toStrictEqual({ result: 'waiting', abandoned: 1 });
    expect([a.isBlocked(0), a.isBlocked(1), a.isBlocked(2)]).toEqual([false, false, true]);
    expect(a.pendingCheckpoint).toBe(2);
  });

  it('channels ending with no checkpoint pending complete nothing', () => {
    const a = new BarrierAligner(2, 'EXACTLY_ONCE');
    expect(a.onEnd(0)).toBe(false);
    expect(a.onEnd(1)).toBe(false);
    expect(a.pendingCheckpoint).toBe(-1);
  });

  it('an ended channel completes a pending checkpoint only when it was the last one missing', () => {
    const a = new BarrierAligner(3, 'EXACTLY_ONCE');
    a.onBarrier(0, 1);
    expect(a.onEnd(1)).toBe(false);
    expect(a.pendingCheckpoint).toBe(1);
    expect(a.onEnd(2)).toBe(true);
    expect(a.pendingCheckpoint).toBe(-1);
    expect(a.isBlocked(0)).toBe(false);
    // Later checkpoints need only the open channel.
    expect(a.onBarrier(0, 2)).toStrictEqual({ result: 'complete' });
  });

  it('property: each checkpoint completes exactly when its last open channel delivers it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), (channels, orderSeed) => {
        const a = new BarrierAligner(channels, 'EXACTLY_ONCE');
        for (let id = 1; id <= 3; id++) {
          const order = Array.from({ length: channels }, (_, i) => i).sort(
            (x, y) => ((orderSeed[x % orderSeed.length]! + x * id) % 7) - ((orderSeed[y % orderSeed.length]! + y * id) % 7),
          );
          order.forEach((ch, i) => {
            const r = a.onBarrier(ch, id);
            expect(r.result).toBe(i === order.length - 1 ? 'complete' : 'waiting');
            // Exactly-once: delivered channels are blocked until completion.
            if (i < order.length - 1) for (const done of order.slice(0, i + 1)) expect(a.isBlocked(done)).toBe(true);
          });
          for (let c = 0; c < channels; c++) expect(a.isBlocked(c)).toBe(false);
        }
      }),
    );
  });
});
