import { Hono, type Context } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { describe } from '../core/errors.js';
import { StateQueryError } from '../graph/job-executor.js';
import { dashboardAsset, isDashboardAsset } from './dashboard-assets.js';
import { checkpointConfigView, checkpointsView, clusterOverview, exceptionsView, jobDetail, jobOverview, planView, watermarksView } from './job-views.js';
import { prometheusText } from './prometheus-exposition.js';
import { configEntries } from '../core/redact.js';
import type { ServedJob } from './served-job.js';
import { vertexMetrics } from './vertex-metrics.js';
import { jobUpdates } from './job-updates-stream.js';

/** What the routes read: the jobs served, and how requests are guarded. */
export interface RestAppOptions {
  readonly jobs: () => readonly ServedJob[];
  readonly version: string;
  readonly token?: string;
  readonly maxContentLength: number;
}

const errors = (c: Context, status: 400 | 404 | 409 | 413 | 500 | 501, message: string) => c.json({ errors: [message] }, status);

/**
 * The guard every app shares: a token (when set) on every request, a size limit on every body,
 * and errors answered as Flink does (`{ errors: [...] }`) instead of reaching the job.
 */
function guarded(options: RestAppOptions): Hono {
  const app = new Hono();
  // A rejected token arrives as an HTTPException that carries its own answer (401).
  app.onError((e, c) => (e instanceof HTTPException ? e.getResponse() : errors(c, 500, describe(e))));
  app.notFound((c) => errors(c, 404, `Not found: ${c.req.method} ${c.req.path}`));
  if (options.token) {
    const auth = bearerAuth({
      token: options.token,
      noAuthenticationHeader: { message: { errors: ['Missing token: send the header Authorization: Bearer <rest.auth.token>'] } },
    });
    // The dashboard's page and scripts hold no data, and a browser cannot send the header to load
    // them: the page asks for the token and sends it with every API request.
    app.use('*', (c, next) => (c.req.method === 'GET' && isDashboardAsset(c.req.path) ? next() : auth(c, next)));
  }
  app.use(
    '*',
    bodyLimit({
      maxSize: options.maxContentLength,
      onError: (c) => errors(c, 413, `Request body larger than rest.server.max-content-length (${options.maxContentLength} bytes)`),
    }),
  );
  return app;
}

function metricsRoute(app: Hono, options: RestAppOptions): void {
  app.get('/metrics', (c) => c.body(prometheusText(options.jobs()), 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }));
}

/** An app that serves `/metrics` alone (`metrics.reporter.prom.port`). */
export function prometheusApp(options: RestAppOptions): Hono {
  const app = guarded(options);
  metricsRoute(app, options);
  return app;
}

/** A file of the web dashboard (see dashboard-assets.ts). */
async function serveAsset(c: Context): Promise<Response> {
  const asset = await dashboardAsset(c.req.path);
  if (!asset) return errors(c, 404, `Not found: ${c.req.path}`);
  return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, { 'content-type': asset.type, 'cache-control': 'no-cache' });
}

