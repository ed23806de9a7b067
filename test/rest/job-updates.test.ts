import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeRestServers } from '../../src/index.js';
import { startRunningJob, type RunningJob } from './running-job.js';

let job: RunningJob;
beforeAll(async () => {
  job = await startRunningJob({ 'rest.auth.token': 'let-me-in' });
}, 60_000);
afterAll(async () => {
  await job.client.cancel();
  await closeRestServers();
});

const auth = { authorization: 'Bearer let-me-in' };

/** Reads server-sent events from `res` until `count` have arrived: each as its fields. */
async function readEvents(res: Response, count: number): Promise<Record<string, string>[]> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const events: Record<string, string>[] = [];
  let buffer = '';
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const fields: Record<string, string> = {};
      for (const line of buffer.slice(0, end).split('\n')) {
        const i = line.indexOf(':');
        fields[line.slice(0, i)] = (fields[line.slice(0, i)] ? fields[line.slice(0, i)] + '\n' : '') + line.slice(i + 1).trimStart();
      }
      events.push(fields);
      buffer = buffer.slice(end + 2);
    }
  }
  await reader.cancel();
  return events;
}

describe('GET /jobs/:jobid/updates (server-sent events)', () => {
  it('streams the job as the dashboard draws it, an update per interval, with rising record counts', async () => {
    const res = await fetch(`${job.url}/jobs/${job.jobId}/updates?interval=200`, { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = await readEvents(res, 3);
    expect(events.map((e) => [e.event, e.id])).toEqual([
      ['update', '0'],
      ['update', '1'],
      ['update', '2'],
    ]);
    const updates = events.map(
      (e) =>
        JSON.parse(e.data!) as {
          jobs: { jid: string }[];
          detail: { jid: string; state: string; vertices: { name: string; metrics: Record<string, number> }[] };
          checkpoints: { counts: unknown };
          exceptions: { exceptionHistory: unknown };
          watermarkLagMs: number | null;
        },
    );
    for (const u of updates) {
      expect(u.jobs.map((j) => j.jid)).toContain(job.jobId);
      expect(u.detail).toMatchObject({ jid: job.jobId, state: 'RUNNING' });
      expect(u.detail.vertices.map((v) => v.name)).toEqual(['Orders', 'Ids', 'Drop']);
      expect(u.checkpoints.counts).toBeDefined();
      expect(u.exceptions.exceptionHistory).toBeDefined();
    }
    const read = updates.map((u) => u.detail.vertices[0]!.metrics['write-records']!);
    expect(read[2]).toBeGreaterThan(read[0]!);
  });

  it('needs the token like every other path, and names an unknown job', async () => {
    expect((await fetch(`${job.url}/jobs/${job.jobId}/updates`)).status).toBe(401);
    expect((await fetch(`${job.url}/jobs/0123/updates`, { headers: auth })).status).toBe(404);
  });

  it('sends the final state of a job that ended and closes the stream', async () => {
    const other = await startRunningJob();
    await other.client.cancel();
    const res = await fetch(`${other.url}/jobs/${other.jobId}/updates`);
    const text = await res.text();
    expect(text.match(/^event: update$/gm)).toHaveLength(1);
    expect(JSON.parse(/^data: (.*)$/m.exec(text)![1]!).detail.state).toBe('CANCELED');
  });
});
