import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/index.js';
import { CheckpointCoordinator, type TaskAck, type TaskRef } from '../../src/runtime/checkpoint/checkpoint-coordinator.js';

// Two subtasks of one operator; every acknowledgement below builds its reference afresh, as one
// that arrives from a slot worker does.
const task = (uid: string, index: number): TaskRef => ({ uid, index, parallelism: 2 });

function harness(config: Partial<{ interval: number; timeout: number; minPause: number; tolerableFailures: number }> = {}) {
  const clock = new ManualClock(0);
  const triggered: number[] = [];
  const completed: number[] = [];
  const aborted: number[] = [];
  const failures: unknown[] = [];
  let persistFails = false;
  const persisted: TaskAck[][] = [];
  const c = new CheckpointCoordinator(
    { interval: 100, timeout: 50, minPause: 0, tolerableFailures: 0, ...config },
    {
      clock,
      triggerSources: (id) => triggered.push(id),
      expectedTasks: () => [task('op', 0), task('op', 1)],
      persist: async (id, _savepoint, acks) => {
        if (persistFails) throw new Error('disk full');
        persisted.push(acks);
        return { path: `/cp/chk-${id}`, sizeBytes: 10 };
      },
      notifyComplete: (id) => completed.push(id),
      notifyAborted: (id) => aborted.push(id),
      failJob: (e) => failures.push(e),
    },
  );
  const ack = (id: number, index: number, uid = 'op'): void => c.acknowledge(id, { task: task(uid, index), state: new Uint8Array([index]), alignmentMs: 1, syncMs: 1 });
  return { c, clock, triggered, completed, aborted, failures, persisted, ack, setPersistFails: (v: boolean) => (persistFails = v) };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('CheckpointCoordinator', () => {
  it('triggers on the interval and completes when every task acknowledged', async () => {
    const h = harness();
    h.c.start();
    h.clock.advance(100);
    expect(h.triggered).toEqual([1]);
    h.ack(1, 0);
    h.ack(1, 0); // duplicate ack counts once
    await flush();
    expect(h.completed).toEqual([]);
    h.ack(1, 1);
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
    h.ack(2, 0);
    h.clock.advance(50);
    expect(h.aborted).toEqual([1, 2]);
    expect(String(h.failures[0])).toContain('Checkpoint 2 failed: timed out');
    // The reason names the subtasks that never acknowledged.
    expect(String(h.failures[0])).toContain('acknowledged by 1 of 2 subtasks (waiting for op#1)');
  });

  it('keeps the min pause between the end of one checkpoint and the next', async () => {
    const h = harness({ interval: 10, minPause: 40, timeout: 1000 });
    h.c.start();
    h.clock.advance(10);
    h.ack(1, 0);
    h.ack(1, 1);
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
    h.ack(1, 0);
    h.ack(1, 1);
    await flush();
    expect(h.aborted).toEqual([1]);
    expect(h.c.history[0]!.failure).toContain('disk full');
    expect(h.triggered).toEqual([1, 2]);
    h.setPersistFails(false);
    h.ack(2, 0);
    h.ack(2, 1);
    await expect(sp).resolves.toMatchObject({ id: 2, savepoint: true, status: 'COMPLETED' });
  });

  it('matches acknowledgements by task reference, not by object, and hands them to storage with it', async () => {
    const h = harness();
    h.c.start();
    h.clock.advance(100);
    h.ack(1, 0);
    h.ack(1, 0); // an equal reference from a second message is the same subtask
    await flush();
    expect(h.completed).toEqual([]);
    h.ack(1, 1);
    await flush();
    expect(h.completed).toEqual([1]);
    expect(h.persisted[0]!.map((a) => [a.task, [...a.state]])).toEqual([
      [task('op', 0), [0]],
      [task('op', 1), [1]],
    ]);
  });

  it('aborts a checkpoint acknowledged by a subtask it does not expect', async () => {
    const h = harness({ tolerableFailures: 5 });
    h.c.start();
    h.clock.advance(100);
    h.ack(1, 0);
    h.ack(1, 0, 'other');
    h.ack(1, 1);
    await flush();
    expect(h.completed).toEqual([]);
    expect(h.aborted).toEqual([1]);
    expect(h.c.history[0]!.failure).toBe('acknowledged by other#0, a subtask it does not expect');
  });
});
