import { createHash, randomBytes } from 'node:crypto';
import { describe } from '../core/errors.js';
import type { ExecutionConfig, JobClient, JobStatus } from '../graph/job-executor.js';
import type { StreamGraph } from '../graph/stream-graph.js';
import { operatorUid, parallelismOf } from '../runtime/graph-layout.js';
import { MetricRates } from './metric-rates.js';

/** One operator as the REST API shows it: Flink's job vertex (Weir shows every operator, chained or not). */
export interface ServedVertex {
  /** 32 hex digits derived from the operator's uid, so it is the same in every run of the job. */
  readonly id: string;
  readonly name: string;
  readonly uid: string;
  readonly parallelism: number;
}

/** A savepoint asked for over REST, polled by its request id. */
export interface SavepointRequest {
  status: 'IN_PROGRESS' | 'COMPLETED';
  location?: string;
  failure?: string;
}

/** How long the per-second rates look back (Flink's `MeterView` uses 60 s; a shorter window follows changes sooner). */
const RATE_WINDOW_MS = 10_000;
const ENDED: readonly JobStatus[] = ['FINISHED', 'FAILED', 'CANCELED'];
/** Savepoint requests kept for polling; older ones are forgotten first. */
const MAX_REQUESTS = 100;

/**
 * What the REST server knows of one job besides its client: a Flink-style job id, its vertices in
 * the order of `client.metrics()`, when it started and ended, why it failed, the savepoints asked
 * for over REST, and the rates of its record counts.
 */
export class ServedJob {
  readonly id = randomBytes(16).toString('hex');
  readonly vertices: ServedVertex[];
  readonly startTime = Date.now();
  private endedAt = -1;
  readonly rates = new MetricRates(RATE_WINDOW_MS);
  readonly savepoints = new Map<string, SavepointRequest>();

  constructor(
    readonly client: JobClient,
    readonly graph: StreamGraph,
    readonly config: ExecutionConfig,
  ) {
    this.vertices = graph.nodes.map((n) => {
      const uid = operatorUid(n);
      return { id: createHash('md5').update(uid).digest('hex'), name: n.name, uid, parallelism: parallelismOf(n, config) };
    });
  }

  /**
   * When the job ended, -1 while it runs. Read from the status, not from `client.result`: a handler
   * on the result would make the failure of a job nobody awaits pass silently.
   */
  get endTime(): number {
    if (this.endedAt < 0 && ENDED.includes(this.client.status())) this.endedAt = this.client.failure?.()?.at ?? Date.now();
    return this.endedAt;
  }

  /** Why the job failed, once it has. */
  get failure(): { at: number; cause: string } | undefined {
    return this.client.failure?.();
  }

  /** Milliseconds the job has run, or ran. */
  duration(now = Date.now()): number {
    return (this.endTime < 0 ? now : this.endTime) - this.startTime;
  }

  /**
   * Takes a savepoint in the background and returns the request id to poll; with `thenCancel`
   * the job is cancelled once the savepoint is complete (`POST /jobs/:jobid/stop`).
   */
  requestSavepoint(thenCancel: boolean): string {
    const requestId = randomBytes(16).toString('hex');
    const request: SavepointRequest = { status: 'IN_PROGRESS' };
    this.savepoints.set(requestId, request);
    if (this.savepoints.size > MAX_REQUESTS) this.savepoints.delete(this.savepoints.keys().next().value!);
    this.client.triggerSavepoint().then(
      (location) => {
        request.location = location;
        request.status = 'COMPLETED';
        if (thenCancel) void this.client.cancel().catch(() => undefined);
      },
      (e: unknown) => {
        request.failure = describe(e);
        request.status = 'COMPLETED';
      },
    );
    return requestId;
  }
}
