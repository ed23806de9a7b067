import type { KeyedStateSnapshot } from './state/heap-keyed-state-backend.js';
import type { OperatorStateSnapshot } from './state/operator-state-store.js';
import type { TimersSnapshot } from './time/internal-timer-service.js';

/** Everything one subtask contributes to a checkpoint. */
export interface SubtaskSnapshot {
  readonly keyed?: KeyedStateSnapshot;
  readonly timers?: TimersSnapshot;
  readonly operatorState: OperatorStateSnapshot;
  /** What `Operator.snapshotState` returned. */
  readonly operator?: unknown;
  /** Reader positions of a source subtask. */
  readonly source?: unknown;
}

/** A subtask snapshot as restored, with the subtask layout it was taken with. */
export interface RestoredSubtaskState {
  readonly subtask: number;
  readonly parallelism: number;
  readonly state: SubtaskSnapshot;
}
