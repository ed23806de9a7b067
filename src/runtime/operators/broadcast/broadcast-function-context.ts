import { WeirError } from '../../../core/errors.js';
import type { BroadcastState, ReadOnlyBroadcastState, StateOf } from '../../../core/broadcast-functions.js';
import type { OperatorContext } from '../../../core/operator.js';
import type { KeyedStateStore, MapState, MapStateDescriptor, StateDescriptor } from '../../../core/state.js';
import { FunctionContext } from '../function-context.js';

/** Hides the write methods of a broadcast map from the non-broadcast side. */
class ReadOnlyBroadcastStateView<K, V> implements ReadOnlyBroadcastState<K, V> {
  constructor(private readonly s: MapState<K, V>) {}
  get(key: K): V | undefined {
    return this.s.get(key);
  }
  contains(key: K): boolean {
    return this.s.contains(key);
  }
  entries(): IterableIterator<[K, V]> {
    return this.s.entries();
  }
  keys(): IterableIterator<K> {
    return this.s.keys();
  }
  values(): IterableIterator<V> {
    return this.s.values();
  }
  isEmpty(): boolean {
    return this.s.isEmpty();
  }
}

/**
 * The one context object a (keyed) broadcast process function sees on both sides; `readOnly`
 * says which side is running, so broadcast state is writable only from the broadcast side.
 */
export class BroadcastFunctionContext extends FunctionContext {
  readOnly = true;
  private readonly states = new Map<string, { rw: MapState<any, any>; ro: ReadOnlyBroadcastStateView<any, any> }>();
  private readonly declared: Set<string>;

  constructor(
    private readonly octx: OperatorContext<unknown>,
    descriptors: readonly MapStateDescriptor<any, any>[],
  ) {
    super(octx);
    this.declared = new Set(descriptors.map((d) => d.name));
  }

  getBroadcastState<K, V>(d: MapStateDescriptor<K, V>): BroadcastState<K, V> & ReadOnlyBroadcastState<K, V> {
    let s = this.states.get(d.name);
    if (!s) {
      if (!this.declared.has(d.name)) {
        throw new WeirError(
          `Broadcast state '${d.name}' does not exist in operator '${this.octx.operatorName}': declare its descriptor in broadcast(...) (declared: ${[...this.declared].map((n) => `'${n}'`).join(', ') || 'none'})`,
        );
      }
      const rw = this.octx.operatorState.getBroadcastState(d);
      s = { rw, ro: new ReadOnlyBroadcastStateView(rw) };
      this.states.set(d.name, s);
    }
    return (this.readOnly ? s.ro : s.rw) as BroadcastState<K, V> & ReadOnlyBroadcastState<K, V>;
  }

  applyToKeyedState<D extends StateDescriptor>(d: D, fn: (key: unknown, state: StateOf<D>) => void): void {
    const keyed = this.octx.keyed;
    if (!keyed) throw new WeirError(`applyToKeyedState needs a keyed stream (operator '${this.octx.operatorName}')`);
    const state = stateFor(keyed.state, d) as StateOf<D>;
    const previous = keyed.getCurrentKey();
    try {
      for (const key of keyed.keysOf(d.name)) {
        keyed.setCurrentKey(key);
        fn(key, state);
      }
    } finally {
      keyed.setCurrentKey(previous);
    }
  }
}

function stateFor(store: KeyedStateStore, d: StateDescriptor): unknown {
  switch (d.type) {
    case 'value':
      return store.getState(d);
    case 'list':
      return store.getListState(d);
    case 'map':
      return store.getMapState(d);
    case 'reducing':
      return store.getReducingState(d);
    case 'aggregating':
      return store.getAggregatingState(d);
  }
}
