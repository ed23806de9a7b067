import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeRestServers } from '../../src/index.js';
import { eventually, startRunningJob, type RunningJob } from './running-job.js';

// One running job serves the read-only endpoints; savepoint, stop and cancel get their own jobs.
let job: RunningJob;
beforeAll(async () => {
  job = await startRunningJob();
});
afterAll(async () => {
  await job.client.cancel();
  await closeRestServers();
});

const get = async (path: string) => {
  const res = await fetch(`${job.url}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

describe('REST API of a running job', () => {
  it('binds 127.0.0.1 by default', () => {
    expect(new URL(job.url).hostname).toBe('127.0.0.1');
  });

  it('/overview and /jobs/overview list the running job', async () => {
    const overview = await get('/overview');
    expect(overview.body['jobs-running']).toBeGreaterThanOrEqual(1);
    const jobs = (await get('/jobs/overview')).body.jobs as { jid: string; state: string; tasks: { total: number } }[];
    const mine = jobs.find((j) => j.jid === job.jobId)!;
    expect(mine.state).toBe('RUNNING');
    expect(mine.tasks.total).toBe(3);
  });

  it('/jobs/:jobid has the vertices with parallelism, status and growing record counts', async () => {
    const detail = await eventually(async () => {
      const d = (await get(`/jobs/${job.jobId}`)).body;
      return d.vertices[0].metrics['write-records'] > 0 ? d : undefined;
    });
    expect(detail.state).toBe('RUNNING');
    expect(detail.vertices.map((v: { name: string }) => v.name)).toEqual(['Orders', 'Ids', 'Drop']);
    expect(detail.vertices.every((v: { parallelism: number; status: string }) => v.parallelism === 1 && v.status === 'RUNNING')).toBe(true);
    const first = detail.vertices[0].metrics['write-records'] as number;
    const later = await eventually(async () => {
      const n = (await get(`/jobs/${job.jobId}`)).body.vertices[0].metrics['write-records'] as number;
      return n > first ? n : undefined;
    });
    expect(later).toBeGreaterThan(first);
    // The numbers are the client's (the REST API adds nothing of its own): never ahead of it.
    const shown = (await get(`/jobs/${job.jobId}`)).body.vertices[2].metrics['read-records'] as number;
    expect(job.client.metrics()[2]!.recordsIn).toBeGreaterThanOrEqual(shown);
  });

  it('/jobs/:jobid/plan has the nodes of env.explain() with their inputs', async () => {
    const { plan } = (await get(`/jobs/${job.jobId}/plan`)).body;
    expect(plan.nodes.map((n: { description: string }) => n.description)).toEqual(['Orders', 'Ids', 'Drop']);
    expect(plan.nodes[1].inputs[0]).toMatchObject({ id: plan.nodes[0].id, ship_strategy: 'HASH' });
  });

  it('checkpoints, their config and exceptions answer in Flink shapes', async () => {
    const cps = (await get(`/jobs/${job.jobId}/checkpoints`)).body;
    expect(cps.counts).toMatchObject({ completed: 0, failed: 0 });
    const cfg = (await get(`/jobs/${job.jobId}/checkpoints/config`)).body;
    expect(cfg).toMatchObject({ mode: 'exactly_once', interval: 3_600_000, state_backend: 'hashmap' });
    const ex = (await get(`/jobs/${job.jobId}/exceptions`)).body;
    expect(ex.exceptionHistory.entries).toEqual([]);
  });

  it('answers an unknown job, an unknown path and a bad body with errors, and the job runs on', async () => {
    expect((await get('/jobs/0123456789abcdef0123456789abcdef')).status).toBe(404);
    expect((await get('/nothing/here')).status).toBe(404);
    const bad = await fetch(`${job.url}/jobs/${job.jobId}/savepoints`, { method: 'POST', body: '{not json' });
    expect(bad.status).toBe(400);
    const huge = await fetch(`${job.url}/jobs/${job.jobId}/savepoints`, { method: 'POST', body: 'x'.repeat(200_000) });
    expect(huge.status).toBe(413);
    const wrongMode = await fetch(`${job.url}/jobs/${job.jobId}?mode=explode`, { method: 'PATCH' });
    expect(wrongMode.status).toBe(400);
    expect(job.client.status()).toBe('RUNNING');
  });
});
