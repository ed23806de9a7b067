import type { Sink } from '../core/sink.js';
import type { Source } from '../core/source.js';
import type { WatermarkStrategy } from '../core/watermark-strategy.js';
import type { ProcessFunction, KeyedProcessFunction, CoProcessFunction, KeyedCoProcessFunction, Collector } from '../core/functions.js';
import type { BroadcastProcessFunction, KeyedBroadcastProcessFunction } from '../core/broadcast-functions.js';
import type { AggregateFunction, MapStateDescriptor } from '../core/state.js';
import type { AsyncFunction } from '../core/async-function.js';
import type { AsyncRetryStrategy } from '../core/async-retry-strategy.js';
import type { ProcessJoinFunction } from '../core/join-functions.js';
import type { WindowOperatorSpec } from '../core/window/window-operator-spec.js';

/**
 * What a graph node does, as data: an operator kind and its parameters, resolved through the
 * operator registry (`operator-registry.ts`) when the job is submitted. Kinds are open: the API,
 * a SQL planner or a connector may use any kind a factory registers.
 */
export interface OperatorSpec {
  readonly kind: string;
  readonly params: unknown;
}

/** A window node's parameters. `preAggregated`: the input holds partial aggregates per key and slice from a `localWindowAggregate`, not records. */
export interface WindowParams {
  readonly window: WindowOperatorSpec;
  readonly preAggregated?: boolean;
}

/**
 * Parameters of the kinds the DataStream API emits and the runtime registers, by kind. Planning
 * passes read them; the runtime's factories are typed against them.
 */
export interface BuiltinOperatorParams {
  source: { readonly source: Source<any>; readonly watermarks: WatermarkStrategy<any> | undefined };
  sink: { readonly sink: Sink<any> };
  map: { readonly fn: (value: any) => any };
  filter: { readonly fn: (value: any) => boolean };
  flatMap: { readonly fn: (value: any, out: Collector<any>) => void | Iterable<any> };
  timestampsAndWatermarks: { readonly watermarks: WatermarkStrategy<any> };
  process: { readonly fn: ProcessFunction<any, any> };
  keyedProcess: { readonly fn: KeyedProcessFunction<any, any, any> };
  reduce: { readonly fn: (a: any, b: any) => any };
  /**
   * Keyed running aggregate. `changelog`, set by planning (`changelog-mode-pass.ts`) when the input
   * is a changelog: the input's `-U`/`-D` rows retract and the results are emitted as a changelog.
   */
  aggregate: { readonly fn: AggregateFunction<any, any, any>; readonly changelog?: boolean };
  coProcess: { readonly fn: CoProcessFunction<any, any, any> };
  keyedCoProcess: { readonly fn: KeyedCoProcessFunction<any, any, any, any> };
  union: Record<string, never>;
  /** Input 0: the (keyed) stream; input 1: the broadcast stream, whose state is declared by `descriptors`. */
  broadcastProcess: { readonly fn: BroadcastProcessFunction<any, any, any>; readonly descriptors: readonly MapStateDescriptor<any, any>[] };
  keyedBroadcastProcess: { readonly fn: KeyedBroadcastProcessFunction<any, any, any, any>; readonly descriptors: readonly MapStateDescriptor<any, any>[] };
  /** Async I/O; `timeout` in ms covers all attempts of a record; `capacity` bounds requests in flight. */
  asyncWait: {
    readonly fn: AsyncFunction<any, any>;
    readonly ordered: boolean;
    readonly timeout: number;
    readonly capacity: number;
    readonly retry: AsyncRetryStrategy<any> | undefined;
  };
  /** Keyed event-time join of input 0 (left) and 1 (right): right.ts in [left.ts + lowerBound, left.ts + upperBound]. */
  intervalJoin: {
    readonly fn: ProcessJoinFunction<any, any, any>;
    readonly lowerBound: number;
    readonly upperBound: number;
    readonly lowerBoundInclusive: boolean;
    readonly upperBoundInclusive: boolean;
    readonly leftLateDataTag: string | undefined;
    readonly rightLateDataTag: string | undefined;
  };
  /** Keyed windows (windowAll: a constant key at parallelism 1), general form: the API emits it and planning may pick `slicedWindow`. */
  window: WindowParams;
  /** Aligned event-time windows on shared slices, chosen by planning (`window-operator-choice-pass.ts`). */
  slicedWindow: WindowParams;
  /** The local half of a two-phase window aggregate: partial aggregates per key (by `key`) and slice. */
  localWindowAggregate: { readonly window: WindowOperatorSpec; readonly key: (value: any) => unknown };
}

export type BuiltinOperatorKind = keyof BuiltinOperatorParams;

/** A node spec of a built-in kind, type-checked against its parameters. @example operatorSpec('map', { fn: (x) => x + 1 }) */
export function operatorSpec<K extends BuiltinOperatorKind>(kind: K, params: BuiltinOperatorParams[K]): OperatorSpec {
  return { kind, params };
}

/** The parameters of `spec` when it is of built-in kind `kind`. @example paramsOf(node, 'source')?.source */
export function paramsOf<K extends BuiltinOperatorKind>(spec: OperatorSpec, kind: K): BuiltinOperatorParams[K] | undefined {
  return spec.kind === kind ? (spec.params as BuiltinOperatorParams[K]) : undefined;
}
