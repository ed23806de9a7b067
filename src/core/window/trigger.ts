import type {
  AggregatingState,
  AggregatingStateDescriptor,
  ListState,
  ListStateDescriptor,
  MapState,
  MapStateDescriptor,
  ReducingState,
  ReducingStateDescriptor,
  StateDescriptor,
  ValueState,
  ValueStateDescriptor,
} from '../state.js';
import type { Window } from './window.js';

/**
 * What a trigger decides: keep waiting, emit the window, drop its contents, or both.
 *
 * @example
 * onEventTime: (time, window) => (time === window.maxTimestamp() ? TriggerResult.FIRE : TriggerResult.CONTINUE)
 */
export const TriggerResult = {
  CONTINUE: 'CONTINUE',
  FIRE: 'FIRE',
  PURGE: 'PURGE',
  FIRE_AND_PURGE: 'FIRE_AND_PURGE',
} as const;
export type TriggerResult = (typeof TriggerResult)[keyof typeof TriggerResult];

export const isFire = (r: TriggerResult): boolean => r === 'FIRE' || r === 'FIRE_AND_PURGE';
export const isPurge = (r: TriggerResult): boolean => r === 'PURGE' || r === 'FIRE_AND_PURGE';

/**
 * What a trigger sees: time, timers and state, all scoped to the current key and window. Timers
 * registered here call back the trigger's `onEventTime` / `onProcessingTime` for that window.
 */
export interface TriggerContext {
  getCurrentProcessingTime(): number;
  getCurrentWatermark(): number;
  registerEventTimeTimer(time: number): void;
  registerProcessingTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
  getPartitionedState<T>(d: ValueStateDescriptor<T>): ValueState<T>;
  getPartitionedState<T>(d: ReducingStateDescriptor<T>): ReducingState<T>;
  getPartitionedState<T>(d: ListStateDescriptor<T>): ListState<T>;
  getPartitionedState<IN, ACC, OUT>(d: AggregatingStateDescriptor<IN, ACC, OUT>): AggregatingState<IN, OUT>;
  getPartitionedState<K, V>(d: MapStateDescriptor<K, V>): MapState<K, V>;
}

/** During a session merge: the state of the merged windows can be folded into the new one. */
export interface OnMergeContext extends TriggerContext {
  /** Combines this state (reducing, aggregating or list) of all merged windows into the result window. */
  mergePartitionedState(d: StateDescriptor): void;
}

/**
 * Decides when a window is emitted, as Flink's `Trigger`. One trigger object serves every key and
 * window, so per-window data must live in `ctx.getPartitionedState`, not in fields. The runtime
 * calls one method at a time, on the task's thread.
 *
 * @example
 * const everyTen: Trigger<unknown, GlobalWindow> = {
 *   onElement: (_v, _t, _w, ctx) => { const n = ctx.getPartitionedState(reducingState<number>('n', (a, b) => a + b)); n.add(1); return n.get()! >= 10 ? (n.clear(), 'FIRE') : 'CONTINUE'; },
 *   onEventTime: () => 'CONTINUE', onProcessingTime: () => 'CONTINUE', clear: () => {},
 * };
 */
export interface Trigger<T, W extends Window> {
  onElement(element: T, timestamp: number, window: W, ctx: TriggerContext): TriggerResult;
  onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult;
  onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult;
  /** True when the trigger supports merging windows (required by session assigners). */
  canMerge?(): boolean;
  onMerge?(window: W, ctx: OnMergeContext): void;
  /** The window is gone: delete its timers and state. */
  clear(window: W, ctx: TriggerContext): void;
  toString(): string;
}
