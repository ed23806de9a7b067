import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { closeRestServers } from '../../src/index.js';
import { eventually, startRunningJob } from './running-job.js';

afterAll(() => closeRestServers());

const json = async (res: Response) => (await res.json()) as Record<string, any>;

describe('controlling a running job over REST', () => {
  it('takes a savepoint on POST /jobs/:jobid/savepoints, polled by its request id, and the job runs on', async () => {
    const job = await startRunningJob();
    try {
      const res = await fetch(`${job.url}/jobs/${job.jobId}/savepoints`, { method: 'POST', body: JSON.stringify({ 'cancel-job': false }) });
      expect(res.status).toBe(202);
      const requestId = (await json(res))['request-id'] as string;
      const done = await eventually(async () => {
        const poll = await json(await fetch(`${job.url}/jobs/${job.jobId}/savepoints/${requestId}`));
        return poll.status.id === 'COMPLETED' ? poll : undefined;
      });
      expect(existsSync(done.operation.location)).toBe(true);
      expect(job.client.checkpoints().find((c) => c.path === done.operation.location)?.savepoint).toBe(true);
      const history = await json(await fetch(`${job.url}/jobs/${job.jobId}/checkpoints`));
      expect(history.latest.savepoint.external_path).toBe(done.operation.location);
      expect(job.client.status()).toBe('RUNNING');
    } finally {
      await job.client.cancel();
    }
  });

  it('stops with a savepoint on POST /jobs/:jobid/stop', async () => {
    const job = await startRunningJob();
    const res = await fetch(`${job.url}/jobs/${job.jobId}/stop`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(202);
    const requestId = (await json(res))['request-id'] as string;
    await job.client.result.catch(() => undefined);
    expect(job.client.status()).toBe('CANCELED');
    const poll = await json(await fetch(`${job.url}/jobs/${job.jobId}/savepoints/${requestId}`));
    expect(existsSync(poll.operation.location)).toBe(true);
    // Ended jobs stay listed with their final state.
    expect((await json(await fetch(`${job.url}/jobs/${job.jobId}`))).state).toBe('CANCELED');
  });

  it('cancels on PATCH /jobs/:jobid', async () => {
    const job = await startRunningJob();
    const res = await fetch(`${job.url}/jobs/${job.jobId}?mode=cancel`, { method: 'PATCH' });
    expect(res.status).toBe(202);
    await job.client.result.catch(() => undefined);
    expect(job.client.status()).toBe('CANCELED');
    expect((await json(await fetch(`${job.url}/jobs/overview`))).jobs.find((j: { jid: string }) => j.jid === job.jobId).state).toBe('CANCELED');
  });
});

describe('a job that fails', () => {
  it('shows its failure in /jobs/:jobid/exceptions, and its result still rejects', async () => {
    const { StreamEnvironment } = await import('../../src/index.js');
    const env = StreamEnvironment.create({ 'rest.port': 0, restartStrategy: { type: 'none' } });
    env
      .fromElements(1, 2, 3)
      .map((x) => {
        if (x === 2) throw new Error('two is not welcome');
        return x;
      })
      .name('Picky')
      .print();
    const client = env.executeAsync('failing');
    const url = await new Promise<string>((resolve) => client.onEvent?.((e) => e.kind === 'serving' && resolve(e.url)));
    await expect(client.result).rejects.toThrow(/two is not welcome/);
    const jobs = (await json(await fetch(`${url}/jobs/overview`))).jobs as { jid: string; name: string; state: string }[];
    const failed = jobs.find((j) => j.name === 'failing')!;
    expect(failed.state).toBe('FAILED');
    const ex = await json(await fetch(`${url}/jobs/${failed.jid}/exceptions`));
    expect(ex['root-exception']).toMatch(/two is not welcome/);
    expect(ex.exceptionHistory.entries).toHaveLength(1);
  });
});

describe('a served job nobody awaits', () => {
  it('still ends the process with its failure', async () => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/rest/fixtures/unawaited-failure.ts'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('unawaited failure');
  });
});
