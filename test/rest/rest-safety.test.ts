import { afterAll, describe, expect, it } from 'vitest';
import { closeRestServers, ConfigError, registerOperatorKind, StreamEnvironment } from '../../src/index.js';
import { PassThroughOperator } from '../../src/runtime/operators/pass-through-operator.js';
import { eventually, startRunningJob } from './running-job.js';

afterAll(() => closeRestServers());

describe('REST API safety', () => {
  it('refuses to bind another address than loopback without a token', () => {
    expect(() => StreamEnvironment.create({ 'rest.port': 0, 'rest.bind-address': '0.0.0.0' })).toThrow(ConfigError);
    expect(() => StreamEnvironment.create({ 'rest.port': 0, 'rest.bind-address': '0.0.0.0', 'rest.auth.token': 't0k3n' })).not.toThrow();
  });

  it('checks the token on every request when one is set', async () => {
    const job = await startRunningJob({ 'rest.auth.token': 'open-sesame-42' });
    try {
      for (const path of ['/overview', `/jobs/${job.jobId}`, '/metrics']) {
        expect((await fetch(`${job.url}${path}`)).status).toBe(401);
        expect((await fetch(`${job.url}${path}`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
        expect((await fetch(`${job.url}${path}`, { headers: { authorization: 'Bearer open-sesame-42' } })).status).toBe(200);
      }
      const cancel = await fetch(`${job.url}/jobs/${job.jobId}`, { method: 'PATCH' });
      expect(cancel.status).toBe(401);
      expect(job.client.status()).toBe('RUNNING');
    } finally {
      await job.client.cancel();
    }
  });

  it('shows no secret in the configuration or the plan', async () => {
    registerOperatorKind({ kind: 'test-secretive', create: () => new PassThroughOperator(), describe: (p: Record<string, string>) => p });
    const secrets = ['open-sesame-43', 'hunter2-pw', 'sk-live-777'];
    const job = await startRunningJob({ 'rest.auth.token': secrets[0] }).catch((e) => {
      throw e;
    });
    const auth = { headers: { authorization: `Bearer ${secrets[0]}` } };
    try {
      const env = StreamEnvironment.create({ 'rest.port': 0, 'rest.auth.token': secrets[0] });
      env.fromElements(1, 2, 3).transform('Secretive', 'test-secretive', { endpoint: 'db:5432', password: secrets[1], apiKey: secrets[2] }).print();
      const client = env.executeAsync('secretive');
      const url = await new Promise<string>((resolve) => client.onEvent?.((e) => e.kind === 'serving' && resolve(e.url)));
      await client.result;
      const jobs = ((await (await fetch(`${url}/jobs/overview`, auth)).json()) as { jobs: { jid: string; name: string }[] }).jobs;
      const id = jobs.find((j) => j.name === 'secretive')!.jid;
      const plan = await (await fetch(`${url}/jobs/${id}/plan`, auth)).text();
      expect(plan).toContain('db:5432');
      const pages = [plan];
      for (const path of [
        '/config',
        '/jobmanager/config',
        `/jobs/${job.jobId}/config`,
        `/jobs/${job.jobId}/plan`,
        `/jobs/${id}/config`,
        `/jobs/${job.jobId}`,
      ]) {
        pages.push(await (await fetch(`${job.url}${path}`, auth)).text());
      }
      expect(pages.join('\n')).toContain('rest.auth.token');
      for (const s of secrets) expect(pages.join('\n')).not.toContain(s);
    } finally {
      await job.client.cancel();
    }
  });

  it('keeps running when requests are malformed', async () => {
    const job = await startRunningJob();
    try {
      await eventually(async () => ((job.client.metrics()[0]?.recordsOut ?? 0) > 0 ? true : undefined));
      const bad = [
        fetch(`${job.url}/jobs/${job.jobId}/savepoints`, { method: 'POST', body: '[1,2' }),
        fetch(`${job.url}/jobs/${job.jobId}/savepoints`, { method: 'POST', body: JSON.stringify({ 'target-directory': '/etc' }) }),
        fetch(`${job.url}/jobs/${job.jobId}/savepoints/no-such-request`),
        fetch(`${job.url}/jobs/${job.jobId}/stop`, { method: 'POST', body: 'y'.repeat(1 << 20) }).catch(() => undefined),
        fetch(`${job.url}/jobs/%zz`),
      ];
      const statuses = (await Promise.all(bad)).map((r) => r?.status);
      expect(statuses.slice(0, 3)).toEqual([400, 400, 404]);
      expect(statuses[3] === undefined || statuses[3] === 413).toBe(true);
      expect(job.client.status()).toBe('RUNNING');
    } finally {
      await job.client.cancel();
    }
  });
});
