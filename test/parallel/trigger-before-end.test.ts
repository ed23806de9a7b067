import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { StreamEnvironment, blackhole } from '../../src/index.js';
import type { TaskRef } from '../../src/runtime/attempt.js';
import { JobAttempt } from '../../src/runtime/job-attempt.js';

/**
 * Two slots of one job in this thread, joined by a real MessageChannel, so the test decides what a
 * checkpoint trigger races with: both sources finish, and each slot's keyed subtask has heard the
 * end of its local input but not yet the end of the other slot's (it is still in the port).
 */
describe('a checkpoint triggered while the end of input is still crossing between slots', () => {
  it('is taken by every subtask when its last input ends without a barrier', async () => {
    const env = StreamEnvironment.create({ parallelism: 2, checkpoints: { interval: '1h' } });
    env
      .fromElements<number>()
      .uid('numbers')
      .keyBy((v) => v % 7)
      .map((v) => v)
      .uid('keyed')
      .sinkTo(blackhole());
    const { graph } = env;
    const config = env.getConfig();
    const { port1, port2 } = new MessageChannel();
    const { port1: control } = new MessageChannel();
    const acks: { id: number; task: TaskRef }[] = [];
    const listener = { acknowledge: (id: number, task: TaskRef) => acks.push({ id, task }) };
    let start!: () => void;
    const started = new Promise<void>((r) => (start = r));
    const slots = [0, 1].map(
      (slot) =>
        new JobAttempt(graph, config, listener, undefined, {
          slot,
          slots: 2,
          peers: slot === 0 ? [undefined, port1] : [port2, undefined],
          control,
          restorePath: undefined,
          allowNonRestoredState: false,
        }),
    );
    let opened = 0;
    const runs = slots.map((a) => a.run(() => ++opened === 2 && start(), undefined, started));
    await started;
    const sources = slots.map((a) => a.all.find((s) => s.info.uid === 'numbers')!);
    await Promise.all(sources.map((s) => s.ended));
    // Both sources have finished; the end of input each sent to the other slot has not arrived.
    const keyed = slots.map((a) => a.all.find((s) => s.info.uid === 'keyed')!);
    expect(keyed.map((s) => s.inputsEnded)).toEqual([false, false]);
    for (const a of slots) a.triggerCheckpoint(1, false);
    await Promise.all(runs);
    const acked = acks.filter((a) => a.id === 1).map((a) => `${a.task.uid}#${a.task.index}`);
    expect(acked.sort()).toEqual(slots.flatMap((a) => a.all.map((s) => `${s.info.uid}#${s.info.index}`)).sort());
    port1.close();
    control.close();
  });
});
