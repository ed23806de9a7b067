import { deserialize, serialize } from 'node:v8';

/** One operator's state file within a task's acknowledgement (see `encodeSubtaskState`). */
export interface OperatorStateBytes {
  /** Operator uid: checkpoints keep state per operator, whatever the chains were. */
  readonly uid: string;
  readonly bytes: Uint8Array;
}

interface TaskStateFile {
  readonly v: 'task-1';
  readonly operators: OperatorStateBytes[];
}

/**
 * What one task acknowledges: the state of each operator of its chain. A single byte array, so
 * it crosses thread boundaries as one transferable message field.
 *
 * @example
 * const ack = encodeTaskState([{ uid: 'map-1', bytes }, { uid: 'sink-2', bytes: sinkBytes }]);
 * decodeTaskState(ack).map((s) => s.uid); // ['map-1', 'sink-2']
 */
export function encodeTaskState(operators: OperatorStateBytes[]): Uint8Array {
  return serialize({ v: 'task-1', operators } satisfies TaskStateFile);
}

/** The operator states {@link encodeTaskState} packed, each to be stored under its own uid. */
export function decodeTaskState(bytes: Uint8Array): OperatorStateBytes[] {
  const f = deserialize(bytes) as Partial<TaskStateFile>;
  if (f?.v !== 'task-1' || !Array.isArray(f.operators)) throw new Error('not a task acknowledgement');
  return f.operators;
}
