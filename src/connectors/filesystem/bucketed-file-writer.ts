import { mkdirSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Batch } from '../../core/batch.js';
import { BatchBuilder } from '../../core/batch.js';
import type { SinkWriter } from '../../core/sink.js';
import type { FileCommittable, RollingFileWriter } from './rolling-file-writer.js';

/**
 * Routes each record to the part files of its bucket, a sub-directory of the sink's path (Flink's
 * `BucketAssigner`; SQL's PARTITIONED BY makes `dt=2024-01-01/hm=12%3A00`). Each bucket has its own
 * {@link RollingFileWriter}, so rolling, two-phase commit and recovery work per directory as for
 * an unbucketed sink; a checkpoint's committable lists the parts of every bucket.
 */
export class BucketedFileWriter implements SinkWriter<unknown> {
  private readonly writers = new Map<string, RollingFileWriter>();

  constructor(
    private readonly root: string,
    private readonly bucketOf: (value: unknown) => string,
    private readonly createWriter: (dir: string) => RollingFileWriter,
  ) {}

  write(batch: Batch<unknown>): Promise<void> | undefined {
    const { values, timestamps } = batch;
    if (values.length === 0) return undefined;
    // Most batches fall in one bucket (a day, a minute): they go to its writer as they are.
    const first = this.bucketOf(values[0]);
    let i = 1;
    while (i < values.length && this.bucketOf(values[i]) === first) i++;
    if (i === values.length) return this.writer(first).write(batch);
    const builders = new Map<string, BatchBuilder<unknown>>();
    for (let i = 0; i < values.length; i++) {
      const bucket = this.bucketOf(values[i]);
      let b = builders.get(bucket);
      if (b === undefined) builders.set(bucket, (b = new BatchBuilder<unknown>()));
      b.add(values[i], timestamps[i]!);
    }
    const waits: Promise<void>[] = [];
    for (const [bucket, b] of builders) {
      const wait = this.writer(bucket).write(b.take());
      if (wait) waits.push(wait);
    }
    return waits.length === 0 ? undefined : Promise.all(waits).then(() => undefined);
  }

  preCommit(id: number): Promise<FileCommittable> | undefined {
    const all = [...this.writers.values()].map((w) => w.preCommit(id));
    if (all.every((c) => c === undefined)) return undefined;
    return Promise.all(all).then((cs) => ({ checkpointId: id, parts: cs.flatMap((c) => c?.parts ?? []) }));
  }

  async commit(id: number): Promise<void> {
    for (const w of this.writers.values()) await w.commit(id);
  }

  /** Recovers every bucket directory the sink's path holds, each with the parts listed in its directory. */
  async recover(committables: unknown[]): Promise<void> {
    const parts = (committables as FileCommittable[]).flatMap((c) => c.parts);
    for (const dir of bucketDirs(this.root)) {
      const mine = parts.filter(([hidden]) => join(hidden, '..') === dir);
      await this.writer(relative(this.root, dir)).recover([{ checkpointId: 0, parts: mine }]);
    }
  }

  async finish(): Promise<void> {
    for (const w of this.writers.values()) await w.finish();
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
