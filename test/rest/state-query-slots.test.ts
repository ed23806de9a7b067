import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StateQueryError, closeRestServers, type JobClient } from '../../src/index.js';
import { eventually } from './running-job.js';

let client: JobClient;
let url: string;
let jobId: string;
let USERS: string[];
let ORDERS: number;

beforeAll(async () => {
  ({ client, USERS, ORDERS } = await import('./fixtures/queryable-slots-job.js'));
  url = await new Promise<string>((resolve) => client.onEvent?.((e) => e.kind === 'serving' && e.service === 'rest' && resolve(e.url)));
  jobId = ((await (await fetch(`${url}/jobs/overview`)).json()) as { jobs: { jid: string; name: string }[] }).jobs.find(
    (j) => j.name === 'queryable-slots',
  )!.jid;
}, 60_000);

afterAll(async () => {
  await client.cancel();
  await closeRestServers();
});

const query = async (name: string, key: string) => {
  const res = await fetch(`${url}/jobs/${jobId}/state/counter/${name}?key=${encodeURIComponent(key)}`);
  return { status: res.status, body: (await res.json()) as { key?: unknown; value?: unknown; errors?: string[] } };
};

describe('live state queries of a job in worker-thread slots (-p 2)', () => {
  it('reads every key from the slot that owns it, consistent with the records processed so far', async () => {
    // While the orders flow, a count never goes back and never passes what the source can have sent.
    let last = 0;
    for (let i = 0; i < 5; i++) {
      const { status, body } = await query('count', 'ann');
      expect(status, JSON.stringify(body)).toBe(200);
      const n = body.value as number;
      expect(n).toBeGreaterThanOrEqual(last);
      expect(n).toBeLessThanOrEqual(ORDERS / USERS.length);
      last = n;
    }
    // Once all orders are processed: each user's count and parity split, computed by plain code.
    const perUser = ORDERS / USERS.length;
    await eventually(async () => ((await query('count', 'eve')).body.value === perUser ? true : undefined));
    for (const [u, user] of USERS.entries()) {
      expect((await query('count', user)).body).toEqual({ key: user, value: perUser });
      let even = 0;
      for (let id = u; id < ORDERS; id += USERS.length) if (id % 2 === 0) even++;
      expect((await query('by-parity', user)).body.value).toEqual(
        expect.arrayContaining([
          ['even', even],
          ['odd', perUser - even],
        ]),
      );
    }
    // The counter's two subtasks run in worker-thread slots, not in this thread.
    const where = await eventually(async () => {
      const u = client.metrics()[1]?.userMetrics?.filter((m) => m.name === 'inMainThread') ?? [];
      return u.length === 2 ? u : undefined;
    });
    expect(where.map((m) => [m.subtask, m.value])).toEqual([
      [0, 0],
      [1, 0],
    ]);
  });

  it('answers an unknown key with the default, and an unknown state or operator with 404', async () => {
    expect((await query('count', 'zed')).body).toEqual({ key: 'zed', value: 0 });
    const missing = await query('nope', 'ann');
    expect(missing.status).toBe(404);
    expect(missing.body.errors![0]).toContain("no queryable state 'nope'");
    expect((await fetch(`${url}/jobs/${jobId}/state/no-such-uid/count?key=ann`)).status).toBe(404);
  });

  it('answers through the JobClient too', async () => {
    expect(await client.queryState!('counter', 'count', 'bob')).toBe(ORDERS / USERS.length);
    await expect(client.queryState!('counter', 'nope', 'bob')).rejects.toBeInstanceOf(StateQueryError);
  });
});
