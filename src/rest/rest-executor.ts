import { describe } from '../core/errors.js';
import type { ExecutionConfig, JobClient, JobExecutor } from '../graph/job-executor.js';
import { planGraph } from '../graph/planning/plan-graph.js';
import type { StreamGraph } from '../graph/stream-graph.js';
import { slotContext } from '../runtime/parallel/slot-context.js';
import { serveJob } from './rest-service.js';
import { ServedJob } from './served-job.js';
import { ServedJobClient } from './served-job-client.js';

/**
 * Wraps an executor so that a job configured with `rest.port` (or `metrics.reporter.prom.port`)
 * is served over HTTP while it runs. Slot workers run a share of a job the main thread serves, so
 * they start nothing.
 *
 * @example
 * StreamEnvironment.setDefaultExecutor(servingExecutor(new LocalExecutor()));
 */
export function servingExecutor(inner: JobExecutor): JobExecutor {
  return {
    submit(graph: StreamGraph, jobName: string, config: ExecutionConfig): JobClient {
      const client = inner.submit(graph, jobName, config);
      const rest = config.rest;
      if (!rest || slotContext()) return client;
      const served = new ServedJobClient(client);
      const job = new ServedJob(served, planGraph(graph, config), config);
      const urls = serveJob(job, rest);
      const say = (service: 'rest' | 'prometheus', url: Promise<string> | undefined) =>
        url?.then(
          (u) =>
            served.emit({
              kind: 'serving',
              jobName,
              service,
              url: u,
              message: service === 'rest' ? `Job '${jobName}': REST API at ${u} (job id ${job.id})` : `Job '${jobName}': Prometheus metrics at ${u}/metrics`,
            }),
          // The job runs on without its server: a port in use must not stop the data.
          (e: unknown) =>
            process.emitWarning(
              `Job '${jobName}': the ${service === 'rest' ? 'REST API' : 'Prometheus endpoint'} did not start: ${describe(e)}`,
              'WeirRestWarning',
            ),
        );
      say('rest', urls.rest);
      say('prometheus', urls.prometheus);
      return served;
    },
  };
}
