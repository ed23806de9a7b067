import type { TimerStore } from '../../core/state-backend.js';
import { TimerBuckets } from './timer-buckets.js';
import type { Timer } from './timer-heap.js';

/** Timers taken back from the store per read: one read transaction for many firings. */
const TAKE_BATCH = 4096;

function before(a: Timer, b: Timer): boolean {
  return a.timestamp < b.timestamp || (a.timestamp === b.timestamp && a.seq < b.seq);
}

/**
 * A set of timers of one time domain: a heap for order, and the live timers with their registration
 * number, as timestamp -> namespace -> key -> seq. Nested maps instead of a composite string id:
 * window operators register a timer per key and window, and building an id string per registration
 * and per firing was the largest cost of a windowed job. Map keys compare by type and value, so key
 * `true` and key `'true'` stay distinct timers.
 *
 * With a {@link TimerStore} (the disk backend), at most about `store.memoryBound` timers stay in
 * memory: past it the latest half moves to the store, and the store's earliest timers come back in
 * batches (`taken`, fired in order with the heap's) as they come due. Without timers in the store,
 * no call reaches it.
 *
 * @example
 * const q = new TimerQueue();
 * q.add('k', 0, 1000, 0);
 * const t = q.nextDue(1000); // the timer at 1000
 * if (t) q.take(t);
 */
export class TimerQueue {
  private heap = new TimerBuckets();
  private live = new Map<number, Map<string | number, Map<unknown, number>>>();
  /** Timers in memory (heap and `taken`). */
  private inMemory = 0;
  /** Timers taken back from the store, in order; `takenAt` is the next one. */
  private taken: Timer[] = [];
  private takenAt = 0;
  /** The store's earliest timer, read once per change of the store. */
  private storeFirst: Timer | undefined | null = null;

  constructor(private readonly store?: TimerStore) {}

  get size(): number {
    return this.inMemory + (this.store?.size ?? 0);
  }

  private seqOf(t: Timer): number | undefined {
    return this.live.get(t.timestamp)?.get(t.namespace)?.get(t.keyId);
  }

  private index(keyId: unknown, namespace: string | number, timestamp: number, seq: number): boolean {
    let byNs = this.live.get(timestamp);
    if (byNs === undefined) this.live.set(timestamp, (byNs = new Map()));
    let byKey = byNs.get(namespace);
    if (byKey === undefined) byNs.set(namespace, (byKey = new Map()));
    if (byKey.has(keyId)) return false;
    byKey.set(keyId, seq);
    this.inMemory++;
    return true;
  }

  add(keyId: unknown, namespace: string | number, timestamp: number, seq: number): boolean {
    const store = this.store;
    // Memory first: a timer registered again (a window's end, per record) is usually there.
    if (this.live.get(timestamp)?.get(namespace)?.has(keyId)) return false;
    if (store !== undefined && store.size > 0 && store.seqOf(keyId, namespace, timestamp) !== undefined) return false;
    this.index(keyId, namespace, timestamp, seq);
    this.heap.push({ timestamp, keyId, namespace, seq });
    if (store !== undefined && this.inMemory > store.memoryBound) this.spill(store);
    return true;
  }

  delete(keyId: unknown, namespace: string | number, timestamp: number): void {
    const byNs = this.live.get(timestamp);
    const byKey = byNs?.get(namespace);
    if (byKey === undefined || !byKey.delete(keyId)) {
      if (this.store !== undefined && this.store.size > 0 && this.store.remove(keyId, namespace, timestamp)) this.storeFirst = null;
      return;
    }
    this.inMemory--;
    if (byKey.size === 0) {
      byNs!.delete(namespace);
      if (byNs!.size === 0) this.live.delete(timestamp);
    }
  }

