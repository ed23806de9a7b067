import type { ListState, MapState, MapStateDescriptor, OperatorStateStore } from '../../core/state.js';
import { HeapListState, HeapMapState } from './heap-states.js';
import { TtlAccess } from './ttl.js';
import { SystemClock } from '../../core/clock.js';

/** Operator list state is split among subtasks on rescale; broadcast state is copied to every subtask. */
export interface OperatorStateSnapshot {
  readonly lists: Record<string, unknown[]>;
  readonly broadcast: Record<string, [unknown, [unknown, unknown]][]>;
}

const SINGLE = { currentKeyId: 0 };

/**
 * Non-keyed state of one operator subtask, kept on the heap. On restore with another parallelism,
 * the elements of all old subtasks' lists are dealt round-robin, so each element lands in exactly
 * one new subtask.
 *
 * @example
 * const offsets = ctx.operatorState.getListState<number>('offsets');
 * offsets.update([42]);
 */
export class HeapOperatorStateStore implements OperatorStateStore {
  private readonly lists = new Map<string, Map<unknown, unknown>>();
  private readonly broadcasts = new Map<string, Map<unknown, unknown>>();
  // Operator state has no TTL; the clock is never read.
  private readonly clock = new SystemClock();

  getListState<T>(name: string): ListState<T> {
    let t = this.lists.get(name);
    if (!t) this.lists.set(name, (t = new Map()));
    return new HeapListState<T>(t, SINGLE, new TtlAccess(undefined, this.clock, name));
  }
  getBroadcastState<K, V>(d: MapStateDescriptor<K, V>): MapState<K, V> {
    let t = this.broadcasts.get(d.name);
    if (!t) this.broadcasts.set(d.name, (t = new Map()));
    return new HeapMapState<K, V>(t, SINGLE, new TtlAccess(undefined, this.clock, d.name));
  }

  snapshot(): OperatorStateSnapshot {
    const lists: Record<string, unknown[]> = {};
    for (const [n, t] of this.lists) lists[n] = (t.get(0) as unknown[] | undefined)?.slice() ?? [];
    const broadcast: Record<string, [unknown, [unknown, unknown]][]> = {};
    for (const [n, t] of this.broadcasts) broadcast[n] = [...((t.get(0) as Map<unknown, [unknown, unknown]> | undefined) ?? new Map())];
    return { lists, broadcast };
  }

  /** Takes the list elements `index` gets of all old subtasks' lists (round-robin), and broadcast state from the first. */
  restore(snapshots: OperatorStateSnapshot[], index: number, parallelism: number): void {
    const all = new Map<string, unknown[]>();
    for (const s of snapshots) for (const [n, l] of Object.entries(s.lists)) all.set(n, [...(all.get(n) ?? []), ...l]);
    for (const [n, l] of all) this.lists.set(n, new Map([[0, l.filter((_, i) => i % parallelism === index)]]));
    const first = snapshots[0];
    if (first) for (const [n, entries] of Object.entries(first.broadcast)) this.broadcasts.set(n, new Map([[0, new Map(entries)]]));
  }
}
