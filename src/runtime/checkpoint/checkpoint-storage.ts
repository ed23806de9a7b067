import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, open } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize } from 'node:v8';
import { decodeSubtaskState } from '../subtask-snapshot.js';

/** Bumped when the layout below changes incompatibly. Documented in docs/checkpoints.md. */
export const CHECKPOINT_FORMAT_VERSION = 1;

export interface TaskStateHandle {
  /** Operator uid. */
  readonly operator: string;
  readonly subtask: number;
  readonly parallelism: number;
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface CheckpointMetadata {
  readonly format: 'weir-checkpoint';
  readonly version: number;
  readonly id: number;
  readonly savepoint: boolean;
  readonly jobName: string;
  readonly createdAt: string;
  readonly tasks: TaskStateHandle[];
}

export interface TaskState {
  readonly operator: string;
  readonly subtask: number;
  readonly parallelism: number;
  readonly state: unknown;
}

/** A subtask's state as written: already serialized (V8 serialization format) when it was acknowledged. */
export interface SerializedTaskState {
  readonly operator: string;
  readonly subtask: number;
  readonly parallelism: number;
  readonly bytes: Uint8Array;
}

export interface LoadedCheckpoint {
  readonly path: string;
  readonly metadata: CheckpointMetadata;
  /** State per task, by `operator#subtask`. */
  readonly states: TaskState[];
}

export interface SkippedCheckpoint {
  readonly path: string;
  readonly reason: string;
}

async function writeDurably(path: string, data: Uint8Array | string): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Checkpoints on a file system: one directory per checkpoint (`chk-<id>`, or `savepoint-<id>` for
 * savepoints), one V8-serialized file per subtask, and a JSON `_metadata` written last by
 * write-to-temp-then-rename, so a directory without `_metadata` is never mistaken for a checkpoint.
 * Every state file's SHA-256 is in the metadata, so damage is detected at restore.
 */
export class FsCheckpointStorage {
  constructor(
    readonly dir: string,
    private readonly retained = 1,
  ) {}

  async write(id: number, savepoint: boolean, jobName: string, tasks: SerializedTaskState[]): Promise<{ path: string; sizeBytes: number }> {
    const path = join(this.dir, `${savepoint ? 'savepoint' : 'chk'}-${id}`);
    await mkdir(path, { recursive: true });
    const handles: TaskStateHandle[] = [];
    let sizeBytes = 0;
    await Promise.all(
      tasks.map(async (t) => {
        const data = t.bytes;
        const file = `${t.operator.replace(/[^A-Za-z0-9_.-]/g, '_')}-${t.subtask}.bin`;
        await writeDurably(join(path, file), data);
        sizeBytes += data.length;
        handles.push({
          operator: t.operator,
          subtask: t.subtask,
          parallelism: t.parallelism,
          file,
          bytes: data.length,
          sha256: createHash('sha256').update(data).digest('hex'),
        });
      }),
    );
    handles.sort((a, b) => (a.operator === b.operator ? a.subtask - b.subtask : a.operator < b.operator ? -1 : 1));
    const meta: CheckpointMetadata = {
      format: 'weir-checkpoint',
      version: CHECKPOINT_FORMAT_VERSION,
      id,
      savepoint,
      jobName,
      createdAt: new Date().toISOString(),
      tasks: handles,
    };
    await writeDurably(join(path, '_metadata.tmp'), JSON.stringify(meta, null, 2));
    await rename(join(path, '_metadata.tmp'), join(path, '_metadata'));
    if (!savepoint) await this.prune();
    return { path, sizeBytes };
  }

  /**
   * Complete and incomplete checkpoint directories (`chk-<id>`), and with `savepoints` also
   * savepoint directories, newest first. Checkpoints and savepoints of a job draw ids from one
   * sequence, so the id orders them in time.
   */
  private async checkpointDirs(savepoints = false): Promise<{ id: number; path: string }[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const pattern = savepoints ? /^(?:chk|savepoint)-(\d+)$/ : /^chk-(\d+)$/;
    return names
      .map((n) => ({ m: pattern.exec(n), n }))
      .filter((x) => x.m)
      .map((x) => ({ id: Number(x.m![1]), path: join(this.dir, x.n) }))
      .sort((a, b) => b.id - a.id);
  }

  /** Deletes checkpoints beyond the retained number; savepoints are the user's and never deleted. */
  private async prune(): Promise<void> {
    const dirs = await this.checkpointDirs();
    let kept = 0;
    for (const d of dirs) {
      const complete = await readFile(join(d.path, '_metadata')).then(
        () => true,
        () => false,
      );
      if (complete && kept < this.retained) kept++;
      else if (complete || kept >= this.retained) await rm(d.path, { recursive: true, force: true });
    }
  }

  /** Highest checkpoint or savepoint id present (complete or not), so a resumed job never reuses an id. */
  async highestId(): Promise<number> {
    return (await this.checkpointDirs(true))[0]?.id ?? 0;
  }

  /** Reads and verifies one checkpoint or savepoint directory; throws naming what is wrong. */
  static async load(path: string): Promise<LoadedCheckpoint> {
    let meta: CheckpointMetadata;
    try {
      meta = JSON.parse(await readFile(join(path, '_metadata'), 'utf8'));
    } catch (e) {
      throw new Error(`no readable _metadata (${(e as Error).message})`);
    }
    if (meta.format !== 'weir-checkpoint') throw new Error(`_metadata is not a Weir checkpoint`);
    if (meta.version > CHECKPOINT_FORMAT_VERSION) throw new Error(`format version ${meta.version} is newer than this Weir (${CHECKPOINT_FORMAT_VERSION})`);
    const states: TaskState[] = [];
    for (const h of meta.tasks) {
      let data: Buffer;
      try {
        data = await readFile(join(path, h.file));
      } catch {
        throw new Error(`state file ${h.file} is missing`);
      }
      if (createHash('sha256').update(data).digest('hex') !== h.sha256) throw new Error(`state file ${h.file} is corrupted (checksum mismatch)`);
      states.push({ operator: h.operator, subtask: h.subtask, parallelism: h.parallelism, state: decodeSubtaskState(deserialize(data)) });
    }
    return { path, metadata: meta, states };
  }

  /**
   * The newest restore point that verifies, and the newer ones skipped with the reason. A savepoint
   * of the job is a restore point like a checkpoint (as Flink adds savepoints to its completed
   * checkpoint store): its completion committed the sinks' output, so restoring an older checkpoint
   * would write that output again.
   */
  async loadLatest(): Promise<{ checkpoint: LoadedCheckpoint | undefined; skipped: SkippedCheckpoint[] }> {
    const skipped: SkippedCheckpoint[] = [];
    for (const d of await this.checkpointDirs(true)) {
      try {
        return { checkpoint: await FsCheckpointStorage.load(d.path), skipped };
      } catch (e) {
        skipped.push({ path: d.path, reason: (e as Error).message });
      }
    }
    return { checkpoint: undefined, skipped };
  }
}
