import { join } from 'node:path';
import { WeirError, describe, isUnrecoverable } from '../core/errors.js';
import {
  StateQueryError,
  type CheckpointStats,
  type ExecutionConfig,
  type JobClient,
  type JobEvent,
  type JobResult,
  type JobStatus,
  type OperatorMetricsSnapshot,
} from '../graph/job-executor.js';
import { parseRestartStrategy } from '../graph/execution-options.js';
import { deliveryGuarantee, type DeliveryGuarantee } from '../graph/delivery-guarantee.js';
import { uncommittedOutput, type UncommittedOutputNote } from '../graph/uncommitted-output.js';
import type { StreamGraph } from '../graph/stream-graph.js';
import { CheckpointCoordinator } from './checkpoint/checkpoint-coordinator.js';
import { FsCheckpointStorage, type LoadedCheckpoint, type SerializedTaskState, type SkippedCheckpoint } from './checkpoint/checkpoint-storage.js';
import { RestartPolicy } from './failover/restart-policy.js';
import { serveSavepointRequests } from './checkpoint/savepoint-requests.js';
import { markJobRunning } from './checkpoint/running-job-marker.js';
import { JobAttempt } from './job-attempt.js';
import { paramsOf } from '../graph/operator-spec.js';
import { enumeratorUid, SourceCoordinator } from './source-coordinator.js';
import type { Attempt, AttemptListener, TaskRef } from './attempt.js';
import { decodeTaskState, encodeTaskState } from './checkpoint/task-state.js';
import { operatorUid, parallelismOf } from './graph-layout.js';
import { ThreadedAttempt } from './parallel/threaded-attempt.js';
import { jobLogger, type Logger } from '../core/logger.js';
import { failureLine, restoredEvent, restartingMessage } from './job-events.js';

/** Where a job started from, and the damaged checkpoints it passed over. */
export interface RestoreInfo {
  readonly path: string;
  readonly checkpointId: number;
  readonly skipped: SkippedCheckpoint[];
}

/** A checkpoint directory name for a job name. */
export function jobDirName(jobName: string): string {
  return jobName.replace(/[^A-Za-z0-9_.-]+/g, '_') || 'job';
}

/**
 * A job submitted to this process: runs attempts, coordinates checkpoints between them and the
 * storage, and restarts from the latest checkpoint under the restart strategy.
 */
export class JobRunner implements JobClient {
  private state: JobStatus = 'CREATED';
  private attempt: Attempt | undefined;
  private coordinator: CheckpointCoordinator | undefined;
  private readonly history: CheckpointStats[] = [];
  private readonly restartLog: { at: number; cause: string }[] = [];
  private failedWith: { at: number; cause: string } | undefined;
  private cancelled = false;
  private startedAt = 0;
  private runningAt = 0;
  private lastMetrics: OperatorMetricsSnapshot[] = [];
  private readonly eventListeners = new Set<(e: JobEvent) => void>();
  restoreInfo: RestoreInfo | undefined;
  private readonly log: Logger;
  readonly storage: FsCheckpointStorage | undefined;
  readonly result: Promise<JobResult>;

  constructor(
    private readonly graph: StreamGraph,
    readonly jobName: string,
    private readonly config: ExecutionConfig,
  ) {
    this.log = jobLogger(jobName, config.settings);
    const cp = config.checkpointing;
    this.storage = cp ? new FsCheckpointStorage(join(cp.dir, jobDirName(jobName)), cp.retained) : undefined;
    // No catch here: the failure of a job nobody awaits must reach the user as an unhandled
    // rejection (printed, exit code 1), not end the program as if the job had succeeded.
    this.result = this.run();
  }

  status(): JobStatus {
    return this.state;
  }
  metrics(): OperatorMetricsSnapshot[] {
    return this.attempt ? this.attempt.metrics() : this.lastMetrics;
  }
  currentWatermark(): number {
    return this.attempt?.currentWatermark() ?? -Infinity;
  }
  queryState(uid: string, name: string, key: unknown): Promise<unknown> {
    if (!this.attempt || this.state !== 'RUNNING')
      return Promise.reject(new StateQueryError('not-running', `Job '${this.jobName}' is ${this.state}: state is queryable while it runs`));
    return this.attempt.queryState(uid, name, key);
  }
  checkpoints(): CheckpointStats[] {
    return [...this.history, ...(this.coordinator?.history ?? [])];
  }
  restarts(): { at: number; cause: string }[] {
    return this.restartLog.slice();
  }
  failure(): { at: number; cause: string } | undefined {
    return this.failedWith;
  }
  guarantee(): { guarantee: DeliveryGuarantee; reason?: string } {
    return deliveryGuarantee(this.graph, this.config.checkpointing?.mode);
  }

