import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CountTrigger,
  EventTimeSessionWindows,
  SlidingEventTimeWindows,
  StreamEnvironment,
  WatermarkStrategy,
  sumOf,
  TumblingEventTimeWindows,
} from '../../src/index.js';
import { slowCounter } from '../checkpoint/slow-counter-source.js';
import { TransactionalMemorySink } from '../checkpoint/transactional-memory-sink.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Values 0..599 at event time v * 10, keyed by v % 5, through a sliced, a general and a session window. */
function build(env: StreamEnvironment, sink: TransactionalMemorySink<string>, failAt?: { value: number; times: number }, seen?: Map<number, number>) {
  const keyed = env
    .fromSource(slowCounter(600, 10, 1), WatermarkStrategy.monotonousTimestamps<number>())
    .map((v) => {
      seen?.set(v, (seen.get(v) ?? 0) + 1);
      if (failAt && v === failAt.value && failAt.times > 0) {
        failAt.times--;
        throw new Error(`injected failure at ${v}`);
      }
      return v;
    })
    .uid('fail-map')
    .keyBy((v) => v % 5);
  const sliced = keyed
    .window(SlidingEventTimeWindows.of(400, 100))
    .aggregate(sumOf(), (k, w, [s]) => [`sliding ${k}@${w.end}:${s}`])
    .uid('sliding');
  const general = keyed
    .window(TumblingEventTimeWindows.of(300))
    .trigger(CountTrigger.of(4))
    .allowedLateness(10)
    .process<string>({ process: (k, ctx, els, out) => out.collect(`count ${k}@${ctx.window.end}:${els.join('+')}`) })
    .uid('general');
  const sessions = keyed
    .window(EventTimeSessionWindows.withDynamicGap<number>((v) => (v % 37 === 0 ? 10 : 60)))
    .aggregate(sumOf(), (k, w, [s]) => [`session ${k}[${w.start},${w.end}):${s}`])
    .uid('sessions');
  sliced.union(general, sessions).sinkTo(sink);
}

describe('window state in checkpoints', () => {
  it('sliced, general and session windows resume from a checkpoint with the same results', async () => {
    const reference = new TransactionalMemorySink<string>();
    const env0 = StreamEnvironment.create();
    build(env0, reference);
    await env0.execute('reference');
    expect(reference.committed.length).toBeGreaterThan(200);

    const dir = mkdtempSync(join(tmpdir(), 'weir-window-cp-'));
    dirs.push(dir);
    const sink = new TransactionalMemorySink<string>();
    const env = StreamEnvironment.create({
      'execution.checkpointing.interval': '15ms',
      'state.checkpoints.dir': dir,
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.attempts': 3,
      'restart-strategy.fixed-delay.delay': '1ms',
    });
    const failAt = { value: 450, times: 2 };
    const seen = new Map<number, number>();
    build(env, sink, failAt, seen);
    const client = env.executeAsync('recovering');
    await client.result;
    expect(failAt.times).toBe(0);
    expect(client.restarts()).toHaveLength(2);
    // Resumed from a checkpoint: early values were read once, so the window state came from the checkpoint.
    expect(seen.get(0)).toBe(1);
    expect(seen.get(450)).toBe(3);
    expect(client.checkpoints().filter((c) => c.status === 'COMPLETED').length).toBeGreaterThan(0);
    expect(sink.committed.slice().sort()).toEqual(reference.committed.slice().sort());
  });
});
