import { toMillis, type Duration } from '../../core/duration.js';

/** When a part file is closed and a new one started (Flink's `DefaultRollingPolicy`). */
export interface RollingPolicyOptions {
  /** Bytes; a part never grows past it, unless one record alone is larger. Default 128 MiB. */
  readonly maxPartSize?: number;
  /** A part stays open at most this long. Default '60s'. */
  readonly rolloverInterval?: Duration;
  /** A part that received nothing for this long is closed. Default '60s'. */
  readonly inactivityInterval?: Duration;
}

/** The rolling decisions as pure functions of sizes and times, so they can be tested without files. */
export class RollingPolicy {
  readonly maxPartSize: number;
  readonly rolloverMs: number;
  readonly inactivityMs: number;

  constructor(options: RollingPolicyOptions = {}) {
    this.maxPartSize = options.maxPartSize ?? 128 * 1024 * 1024;
    this.rolloverMs = toMillis(options.rolloverInterval ?? '60s');
    this.inactivityMs = toMillis(options.inactivityInterval ?? '60s');
  }

  /** Before writing a record of `bytes` into a part of `partSize` bytes. */
  shouldRollOnRecord(partSize: number, bytes: number): boolean {
    return partSize > 0 && partSize + bytes > this.maxPartSize;
  }

  shouldRollOnTime(now: number, openedAt: number, lastWriteAt: number): boolean {
    return now - openedAt >= this.rolloverMs || now - lastWriteAt >= this.inactivityMs;
  }

  /** When the time rule next needs checking for a part. */
  nextCheck(openedAt: number, lastWriteAt: number): number {
    return Math.min(openedAt + this.rolloverMs, lastWriteAt + this.inactivityMs);
  }
}
