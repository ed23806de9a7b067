import type { ManualClock } from '../core/clock.js';
import type { StateBackendFactory } from '../core/state-backend.js';
import type { TaskHost } from '../runtime/stream-task.js';

/**
 * The job around a harnessed subtask: a manual clock, and a failure slot instead of a job that
 * fails. The harness rethrows a recorded failure from the call that caused it.
 */
export class HarnessHost implements TaskHost {
  failed = false;
  error: unknown;
  readonly checkpointingMode = undefined;
  private readonly pending = new Set<Promise<unknown>>();
  private rejectFailure!: (e: unknown) => void;
  /** Rejects with the first failure, for waits that would otherwise never end. */
  readonly failure = new Promise<never>((_, reject) => (this.rejectFailure = reject));

  constructor(
    readonly clock: ManualClock,
    readonly stateBackend: StateBackendFactory,
  ) {
    this.failure.catch(() => undefined);
  }

  fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.error = error;
    this.rejectFailure(error);
  }

  block(p: Promise<unknown>): void {
    this.pending.add(p);
    p.then(
      () => this.pending.delete(p),
      (e) => {
        this.pending.delete(p);
        this.fail(e);
      },
    );
  }

  acknowledgeCheckpoint(): void {}

  /** Waits for everything operators asked the task to wait for (async I/O, slow sink writes). */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Throws the failure an operator reported from a timer, callback or `ctx.fail`. */
  rethrow(): void {
    if (this.failed) throw this.error;
  }
}
