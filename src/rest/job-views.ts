import type { CheckpointStats, JobStatus, OperatorMetricsSnapshot } from '../graph/job-executor.js';
import { redact } from '../core/redact.js';
import type { ServedJob } from './served-job.js';

/*
 * The JSON the REST API answers with, in the shapes of Flink's REST API (field names included, so
 * scripts written against Flink read them), built from what the JobClient reports.
 */

const TERMINAL: readonly JobStatus[] = ['FINISHED', 'FAILED', 'CANCELED'];

/** Flink counts tasks per state; every subtask of a job shares the job's state here. */
function taskCounts(status: JobStatus, total: number): Record<string, number> {
  const counts: Record<string, number> = {
    CREATED: 0,
    SCHEDULED: 0,
    DEPLOYING: 0,
    RUNNING: 0,
    FINISHED: 0,
    CANCELING: 0,
    CANCELED: 0,
    FAILED: 0,
    RECONCILING: 0,
    INITIALIZING: 0,
  };
  counts[status === 'RESTARTING' ? 'DEPLOYING' : status] = total;
  return counts;
}

/** `GET /jobs/overview`: one entry per job. */
export function jobOverview(job: ServedJob, now = Date.now()): Record<string, unknown> {
  const status = job.client.status();
  const total = job.vertices.reduce((s, v) => s + v.parallelism, 0);
  return {
    jid: job.id,
    name: job.client.jobName,
    state: status,
    'start-time': job.startTime,
    'end-time': job.endTime,
    duration: job.duration(now),
    'last-modification': job.endTime < 0 ? now : job.endTime,
    tasks: { total, ...Object.fromEntries(Object.entries(taskCounts(status, total)).map(([k, v]) => [k.toLowerCase(), v])) },
  };
}

/** `GET /overview`: the cluster, which is this process. */
export function clusterOverview(jobs: readonly ServedJob[], version: string): Record<string, unknown> {
  const count = (s: JobStatus[]) => jobs.filter((j) => s.includes(j.client.status())).length;
  const slots = Math.max(0, ...jobs.filter((j) => !TERMINAL.includes(j.client.status())).flatMap((j) => j.vertices.map((v) => v.parallelism)));
  return {
    taskmanagers: 1,
    'slots-total': slots,
    'slots-available': 0,
    'jobs-running': count(['CREATED', 'RUNNING', 'RESTARTING']),
    'jobs-finished': count(['FINISHED']),
    'jobs-cancelled': count(['CANCELED']),
    'jobs-failed': count(['FAILED']),
    'flink-version': version,
    'flink-commit': '',
  };
}

/** Flink's levels of `/backpressure`: above 10% of the time is low, above 50% high. */
export function backpressureLevel(msPerSecond: number): 'ok' | 'low' | 'high' {
  return msPerSecond > 500 ? 'high' : msPerSecond > 100 ? 'low' : 'ok';
}

/** Flink shows "no watermark yet" as Long.MIN_VALUE; JSON has no -Infinity. */
const NO_WATERMARK = -9223372036854775808;

function watermarkValue(w: number): number {
  return Number.isFinite(w) ? w : w > 0 ? Number.MAX_SAFE_INTEGER : NO_WATERMARK;
}

/** The lowest watermark over an operator's subtasks: the one its event time has reached. */
function lowest(m: OperatorMetricsSnapshot | undefined, field: 'inputWatermark' | 'outputWatermark'): number {
  const subs = m?.subtasks ?? [];
  return subs.length === 0 ? -Infinity : Math.min(...subs.map((s) => s[field]));
}

/**
 * `GET /jobs/:jobid/vertices/:vertexid/watermarks`: as Flink answers it, one entry per subtask and
 * watermark, `{ id: "0.currentInputWatermark", value: "1700000000000" }` (values as strings), plus
 * the vertex's lowest (Flink's web UI computes that itself).
 */
export function watermarksView(job: ServedJob, vertexId: string): Record<string, string>[] | undefined {
  const i = job.vertices.findIndex((v) => v.id === vertexId);
  if (i < 0) return undefined;
  const m = job.client.metrics()[i];
  const entries: Record<string, string>[] = [];
  for (const s of m?.subtasks ?? []) {
    entries.push({ id: `${s.index}.currentInputWatermark`, value: String(watermarkValue(s.inputWatermark)) });
    entries.push({ id: `${s.index}.currentOutputWatermark`, value: String(watermarkValue(s.outputWatermark)) });
  }
  entries.push({ id: 'currentInputWatermark', value: String(watermarkValue(lowest(m, 'inputWatermark'))) });
  entries.push({ id: 'currentOutputWatermark', value: String(watermarkValue(lowest(m, 'outputWatermark'))) });
  return entries;
}

