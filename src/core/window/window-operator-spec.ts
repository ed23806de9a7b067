import type { AggregateFunction } from '../state.js';
import type { Evictor } from './evictor.js';
import type { Trigger } from './trigger.js';
import type { WindowAssigner } from './window-assigner.js';
import type { ProcessWindowFunction } from './window-functions.js';
import type { Window } from './window.js';

/** How the window contents turn into output: incrementally (reduce, aggregate) or all at once (process). */
export type WindowFunctionSpec =
  | { readonly type: 'reduce'; readonly reduce: (a: any, b: any) => any; readonly window: ProcessWindowFunction<any, any, any, any> | undefined }
  | { readonly type: 'aggregate'; readonly aggregate: AggregateFunction<any, any, any>; readonly window: ProcessWindowFunction<any, any, any, any> | undefined }
  | { readonly type: 'process'; readonly window: ProcessWindowFunction<any, any, any, any> };

/** Everything a keyed window operator needs, as the API collected it (the graph's `window` node). */
export interface WindowOperatorSpec {
  readonly assigner: WindowAssigner<any, Window>;
  /** Undefined: the assigner's default trigger. */
  readonly trigger: Trigger<any, Window> | undefined;
  readonly evictor: Evictor<any, Window> | undefined;
  /** Event time (ms) a window is kept after its end, for late records to update it. */
  readonly allowedLateness: number;
  /** Side output for records too late for any window; without it they are counted and dropped. */
  readonly lateDataTag: string | undefined;
  readonly fn: WindowFunctionSpec;
}

/**
 * Metric counting late records dropped without a side output (Flink's name).
 *
 * @example
 * (await env.execute()).metrics.find((m) => m.name === 'w')?.counters[LATE_RECORDS_DROPPED]
 */
export const LATE_RECORDS_DROPPED = 'numLateRecordsDropped';
