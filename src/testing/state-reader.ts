import type {
  AggregatingStateDescriptor,
  KeyedStateStore,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  StateDescriptor,
  ValueStateDescriptor,
} from '../core/state.js';

/** What {@link readState} returns for each kind of state descriptor. */
export type StateContents<D> =
  D extends ValueStateDescriptor<infer T>
    ? T | undefined
    : D extends ListStateDescriptor<infer T>
      ? T[]
      : D extends MapStateDescriptor<infer K, infer V>
        ? Map<K, V>
        : D extends ReducingStateDescriptor<infer T>
          ? T | undefined
          : D extends AggregatingStateDescriptor<any, any, infer OUT>
            ? OUT | undefined
            : never;

/** Reads a state of the current key as a plain value (a list as an array, a map state as a `Map`). */
export function readState<D extends StateDescriptor>(store: KeyedStateStore, d: D): StateContents<D> {
  switch (d.type) {
    case 'value':
      return store.getState(d).value() as StateContents<D>;
    case 'list':
      return store.getListState(d).get() as StateContents<D>;
    case 'map':
      return new Map(store.getMapState(d).entries()) as StateContents<D>;
    case 'reducing':
      return store.getReducingState(d).get() as StateContents<D>;
    case 'aggregating':
      return store.getAggregatingState(d).get() as StateContents<D>;
  }
}