/** `GET /jobs/:jobid`: the job and its vertices (operators) with parallelism, status and record counts. */
export function jobDetail(job: ServedJob, now = Date.now()): Record<string, unknown> {
  const status = job.client.status();
  const metrics = job.client.metrics();
  const rates = job.rates.rates(metrics, now);
  const vertices = job.vertices.map((v, i) => {
    const m: OperatorMetricsSnapshot | undefined = metrics[i];
    return {
      id: v.id,
      name: v.name,
      uid: v.uid,
      parallelism: v.parallelism,
      maxParallelism: job.config.maxParallelism,
      status,
      'start-time': job.startTime,
      'end-time': job.endTime,
      duration: job.duration(now),
      tasks: taskCounts(status, v.parallelism),
      metrics: {
        'read-records': m?.recordsIn ?? 0,
        'read-records-complete': TERMINAL.includes(status),
        'write-records': m?.recordsOut ?? 0,
        'write-records-complete': TERMINAL.includes(status),
        'read-records-per-second': rates[i]?.inPerSecond ?? 0,
        'write-records-per-second': rates[i]?.outPerSecond ?? 0,
        'accumulated-busy-time': Math.round(m?.busyTimeMs ?? 0),
        'accumulated-backpressured-time': Math.round(m?.backPressuredTimeMs ?? 0),
        ...(m && Object.keys(m.counters).length > 0 ? { counters: m.counters } : {}),
      },
      busyTimeMsPerSecond: Math.round(rates[i]?.busyMsPerSecond ?? 0),
      backPressuredTimeMsPerSecond: Math.round(rates[i]?.backPressuredMsPerSecond ?? 0),
      backpressureLevel: backpressureLevel(rates[i]?.backPressuredMsPerSecond ?? 0),
      currentInputWatermark: watermarkValue(lowest(m, 'inputWatermark')),
      currentOutputWatermark: watermarkValue(lowest(m, 'outputWatermark')),
    };
  });
  const statusCounts = taskCounts(status, job.vertices.length);
  return {
    jid: job.id,
    name: job.client.jobName,
    isStoppable: job.config.checkpointing !== undefined,
    state: status,
    'job-type': 'STREAMING',
    'start-time': job.startTime,
    'end-time': job.endTime,
    duration: job.duration(now),
    maxParallelism: job.config.maxParallelism,
    now,
    timestamps: { CREATED: job.startTime, ...(job.endTime >= 0 ? { [status]: job.endTime } : {}) },
    vertices,
    'status-counts': statusCounts,
    plan: planView(job).plan,
  };
}

interface DescribedNode {
  id: number;
  name: string;
  kind: string;
  params?: Record<string, unknown>;
  parallelism?: number;
  chain?: number;
  inputs: { from: number; partitioner: string; sideOutput?: string }[][];
}

/**
 * `GET /jobs/:jobid/plan`: Flink's plan shape (`nodes` with `inputs` and ship strategies), each
 * node also carrying what `env.explain()` prints for it; parameters that name secrets are hidden.
 */
export function planView(job: ServedJob): { plan: Record<string, unknown> } {
  const described = job.graph.describe() as { chains: string[]; nodes: DescribedNode[] };
  const nodes = described.nodes.map((n, i) => {
    const v = job.vertices[i]!;
    return {
      id: v.id,
      parallelism: v.parallelism,
      operator: n.kind,
      operator_strategy: n.kind,
      description: n.name,
      ...(n.params ? { params: redact(n.params) } : {}),
      ...(n.chain !== undefined ? { chain: n.chain } : {}),
      inputs: n.inputs.flatMap((inp, num) =>
        inp.map((e) => ({
          num,
          id: job.vertices[e.from]!.id,
          ship_strategy: e.partitioner.toUpperCase(),
          exchange: e.partitioner === 'forward' ? 'pipelined' : 'pipelined_bounded',
          ...(e.sideOutput ? { side_output: e.sideOutput } : {}),
        })),
      ),
    };
  });
  return { plan: { jid: job.id, name: job.client.jobName, type: 'STREAMING', chains: described.chains, nodes } };
}

