import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamEnvironment, valueState } from '../../src/index.js';
import { UnrecoverableError } from '../../src/core/errors.js';
import { slowCounter } from './slow-counter-source.js';
import { TransactionalMemorySink } from './transactional-memory-sink.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'weir-cp-'));
  dirs.push(d);
  return d;
}

/** Running count per key (value % 7), emitted as "key:count:value". */
function build(env: StreamEnvironment, sink: TransactionalMemorySink<string>, failAt?: { value: number; times: number }, seen?: Map<number, number>) {
  env
    .fromSource(slowCounter(600, 10, 1))
    .map((v) => {
      seen?.set(v, (seen.get(v) ?? 0) + 1);
      if (failAt && v === failAt.value && failAt.times > 0) {
        failAt.times--;
        throw new Error(`injected failure at ${v}`);
      }
      return v;
    })
    .uid('fail-map')
    .keyBy((v) => v % 7)
    .process<string>({
      open(ctx) {
        (this as { n?: ReturnType<typeof ctx.state.getState<number>> }).n = ctx.state.getState(valueState<number>('n'));
      },
      processElement(v, ctx, out) {
        const n = (this as unknown as { n: { value(): number | undefined; update(x: number): void } }).n;
        const c = (n.value() ?? 0) + 1;
        n.update(c);
        out.collect(`${ctx.getCurrentKey()}:${c}:${v}`);
      },
    })
    .uid('counter')
    .sinkTo(sink);
}

describe('checkpoints and recovery', () => {
  it('restarts from the latest checkpoint and commits exactly once', async () => {
    const reference = new TransactionalMemorySink<string>();
    const env0 = StreamEnvironment.create();
    build(env0, reference);
    await env0.execute('reference');

    const sink = new TransactionalMemorySink<string>();
    const env = StreamEnvironment.create({
      'execution.checkpointing.interval': '15ms',
      'state.checkpoints.dir': tmp(),
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
    expect(client.restarts()[0]!.cause).toContain('injected failure at 450');
    const completed = client.checkpoints().filter((c) => c.status === 'COMPLETED');
    expect(completed.length).toBeGreaterThan(0);
    expect(sink.committed.slice().sort()).toEqual(reference.committed.slice().sort());
    expect(sink.committed).toHaveLength(600);
    // Restarts resumed from a checkpoint, not from the beginning: the first values were read once.
    expect(seen.get(0)).toBe(1);
    expect(seen.get(450)).toBe(3);
  });

  it('fails with the root cause when the restart strategy gives up', async () => {
    const env = StreamEnvironment.create({
      'execution.checkpointing.interval': '15ms',
      'state.checkpoints.dir': tmp(),
      restartStrategy: { type: 'fixed-delay', attempts: 1, delay: 1 },
    });
    build(env, new TransactionalMemorySink(), { value: 300, times: 5 });
    const err = await env.execute('give-up').catch((e) => e);
    expect(String(err.message)).toContain('injected failure at 300');
    expect(String(err.message)).toContain('after 1 restart');
  });

  it('fails at once on an UnrecoverableError, whatever the restart strategy', async () => {
    const env = StreamEnvironment.create({
      'execution.checkpointing.interval': '15ms',
      'state.checkpoints.dir': tmp(),
      restartStrategy: { type: 'fixed-delay', attempts: 100, delay: 1 },
    });
    env
      .fromSource(slowCounter(600, 10, 1))
      .map((v) => {
        if (v === 300) throw new UnrecoverableError('the saved position is gone: start without restoring');
        return v;
      })
      .sinkTo(new TransactionalMemorySink<number>());
    const job = env.executeAsync('unrecoverable');
    const err = await job.result.catch((e: Error) => e);
    expect(String((err as Error).message)).toContain('the saved position is gone');
    expect(job.restarts()).toEqual([]);
  });
});
