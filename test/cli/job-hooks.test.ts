import { afterEach, describe, expect, it } from 'vitest';
import { StreamEnvironment, type JobClient } from '../../src/index.js';
import { jobHooks, type SubmittedJob } from '../../src/api/job-hooks.js';
import { replaceJobHooks } from '../../src/graph/job-hooks.js';

describe('job hooks (what the CLI sets before it imports a job)', () => {
  afterEach(() => {
    const hooks = jobHooks();
    hooks.defaults = {};
    hooks.planOnly = false;
    hooks.listeners.clear();
  });

  it('live on globalThis, so two copies of Weir in one process share them', async () => {
    const hooks = jobHooks();
    expect((globalThis as Record<symbol, unknown>)[Symbol.for('weir.hooks')]).toBe(hooks);
    // A second instance of the module, as when the CLI runs from dist/ and the job from src/.
    const copy = (await import('../../src/graph/job-hooks.js?second-copy' as string)) as typeof import('../../src/graph/job-hooks.js');
    expect(copy.jobHooks).not.toBe(jobHooks);
    expect(copy.jobHooks()).toBe(hooks);
  });

  it('are replaced by a slot worker with fresh ones that every copy of Weir sees', async () => {
    const launcher = jobHooks();
    launcher.planOnly = true;
    launcher.listeners.add(() => undefined);
    const defaults = { parallelism: 2 };
    const copy = (await import('../../src/graph/job-hooks.js?slot-copy' as string)) as typeof import('../../src/graph/job-hooks.js');
    const fresh = copy.replaceJobHooks(defaults);
    defaults.parallelism = 5; // the worker's hooks keep the defaults it was given
    expect(jobHooks()).toBe(fresh);
    expect(fresh).not.toBe(launcher);
    expect(fresh).toEqual({ defaults: { parallelism: 2 }, planOnly: false, listeners: new Set() });
    expect(StreamEnvironment.create().getParallelism()).toBe(2);
    replaceJobHooks({});
  });

  it('apply defaults under what the job configures itself, camelCase or Flink key', () => {
    jobHooks().defaults.parallelism = 3;
    expect(StreamEnvironment.create().getParallelism()).toBe(3);
    expect(StreamEnvironment.create({ parallelism: 2 }).getParallelism()).toBe(2);
    expect(StreamEnvironment.create({ 'parallelism.default': 4 }).getParallelism()).toBe(4);
  });

  it('tell listeners about every job, with its plan, before it runs', async () => {
    const seen: { client: JobClient; job: SubmittedJob; status: string }[] = [];
    jobHooks().listeners.add((client, job) => seen.push({ client, job, status: client.status() }));
    const env = StreamEnvironment.create();
    env.fromElements(1, 2).sinkTo({ name: 'Discard', createWriter: () => ({ write: () => undefined }) });
    const result = await env.execute('observed');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.job).toMatchObject({ jobName: 'observed', planOnly: false });
    expect(seen[0]!.status).toBe('CREATED');
    expect(JSON.parse(seen[0]!.job.plan).nodes).toHaveLength(2);
    expect(await seen[0]!.client.result).toBe(result);
  });

  it('in plan mode describe the job and run nothing', async () => {
    jobHooks().planOnly = true;
    const plans: string[] = [];
    jobHooks().listeners.add((_c, job) => plans.push(job.plan));
    const env = StreamEnvironment.create({ parallelism: 2 });
    let settled = false;
    void env
      .fromElements(1, 2, 3)
      .map((x) => x * 2)
      .executeAndCollect('planned')
      .finally(() => (settled = true));
    expect(JSON.parse(plans[0]!).nodes.map((n: { kind: string; parallelism: number }) => [n.kind, n.parallelism])).toEqual([
      ['source', 2],
      ['map', 2],
      ['sink', 2],
    ]);
    // Code after execute() does not run in plan mode: the planned job never settles.
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false);
  });
});
