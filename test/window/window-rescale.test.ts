import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CollectSink,
  EventTimeSessionWindows,
  ManualClock,
  SlidingEventTimeWindows,
  StreamEnvironment,
  WatermarkStrategy,
  count,
  type DataStream,
} from '../../src/index.js';
import { FsCheckpointStorage } from '../../src/runtime/checkpoint/checkpoint-storage.js';
import { slowCounter } from '../checkpoint/slow-counter-source.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const COUNT = 3000;

/** Event time v % 50: no window can fire before the input ends, so all results come from restored state plus the rest of the input. */
function job(env: StreamEnvironment, parallelism: number, out: CollectSink<string>): void {
  const keyed = env
    .fromSource(
      slowCounter(COUNT, 10, 1),
      WatermarkStrategy.monotonousTimestamps<number>((v) => v % 50),
    )
    .uid('source')
    .keyBy((v) => v % 7);
  const sliding: DataStream<string> = keyed
    .window(SlidingEventTimeWindows.of(100, 50))
    .aggregate(count(), (k, w, [n]) => [`sliding ${k}@${w.start}:${n}`])
    .uid('sliding')
    .setParallelism(parallelism);
  const sessions = keyed
    .window(EventTimeSessionWindows.withGap(10))
    .aggregate(count(), (k, w, [n]) => [`session ${k}[${w.start},${w.end}):${n}`])
    .uid('sessions')
    .setParallelism(parallelism);
  sliding.union(sessions).sinkTo(out);
}

describe('window state through a savepoint and a parallelism change', () => {
  it('sliced and session windows continue from a savepoint taken at parallelism 2, restored at 3', async () => {
    const reference = new CollectSink<string>();
    const env0 = StreamEnvironment.create({ clock: new ManualClock(0) });
    job(env0, 1, reference);
    await env0.execute('reference');
    expect(reference.values.length).toBe(7 * 2 + 7); // windows [-50,50) and [0,100), one session per key

    const dir = mkdtempSync(join(tmpdir(), 'weir-window-rescale-'));
    dirs.push(dir);
    const env = StreamEnvironment.create({ clock: new ManualClock(0), 'execution.checkpointing.interval': '1h', 'state.checkpoints.dir': dir });
    const first = new CollectSink<string>();
    job(env, 2, first);
    const client = env.executeAsync('windows-v1');
    await new Promise((r) => setTimeout(r, 60));
    const path = await client.triggerSavepoint();
    await client.cancel();
    expect(first.values).toEqual([]);
    const saved = await FsCheckpointStorage.load(path);
    const pos = (saved.states.find((s) => s.operator === 'source')!.state as { source: number }).source;
    expect(pos).toBeGreaterThan(7);
    expect(pos).toBeLessThan(COUNT);

    const env2 = StreamEnvironment.create({ clock: new ManualClock(0), restore: { path } });
    const second = new CollectSink<string>();
    job(env2, 3, second);
    await env2.execute('windows-v2');
    expect(second.values.slice().sort()).toEqual(reference.values.slice().sort());
  });
});
