import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, describe, expect, it } from 'vitest';
import { closeRestServers, type JobClient } from '../../src/index.js';
import { eventually, startRunningJob } from './running-job.js';

afterAll(() => closeRestServers());

const scrape = async (url: string) => parsePrometheusTextFormat(await (await fetch(`${url}/metrics`)).text());

function prometheusUrl(client: JobClient): Promise<string> {
  return new Promise((resolve) => client.onEvent?.((e) => e.kind === 'serving' && e.service === 'prometheus' && resolve(e.url)));
}

describe('/metrics in Prometheus text format', () => {
  it('has per-operator counts and rates and job checkpoint numbers, named as Flink names them with weir_', async () => {
    const job = await startRunningJob({ 'metrics.reporter.prom.port': 0 });
    try {
      await job.client.triggerSavepoint();
      const families = await eventually(async () => {
        const f = await scrape(job.url);
        const rate = f
          .find((x) => x.name === 'weir_taskmanager_job_task_operator_numRecordsOutPerSecond')
          ?.metrics.find((m) => m.labels?.operator_name === 'Orders');
        return rate && Number(rate.value) > 0 ? f : undefined;
      });
      const byName = new Map(families.map((f) => [f.name, f]));
      const out = byName.get('weir_taskmanager_job_task_operator_numRecordsOut')!;
      expect(out.type).toBe('GAUGE');
      expect(out.metrics.map((m) => m.labels!.operator_name)).toEqual(['Orders', 'Ids', 'Drop']);
      const orders = out.metrics[0]!;
      expect(orders.labels).toMatchObject({ job_id: job.jobId, job_name: 'rest-test' });
      expect(Number(orders.value)).toBeGreaterThan(0);
      expect(Number(orders.value)).toBeLessThanOrEqual(job.client.metrics()[0]!.recordsOut);
      for (const name of ['numRecordsIn', 'numRecordsInPerSecond', 'numRecordsOutPerSecond'])
        expect(byName.has(`weir_taskmanager_job_task_operator_${name}`)).toBe(true);
      const jobValue = (name: string) => Number(byName.get(`weir_jobmanager_job_${name}`)!.metrics.find((m) => m.labels!.job_id === job.jobId)!.value);
      expect(jobValue('numberOfCompletedCheckpoints')).toBe(1);
      expect(jobValue('totalNumberOfCheckpoints')).toBe(1);
      expect(jobValue('lastCheckpointSize')).toBe(job.client.checkpoints()[0]!.sizeBytes);
      expect(jobValue('numRestarts')).toBe(0);
      expect(jobValue('uptime')).toBeGreaterThan(0);

      // metrics.reporter.prom.port serves the same metrics, and nothing else.
      const prom = await prometheusUrl(job.client);
      expect((await scrape(prom)).some((f) => f.name === 'weir_taskmanager_job_task_operator_numRecordsOut')).toBe(true);
      expect((await fetch(`${prom}/jobs/overview`)).status).toBe(404);
    } finally {
      await job.client.cancel();
    }
  });
});
