import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CollectSink, OutputTag, StreamEnvironment, planGraph, valueState, type EnvironmentConfig, type ValueState } from '../../src/index.js';
import type { TaskRef } from '../../src/runtime/attempt.js';
import { FsCheckpointStorage } from '../../src/runtime/checkpoint/checkpoint-storage.js';
import { decodeTaskState } from '../../src/runtime/checkpoint/task-state.js';
import { JobAttempt } from '../../src/runtime/job-attempt.js';
import { slowCounter } from './slow-counter-source.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'weir-chain-'));
  dirs.push(d);
  return d;
}

type Build = (env: StreamEnvironment) => void;

/** source -> inc -> odd | keyBy | sum -> fmt -> out: two chains when chaining is on. */
const pipeline =
  (tweak: (s: { fmt: { disableChaining(): unknown; startNewChain(): unknown } }) => void = () => undefined): Build =>
  (env) => {
    const fmt = env
      .fromElements(...Array.from({ length: 30 }, (_, i) => i))
      .uid('src')
      .map((x) => x + 1)
      .uid('inc')
      .filter((x) => x % 2 === 1)
      .uid('odd')
      .keyBy((x) => x % 3)
      .reduce((a, b) => a + b)
      .uid('sum')
      .map((x) => `${x}`)
      .uid('fmt');
    tweak({ fmt });
    fmt.sinkTo(new CollectSink<string>()).uid('out');
  };

/**
 * Runs the job as one attempt, takes checkpoint 1 after its sinks finished, and returns the chains
 * the plan prints, the tasks the runtime built, and who acknowledged with which operators' states.
 */
async function runChains(build: Build, config: EnvironmentConfig = {}) {
  const env = StreamEnvironment.create({ checkpoints: { interval: '1h' }, ...config });
  build(env);
  const printed = (JSON.parse(env.explain()) as { chains: string[] }).chains;
  const acks: { task: TaskRef; operators: string[] }[] = [];
  const listener = { acknowledge: (_id: number, task: TaskRef, state: Uint8Array) => acks.push({ task, operators: decodeTaskState(state).map((s) => s.uid) }) };
  const attempt = new JobAttempt(planGraph(env.graph, env.getConfig()), env.getConfig(), listener, undefined);
  await attempt.run(
    () => undefined,
    async () => {
      attempt.triggerCheckpoint(1, false);
      while (acks.length < attempt.all.length) await new Promise((r) => setTimeout(r, 1));
    },
  );
  const tasks = attempt.all.map((t) => t.operators.map((op) => op.info.name).join(' -> '));
  return { printed, tasks, acks: acks.map((a) => `${a.task.uid}#${a.task.index}: ${a.operators.join(',')}`).sort() };
}

