import type { Clock } from '../../core/clock.js';
import { WeirError } from '../../core/errors.js';
import type { CheckpointStats } from '../../graph/job-executor.js';
import { taskKey, type TaskRef } from './task-ref.js';

export type { CheckpointStats, TaskRef };

export interface CheckpointConfig {
  /** Milliseconds between checkpoints; 0 = only on request (savepoints). */
  readonly interval: number;
  readonly timeout: number;
  readonly minPause: number;
  readonly tolerableFailures: number;
}

/** What a subtask reports when it has snapshotted checkpoint `id`. */
export interface TaskAck {
  /** Which subtask: matched by uid and index, so a reference rebuilt from a message is the same task. */
  readonly task: TaskRef;
  readonly state: Uint8Array;
  readonly alignmentMs: number;
  readonly syncMs: number;
}

export interface CoordinatorDeps {
  readonly clock: Clock;
  /** Asks every source subtask to take checkpoint `id` and emit its barrier. */
  triggerSources(id: number, savepoint: boolean): void;
  /** The subtasks whose acknowledgements a checkpoint needs; asked once per checkpoint. */
  expectedTasks(): readonly TaskRef[];
  /** Writes the acknowledged state; resolves with where and how much it wrote. */
  persist(id: number, savepoint: boolean, acks: TaskAck[]): Promise<{ path: string; sizeBytes: number; stateBytesByOperator?: Record<string, number> }>;
  notifyComplete(id: number): void;
  notifyAborted(id: number): void;
  failJob(error: unknown): void;
}

interface Pending {
  readonly id: number;
  readonly savepoint: boolean;
  readonly triggeredAt: number;
  readonly acks: TaskAck[];
  /** Keys ({@link taskKey}) of the subtasks this checkpoint waits for. */
  readonly expected: ReadonlySet<string>;
  /** Keys of the subtasks that acknowledged. */
  readonly tasks: Set<string>;
  readonly cancelTimeout: () => void;
  readonly done: { resolve: (s: CheckpointStats) => void; reject: (e: unknown) => void };
  persisting: boolean;
}

/**
 * Decides when checkpoints start, complete or fail, with storage and transport passed in
 * (so the protocol is testable without a disk or a job). One checkpoint at a time: a trigger while
 * one is pending waits for it.
 */
export class CheckpointCoordinator {
  private nextId: number;
  private pending: Pending | undefined;
  private consecutiveFailures = 0;
  private cancelTimer: (() => void) | undefined;
  private lastEnd = -Infinity;
  private stopped = false;
  /** A checkpoint write still running; a restart waits for it before it lists checkpoints. */
  private writing: Promise<unknown> = Promise.resolve();
  private readonly waiting: { savepoint: boolean; resolve: (s: CheckpointStats) => void; reject: (e: unknown) => void }[] = [];
  readonly history: CheckpointStats[] = [];

  constructor(
    private readonly config: CheckpointConfig,
    private readonly deps: CoordinatorDeps,
    firstId = 1,
  ) {
    this.nextId = firstId;
  }

  /** Starts periodic checkpoints (if an interval is set). */
  start(): void {
    this.scheduleNext(this.deps.clock.now() + this.config.interval);
  }

  /** Settles when no checkpoint write is running any more. */
  idle(): Promise<void> {
    return this.writing.then(
      () => undefined,
      () => undefined,
    );
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
    this.pending?.cancelTimeout();
    const err = new WeirError('Checkpointing stopped');
    this.pending?.done.reject(err);
    this.pending = undefined;
    for (const w of this.waiting.splice(0)) w.reject(err);
  }

  get pendingCheckpoint(): number | undefined {
    return this.pending?.id;
  }

  /** Triggers a checkpoint (or savepoint) now, or right after the pending one. */
  trigger(savepoint = false): Promise<CheckpointStats> {
    return new Promise((resolve, reject) => {
      if (this.stopped) return reject(new WeirError('Checkpointing is stopped'));
      if (this.pending) this.waiting.push({ savepoint, resolve, reject });
      else this.begin(savepoint, { resolve, reject });
    });
  }

