import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { deserialize } from 'node:v8';
import type { SharedStateFile } from '../../core/state-backend.js';
import { decodeSubtaskState } from '../subtask-snapshot.js';

/**
 * Bumped when the layout below changes incompatibly. Documented in docs/checkpoints.md. Version 2
 * adds shared files (incremental checkpoints); a checkpoint without them is still written as 1.
 */
export const CHECKPOINT_FORMAT_VERSION = 2;
/** Folder of the files incremental checkpoints share, beside the `chk-<id>` folders. */
export const SHARED_DIR = 'shared';

export interface TaskStateHandle {
  /** Operator uid. */
  readonly operator: string;
  readonly subtask: number;
  readonly parallelism: number;
  readonly file: string;
  readonly bytes: number;
  readonly sha256: string;
  /** Shared files (in `shared/`, named by their SHA-256) the state file references, oldest first. */
  readonly shared?: string[];
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
  /** Shared files the state references (incremental checkpoints), and those of them written now. */
  readonly sharedRefs?: string[];
  readonly sharedNew?: { name: string; bytes: Uint8Array }[];
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

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Reads shared files and checks each against its name, the SHA-256 of its content. */
async function readShared(dir: string, names: string[]): Promise<SharedStateFile[]> {
  const files: SharedStateFile[] = [];
  for (const name of names) {
    let bytes: Buffer;
    try {
      bytes = await readFile(join(dir, name));
    } catch {
      throw new Error(`shared state file ${SHARED_DIR}/${name} is missing`);
    }
    if (createHash('sha256').update(bytes).digest('hex') !== name) throw new Error(`shared state file ${SHARED_DIR}/${name} is corrupted (checksum mismatch)`);
    files.push({ name, bytes });
  }
  return files;
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
    const shared = join(this.dir, SHARED_DIR);
    if (tasks.some((t) => t.sharedNew?.length)) await mkdir(shared, { recursive: true });
    await Promise.all(
      tasks.map(async (t) => {
        const file = `${t.operator.replace(/[^A-Za-z0-9_.-]/g, '_')}-${t.subtask}.bin`;
        for (const f of t.sharedNew ?? []) {
          // Named by content: a file an earlier checkpoint wrote is already there, whole.
          if (await exists(join(shared, f.name))) continue;
          // Two subtasks may write the same content (an empty increment): each through its own temp file.
          const tmp = join(shared, `${f.name}.${file}.tmp`);
          await writeDurably(tmp, f.bytes);
          await rename(tmp, join(shared, f.name));
          sizeBytes += f.bytes.length;
        }
        const data = t.bytes;
        await writeDurably(join(path, file), data);
        sizeBytes += data.length;
        handles.push({
          operator: t.operator,
          subtask: t.subtask,
          parallelism: t.parallelism,
          file,
          bytes: data.length,
          sha256: createHash('sha256').update(data).digest('hex'),
          ...(t.sharedRefs ? { shared: t.sharedRefs } : {}),
        });
      }),
    );
    handles.sort((a, b) => (a.operator === b.operator ? a.subtask - b.subtask : a.operator < b.operator ? -1 : 1));
    const meta: CheckpointMetadata = {
      format: 'weir-checkpoint',
      version: handles.some((h) => h.shared) ? CHECKPOINT_FORMAT_VERSION : 1,
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
    await this.pruneShared();
  }

  /**
   * Deletes the shared files that no checkpoint or savepoint left in the directory references: a
   * shared file lives as long as one retained checkpoint counts it among its references. Runs after
   * a checkpoint's metadata is written (checkpoints are written one at a time), so the files of the
   * checkpoint being written are referenced by then.
   */
  private async pruneShared(): Promise<void> {
    const dir = join(this.dir, SHARED_DIR);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    const refs = new Map<string, number>();
    for (const d of await this.checkpointDirs(true)) {
      let meta: CheckpointMetadata;
      try {
        meta = JSON.parse(await readFile(join(d.path, '_metadata'), 'utf8'));
      } catch {
        continue;
      }
      for (const h of meta.tasks) for (const n of h.shared ?? []) refs.set(n, (refs.get(n) ?? 0) + 1);
    }
    for (const n of names) if (!refs.has(n)) await rm(join(dir, n), { force: true });
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
      let state = decodeSubtaskState(deserialize(data));
      if (h.shared && state.keyed) state = { ...state, keyed: { ...state.keyed, shared: await readShared(join(path, '..', SHARED_DIR), h.shared) } };
      states.push({ operator: h.operator, subtask: h.subtask, parallelism: h.parallelism, state });
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
