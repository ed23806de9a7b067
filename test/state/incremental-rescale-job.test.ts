import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CollectSink, StreamEnvironment, keyGroupFor, valueState, type ValueState } from '../../src/index.js';
import { subtaskForKeyGroup } from '../../src/core/key-group.js';
import { FsCheckpointStorage, type CheckpointMetadata } from '../../src/runtime/checkpoint/checkpoint-storage.js';
import { slowCounter } from '../checkpoint/slow-counter-source.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const FAR = 1e12;
const KEYS = 50;

/** Counts records per key (value % KEYS) on the disk backend; a timer per key far ahead reports the count at the end of input. */
function job(env: StreamEnvironment, count: number, parallelism: number, out: CollectSink<string>): void {
  env
    .fromSource(slowCounter(count, 20, 1))
    .uid('source')
    .keyBy((v) => v % KEYS)
    .process<string>({
      open(ctx) {
        Object.assign(this, { n: ctx.state.getState(valueState<number>('n', { defaultValue: 0 })), subtask: ctx.subtaskIndex });
      },
      processElement(_v, ctx) {
        const n = (this as unknown as { n: ValueState<number> }).n;
        n.update(n.value()! + 1);
        ctx.timerService().registerEventTimeTimer(FAR);
      },
      onTimer(_ts, ctx, o) {
        const self = this as unknown as { n: ValueState<number>; subtask: number };
        o.collect(`${ctx.getCurrentKey()} n=${self.n.value()} subtask=${self.subtask}`);
      },
    })
    .uid('counter')
    .setParallelism(parallelism)
    .sinkTo(out);
}

/** The newest complete checkpoint under `dir` whose counter state references more than one shared file (a base and an increment). */
function incrementalCheckpoint(dir: string): string | undefined {
  for (const job of existsSync(dir) ? readdirSync(dir) : []) {
    const jobDir = join(dir, job);
    const chks = readdirSync(jobDir)
      .filter((n) => /^chk-\d+$/.test(n) && existsSync(join(jobDir, n, '_metadata')))
      .sort((a, b) => Number(b.slice(4)) - Number(a.slice(4)));
    for (const c of chks) {
      let meta: CheckpointMetadata;
      try {
        meta = JSON.parse(readFileSync(join(jobDir, c, '_metadata'), 'utf8'));
      } catch {
        continue;
      }
      if (meta.tasks.some((t) => t.operator === 'counter' && (t.shared?.length ?? 0) > 1)) return join(jobDir, c);
    }
  }
  return undefined;
}

describe("incremental checkpoints of the disk backend ('lmdb') in a job", () => {
  it('a job restored from an incremental checkpoint at another parallelism keeps every count', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-inc-rescale-'));
    dirs.push(dir);
    const lmdb = { 'state.backend.type': 'lmdb', 'execution.checkpointing.incremental': true, 'state.backend.lmdb.memory.cache-entries': 8 };
    // Every checkpoint is retained: the one found below is not pruned before the job is cancelled.
    const env = StreamEnvironment.create({
      ...lmdb,
      'execution.checkpointing.interval': '20ms',
      'state.checkpoints.dir': dir,
      'state.checkpoints.num-retained': 1000,
    });
    job(env, 1_000_000, 2, new CollectSink<string>());
    const client = env.executeAsync('inc-rescale-v1');
    let path: string | undefined;
    while (!(path = incrementalCheckpoint(dir))) await new Promise((r) => setTimeout(r, 20));
    await client.cancel();
    const saved = await FsCheckpointStorage.load(path);
    const pos = (saved.states.find((s) => s.operator === 'source')!.state as { source: number }).source;

    // Version 2 runs with 3 subtasks and no new input: the end of input fires every restored timer.
    const env2 = StreamEnvironment.create({ ...lmdb, restore: { path } });
    const second = new CollectSink<string>();
    job(env2, pos, 3, second);
    await env2.execute('inc-rescale-v2');
    const expected = [];
    for (let key = 0; key < Math.min(KEYS, pos); key++) {
      const n = Math.floor((pos - 1 - key) / KEYS) + 1;
      expected.push(`${key} n=${n} subtask=${subtaskForKeyGroup(128, 3, keyGroupFor(key, 128))}`);
    }
    expect(second.values.slice().sort()).toEqual(expected.sort());
  }, 60_000);
});
