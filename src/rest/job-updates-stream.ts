import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { checkpointsView, exceptionsView, jobDetail, jobOverview } from './job-views.js';
import type { ServedJob } from './served-job.js';

const TERMINAL = ['FINISHED', 'FAILED', 'CANCELED'];
/** Between two updates unless the request asks otherwise (`?interval=` in ms, 100 at least). */
const DEFAULT_INTERVAL_MS = 1000;

/**
 * What the dashboard draws, in one piece: the jobs listed, the job's detail (vertices with rates,
 * back-pressure, watermarks), its checkpoints and exceptions, and how far its watermark lags the
 * wall clock (`watermarkLagMs`, null before the first watermark or after the last).
 */
export function jobUpdate(job: ServedJob, jobs: readonly ServedJob[], now = Date.now()): Record<string, unknown> {
  const wm = job.client.currentWatermark();
  return {
    jobs: jobs.map((j) => jobOverview(j, now)),
    detail: jobDetail(job, now),
    checkpoints: checkpointsView(job),
    exceptions: exceptionsView(job),
    watermarkLagMs: Number.isFinite(wm) ? Math.max(0, now - wm) : null,
  };
}

/**
 * `GET /jobs/:jobid/updates`: server-sent events, one `update` ({@link jobUpdate}) at once and
 * then every second (`?interval=`), until the job ends (its last state is sent, then the stream
 * closes) or the client goes away. A Weir path: Flink's web UI polls.
 *
 * @example
 * curl -N localhost:8081/jobs/<jobid>/updates
 * // event: update
 * // data: {"jobs":[...],"detail":{...},"checkpoints":{...},"exceptions":{...},"watermarkLagMs":812}
 */
export function jobUpdates(c: Context, job: ServedJob, jobs: () => readonly ServedJob[]): Response {
  const asked = Number(c.req.query('interval'));
  const interval = Number.isFinite(asked) && asked >= 100 ? asked : DEFAULT_INTERVAL_MS;
  return streamSSE(c, async (stream) => {
    for (let id = 0; !stream.aborted && !stream.closed; id++) {
      const ended = TERMINAL.includes(job.client.status());
      await stream.writeSSE({ event: 'update', id: String(id), data: JSON.stringify(jobUpdate(job, jobs())) });
      if (ended) break;
      await stream.sleep(interval);
    }
  });
}