describe('operator chains at runtime', () => {
  it('runs each chain as one task that acknowledges once with the state of all its operators', async () => {
    const r = await runChains(pipeline());
    expect(r.tasks).toEqual(['Collection Source -> Map -> Filter', 'Keyed Reduce -> Map -> Collect']);
    expect(r.tasks).toEqual(r.printed);
    expect(r.acks).toEqual(['src#0: src,inc,odd', 'sum#0: sum,fmt,out']);
  });

  it('keeps records in and out per operator inside a chain', async () => {
    const env = StreamEnvironment.create();
    env
      .fromElements(1, 2, 3, 4, 5)
      .filter((x) => x > 2)
      .name('Big')
      .flatMap((x) => [x, x])
      .name('Twice')
      .sinkTo(new CollectSink<number>());
    const { metrics } = await env.execute('metrics');
    const of = (name: string) => metrics.find((m) => m.name === name)!;
    expect(JSON.parse(env.explain()).chains).toEqual(['Collection Source -> Big -> Twice -> Collect']);
    expect([of('Big').recordsIn, of('Big').recordsOut, of('Twice').recordsIn, of('Twice').recordsOut, of('Collect').recordsIn]).toEqual([5, 3, 3, 6, 6]);
  });

  it('runs every operator alone with pipeline.operator-chaining false or disableOperatorChaining()', async () => {
    const alone = ['inc#0: inc', 'odd#0: odd', 'out#0: out', 'src#0: src', 'sum#0: sum', 'fmt#0: fmt'].sort();
    const byKey = await runChains(pipeline(), { 'pipeline.operator-chaining': 'false' });
    expect(byKey.acks).toEqual(alone);
    expect(byKey.tasks).toEqual(byKey.printed);
    const byCall = await runChains((env) => pipeline()(env.disableOperatorChaining()));
    expect(byCall.acks).toEqual(alone);
    expect(() => StreamEnvironment.create({ 'pipeline.operator-chaining': 'sometimes' })).toThrow(/pipeline.operator-chaining.*not true or false/);
  });

  it('honours disableChaining() and startNewChain() on an operator', async () => {
    const off = await runChains(pipeline((s) => s.fmt.disableChaining()));
    expect(off.tasks).toEqual(['Collection Source -> Map -> Filter', 'Keyed Reduce', 'Map', 'Collect']);
    expect(off.tasks).toEqual(off.printed);
    expect(off.acks).toEqual(['fmt#0: fmt', 'out#0: out', 'src#0: src,inc,odd', 'sum#0: sum']);
    const head = await runChains(pipeline((s) => s.fmt.startNewChain()));
    expect(head.tasks).toEqual(['Collection Source -> Map -> Filter', 'Keyed Reduce', 'Map -> Collect']);
    expect(head.acks).toEqual(['fmt#0: fmt,out', 'src#0: src,inc,odd', 'sum#0: sum']);
  });

  it('ends a chain where an operator has a side output read downstream, or a keyBy', async () => {
    const tag = new OutputTag<number>('big');
    const r = await runChains((env) => {
      const split = env
        .fromElements(1, 20, 3, 40)
        .uid('src')
        .process<number>({
          processElement(v, ctx, out) {
            if (v > 10) ctx.output(tag, v);
            else out.collect(v);
          },
        })
        .uid('split');
      split
        .map((v) => v * 2)
        .uid('small')
        .sinkTo(new CollectSink<number>())
        .uid('small-out');
      split
        .getSideOutput(tag)
        .keyBy((v) => v)
        .map((v) => v)
        .uid('big')
        .sinkTo(new CollectSink<number>())
        .uid('big-out');
    });
    expect(r.tasks).toEqual(r.printed);
    expect(r.acks).toEqual(['big#0: big,big-out', 'small#0: small,small-out', 'src#0: src,split']);
  });
});

type Counted = { key: number; count: number; value: number };

/** A running count per key behind a chained source and a chained map and sink after it. */
function countingJob(env: StreamEnvironment, out: CollectSink<Counted>, count: number): void {
  env
    .fromSource(slowCounter(count, 10, 1))
    .uid('source')
    .map((v) => v)
    .uid('pass')
    .keyBy((v) => v % 5)
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
    .uid('counter')
    .filter(() => true)
    .uid('after')
    .sinkTo(out)
    .uid('out');
}

describe('savepoints across chaining changes', () => {
  for (const [from, to] of [
    [true, false],
    [false, true],
  ] as const) {
    it(`restores a savepoint taken with chaining ${from ? 'on' : 'off'} into the job with chaining ${to ? 'on' : 'off'}`, async () => {
      const dir = tmp();
      const env = StreamEnvironment.create({ 'execution.checkpointing.interval': '1h', 'state.checkpoints.dir': dir, operatorChaining: from });
      const first = new CollectSink<Counted>();
      countingJob(env, first, 100_000);
      const client = env.executeAsync('v1');
      while (first.values.length < 100) await new Promise((r) => setTimeout(r, 2));
      const path = await client.triggerSavepoint();
      await client.cancel();
      const saved = await FsCheckpointStorage.load(path);
      // State is kept per operator, whatever the chains were.
      expect(saved.states.map((s) => s.operator).sort()).toEqual(['after', 'counter', 'out', 'pass', 'source']);
      const sourcePos = (saved.states.find((s) => s.operator === 'source')!.state as { source: number }).source;

      const env2 = StreamEnvironment.create({ 'state.checkpoints.dir': dir, restore: { path }, operatorChaining: to });
      const second = new CollectSink<Counted>();
      countingJob(env2, second, sourcePos + 50);
      await env2.execute('v2');
      expect(second.values.map((r) => r.value)).toEqual(Array.from({ length: 50 }, (_, i) => sourcePos + i));
      for (const r of second.values) expect(r.count).toBe(Math.floor(r.value / 5) + 1);
    });
  }
});
