import { describe, expect, it } from 'vitest';
import { StreamEnvironment, blackhole, sequence } from '../../src/index.js';

describe('a job cancelled before it started running', () => {
  it('ends CANCELED without starting its first attempt', async () => {
    const env = StreamEnvironment.create();
    // Endless without the cancel: the test would time out if the cancel were lost.
    env.fromSource(sequence(0, Number.MAX_SAFE_INTEGER)).sinkTo(blackhole<number>());
    const client = env.executeAsync('cancel-early');
    expect(client.status()).toBe('CREATED');
    const cancelled = client.cancel();
    await expect(client.result).rejects.toThrow(/cancelled/);
    await cancelled;
    expect(client.status()).toBe('CANCELED');
    expect(client.metrics().every((m) => m.recordsOut === 0)).toBe(true);
  });
});
