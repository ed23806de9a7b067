import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  StateQueryError,
  StreamEnvironment,
  closeRestServers,
  datagen,
  valueState,
  listState,
  type JobClient,
  type ValueState,
  type ListState,
} from '../../src/index.js';
import { eventually } from './running-job.js';

const USERS = ['ann', 'bob', 'cy', 'dee', 'eve'];
/** The count the counter last emitted per user: what its state holds between two batches. */
const emitted = new Map<string, number>();

let client: JobClient;
let url: string;
let jobId: string;
beforeAll(async () => {
  // Two subtasks in this thread: a query must reach the one that owns the key.
  const env = StreamEnvironment.create({ 'rest.port': 0, parallelism: 2, 'execution.slot-mode': 'single-thread' });
  env
    .fromSource(datagen({ numberOfRows: 10_000_000, rowsPerSecond: 5_000, seed: 1, generator: (i) => ({ user: USERS[i % USERS.length]!, id: i }) }))
    .name('Orders')
    .keyBy((o) => o.user)
    .process<[string, number]>({
      open(ctx) {
        (this as any).count = ctx.state.getState(valueState<number>('count', { queryable: true, defaultValue: 0 }));
        (this as any).last = ctx.state.getListState(listState<number>('last-ids'));
      },
      processElement(o, _ctx, out) {
        const count = (this as any).count as ValueState<number>;
        const n = count.value()! + 1;
        count.update(n);
        ((this as any).last as ListState<number>).add(o.id);
        out.collect([o.user, n]);
      },
    })
    .uid('counter')
    .name('Count')
    .sinkTo({ createWriter: () => ({ write: (b) => void b.values.forEach(([u, n]) => emitted.set(u, n)) }) });
  client = env.executeAsync('state-query');
  client.result.catch(() => undefined);
  url = await new Promise<string>((resolve) => client.onEvent?.((e) => e.kind === 'serving' && e.service === 'rest' && resolve(e.url)));
  jobId = ((await (await fetch(`${url}/jobs/overview`)).json()) as { jobs: { jid: string; name: string }[] }).jobs.find((j) => j.name === 'state-query')!.jid;
  await eventually(async () => (USERS.every((u) => (emitted.get(u) ?? 0) > 5) ? true : undefined));
}, 60_000);
afterAll(async () => {
  await client.cancel();
  await closeRestServers();
});

describe('live state queries', () => {
  it('GET /jobs/:jobid/state/:uid/:name?key= answers what the owning subtask has processed so far', async () => {
    for (const user of USERS) {
      const before = emitted.get(user)!;
      const res = await fetch(`${url}/jobs/${jobId}/state/counter/count?key=${user}`);
      const after = emitted.get(user)!;
      expect(res.status).toBe(200);
      const body = (await res.json()) as { key: string; value: number };
      // The query is answered between two batches while the job goes on: the count it reads lies
      // between what the counter had emitted before the request and after the answer.
      expect(body.key).toBe(user);
      expect(body.value).toBeGreaterThanOrEqual(before);
      expect(body.value).toBeLessThanOrEqual(after);
    }
    // A JSON key reads the same state as the bare text.
    const ann = ((await (await fetch(`${url}/jobs/${jobId}/state/counter/count?key=%22ann%22`)).json()) as { value: number }).value;
    expect(ann).toBeGreaterThan(5);
  });

  it('JobClient.queryState reads the same, and a key never seen has the default', async () => {
    const before = emitted.get('bob')!;
    const bob = (await client.queryState!('counter', 'count', 'bob')) as number;
    expect(bob).toBeGreaterThanOrEqual(before);
    expect(bob).toBeLessThanOrEqual(emitted.get('bob')!);
    expect(await client.queryState!('counter', 'count', 'nobody')).toBe(0);
  });

  it('answers 404 for an unknown operator or a state not declared queryable, 400 without a key', async () => {
    const status = async (path: string) => (await fetch(`${url}/jobs/${jobId}${path}`)).status;
    expect(await status('/state/nope/count?key=ann')).toBe(404);
    expect(await status('/state/counter/last-ids?key=ann')).toBe(404);
    expect(await status('/state/counter/count')).toBe(400);
    await expect(client.queryState!('counter', 'last-ids', 'ann')).rejects.toBeInstanceOf(StateQueryError);
  });
});
