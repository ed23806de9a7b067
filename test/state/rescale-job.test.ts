import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CollectSink, ManualClock, StreamEnvironment, keyGroupFor, valueState, type ValueState } from '../../src/index.js';
import { subtaskForKeyGroup } from '../../src/core/key-group.js';
import { FsCheckpointStorage } from '../../src/runtime/checkpoint/checkpoint-storage.js';
import { slowCounter } from '../checkpoint/slow-counter-source.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const FAR = 1e12;

/** Counts records per key (value % 7) and keeps one event-time and one processing-time timer per key, far in the future. */
function job(env: StreamEnvironment, count: number, parallelism: number, out: CollectSink<string>): void {
  env
    .fromSource(slowCounter(count, 10, 1))
    .uid('source')
    .keyBy((v) => v % 7)
    .process<string>({
      open(ctx) {
        Object.assign(this, { n: ctx.state.getState(valueState<number>('n', { defaultValue: 0 })), subtask: ctx.subtaskIndex });
      },
      processElement(_v, ctx) {
        const n = (this as unknown as { n: ValueState<number> }).n;
        n.update(n.value()! + 1);
        ctx.timerService().registerEventTimeTimer(FAR);
        ctx.timerService().registerProcessingTimeTimer(FAR);
      },
      onTimer(_ts, ctx, o) {
        const self = this as unknown as { n: ValueState<number>; subtask: number };
        o.collect(`${ctx.getCurrentKey()} ${ctx.timeDomain()} n=${self.n.value()} subtask=${self.subtask}`);
      },
    })
    .uid('counter')
    .setParallelism(parallelism)
    .sinkTo(out);
}

describe('keyed state and timers through a savepoint and a parallelism change', () => {
  it('each key keeps its count and its timers, in the subtask that owns its key group', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-rescale-'));
    dirs.push(dir);
    const env = StreamEnvironment.create({ clock: new ManualClock(0), 'execution.checkpointing.interval': '1h', 'state.checkpoints.dir': dir });
    const first = new CollectSink<string>();
    job(env, 100_000, 2, first);
    const client = env.executeAsync('rescale-v1');
    await new Promise((r) => setTimeout(r, 100));
    const path = await client.triggerSavepoint();
    await client.cancel();
    expect(first.values).toEqual([]); // the timers lie far ahead
    const saved = await FsCheckpointStorage.load(path);
    const pos = (saved.states.find((s) => s.operator === 'source')!.state as { source: number }).source;
    expect(pos).toBeGreaterThan(7);

    // Version 2 runs with 3 subtasks and no new input: the end of input fires every restored timer.
    const env2 = StreamEnvironment.create({ clock: new ManualClock(0), restore: { path } });
    const second = new CollectSink<string>();
    job(env2, pos, 3, second);
    await env2.execute('rescale-v2');
    const expected = [];
    for (let key = 0; key < 7; key++) {
      const n = Math.floor((pos - 1 - key) / 7) + 1;
      const subtask = subtaskForKeyGroup(128, 3, keyGroupFor(key, 128));
      expected.push(`${key} EVENT_TIME n=${n} subtask=${subtask}`, `${key} PROCESSING_TIME n=${n} subtask=${subtask}`);
    }
    expect(second.values.slice().sort()).toEqual(expected.sort());
  });
});
