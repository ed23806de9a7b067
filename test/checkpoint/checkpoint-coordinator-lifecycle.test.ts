import { describe, expect, it } from 'vitest';
import { flush, harness } from './coordinator-harness.js';

describe('CheckpointCoordinator stop, idle and writes that outlive their checkpoint', () => {
  it('stop() rejects the pending checkpoint and the requests queued behind it, and every later request', async () => {
    const h = harness({ interval: 0 });
    const first = h.c.trigger();
    const queued = h.c.trigger(true);
    h.c.stop();
    await expect(first).rejects.toThrow('Checkpointing stopped');
    await expect(queued).rejects.toThrow('Checkpointing stopped');
    expect(h.c.pendingCheckpoint).toBeUndefined();
    await expect(h.c.trigger()).rejects.toThrow('Checkpointing is stopped');
    h.clock.advance(1000);
    expect(h.triggered).toEqual([1]);
    expect(h.aborted).toEqual([]);
    expect(h.c.history).toEqual([]);
  });

  it('stop() cancels the periodic trigger, and start() after stop() schedules none', () => {
    const h = harness({ interval: 100 });
    h.c.start();
    h.c.stop();
    h.clock.advance(1000);
    h.c.start();
    h.clock.advance(1000);
    expect(h.triggered).toEqual([]);
  });

  it('a write that finishes after stop() is neither completed nor aborted', async () => {
    for (const fails of [false, true]) {
      const h = harness({ interval: 0, manualWrites: true });
      h.c.trigger().catch(() => undefined);
      h.ack(1, 0);
      h.ack(1, 1);
      h.c.stop();
      if (fails) h.writes[0]!.reject(new Error('disk full'));
      else h.writes[0]!.resolve();
      await flush();
      expect([h.completed, h.aborted, h.failures, h.c.history]).toEqual([[], [], [], []]);
    }
  });

  it('the late write of an aborted checkpoint does not touch the one that follows it', async () => {
    for (const fails of [false, true]) {
      const h = harness({ interval: 0, manualWrites: true, tolerableFailures: 5 });
      h.c.trigger().catch(() => undefined);
      const next = h.c.trigger(true);
      h.ack(1, 0);
      h.ack(1, 1);
      // Checkpoint 1 is being written when a subtask it does not expect acknowledges it.
      h.ack(1, 0, { uid: 'other' });
      expect(h.aborted).toEqual([1]);
      expect(h.c.pendingCheckpoint).toBe(2);
      if (fails) h.writes[0]!.reject(new Error('disk full'));
      else h.writes[0]!.resolve();
      await flush();
      expect([h.completed, h.aborted, h.c.pendingCheckpoint, h.c.history.length]).toEqual([[], [1], 2, 1]);
      h.ack(2, 0);
      h.ack(2, 1);
      await flush();
      h.writes[1]!.resolve();
      await expect(next).resolves.toMatchObject({ id: 2, status: 'COMPLETED' });
    }
  });

  it('writes a checkpoint once when its acknowledgements arrive while its sources are triggered', async () => {
    const h = harness({
      onTrigger: (id, ack) => {
        ack(id, 0);
        ack(id, 1);
      },
    });
    await h.c.trigger();
    await flush();
    expect(h.persisted).toHaveLength(1);
    expect(h.completed).toEqual([1]);
  });

  it('idle() settles once the running write has, whether it succeeded or failed', async () => {
    for (const fails of [false, true]) {
      const h = harness({ interval: 0, manualWrites: true, tolerableFailures: 5 });
      await h.c.idle();
      h.c.trigger().catch(() => undefined);
      h.ack(1, 0);
      h.ack(1, 1);
      let idle = false;
      void h.c.idle().then(() => (idle = true));
      await flush();
      expect(idle).toBe(false);
      h.setPersistFails(fails);
      h.writes[0]!.resolve();
      await flush();
      expect(idle).toBe(true);
      expect(fails ? h.aborted : h.completed).toEqual([1]);
    }
  });
});
