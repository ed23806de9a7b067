import { mkdirSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Batch } from '../../core/batch.js';
import { BatchBuilder } from '../../core/batch.js';
import type { SinkWriter } from '../../core/sink.js';
import type { Clock } from '../../core/clock.js';
import { PartitionCommitTracker, writeSuccessFiles, type PartitionCommitOptions, type PartitionCommitState } from './partition-commit.js';
import type { FileCommittable, RollingFileWriter } from './rolling-file-writer.js';

/** A bucketed writer's committable: its parts, and with partition commit the partitions' state. */
interface BucketedCommittable extends FileCommittable {
  readonly partitions?: PartitionCommitState;
}

/** Partition commit (success files) of a bucketed writer. */
export interface BucketCommit {
  readonly options: PartitionCommitOptions;
  readonly clock: Clock;
  /** The writer is two-phase (exactly-once checkpoints): partitions commit as checkpoints complete, else at the end of input. */
  readonly twoPhase: boolean;
}

/**
 * Routes each record to the part files of its bucket, a sub-directory of the sink's path (Flink's
 * `BucketAssigner`; SQL's PARTITIONED BY makes `dt=2024-01-01/hm=12%3A00`). Each bucket has its own
 * {@link RollingFileWriter}, so rolling, two-phase commit and recovery work per directory as for
 * an unbucketed sink; a checkpoint's committable lists the parts of every bucket. With partition
 * commit, a bucket's success file is written once its trigger holds at a checkpoint barrier and that
 * checkpoint completed (or at the end of input), after its parts became visible.
 */
export class BucketedFileWriter implements SinkWriter<unknown> {
  private readonly writers = new Map<string, RollingFileWriter>();
  private readonly tracker: PartitionCommitTracker | undefined;
  private watermark = -Infinity;
  private ended = false;

  constructor(
    private readonly root: string,
    private readonly bucketOf: (value: unknown) => string,
    private readonly createWriter: (dir: string) => RollingFileWriter,
    private readonly partitionCommit?: BucketCommit,
  ) {
    this.tracker = partitionCommit && new PartitionCommitTracker(partitionCommit.options);
  }

  write(batch: Batch<unknown>): Promise<void> | undefined {
    const { values, timestamps } = batch;
    if (values.length === 0) return undefined;
    // Most batches fall in one bucket (a day, a minute): they go to its writer as they are.
    const first = this.bucketOf(values[0]);
    let i = 1;
    while (i < values.length && this.bucketOf(values[i]) === first) i++;
    const now = this.tracker && this.partitionCommit!.clock.now();
    if (i === values.length) {
      this.tracker?.seen(first, now!);
      return this.writer(first).write(batch);
    }
    const builders = new Map<string, BatchBuilder<unknown>>();
    for (let i = 0; i < values.length; i++) {
      const bucket = this.bucketOf(values[i]);
      let b = builders.get(bucket);
      if (b === undefined) builders.set(bucket, (b = new BatchBuilder<unknown>()));
      b.add(values[i], timestamps[i]!);
    }
    const waits: Promise<void>[] = [];
    for (const [bucket, b] of builders) {
      this.tracker?.seen(bucket, now!);
      const wait = this.writer(bucket).write(b.take());
      if (wait) waits.push(wait);
    }
    return waits.length === 0 ? undefined : Promise.all(waits).then(() => undefined);
  }

  onWatermark(watermark: number): void {
    this.watermark = watermark;
  }

  preCommit(id: number): Promise<BucketedCommittable> | undefined {
    const all = [...this.writers.values()].map((w) => w.preCommit(id));
    const twoPhaseCommit = this.partitionCommit?.twoPhase === true;
    if (twoPhaseCommit) this.tracker!.barrier(id, this.partitionCommit!.clock.now(), this.watermark, this.ended);
    if (!twoPhaseCommit && all.every((c) => c === undefined)) return undefined;
    const partitions = twoPhaseCommit ? { partitions: this.tracker!.snapshot(id) } : {};
    return Promise.all(all).then((cs) => ({ checkpointId: id, parts: cs.flatMap((c) => c?.parts ?? []), ...partitions }));
  }

  async commit(id: number): Promise<void> {
    for (const w of this.writers.values()) await w.commit(id);
    if (this.partitionCommit?.twoPhase) await writeSuccessFiles(this.root, this.tracker!.takeDue(id), this.partitionCommit.options.successFileName);
  }

  /**
   * Recovers every bucket directory the sink's path holds, each with the parts listed in its
   * directory; then commits the partitions that were due at the restored checkpoint, and keeps
   * waiting for those that were pending.
   */
  async recover(committables: unknown[]): Promise<void> {
    const restored = committables as BucketedCommittable[];
    const parts = restored.flatMap((c) => c.parts);
    for (const dir of bucketDirs(this.root)) {
      const mine = parts.filter(([hidden]) => join(hidden, '..') === dir);
      await this.writer(relative(this.root, dir)).recover([{ checkpointId: 0, parts: mine }]);
    }
    const states = restored.flatMap((c) => (c.partitions ? [c.partitions] : []));
    if (this.partitionCommit === undefined || states.length === 0) return;
    await writeSuccessFiles(this.root, [...new Set(states.flatMap((s) => s.due))], this.partitionCommit.options.successFileName);
    this.tracker!.restore(states);
  }

  async finish(): Promise<void> {
    for (const w of this.writers.values()) await w.finish();
    this.ended = true;
    // Two-phase: the job's final checkpoint commits the parts, then every partition (see preCommit).
    if (this.partitionCommit && !this.partitionCommit.twoPhase)
      await writeSuccessFiles(this.root, this.tracker!.takeAll(), this.partitionCommit.options.successFileName);
  }

  async close(): Promise<void> {
    let error: unknown;
    for (const w of this.writers.values()) await w.close().catch((e: unknown) => (error ??= e));
    if (error !== undefined) throw error;
  }

  private writer(bucket: string): RollingFileWriter {
    let w = this.writers.get(bucket);
    if (w === undefined) {
      const dir = join(this.root, bucket);
      mkdirSync(dir, { recursive: true });
      w = this.createWriter(dir);
      this.writers.set(bucket, w);
    }
    return w;
  }
}

/** The directories under `root` (all depths), where buckets of an earlier run may have left parts. */
function bucketDirs(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      out.push(join(dir, e.name));
      walk(join(dir, e.name));
    }
  };
  walk(root);
  return out;
}
