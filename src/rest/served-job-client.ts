import {
  StateQueryError,
  type CheckpointStats,
  type JobClient,
  type JobEvent,
  type JobResult,
  type JobStatus,
  type OperatorMetricsSnapshot,
} from '../graph/job-executor.js';
import type { DeliveryGuarantee } from '../graph/delivery-guarantee.js';
import type { UncommittedOutputNote } from '../graph/uncommitted-output.js';

/**
 * The client of a job with a REST server: the runtime's client, with the server's own events
 * (`serving`) added to the job's, so launchers print the address as they print restores.
 */
export class ServedJobClient implements JobClient {
  private readonly listeners = new Set<(e: JobEvent) => void>();
  private readonly early: JobEvent[] = [];

  constructor(private readonly inner: JobClient) {
    inner.onEvent?.((e) => this.emit(e));
  }

  get jobName(): string {
    return this.inner.jobName;
  }
  get result(): Promise<JobResult> {
    return this.inner.result;
  }
  status(): JobStatus {
    return this.inner.status();
  }
  metrics(): OperatorMetricsSnapshot[] {
    return this.inner.metrics();
  }
  currentWatermark(): number {
    return this.inner.currentWatermark();
  }
  cancel(): Promise<void> {
    return this.inner.cancel();
  }
  queryState(uid: string, name: string, key: unknown): Promise<unknown> {
    return this.inner.queryState
      ? this.inner.queryState(uid, name, key)
      : Promise.reject(new StateQueryError('unsupported', 'This job cannot answer live state queries'));
  }
  triggerSavepoint(): Promise<string> {
    return this.inner.triggerSavepoint();
  }
  checkpoints(): CheckpointStats[] {
    return this.inner.checkpoints();
  }
  guarantee(): { guarantee: DeliveryGuarantee; reason?: string } {
    return this.inner.guarantee();
  }
  uncommittedOutput(): UncommittedOutputNote[] {
    return this.inner.uncommittedOutput?.() ?? [];
  }
  restarts(): { at: number; cause: string }[] {
    return this.inner.restarts();
  }
  failure(): { at: number; cause: string } | undefined {
    return this.inner.failure?.();
  }

  onEvent(listener: (event: JobEvent) => void): () => void {
    this.listeners.add(listener);
    // A server may be listening before the launcher subscribed: it still hears where.
    for (const e of this.early) listener(e);
    return () => void this.listeners.delete(listener);
  }

  /** Tells every listener; an event sent before anyone listened is kept for the first listeners. */
  emit(event: JobEvent): void {
    if (event.kind === 'serving') this.early.push(event);
    for (const l of this.listeners) l(event);
  }
}
