import { mkdtempSync, rmSync, readdirSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CollectSink, StreamEnvironment, valueState, type ValueState } from '../../src/index.js';
import { FsCheckpointStorage } from '../../src/runtime/checkpoint/checkpoint-storage.js';
import { slowCounter } from './slow-counter-source.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'weir-sp-'));
  dirs.push(d);
  return d;
}

type Counted = { key: number; count: number; value: number };

/** Version 1 of a job: running count per key (value % 5). `extra` adds an operator (version 2). */
function job(env: StreamEnvironment, out: CollectSink<Counted>, opts: { extra?: boolean; counter?: boolean; count?: number } = {}) {
  let s = env.fromSource(slowCounter(opts.count ?? 400, 10, 1)).uid('source');
  if (opts.extra) s = s.filter(() => true).uid('added-filter');
  const keyed = s.keyBy((v) => v % 5);
  const counted =
    opts.counter === false
      ? keyed.map((v) => ({ key: v % 5, count: 0, value: v })).uid('stateless')
      : keyed
          .process<Counted>({
            open(ctx) {
              (this as unknown as { n: ValueState<number> }).n = ctx.state.getState(valueState<number>('n'));
            },
            processElement(v, _ctx, o) {
              const n = (this as unknown as { n: ValueState<number> }).n;
              n.update((n.value() ?? 0) + 1);
              o.collect({ key: v % 5, count: n.value()!, value: v });
            },
          })
          .uid('counter');
  counted.sinkTo(out);
}

describe('savepoints', () => {
  it('restores a savepoint into a new job version with an added operator (uid mapping)', async () => {
    const dir = tmp();
    const env = StreamEnvironment.create({ 'execution.checkpointing.interval': '1h', 'state.checkpoints.dir': dir });
    const first = new CollectSink<Counted>();
    job(env, first, { count: 100_000 });
    const client = env.executeAsync('v1');
    while (first.values.length < 100) await new Promise((r) => setTimeout(r, 2));
    const path = await client.triggerSavepoint();
    await client.cancel();
    expect(readdirSync(path)).toContain('_metadata');
    const saved = await FsCheckpointStorage.load(path);
    const sourcePos = (saved.states.find((s) => s.operator === 'source')!.state as { source: number }).source;
    expect(sourcePos).toBeGreaterThan(0);

    const env2 = StreamEnvironment.create({ 'state.checkpoints.dir': dir, restore: { path } });
    const second = new CollectSink<Counted>();
    job(env2, second, { extra: true, count: sourcePos + 50 });
    await env2.execute('v2');
    // The source resumed at its saved position and counts continued from the saved state.
    expect(second.values[0]!.value).toBe(sourcePos);
    expect(second.values).toHaveLength(50);
    for (const r of second.values) expect(r.count).toBe(Math.floor(r.value / 5) + 1);
  });

  it('refuses state it cannot map unless asked to drop it', async () => {
    const dir = tmp();
    const env = StreamEnvironment.create({ 'execution.checkpointing.interval': '1h', 'state.checkpoints.dir': dir });
    const out = new CollectSink<Counted>();
    job(env, out, { count: 100_000 });
    const client = env.executeAsync('v1');
    while (out.values.length < 20) await new Promise((r) => setTimeout(r, 2));
    const path = await client.triggerSavepoint();
    await client.cancel();

    const env2 = StreamEnvironment.create({ restore: { path } });
    job(env2, new CollectSink(), { counter: false, count: 10 });
    await expect(env2.execute('v3')).rejects.toThrow(/state for operators that are not in this job: counter/);

    const env3 = StreamEnvironment.create({ restore: { path, allowNonRestoredState: true } });
    const ok = new CollectSink<Counted>();
    job(env3, ok, { counter: false, count: 1000 });
    await env3.execute('v3');
    expect(ok.values.length).toBeGreaterThan(0);
  });
});

describe('damaged checkpoints', () => {
  it('falls back to the newest valid checkpoint and says which one it skipped and why', async () => {
    const dir = tmp();
    const storage = new FsCheckpointStorage(dir, 3);
    const bytes = (v: unknown) => new Uint8Array(Buffer.from(JSON.stringify(v)));
    const { serialize } = await import('node:v8');
    await storage.write(1, false, 'j', [{ operator: 'op', subtask: 0, parallelism: 1, bytes: serialize({ v: 1 }) }]);
    await storage.write(2, false, 'j', [{ operator: 'op', subtask: 0, parallelism: 1, bytes: serialize({ v: 2 }) }]);
    await storage.write(3, false, 'j', [{ operator: 'op', subtask: 0, parallelism: 1, bytes: serialize({ v: 3 }) }]);
    void bytes;
    // chk-3: a state file is damaged; chk-2: metadata is missing (a crash before it was written).
    const f3 = join(dir, 'chk-3', 'op-0.bin');
    const data = readFileSync(f3);
    data[data.length - 1] ^= 0xff;
    writeFileSync(f3, data);
    rmSync(join(dir, 'chk-2', '_metadata'));
    const { checkpoint, skipped } = await storage.loadLatest();
    expect(checkpoint!.metadata.id).toBe(1);
    expect(checkpoint!.states[0]!.state).toEqual({ v: 1 });
    expect(skipped.map((s) => s.path)).toEqual([join(dir, 'chk-3'), join(dir, 'chk-2')]);
    expect(skipped[0]!.reason).toMatch(/op-0.bin is corrupted/);
    expect(skipped[1]!.reason).toMatch(/no readable _metadata/);
  });

  it('counts a savepoint of the job as a restore point, ordered with checkpoints by id, and never prunes it', async () => {
    const dir = tmp();
    const { serialize } = await import('node:v8');
    const storage = new FsCheckpointStorage(dir, 1);
    const task = (v: number) => [{ operator: 'op', subtask: 0, parallelism: 1, bytes: serialize(v) }];
    await storage.write(1, false, 'j', task(1));
    await storage.write(2, true, 'j', task(2));
    expect((await storage.loadLatest()).checkpoint!.metadata).toMatchObject({ id: 2, savepoint: true });
    expect(await storage.highestId()).toBe(2);
    await storage.write(3, false, 'j', task(3));
    await storage.write(4, false, 'j', task(4));
    expect((await storage.loadLatest()).checkpoint!.metadata.id).toBe(4);
    expect(readdirSync(dir).sort()).toEqual(['chk-4', 'savepoint-2']);
  });

  it('keeps only the configured number of completed checkpoints', async () => {
    const dir = tmp();
    const { serialize } = await import('node:v8');
    const storage = new FsCheckpointStorage(dir, 2);
    for (let id = 1; id <= 4; id++) await storage.write(id, false, 'j', [{ operator: 'op', subtask: 0, parallelism: 1, bytes: serialize(id) }]);
    expect(readdirSync(dir).sort()).toEqual(['chk-3', 'chk-4']);
  });
});
