import { ConfigError } from '../../core/errors.js';
import type { RestoredSubtaskState, SubtaskSnapshot } from '../subtask-snapshot.js';
import type { LoadedCheckpoint } from './checkpoint-storage.js';
import { keyedSnapshotHasEntries } from '../state/state-backends.js';

/** Whether a snapshot holds anything worth restoring (a stateless operator's snapshot is empty). */
function hasState(s: SubtaskSnapshot): boolean {
  const keyed = s.keyed && keyedSnapshotHasEntries(s.keyed);
  const timers = s.timers && (s.timers.eventTime.length > 0 || s.timers.processingTime.length > 0);
  const lists = Object.values(s.operatorState.lists).some((l) => l.length > 0) || Object.values(s.operatorState.broadcast).some((b) => b.length > 0);
  return !!(keyed || timers || lists || s.operator !== undefined || (s.source !== undefined && s.source !== null));
}

/**
 * Groups a checkpoint's subtask states by operator uid for the operators of a job, and refuses
 * state that no operator of the job claims (unless allowed): a stateless operator's empty snapshot
 * never counts.
 */
export function planRestore(checkpoint: LoadedCheckpoint, uids: string[], allowNonRestoredState: boolean): Map<string, RestoredSubtaskState[]> {
  const byOperator = new Map<string, RestoredSubtaskState[]>();
  for (const s of checkpoint.states) {
    const list = byOperator.get(s.operator) ?? [];
    list.push({ subtask: s.subtask, parallelism: s.parallelism, state: s.state as SubtaskSnapshot });
    byOperator.set(s.operator, list);
  }
  const known = new Set(uids);
  const orphans = [...byOperator.entries()].filter(([uid, states]) => !known.has(uid) && states.some((s) => hasState(s.state))).map(([uid]) => uid);
  if (orphans.length > 0 && !allowNonRestoredState) {
    throw new ConfigError(
      `Checkpoint ${checkpoint.path} has state for operators that are not in this job: ${orphans.join(', ')}. ` +
        'Give operators stable ids with .uid(...), or pass --allow-non-restored-state to drop that state.',
    );
  }
  return byOperator;
}
