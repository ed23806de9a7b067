import type { KeyedStateBackend } from '../../core/state-backend.js';
import type { KeyedStateStore, StateDescriptor } from '../../core/state.js';

/**
 * The keyed states of one operator subtask declared `queryable`, and how to read one for a key
 * while the job runs. The operator registers its states through {@link wrap}, which notes the
 * queryable descriptors; a query reads with the same descriptor, so it sees what the operator sees
 * (defaults, TTL), in the subtask's own thread between two batches.
 */
export class QueryableStates {
  private readonly byName = new Map<string, StateDescriptor>();

  constructor(private readonly backend: KeyedStateBackend) {}

  /** The store the operator gets: `backend`'s states, with queryable descriptors noted. */
  wrap(): KeyedStateStore {
    const b = this.backend;
    const note = (d: StateDescriptor) => {
      if (d.queryable) this.byName.set(d.name, d);
    };
    return {
      getState: (d) => (note(d), b.getState(d)),
      getListState: (d) => (note(d), b.getListState(d)),
      getMapState: (d) => (note(d), b.getMapState(d)),
      getReducingState: (d) => (note(d), b.getReducingState(d)),
      getAggregatingState: (d) => (note(d), b.getAggregatingState(d)),
    };
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /**
   * State `name` for `key`: a value, a list, a map's entries as `[key, value]` pairs, or a
   * reducing or aggregating state's result. The key the operator was on is set back afterwards.
   */
  read(name: string, key: unknown): unknown {
    const d = this.byName.get(name);
    if (!d) return undefined;
    const b = this.backend;
    const previous = b.currentKeyId;
    b.setCurrentKey(key);
    try {
      switch (d.type) {
        case 'value':
          return b.getState(d).value();
        case 'list':
          return b.getListState(d).get();
        case 'map':
          return [...b.getMapState(d).entries()];
        case 'reducing':
          return b.getReducingState(d).get();
        case 'aggregating':
          return b.getAggregatingState(d).get();
      }
    } finally {
      b.setCurrentKeyId(previous);
    }
  }
}
