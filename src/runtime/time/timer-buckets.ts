import type { Timer } from './timer-heap.js';

interface Bucket {
  readonly timers: Timer[];
  /** Index of the first timer not yet popped. */
  next: number;
}

/**
 * Timers ordered by (timestamp, registration order), as `TimerHeap`, but grouped by timestamp: a
 * min-heap of the distinct timestamps, and per timestamp the timers in the order they were pushed.
 * Window operators register thousands of timers on the same few window ends; here such a timer
 * costs an append and a shift instead of two O(log n) sift passes. Timers must be pushed in
 * registration order (the timer service numbers them as it pushes), which keeps each bucket sorted.
 *
 * @example
 * const q = new TimerBuckets();
 * q.push({ timestamp: 10, keyId: 'a', namespace: 0, seq: 0 });
 * q.pop(); // the timer at 10
 */
export class TimerBuckets {
  private readonly times: number[] = [];
  private readonly buckets = new Map<number, Bucket>();
  private headTime = NaN;
  private head: Bucket | undefined;
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(t: Timer): void {
    let b = this.buckets.get(t.timestamp);
    if (b === undefined) {
      b = { timers: [], next: 0 };
      this.buckets.set(t.timestamp, b);
      this.pushTime(t.timestamp);
    }
    b.timers.push(t);
    this.count++;
  }

  peek(): Timer | undefined {
    const b = this.first();
    return b === undefined ? undefined : b.timers[b.next];
  }

  pop(): Timer | undefined {
    const b = this.first();
    if (b === undefined) return undefined;
    const t = b.timers[b.next++];
    this.count--;
    if (b.next === b.timers.length) {
      this.buckets.delete(this.times[0]!);
      this.popTime();
    }
    return t;
  }

  toArray(): Timer[] {
    const out: Timer[] = [];
    for (const b of this.buckets.values()) for (let i = b.next; i < b.timers.length; i++) out.push(b.timers[i]!);
    return out;
  }

  /** The bucket of the smallest timestamp (cached: the head changes only when the heap top does). */
  private first(): Bucket | undefined {
    const ts = this.times[0];
    if (ts === undefined) return undefined;
    if (ts !== this.headTime) {
      this.headTime = ts;
      this.head = this.buckets.get(ts);
    }
    return this.head;
  }

  private pushTime(ts: number): void {
    const a = this.times;
    let i = a.length;
    a.push(ts);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p]! <= ts) break;
      a[i] = a[p]!;
      i = p;
    }
    a[i] = ts;
  }

  private popTime(): void {
    const a = this.times;
    const last = a.pop()!;
    this.headTime = NaN;
    const n = a.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && a[r]! < a[l]! ? r : l;
      if (a[m]! >= last) break;
      a[i] = a[m]!;
      i = m;
    }
    a[i] = last;
  }
}
