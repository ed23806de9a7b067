import type { Trigger } from './trigger.js';
import type { Window } from './window.js';

/** What an assigner may ask of the runtime while assigning. */
export interface WindowAssignerContext {
  getCurrentProcessingTime(): number;
}

/**
 * Puts each record into zero or more windows, as Flink's `WindowAssigner`. Assigners are shared by
 * every key and subtask, so they keep no state.
 *
 * @example
 * const everyMinute: WindowAssigner<unknown, TimeWindow> = TumblingEventTimeWindows.of('1 min');
 */
export interface WindowAssigner<T, W extends Window> {
  assignWindows(element: T, timestamp: number, ctx: WindowAssignerContext): W[];
  /** The trigger used when `WindowedStream.trigger` is not called. */
  getDefaultTrigger(): Trigger<T, W>;
  /** Event time (windows fire on watermarks, late data exists) or processing time. */
  readonly isEventTime: boolean;
  /** Windows of one key may merge (sessions); the runtime then keeps a merging window set. */
  readonly merging: boolean;
  /** For merging assigners: reports each group of windows that must become one. */
  mergeWindows?(windows: W[], callback: (toBeMerged: W[], mergeResult: W) => void): void;
  /**
   * Aligned fixed-size windows (tumbling: slide = size) describe themselves, so the runtime can
   * aggregate them in shared slices instead of once per window.
   */
  readonly alignment?: { readonly size: number; readonly slide: number; readonly offset: number };
  toString(): string;
}

/**
 * Flink's session merge: sort by start and join windows that overlap or touch.
 *
 * @example
 * mergeTimeWindows([new TimeWindow(0, 10), new TimeWindow(5, 20)], (group, cover) => console.log(cover)); // [0, 20)
 */
export function mergeTimeWindows<W extends { start: number; end: number; intersects(o: W): boolean; cover(o: W): W }>(
  windows: W[],
  callback: (toBeMerged: W[], mergeResult: W) => void,
): void {
  const sorted = windows.slice().sort((a, b) => a.start - b.start);
  let group: W[] = [];
  let cover: W | undefined;
  for (const w of sorted) {
    if (cover && cover.intersects(w)) {
      group.push(w);
      cover = cover.cover(w);
      continue;
    }
    if (cover && group.length > 1) callback(group, cover);
    group = [w];
    cover = w;
  }
  if (cover && group.length > 1) callback(group, cover);
}

/** The error Flink gives when an event-time window meets a record without a timestamp. */
export function missingTimestamp(assigner: string): Error {
  return new Error(
    `${assigner} got a record without an event timestamp. Assign timestamps with a WatermarkStrategy ` +
      `(fromSource(..., strategy) or assignTimestampsAndWatermarks), or use a processing-time assigner.`,
  );
}