/** `GET /jobs/:jobid/exceptions`: the causes of restarts, newest first, and the failure that ended the job. */
export function exceptionsView(job: ServedJob): Record<string, unknown> {
  const entries = job.client.restarts().map((r) => ({
    exceptionName: 'WeirError',
    stacktrace: r.cause,
    timestamp: r.at,
    taskName: null,
    endpoint: null,
    failureLabels: {},
    concurrentExceptions: [],
  }));
  if (job.failure)
    entries.push({
      exceptionName: 'WeirError',
      stacktrace: job.failure.cause,
      timestamp: job.failure.at,
      taskName: null,
      endpoint: null,
      failureLabels: {},
      concurrentExceptions: [],
    });
  entries.reverse();
  const root = entries[0];
  return {
    'root-exception': root?.stacktrace ?? null,
    timestamp: root?.timestamp ?? null,
    'all-exceptions': [],
    truncated: false,
    exceptionHistory: { entries, truncated: false },
  };
}

function checkpointEntry(c: CheckpointStats, subtasks: number): Record<string, unknown> {
  return {
    className: c.status === 'COMPLETED' ? 'completed' : 'failed',
    id: c.id,
    status: c.status,
    is_savepoint: c.savepoint,
    savepointFormat: c.savepoint ? 'CANONICAL' : null,
    trigger_timestamp: c.triggeredAt,
    latest_ack_timestamp: c.triggeredAt + c.durationMs,
    checkpointed_size: c.sizeBytes,
    state_size: c.sizeBytes,
    end_to_end_duration: c.durationMs,
    alignment_buffered: 0,
    alignment_duration: c.alignmentMs,
    sync_duration: c.syncMs,
    num_subtasks: subtasks,
    num_acknowledged_subtasks: c.status === 'COMPLETED' ? subtasks : 0,
    ...(c.path ? { external_path: c.path } : {}),
    ...(c.failure ? { failure_message: c.failure } : {}),
  };
}

function summary(values: number[]): Record<string, number> {
  if (values.length === 0) return { min: 0, max: 0, avg: 0 };
  return { min: Math.min(...values), max: Math.max(...values), avg: Math.round(values.reduce((a, b) => a + b, 0) / values.length) };
}

/** `GET /jobs/:jobid/checkpoints`: counts, a summary of the completed ones, the latest of each kind and the history (newest first). */
export function checkpointsView(job: ServedJob): Record<string, unknown> {
  const all = job.client.checkpoints();
  const subtasks = job.vertices.reduce((s, v) => s + v.parallelism, 0);
  const completed = all.filter((c) => c.status === 'COMPLETED');
  const lastOf = (f: (c: CheckpointStats) => boolean) => {
    const c = all.filter(f).at(-1);
    return c ? checkpointEntry(c, subtasks) : null;
  };
  return {
    counts: { restored: job.client.restarts().length, total: all.length, in_progress: 0, completed: completed.length, failed: all.length - completed.length },
    summary: {
      checkpointed_size: summary(completed.map((c) => c.sizeBytes)),
      state_size: summary(completed.map((c) => c.sizeBytes)),
      end_to_end_duration: summary(completed.map((c) => c.durationMs)),
      alignment_buffered: summary([]),
    },
    latest: {
      completed: lastOf((c) => c.status === 'COMPLETED' && !c.savepoint),
      savepoint: lastOf((c) => c.status === 'COMPLETED' && c.savepoint),
      failed: lastOf((c) => c.status === 'FAILED'),
      restored: null,
    },
    history: all.map((c) => checkpointEntry(c, subtasks)).reverse(),
  };
}

/** `GET /jobs/:jobid/checkpoints/config`: how the job checkpoints; 404 when it does not. */
export function checkpointConfigView(job: ServedJob): Record<string, unknown> | undefined {
  const cp = job.config.checkpointing;
  if (!cp) return undefined;
  return {
    mode: cp.mode.toLowerCase(),
    interval: cp.interval,
    timeout: cp.timeout,
    min_pause: cp.minPause,
    max_concurrent: 1,
    externalization: { enabled: true, delete_on_cancellation: false },
    state_backend: job.config.stateBackend ?? 'hashmap',
    checkpoint_storage: 'FileSystemCheckpointStorage',
    checkpoint_directory: cp.dir,
    retained_checkpoints: cp.retained,
    unaligned_checkpoints: false,
    tolerable_failed_checkpoints: cp.tolerableFailures,
    aligned_checkpoint_timeout: 0,
    checkpoints_after_tasks_finish: true,
    state_changelog_enabled: false,
  };
}