/** A key from the query string: JSON when it parses (`42`, `"42"`, `["a",1]`), else the text itself (`ann`). */
function parseKey(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** Reads an optional JSON object body; undefined when it is not one. */
async function jsonBody(c: Context): Promise<Record<string, unknown> | undefined> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The REST API: Flink's paths and JSON shapes for the jobs this process serves, and `/metrics`.
 *
 * @example
 * const app = restApp({ jobs: () => [job], version: '0.1.0', maxContentLength: 65536 });
 * await app.request('/jobs/overview');
 */
export function restApp(options: RestAppOptions): Hono {
  const app = guarded(options);
  const find = (c: Context) => options.jobs().find((j) => j.id === c.req.param('jobid'));
  const noJob = (c: Context) => errors(c, 404, `Job ${c.req.param('jobid')} not found`);
  metricsRoute(app, options);

  app.get('/web/:file{.+}', (c) => serveAsset(c));
  app.get('/', (c) => serveAsset(c));
  app.get('/overview', (c) => c.json(clusterOverview(options.jobs(), options.version)));
  app.get('/config', (c) =>
    c.json({
      'refresh-interval': 3000,
      'timezone-name': Intl.DateTimeFormat().resolvedOptions().timeZone,
      'timezone-offset': -new Date().getTimezoneOffset() * 60_000,
      'flink-version': options.version,
      'flink-revision': '',
      features: { 'web-submit': false, 'web-cancel': true, 'web-rescale': false, 'web-history': false },
    }),
  );
  app.get('/jobmanager/config', (c) => c.json(options.jobs().flatMap((j) => configEntries(j.config.settings ?? {}))));
  app.get('/jobs', (c) => c.json({ jobs: options.jobs().map((j) => ({ id: j.id, status: j.client.status() })) }));
  app.get('/jobs/overview', (c) => c.json({ jobs: options.jobs().map((j) => jobOverview(j)) }));
  app.get('/jobs/:jobid', (c) => {
    const job = find(c);
    return job ? c.json(jobDetail(job)) : noJob(c);
  });
  app.get('/jobs/:jobid/config', (c) => {
    const job = find(c);
    if (!job) return noJob(c);
    const cfg = job.config;
    return c.json({
      jid: job.id,
      name: job.client.jobName,
      'execution-config': {
        'execution-mode': 'PIPELINED',
        'restart-strategy': cfg.restartStrategy?.type ?? 'none',
        'job-parallelism': cfg.parallelism,
        'object-reuse-mode': true,
        'user-config': Object.fromEntries(configEntries(cfg.settings ?? {}).map((e) => [e.key, e.value])),
      },
    });
  });
  app.get('/jobs/:jobid/vertices/:vertexid/watermarks', (c) => {
    const job = find(c);
    if (!job) return noJob(c);
    const view = watermarksView(job, c.req.param('vertexid'));
    return view ? c.json(view) : errors(c, 404, `Job ${job.id} has no vertex ${c.req.param('vertexid')}`);
  });
  app.get('/jobs/:jobid/updates', (c) => {
    const job = find(c);
    return job ? jobUpdates(c, job, options.jobs) : noJob(c);
  });
  app.get('/jobs/:jobid/vertices/:vertexid/metrics', (c) => {
    const job = find(c);
    if (!job) return noJob(c);
    const view = vertexMetrics(job, c.req.param('vertexid'), c.req.query('get'));
    return view ? c.json(view) : errors(c, 404, `Job ${job.id} has no vertex ${c.req.param('vertexid')}`);
  });
  app.get('/jobs/:jobid/state/:uid/:name', async (c) => {
    const job = find(c);
    if (!job) return noJob(c);
    const raw = c.req.query('key');
    if (raw === undefined) return errors(c, 400, 'Missing ?key=: the key to read (JSON, e.g. key=42 or key="42", or else taken as a string)');
    const key = parseKey(raw);
    try {
      if (!job.client.queryState) return errors(c, 501, 'This job cannot answer live state queries');
      const value = await job.client.queryState(c.req.param('uid'), c.req.param('name'), key);
      return c.json({ key, value: value ?? null });
    } catch (e) {
      if (!(e instanceof StateQueryError)) throw e;
      return errors(c, e.reason === 'unknown' ? 404 : e.reason === 'not-running' ? 409 : 501, e.message);
    }
  });
  app.get('/jobs/:jobid/plan', (c) => {
    const job = find(c);
    return job ? c.json(planView(job)) : noJob(c);
  });
  app.get('/jobs/:jobid/exceptions', (c) => {
    const job = find(c);
    return job ? c.json(exceptionsView(job)) : noJob(c);
  });
  app.get('/jobs/:jobid/checkpoints', (c) => {
    const job = find(c);
    return job ? c.json(checkpointsView(job)) : noJob(c);
  });
  app.get('/jobs/:jobid/checkpoints/config', (c) => {
    const job = find(c);
    if (!job) return noJob(c);
    const view = checkpointConfigView(job);
    return view ? c.json(view) : errors(c, 404, `Job ${job.id} has no checkpointing configured`);
  });

  const savepoint = async (c: Context, stop: boolean) => {
    const job = find(c);
    if (!job) return noJob(c);
    const body = await jsonBody(c);
    if (!body) return errors(c, 400, 'The request body is not a JSON object');
    if (body['target-directory'] !== undefined && body['target-directory'] !== null) {
      return errors(c, 400, "target-directory is not supported: savepoints go to the checkpoint directory ('state.checkpoints.dir')");
    }
    if (!job.config.checkpointing) return errors(c, 409, `Job ${job.id} has no checkpointing configured: set execution.checkpointing.interval`);
    const status = job.client.status();
    if (status !== 'RUNNING') return errors(c, 409, `Job ${job.id} is ${status}, not RUNNING`);
    return c.json({ 'request-id': job.requestSavepoint(stop || body['cancel-job'] === true) }, 202);
  };
  app.post('/jobs/:jobid/savepoints', (c) => savepoint(c, false));
  app.post('/jobs/:jobid/stop', (c) => savepoint(c, true));
  app.get('/jobs/:jobid/savepoints/:triggerid', (c) => {
    const job = find(c);
    if (!job) return noJob(c);
    const request = job.savepoints.get(c.req.param('triggerid'));
    if (!request) return errors(c, 404, `No savepoint request ${c.req.param('triggerid')} for job ${job.id}`);
    const operation =
      request.status === 'IN_PROGRESS'
        ? undefined
        : request.failure !== undefined
          ? { 'failure-cause': { class: 'WeirError', 'stack-trace': request.failure, 'serialized-throwable': '' } }
          : { location: request.location };
    return c.json({ status: { id: request.status }, ...(operation ? { operation } : {}) });
  });
  app.patch('/jobs/:jobid', (c) => {
    const job = find(c);
    if (!job) return noJob(c);
    const mode = c.req.query('mode') ?? 'cancel';
    if (mode !== 'cancel') return errors(c, 400, `mode=${mode} is not supported: use mode=cancel, or POST /jobs/:jobid/stop to stop with a savepoint`);
    // The answer does not wait for the job to end; poll GET /jobs/:jobid for CANCELED.
    void job.client.cancel().catch(() => undefined);
    return c.json({}, 202);
  });
  return app;
}
