/**
 * Incremental against full checkpoints of the disk backend: `keys` keys of value state, then rounds
 * in which 1% of the keys change between checkpoints. Each checkpoint is taken as a job takes it
 * (the backend's asynchronous snapshot) and written with the checkpoint storage; reported are the
 * bytes written and the time from the barrier to the stored metadata, for a full checkpoint and for
 * the incremental ones (median), and their ratio.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { SystemClock } from '../src/core/clock.js';
import { valueState } from '../src/core/state.js';
import { FsCheckpointStorage } from '../src/runtime/checkpoint/checkpoint-storage.js';
import { splitSharedFiles } from '../src/runtime/checkpoint/task-state.js';
import { LmdbKeyedStateBackend } from '../src/runtime/state/lmdb/lmdb-keyed-state-backend.js';
import { encodeSubtaskState } from '../src/runtime/subtask-snapshot.js';

export interface IncrementalRun {
  readonly keys: number;
  readonly changedPerCheckpoint: number;
  readonly full: { bytes: number; ms: number };
  readonly incremental: { bytes: number; ms: number };
  readonly sizeRatio: number;
  readonly durationRatio: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Runs `rounds` checkpoints after a base, 1% of `keys` changed before each. */
export async function incrementalCheckpoints(keys: number, rounds = 5): Promise<IncrementalRun> {
  const dir = mkdtempSync(join(tmpdir(), 'weir-bench-inc-'));
  const head = serialize({ operatorState: { lists: {}, broadcast: {} } });
  try {
    const b = new LmdbKeyedStateBackend(new SystemClock(), 128, { cacheEntries: 100_000, incremental: true });
    const v = b.getState(valueState<{ n: number; note: string }>('v'));
    const put = (k: number, n: number) => {
      b.setCurrentKey(`key-${k}`);
      v.update({ n, note: `value of key ${k}` });
    };
    for (let k = 0; k < keys; k++) put(k, 0);
    const storage = new FsCheckpointStorage(join(dir, 'job'), 1);
    const checkpoint = async (id: number, full: boolean) => {
      const t0 = performance.now();
      // A savepoint is the full form of the same snapshot.
      const snap = await b.snapshotAsync({ checkpointId: id, savepoint: full });
      const { keyed, shared } = splitSharedFiles(snap);
      const { sizeBytes } = await storage.write(id, full, 'bench', [
        { operator: 'count', subtask: 0, parallelism: 1, bytes: encodeSubtaskState({ head, keyed }), ...shared },
      ]);
      const ms = performance.now() - t0;
      if (!full) b.notifyCheckpointComplete(id);
      return { bytes: sizeBytes, ms };
    };
    const fullRun = await checkpoint(1, true);
    await checkpoint(2, false); // the base of the chain
    const changed = Math.max(1, Math.floor(keys / 100));
    const inc: { bytes: number; ms: number }[] = [];
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < changed; i++) put(Math.floor(Math.random() * keys), r + 1);
      inc.push(await checkpoint(3 + r, false));
    }
    b.dispose();
    const incremental = { bytes: median(inc.map((x) => x.bytes)), ms: Math.round(median(inc.map((x) => x.ms))) };
    const full = { bytes: fullRun.bytes, ms: Math.round(fullRun.ms) };
    return {
      keys,
      changedPerCheckpoint: changed,
      full,
      incremental,
      sizeRatio: Math.round((incremental.bytes / full.bytes) * 1000) / 1000,
      durationRatio: Math.round((incremental.ms / full.ms) * 1000) / 1000,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
