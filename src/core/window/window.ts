import { MAX_WATERMARK } from '../batch.js';

/**
 * A window of event or processing time: `[start, end)`. `maxTimestamp()` is the last instant that
 * belongs to it (`end - 1`), which is when an event-time window fires.
 *
 * @example
 * const w = new TimeWindow(0, 10_000); // w.maxTimestamp() === 9_999
 */
export class TimeWindow {
  constructor(
    readonly start: number,
    readonly end: number,
  ) {}

  maxTimestamp(): number {
    return this.end - 1;
  }

  /** True when the windows overlap or touch, so a session can join them. */
  intersects(other: TimeWindow): boolean {
    return this.start <= other.end && this.end >= other.start;
  }

  /** The smallest window that contains both. */
  cover(other: TimeWindow): TimeWindow {
    return new TimeWindow(Math.min(this.start, other.start), Math.max(this.end, other.end));
  }

  equals(other: unknown): boolean {
    return other instanceof TimeWindow && other.start === this.start && other.end === this.end;
  }

  toString(): string {
    return `TimeWindow{start=${this.start}, end=${this.end}}`;
  }

  /**
   * Start of the window of length `windowSize` (aligned to `offset`) that contains `timestamp`.
   * Works for negative timestamps too: the remainder is taken towards minus infinity.
   */
  static getWindowStartWithOffset(timestamp: number, offset: number, windowSize: number): number {
    const r = (timestamp - offset) % windowSize;
    return r < 0 ? timestamp - (r + windowSize) : timestamp - r;
  }
}

/**
 * The single window of `GlobalWindows`: everything of a key goes into it, and only a custom trigger
 * (e.g. `CountTrigger`) fires it.
 *
 * @example
 * GlobalWindows.create().assignWindows(record, ts, ctx); // [GlobalWindow.INSTANCE]
 */
export class GlobalWindow {
  static readonly INSTANCE = new GlobalWindow();
  private constructor() {}
  maxTimestamp(): number {
    return MAX_WATERMARK;
  }
  equals(other: unknown): boolean {
    return other === GlobalWindow.INSTANCE;
  }
  toString(): string {
    return 'GlobalWindow';
  }
}

/** The windows Weir's assigners produce. */
export type Window = TimeWindow | GlobalWindow;

const GLOBAL_NS = 'g';

/**
 * A window as a primitive, to name its state and timers (state namespaces must be primitives).
 *
 * @example
 * windowNamespace(new TimeWindow(0, 1000)); // '0|1000'
 */
export function windowNamespace(w: Window): string {
  return w instanceof TimeWindow ? `${w.start}|${w.end}` : GLOBAL_NS;
}

/** Inverse of {@link windowNamespace}. */
export function windowFromNamespace(ns: string | number): Window {
  if (ns === GLOBAL_NS) return GlobalWindow.INSTANCE;
  const s = String(ns);
  const bar = s.indexOf('|');
  return new TimeWindow(Number(s.slice(0, bar)), Number(s.slice(bar + 1)));
}
