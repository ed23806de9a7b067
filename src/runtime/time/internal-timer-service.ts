import type { Clock } from '../../core/clock.js';
import type { TimerService } from '../../core/operator.js';
import { TimerHeap, type Timer } from './timer-heap.js';

export interface TimerTarget {
  /** Makes `keyId` the current key, then runs the operator's timer hook. */
  fireEventTime(keyId: unknown, namespace: string | number, timestamp: number): void;
  fireProcessingTime(keyId: unknown, namespace: string | number, timestamp: number): void;
}

export interface TimersSnapshot {
  readonly eventTime: [number, unknown, string | number][];
  readonly processingTime: [number, unknown, string | number][];
}

function id(keyId: unknown, namespace: string | number, timestamp: number): string {
  return `${timestamp}\u0001${typeof keyId === 'number' ? 'n' : 's'}${String(keyId)}\u0001${typeof namespace === 'number' ? 'n' : 's'}${namespace}`;
}

/**
 * Event-time and processing-time timers of one keyed operator subtask. A timer is registered for
 * the current key; registering the same (key, namespace, time) again keeps one. Deleted timers stay
 * in the heap and are skipped when they surface.
 */
export class InternalTimerService implements TimerService {
  private readonly eventHeap = new TimerHeap();
  private readonly procHeap = new TimerHeap();
  private readonly eventIds = new Set<string>();
  private readonly procIds = new Set<string>();
  private seq = 0;
  private scheduledAt = Infinity;
  private cancelScheduled: (() => void) | undefined;
  private closed = false;

  constructor(
    private readonly currentKeyId: () => unknown,
    private readonly clock: Clock,
    private readonly target: TimerTarget,
    /** Runs a processing-time firing inside the task's error handling. */
    private readonly runGuarded: (fn: () => void) => void,
  ) {}

  registerEventTimeTimer(namespace: string | number, timestamp: number): void {
    const keyId = this.currentKeyId();
    const k = id(keyId, namespace, timestamp);
    if (this.eventIds.has(k)) return;
    this.eventIds.add(k);
    this.eventHeap.push({ timestamp, keyId, namespace, seq: this.seq++ });
  }
  deleteEventTimeTimer(namespace: string | number, timestamp: number): void {
    this.eventIds.delete(id(this.currentKeyId(), namespace, timestamp));
  }
  registerProcessingTimeTimer(namespace: string | number, timestamp: number): void {
    const keyId = this.currentKeyId();
    const k = id(keyId, namespace, timestamp);
    if (this.procIds.has(k)) return;
    this.procIds.add(k);
    this.procHeap.push({ timestamp, keyId, namespace, seq: this.seq++ });
    this.reschedule();
  }
  deleteProcessingTimeTimer(namespace: string | number, timestamp: number): void {
    this.procIds.delete(id(this.currentKeyId(), namespace, timestamp));
  }

  get pendingEventTimers(): number {
    return this.eventIds.size;
  }
  get pendingProcessingTimers(): number {
    return this.procIds.size;
  }

  /** Fires every event-time timer with timestamp <= `watermark`, earliest first. */
  advanceWatermark(watermark: number): void {
    for (;;) {
      const t = this.eventHeap.peek();
      if (!t || t.timestamp > watermark) return;
      this.eventHeap.pop();
      if (this.eventIds.delete(id(t.keyId, t.namespace, t.timestamp))) this.target.fireEventTime(t.keyId, t.namespace, t.timestamp);
    }
  }

  /** Fires every processing-time timer due at `now` (or all of them, at the end of a bounded job). */
  advanceProcessingTime(now: number): void {
    for (;;) {
      const t = this.procHeap.peek();
      if (!t || t.timestamp > now) break;
      this.procHeap.pop();
      if (this.procIds.delete(id(t.keyId, t.namespace, t.timestamp))) this.target.fireProcessingTime(t.keyId, t.namespace, t.timestamp);
    }
    this.reschedule();
  }

  private reschedule(): void {
    if (this.closed) return;
    let next = this.procHeap.peek();
    while (next && !this.procIds.has(id(next.keyId, next.namespace, next.timestamp))) {
      this.procHeap.pop();
      next = this.procHeap.peek();
    }
    const at = next ? next.timestamp : Infinity;
    if (at === this.scheduledAt) return;
    this.cancelScheduled?.();
    this.cancelScheduled = undefined;
    this.scheduledAt = at;
    if (at !== Infinity) {
      this.cancelScheduled = this.clock.schedule(at, () => {
        this.scheduledAt = Infinity;
        this.cancelScheduled = undefined;
        this.runGuarded(() => this.advanceProcessingTime(this.clock.now()));
      });
    }
  }

  close(): void {
    this.closed = true;
    this.cancelScheduled?.();
  }

  snapshot(): TimersSnapshot {
    const live = (h: TimerHeap, ids: Set<string>) =>
      h.toArray().filter((t) => ids.has(id(t.keyId, t.namespace, t.timestamp))).sort((a, b) => a.seq - b.seq).map((t): [number, unknown, string | number] => [t.timestamp, t.keyId, t.namespace]);
    return { eventTime: live(this.eventHeap, this.eventIds), processingTime: live(this.procHeap, this.procIds) };
  }

  restore(s: TimersSnapshot, owns: (keyId: unknown) => boolean): void {
    const add = (heap: TimerHeap, ids: Set<string>, list: [number, unknown, string | number][]) => {
      for (const [timestamp, keyId, namespace] of list) {
        if (!owns(keyId)) continue;
        const k = id(keyId, namespace, timestamp);
        if (ids.has(k)) continue;
        ids.add(k);
        heap.push({ timestamp, keyId, namespace, seq: this.seq++ } satisfies Timer);
      }
    };
    add(this.eventHeap, this.eventIds, s.eventTime);
    add(this.procHeap, this.procIds, s.processingTime);
    this.reschedule();
  }
}