  /** The next live timer due at `limit`, dropping deleted ones on the way. */
  nextDue(limit: number): Timer | undefined {
    for (;;) {
      let h = this.heap.peek();
      while (h !== undefined && this.seqOf(h) !== h.seq) {
        this.heap.pop();
        h = this.heap.peek();
      }
      let b: Timer | undefined;
      while (this.takenAt < this.taken.length) {
        const t = this.taken[this.takenAt]!;
        if (this.seqOf(t) === t.seq) {
          b = t;
          break;
        }
        this.takenAt++;
      }
      const t = b !== undefined && (h === undefined || before(b, h)) ? b : h;
      if (this.store !== undefined && this.store.size > 0) {
        // A timer moved to the store after the last batch came back may be due before both.
        if (this.storeFirst === null) this.storeFirst = this.store.first();
        const d = this.storeFirst;
        if (d !== undefined && d.timestamp <= limit && (t === undefined || before(d, t))) {
          this.takeBack(this.store, limit);
          continue;
        }
      }
      return t === undefined || t.timestamp > limit ? undefined : t;
    }
  }

  /** Removes the timer `nextDue` returned. */
  take(t: Timer): void {
    if (this.taken[this.takenAt] === t) this.takenAt++;
    else this.heap.pop();
    this.delete(t.keyId, t.namespace, t.timestamp);
  }

  /** The latest live timestamp (for the end of input). */
  maxTimestamp(): number {
    let max = this.store !== undefined && this.store.size > 0 ? this.store.maxTimestamp() : -Infinity;
    for (const t of this.memoryTimers()) if (t.timestamp > max) max = t.timestamp;
    return max;
  }

  /** Every live timer, in registration order (snapshots). */
  liveTimers(): Timer[] {
    const all = this.memoryTimers();
    if (this.store !== undefined && this.store.size > 0) for (const t of this.store.all()) all.push(t);
    return all.sort((a, b) => a.seq - b.seq);
  }

  private memoryTimers(): Timer[] {
    const out: Timer[] = [];
    for (const t of this.heap.toArray()) if (this.seqOf(t) === t.seq) out.push(t);
    for (let i = this.takenAt; i < this.taken.length; i++) if (this.seqOf(this.taken[i]!) === this.taken[i]!.seq) out.push(this.taken[i]!);
    return out;
  }

  /** Moves the latest timers of the heap to the store, keeping the earliest half of the bound. */
  private spill(store: TimerStore): void {
    const heapTimers = this.heap.toArray().filter((t) => this.seqOf(t) === t.seq);
    heapTimers.sort((a, b) => (before(a, b) ? -1 : 1));
    const keep = Math.max(0, Math.floor(store.memoryBound / 2) - (this.inMemory - heapTimers.length));
    const out = heapTimers.slice(keep);
    if (out.length === 0) return;
    store.putAll(out);
    this.storeFirst = null;
    for (const t of out) this.delete(t.keyId, t.namespace, t.timestamp);
    // The heap is rebuilt from the kept timers, pushed in registration order as its buckets need.
    const kept = heapTimers.slice(0, keep).sort((a, b) => a.seq - b.seq);
    this.heap = new TimerBuckets();
    for (const t of kept) this.heap.push(t);
  }

  /** Takes the store's earliest due timers back into memory, merged in order with those taken before. */
  private takeBack(store: TimerStore, limit: number): void {
    const due = store.takeDue(limit, Math.min(TAKE_BATCH, Math.max(1, store.memoryBound)));
    this.storeFirst = null;
    const rest = this.taken.slice(this.takenAt).filter((t) => this.seqOf(t) === t.seq);
    const merged: Timer[] = [];
    let i = 0;
    for (const t of due) {
      if (!this.index(t.keyId, t.namespace, t.timestamp, t.seq)) continue;
      while (i < rest.length && before(rest[i]!, t)) merged.push(rest[i++]!);
      merged.push(t);
    }
    while (i < rest.length) merged.push(rest[i++]!);
    this.taken = merged;
    this.takenAt = 0;
  }
}
