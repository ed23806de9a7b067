/**
 * Processing time. The runtime never reads `Date.now()` directly, so tests can drive time with a
 * {@link ManualClock} and get the same result on every run.
 */
export interface Clock {
  now(): number;
  /**
   * Calls `fn` once `now() >= at`, never synchronously inside `schedule` itself. Returns a function
   * that cancels the call.
   */
  schedule(at: number, fn: () => void): () => void;
}

/** Wall-clock time with `setTimeout`. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
  schedule(at: number, fn: () => void): () => void {
    const t = setTimeout(fn, Math.max(0, at - Date.now()));
    t.unref?.();
    return () => clearTimeout(t);
  }
}

interface Scheduled {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/**
 * A clock that moves only when told to. Time never goes back. Scheduled calls run inside
 * `advance`/`setTime`, earliest first (equal times in the order they were scheduled), with `now()`
 * reading the time each call was due at; calls they schedule run in the same move if they fall due.
 * A call scheduled at or before the current time waits for the next move: `advance(0)` runs it.
 *
 * @example
 * const clock = new ManualClock(0);
 * clock.schedule(1000, () => console.log('fired at', clock.now()));
 * clock.advance(1500); // prints 'fired at 1000'; clock.now() is then 1500
 */
export class ManualClock implements Clock {
  /** Sorted by (at, seq), so the next due call is always first. */
  private pending: Scheduled[] = [];
  private seq = 0;
  constructor(private time = 0) {}
  now(): number {
    return this.time;
  }
  schedule(at: number, fn: () => void): () => void {
    const entry: Scheduled = { at, seq: this.seq++, fn, cancelled: false };
    const p = this.pending;
    let lo = 0;
    let hi = p.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (p[mid]!.at <= at) lo = mid + 1;
      else hi = mid;
    }
    p.splice(lo, 0, entry);
    return () => {
      entry.cancelled = true;
    };
  }
  /** Moves time forward by `ms` (>= 0) and runs everything that became due. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`ManualClock.advance(${ms}): time only moves forward`);
    this.setTime(this.time + ms);
  }
  /** Moves time to `t` (not before `now()`) and runs everything that became due. */
  setTime(t: number): void {
    if (!(t >= this.time)) throw new RangeError(`ManualClock.setTime(${t}): time only moves forward (now ${this.time})`);
    for (;;) {
      const next = this.pending[0];
      if (!next || next.at > t) break;
      this.pending.shift();
      if (next.cancelled) continue;
      if (next.at > this.time) this.time = next.at;
      next.fn();
    }
    this.time = t;
  }
  /** Number of scheduled calls not yet run. */
  get pendingCount(): number {
    return this.pending.filter((e) => !e.cancelled).length;
  }
}
