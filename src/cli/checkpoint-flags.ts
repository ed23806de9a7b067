import { resolve } from 'node:path';
import type { JobHooks } from '../api/job-hooks.js';

/** The checkpoint and restore flags `weir run` and `weir sql -f` share. */
export interface CheckpointFlags {
  /** `--checkpoint-dir` (`state.checkpoints.dir`). */
  checkpointDir?: string;
  /** `--checkpoint-interval` (`execution.checkpointing.interval`). */
  checkpointInterval?: string;
  /** `--resume`: from the latest retained checkpoint of the job in the checkpoint directory. */
  resume?: boolean;
  /** `--from-savepoint <path>`: from that savepoint or checkpoint directory. */
  fromSavepoint?: string;
  allowNonRestoredState?: boolean;
}

/**
 * Turns the flags into defaults of every job the process starts. They sit under what the job sets
 * itself, so a script's `SET 'state.checkpoints.dir'` or a job's own config wins over the flag.
 *
 * @example
 * applyCheckpointFlags(jobHooks(), { resume: true, checkpointInterval: '1s' });
 */
export function applyCheckpointFlags(hooks: JobHooks, flags: CheckpointFlags): void {
  if (flags.checkpointDir !== undefined) hooks.defaults['state.checkpoints.dir'] = flags.checkpointDir;
  if (flags.checkpointInterval !== undefined) hooks.defaults['execution.checkpointing.interval'] = flags.checkpointInterval;
  if (flags.resume || flags.fromSavepoint) {
    hooks.defaults.restore = {
      ...(flags.fromSavepoint ? { path: resolve(flags.fromSavepoint) } : { latest: true }),
      allowNonRestoredState: flags.allowNonRestoredState === true,
    };
  }
}
