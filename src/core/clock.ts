/**
 * Processing time. The runtime never reads `Date.now()` directly, so tests can drive time with a
 * {@link ManualClock} and get the same result on every run.
 */
export interface Clock {
  now(): number;
  /** Calls `fn` once `now() >= at`. Returns a function that cancels the call. */
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

/**
 * A clock that moves only when told to. Scheduled calls run, in time order, inside `advance`.
 *
 * @example
 * const clock = new ManualClock(0);
 * clock.schedule(1000, () => console.log('fired'));
 * clock.advance(1000); // prints 'fired'
 */
export class ManualClock implements Clock {
  private pending: { at: number; seq: number; fn: () => void; cancelled: boolean }[] = [];
  private seq = 0;
  constructor(private time = 0) {}
  now(): number {
    return this.time;
  }
  schedule(at: number, fn: () => void): () => void {
    const entry = { at, seq: this.seq++, fn, cancelled: false };
    this.pending.push(entry);
    return () => {
      entry.cancelled = true;
    };
  }
  /** Moves time forward by `ms` and runs everything that became due, earliest first. */
  advance(ms: number): void {
    this.setTime(this.time + ms);
  }
  setTime(t: number): void {
    for (;;) {
      let next: (typeof this.pending)[number] | undefined;
      for (const e of this.pending) if (!e.cancelled && e.at <= t && (!next || e.at < next.at || (e.at === next.at && e.seq < next.seq))) next = e;
      if (!next) break;
      this.pending = this.pending.filter((e) => e !== next && !e.cancelled);
      this.time = Math.max(this.time, next.at);
      next.fn();
    }
    this.time = Math.max(this.time, t);
  }
  /** Number of scheduled calls not yet run. */
  get pendingCount(): number {
    return this.pending.filter((e) => !e.cancelled).length;
  }
}
