import { deserialize, serialize } from 'node:v8';
import type { KeyedStateBackendSnapshot } from '../core/state-backend.js';
import type { OperatorStateSnapshot } from './state/operator-state-store.js';
import type { TimersSnapshot } from './time/internal-timer-service.js';

/** Everything one subtask contributes to a checkpoint. */
export interface SubtaskSnapshot {
  /** Keyed state, in the format of the backend that wrote it (which the snapshot names). */
  readonly keyed?: KeyedStateBackendSnapshot;
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

/**
 * A subtask's state file: the synchronously copied part (`head`, itself V8-serialized), the keyed
 * state chunks written asynchronously, and an operator state that was completed asynchronously.
 */
interface SubtaskStateFile {
  readonly v: 2;
  readonly head: Uint8Array;
  readonly keyed?: KeyedStateBackendSnapshot;
  readonly operator?: unknown;
}

export function encodeSubtaskState(parts: { head: Uint8Array; keyed?: KeyedStateBackendSnapshot; operator?: unknown }): Uint8Array {
  return serialize({ v: 2, ...parts } satisfies SubtaskStateFile);
}

/** Reads what {@link encodeSubtaskState} wrote back into one snapshot object. */
export function decodeSubtaskState(value: unknown): SubtaskSnapshot {
  const f = value as Partial<SubtaskStateFile>;
  if (f?.v !== 2 || !(f.head instanceof Uint8Array)) return value as SubtaskSnapshot;
  const head = deserialize(f.head) as SubtaskSnapshot;
  return { ...head, ...(f.keyed ? { keyed: f.keyed } : {}), ...('operator' in f ? { operator: f.operator } : {}) };
}
