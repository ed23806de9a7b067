import type { Operator } from '../core/operator.js';
import type { Sink } from '../core/sink.js';
import type { Source } from '../core/source.js';
import type { WatermarkStrategy } from '../core/watermark-strategy.js';
import type { ProcessFunction, KeyedProcessFunction, CoProcessFunction, KeyedCoProcessFunction, Collector } from '../core/functions.js';
import type { BroadcastProcessFunction, KeyedBroadcastProcessFunction } from '../core/broadcast-functions.js';
import type { MapStateDescriptor } from '../core/state.js';
import type { AsyncFunction } from '../core/async-function.js';
import type { AsyncRetryStrategy } from '../core/async-retry-strategy.js';
import type { ProcessJoinFunction } from '../core/join-functions.js';
import type { WindowOperatorSpec } from '../core/window/window-operator-spec.js';

/**
 * What a graph node does, as data the runtime turns into an operator. The API and the SQL planner
 * build these; only the runtime knows the implementations. `custom` carries an operator factory for
 * operators written against the SPI (SQL's own operators, user extensions).
 */
export type OperatorSpec =
  | { readonly kind: 'source'; readonly source: Source<any>; readonly watermarks: WatermarkStrategy<any> | undefined }
  | { readonly kind: 'sink'; readonly sink: Sink<any> }
  | { readonly kind: 'map'; readonly fn: (value: any) => any }
  | { readonly kind: 'filter'; readonly fn: (value: any) => boolean }
  | { readonly kind: 'flatMap'; readonly fn: (value: any, out: Collector<any>) => void | Iterable<any> }
  | { readonly kind: 'timestampsAndWatermarks'; readonly watermarks: WatermarkStrategy<any> }
  | { readonly kind: 'process'; readonly fn: ProcessFunction<any, any> }
  | { readonly kind: 'keyedProcess'; readonly fn: KeyedProcessFunction<any, any, any> }
  | { readonly kind: 'reduce'; readonly fn: (a: any, b: any) => any }
  | { readonly kind: 'coProcess'; readonly fn: CoProcessFunction<any, any, any> }
  | { readonly kind: 'keyedCoProcess'; readonly fn: KeyedCoProcessFunction<any, any, any, any> }
  | { readonly kind: 'union' }
  /** Input 0: the (keyed) stream; input 1: the broadcast stream, whose state is declared by `descriptors`. */
  | { readonly kind: 'broadcastProcess' | 'keyedBroadcastProcess'; readonly fn: BroadcastProcessFunction<any, any, any> | KeyedBroadcastProcessFunction<any, any, any, any>; readonly descriptors: readonly MapStateDescriptor<any, any>[] }
  /** Async I/O; `timeout` in ms covers all attempts of a record; `capacity` bounds requests in flight. */
  | { readonly kind: 'asyncWait'; readonly fn: AsyncFunction<any, any>; readonly ordered: boolean; readonly timeout: number; readonly capacity: number; readonly retry: AsyncRetryStrategy<any> | undefined }
  /** Keyed event-time join of input 0 (left) and 1 (right): right.ts in [left.ts + lowerBound, left.ts + upperBound]. */
  | { readonly kind: 'intervalJoin'; readonly fn: ProcessJoinFunction<any, any, any>; readonly lowerBound: number; readonly upperBound: number; readonly lowerBoundInclusive: boolean; readonly upperBoundInclusive: boolean; readonly leftLateDataTag: string | undefined; readonly rightLateDataTag: string | undefined }
  /**
   * Keyed windows (windowAll: a constant key at parallelism 1). `preAggregated`: the input holds
   * partial aggregates per key and slice from a `localWindowAggregate`, not records.
   */
  | { readonly kind: 'window'; readonly window: WindowOperatorSpec; readonly preAggregated?: boolean }
  /** The local half of a two-phase window aggregate: partial aggregates per key (by `key`) and slice. */
  | { readonly kind: 'localWindowAggregate'; readonly window: WindowOperatorSpec; readonly key: (value: any) => unknown }
  | { readonly kind: 'custom'; readonly create: () => Operator<any>; readonly description?: string };

export type OperatorKind = OperatorSpec['kind'];
