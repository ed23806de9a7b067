import { deserialize, serialize } from 'node:v8';
import type { KeyedStateBackendSnapshot } from '../../core/state-backend.js';

/** One operator's state file within a task's acknowledgement (see `encodeSubtaskState`). */
export interface OperatorStateBytes {
  /** Operator uid: checkpoints keep state per operator, whatever the chains were. */
  readonly uid: string;
  readonly bytes: Uint8Array;
  /** Shared files of an incremental checkpoint this state references, oldest first (names only). */
  readonly sharedRefs?: string[];
  /** The referenced shared files this checkpoint wrote, to be stored once under their names. */
  readonly sharedNew?: { name: string; bytes: Uint8Array }[];
}

/**
 * Takes the bytes of new shared files out of a keyed snapshot: the snapshot keeps only the names
 * (stored in the state file), the files go to the checkpoint's `shared/` folder.
 *
 * @example
 * const { keyed, shared } = splitSharedFiles(await backend.snapshotAsync({ checkpointId: 3, savepoint: false }));
 */
export function splitSharedFiles(snap: KeyedStateBackendSnapshot | undefined): {
  keyed: KeyedStateBackendSnapshot | undefined;
  shared: Pick<OperatorStateBytes, 'sharedRefs' | 'sharedNew'>;
} {
  if (!snap?.shared) return { keyed: snap, shared: {} };
  const sharedNew: { name: string; bytes: Uint8Array }[] = [];
  for (const f of snap.shared) if (f.bytes) sharedNew.push({ name: f.name, bytes: f.bytes });
  const sharedRefs = snap.shared.map((f) => f.name);
  return { keyed: { ...snap, shared: sharedRefs.map((name) => ({ name })) }, shared: { sharedRefs, sharedNew } };
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