  private scheduleNext(at: number): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (this.stopped || this.config.interval <= 0) return;
    const when = Math.max(at, this.lastEnd + this.config.minPause);
    this.cancelTimer = this.deps.clock.schedule(when, () => {
      this.cancelTimer = undefined;
      if (!this.pending && !this.stopped) this.begin(false, { resolve: () => undefined, reject: () => undefined });
    });
  }

  private begin(savepoint: boolean, done: Pending['done']): void {
    const id = this.nextId++;
    const triggeredAt = this.deps.clock.now();
    const cancelTimeout = this.deps.clock.schedule(triggeredAt + this.config.timeout, () => this.abort(id, this.timeoutReason()));
    const expected = new Set(this.deps.expectedTasks().map(taskKey));
    this.pending = { id, savepoint, triggeredAt, acks: [], expected, tasks: new Set(), cancelTimeout, done, persisting: false };
    this.deps.triggerSources(id, savepoint);
    this.maybeComplete();
  }

  acknowledge(id: number, ack: TaskAck): void {
    const p = this.pending;
    if (!p || p.id !== id) return;
    const key = taskKey(ack.task);
    if (p.tasks.has(key)) return;
    // Counting it would complete the checkpoint without the state of a subtask it does need.
    if (!p.expected.has(key)) return this.abort(id, `acknowledged by ${key}, a subtask it does not expect`);
    p.tasks.add(key);
    p.acks.push(ack);
    this.maybeComplete();
  }

  private maybeComplete(): void {
    const p = this.pending;
    if (!p || p.persisting || p.tasks.size < p.expected.size) return;
    p.persisting = true;
    p.cancelTimeout();
    const write = this.deps.persist(p.id, p.savepoint, p.acks);
    this.writing = write;
    write.then(
      ({ path, sizeBytes, stateBytesByOperator }) => {
        if (this.pending !== p) return;
        const now = this.deps.clock.now();
        const stats: CheckpointStats = {
          id: p.id,
          savepoint: p.savepoint,
          status: 'COMPLETED',
          triggeredAt: p.triggeredAt,
          durationMs: now - p.triggeredAt,
          sizeBytes,
          alignmentMs: Math.max(0, ...p.acks.map((a) => a.alignmentMs)),
          syncMs: Math.max(0, ...p.acks.map((a) => a.syncMs)),
          path,
          ...(stateBytesByOperator ? { stateBytesByOperator } : {}),
        };
        this.finish(stats);
        this.consecutiveFailures = 0;
        this.deps.notifyComplete(p.id);
        p.done.resolve(stats);
      },
      (e) => this.abort(p.id, `could not be written: ${e instanceof Error ? e.message : String(e)}`),
    );
  }

  /** Names the subtasks that never acknowledged: where a stuck barrier is to be looked for. */
  private timeoutReason(): string {
    const p = this.pending!;
    const missing = [...p.expected].filter((t) => !p.tasks.has(t));
    const shown = missing.slice(0, 8).join(', ') + (missing.length > 8 ? `, and ${missing.length - 8} more` : '');
    return `timed out after ${this.config.timeout} ms, acknowledged by ${p.tasks.size} of ${p.expected.size} subtasks (waiting for ${shown})`;
  }

  private abort(id: number, reason: string): void {
    const p = this.pending;
    if (!p || p.id !== id) return;
    p.cancelTimeout();
    const now = this.deps.clock.now();
    this.finish({
      id,
      savepoint: p.savepoint,
      status: 'FAILED',
      triggeredAt: p.triggeredAt,
      durationMs: now - p.triggeredAt,
      sizeBytes: 0,
      alignmentMs: 0,
      syncMs: 0,
      failure: reason,
    });
    this.deps.notifyAborted(id);
    const err = new WeirError(`Checkpoint ${id} failed: ${reason}`);
    p.done.reject(err);
    if (!p.savepoint && ++this.consecutiveFailures > this.config.tolerableFailures) {
      this.deps.failJob(new WeirError(`${err.message} (more than ${this.config.tolerableFailures} tolerable checkpoint failures)`));
    }
  }

  private finish(stats: CheckpointStats): void {
    this.history.push(stats);
    this.pending = undefined;
    this.lastEnd = this.deps.clock.now();
    const next = this.waiting.shift();
    if (next) this.begin(next.savepoint, next);
    else this.scheduleNext(stats.triggeredAt + this.config.interval);
  }
}
