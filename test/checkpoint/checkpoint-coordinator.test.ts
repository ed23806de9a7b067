import { describe, expect, it } from 'vitest';
import { flush, harness, task } from './coordinator-harness.js';

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
    h.ack(1, 0, { uid: 'other' });
    h.ack(1, 1);
    await flush();
    expect(h.completed).toEqual([]);
    expect(h.aborted).toEqual([1]);
    expect(h.c.history[0]!.failure).toBe('acknowledged by other#0, a subtask it does not expect');
  });

  it('trigger() starts a checkpoint at once when none is pending and resolves with its stats', async () => {
    const h = harness({ interval: 0, timeout: 1000 });
    h.clock.advance(20);
    const done = h.c.trigger();
    expect(h.triggered).toEqual([1]);
    expect(h.savepoints).toEqual([false]);
    expect(h.c.pendingCheckpoint).toBe(1);
    h.clock.advance(7);
    h.ack(1, 0, { alignmentMs: 3, syncMs: 5 });
    h.ack(1, 1, { alignmentMs: 7, syncMs: 2 });
    // The slowest subtask's alignment and synchronous part, each on its own.
    await expect(done).resolves.toStrictEqual({
      id: 1,
      savepoint: false,
      status: 'COMPLETED',
      triggeredAt: 20,
      durationMs: 7,
      sizeBytes: 10,
      alignmentMs: 7,
      syncMs: 5,
      path: '/cp/chk-1',
    });
    expect(h.c.history).toStrictEqual([await done]);
    expect(h.c.pendingCheckpoint).toBeUndefined();
  });

  it('passes the bytes per operator that storage reports into the stats', async () => {
    const h = harness({ stateBytesByOperator: { op: 2 } });
    const done = h.c.trigger(true);
    expect(h.savepoints).toEqual([true]);
    h.ack(1, 0);
    h.ack(1, 1);
    await expect(done).resolves.toMatchObject({ savepoint: true, stateBytesByOperator: { op: 2 } });
  });

  it('completes a checkpoint that waits for no subtask as soon as it is written', async () => {
    const h = harness({ tasks: [] });
    await expect(h.c.trigger()).resolves.toMatchObject({ id: 1, status: 'COMPLETED' });
    expect(h.persisted).toEqual([[]]);
  });

  it('numbers checkpoints from the first id it is given, failed ones included', async () => {
    const h = harness({ firstId: 7, interval: 0, tolerableFailures: 5 });
    const first = h.c.trigger();
    h.clock.advance(50);
    await expect(first).rejects.toThrow('Checkpoint 7 failed: timed out');
    const second = h.c.trigger();
    h.ack(8, 0);
    h.ack(8, 1);
    await expect(second).resolves.toMatchObject({ id: 8 });
    expect(h.triggered).toEqual([7, 8]);
  });

  it('with interval 0 checkpoints only on request', async () => {
    const h = harness({ interval: 0 });
    h.c.start();
    h.clock.advance(1000);
    expect(h.triggered).toEqual([]);
    const done = h.c.trigger();
    h.ack(1, 0);
    h.ack(1, 1);
    await done;
    h.clock.advance(1000);
    expect(h.triggered).toEqual([1]);
  });

  it('skips a periodic checkpoint that falls due while a requested one is pending, and counts the interval from that one', async () => {
    const h = harness({ interval: 100, timeout: 1000 });
    h.c.start();
    h.clock.advance(50);
    const sp = h.c.trigger(true);
    h.clock.advance(50);
    expect(h.triggered).toEqual([1]);
    h.ack(1, 0);
    h.ack(1, 1);
    await sp;
    h.clock.advance(49);
    expect(h.triggered).toEqual([1]);
    h.clock.advance(1);
    expect(h.triggered).toEqual([1, 2]);
    expect(h.savepoints).toEqual([true, false]);
  });

  it('ignores acknowledgements when nothing is pending and those for another checkpoint', async () => {
    const h = harness({ interval: 0, tolerableFailures: 5 });
    h.ack(1, 0);
    const first = h.c.trigger();
    h.clock.advance(50);
    await expect(first).rejects.toThrow('Checkpoint 1 failed');
    h.c.trigger().catch(() => undefined);
    // Late acknowledgements of checkpoint 1 do not stand in for those of checkpoint 2.
    h.ack(1, 0);
    h.ack(1, 1);
    await flush();
    expect(h.completed).toEqual([]);
    expect(h.c.pendingCheckpoint).toBe(2);
    h.ack(2, 0);
    h.ack(2, 1);
    await flush();
    expect(h.completed).toEqual([2]);
  });

  it('records a failed checkpoint with how long it ran and why', async () => {
    const h = harness({ interval: 0, tolerableFailures: 5 });
    h.clock.advance(30);
    h.c.trigger().catch(() => undefined);
    h.clock.advance(50);
    expect(h.c.history).toStrictEqual([
      {
        id: 1,
        savepoint: false,
        status: 'FAILED',
        triggeredAt: 30,
        durationMs: 50,
        sizeBytes: 0,
        alignmentMs: 0,
        syncMs: 0,
        failure: 'timed out after 50 ms, acknowledged by 0 of 2 subtasks (waiting for op#0, op#1)',
      },
    ]);
  });

  it('names at most eight missing subtasks when a checkpoint times out', async () => {
    const reasonFor = (parallelism: number): string | undefined => {
      const h = harness({ interval: 0, tolerableFailures: 5, tasks: Array.from({ length: parallelism }, (_, i) => task('op', i, parallelism)) });
      h.c.trigger().catch(() => undefined);
      h.ack(1, 1);
      h.clock.advance(50);
      return h.c.history[0]!.failure;
    };
    expect(reasonFor(9)).toBe('timed out after 50 ms, acknowledged by 1 of 9 subtasks (waiting for op#0, op#2, op#3, op#4, op#5, op#6, op#7, op#8)');
    expect(reasonFor(11)).toBe(
      'timed out after 50 ms, acknowledged by 1 of 11 subtasks (waiting for op#0, op#2, op#3, op#4, op#5, op#6, op#7, op#8, and 2 more)',
    );
  });

  it('fails the job only past the tolerable consecutive failures of checkpoints, not of savepoints', async () => {
    const h = harness({ interval: 0, tolerableFailures: 1 });
    const timeOut = (savepoint: boolean): void => {
      h.c.trigger(savepoint).catch(() => undefined);
      h.clock.advance(50);
    };
    timeOut(false);
    const ok = h.c.trigger();
    h.ack(2, 0);
    h.ack(2, 1);
    await ok;
    // The success started the count again.
    timeOut(false);
    timeOut(true);
    timeOut(true);
    expect(h.aborted).toEqual([1, 3, 4, 5]);
    expect(h.failures).toEqual([]);
    timeOut(false);
    expect(h.failures).toHaveLength(1);
    expect(String(h.failures[0])).toContain('Checkpoint 6 failed: timed out after 50 ms');
    expect(String(h.failures[0])).toContain('(more than 1 tolerable checkpoint failures)');
  });
});
