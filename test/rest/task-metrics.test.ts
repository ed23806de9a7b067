import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamEnvironment, WatermarkStrategy, closeRestServers, datagen, type JobClient } from '../../src/index.js';
import { eventually } from './running-job.js';

/** Event time of row `i`: the rows' timestamps rise by one millisecond per row from here. */
const BASE = 1_700_000_000_000;

/**
 * A job with event time and a slow sink: each write takes 20 ms, so the source spends most of its
 * time waiting (back-pressure), and the map burns a little CPU per record (busy time).
 */
let client: JobClient;
let url: string;
let jobId: string;
beforeAll(async () => {
  const env = StreamEnvironment.create({ 'rest.port': 0 });
  env
    .fromSource(
      datagen({ numberOfRows: 10_000_000, rowsPerSecond: 50_000, seed: 3, generator: (i) => ({ id: i, ts: BASE + i }) }),
      WatermarkStrategy.monotonousTimestamps<{ id: number; ts: number }>((o) => o.ts),
    )
    .name('Orders')
    .keyBy((o) => o.id % 4)
    .map((o) => {
      let h = o.id;
      for (let k = 0; k < 200; k++) h = (h * 31 + k) | 0;
      return h;
    })
    .name('Hash')
    .sinkTo({ name: 'Slow', createWriter: () => ({ write: () => new Promise<void>((r) => setTimeout(r, 20)) }) });
  client = env.executeAsync('task-metrics');
  client.result.catch(() => undefined);
  url = await new Promise<string>((resolve) => client.onEvent?.((e) => e.kind === 'serving' && e.service === 'rest' && resolve(e.url)));
  const jobs = (await (await fetch(`${url}/jobs/overview`)).json()) as { jobs: { jid: string; name: string }[] };
  jobId = jobs.jobs.find((j) => j.name === 'task-metrics')!.jid;
});
afterAll(async () => {
  await client.cancel();
  await closeRestServers();
});

const getJson = async (path: string) => (await (await fetch(`${url}${path}`)).json()) as any;

describe('busy time, back-pressure and watermarks of a running job', () => {
  it('the metrics snapshot has them per operator', async () => {
    const m = await eventually(async () => {
      const ms = client.metrics();
      return ms[0]!.backPressuredTimeMs! > 0 && ms[1]!.busyTimeMs! > 0 && ms[1]!.subtasks![0]!.inputWatermark > BASE ? ms : undefined;
    });
    const [orders, hash, slow] = m;
    // Watermarks of monotonous timestamps trail the largest timestamp emitted by one millisecond.
    const emitted = orders!.recordsOut;
    expect(orders!.subtasks![0]!.outputWatermark).toBeLessThanOrEqual(BASE + emitted - 2);
    expect(hash!.subtasks![0]!.inputWatermark).toBeLessThanOrEqual(orders!.subtasks![0]!.outputWatermark);
    expect(slow!.subtasks![0]!.inputWatermark).toBeLessThanOrEqual(hash!.subtasks![0]!.outputWatermark);
    // The source waits for the slow sink; the tasks downstream of it are never waited for.
    expect(hash!.backPressuredTimeMs).toBe(0);
    expect(orders!.busyTimeMs).toBeGreaterThan(0);
  });

  it('/jobs/:jobid shows them per vertex and /vertices/:id/watermarks per subtask, as Flink does', async () => {
    const d = await eventually(async () => {
      const j = await getJson(`/jobs/${jobId}`);
      return j.vertices[0].backPressuredTimeMsPerSecond > 0 && j.vertices[1].busyTimeMsPerSecond > 0 ? j : undefined;
    });
    const [orders, hash] = d.vertices;
    expect(orders.backpressureLevel).not.toBe('ok');
    expect(orders.backPressuredTimeMsPerSecond).toBeLessThanOrEqual(1000);
    expect(hash.metrics['accumulated-busy-time']).toBeGreaterThanOrEqual(0);
    expect(hash.currentInputWatermark).toBeGreaterThan(BASE);
    expect(hash.currentInputWatermark).toBeLessThanOrEqual(BASE + client.metrics()[0]!.recordsOut);

    const wms = (await getJson(`/jobs/${jobId}/vertices/${hash.id}/watermarks`)) as { id: string; value: string }[];
    expect(wms.map((w) => w.id)).toEqual(['0.currentInputWatermark', '0.currentOutputWatermark', 'currentInputWatermark', 'currentOutputWatermark']);
    expect(Number(wms[0]!.value)).toBeGreaterThan(BASE);
    expect((await fetch(`${url}/jobs/${jobId}/vertices/nope/watermarks`)).status).toBe(404);
  });

  it('/metrics has them under Flink reporter names', async () => {
    const families = await eventually(async () => {
      const f = parsePrometheusTextFormat(await (await fetch(`${url}/metrics`)).text());
      const bp = f
        .find((x) => x.name === 'weir_taskmanager_job_task_backPressuredTimeMsPerSecond')
        ?.metrics.find((s) => s.labels?.job_id === jobId && s.labels.operator_name === 'Orders');
      return bp && Number(bp.value) > 0 ? f : undefined;
    });
    const raw = (name: string, op: string) =>
      families.find((f) => f.name === name)!.metrics.find((s) => s.labels!.job_id === jobId && s.labels!.operator_name === op)!.value;
    const sample = (name: string, op: string) => Number(raw(name, op));
    expect(sample('weir_taskmanager_job_task_busyTimeMsPerSecond', 'Hash')).toBeGreaterThan(0);
    expect(sample('weir_taskmanager_job_task_busyTimeMsPerSecond', 'Hash')).toBeLessThanOrEqual(1000);
    expect(sample('weir_taskmanager_job_task_operator_currentInputWatermark', 'Hash')).toBeGreaterThan(BASE);
    expect(sample('weir_taskmanager_job_task_operator_currentOutputWatermark', 'Orders')).toBeGreaterThan(BASE);
    // A source receives no watermark: Prometheus' -Inf.
    expect(raw('weir_taskmanager_job_task_operator_currentInputWatermark', 'Orders')).toBe('-Inf');
  });
});
