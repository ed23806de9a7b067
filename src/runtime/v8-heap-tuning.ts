import { setFlagsFromString } from 'node:v8';
import type { ExecutionConfig } from '../graph/job-executor.js';

let applied = false;

/**
 * Turns off V8's allocation-site pretenuring for this process (once) unless the job asks to keep
 * it (`weir.v8.allocation-site-pretenuring: true`).
 *
 * Why: V8 decides per allocation site, from how many of its objects survive a young-generation
 * collection, whether to allocate them directly in the old generation. Early in a job a batch of
 * records is often alive during such a collection, so in about one process in five the record
 * literals of a source or an operator were judged long-lived: from then on every record went to the
 * old generation, the heap grew to twice its size between mark-compacts, and the process ran at half
 * speed for its whole life (the "JIT cliff" of docs/performance.md). Records in a stream are
 * short-lived by design; long-lived state still reaches the old generation by promotion. The flag is
 * process-wide (worker threads share it) and read at collection time, so setting it when the first
 * job starts is early enough.
 *
 * @example
 * applyV8HeapTuning(config); // before the first subtask runs
 */
export function applyV8HeapTuning(config: Pick<ExecutionConfig, 'allocationSitePretenuring'>, setFlags: (flags: string) => void = setFlagsFromString): boolean {
  if (applied || config.allocationSitePretenuring === true) return false;
  applied = true;
  setFlags('--no-allocation-site-pretenuring');
  return true;
}

/** For tests: lets the next job apply the tuning again. */
export function resetV8HeapTuningForTests(): void {
  applied = false;
}
