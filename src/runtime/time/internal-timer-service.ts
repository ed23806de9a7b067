import type { Clock } from '../../core/clock.js';
import type { TimerService } from '../../core/operator.js';
import type { TimerStore } from '../../core/state-backend.js';
import { TimerQueue } from './timer-queue.js';

export interface TimerTarget {
  /** Makes `keyId` the current key, then runs the operator's timer hook. */
  fireEventTime(keyId: unknown, namespace: string | number, timestamp: number): void;
  fireProcessingTime(keyId: unknown, namespace: string | number, timestamp: number): void;
}

export interface TimersSnapshot {
  readonly eventTime: [number, unknown, string | number][];
  readonly processingTime: [number, unknown, string | number][];
}

/**
 * Event-time and processing-time timers of one keyed operator subtask. A timer is registered for
 * the current key; registering the same (key, namespace, time) again keeps one. Timers fire in
 * timestamp order, equal timestamps in the order they were (last) registered. Deleted timers stay
 * in the heap and are skipped when they surface.
 *
 * With timer stores (the disk backend), the latest timers past a bound live in the store and come
 * back as they come due, so a huge number of timers does not sit on the heap.
 *
 * The final watermark (`Infinity`) and the end of input (`advanceProcessingTime(Infinity)`) fire
 * the timers pending at that moment, and timers those register up to the latest of them, so an
 * `onTimer` that re-registers itself (`ts + 1000`) still lets a bounded job end.
 *
 * @example
 * const timers = new InternalTimerService(() => key, clock, target, (fn) => fn());
 * timers.registerEventTimeTimer(0, 1000);
 * timers.advanceWatermark(1000); // target.fireEventTime(key, 0, 1000)
 */
export class InternalTimerService implements TimerService {
  private readonly event: TimerQueue;
  private readonly proc: TimerQueue;
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
    /** Where timers past a bound go (the disk backend's store); without it all stay on the heap. */
    stores: { event?: TimerStore | undefined; processing?: TimerStore | undefined } = {},
  ) {
    this.event = new TimerQueue(stores.event);
    this.proc = new TimerQueue(stores.processing);
  }

  registerEventTimeTimer(namespace: string | number, timestamp: number): void {
    this.event.add(this.currentKeyId(), namespace, timestamp, this.seq++);
  }
  deleteEventTimeTimer(namespace: string | number, timestamp: number): void {
    this.event.delete(this.currentKeyId(), namespace, timestamp);
  }
  registerProcessingTimeTimer(namespace: string | number, timestamp: number): void {
    if (this.proc.add(this.currentKeyId(), namespace, timestamp, this.seq++)) this.reschedule();
  }
  deleteProcessingTimeTimer(namespace: string | number, timestamp: number): void {
    this.proc.delete(this.currentKeyId(), namespace, timestamp);
  }

  get pendingEventTimers(): number {
    return this.event.size;
  }
  get pendingProcessingTimers(): number {
    return this.proc.size;
  }

  /** Fires every event-time timer with timestamp <= `watermark`, earliest first. */
  advanceWatermark(watermark: number): void {
    const q = this.event;
    const limit = watermark === Infinity ? q.maxTimestamp() : watermark;
    for (let t = q.nextDue(limit); t; t = q.nextDue(limit)) {
      q.take(t);
      this.target.fireEventTime(t.keyId, t.namespace, t.timestamp);
    }
  }

  /** Fires every processing-time timer due at `now`; `Infinity` is the end of a bounded input. */
  advanceProcessingTime(now: number): void {
    const q = this.proc;
    const limit = now === Infinity ? q.maxTimestamp() : now;
    for (let t = q.nextDue(limit); t; t = q.nextDue(limit)) {
      q.take(t);
      this.target.fireProcessingTime(t.keyId, t.namespace, t.timestamp);
    }
    this.reschedule();
  }

  private reschedule(): void {
    if (this.closed) return;
    const at = this.proc.nextDue(Infinity)?.timestamp ?? Infinity;
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
    const live = (q: TimerQueue) => q.liveTimers().map((t): [number, unknown, string | number] => [t.timestamp, t.keyId, t.namespace]);
    return { eventTime: live(this.event), processingTime: live(this.proc) };
  }

  /** Adds the timers of `s` whose key this subtask owns (snapshots of several old subtasks may be restored in turn). */
  restore(s: TimersSnapshot, owns: (keyId: unknown) => boolean): void {
    for (const [timestamp, keyId, namespace] of s.eventTime) if (owns(keyId)) this.event.add(keyId, namespace, timestamp, this.seq++);
    for (const [timestamp, keyId, namespace] of s.processingTime) if (owns(keyId)) this.proc.add(keyId, namespace, timestamp, this.seq++);
    this.reschedule();
  }
}
