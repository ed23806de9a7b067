import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/index.js';
import { CheckpointCoordinator, type TaskAck } from '../../src/runtime/checkpoint/checkpoint-coordinator.js';

function harness(config: Partial<{ interval: number; timeout: number; minPause: number; tolerableFailures: number }> = {}) {
  const clock = new ManualClock(0);
  const triggered: number[] = [];
  const completed: number[] = [];
  const aborted: number[] = [];
  const failures: unknown[] = [];
  let persistFails = false;
  const c = new CheckpointCoordinator(
    { interval: 100, timeout: 50, minPause: 0, tolerableFailures: 0, ...config },
    {
      clock,
      triggerSources: (id) => triggered.push(id),
      expectedTasks: () => ['a', 'b'],
      persist: async (id) => {
        if (persistFails) throw new Error('disk full');
        return { path: `/cp/chk-${id}`, sizeBytes: 10 };
      },
      notifyComplete: (id) => completed.push(id),
      notifyAborted: (id) => aborted.push(id),
      failJob: (e) => failures.push(e),
    },
  );
  const ack = (id: number, task: string): void => c.acknowledge(id, { task, state: null, alignmentMs: 1, syncMs: 1 } satisfies TaskAck);
  return { c, clock, triggered, completed, aborted, failures, ack, setPersistFails: (v: boolean) => (persistFails = v) };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('CheckpointCoordinator', () => {
  it('triggers on the interval and completes when every task acknowledged', async () => {
    const h = harness();
    h.c.start();
    h.clock.advance(100);
    expect(h.triggered).toEqual([1]);
    h.ack(1, 'a');
    h.ack(1, 'a'); // duplicate ack counts once
    await flush();
    expect(h.completed).toEqual([]);
    h.ack(1, 'b');
    await flush();
    expect(h.completed).toEqual([1]);
    expect(h.c.history[0]).toMatchObject({ id: 1, status: 'COMPLETED', path: '/cp/chk-1' });
    h.clock.advance(100);
    expect(h.triggered).toEqual([1, 2]);
  });

  it('aborts on timeout and fails the job past the tolerable failures', async () => {
    const h = harness({ tolerableFailures: 1 });
    h.c.start();
    h.clock.advance(100);
    h.clock.advance(50);
    expect(h.aborted).toEqual([1]);
    expect(h.failures).toHaveLength(0);
    h.clock.advance(50);
    expect(h.triggered).toEqual([1, 2]);
    h.ack(2, 'a');
    h.clock.advance(50);
    expect(h.aborted).toEqual([1, 2]);
    expect(String(h.failures[0])).toContain('Checkpoint 2 failed: timed out');
    // The reason names the subtasks that never acknowledged.
    expect(String(h.failures[0])).toContain('acknowledged by 1 of 2 subtasks (waiting for b)');
  });

  it('keeps the min pause between the end of one checkpoint and the next', async () => {
    const h = harness({ interval: 10, minPause: 40, timeout: 1000 });
    h.c.start();
    h.clock.advance(10);
    h.ack(1, 'a');
    h.ack(1, 'b');
    await flush();
    h.clock.advance(39);
    expect(h.triggered).toEqual([1]);
    h.clock.advance(1);
    expect(h.triggered).toEqual([1, 2]);
  });

  it('a failed write aborts the checkpoint; a savepoint request waits for the pending one', async () => {
    const h = harness({ tolerableFailures: 5 });
    h.c.start();
    h.clock.advance(100);
    const sp = h.c.trigger(true);
    h.setPersistFails(true);
    h.ack(1, 'a');
    h.ack(1, 'b');
    await flush();
    expect(h.aborted).toEqual([1]);
    expect(h.c.history[0]!.failure).toContain('disk full');
    expect(h.triggered).toEqual([1, 2]);
    h.setPersistFails(false);
    h.ack(2, 'a');
    h.ack(2, 'b');
    await expect(sp).resolves.toMatchObject({ id: 2, savepoint: true, status: 'COMPLETED' });
  });
});
