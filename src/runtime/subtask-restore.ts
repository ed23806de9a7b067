import type { Operator } from '../core/operator.js';
import { hashKey, keyGroupRangeFor } from '../core/key-group.js';
import type { KeyedStateBackend } from '../core/state-backend.js';
import type { HeapOperatorStateStore } from './state/operator-state-store.js';
import type { RestoredSubtaskState } from './subtask-snapshot.js';
import type { InternalTimerService } from './time/internal-timer-service.js';

/** The parts of a subtask a restore fills. */
export interface RestoreTarget {
  readonly info: { readonly index: number; readonly parallelism: number; readonly maxParallelism: number };
  readonly backend: KeyedStateBackend | undefined;
  readonly timers: InternalTimerService | undefined;
  readonly operatorState: HeapOperatorStateStore;
  readonly operator: Operator<unknown>;
}

/**
 * Source positions for a restored reader. Positions kept per split id (plain objects) are merged
 * over all old subtasks, so a reader finds its splits whatever parallelism wrote them; other shapes
 * only restore at the same parallelism.
 */
function mergeSourcePositions(all: unknown[], same: unknown): unknown {
  const records = all.filter((p) => p !== null && typeof p === 'object' && !Array.isArray(p));
  if (records.length === 0) return same;
  return Object.assign({}, ...records);
}

/**
 * Loads a subtask's share of a checkpoint taken at any parallelism: the keyed state and timers of
 * the key groups it owns, its share of operator list state, and the operator's own state of every
 * old subtask `j` with `j % parallelism === index` (at the same parallelism: the subtask with the
 * same index), so each old subtask's state, a sink's pending transactions among it, goes to exactly
 * one new subtask. Returns the source positions (for a source subtask).
 */
export async function restoreSubtask(t: RestoreTarget, states: RestoredSubtaskState[]): Promise<unknown> {
  const { maxParallelism, parallelism, index } = t.info;
  const range = keyGroupRangeFor(maxParallelism, parallelism, index);
  const owns = (g: number) => g >= range.start && g <= range.end;
  if (t.backend) {
    t.backend.restore(
      states.flatMap((s) => (s.state.keyed ? [s.state.keyed] : [])),
      owns,
    );
    for (const s of states) if (s.state.timers) t.timers!.restore(s.state.timers, (keyId) => owns(hashKey(keyId) % maxParallelism));
  }
  t.operatorState.restore(
    states.map((s) => s.state.operatorState),
    index,
    parallelism,
  );
  const inherited = states.filter((s) => s.subtask % parallelism === index).sort((a, b) => a.subtask - b.subtask);
  for (const s of inherited) if (s.state.operator !== undefined) await t.operator.restoreState?.(s.state.operator);
  const same = states.find((s) => s.subtask === index && s.parallelism === parallelism) ?? (states.length === 1 ? states[0] : undefined);
  return mergeSourcePositions(
    states.map((s) => s.state.source),
    same?.state.source,
  );
}
