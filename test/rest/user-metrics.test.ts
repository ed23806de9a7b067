import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeRestServers, type JobClient } from '../../src/index.js';
import { eventually } from './running-job.js';

let client: JobClient;
let url: string;
let jobId: string;

beforeAll(async () => {
  ({ client } = await import('./fixtures/user-metrics-job.js'));
  url = await new Promise<string>((resolve) => client.onEvent?.((e) => e.kind === 'serving' && e.service === 'rest' && resolve(e.url)));
  jobId = ((await (await fetch(`${url}/jobs/overview`)).json()) as { jobs: { jid: string; name: string }[] }).jobs.find((j) => j.name === 'user-metrics')!.jid;
  // Both slots have reported records through the counter.
  await eventually(async () =>
    (client.metrics()[1]?.userMetrics ?? []).filter((u) => u.name === 'seenOrders' && u.value > 100).length === 2 ? true : undefined,
  );
}, 60_000);

afterAll(async () => {
  await client.cancel();
  await closeRestServers();
});

type Families = ReturnType<typeof parsePrometheusTextFormat>;
const scrape = async (): Promise<Families> => parsePrometheusTextFormat(await (await fetch(`${url}/metrics`)).text());
const family = (f: Families, name: string) => f.find((x) => x.name === `weir_taskmanager_job_task_operator_${name}`);

describe('user-defined metrics through getMetricGroup(), in worker-thread slots (-p 2)', () => {
  it('exports counters, gauges and meters per subtask, and a histogram as a summary, with Flink reporter names', async () => {
    const f = await scrape();
    const seen = family(f, 'seenOrders')!;
    expect(seen.type).toBe('GAUGE');
    const count = (m: { labels?: Record<string, string> }) => m.labels?.operator_name === 'Count';
    expect(
      seen.metrics
        .filter(count)
        .map((m) => m.labels!.subtask_index)
        .sort(),
    ).toEqual(['0', '1']);
    // Each record through the function was counted once: the counters add up to the operator's records in,
    // both read from the same report of the slots.
    const recordsIn = Number(family(f, 'numRecordsIn')!.metrics.find(count)!.value);
    expect(seen.metrics.filter(count).reduce((s, m) => s + Number(m.value), 0)).toBe(recordsIn);
    expect(recordsIn).toBeGreaterThan(0);

    const gauge = family(f, 'subtaskNumber')!;
    for (const m of gauge.metrics) expect(Number(m.value)).toBe(Number(m.labels!.subtask_index) + 1);

    const meter = family(f, 'ordersPerSecond')!;
    for (const m of meter.metrics) expect(Number(m.value)).toBeGreaterThan(0);

    const hist = family(f, 'orders_idLastTwoDigits')!;
    expect(hist.type).toBe('SUMMARY');
    // The parser folds a labelled summary's series into one; the values per subtask are checked over REST below.
    expect(Object.keys((hist.metrics[0] as unknown as { quantiles: Record<string, string> }).quantiles).sort()).toEqual([
      '0.5',
      '0.75',
      '0.95',
      '0.98',
      '0.99',
      '0.999',
    ]);
    const text = await (await fetch(`${url}/metrics`)).text();
    for (const subtask of ['0', '1']) {
      expect(text).toMatch(new RegExp(`^weir_taskmanager_job_task_operator_orders_idLastTwoDigits_count\\{[^}]*subtask_index="${subtask}"\\} [1-9]`, 'm'));
      expect(text).toMatch(new RegExp(`^weir_taskmanager_job_task_operator_orders_idLastTwoDigits_sum\\{[^}]*subtask_index="${subtask}"\\} [1-9]`, 'm'));
    }
  });

  it('reports the keyed state size per operator: one entry per user of the count state', async () => {
    const f = await scrape();
    const entries = family(f, 'stateEntries')!;
    expect(entries.metrics.map((m) => [m.labels!.operator_name, Number(m.value)])).toEqual([['Count', 5]]);
  });

  it('answers the REST vertex metrics as Flink does: the ids, then the values asked for', async () => {
    const detail = (await (await fetch(`${url}/jobs/${jobId}`)).json()) as { vertices: { id: string; name: string }[] };
    const vertex = detail.vertices.find((v) => v.name === 'Count')!;
    const ids = ((await (await fetch(`${url}/jobs/${jobId}/vertices/${vertex.id}/metrics`)).json()) as { id: string }[]).map((e) => e.id);
    for (const id of ['numRecordsIn', 'stateEntries', '0.seenOrders', '1.seenOrders', '0.subtaskNumber', '1.ordersPerSecond', '0.orders_idLastTwoDigits_p99'])
      expect(ids).toContain(id);
    const got = (await (await fetch(`${url}/jobs/${jobId}/vertices/${vertex.id}/metrics?get=0.subtaskNumber,1.subtaskNumber,stateEntries`)).json()) as {
      id: string;
      value: string;
    }[];
    expect(got).toEqual([
      { id: 'stateEntries', value: '5' },
      { id: '0.subtaskNumber', value: '1' },
      { id: '1.subtaskNumber', value: '2' },
    ]);
    // The histogram of two digits of ids that run through every value: the median of the last 1,024 is near 50.
    const stats = (await (
      await fetch(
        `${url}/jobs/${jobId}/vertices/${vertex.id}/metrics?get=0.orders_idLastTwoDigits_p50,1.orders_idLastTwoDigits_p50,0.orders_idLastTwoDigits_max,0.orders_idLastTwoDigits_min`,
      )
    ).json()) as { id: string; value: string }[];
    const stat = (id: string) => Number(stats.find((e) => e.id === id)!.value);
    for (const id of ['0.orders_idLastTwoDigits_p50', '1.orders_idLastTwoDigits_p50']) {
      expect(stat(id)).toBeGreaterThan(35);
      expect(stat(id)).toBeLessThan(65);
    }
    expect(stat('0.orders_idLastTwoDigits_min')).toBeGreaterThanOrEqual(0);
    expect(stat('0.orders_idLastTwoDigits_max')).toBeLessThanOrEqual(99);
    expect((await fetch(`${url}/jobs/${jobId}/vertices/nope/metrics`)).status).toBe(404);
  });
});
