import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * When a bucket (a partition directory) is declared complete, as Flink's
 * `sink.partition-commit.*`: the success file tells readers that a partition will not change.
 */
export interface PartitionCommitOptions {
  /**
   * `process-time`: a partition is due once `delay` has passed since its first record arrived;
   * `partition-time`: once the watermark passes the partition's own time plus `delay`.
   */
  readonly trigger: 'process-time' | 'partition-time';
  /** Milliseconds; default 0 (due at the first checkpoint, or end of input, after its data). */
  readonly delay?: number;
  /** For `partition-time`: the time (epoch ms) a bucket stands for; it throws when the bucket names none. */
  readonly partitionTime?: (bucket: string) => number;
  /** The file written into a committed partition; default `_SUCCESS` (readers skip names starting with `_`). */
  readonly successFileName?: string;
}

/** What a checkpoint keeps of the partitions: those waiting for their trigger, and those due once the checkpoint's data is visible. */
export interface PartitionCommitState {
  /** Bucket and the processing time its first record arrived. */
  readonly pending: [string, number][];
  readonly due: string[];
}

/**
 * The partition-commit decisions as pure logic (no files, no clock): buckets are seen as records
 * arrive; at each checkpoint barrier the pending ones whose trigger holds become due for that
 * checkpoint, and they are committed when it completes, after its parts are visible, so a success
 * file never announces data a restore would take back. A partition that gets records again after
 * its commit is pending again, and committed again later (as Flink does with late data).
 */
export class PartitionCommitTracker {
  private readonly pending = new Map<string, number>();
  /** Partition times, computed once per bucket (and checked as its first record arrives). */
  private readonly times = new Map<string, number>();
  private readonly due = new Map<number, string[]>();
  private readonly delay: number;

  constructor(private readonly options: PartitionCommitOptions) {
    this.delay = options.delay ?? 0;
  }

  /** A record of `bucket` arrived at processing time `now`. */
  seen(bucket: string, now: number): void {
    if (this.pending.has(bucket)) return;
    if (this.options.trigger === 'partition-time' && !this.times.has(bucket)) this.times.set(bucket, this.options.partitionTime!(bucket));
    this.pending.set(bucket, now);
  }

  /**
   * The barrier of checkpoint `id` at processing time `now` and watermark `watermark`: the pending
   * partitions whose trigger holds (all of them after the end of input) become due for `id`.
   */
  barrier(id: number, now: number, watermark: number, ended: boolean): void {
    const due: string[] = [];
    for (const [bucket, created] of this.pending) {
      if (ended || this.triggered(bucket, created, now, watermark)) due.push(bucket);
    }
    for (const b of due) this.pending.delete(b);
    if (due.length > 0) this.due.set(id, due);
  }

  /** The partitions due for checkpoints up to `id`, forgotten once returned (commit them). */
  takeDue(id: number): string[] {
    const out: string[] = [];
    for (const [cid, buckets] of this.due) {
      if (cid > id) continue;
      out.push(...buckets);
      this.due.delete(cid);
    }
    return [...new Set(out)];
  }

  /** All pending partitions, due now (end of input without checkpoints). */
  takeAll(): string[] {
    const out = [...this.pending.keys(), ...[...this.due.values()].flat()];
    this.pending.clear();
    this.due.clear();
    return [...new Set(out)];
  }

  /** For the committable of checkpoint `id`: pending partitions, and those due up to `id` not yet committed. */
  snapshot(id: number): PartitionCommitState {
    const due = [...this.due].filter(([cid]) => cid <= id).flatMap(([, b]) => b);
    return { pending: [...this.pending], due: [...new Set(due)] };
  }

  /** After a restore: the pending partitions of the restored committables come back (their due ones the caller commits). */
  restore(states: readonly PartitionCommitState[]): void {
    for (const s of states)
      for (const [bucket, created] of s.pending) {
        const known = this.pending.get(bucket);
        this.pending.set(bucket, known === undefined ? created : Math.min(known, created));
      }
  }

  private triggered(bucket: string, created: number, now: number, watermark: number): boolean {
    if (this.options.trigger === 'process-time') return this.delay === 0 || now > created + this.delay;
    return watermark > this.times.get(bucket)! + this.delay;
  }
}

/** Writes the success file of each partition (idempotent: a repeated commit rewrites an empty file). */
export async function writeSuccessFiles(root: string, buckets: readonly string[], name = '_SUCCESS'): Promise<void> {
  for (const b of buckets) await writeFile(join(root, b, name), '');
}