  uncommittedOutput(): UncommittedOutputNote[] {
    return uncommittedOutput(this.graph, this.config.checkpointing?.mode);
  }
  onEvent(listener: (e: JobEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => void this.eventListeners.delete(listener);
  }
  private emit(e: JobEvent): void {
    for (const l of this.eventListeners) l(e);
  }

  async cancel(): Promise<void> {
    this.cancelled = true;
    this.attempt?.cancel(new WeirError(`Job '${this.jobName}' was cancelled`));
    await this.result.catch(() => undefined);
  }

  async triggerSavepoint(): Promise<string> {
    if (!this.coordinator)
      throw new WeirError(`Job '${this.jobName}' has no checkpointing configured: set execution.checkpointing.interval (or --checkpoint-interval)`);
    const stats = await this.coordinator.trigger(true);
    return stats.path!;
  }

  private async initialRestore(): Promise<LoadedCheckpoint | undefined> {
    const r = this.config.restore;
    if (!r || r.ignoreState) return undefined;
    if (r.path) {
      let cp: LoadedCheckpoint;
      try {
        cp = await FsCheckpointStorage.load(r.path);
      } catch (e) {
        throw new WeirError(`Cannot restore from ${r.path}: ${describe(e)}`);
      }
      this.restoreInfo = { path: cp.path, checkpointId: cp.metadata.id, skipped: [] };
      this.emit(restoredEvent(this.jobName, cp));
      return cp;
    }
    if (!r.latest) return undefined;
    // Resuming without checkpointing would re-read and re-write everything, and leave nothing to resume from next time.
    if (!this.storage) {
      throw new WeirError(
        `Job '${this.jobName}': --resume (restore.latest) needs checkpointing, which this job does not enable: ` +
          'add --checkpoint-interval <duration> (or set execution.checkpointing.interval), or drop --resume; ' +
          'to start once from a checkpoint without taking new ones, use --from-savepoint <checkpoint directory>',
      );
    }
    const cp = await this.loadLatest();
    if (cp) this.emit(restoredEvent(this.jobName, cp));
    else {
      const dir = this.storage.dir;
      this.emit({
        kind: 'no-checkpoint',
        jobName: this.jobName,
        dir,
        message: `No checkpoint of job '${this.jobName}' in ${dir} to resume from: starting with empty state`,
      });
    }
    return cp;
  }

  private async loadLatest(): Promise<LoadedCheckpoint | undefined> {
    const { checkpoint, skipped } = await this.storage!.loadLatest();
    for (const s of skipped) process.emitWarning(`Skipped checkpoint ${s.path}: ${s.reason}`, 'WeirCheckpointWarning');
    if (checkpoint) this.restoreInfo = { path: checkpoint.path, checkpointId: checkpoint.metadata.id, skipped };
    return checkpoint;
  }

  private async run(): Promise<JobResult> {
    await Promise.resolve();
    // `weir savepoint` finds a running job by this marker, and answers at once when there is none.
    const unmark = this.storage ? markJobRunning(this.storage.dir, this.jobName) : undefined;
    try {
      return await this.runAttempts();
    } finally {
      unmark?.();
    }
  }

  private async runAttempts(): Promise<JobResult> {
    this.startedAt = performance.now();
    const cp = this.config.checkpointing;
    const policy = new RestartPolicy(this.config.restartStrategy ?? parseRestartStrategy({}, !!cp));
    let restore = await this.initialRestore();
    let nextId = Math.max(this.storage ? await this.storage.highestId() : 0, restore?.metadata.id ?? 0) + 1;
    // Every attempt runs the same tasks, one per instance of each planned chain, named after the
    // chain's head: the acknowledgements each checkpoint needs.
    const tasks: TaskRef[] = this.graph.plannedChains().flatMap((chain) => {
      const head = this.graph.node(chain[0]!);
      const parallelism = parallelismOf(head, this.config);
      return Array.from({ length: parallelism }, (_, index) => ({ uid: operatorUid(head), index, parallelism }));
    });
    // A source's split enumerator acknowledges each checkpoint as one more task.
    for (const n of this.graph.nodes)
      if (paramsOf(n, 'source')?.source.createEnumerator) tasks.push({ uid: enumeratorUid(operatorUid(n)), index: 0, parallelism: 1 });
    for (;;) {
      // A job cancelled before its first attempt started (while it restored) never starts one.
      if (this.cancelled) {
        this.state = 'CANCELED';
        throw new WeirError(`Job '${this.jobName}' was cancelled`);
      }
      let attempt!: Attempt;
      const enumerators = this.sourceCoordinators((e) => attempt.fail(e), !!(cp && this.storage));
      const listener: AttemptListener = {
        acknowledge: (id, task, state, alignmentMs, syncMs) => this.coordinator?.acknowledge(id, { task, state, alignmentMs, syncMs }),
        readerRegistered: (node, index) => enumerators.get(node)?.readerRegistered(index),
        splitRequest: (node, index) => enumerators.get(node)?.splitRequest(index),
        log: this.log,
      };
      const slots = this.slots();
      this.log.debug(
        { event: 'attempt', attempt: this.restartLog.length + 1, slots: slots?.count ?? 1, checkpointId: restore?.metadata.id },
        `Job '${this.jobName}': starting attempt ${this.restartLog.length + 1} in ${slots ? `${slots.count} worker-thread slots` : 'this thread'}${restore ? ` from checkpoint ${restore.metadata.id}` : ''}`,
      );
      attempt = slots
        ? new ThreadedAttempt(this.graph, this.config, listener, {
            jobModule: slots.jobModule,
            slots: slots.count,
            restorePath: restore?.path,
            defaults: this.config.launchDefaults ?? {},
            argv: process.argv,
          })
        : new JobAttempt(this.graph, this.config, listener, restore);
      this.attempt = attempt;
      if (cp && this.storage) {
        const storage = this.storage;
        this.coordinator = new CheckpointCoordinator(
          { interval: cp.interval, timeout: cp.timeout, minPause: cp.minPause, tolerableFailures: cp.tolerableFailures },
          {
            clock: this.config.clock,
            triggerSources: (id, savepoint) => {
              // Enumerators first, in this thread: an assignment they make later reaches its
              // reader after this checkpoint's trigger, so it is in neither snapshot twice.
              for (const c of enumerators.values()) {
                const uid = enumeratorUid(c.uid);
                listener.acknowledge(id, { uid, index: 0, parallelism: 1 }, encodeTaskState([{ uid, bytes: c.snapshot(id) }]), 0, 0);
              }
              attempt.triggerCheckpoint(id, savepoint);
            },
            expectedTasks: () => tasks,
            persist: (id, savepoint, acks) => {
              // A task acknowledges for every operator of its chain; each is stored under its own uid.
              const states: SerializedTaskState[] = acks.flatMap(({ task, state }) =>
                decodeTaskState(state).map((op) => ({
                  operator: op.uid,
                  subtask: task.index,
                  parallelism: task.parallelism,
                  bytes: op.bytes,
                  ...(op.sharedRefs ? { sharedRefs: op.sharedRefs, sharedNew: op.sharedNew ?? [] } : {}),
                })),
              );
              const stateBytesByOperator: Record<string, number> = {};
              for (const t of states) {
                const shared = t.sharedNew?.reduce((n, f) => n + f.bytes.length, 0) ?? 0;
                stateBytesByOperator[t.operator] = (stateBytesByOperator[t.operator] ?? 0) + t.bytes.length + shared;
              }
              return storage.write(id, savepoint, this.jobName, states).then((r) => ({ ...r, stateBytesByOperator }));
            },
            notifyComplete: (id) => {
              for (const c of enumerators.values()) c.checkpointComplete(id);
              void attempt.notifyCheckpointComplete(id).catch((e) => attempt.fail(e));
            },
            notifyAborted: (id) => attempt.notifyCheckpointAborted(id),
            failJob: (e) => attempt.fail(e),
          },
          nextId,
        );
      }
      try {
        for (const c of enumerators.values()) c.start(attempt, restore);
      } catch (e) {
        attempt.fail(e);
      }
      this.state = 'RUNNING';
      const stopServing = this.storage ? serveSavepointRequests(this.storage.dir, () => this.triggerSavepoint()) : undefined;
      try {
        await attempt.run(
          () => {
            this.log.debug({ event: 'running' }, `Job '${this.jobName}' switched to RUNNING`);
            this.runningAt = performance.now();
            this.coordinator?.start();
          },
          // A bounded job under exactly-once ends with a final checkpoint: two-phase sinks commit
          // their last output in it, so a crash after the end cannot replay committed output.
          cp?.mode === 'EXACTLY_ONCE' ? () => this.finalCheckpoint(attempt) : undefined,
        );
        stopServing?.();
        for (const c of enumerators.values()) c.close();
        this.finishAttempt(attempt);
        this.state = 'FINISHED';
        this.log.debug({ event: 'finished' }, `Job '${this.jobName}' switched to FINISHED`);
        return { jobName: this.jobName, durationMs: performance.now() - this.startedAt, startupMs: this.runningAt - this.startedAt, metrics: this.lastMetrics };
      } catch (e) {
        stopServing?.();
        for (const c of enumerators.values()) c.close();
        // A checkpoint write may still be running (and pruning old ones): let it finish first.
        await this.coordinator?.idle();
        nextId = this.finishAttempt(attempt, nextId);
        if (this.cancelled) {
          this.state = 'CANCELED';
          throw e;
        }
        // A lost log position (and the like) fails the same way on every restart: no retry loop.
        const delay = isUnrecoverable(e) ? undefined : policy.onFailure(this.config.clock.now());
        if (delay === undefined) {
          this.state = 'FAILED';
          this.failedWith = { at: Date.now(), cause: describe(e) };
          if (this.restartLog.length > 0 && e instanceof Error)
            e.message += ` (after ${this.restartLog.length} restart(s); restart strategy ${policy.describe()} gave up)`;
          this.log.error({ event: 'job-failed', restarts: this.restartLog.length, error: failureLine(e) }, `Job '${this.jobName}' failed: ${failureLine(e)}`);
          throw e;
        }
        this.restartLog.push({ at: Date.now(), cause: describe(e) });
        this.state = 'RESTARTING';
        // No checkpoint completes while no attempt runs: the one loaded now is the one the next attempt starts from.
        if (this.storage) restore = (await this.loadLatest()) ?? restore;
        const cause = failureLine(e);
        const checkpointId = restore?.metadata.id;
        this.emit({
          kind: 'restarting',
          jobName: this.jobName,
          attempt: this.restartLog.length,
          cause,
          delayMs: delay,
          checkpointId,
          message: restartingMessage(this.jobName, this.restartLog.length, cause, delay, restore, policy.describe()),
        });
        await new Promise<void>((r) => setTimeout(r, delay));
        if (this.cancelled) {
          this.state = 'CANCELED';
          throw e;
        }
      }
    }
  }

  /** One coordinator per source with a split enumerator, by node id, for one attempt. */
  private sourceCoordinators(fail: (e: unknown) => void, checkpointing: boolean): Map<number, SourceCoordinator> {
    const out = new Map<number, SourceCoordinator>();
    for (const n of this.graph.nodes) {
      const source = paramsOf(n, 'source')?.source;
      if (!source?.createEnumerator) continue;
      out.set(n.id, new SourceCoordinator(n.id, operatorUid(n), source, n.name, parallelismOf(n, this.config), this.config.clock, fail, checkpointing));
    }
    return out;
  }

  /** Worker-thread slots for a parallel job whose module is known; undefined runs it in this thread. */
  private slots(): { jobModule: string; count: number } | undefined {
    const count = Math.max(...this.graph.nodes.map((n) => parallelismOf(n, this.config)));
    if (count <= 1 || this.config.slotMode === 'single-thread' || !this.config.jobModule) return undefined;
    return { jobModule: this.config.jobModule, count };
  }

  private async finalCheckpoint(attempt: Attempt): Promise<void> {
    const c = this.coordinator;
    if (!c) return;
    const stats = await c.trigger(false);
    await attempt.notifyCheckpointComplete(stats.id);
  }

  /** Stops checkpointing of a finished attempt; returns the next free checkpoint id. */
  private finishAttempt(attempt: Attempt, nextId = 0): number {
    const c = this.coordinator;
    if (c) {
      c.stop();
      this.history.push(...c.history);
      nextId = Math.max(nextId, ...c.history.map((h) => h.id + 1), (c.pendingCheckpoint ?? 0) + 1);
    }
    this.coordinator = undefined;
    this.lastMetrics = attempt.metrics();
    this.attempt = undefined;
    return nextId;
  }
}
