import { ManualClock } from '../../src/index.js';
import { CheckpointCoordinator, type CheckpointConfig, type TaskAck, type TaskRef } from '../../src/runtime/checkpoint/checkpoint-coordinator.js';

/** A reference built afresh each time, as one that arrives from a slot worker is. */
export const task = (uid: string, index: number, parallelism = 2): TaskRef => ({ uid, index, parallelism });

/** A checkpoint write the test settles itself (`manualWrites`). */
export interface HeldWrite {
  readonly id: number;
  resolve(): void;
  reject(error: Error): void;
}

export interface HarnessOptions extends Partial<CheckpointConfig> {
  /** The subtasks every checkpoint waits for; two subtasks of `op` unless given. */
  readonly tasks?: readonly TaskRef[];
  readonly firstId?: number;
  /** Writes stay running until the test settles them through `writes`. */
  readonly manualWrites?: boolean;
  /** What storage reports per operator, passed through to the stats. */
  readonly stateBytesByOperator?: Record<string, number>;
  /** Runs inside `triggerSources`, as the runtime's source enumerators acknowledge there. */
  readonly onTrigger?: (id: number, ack: Harness['ack']) => void;
}

export interface Harness {
  readonly c: CheckpointCoordinator;
  readonly clock: ManualClock;
  /** Ids passed to `triggerSources`, with whether each was a savepoint. */
  readonly triggered: number[];
  readonly savepoints: boolean[];
  readonly completed: number[];
  readonly aborted: number[];
  readonly failures: unknown[];
  /** The acknowledgements handed to each write, in order. */
  readonly persisted: TaskAck[][];
  readonly writes: HeldWrite[];
  ack(id: number, index: number, opts?: { uid?: string; alignmentMs?: number; syncMs?: number }): void;
  setPersistFails(v: boolean): void;
}

/** A coordinator over a {@link ManualClock} with storage and transport that record what they are asked. */
export function harness(options: HarnessOptions = {}): Harness {
  const { tasks = [task('op', 0), task('op', 1)], firstId, manualWrites = false, stateBytesByOperator, onTrigger, ...config } = options;
  const clock = new ManualClock(0);
  let persistFails = false;
  const h: Omit<Harness, 'c'> = {
    clock,
    triggered: [],
    savepoints: [],
    completed: [],
    aborted: [],
    failures: [],
    persisted: [],
    writes: [],
    ack: (id, index, opts = {}) =>
      c.acknowledge(id, { task: task(opts.uid ?? 'op', index), state: new Uint8Array([index]), alignmentMs: opts.alignmentMs ?? 1, syncMs: opts.syncMs ?? 1 }),
    setPersistFails: (v) => (persistFails = v),
  };
  const c = new CheckpointCoordinator(
    { interval: 100, timeout: 50, minPause: 0, tolerableFailures: 0, ...config },
    {
      clock,
      triggerSources: (id, savepoint) => {
        h.triggered.push(id);
        h.savepoints.push(savepoint);
        onTrigger?.(id, h.ack);
      },
      expectedTasks: () => tasks.map((t) => ({ ...t })),
      persist: async (id, _savepoint, acks) => {
        h.persisted.push(acks);
        if (manualWrites) await new Promise<void>((resolve, reject) => h.writes.push({ id, resolve, reject }));
        if (persistFails) throw new Error('disk full');
        return { path: `/cp/chk-${id}`, sizeBytes: 10, ...(stateBytesByOperator ? { stateBytesByOperator } : {}) };
      },
      notifyComplete: (id) => h.completed.push(id),
      notifyAborted: (id) => h.aborted.push(id),
      failJob: (e) => h.failures.push(e),
    },
    firstId,
  );
  return { ...h, c };
}

/** Lets settled writes reach the coordinator. */
export const flush = (): Promise<void> => new Promise((r) => setTimeout(r, 0));
